package consumertest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/consumer/lease"
)

// journal records what the processors of a test saw, and checks the
// consumer's guarantees as it goes.
type journal struct {
	t      *testing.T
	e      *freshet.Engine
	stream string
	store  lease.Store

	mu        sync.Mutex
	processed map[string]int              // data -> times processed
	ended     map[string]bool             // shards checkpointed at SHARD_END
	parents   map[string][]string         // shard -> parents, from ListShards
	children  map[string][]string         // shard -> children, from ListShards
	floor     map[string]lease.Checkpoint // per shard, nothing at or before may be processed (restart check)
	errs      []string
}

func newJournal(t *testing.T, e *freshet.Engine, stream string) *journal {
	return &journal{t: t, e: e, stream: stream,
		processed: map[string]int{}, ended: map[string]bool{}, parents: map[string][]string{}, children: map[string][]string{}}
}

func (j *journal) errorf(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.errs = append(j.errs, fmt.Sprintf(format, args...))
}

func (j *journal) check() {
	j.t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, e := range j.errs {
		j.t.Error(e)
	}
	j.errs = nil
}

func (j *journal) parentsOf(shard string) []string {
	j.mu.Lock()
	p, ok := j.parents[shard]
	j.mu.Unlock()
	if ok {
		return p
	}
	j.refreshLineage()
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.parents[shard]
}

// childrenOf returns the children shard has now. Unlike parents, children
// appear later, so they are read again each time.
func (j *journal) childrenOf(shard string) []string {
	j.refreshLineage()
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.children[shard]
}

func (j *journal) refreshLineage() {
	out, err := j.e.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: j.stream})
	if err != nil {
		j.errorf("ListShards: %v", err)
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.children = map[string][]string{}
	for _, sh := range out.Shards {
		var ps []string
		for _, p := range []string{sh.ParentShardId, sh.AdjacentParentShardId} {
			if p != "" {
				ps = append(ps, p)
				j.children[p] = append(j.children[p], sh.ShardId)
			}
		}
		j.parents[sh.ShardId] = ps
	}
}

func (j *journal) count(n int) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := 0
	for i := 0; i < n; i++ {
		if j.processed[strconv.Itoa(i)] > 0 {
			c++
		}
	}
	return c
}

// factory returns processors that record into j and check order and
// lineage. They checkpoint after every batch, alternating between a direct
// and a two-phase checkpoint.
func (j *journal) factory() consumer.ProcessorFactory {
	return func(shardID string) consumer.RecordProcessor { return &journalProcessor{j: j, shard: shardID} }
}

type journalProcessor struct {
	j     *journal
	shard string
	last  lease.Checkpoint
	n     int
}

func (p *journalProcessor) Initialize(ctx context.Context, in consumer.InitializeInput) error {
	p.last = in.Checkpoint
	for _, parent := range p.j.parentsOf(p.shard) {
		p.j.mu.Lock()
		ended := p.j.ended[parent]
		p.j.mu.Unlock()
		if !ended {
			p.j.errorf("shard %s started before its parent %s ended", p.shard, parent)
		}
		if l, err := p.j.store.Get(ctx, parent); err == nil && l.Checkpoint.SequenceNumber != lease.ShardEnd {
			p.j.errorf("shard %s started before its parent %s was checkpointed at SHARD_END", p.shard, parent)
		}
	}
	// A shard whose lease cleanup deleted must not get a new lease and
	// be read again.
	for _, child := range p.j.childrenOf(p.shard) {
		if l, err := p.j.store.Get(ctx, child); err == nil && testutil.HasBegun(l.Checkpoint) {
			p.j.errorf("shard %s started again after its child %s progressed (checkpoint %s)", p.shard, child, l.Checkpoint.SequenceNumber)
		}
	}
	return nil
}

func (p *journalProcessor) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	p.j.mu.Lock()
	floor, hasFloor := p.j.floor[p.shard]
	for _, r := range in.Records {
		cp := r.Checkpoint()
		if cp.Compare(p.last) <= 0 {
			p.j.errs = append(p.j.errs, fmt.Sprintf("shard %s: record %s/%d after %s/%d: out of order", p.shard, cp.SequenceNumber, cp.SubSequenceNumber, p.last.SequenceNumber, p.last.SubSequenceNumber))
		}
		if hasFloor && cp.Compare(floor) <= 0 {
			p.j.errs = append(p.j.errs, fmt.Sprintf("shard %s: record %s processed again after a clean restart at checkpoint %s", p.shard, cp.SequenceNumber, floor.SequenceNumber))
		}
		p.last = cp
		p.j.processed[string(r.Data)]++
	}
	p.j.mu.Unlock()
	p.n++
	if p.n%2 == 0 {
		last := in.Records[len(in.Records)-1]
		if err := in.Checkpointer.Prepare(ctx, last.SequenceNumber.String(), last.SubSequenceNumber); err != nil {
			return err
		}
		return in.Checkpointer.Commit(ctx)
	}
	return in.Checkpointer.Checkpoint(ctx)
}

func (p *journalProcessor) LeaseLost(context.Context) {}

func (p *journalProcessor) ShardEnded(ctx context.Context, cp *consumer.Checkpointer) error {
	// Marked before checkpointing: once the checkpoint is written, a
	// child may start at once.
	p.j.mu.Lock()
	p.j.ended[p.shard] = true
	p.j.mu.Unlock()
	return cp.Checkpoint(ctx)
}

func (p *journalProcessor) ShutdownRequested(ctx context.Context, cp *consumer.Checkpointer) error {
	return cp.Checkpoint(ctx)
}
