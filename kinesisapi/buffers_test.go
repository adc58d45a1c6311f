package kinesisapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// TestResponseBuffersNotShared: responses are encoded into buffers reused
// across requests (encodeBuffers), from lists of records reused too
// (recordLists). Requests served at the same time, with bodies of
// different sizes and numbers of records in both formats, each get their
// own body, and no body changes while later requests are served. Run it
// with -race.
func TestResponseBuffersNotShared(t *testing.T) {
	h := newTestHandler(t)
	const (
		streams  = 4
		requests = 20
	)
	records := func(i int) int { return 50 - 10*i }
	// Stream i holds records of (i+1)*300 bytes of the letter 'a'+i, so
	// that responses differ in size and content.
	data := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, (i+1)*300) }
	iterators := make([]string, streams)
	for i := range streams {
		name := fmt.Sprintf("s%d", i)
		mustCreateStream(t, h, name, 1)
		var body strings.Builder
		fmt.Fprintf(&body, `{"StreamName":%q,"Records":[`, name)
		for j := range records(i) {
			if j > 0 {
				body.WriteByte(',')
			}
			b, _ := json.Marshal(data(i)) // base64, as the wire wants it
			fmt.Fprintf(&body, `{"PartitionKey":"k%d","Data":%s}`, j, b)
		}
		body.WriteString(`]}`)
		mustCall(t, h, "PutRecords", body.String())
		out := mustCall(t, h, "GetShardIterator", `{"StreamName":"`+name+`","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`)
		iterators[i] = out["ShardIterator"].(string)
	}

	type response struct {
		stream int
		cbor   bool
		rec    *httptest.ResponseRecorder
	}
	var (
		mu        sync.Mutex
		responses []response
		wg        sync.WaitGroup
	)
	for g := range 2 * streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream, useCBOR := g%streams, g >= streams
			for range requests {
				var r *http.Request
				if useCBOR {
					b, err := cbor.Marshal(map[string]any{"ShardIterator": iterators[stream]})
					if err != nil {
						panic(err)
					}
					r = newRequest("GetRecords", string(b))
					r.Header.Set("Content-Type", wire.ContentTypeCBOR)
				} else {
					r = newRequest("GetRecords", `{"ShardIterator":"`+iterators[stream]+`"}`)
				}
				rec := serve(h, r)
				mu.Lock()
				responses = append(responses, response{stream, useCBOR, rec})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	require.Len(t, responses, 2*streams*requests)
	for _, resp := range responses {
		require.Equal(t, http.StatusOK, resp.rec.Code, "%s", resp.rec.Body)
		var out struct {
			Records []struct {
				Data         []byte
				PartitionKey string
			}
		}
		if resp.cbor {
			require.NoError(t, cbor.Unmarshal(resp.rec.Body.Bytes(), &out))
		} else {
			require.NoError(t, json.Unmarshal(resp.rec.Body.Bytes(), &out))
		}
		require.Len(t, out.Records, records(resp.stream))
		for j, r := range out.Records {
			require.Equal(t, data(resp.stream), r.Data, "stream %d record %d", resp.stream, j)
			require.Equal(t, fmt.Sprintf("k%d", j), r.PartitionKey)
		}
	}
}

// TestPutRecordsResultsNotShared: PutRecords results go into lists reused
// across requests (resultLists). Requests of different sizes served at the
// same time, whose entries fail on one shard and succeed on the other,
// each get their own results, with nothing left over from another
// request's: no ErrorCode on a success, no SequenceNumber on a failure.
func TestPutRecordsResultsNotShared(t *testing.T) {
	h := newTestHandler(t)
	mustCreateStream(t, h, "s", 2)
	defaultEngine(h).InjectFault(freshet.Fault{Operation: "PutRecords", ShardId: "shardId-000000000001",
		Err: freshet.ErrProvisionedThroughputExceeded})
	const (
		goroutines = 4
		requests   = 20
	)
	keys := [2]string{"0", "340282366920938463463374607431768211455"} // shard 0, shard 1
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	report := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range requests {
				n := 1 + (g*7+k*5)%40
				var body strings.Builder
				body.WriteString(`{"StreamName":"s","Records":[`)
				for j := range n {
					if j > 0 {
						body.WriteByte(',')
					}
					fmt.Fprintf(&body, `{"PartitionKey":"k","Data":"","ExplicitHashKey":%q}`, keys[(j+g+k)%2])
				}
				body.WriteString(`]}`)
				rec := do(h, "PutRecords", body.String())
				var out struct {
					FailedRecordCount int
					Records           []map[string]string
				}
				if rec.Code != http.StatusOK {
					report(fmt.Errorf("status %d: %s", rec.Code, rec.Body))
					continue
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
					report(err)
					continue
				}
				failed := 0
				for j, r := range out.Records {
					want := []string{"SequenceNumber", "ShardId"}
					if (j+g+k)%2 == 1 {
						want = []string{"ErrorCode", "ErrorMessage"}
						failed++
					}
					if len(r) != 2 || r[want[0]] == "" || r[want[1]] == "" {
						report(fmt.Errorf("request of %d entries, entry %d: %v, want %v", n, j, r, want))
					}
				}
				if len(out.Records) != n || out.FailedRecordCount != failed {
					report(fmt.Errorf("%d results, %d failed; want %d, %d", len(out.Records), out.FailedRecordCount, n, failed))
				}
			}
		}()
	}
	wg.Wait()
	require.Empty(t, errs)
}
