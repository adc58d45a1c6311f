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
