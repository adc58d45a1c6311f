package wal

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// readModel is what a read returns, computed from every record of a log
// by the rules of Read: the records in [pos, end) that arrived at or after
// horizon, at most limit, and no more key and data bytes than maxBytes
// unless the response (which holds have records already) would be empty.
func readModel(all []Record, pos, end uint64, horizon int64, limit, maxBytes, have int) ReadResult {
	res := ReadResult{Next: end}
	for _, r := range all {
		if r.Counter < pos || r.Counter >= end || r.Arrival < horizon {
			continue
		}
		size := len(r.Key) + len(r.Data)
		if have+len(res.Records) > 0 && res.Bytes+size > maxBytes {
			res.Next, res.Full = r.Counter, true
			break
		}
		res.Records = append(res.Records, r)
		res.Bytes += size
		if len(res.Records) >= limit || res.Bytes >= maxBytes {
			res.Next, res.Full = r.Counter+1, true
			break
		}
	}
	return res
}

// ReadBatches hands out exactly the records the rules of Read select, in
// order, in non-empty batches each within one block (and Read returns
// them), for random reads across blocks and segments of records of varied
// sizes, with counters that skip and arrival times that repeat.
func TestLogReadBatchesMatchesTheModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	l, err := Open(t.TempDir(), Options{SegmentBytes: 8 << 10, IndexEvery: 700, Cache: NewCache(4 << 10)})
	require.NoError(t, err)
	defer l.Close()
	var all []Record
	var p []byte
	counter, arrival := uint64(5), int64(1000)
	for range 600 {
		key := string(rune('a' + rng.IntN(26)))
		data := make([]byte, rng.IntN(90))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		p = AppendRecord(p[:0], counter, arrival, uint16(rng.IntN(2)), key, data)
		require.NoError(t, l.Write(p))
		all = append(all, Record{Counter: counter, Arrival: arrival, Flags: binaryFlags(p), Key: []byte(key), Data: data})
		counter += 1 + uint64(rng.IntN(4)/3) // mostly consecutive
		arrival += int64(rng.IntN(3))
	}
	last := all[len(all)-1]
	for range 2000 {
		pos := uint64(rng.IntN(int(last.Counter) + 10))
		end := pos + uint64(rng.IntN(int(last.Counter)+10))
		horizon := all[rng.IntN(len(all))].Arrival
		if rng.IntN(2) == 0 {
			horizon = 0
		}
		limit := []int{1, 2, 1 + rng.IntN(300)}[rng.IntN(3)]
		maxBytes := []int{0, 1, rng.IntN(300), rng.IntN(8000)}[rng.IntN(4)]
		have := rng.IntN(2)
		want := readModel(all, pos, end, horizon, limit, maxBytes, have)

		var got []Record
		res, err := l.ReadBatches(pos, end, horizon, limit, maxBytes, have, func(bt Batch) {
			require.Positive(t, bt.Len())
			for i := range bt.Len() {
				got = append(got, Record{Counter: bt.Counter(i), Arrival: bt.Arrival(i), Flags: bt.Flags(i), Key: bt.Key(i), Data: bt.Data(i)})
			}
			// One block: the batch's records are contiguous in one buffer.
			require.True(t, inBuf(bt.b.buf, bt.Key(0)) && inBuf(bt.b.buf, bt.Data(bt.Len()-1)))
		})
		require.NoError(t, err)
		args := []any{"pos %d end %d horizon %d limit %d bytes %d have %d", pos, end, horizon, limit, maxBytes, have}
		require.Equal(t, want.Records, append([]Record(nil), got...), args...)
		require.Equal(t, want.Bytes, res.Bytes, args...)
		read, err := l.Read(pos, end, horizon, limit, maxBytes, have) // through ReadFunc
		require.NoError(t, err)
		require.Equal(t, want.Records, read.Records, args...)
		require.Equal(t, res.Next, read.Next, args...)
		require.Equal(t, want.Full, res.Full, args...)
		if want.Full {
			require.Equal(t, want.Next, res.Next, args...)
		} else {
			// At end, or past it where counters skip: no record skipped.
			require.GreaterOrEqual(t, res.Next, end, args...)
			for _, r := range all {
				require.False(t, r.Counter >= end && r.Counter < res.Next, args...)
			}
		}
	}
}

// binaryFlags returns the flags of the record p ends with.
func binaryFlags(p []byte) uint16 {
	var out uint16
	Each(p, func(r Record, _ int) { out = r.Flags })
	return out
}

// inBuf reports whether b lies within buf's memory.
func inBuf(buf, b []byte) bool {
	if len(b) == 0 {
		return true
	}
	full := buf[:cap(buf)]
	for i := range full {
		if &full[i] == &b[0] {
			return i+len(b) <= len(full)
		}
	}
	return false
}
