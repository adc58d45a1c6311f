package deadletter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/freshet-io/freshet/connect"
)

func TestBatch(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	letters := []connect.Letter{
		{StreamName: "orders", ShardID: "shardId-000000000001", SequenceNumber: "100", PartitionKey: "a", ArrivalTime: at, Data: []byte("one"), Stage: connect.StageEmit},
		{StreamName: "orders", ShardID: "shardId-000000000001", SequenceNumber: "101", SubSequenceNumber: 2, ArrivalTime: at.Add(time.Second), Data: []byte("three")},
	}
	b := Batch(letters)
	assert.Equal(t, "orders", b.StreamName)
	assert.Equal(t, "shardId-000000000001", b.ShardID)
	assert.Equal(t, []connect.Entry[connect.Letter]{
		{Item: letters[0], ShardID: "shardId-000000000001", SequenceNumber: connect.NewSequenceNumber("100"), PartitionKey: "a", ArrivalTime: at, Size: 3},
		{Item: letters[1], ShardID: "shardId-000000000001", SequenceNumber: connect.NewSequenceNumber("101"), SubSequenceNumber: 2, ArrivalTime: at.Add(time.Second), Size: 5},
	}, b.Entries)
}
