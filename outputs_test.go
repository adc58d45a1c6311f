package freshet

import (
	"context"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A block of outputs fills one 2 KiB allocation size class.
func TestOutputBlockSize(t *testing.T) {
	size := unsafe.Sizeof(outputBlock{})
	assert.LessOrEqual(t, size, uintptr(2048))
	assert.Greater(t, size+unsafe.Sizeof(PutRecordOutput{}), uintptr(2048), "one more output would not fit")
}

// Property: concurrent callers get distinct, zero outputs, across blocks
// (run with -race: each output is written by its caller alone).
func TestOutputsDistinct(t *testing.T) {
	var o outputs
	const goroutines, each = 8, 1000
	got := make([][]*PutRecordOutput, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				out := o.next()
				assert.Equal(t, PutRecordOutput{}, *out)
				out.ShardId = "taken"
				out.SequenceNumber = makeSequenceNumber(1, uint32(g), uint64(i), 1)
				got[g] = append(got[g], out)
			}
		}()
	}
	wg.Wait()
	seen := map[*PutRecordOutput]bool{}
	for g, outs := range got {
		for i, out := range outs {
			require.False(t, seen[out], "output handed out twice")
			seen[out] = true
			require.Equal(t, makeSequenceNumber(1, uint32(g), uint64(i), 1), out.SequenceNumber, "overwritten by another caller")
		}
	}
}

// PutRecord's outputs are independent values: changing one changes no
// other.
func TestPutRecordOutputsIndependent(t *testing.T) {
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	var outs []*PutRecordOutput
	for range 2 * outputsPerBlock {
		out, err := e.PutRecord(context.Background(), &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("x")})
		require.NoError(t, err)
		outs = append(outs, out)
	}
	want := make([]PutRecordOutput, len(outs))
	for i, out := range outs {
		want[i] = *out
	}
	*outs[3] = PutRecordOutput{ShardId: "changed"}
	for i, out := range outs {
		if i != 3 {
			require.Equal(t, want[i], *out, "output %d", i)
		}
		if i > 0 {
			require.Equal(t, 1, want[i].SequenceNumber.Cmp(want[i-1].SequenceNumber), "output %d", i)
		}
	}
}
