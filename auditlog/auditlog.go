// Package auditlog writes freshet audit events to a file as JSON lines,
// one event per line, rotating the file by size.
//
// A Writer is the file end of freshet.WithAuditHook:
//
//	w, err := auditlog.Open("/var/log/freshet/audit.jsonl")
//	if err != nil {
//		return err
//	}
//	defer w.Close()
//	e := freshet.New(freshet.WithAuditHook(w.Hook))
//
// Each line is the JSON encoding of a freshet.AuditEvent, which uses
// CloudTrail's field names, so tools that read CloudTrail records read
// these lines too. The package does not write CloudTrail's envelope
// ({"Records": [...]}), does not compress rotated files and does not
// delete them by age: it keeps the newest MaxBackups of them.
//
// Rotation happens before a write that would take the file past MaxBytes:
// the file becomes path.1, path.1 becomes path.2 and so on, the oldest
// backup beyond MaxBackups is deleted, and the event goes to a new, empty
// file. A line is never split across files; a line longer than MaxBytes is
// written alone to a fresh file, which is then over the limit until the
// next write rotates it.
//
// A Writer is a mutex around an *os.File and a byte count. It starts no
// goroutine, does not buffer (each event is one write system call, so a
// process crash loses at most the event being written) and does not sync to disk
// except on Close. Files are created with mode 0o600, because audit events
// name principals, access keys and client addresses.
package auditlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"sync"

	"github.com/freshet-io/freshet"
)

// ErrClosed is returned by writes to a Writer after Close.
var ErrClosed = errors.New("auditlog: write to closed Writer")

// Option configures a Writer; pass options to Open.
type Option func(*config)

type config struct {
	maxBytes   int64
	maxBackups int
}

// MaxBytes sets the size a file may reach before it is rotated; n must be
// positive. Default: 100 MiB.
func MaxBytes(n int64) Option {
	return func(c *config) { c.maxBytes = n }
}

// MaxBackups sets how many rotated files to keep, path.1 (the newest) to
// path.N; older ones are deleted. Zero keeps none: rotation starts the file
// afresh. n must not be negative. Default: 5.
func MaxBackups(n int) Option {
	return func(c *config) { c.maxBackups = n }
}

// Writer appends audit events to a file as JSON lines and rotates the file
// by size. Use Hook as a freshet audit hook, or Write to see each write's
// error. A Writer is safe for concurrent use; lines from concurrent writes
// never interleave.
type Writer struct {
	path       string
	maxBytes   int64
	maxBackups int

	mu      sync.Mutex
	f       *os.File // nil after Close, or after a rotation failed to reopen path
	size    int64    // bytes in f
	closed  bool
	err     error // first write error
	dropped int64 // events not written
}

// Open opens the file at path for appending, creating it with mode 0o600
// if it does not exist; its directory must exist. An existing file is
// appended to, and its size counts towards MaxBytes.
func Open(path string, opts ...Option) (*Writer, error) {
	cfg := config{maxBytes: 100 << 20, maxBackups: 5}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.maxBytes <= 0 {
		return nil, fmt.Errorf("auditlog: MaxBytes must be positive, got %d", cfg.maxBytes)
	}
	if cfg.maxBackups < 0 {
		return nil, fmt.Errorf("auditlog: MaxBackups must not be negative, got %d", cfg.maxBackups)
	}
	f, size, err := openFile(path)
	if err != nil {
		return nil, err
	}
	return &Writer{path: path, maxBytes: cfg.maxBytes, maxBackups: cfg.maxBackups, f: f, size: size}, nil
}

// openFile opens path for appending and returns its current size.
func openFile(path string) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// Hook writes ev as one line; it has the signature freshet.WithAuditHook
// expects. A hook cannot return an error, so Hook records it: Dropped
// counts the events that were not written and Err returns the first
// error. Hook never panics.
func (w *Writer) Hook(ev freshet.AuditEvent) {
	_ = w.Write(ev)
}

// Write writes ev as one line, rotating the file first if the line would
// take it past MaxBytes. It returns nil if the whole line was written and
// an error otherwise, in which case ev was not written: a partial line
// left by a failed write is cut off, and when rotation fails the event is
// dropped and the next write tries again. Like Hook,
// it records failures for Err and Dropped.
func (w *Writer) Write(ev freshet.AuditEvent) error {
	line, err := marshal(ev)
	if err == nil {
		err = w.writeLine(line)
	}
	if err != nil {
		w.mu.Lock()
		w.dropped++
		if w.err == nil {
			w.err = err
		}
		w.mu.Unlock()
	}
	return err
}

// marshal encodes ev as a JSON line. It turns a panic in a value's
// MarshalJSON method (RequestParameters can hold any value) into an error,
// since a hook must not panic on the caller's goroutine.
func marshal(ev freshet.AuditEvent) (line []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("auditlog: marshal event %s: panic: %v", ev.EventID, r)
		}
	}()
	line, err = json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("auditlog: marshal event %s: %w", ev.EventID, err)
	}
	return append(line, '\n'), nil
}

// writeLine appends line to the file, rotating first if it would not fit.
func (w *Writer) writeLine(line []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.f == nil {
		f, size, err := openFile(w.path)
		if err != nil {
			return err
		}
		w.f, w.size = f, size
	}
	if w.size > 0 && w.size+int64(len(line)) > w.maxBytes {
		if err := w.rotate(); err != nil {
			return err
		}
	}
	n, err := w.f.Write(line)
	if err != nil && n > 0 {
		// Cut the partial line off so that the next one starts a line.
		if w.f.Truncate(w.size) != nil {
			w.size += int64(n)
		}
		return err
	}
	w.size += int64(n)
	return err
}

// rotate closes the file, shifts it and its backups along and opens a
// new, empty file at path. If it fails, the file at path is reopened, if
// possible, so that the next write can try again.
func (w *Writer) rotate() error {
	err := w.f.Close()
	w.f = nil
	if err == nil {
		err = w.shift()
	}
	f, size, openErr := openFile(w.path)
	if openErr == nil {
		w.f, w.size = f, size
	}
	if err != nil || openErr != nil {
		return fmt.Errorf("auditlog: rotate %s: %w", w.path, errors.Join(err, openErr))
	}
	return nil
}

// shift renames path.N-1 to path.N (replacing it), ..., path to path.1;
// with no backups, it removes path.
func (w *Writer) shift() error {
	if w.maxBackups == 0 {
		return os.Remove(w.path)
	}
	for i := w.maxBackups - 1; i >= 1; i-- {
		err := os.Rename(w.backup(i), w.backup(i+1))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return os.Rename(w.path, w.backup(1))
}

// backup returns the name of the i-th newest rotated file.
func (w *Writer) backup(i int) string {
	return w.path + "." + strconv.Itoa(i)
}

// Err returns the first error a write met, through Hook or Write, or nil.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Dropped returns the number of events that Hook or Write failed to write.
func (w *Writer) Dropped() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dropped
}

// Close syncs the file to disk and closes it. Later writes fail with
// ErrClosed. Close is idempotent: calls after the first return nil.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if w.f == nil {
		return nil
	}
	err := errors.Join(w.f.Sync(), w.f.Close())
	w.f = nil
	return err
}
