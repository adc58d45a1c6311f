package freshet

import "sync/atomic"

// Allocating PutRecord's output
//
// PutRecord returns a new *PutRecordOutput per call, and allocating it was
// a fifth of the cost of a PutRecord to a 1-shard stream. A shard hands
// its outputs out of blocks of outputsPerBlock, allocated at once: taking
// one is an atomic increment of the shard's block. The garbage collector
// frees a block once no output of it is referenced, so a caller that keeps
// one output keeps its block (2 KiB) alive.

// outputsPerBlock fills a 2 KiB allocation with 56-byte outputs.
const outputsPerBlock = 36

// outputBlock is a block of outputs; next counts those handed out.
type outputBlock struct {
	outs [outputsPerBlock]PutRecordOutput
	next atomic.Int32
}

// outputs hands out PutRecordOutputs from blocks; safe for concurrent use.
type outputs struct {
	block atomic.Pointer[outputBlock]
}

// next returns a zero PutRecordOutput that no other call returns.
func (o *outputs) next() *PutRecordOutput {
	for {
		b := o.block.Load()
		if b != nil {
			if i := b.next.Add(1) - 1; i < outputsPerBlock {
				return &b.outs[i]
			}
		}
		nb := new(outputBlock)
		nb.next.Store(1)
		if o.block.CompareAndSwap(b, nb) {
			return &nb.outs[0]
		}
	}
}
