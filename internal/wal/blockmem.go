package wal

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Block memory
//
// A block read from a file needs memory that is never written while
// anything uses it: records read from the block share it, and callers keep
// records as long as they like. With new memory for every block read,
// reads from the files allocated about as many bytes as they read: in a
// process with little else in memory (an engine whose records are all on
// disk) the garbage collector then ran every few reads, and the runtime
// zeroed the memory, returned it to the operating system and faulted it in
// again, which cost more than the reads themselves.
//
// So blocks of about the usual size (Options.IndexEvery of 64 KiB and a
// record) take their memory from a pool, which a buffer enters only once
// the garbage collector found it unreachable: a finalizer puts it back in
// the pool rather than letting it be freed. Memory a record still uses is
// never reused: the record keeps its buffer reachable, and the buffer's
// finalizer does not run. The pool is a sync.Pool: what reads do not take
// from it again is freed after a garbage collection or two.

// blockMemSize is the size of the buffers of the pool: a block of 64 KiB
// of records and a last record of up to 8 KiB.
const blockMemSize = 72 << 10

// blockMem is a buffer of the pool.
type blockMem [blockMemSize]byte

// blockPool holds the buffers no block uses any more.
var blockPool sync.Pool

// blockBuf returns memory for a block of n bytes, of its own and not
// zeroed: a buffer of the pool for blocks of half its size or more up to
// its size, new memory for others.
func blockBuf(n int) []byte {
	if n < blockMemSize/2 || n > blockMemSize {
		return make([]byte, n)
	}
	m, _ := blockPool.Get().(*blockMem)
	if m == nil {
		m = new(blockMem)
	}
	runtime.SetFinalizer(m, recycleBlockMem)
	return m[:n]
}

// recycleBlockMem is the finalizer of a buffer of the pool: it runs once
// nothing refers to any byte of m, and puts m back in the pool.
func recycleBlockMem(m *blockMem) {
	recycled.Add(1)
	blockPool.Put(m)
}

// recycled counts the buffers put back in the pool (for tests).
var recycled atomic.Int64
