package wire

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
)

// putRecordsCases are PutRecords bodies the fast path takes, and bodies it
// must leave to the generic decoder.
var putRecordsCases = []string{
	// Taken.
	`{"Records":[{"Data":"AA==","PartitionKey":"a"}],"StreamName":"s"}`,
	`{"StreamName":"s","Records":[{"PartitionKey":"a","ExplicitHashKey":"1","Data":"aGVsbG8="},{"Data":"","PartitionKey":"é"}]}`,
	` { "Records" : [ { "Data" : "AAAA" , "PartitionKey" : "k" } , { } ] } `,
	`{"Records":[]}`, `{"Records":[ ]}`, `{"Records":[{}]}`,
	`{"Records":[{"Data":"AA==","Data":"AQ==","PartitionKey":"a","PartitionKey":"b"}]}`,
	`{"Records":[{"Data":"AA=="}],"Records":[{"PartitionKey":"x"}]}`,
	// Taken, and the request fails after the list.
	`{"Records":[{"PartitionKey":"a"}],"StreamName":1}`, `{"Records":[{"PartitionKey":"a"}]} x`,
	// Left to the generic decoder.
	`{"Records":[{"Data":"AA==","PartitionKey":"a","Other":1}]}`,
	`{"Records":[{"Data":null,"PartitionKey":"a"}]}`, `{"Records":[{"Data":"AA==","PartitionKey":null}]}`,
	`{"Records":[null]}`, `{"Records":[1]}`, `{"Records":[[]]}`, `{"Records":["x"]}`,
	`{"Records":[{"Data":"AA==","PartitionKey":"a\"b"}]}`, `{"Records":[{"PartitionKey":"\u0061"}]}`,
	"{\"Records\":[{\"PartitionKey\":\"\xff\"}]}", `{"Records":[{"\u0044ata":"AA=="}]}`,
	`{"Records":[{"Data":"QR==","PartitionKey":"a"}]}`, `{"Records":[{"Data":"A\u0041==","PartitionKey":"a"}]}`,
	`{"Records":[{"Data":"abc"}]}`, `{"Records":[{"Data":"ab!d"}]}`, "{\"Records\":[{\"Data\":\"AA\\r\\n==\"}]}",
	"{\"Records\":[{\"Data\":\"AAAA\nAAAA\"}]}",
	`{"Records":[{"Data":1}]}`, `{"Records":[{"Data":[]}]}`, `{"Records":[{"PartitionKey":true}]}`,
	`{"Records":[{"ExplicitHashKey":{}}]}`, `{"Records":[{"Data":"AA==",}]}`, `{"Records":[{"Data":"AA=="},]}`,
	`{"Records":[{"Data":"AA==" "PartitionKey":"a"}]}`, `{"Records":[{"Data":"AA=="}`, `{"Records":[{"Data":"AA==`,
	`{"Records":[{"Data":"AA=="}}`, `{"Records":[{"Data" "AA=="}]}`, `{"Records":[{Data:"AA=="}]}`,
	`{"Records":[{"Data":"AA==","PartitionKey":"a","Data":null}]}`, "{\"Records\":[{\"PartitionKey\":\"\t\"}]}",
}

// putRecordsTaken is how many of putRecordsCases the fast path takes.
const putRecordsTaken = 10

// decodeJSONGeneric decodes body into v as decodeJSON does, without the
// fast paths.
func decodeJSONGeneric(body []byte, v any) error {
	return decodeJSONWith(jsonDecoder{data: body, generic: true}, reflect.ValueOf(v).Elem())
}

// checkPutRecordsMatchesGeneric decodes body as a PutRecords request with
// and without the fast paths, and checks that the results are the same.
func checkPutRecordsMatchesGeneric(t *testing.T, body []byte) {
	t.Helper()
	var fast, generic PutRecordsRequest
	errFast := decodeJSON(body, reflect.ValueOf(&fast).Elem())
	errGeneric := decodeJSONGeneric(body, &generic)
	require.Equal(t, errGeneric, errFast, "error for %q", body)
	require.Equal(t, generic, fast, "request for %q", body)
}

// fastRecords runs the fast path alone on the list that body's Records
// member holds, found by searching for its first `"Records":[`.
func fastRecords(t *testing.T, body string) ([]PutRecordsRequestEntry, bool) {
	t.Helper()
	d := jsonDecoder{data: []byte(body)}
	_, after, found := strings.Cut(body, `"Records"`)
	require.True(t, found, body)
	d.pos = len(body) - len(after)
	require.True(t, d.consume(':'), body)
	require.Equal(t, byte('['), d.peek(), body)
	start := d.pos
	entries, ok := d.putRecordsEntries()
	if !ok {
		require.Equal(t, start, d.pos, "position after giving up on %q", body)
		require.False(t, d.failed, body)
	}
	return entries, ok
}

func TestPutRecordsFastPath(t *testing.T) {
	for i, c := range putRecordsCases {
		entries, ok := fastRecords(t, c)
		require.Equal(t, i < putRecordsTaken, ok, "fast path taken on %q", c)
		if ok {
			var generic PutRecordsRequest
			// The first Records member, alone.
			_, after, _ := strings.Cut(c, `"Records"`)
			list := after[strings.Index(after, "["):]
			require.NoError(t, decodeJSONGeneric([]byte(`{"Records":`+list[:len(list)-len(afterList(t, list))]+`}`), &generic), c)
			require.Equal(t, generic.Records, entries, c)
		}
	}
}

// afterList returns what follows the list s starts with.
func afterList(t *testing.T, s string) string {
	d := jsonDecoder{data: []byte(s)}
	_, ok := d.skip()
	require.True(t, ok, s)
	return s[d.pos:]
}

func TestPutRecordsFastPathMatchesGeneric(t *testing.T) {
	var corpus []string
	corpus = append(corpus, putRecordsCases...)
	corpus = append(corpus, legacyJSONCases...)
	for _, c := range corpus {
		checkPutRecordsMatchesGeneric(t, []byte(c))
	}
	// Requests as the SDKs send them, and filled at random.
	checkPutRecordsMatchesGeneric(t, putRecordsBody(500, 100))
	for seed := uint64(1); seed <= 50; seed++ {
		var req PutRecordsRequest
		wiretest.NewFiller(seed, TimestampFromMillis).Fill(reflect.ValueOf(&req).Elem())
		b, err := Encode(ContentTypeJSON, &req)
		require.NoError(t, err)
		checkPutRecordsMatchesGeneric(t, b)
	}
	// Past the element limit, where the fast path gives up.
	many := `{"Records":[` + strings.Repeat(`{},`, maxElements) + `{}]}`
	if !raceEnabled {
		checkPutRecordsMatchesGeneric(t, []byte(many))
	}
}

// putRecordsBody returns a PutRecords request of n records of size bytes,
// as the SDKs write it.
func putRecordsBody(n, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), size))
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Data":"%s","PartitionKey":"user-%04d"}`, data, i)
	}
	b.WriteString(`],"StreamName":"bench"}`)
	return b.Bytes()
}

// FuzzPutRecordsFastPath checks the fast path on lists: whenever it claims
// success, the generic decoder decodes the same list to the same entries;
// and the whole decoding, fast path or not, is that of the generic decoder.
func FuzzPutRecordsFastPath(f *testing.F) {
	for _, c := range putRecordsCases {
		if _, after, ok := strings.Cut(c, `"Records":`); ok {
			f.Add([]byte(after))
		}
	}
	f.Add([]byte(`[{"Data":"AA==","PartitionKey":"a","ExplicitHashKey":"0"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		body := append(append([]byte(`{"Records":`), data...), '}')
		checkPutRecordsMatchesGeneric(t, body)
		if len(data) == 0 || data[0] != '[' {
			return
		}
		d := jsonDecoder{data: data}
		entries, ok := d.putRecordsEntries()
		if !ok {
			require.Zero(t, d.pos, "position after giving up")
			return
		}
		list := data[:d.pos]
		var generic PutRecordsRequest
		require.NoError(t, decodeJSONGeneric(append(append([]byte(`{"Records":`), list...), '}'), &generic), "%q", list)
		require.Equal(t, generic.Records, entries, "%q", list)
	})
}

func BenchmarkDecodePutRecordsJSONPaths(b *testing.B) {
	body := putRecordsBody(500, 100)
	for _, generic := range []bool{false, true} {
		b.Run(fmt.Sprintf("generic=%v", generic), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var req PutRecordsRequest
				if err := decodeJSONWith(jsonDecoder{data: body, generic: generic}, reflect.ValueOf(&req).Elem()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
