package wire

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

func ptr[T any](v T) *T { return &v }

// serializationMessage returns the message of a SerializationException, or
// fails the test if err is anything else.
func serializationMessage(t *testing.T, err error) string {
	t.Helper()
	var ferr *freshet.Error
	require.ErrorAs(t, err, &ferr, "error = %v, want a SerializationException", err)
	require.Equal(t, "SerializationException", ferr.Code, "error = %v, want a SerializationException", err)
	return ferr.Message
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name string
		body string
		dst  any
		want any
	}{
		{"empty body", ``, &DescribeLimitsRequest{}, &DescribeLimitsRequest{}},
		{"blank body", " \n", &ListStreamsRequest{}, &ListStreamsRequest{}},
		{"empty object", `{}`, &CreateStreamRequest{}, &CreateStreamRequest{}},
		{"all members", `{"StreamName":"s","ShardCount":2,"StreamModeDetails":{"StreamMode":"PROVISIONED"},"Tags":{"k":"v"},"WarmThroughputMiBps":0,"MaxRecordSizeInKiB":1024}`,
			&CreateStreamRequest{}, &CreateStreamRequest{
				StreamName: ptr("s"), ShardCount: ptr[int32](2),
				StreamModeDetails: &StreamModeDetails{StreamMode: ptr("PROVISIONED")},
				Tags:              map[string]string{"k": "v"}, WarmThroughputMiBps: ptr[int32](0), MaxRecordSizeInKiB: ptr[int32](1024),
			}},
		{"null is absent", `{"StreamName":null,"ShardCount":null,"StreamModeDetails":null,"Tags":null}`,
			&CreateStreamRequest{}, &CreateStreamRequest{}},
		{"unknown members ignored", `{"Foo":[1,{"a":[]}],"StreamName":"s","streamname":1,"Bar":null}`,
			&DescribeStreamRequest{}, &DescribeStreamRequest{StreamName: ptr("s")}},
		{"member names are case-sensitive", `{"streamName":"a","STREAMNAME":"b","Limit":5,"limit":7}`,
			&DescribeStreamRequest{}, &DescribeStreamRequest{Limit: ptr[int32](5)}},
		{"empty string is present", `{"StreamName":""}`, &DescribeStreamRequest{}, &DescribeStreamRequest{StreamName: ptr("")}},
		{"fractional integer floored", `{"Limit":2.9}`, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](2)}},
		{"negative fraction floored", `{"Limit":-0.5}`, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](-1)}},
		{"exponent integer", `{"Limit":1e2}`, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](100)}},
		{"integer clamped high", `{"Limit":2147483648}`, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](2147483647)}},
		{"integer clamped low", `{"Limit":-1e300}`, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](-2147483648)}},
		{"huge integer clamped", `{"Limit":123456789012345678901234567890}`, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](2147483647)}},
		{"beyond float range clamped", `{"Limit":1e999}`, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](2147483647)}},
		{"long clamped", `{"MillisBehindLatest":9223372036854775808}`, &GetRecordsResponse{}, &GetRecordsResponse{MillisBehindLatest: ptr[int64](9223372036854775807)}},
		{"boolean", `{"EnforceConsumerDeletion":true}`, &DeleteStreamRequest{}, &DeleteStreamRequest{EnforceConsumerDeletion: ptr(true)}},
		{"timestamp integer seconds", `{"Timestamp":1700000000}`, &GetShardIteratorRequest{},
			&GetShardIteratorRequest{Timestamp: ptr(TimestampFromMillis(1700000000000))}},
		{"timestamp fractional seconds", `{"Timestamp":1700000000.123}`, &GetShardIteratorRequest{},
			&GetShardIteratorRequest{Timestamp: ptr(TimestampFromMillis(1700000000123))}},
		{"timestamp exponent seconds", `{"Timestamp":1.441215410867E9}`, &GetShardIteratorRequest{},
			&GetShardIteratorRequest{Timestamp: ptr(TimestampFromMillis(1441215410867))}},
		{"timestamp negative", `{"Timestamp":-1.5}`, &GetShardIteratorRequest{},
			&GetShardIteratorRequest{Timestamp: ptr(TimestampFromMillis(-1500))}},
		{"blob", `{"Data":"aGVsbG8=","PartitionKey":"p"}`, &PutRecordRequest{},
			&PutRecordRequest{Data: []byte("hello"), PartitionKey: ptr("p")}},
		{"empty blob is present", `{"Data":""}`, &PutRecordRequest{}, &PutRecordRequest{Data: []byte{}}},
		{"list of structures", `{"Records":[{"Data":"AA==","PartitionKey":"a"},null,{"ExplicitHashKey":"1"}]}`,
			&PutRecordsRequest{}, &PutRecordsRequest{Records: []PutRecordsRequestEntry{
				{Data: []byte{0}, PartitionKey: ptr("a")}, {}, {ExplicitHashKey: ptr("1")},
			}}},
		{"empty list is present", `{"TagKeys":[]}`, &RemoveTagsFromStreamRequest{}, &RemoveTagsFromStreamRequest{TagKeys: []string{}}},
		{"empty map is present", `{"Tags":{}}`, &AddTagsToStreamRequest{}, &AddTagsToStreamRequest{Tags: map[string]string{}}},
		{"null map value", `{"Tags":{"a":null}}`, &AddTagsToStreamRequest{}, &AddTagsToStreamRequest{Tags: map[string]string{"a": ""}}},
		{"duplicate member: last wins", `{"StreamName":"a","StreamName":"b"}`, &DescribeStreamRequest{}, &DescribeStreamRequest{StreamName: ptr("b")}},
		{"escapes", `{"StreamName":"a\u00e9\"\\"}`, &DescribeStreamRequest{}, &DescribeStreamRequest{StreamName: ptr("aé\"\\")}},
		{"nested structure", `{"ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1700000000.5}}`, &ListShardsRequest{},
			&ListShardsRequest{ShardFilter: &ShardFilter{Type: ptr("AT_TIMESTAMP"), Timestamp: ptr(TimestampFromMillis(1700000000500))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, Decode(ContentTypeJSON, []byte(tt.body), tt.dst), "Decode")
			assert.Equal(t, tt.want, tt.dst)
		})
	}
}

func TestDecodeLegacyJSONContentType(t *testing.T) {
	var r DescribeStreamRequest
	require.NoError(t, Decode("application/json; charset=utf-8", []byte(`{"StreamName":"s"}`), &r))
	require.NotNil(t, r.StreamName, "StreamName")
	require.Equal(t, "s", *r.StreamName, "StreamName")
}

func TestDecodeSerializationErrors(t *testing.T) {
	const (
		number  = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to "
		boolean = "class java.lang.Boolean can not be converted to "
		str     = "class java.lang.String can not be converted to "
	)
	tests := []struct {
		name string
		body string
		dst  any
		want string
	}{
		{"malformed", `{"StreamName":`, &DescribeStreamRequest{}, ""},
		{"trailing garbage", `{} x`, &DescribeStreamRequest{}, ""},
		{"array body", `[]`, &DescribeStreamRequest{}, ""},
		{"string body", `"x"`, &DescribeStreamRequest{}, ""},
		{"number body", `1`, &DescribeStreamRequest{}, ""},
		{"null body", `null`, &DescribeStreamRequest{}, ""},

		{"string given number", `{"StreamName":1}`, &DescribeStreamRequest{}, number + "an String"},
		{"string given boolean", `{"StreamName":true}`, &DescribeStreamRequest{}, boolean + "an String"},
		{"string given list", `{"StreamName":[]}`, &DescribeStreamRequest{}, "Start of list found where not expected"},
		{"string given object", `{"StreamName":{}}`, &DescribeStreamRequest{}, "Start of structure or map found where not expected."},

		{"integer given string", `{"Limit":"1"}`, &DescribeStreamRequest{}, str + "an Integer"},
		{"integer given boolean", `{"Limit":false}`, &DescribeStreamRequest{}, boolean + "an Integer"},
		{"integer given list", `{"Limit":[1]}`, &DescribeStreamRequest{}, "Start of list found where not expected"},
		{"integer given object", `{"Limit":{}}`, &DescribeStreamRequest{}, "Start of structure or map found where not expected."},
		{"long given string", `{"MillisBehindLatest":"1"}`, &GetRecordsResponse{}, str + "an Long"},
		{"long given boolean", `{"MillisBehindLatest":true}`, &GetRecordsResponse{}, boolean + "an Long"},

		{"boolean given string", `{"EnforceConsumerDeletion":"yes"}`, &DeleteStreamRequest{}, "'YES' can not be converted to an Boolean"},
		{"boolean given string true", `{"EnforceConsumerDeletion":"true"}`, &DeleteStreamRequest{}, "'TRUE' can not be converted to an Boolean"},
		{"boolean given number", `{"EnforceConsumerDeletion":1}`, &DeleteStreamRequest{}, number + "an Boolean"},
		{"boolean given list", `{"EnforceConsumerDeletion":[]}`, &DeleteStreamRequest{}, "Start of list found where not expected"},

		{"timestamp given string", `{"Timestamp":"2015-01-01"}`, &GetShardIteratorRequest{}, str + "milliseconds since epoch"},
		{"timestamp given boolean", `{"Timestamp":true}`, &GetShardIteratorRequest{}, boolean + "milliseconds since epoch"},
		{"timestamp given object", `{"Timestamp":{}}`, &GetShardIteratorRequest{}, "Start of structure or map found where not expected."},

		{"blob given number", `{"Data":1}`, &PutRecordRequest{}, number + "a Blob"},
		{"blob given boolean", `{"Data":true}`, &PutRecordRequest{}, boolean + "a Blob"},
		{"blob given list", `{"Data":[]}`, &PutRecordRequest{}, "Start of list found where not expected"},
		{"blob bad length", `{"Data":"abc"}`, &PutRecordRequest{},
			"'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
		{"blob bad character", `{"Data":"ab!d"}`, &PutRecordRequest{},
			"'ab!d' can not be converted to a Blob: Invalid Base64 character: '!'"},
		{"blob pad in the middle", `{"Data":"a=bc"}`, &PutRecordRequest{},
			"'a=bc' can not be converted to a Blob: Invalid Base64 character: '='"},
		{"blob non-canonical last character", `{"Data":"QR=="}`, &PutRecordRequest{},
			"'QR==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"},
		{"blob only padding", `{"Data":"===="}`, &PutRecordRequest{},
			"'====' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"},
		{"blob length counted in characters", `{"Data":"ééé"}`, &PutRecordRequest{},
			"'ééé' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"},

		{"list given scalar", `{"TagKeys":"a"}`, &RemoveTagsFromStreamRequest{}, "Expected list or null"},
		{"list given object", `{"TagKeys":{}}`, &RemoveTagsFromStreamRequest{}, "Start of structure or map found where not expected."},
		{"list element given number", `{"TagKeys":["a",1]}`, &RemoveTagsFromStreamRequest{}, number + "an String"},
		{"map given scalar", `{"Tags":1}`, &AddTagsToStreamRequest{}, "Expected map or null"},
		{"map given list", `{"Tags":[]}`, &AddTagsToStreamRequest{}, "Start of list found where not expected"},
		{"map value given number", `{"Tags":{"a":1}}`, &AddTagsToStreamRequest{}, number + "an String"},
		{"structure given scalar", `{"StreamModeDetails":"PROVISIONED"}`, &CreateStreamRequest{}, "Expected null"},
		{"structure given list", `{"StreamModeDetails":[]}`, &CreateStreamRequest{}, "Start of list found where not expected"},
		{"nested member", `{"Records":[{"Data":"AA==","PartitionKey":5}]}`, &PutRecordsRequest{}, number + "an String"},
		{"first error in member order", `{"Limit":"x","StreamName":1}`, &DescribeStreamRequest{}, number + "an String"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Decode(ContentTypeJSON, []byte(tt.body), tt.dst)
			assert.Equal(t, tt.want, serializationMessage(t, err), "message")
		})
	}
}

func TestDecodeUnsupportedContentType(t *testing.T) {
	err := Decode("text/plain", []byte(`{}`), &DescribeStreamRequest{})
	assert.Empty(t, serializationMessage(t, err), "message")
}

func TestDecodeNeedsStructPointer(t *testing.T) {
	var r DescribeStreamRequest
	for _, dst := range []any{nil, r, (*DescribeStreamRequest)(nil), new(int)} {
		assert.Error(t, Decode(ContentTypeJSON, []byte(`{}`), dst), "Decode(%T) succeeded", dst)
	}
}

func TestDecodeDeepNesting(t *testing.T) {
	// Unknown members may nest deeply; neither format may crash on them.
	deep := `{"X":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`
	var r DescribeStreamRequest
	err := Decode(ContentTypeJSON, []byte(deep), &r)
	if err != nil {
		// encoding/json refuses nesting beyond 10000 levels.
		serializationMessage(t, err)
	}
	cborDeep := append([]byte{0xa1, 0x61, 'X'}, []byte(strings.Repeat("\x81", 100000)+"\x80")...)
	assert.Error(t, Decode(ContentTypeCBOR, cborDeep, &r), "CBOR nested 100000 deep decoded")
}

func TestTimestampJSON(t *testing.T) {
	tests := []struct {
		ms   int64
		want string
	}{
		{1700000000123, "1700000000.123"},
		{1700000000100, "1700000000.1"},
		{1700000000020, "1700000000.02"},
		{1700000000000, "1700000000"},
		{0, "0"},
		{-1, "-0.001"},
		{-1500, "-1.5"},
	}
	for _, tt := range tests {
		got, _ := TimestampFromMillis(tt.ms).MarshalJSON()
		assert.Equal(t, tt.want, string(got), "%d", tt.ms)
		var r GetShardIteratorRequest
		require.NoError(t, Decode(ContentTypeJSON, []byte(`{"Timestamp":`+string(got)+`}`), &r))
		assert.Equal(t, tt.ms, r.Timestamp.UnixMilli(), "%s decodes to the wrong ms", got)
	}
	got := NewTimestamp(time.Date(2024, 1, 2, 3, 4, 5, 678999999, time.FixedZone("x", 3600)))
	assert.Same(t, time.UTC, got.Location(), "NewTimestamp = %v", got)
	assert.Equal(t, 678000000, got.Nanosecond(), "NewTimestamp = %v", got)
}

func TestDecodeElementLimit(t *testing.T) {
	jsonList := func(n int) []byte {
		return []byte(`{"TagKeys":[` + strings.Repeat(`"k",`, n-1) + `"k"],"X":[` + strings.Repeat(`0,`, n) + `0]}`)
	}
	cborList := func(n int) []byte {
		b := append([]byte{0xa1, 0x67}, "TagKeys"...)
		b = appendCBORHead(b, cborArray, uint64(n))
		return append(b, bytes.Repeat([]byte{0x61, 'k'}, n)...)
	}
	for _, tt := range []struct {
		contentType string
		body        func(int) []byte
	}{{ContentTypeJSON, jsonList}, {ContentTypeCBOR, cborList}} {
		var r RemoveTagsFromStreamRequest
		if assert.NoError(t, Decode(tt.contentType, tt.body(maxElements), &r), "%s: %d elements", tt.contentType, maxElements) {
			assert.Equal(t, maxElements, len(r.TagKeys), "%s: elements decoded", tt.contentType)
		}
		err := Decode(tt.contentType, tt.body(maxElements+1), &RemoveTagsFromStreamRequest{})
		assert.Empty(t, serializationMessage(t, err), "%s: message", tt.contentType)
	}
	// Unknown members count too: the top-level object is bounded.
	body := `{` + strings.Repeat(`"a":0,`, maxElements) + `"b":0}`
	assert.Empty(t, serializationMessage(t, Decode(ContentTypeJSON, []byte(body), &DescribeStreamRequest{})), "message")
}

func TestTooManyElementsScanner(t *testing.T) {
	for _, s := range []string{`[]`, `[1,2]`, `{"a,b":[1,2,3],"c":"\",\\"}`, `[`, `]`, `"`, `[[[`, `{"a":"\`} {
		assert.False(t, tooManyElements([]byte(s)), "%s: too many", s)
	}
	assert.True(t, tooManyElements([]byte(`[`+strings.Repeat(`"\"",`, maxElements)+`1]`)), "long list not detected")
}
