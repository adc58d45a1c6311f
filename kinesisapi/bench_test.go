package kinesisapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/freshet-io/freshet"

	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// The benchmarks measure the handler's own cost per request (decoding,
// validation, the engine call, encoding), without a network or a client:
// ServeHTTP on an httptest recorder. One op is one record.

func benchHandler(b *testing.B, opts ...Option) *Handler {
	b.Helper()
	h := NewHandler(opts...)
	b.Cleanup(func() { h.Close() })
	rec := do(h, "CreateStream", `{"StreamName":"bench","ShardCount":1}`)
	if rec.Code != http.StatusOK {
		b.Fatal(rec.Body.String())
	}
	return h
}

func benchServe(b *testing.B, h *Handler, op string, body []byte) *httptest.ResponseRecorder {
	return benchServeAs(b, h, wire.ContentTypeJSON, op, body)
}

// sdkHeaders are headers aws-sdk-go-v2 sends with every call, besides the
// content type and target, so that the benchmarks read a signed request as
// the server does (the signature is not verified by default).
var sdkHeaders = map[string]string{
	"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261203/us-east-1/kinesis/aws4_request, " +
		"SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-target, " +
		"Signature=f943089ef44edb1edd8761c124614a6b992f7b3b8b228487549a945aac2d142b",
	"X-Amz-Date":            "20261203T150444Z",
	"Amz-Sdk-Invocation-Id": "ec5bdc13-dafb-4f83-be50-95ff1f0eb8e3",
	"Amz-Sdk-Request":       "attempt=1; max=1",
	"User-Agent":            "aws-sdk-go-v2/1.48.0 ua/2.1 os/linux lang/go#1.26.8 md/GOOS#linux md/GOARCH#amd64 api/kinesis#1.56.13 m/e",
}

// benchServeAs is benchServe for a body in the format of contentType.
func benchServeAs(b *testing.B, h *Handler, contentType, op string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	for k, v := range sdkHeaders {
		r.Header[k] = []string{v}
	}
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Amz-Target", wire.TargetPrefix+op)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		b.Fatal(rec.Body.String())
	}
	return rec
}

var benchData = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), 100))

// putRecordsBody is a PutRecords request of 500 100-byte records.
func putRecordsBody() []byte {
	var sb strings.Builder
	sb.WriteString(`{"StreamName":"bench","Records":[`)
	for i := range 500 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"PartitionKey":"user-%04d","Data":"%s"}`, i, benchData)
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

func BenchmarkServePutRecord(b *testing.B) {
	h := benchHandler(b)
	body := []byte(`{"StreamName":"bench","PartitionKey":"user-0001","Data":"` + benchData + `"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		benchServe(b, h, "PutRecord", body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkServePutRecords(b *testing.B) {
	h := benchHandler(b)
	body := putRecordsBody()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += 500 {
		benchServe(b, h, "PutRecords", body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// benchIterator writes 10,000 records to the stream of h, made by
// benchHandler, and returns a TRIM_HORIZON iterator of its shard.
func benchIterator(b *testing.B, h *Handler) string {
	body := putRecordsBody()
	for range 20 {
		benchServe(b, h, "PutRecords", body)
	}
	rec := benchServe(b, h, "GetShardIterator", []byte(`{"StreamName":"bench","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`))
	var it struct{ ShardIterator string }
	if err := json.Unmarshal(rec.Body.Bytes(), &it); err != nil {
		b.Fatal(err)
	}
	return it.ShardIterator
}

func BenchmarkServeGetRecords(b *testing.B) {
	h := benchHandler(b)
	body := []byte(`{"ShardIterator":"` + benchIterator(b, h) + `","Limit":10000}`)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += 10000 {
		benchServe(b, h, "GetRecords", body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkServeGetRecordsCBOR(b *testing.B) {
	h := benchHandler(b)
	body, err := cbor.Marshal(map[string]any{"ShardIterator": benchIterator(b, h), "Limit": 10000})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += 10000 {
		benchServeAs(b, h, wire.ContentTypeCBOR, "GetRecords", body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkServeGetRecordsFromDisk answers GetRecords of 10,000 records
// (1.3 MB) from memory and, in turn, from an engine with a data directory
// whose memory budget keeps none of them in memory and whose read cache
// (1 MiB for that budget) is smaller than they are, so that every call
// reads and checks them from the segment files (the operating system's page
// cache). It reports the handler's time per record for both ("memory-ns/rec",
// "disk-ns/rec") and the rate of the reads from disk over the rate from
// memory ("x-memory-rate"): BenchmarkDurableReads in the root package
// compares the engine's reads alone, without the encoding a Kinesis client
// gets them in.
func BenchmarkServeGetRecordsFromDisk(b *testing.B) {
	type target struct {
		h    *Handler
		body []byte
		time time.Duration
	}
	newTarget := func(opts ...Option) *target {
		h := benchHandler(b, opts...)
		return &target{h: h, body: []byte(`{"ShardIterator":"` + benchIterator(b, h) + `","Limit":10000}`)}
	}
	mem := newTarget()
	e := freshet.New(freshet.WithDataDir(b.TempDir()), freshet.WithSync(freshet.SyncNone), freshet.WithMaxMemory(1))
	b.Cleanup(func() { e.Close() })
	disk := newTarget(WithEngine(e))
	if m := e.MemoryInUse(); m > 2<<20 {
		b.Fatalf("%d bytes in memory: the records are not read from disk", m)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += 10000 {
		for _, t := range []*target{mem, disk} {
			start := time.Now()
			rec := benchServe(b, t.h, "GetRecords", t.body)
			t.time += time.Since(start)
			if !bytes.Contains(rec.Body.Bytes(), []byte(`"MillisBehindLatest":0`)) {
				b.Fatal("a call did not read to the end of the shard")
			}
		}
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	b.ReportMetric(per(mem.time), "memory-ns/rec")
	b.ReportMetric(per(disk.time), "disk-ns/rec")
	b.ReportMetric(mem.time.Seconds()/disk.time.Seconds(), "x-memory-rate")
}
