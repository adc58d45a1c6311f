package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fxamacker/cbor/v2"
)

func TestEncodeJSON(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"required members always emitted", &PutRecordsResponse{}, `{"FailedRecordCount":0,"Records":[]}`},
		{"required list emitted empty", &GetRecordsResponse{}, `{"Records":[]}`},
		{"optional members omitted", &GetShardIteratorResponse{}, `{}`},
		{"empty output", &CreateStreamResponse{}, `{}`},
		{"lists emitted empty", &ListStreamsResponse{}, `{"StreamNames":[],"HasMoreStreams":false,"StreamSummaries":[]}`},
		{"records", &GetRecordsResponse{
			Records: []Record{{
				SequenceNumber:              "49554468589304656985365895156298971236367941927203518530",
				ApproximateArrivalTimestamp: ptr(TimestampFromMillis(1700000000123)),
				Data:                        []byte("hello"),
				PartitionKey:                "pk\"\n",
			}},
			NextShardIterator:  ptr("AAAA"),
			MillisBehindLatest: ptr[int64](0),
			ChildShards:        []ChildShard{},
		}, `{"Records":[{"SequenceNumber":"49554468589304656985365895156298971236367941927203518530",` +
			`"ApproximateArrivalTimestamp":1700000000.123,"Data":"aGVsbG8=","PartitionKey":"pk\"\n"}],` +
			`"NextShardIterator":"AAAA","MillisBehindLatest":0,"ChildShards":[]}`},
		{"empty data emitted", &GetRecordsResponse{Records: []Record{{SequenceNumber: "1", PartitionKey: "p"}}},
			`{"Records":[{"SequenceNumber":"1","Data":"","PartitionKey":"p"}]}`},
		{"enhanced monitoring", &DescribeStreamResponse{StreamDescription: StreamDescription{
			StreamName: "s", StreamARN: "arn", StreamStatus: StreamStatusCreating, RetentionPeriodHours: 24,
			StreamCreationTimestamp: TimestampFromMillis(1700000000000), EnhancedMonitoring: []EnhancedMetrics{{}},
		}}, `{"StreamDescription":{"StreamName":"s","StreamARN":"arn","StreamStatus":"CREATING","Shards":[],"HasMoreShards":false,` +
			`"RetentionPeriodHours":24,"StreamCreationTimestamp":1700000000,"EnhancedMonitoring":[{"ShardLevelMetrics":[]}]}}`},
		{"request map keys sorted", &AddTagsToStreamRequest{Tags: map[string]string{"b": "2", "a": "1"}}, `{"Tags":{"a":"1","b":"2"}}`},
		{"escapes", &GetResourcePolicyResponse{Policy: "\x00\u2028é<"}, `{"Policy":"\u0000\u2028é<"}`},
		{"invalid UTF-8 replaced", &GetResourcePolicyResponse{Policy: "a\xffb"}, `{"Policy":"a\ufffdb"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Encode(ContentTypeJSON, tt.v)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestEncodeCBOR(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want []byte
	}{
		{"empty", &GetShardIteratorResponse{}, []byte{0xa0}},
		{"failed record count", &PutRecordsResponse{}, append(append([]byte{0xa2, 0x71}, "FailedRecordCount"...), append([]byte{0x00, 0x67}, "Records\x80"...)...)},
		{"record", &GetRecordsResponse{Records: []Record{{
			SequenceNumber:              "12",
			ApproximateArrivalTimestamp: ptr(TimestampFromMillis(1700000000123)),
			Data:                        []byte{0xde, 0xad},
			PartitionKey:                "p",
		}}}, cat(
			[]byte{0xa1, 0x67}, []byte("Records"), []byte{0x81, 0xa4},
			[]byte{0x6e}, []byte("SequenceNumber"), []byte{0x62, '1', '2'}, // big numbers stay text
			[]byte{0x78, 0x1b}, []byte("ApproximateArrivalTimestamp"),
			[]byte{0xc1, 0x1b, 0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b}, // tag 1, uint64 1700000000123 ms
			[]byte{0x64}, []byte("Data"), []byte{0x42, 0xde, 0xad}, // byte string
			[]byte{0x6c}, []byte("PartitionKey"), []byte{0x61, 'p'},
		)},
		{"negative numbers", &DescribeLimitsResponse{ShardLimit: -1, OpenShardCount: -500}, cat(
			[]byte{0xa4, 0x6a}, []byte("ShardLimit"), []byte{0x20},
			[]byte{0x6e}, []byte("OpenShardCount"), []byte{0x39, 0x01, 0xf3},
			[]byte{0x73}, []byte("OnDemandStreamCount"), []byte{0x00},
			[]byte{0x78, 0x18}, []byte("OnDemandStreamCountLimit"), []byte{0x00},
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Encode(ContentTypeCBOR, tt.v)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "got  %x\nwant %x", got, tt.want)
		})
	}
}

func cat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

func TestEncodeRejectsNonStructs(t *testing.T) {
	for _, v := range []any{nil, 1, "x", (*GetRecordsResponse)(nil)} {
		_, err := Encode(ContentTypeJSON, v)
		assert.Error(t, err, "Encode(%#v) succeeded", v)
	}
}

func TestEncodeError(t *testing.T) {
	tests := []struct {
		contentType, code, message string
		want                       string
	}{
		{ContentTypeJSON, "ResourceNotFoundException", "Stream s under account 123456789012 not found.",
			`{"__type":"ResourceNotFoundException","message":"Stream s under account 123456789012 not found."}`},
		{ContentTypeJSON, "SerializationException", "Start of list found where not expected",
			`{"__type":"SerializationException","Message":"Start of list found where not expected"}`},
		{ContentTypeJSON, "SerializationException", "", `{"__type":"SerializationException"}`},
		{ContentTypeJSON, "UnknownOperationException", "", `{"__type":"UnknownOperationException"}`},
		{"", "InternalFailure", "", `{"__type":"InternalFailure"}`},
		{ContentTypeJSON, "ValidationException", `Value 'a"b' at 'x'`, `{"__type":"ValidationException","message":"Value 'a\"b' at 'x'"}`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(EncodeError(tt.contentType, tt.code, tt.message)))
	}
	got := EncodeError(ContentTypeCBOR, "SerializationException", "m")
	want := cat([]byte{0xa2, 0x66}, []byte("__type"), []byte{0x76}, []byte("SerializationException"),
		[]byte{0x67}, []byte("Message"), []byte{0x61, 'm'})
	assert.Equal(t, want, got, "CBOR got %x\nwant %x", got, want)
	got = EncodeError(ContentTypeCBOR, "UnknownOperationException", "")
	want = cat([]byte{0xa1, 0x66}, []byte("__type"), []byte{0x78, 0x19}, []byte("UnknownOperationException"))
	assert.Equal(t, want, got, "CBOR got %x\nwant %x", got, want)
}

func TestLookup(t *testing.T) {
	require.Equal(t, 39, len(Operations), "number of operations")
	emptyOutput := map[string]bool{
		"AddTagsToStream": true, "CreateStream": true, "DecreaseStreamRetentionPeriod": true, "DeleteResourcePolicy": true,
		"DeleteStream": true, "DeregisterStreamConsumer": true, "IncreaseStreamRetentionPeriod": true, "MergeShards": true,
		"PutResourcePolicy": true, "RemoveTagsFromStream": true, "SplitShard": true, "StartStreamEncryption": true,
		"StopStreamEncryption": true, "TagResource": true, "UntagResource": true, "UpdateMaxRecordSize": true,
		"UpdateStreamMode": true,
	}
	for _, want := range Operations {
		op, ok := Lookup(want.Name)
		assert.True(t, ok, "Lookup(%q) = %v, %v", want.Name, op.Name, ok)
		assert.Equal(t, want.Name, op.Name, "Lookup(%q) = %v, %v", want.Name, op.Name, ok)
		assert.Equal(t, emptyOutput[op.Name], op.EmptyOutput, "%s: EmptyOutput", op.Name)
		assert.Equal(t, op.Name == "SubscribeToShard", op.EventStream, "%s: EventStream", op.Name)
		assert.Equal(t, "*wire."+op.Name+"Request", reflectName(op.NewRequest()), "%s: NewRequest", op.Name)
	}
	for _, name := range []string{"", "putRecords", "CreateChannel", "UpdateStreamRecordDistributionStrategy", "Kinesis_20131202.PutRecords"} {
		_, ok := Lookup(name)
		assert.False(t, ok, "Lookup(%q) succeeded", name)
	}
}

func reflectName(v any) string {
	return fmt.Sprintf("%T", v)
}

func TestTimestampMarshalers(t *testing.T) {
	ts := TimestampFromMillis(1700000000123)
	j, _ := json.Marshal(struct{ T Timestamp }{ts})
	assert.Equal(t, `{"T":1700000000.123}`, string(j), "json.Marshal")
	var back struct{ T Timestamp }
	if assert.NoError(t, json.Unmarshal(j, &back), "json.Unmarshal") {
		assert.Equal(t, ts, back.T, "json.Unmarshal")
	}
	c, _ := cbor.Marshal(ts)
	assert.Equal(t, []byte{0xc1, 0x1b, 0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b}, c, "cbor.Marshal: %x", c)
	var cback Timestamp
	if assert.NoError(t, cbor.Unmarshal(c, &cback), "cbor.Unmarshal") {
		assert.Equal(t, ts, cback, "cbor.Unmarshal")
	}
	assert.Error(t, json.Unmarshal([]byte(`"2020-01-01T00:00:00Z"`), &cback), "RFC 3339 accepted")
}
