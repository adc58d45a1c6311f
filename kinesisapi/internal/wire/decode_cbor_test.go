package wire

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fxamacker/cbor/v2"
)

func mustCBOR(t *testing.T, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestDecodeCBOR(t *testing.T) {
	tests := []struct {
		name string
		body any
		dst  any
		want any
	}{
		{"empty map", map[string]any{}, &CreateStreamRequest{}, &CreateStreamRequest{}},
		{"scalars", map[string]any{"StreamName": "s", "ShardCount": 3, "Tags": map[string]string{"k": "v"}},
			&CreateStreamRequest{}, &CreateStreamRequest{StreamName: ptr("s"), ShardCount: ptr[int32](3), Tags: map[string]string{"k": "v"}}},
		{"null and undefined are absent", map[string]any{"StreamName": nil, "ShardCount": cbor.SimpleValue(23)},
			&CreateStreamRequest{}, &CreateStreamRequest{}},
		{"case-sensitive", map[string]any{"streamName": "x", "Limit": 4}, &DescribeStreamRequest{}, &DescribeStreamRequest{Limit: ptr[int32](4)}},
		{"float floored", map[string]any{"Limit": 7.9}, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](7)}},
		{"negative integer", map[string]any{"Limit": -3}, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](-3)}},
		{"integer clamped", map[string]any{"Limit": uint64(math.MaxUint64)}, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](math.MaxInt32)}},
		{"long clamped", map[string]any{"MillisBehindLatest": uint64(math.MaxUint64)}, &GetRecordsResponse{},
			&GetRecordsResponse{MillisBehindLatest: ptr[int64](math.MaxInt64)}},
		{"byte string blob", map[string]any{"Data": []byte("hi"), "PartitionKey": "p"}, &PutRecordRequest{},
			&PutRecordRequest{Data: []byte("hi"), PartitionKey: ptr("p")}},
		{"empty byte string blob", map[string]any{"Data": []byte{}}, &PutRecordRequest{}, &PutRecordRequest{Data: []byte{}}},
		{"base64 text blob", map[string]any{"Data": "aGk="}, &PutRecordRequest{}, &PutRecordRequest{Data: []byte("hi")}},
		{"tag 1 integer milliseconds", map[string]any{"Timestamp": cbor.Tag{Number: 1, Content: int64(1700000000123)}},
			&GetShardIteratorRequest{}, &GetShardIteratorRequest{Timestamp: ptr(TimestampFromMillis(1700000000123))}},
		{"tag 1 float milliseconds", map[string]any{"Timestamp": cbor.Tag{Number: 1, Content: 1700000000123.4}},
			&GetShardIteratorRequest{}, &GetShardIteratorRequest{Timestamp: ptr(TimestampFromMillis(1700000000123))}},
		{"plain integer milliseconds", map[string]any{"Timestamp": int64(1700000000123)},
			&GetShardIteratorRequest{}, &GetShardIteratorRequest{Timestamp: ptr(TimestampFromMillis(1700000000123))}},
		{"nested tag 1", map[string]any{"StartingPosition": map[string]any{"Type": "AT_TIMESTAMP", "Timestamp": cbor.Tag{Number: 1, Content: uint64(5)}}},
			&SubscribeToShardRequest{}, &SubscribeToShardRequest{StartingPosition: &StartingPosition{Type: ptr("AT_TIMESTAMP"), Timestamp: ptr(TimestampFromMillis(5))}}},
		{"list of entries", map[string]any{"Records": []any{map[string]any{"Data": []byte{1}, "PartitionKey": "a"}, nil}},
			&PutRecordsRequest{}, &PutRecordsRequest{Records: []PutRecordsRequestEntry{{Data: []byte{1}, PartitionKey: ptr("a")}, {}}}},
		{"half-precision float", map[string]any{"Limit": cbor.RawMessage{0xf9, 0x3c, 0x00}}, &GetRecordsRequest{}, &GetRecordsRequest{Limit: ptr[int32](1)}},
		{"boolean", map[string]any{"EnforceConsumerDeletion": true}, &DeleteStreamRequest{}, &DeleteStreamRequest{EnforceConsumerDeletion: ptr(true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, Decode(ContentTypeCBOR, mustCBOR(t, tt.body), tt.dst), "Decode")
			assert.Equal(t, tt.want, tt.dst)
		})
	}
}

func TestDecodeCBOREmptyBody(t *testing.T) {
	var r ListStreamsRequest
	require.NoError(t, Decode(ContentTypeCBOR, nil, &r))
}

func TestDecodeCBORIndefiniteLengths(t *testing.T) {
	// {_ "StreamName": (_ "a", "b"), "Tags": {_ "k": "v"}}
	body := []byte{0xbf,
		0x6a, 'S', 't', 'r', 'e', 'a', 'm', 'N', 'a', 'm', 'e', 0x7f, 0x61, 'a', 0x61, 'b', 0xff,
		0x64, 'T', 'a', 'g', 's', 0xbf, 0x61, 'k', 0x61, 'v', 0xff,
		0xff}
	var r AddTagsToStreamRequest
	require.NoError(t, Decode(ContentTypeCBOR, body, &r))
	want := AddTagsToStreamRequest{StreamName: ptr("ab"), Tags: map[string]string{"k": "v"}}
	assert.Equal(t, want, r)
}

func TestDecodeCBORSerializationErrors(t *testing.T) {
	const number = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to "
	tests := []struct {
		name string
		body []byte
		dst  any
		want string
	}{
		{"not a map", mustCBOR(t, []int{1}), &DescribeStreamRequest{}, ""},
		{"null body", []byte{0xf6}, &DescribeStreamRequest{}, ""},
		{"truncated", []byte{0xa1, 0x61}, &DescribeStreamRequest{}, ""},
		{"trailing bytes", []byte{0xa0, 0x00}, &DescribeStreamRequest{}, ""},
		{"integer keys", mustCBOR(t, map[int]int{1: 2}), &DescribeStreamRequest{}, ""},
		{"invalid UTF-8", []byte{0xa1, 0x6a, 'S', 't', 'r', 'e', 'a', 'm', 'N', 'a', 'm', 'e', 0x61, 0xff}, &DescribeStreamRequest{}, ""},
		{"string given number", mustCBOR(t, map[string]any{"StreamName": 1}), &DescribeStreamRequest{}, number + "an String"},
		{"string given float", mustCBOR(t, map[string]any{"StreamName": 1.5}), &DescribeStreamRequest{}, number + "an String"},
		{"string given byte string", mustCBOR(t, map[string]any{"StreamName": []byte("x")}), &DescribeStreamRequest{}, "class [B can not be converted to an String"},
		{"integer given text", mustCBOR(t, map[string]any{"Limit": "1"}), &DescribeStreamRequest{}, "class java.lang.String can not be converted to an Integer"},
		{"boolean given text", mustCBOR(t, map[string]any{"EnforceConsumerDeletion": "no"}), &DeleteStreamRequest{}, "'NO' can not be converted to an Boolean"},
		{"timestamp given text", mustCBOR(t, map[string]any{"Timestamp": "x"}), &GetShardIteratorRequest{}, "class java.lang.String can not be converted to milliseconds since epoch"},
		{"timestamp tag 1 around text", append([]byte{0xa1, 0x69}, append([]byte("Timestamp"), 0xc1, 0x61, 'x')...), &GetShardIteratorRequest{},
			""}, // fxamacker/cbor rejects tag 1 around text as ill-formed
		{"blob given number", mustCBOR(t, map[string]any{"Data": 1}), &PutRecordRequest{}, number + "a Blob"},
		{"blob given bad base64", mustCBOR(t, map[string]any{"Data": "a"}), &PutRecordRequest{},
			"'a' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 1"},
		{"list given scalar", mustCBOR(t, map[string]any{"TagKeys": 1}), &RemoveTagsFromStreamRequest{}, "Expected list or null"},
		{"map given list", mustCBOR(t, map[string]any{"Tags": []int{}}), &AddTagsToStreamRequest{}, "Start of list found where not expected"},
		{"structure given text", mustCBOR(t, map[string]any{"StreamModeDetails": "x"}), &CreateStreamRequest{}, "Expected null"},
		{"scalar given map", mustCBOR(t, map[string]any{"StreamName": map[string]any{}}), &DescribeStreamRequest{}, "Start of structure or map found where not expected."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Decode(ContentTypeCBOR, tt.body, tt.dst)
			assert.Equal(t, tt.want, serializationMessage(t, err), "message")
		})
	}
}
