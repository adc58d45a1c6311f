package freshet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Crash after crash under concurrent writers, with small segments so that
// the logs roll often, and a clock that moves 4 hours between crashes so
// that retention deletes whole segments of records that expired: after
// every restart, every acknowledged record that has not expired is there
// once, in order, with the sequence number it was acknowledged with; no
// expired record is served, and no record that was never written. (The
// server's kill loop, cmd/freshet TestKillLoop, crosses segment rolls with
// real SIGKILLs, but cannot wait a day for retention.)
func TestDataDirCrashLoopAcrossRetention(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	dir := t.TempDir()
	const loops, writers = 10, 4
	type ack struct {
		seq     SequenceNumber
		arrival time.Time
	}
	var mu sync.Mutex
	acked := map[string]ack{}
	attempted := map[string]bool{}
	check := func(e *Engine, loop int) {
		t.Helper()
		horizon := clk.Now().Add(-24 * time.Hour)
		mu.Lock()
		defer mu.Unlock()
		served := map[string]bool{}
		for i := range 2 {
			recs := readAll(t, e, "s", shardID(i), 10000)
			for j, r := range recs {
				data := r.PartitionKey
				require.True(t, attempted[data], "loop %d: %s serves %q, never written", loop, shardID(i), data)
				require.False(t, served[data], "loop %d: %q served twice", loop, data)
				served[data] = true
				require.False(t, r.ApproximateArrivalTimestamp.Before(horizon), "loop %d: %q expired", loop, data)
				if a, ok := acked[data]; ok {
					require.Equal(t, a.seq, r.SequenceNumber, "loop %d: %q", loop, data)
				}
				if j > 0 {
					require.Greater(t, r.SequenceNumber.Counter(), recs[j-1].SequenceNumber.Counter(), "loop %d", loop)
				}
			}
		}
		for data, a := range acked {
			if !a.arrival.Before(horizon) {
				require.True(t, served[data], "loop %d: acknowledged record %q (%s) is missing", loop, data, a.seq)
			}
		}
	}
	for loop := range loops {
		e := openDir(t, dir, clk, WithSync(SyncBatch), WithSegmentBytes(4<<10), WithMaxMemory(16<<10))
		if loop == 0 {
			mustCreate(t, e, "s", 2)
		}
		e.ApplyRetention()
		check(e, loop)
		start := len(acked)
		target := start + 100 + rand.IntN(200)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					data := fmt.Sprintf("L%d-W%d-%d", loop, w, i)
					mu.Lock()
					attempted[data] = true
					mu.Unlock()
					now := clk.Now()
					out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: data, Data: []byte(strings.Repeat("x", 100))})
					if err != nil {
						return // the crash
					}
					mu.Lock()
					acked[data] = ack{out.SequenceNumber, now}
					mu.Unlock()
				}
			}()
		}
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= target {
				break
			}
			time.Sleep(time.Millisecond)
		}
		crash(e)
		wg.Wait()
		clk.Advance(4 * time.Hour)
	}
	e := openDir(t, dir, clk, WithSync(SyncBatch), WithSegmentBytes(4<<10), WithMaxMemory(16<<10))
	e.ApplyRetention()
	check(e, loops)
	st, err := e.Stream("s")
	require.NoError(t, err)
	for i := range 2 {
		segs, err := filepath.Glob(filepath.Join(e.store.shardDir(st, uint32(i)), "*.seg"))
		require.NoError(t, err)
		require.Greater(t, len(segs), 2, "the log rolled")
		first, err := strconv.ParseUint(strings.TrimSuffix(filepath.Base(segs[0]), ".seg"), 10, 64)
		require.NoError(t, err)
		require.Greater(t, first, uint64(1), "retention deleted the first segments of %s", shardID(i))
	}
	t.Logf("%d crashes, %d records acknowledged", loops, len(acked))
}
