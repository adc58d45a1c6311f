package kinesisapi

// Behavior: reading request bodies without trusting their announced
// length. A body buffer starts small and doubles as bytes arrive, up to the
// announced length and the request limit, so a client announcing 16 MB and
// sending 11 bytes costs 11 bytes of buffer, not 16 MB. Every byte of
// buffer is first reserved from the handler's in-flight budget
// (WithMaxInFlightBytes); a request that cannot reserve what it needs is
// answered 503 ServiceUnavailable, which every AWS SDK retries. The body
// must arrive within the read timeout (WithReadTimeout), else 408.

import (
	"errors"
	"io"
	"math/bits"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// initialBodyBuffer is the largest buffer a body read starts with: most
// requests fit, and a body that announces more only gets more as it
// arrives.
const initialBodyBuffer = 32 << 10

// errBusy is returned by readBody when the in-flight budget is spent.
var errBusy = errors.New("kinesisapi: in-flight request bytes exhausted")

// errBodyTimeout is returned by readBody when the body did not arrive in
// time.
var errBodyTimeout = errors.New("kinesisapi: request body read timed out")

// byteBudget bounds the bytes held by request bodies being read or served
// at once. The zero value with limit 0 refuses everything; a negative limit
// allows everything.
type byteBudget struct {
	limit int64
	used  atomic.Int64
}

// acquire reserves n bytes and reports whether it could.
func (b *byteBudget) acquire(n int64) bool {
	if b.limit < 0 {
		b.used.Add(n)
		return true
	}
	for {
		used := b.used.Load()
		if used+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

// release returns n bytes reserved by acquire.
func (b *byteBudget) release(n int64) {
	b.used.Add(-n)
}

// releaseBody returns the bytes the call reserved for its body to the
// handler's budget, and the body's buffer to its pool: the decoded request
// holds copies of what it needs. It also returns the memory the request was
// decoded into, so the call must be done with the request, but for its
// strings (which observe reads). It is idempotent.
func (c *call) releaseBody() {
	if c.reserved > 0 {
		c.h.budget.release(c.reserved)
		c.reserved = 0
	}
	if c.bodyBuf != nil {
		putBodyBuffer(c.bodyBuf)
		c.bodyBuf = nil
	}
	if c.scratch != nil {
		c.scratch.Reset()
		scratches.Put(c.scratch)
		c.scratch = nil
	}
}

// scratches holds the memory requests are decoded into (the blobs and
// PutRecords entries), reused once a request is answered: the engine keeps
// copies of what it stores.
var scratches = sync.Pool{New: func() any { return new(wire.Scratch) }}

// Body buffers of initialBodyBuffer bytes and more are pooled, by powers
// of two, up to maxPooledBody: a PutRecords request of 500 records is about
// 90 KB, and allocating (and zeroing) its buffer anew for each request cost
// more than reading it.
const (
	bodyClasses   = 10
	maxPooledBody = initialBodyBuffer << (bodyClasses - 1) // 16 MiB
)

// bodyBuffers holds buffers of initialBodyBuffer<<i bytes in class i.
var bodyBuffers [bodyClasses]sync.Pool

// bodyClass returns the class of the smallest pooled buffer of at least n
// bytes, or -1 if n is not pooled.
func bodyClass(n int64) int {
	if n < initialBodyBuffer || n > maxPooledBody {
		return -1
	}
	return bits.Len64(uint64(n-1)) - bits.Len64(initialBodyBuffer-1)
}

// getBodyBuffer returns a buffer of capacity n at least: pooled for sizes
// that are, unless the pooled buffer would be larger than most, else
// allocated with capacity n.
func getBodyBuffer(n, most int64) *[]byte {
	class := bodyClass(n)
	if class < 0 || initialBodyBuffer<<class > most {
		b := make([]byte, 0, n)
		return &b
	}
	if p, ok := bodyBuffers[class].Get().(*[]byte); ok {
		return p
	}
	b := make([]byte, 0, initialBodyBuffer<<class)
	return &b
}

// putBodyBuffer returns a buffer from getBodyBuffer to its pool.
func putBodyBuffer(p *[]byte) {
	n := int64(cap(*p))
	if class := bodyClass(n); class >= 0 && n == initialBodyBuffer<<class {
		*p = (*p)[:0]
		bodyBuffers[class].Put(p)
	}
}

// readBody reads the request body, at most the configured limit, within
// the read timeout, growing its buffer (and its reservation of the
// in-flight budget) as bytes arrive.
func (c *call) readBody() ([]byte, error) {
	limit := c.h.cfg.maxRequestBytes
	if c.r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if c.r.Body == nil || c.r.Body == http.NoBody {
		return nil, nil
	}
	rc := http.NewResponseController(c.w)
	if d := c.h.cfg.readTimeout; d > 0 {
		_ = rc.SetReadDeadline(time.Now().Add(d)) // unsupported by recorders and some middleware: then unbounded
		// The deadline must not outlive the body: on HTTP/1.1 the server
		// keeps reading the connection while the handler runs, and an
		// expired deadline there cancels the request.
		defer func() { _ = rc.SetReadDeadline(time.Time{}) }()
	}
	c.h.bodyReads.Add(1)
	defer c.h.bodyReads.Add(-1)
	b, err := c.readAll(http.MaxBytesReader(c.w, c.r.Body, limit), c.r.ContentLength, limit)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, errBodyTimeout
	}
	return b, err
}

// readAll reads r to its end, as io.ReadAll does, into a buffer that starts
// at initialBodyBuffer bytes (or the announced length n and one more byte
// for the end of file, if smaller) and doubles when full, never beyond n+1
// or limit+1 bytes. Each buffer is reserved from the handler's budget
// first; readAll fails with errBusy when the budget is spent.
func (c *call) readAll(r io.Reader, n, limit int64) ([]byte, error) {
	ceiling := limit + 1
	if n >= 0 {
		ceiling = min(ceiling, n+1)
	}
	b, ok := c.growBody(nil, min(int64(initialBodyBuffer), ceiling), limit+1)
	if !ok {
		return nil, errBusy
	}
	for {
		m, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			grown := min(2*int64(cap(b)), max(ceiling, int64(cap(b))+1))
			if b, ok = c.growBody(b, grown, limit+1); !ok {
				return nil, errBusy
			}
		}
	}
}

// growBody moves the body read so far, b, into a buffer of capacity n (at
// most most bytes): pooled when its class fits in most, else allocated. It
// first reserves from the budget what the new buffer holds beyond the one
// it replaces (a pooled buffer counts whole, up to twice n), and reports
// false, changing nothing, if the budget is spent. The returned slice has
// capacity n, whatever the buffer's.
func (c *call) growBody(b []byte, n, most int64) ([]byte, bool) {
	p := getBodyBuffer(n, most)
	var held int64
	if c.bodyBuf != nil {
		held = int64(cap(*c.bodyBuf))
	}
	if !c.reserve(int64(cap(*p)) - held) {
		putBodyBuffer(p)
		return nil, false
	}
	nb := (*p)[:len(b):n]
	copy(nb, b)
	if c.bodyBuf != nil {
		putBodyBuffer(c.bodyBuf)
	}
	c.bodyBuf = p
	return nb, true
}

// reserve takes n more bytes of the in-flight budget for the call's body.
func (c *call) reserve(n int64) bool {
	if !c.h.budget.acquire(n) {
		return false
	}
	c.reserved += n
	return true
}
