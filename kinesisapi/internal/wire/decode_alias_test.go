package wire

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeCopiesTheBody: the handler reuses request body buffers once a
// request is decoded, so a decoded request must share no memory with its
// body. Overwriting the body after decoding changes nothing, in either
// format; decoded blobs are capped, so appending to one does not write
// into the next.
func TestDecodeCopiesTheBody(t *testing.T) {
	type entry struct{ key, data string }
	entries := []entry{{"k1", "first"}, {"k2", ""}, {"k3", strings.Repeat("third", 40)}}
	var js strings.Builder
	js.WriteString(`{"StreamName":"s","Records":[`)
	cborRecords := make([]map[string]any, len(entries))
	for i, e := range entries {
		if i > 0 {
			js.WriteByte(',')
		}
		fmt.Fprintf(&js, `{"PartitionKey":%q,"Data":%q}`, e.key, base64.StdEncoding.EncodeToString([]byte(e.data)))
		cborRecords[i] = map[string]any{"PartitionKey": e.key, "Data": []byte(e.data)}
	}
	js.WriteString(`]}`)
	cb, err := cbor.Marshal(map[string]any{"StreamName": "s", "Records": cborRecords})
	require.NoError(t, err)
	for _, tt := range []struct {
		contentType string
		body        []byte
	}{{ContentTypeJSON, []byte(js.String())}, {ContentTypeCBOR, cb}} {
		t.Run(tt.contentType, func(t *testing.T) {
			var req PutRecordsRequest
			require.NoError(t, Decode(tt.contentType, tt.body, &req))
			for i := range tt.body {
				tt.body[i] = 'X'
			}
			require.Len(t, req.Records, len(entries))
			assert.Equal(t, "s", *req.StreamName)
			for i, e := range entries {
				assert.Equal(t, e.key, *req.Records[i].PartitionKey, "record %d key", i)
				assert.Equal(t, e.data, string(req.Records[i].Data), "record %d data", i)
				assert.NotNil(t, req.Records[i].Data, "record %d data is empty, not absent", i)
			}
			_ = append(req.Records[0].Data, bytes.Repeat([]byte{'!'}, 10)...)
			assert.Equal(t, entries[1].data, string(req.Records[1].Data), "after appending to the first record's data")
			assert.Equal(t, entries[2].data, string(req.Records[2].Data), "after appending to the first record's data")
		})
	}
}

// TestDecodeBlobFastPath: blobs that are canonical base64 up to the next
// quote decode in one pass; escaped or non-canonical blobs take the
// general path. Both decode (or fail) as the decoder built on
// encoding/json does.
func TestDecodeBlobFastPath(t *testing.T) {
	tests := []struct {
		body, data string
		ok         bool
	}{
		{`{"Data":"YWJj"}`, "abc", true},
		{`{"Data":"YWI="}`, "ab", true},
		{`{"Data":"YQ=="}`, "a", true},
		{`{"Data":""}`, "", true},
		{`{"Data":"Y\u0057Jj"}`, "abc", true}, // an escape: the general path
		{`{"Data":"YW\"Jj"}`, "", false},      // an escaped quote: not base64
		{"{\"Data\":\"YWJ\njj\"}", "", false}, // a raw newline: malformed
		{`{"Data":"YWJ"}`, "", false},         // not a multiple of 4
		{`{"Data":"YW=j"}`, "", false},        // padding inside
		{`{"Data":"YWJj`, "", false},          // unterminated
		{`{"Data":"YWJj","Data":"YQ=="}`, "a", true},
	}
	for _, tt := range tests {
		checkMatchesLegacy(t, []byte(tt.body), allTargets())
		var req PutRecordRequest
		err := Decode(ContentTypeJSON, []byte(tt.body), &req)
		if !tt.ok {
			assert.Error(t, err, tt.body)
			continue
		}
		require.NoError(t, err, tt.body)
		assert.Equal(t, tt.data, string(req.Data), tt.body)
		assert.NotNil(t, req.Data, tt.body)
	}
}
