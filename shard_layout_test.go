package freshet

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShardLayout checks what shard.go's field order relies on: shards
// start on a cache line, and the fields a write uses lie in the first two.
func TestShardLayout(t *testing.T) {
	var sh shard
	require.Zero(t, unsafe.Sizeof(sh)%64, "a shard's size must be a multiple of 64 bytes: adjust shardPad")
	require.Equal(t, uintptr(512), unsafe.Sizeof(sh), "adjust shardPad")
	hot := map[string]uintptr{
		"mu":                        unsafe.Offsetof(sh.mu),
		"closed":                    unsafe.Offsetof(sh.closed),
		"gone":                      unsafe.Offsetof(sh.gone),
		"allocatingSpare":           unsafe.Offsetof(sh.allocatingSpare),
		"tail":                      unsafe.Offsetof(sh.tail),
		"next":                      unsafe.Offsetof(sh.next),
		"lastArrival":               unsafe.Offsetof(sh.lastArrival),
		"changes":                   unsafe.Offsetof(sh.changes),
		"notify":                    unsafe.Offsetof(sh.notify),
		"spare":                     unsafe.Offsetof(sh.spare),
		"waiters":                   unsafe.Offsetof(sh.waiters) + unsafe.Sizeof(sh.waiters) - 1,
		"counters.incomingBytes":    unsafe.Offsetof(sh.counters) + unsafe.Offsetof(sh.counters.incomingBytes),
		"counters.incomingRecords":  unsafe.Offsetof(sh.counters) + unsafe.Offsetof(sh.counters.incomingRecords),
		"counters.putRecordSuccess": unsafe.Offsetof(sh.counters) + unsafe.Offsetof(sh.counters.putRecordSuccess),
	}
	for name, off := range hot {
		assert.Less(t, off, uintptr(128), "%s is outside the first two cache lines", name)
	}

	e := newTestEngine(t)
	mustCreate(t, e, "s", 4)
	st, err := e.Stream("s")
	require.NoError(t, err)
	for _, sh := range st.shards {
		assert.Zero(t, uintptr(unsafe.Pointer(sh))%64, "%s does not start a cache line", sh.id)
	}
}
