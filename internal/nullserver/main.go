// Command nullserver measures what a Kinesis load client can do on its own:
// it answers the data calls of a benchmark (PutRecord, PutRecords and
// GetRecords) with canned responses, without decoding the request or
// storing anything, and sends every other call (CreateStream, ListShards,
// ...) to a freshet handler so that the client can set its streams up.
//
// The rates a client reaches against nullserver are the ceiling of that
// client on that machine: no Kinesis server, however fast, can be measured
// above them. bench/run.sh (the load client in the module bench/) compares
// freshet and kinesalite with it:
//
//	bash bench/run.sh
//
// The canned GetRecords response holds --records records of --size bytes
// (with 13-character partition keys) and never ends: the load client reads
// it for as many records as it wrote. Responses carry the headers of
// freshet's (request ids of the same sizes, content type and length), so
// that the client parses the same bytes.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4569", "address to listen on")
	records := flag.Int("records", 10000, "records in the canned GetRecords response")
	size := flag.Int("size", 100, "bytes of data per record in the canned GetRecords response")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, err := newHandler(ctx, *records, *size)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	log.Printf("nullserver listening on %s", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// handler answers data calls with canned bodies and forwards the rest.
type handler struct {
	engine     *freshet.Engine
	next       http.Handler
	putRecord  []byte
	getRecords []byte

	mu         sync.Mutex
	putRecords map[int][]byte // by number of entries
}

// newHandler builds the canned responses with a real freshet engine, so
// that they are what freshet itself would answer.
func newHandler(ctx context.Context, records, size int) (*handler, error) {
	e := freshet.New()
	ok := false
	defer func() {
		if !ok {
			e.Close()
		}
	}()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "nullserver", ShardCount: 1}); err != nil {
		return nil, err
	}
	data := bytes.Repeat([]byte{'x'}, size)
	for i := 0; i < records; i++ {
		// 13-character keys, as long as the load client's.
		key := fmt.Sprintf("%013d", i)
		if _, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "nullserver", PartitionKey: key, Data: data}); err != nil {
			return nil, err
		}
	}
	next := kinesisapi.NewHandler(kinesisapi.WithEngine(e))
	put, err := call(next, "PutRecord", `{"StreamName":"nullserver","PartitionKey":"k","Data":"eA=="}`)
	if err != nil {
		return nil, err
	}
	it, err := call(next, "GetShardIterator", `{"StreamName":"nullserver","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`)
	if err != nil {
		return nil, err
	}
	iterator := bytes.TrimSuffix(bytes.TrimPrefix(it, []byte(`{"ShardIterator":"`)), []byte(`"}`))
	get, err := call(next, "GetRecords", fmt.Sprintf(`{"ShardIterator":%q,"Limit":%d}`, iterator, records))
	if err != nil {
		return nil, err
	}
	ok = true
	return &handler{engine: e, next: next, putRecord: put, getRecords: get, putRecords: map[int][]byte{}}, nil
}

// call runs one JSON request through h and returns the response body.
func call(h http.Handler, op, body string) ([]byte, error) {
	r, err := http.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		return nil, fmt.Errorf("%s: %d %s", op, w.Code, w.Body.Bytes())
	}
	return w.Body.Bytes(), nil
}

// Close stops the engine behind the handler.
func (h *handler) Close() error { return h.engine.Close() }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	switch r.Header.Get("X-Amz-Target") {
	case "Kinesis_20131202.PutRecord":
		io.Copy(io.Discard, r.Body)
		body = h.putRecord
	case "Kinesis_20131202.GetRecords":
		io.Copy(io.Discard, r.Body)
		body = h.getRecords
	case "Kinesis_20131202.PutRecords":
		req, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		body = h.putRecordsResponse(bytes.Count(req, []byte(`"PartitionKey"`)))
	default:
		h.next.ServeHTTP(w, r)
		return
	}
	// The headers of a Kinesis response, as freshet sends them: request
	// ids of the same sizes (clients read them), content type and length.
	hdr := w.Header()
	hdr["X-Amzn-Requestid"] = cannedRequestID
	hdr["X-Amz-Id-2"] = cannedID2
	hdr["Content-Type"] = jsonContentType
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// Canned response header values.
var (
	cannedRequestID = []string{"c0ffee00-0000-4000-8000-000000000000"}
	cannedID2       = []string{strings.Repeat("A", 96)}
	jsonContentType = []string{"application/x-amz-json-1.1"}
)

// putRecordsResponse returns a successful PutRecords response with n
// entries, built once per n.
func (h *handler) putRecordsResponse(n int) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	if b, ok := h.putRecords[n]; ok {
		return b
	}
	var b bytes.Buffer
	b.WriteString(`{"FailedRecordCount":0,"Records":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"SequenceNumber":"49590338271490256608559692538361571095921575989136588898","ShardId":"shardId-000000000000"}`)
	}
	b.WriteString(`]}`)
	h.putRecords[n] = b.Bytes()
	return b.Bytes()
}
