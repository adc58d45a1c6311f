package freshet

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzRestore feeds Restore with mutations of real snapshots. Run it with
//
//	go test -run '^$' -fuzz FuzzRestore -fuzztime 2m .
//
// When fix is set, the harness recomputes the checksum of every section it
// can frame, so that mutations reach the decoding and validation of the
// payloads instead of all stopping at the checksums. Whatever the input,
// Restore must not panic, and it must either fail with nothing built or
// return an engine that is readable through the API, keeps its invariants
// (the open shards cover the hash-key space), takes writes, and snapshots
// to the same state again.
func FuzzRestore(f *testing.F) {
	for _, snap := range [][]byte{snSmallSnapshot(f), snMediumSnapshot(f), snWrite(f, rsEngine(f))} {
		f.Add(snap, false)
		f.Add(snap, true)
	}
	clock := func() *ManualClock { return NewManualClock(rsEpoch.Add(time.Hour)) }
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			data = snFixChecksums(data)
		}
		e, err := Restore(bytes.NewReader(data), WithClock(clock()), WithRetentionSweep(0))
		if err != nil {
			require.Nil(t, e)
			return
		}
		defer e.Close()
		view := snView(t, e)
		for name, sv := range view.PerStream {
			if sv.Summary.StreamStatus == StreamStatusCreating {
				continue
			}
			rsRequireCover(t, rsOpenShards(t, e, name))
		}

		again, err := Restore(bytes.NewReader(snWrite(t, e)), WithClock(clock()), WithRetentionSweep(0))
		require.NoError(t, err)
		defer again.Close()
		require.Equal(t, view, snView(t, again))

		for name, sv := range view.PerStream {
			if sv.Summary.StreamStatus == StreamStatusCreating {
				continue
			}
			in := &PutRecordInput{StreamName: name, PartitionKey: "fuzz", Data: []byte("fuzz")}
			a, errA := e.PutRecord(context.Background(), in)
			b, errB := again.PutRecord(context.Background(), in)
			require.Equal(t, errA, errB)
			require.Equal(t, a, b)
		}
	})
}

// snFixChecksums returns data with the checksum of every section that can
// be framed recomputed.
func snFixChecksums(data []byte) []byte {
	data = bytes.Clone(data)
	if len(data) < len(snapshotMagic)+1 {
		return data
	}
	for b := data[len(snapshotMagic)+1:]; len(b) >= 5; {
		n := int(binary.BigEndian.Uint32(b[1:5]))
		if n > len(b)-9 {
			break
		}
		binary.BigEndian.PutUint32(b[5+n:], crc32.Checksum(b[:5+n], castagnoli))
		b = b[5+n+4:]
	}
	return data
}

// snMediumSnapshot returns a snapshot with merges, expired records and
// shards, consumers and policies, small enough to fuzz.
func snMediumSnapshot(t testing.TB) []byte {
	t.Helper()
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithStateDelays(StateDelays{Update: time.Minute}))
	rsCreate(t, e, "a", 3)
	rsCreate(t, e, "b", 1)
	for i := range 20 {
		rsPut(t, e, "a", fmt.Sprint(i), fmt.Sprint("early ", i))
	}
	snMust(e.MergeShards(ctx, &MergeShardsInput{StreamName: "a", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001"}))(t)
	clk.Advance(25 * time.Hour)
	for i := range 20 {
		rsPut(t, e, "a", fmt.Sprint(i), fmt.Sprint("late ", i))
		rsPut(t, e, "b", fmt.Sprint(i), fmt.Sprint("b ", i))
		clk.Advance(time.Second)
	}
	snMust(e.SplitShard(ctx, &SplitShardInput{StreamName: "b", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"}))(t)
	snMust(e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("b"), ConsumerName: "reader"}))(t)
	snMust(e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arnOf("a"), Policy: `{"Statement":[]}`}))(t)
	return snWrite(t, e)
}
