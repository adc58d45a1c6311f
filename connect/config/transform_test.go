package config

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/consumer"
)

func TestTransforms(t *testing.T) {
	rec := func(data string) connect.Record {
		return connect.Record{ShardID: "shardId-000000000001", SequenceNumber: consumer.NewSequenceNumber("42"),
			PartitionKey: "k", Data: []byte(data), ApproximateArrivalTimestamp: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	}
	for _, tc := range []struct {
		name, data, want, err string
	}{
		{"raw", "hello", "hello", ""},
		{"raw", "two\nlines", "", "newline"},
		{"json", "{ \"a\" : [1, 2] }", `{"a":[1,2]}`, ""},
		{"json", "{nope", "", "not JSON"},
		{"base64", "hi\n", "aGkK", ""},
		{"envelope", `{"a": 1}`, `{"stream":"s","shard":"shardId-000000000001","sequenceNumber":"42","partitionKey":"k","approximateArrivalTimestamp":"2024-01-02T03:04:05Z","data":{"a":1}}`, ""},
		{"envelope", "\x00bin", `{"stream":"s","shard":"shardId-000000000001","sequenceNumber":"42","partitionKey":"k","approximateArrivalTimestamp":"2024-01-02T03:04:05Z","data_base64":"AGJpbg=="}`, ""},
	} {
		got, err := transformer(tc.name, "s")(rec(tc.data))
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, string(got), tc.name)
		if tc.name == "envelope" {
			assert.True(t, json.Valid(got))
		}
	}
}
