package auditlog_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/auditlog"
)

// event returns an event whose JSON line has the same length for every i
// below 10000.
func event(i int) freshet.AuditEvent {
	return freshet.AuditEvent{
		EventID:            fmt.Sprintf("%04d", i),
		EventTime:          time.Date(2026, 11, 25, 22, 0, 0, 123000000, time.UTC),
		EventSource:        "kinesis.amazonaws.com",
		EventName:          "PutRecord",
		AWSRegion:          "us-east-1",
		RecipientAccountID: "123456789012",
		RequestID:          fmt.Sprintf("req-%04d", i),
	}
}

// lineLen is the length of event(i)'s line, newline included.
func lineLen(t *testing.T) int64 {
	t.Helper()
	b, err := json.Marshal(event(0))
	require.NoError(t, err)
	return int64(len(b)) + 1
}

func open(t *testing.T, path string, opts ...auditlog.Option) *auditlog.Writer {
	t.Helper()
	w, err := auditlog.Open(path, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { w.Close() })
	return w
}

// readEvents decodes the file at path, checking that it holds whole lines
// only.
func readEvents(t *testing.T, path string) []freshet.AuditEvent {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	if len(data) > 0 {
		require.Equal(t, byte('\n'), data[len(data)-1], "%s ends in a partial line", path)
	}
	var evs []freshet.AuditEvent
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev freshet.AuditEvent
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), "line %q", sc.Text())
		evs = append(evs, ev)
	}
	require.NoError(t, sc.Err())
	return evs
}

// ids returns the EventIDs of the events in the file at path.
func ids(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, ev := range readEvents(t, path) {
		out = append(out, ev.EventID)
	}
	return out
}

func idRange(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%04d", i))
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	w := open(t, path)
	want := []freshet.AuditEvent{
		event(1),
		{
			EventID:            "2f4c",
			EventTime:          time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
			EventSource:        "kinesis.amazonaws.com",
			EventName:          "GetRecords",
			AWSRegion:          "eu-west-1",
			RecipientAccountID: "000000000000",
			UserIdentity:       freshet.UserIdentity{ARN: "arn:aws:iam::000000000000:user/alice", AccessKeyID: "AKIDEXAMPLE"},
			SourceIPAddress:    "192.0.2.1",
			UserAgent:          "aws-sdk-go-v2/1.0 \"quoted\"\nnewline",
			RequestID:          "r-1",
			RequestParameters: map[string]any{
				"streamName": "orders",
				"limit":      float64(100), // JSON numbers decode as float64
				"shardIds":   []any{"shardId-000000000000"},
				"nested":     map[string]any{"ok": true},
			},
			Resources:    []string{"arn:aws:kinesis:eu-west-1:000000000000:stream/orders"},
			ErrorCode:    "ResourceNotFoundException",
			ErrorMessage: "Stream orders under account 000000000000 not found.",
		},
	}
	for _, ev := range want {
		require.NoError(t, w.Write(ev))
	}
	require.NoError(t, w.Close())
	require.Equal(t, want, readEvents(t, path))
	require.NoError(t, w.Err())
	require.Zero(t, w.Dropped())
}

func TestRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	n := lineLen(t)
	w := open(t, path, auditlog.MaxBytes(3*n+n/2), auditlog.MaxBackups(3)) // 3 lines a file
	for i := range 20 {
		w.Hook(event(i))
	}
	require.NoError(t, w.Close())
	require.NoError(t, w.Err())

	// Files of 3 lines: 0-2, 3-5, ..., 15-17, then 18-19 in path; only
	// the newest 3 backups are kept.
	require.Equal(t, idRange(18, 20), ids(t, path))
	require.Equal(t, idRange(15, 18), ids(t, path+".1"))
	require.Equal(t, idRange(12, 15), ids(t, path+".2"))
	require.Equal(t, idRange(9, 12), ids(t, path+".3"))
	require.NoFileExists(t, path+".4")
	for _, p := range []string{path, path + ".1", path + ".2", path + ".3"} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		require.LessOrEqual(t, fi.Size(), 3*n+n/2, p)
	}
}

func TestRotationAtExactLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	n := lineLen(t)
	w := open(t, path, auditlog.MaxBytes(2*n)) // a line that fills the file exactly fits
	for i := range 3 {
		require.NoError(t, w.Write(event(i)))
	}
	require.Equal(t, idRange(0, 2), ids(t, path+".1"))
	require.Equal(t, idRange(2, 3), ids(t, path))
}

func TestNoBackups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	n := lineLen(t)
	w := open(t, path, auditlog.MaxBytes(2*n), auditlog.MaxBackups(0))
	for i := range 5 {
		require.NoError(t, w.Write(event(i)))
	}
	require.Equal(t, idRange(4, 5), ids(t, path))
	require.NoFileExists(t, path+".1")
}

func TestReopenAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	n := lineLen(t)
	w := open(t, path)
	for i := range 3 {
		require.NoError(t, w.Write(event(i)))
	}
	require.NoError(t, w.Close())

	// The file holds 3 lines: one more fits in 4, the next rotates. Had
	// Open not counted the existing size, path.1 would not exist.
	w = open(t, path, auditlog.MaxBytes(4*n))
	require.NoError(t, w.Write(event(3)))
	require.NoFileExists(t, path+".1")
	require.NoError(t, w.Write(event(4)))
	require.NoError(t, w.Close())
	require.Equal(t, idRange(0, 4), ids(t, path+".1"))
	require.Equal(t, idRange(4, 5), ids(t, path))
}

func TestConcurrentHook(t *testing.T) {
	const goroutines, perGoroutine = 32, 50
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	n := lineLen(t)
	// Rotate every 100 lines and keep every file, so that all lines
	// survive.
	w := open(t, path, auditlog.MaxBytes(100*n), auditlog.MaxBackups(goroutines*perGoroutine/100+1))
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perGoroutine {
				w.Hook(event(g*perGoroutine + i))
			}
		}()
	}
	wg.Wait()
	require.NoError(t, w.Close())
	require.NoError(t, w.Err())

	got := ids(t, path)
	for i := 1; ; i++ {
		p := fmt.Sprintf("%s.%d", path, i)
		if _, err := os.Stat(p); err != nil {
			break
		}
		got = append(got, ids(t, p)...)
	}
	sort.Strings(got)
	require.Equal(t, idRange(0, goroutines*perGoroutine), got)
}

func TestWriteAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	w := open(t, path)
	require.NoError(t, w.Write(event(0)))
	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "Close is idempotent")

	require.ErrorIs(t, w.Write(event(1)), auditlog.ErrClosed)
	w.Hook(event(2))
	require.ErrorIs(t, w.Err(), auditlog.ErrClosed)
	require.Equal(t, int64(2), w.Dropped())
	require.Equal(t, idRange(0, 1), ids(t, path))
}

func TestLineLargerThanMaxBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	n := lineLen(t)
	big := event(1)
	big.ErrorMessage = fmt.Sprintf("%0*d", int(4*n), 0)
	b, err := json.Marshal(big)
	require.NoError(t, err)
	require.Greater(t, int64(len(b)), 2*n)
	w := open(t, path, auditlog.MaxBytes(2*n))

	require.NoError(t, w.Write(event(0)))
	require.NoError(t, w.Write(big)) // goes to a fresh file, alone
	require.Equal(t, idRange(0, 1), ids(t, path+".1"))
	require.Equal(t, []freshet.AuditEvent{big}, readEvents(t, path))

	require.NoError(t, w.Write(event(2))) // and the next line leaves it
	require.Equal(t, idRange(2, 3), ids(t, path))
	require.Equal(t, []freshet.AuditEvent{big}, readEvents(t, path+".1"))
	require.Equal(t, idRange(0, 1), ids(t, path+".2"))
}

func TestLargeFirstLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	big := event(0)
	big.ErrorMessage = fmt.Sprintf("%0500d", 0)
	w := open(t, path, auditlog.MaxBytes(10))
	require.NoError(t, w.Write(big)) // an empty file takes it, no rotation
	require.NoFileExists(t, path+".1")
	require.Equal(t, []freshet.AuditEvent{big}, readEvents(t, path))
}

type panicky struct{}

func (panicky) MarshalJSON() ([]byte, error) { panic("boom") }

func TestHookNeverPanics(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	w := open(t, path)
	bad := []any{math.NaN(), make(chan int), panicky{}}
	for _, v := range bad {
		ev := event(0)
		ev.RequestParameters = map[string]any{"v": v}
		require.NotPanics(t, func() { w.Hook(ev) })
	}
	require.ErrorContains(t, w.Err(), "marshal event 0000")
	require.Equal(t, int64(len(bad)), w.Dropped())

	require.NoError(t, w.Write(event(1)), "the writer is still usable")
	require.Equal(t, idRange(1, 2), ids(t, path))
}

func TestRotationFailureRecovers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	n := lineLen(t)
	// A directory in the way of path.1 makes renaming path onto it fail.
	require.NoError(t, os.Mkdir(path+".1", 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(path+".1", "x"), nil, 0o600))
	w := open(t, path, auditlog.MaxBytes(n), auditlog.MaxBackups(1))

	require.NoError(t, w.Write(event(0)))
	err := w.Write(event(1))
	require.ErrorContains(t, err, "rotate")
	require.Equal(t, err, w.Err())
	require.Equal(t, int64(1), w.Dropped())
	require.Equal(t, idRange(0, 1), ids(t, path), "the failed event is not written")

	require.NoError(t, os.RemoveAll(path+".1"))
	require.NoError(t, w.Write(event(2)), "the next write rotates")
	require.Equal(t, idRange(0, 1), ids(t, path+".1"))
	require.Equal(t, idRange(2, 3), ids(t, path))
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	_, err := auditlog.Open(filepath.Join(dir, "missing", "audit.jsonl"))
	require.Error(t, err)
	_, err = auditlog.Open(filepath.Join(dir, "a"), auditlog.MaxBytes(0))
	require.ErrorContains(t, err, "MaxBytes")
	_, err = auditlog.Open(filepath.Join(dir, "a"), auditlog.MaxBackups(-1))
	require.ErrorContains(t, err, "MaxBackups")
	require.NoFileExists(t, filepath.Join(dir, "a"))

	if runtime.GOOS != "windows" {
		path := filepath.Join(dir, "audit.jsonl")
		open(t, path)
		fi, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
}

// The engine's events, end to end: every call yields one line.
func TestEngineHook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	w := open(t, path)
	e := freshet.New(freshet.WithAuditHook(w.Hook))
	t.Cleanup(func() { e.Close() })
	ctx := t.Context()
	_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1})
	require.NoError(t, err)
	_, err = e.DescribeStream(ctx, &freshet.DescribeStreamInput{StreamName: "missing"})
	require.Error(t, err)
	require.NoError(t, w.Close())

	evs := readEvents(t, path)
	require.Len(t, evs, 2)
	require.Equal(t, "CreateStream", evs[0].EventName)
	require.Equal(t, "orders", evs[0].RequestParameters["streamName"])
	require.Equal(t, "DescribeStream", evs[1].EventName)
	require.Equal(t, "ResourceNotFoundException", evs[1].ErrorCode)
	require.NoError(t, w.Err())
}
