package freshet

import (
	"context"
	"time"
)

// Resharding
//
// SplitShard, MergeShards and UpdateShardCount change the set of open
// shards of a PROVISIONED stream. Parents are closed, never deleted: they
// get an EndingSequenceNumber, stay readable (their last GetRecords returns
// ChildShards instead of a next iterator) and disappear only once their
// retention has passed. Children take the next unused shard indices and
// carry ParentShardId / AdjacentParentShardId. By default writes route to
// the children as soon as the call returns and the stream then reports
// UPDATING for the engine's update delay (instant by default); with
// ReshardWhenUpdated the change waits for the end of UPDATING, as in
// production.
//
// Invariant: the open shards always cover the hash-key space exactly, with
// no gap and no overlap.

// SplitShardInput is the input of SplitShard.
type SplitShardInput struct {
	StreamName string
	StreamARN  string
	// ShardToSplit is the open shard to split.
	ShardToSplit string
	// NewStartingHashKey is the first hash key of the upper child. It must
	// be greater than the shard's StartingHashKey plus one and less than
	// its EndingHashKey, so both children own at least two hash keys.
	NewStartingHashKey string
}

// SplitShardOutput is the (empty) output of SplitShard.
type SplitShardOutput struct{}

// SplitShard closes a shard and opens two children that split its
// hash-key range at NewStartingHashKey.
func (e *Engine) SplitShard(ctx context.Context, in *SplitShardInput) (*SplitShardOutput, error) {
	return invoke(ctx, e, OpSplitShard, in, e.splitShard)
}

// splitShard implements SplitShard.
func (e *Engine) splitShard(ctx context.Context, in *SplitShardInput) (*SplitShardOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, shards, err := e.reshardTarget(in.StreamName, in.StreamARN, in.ShardToSplit)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	parent := shards[0]
	if err := e.checkShardLimit(1); err != nil {
		return nil, err
	}
	k, err := ParseHashKey(in.NewStartingHashKey)
	r := parent.hashRange
	low, _ := r.StartingHashKey.add(1)
	if err != nil || k.Cmp(low) <= 0 || k.Cmp(r.EndingHashKey) >= 0 {
		return nil, errInvalid("NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s "+
			"is not both greater than one plus the shard's StartingHashKey %s and less than the shard's EndingHashKey %s.",
			in.NewStartingHashKey, parent.id, st.name, e.cfg.account, r.StartingHashKey, r.EndingHashKey)
	}
	st.reshardLocked(e.now(), func(at time.Time) { st.splitLocked(parent, k, at) })
	return &SplitShardOutput{}, nil
}

// MergeShardsInput is the input of MergeShards.
type MergeShardsInput struct {
	StreamName string
	StreamARN  string
	// ShardToMerge is the lower of two adjacent open shards.
	ShardToMerge string
	// AdjacentShardToMerge is the upper one: its StartingHashKey follows
	// ShardToMerge's EndingHashKey.
	AdjacentShardToMerge string
}

// MergeShardsOutput is the (empty) output of MergeShards.
type MergeShardsOutput struct{}

// MergeShards closes two adjacent shards and opens one child owning both
// ranges. As in production, adjacency is directional: ShardToMerge must be
// the lower range.
func (e *Engine) MergeShards(ctx context.Context, in *MergeShardsInput) (*MergeShardsOutput, error) {
	return invoke(ctx, e, OpMergeShards, in, e.mergeShards)
}

// mergeShards implements MergeShards.
func (e *Engine) mergeShards(ctx context.Context, in *MergeShardsInput) (*MergeShardsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, shards, err := e.reshardTarget(in.StreamName, in.StreamARN, in.ShardToMerge, in.AdjacentShardToMerge)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	a, b := shards[0], shards[1]
	next, overflow := a.hashRange.EndingHashKey.add(1)
	if a == b || overflow || next != b.hashRange.StartingHashKey {
		return nil, errInvalid("Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging",
			a.id, b.id, st.name, e.cfg.account)
	}
	st.reshardLocked(e.now(), func(at time.Time) { st.mergeLocked(a, b, at) })
	return &MergeShardsOutput{}, nil
}

// reshardTarget runs the checks SplitShard and MergeShards share, in
// production's order: shard ids parse, the stream exists, is ACTIVE and
// PROVISIONED, and the shards exist and are open. On success it returns
// with st.mu held.
func (e *Engine) reshardTarget(name, arn string, ids ...string) (*Stream, []*shard, error) {
	n, err := e.streamNameOf(name, arn)
	if err != nil {
		return nil, nil, err
	}
	idx := make([]int, len(ids))
	for i, id := range ids {
		var ok bool
		if idx[i], ok = parseShardID(id); !ok {
			return nil, nil, errNotFound("Could not find shard %s in stream %s under account %s.", id, n, e.cfg.account)
		}
	}
	st := e.lookupName(n)
	if st == nil {
		return nil, nil, e.errStreamNotFound(n)
	}
	now := e.now()
	st.mu.Lock()
	fail := func(err error) (*Stream, []*shard, error) {
		st.mu.Unlock()
		return nil, nil, err
	}
	if err := st.requireActive(now); err != nil {
		return fail(err)
	}
	if st.mode != StreamModeProvisioned {
		return fail(errOnDemand())
	}
	shards := make([]*shard, len(ids))
	for i, x := range idx {
		if x >= len(st.shards) || st.shards[x].expired(now, st.retentionPeriod()) {
			return fail(errNotFound("Could not find shard %s in stream %s under account %s.", shardID(x), st.name, e.cfg.account))
		}
		sh := st.shards[x]
		if closed, _ := sh.state(); closed {
			return fail(errInvalid("Shard %s in stream %s under account %s has already been merged or split, and thus is not eligible for merging or splitting.",
				sh.id, st.name, e.cfg.account))
		}
		shards[i] = sh
	}
	return st, shards, nil
}

func errOnDemand() error {
	return NewError(codeValidation, "This API is only supported for data streams with the provisioned capacity mode")
}

// pendingReshard is a change of the open shards that takes effect when the
// stream's UPDATING phase ends (ReshardWhenUpdated).
type pendingReshard struct {
	at     time.Time
	change func(at time.Time) // called with st.mu held
}

// reshardLocked moves the stream to UPDATING and applies change: at once,
// or when UPDATING ends if the engine defers resharding (not with a data
// directory, whose metadata must always describe the shards on disk). The
// caller holds st.mu.
func (st *Stream) reshardLocked(now time.Time, change func(at time.Time)) {
	d := st.e.cfg.delays.Update
	st.setPhase(StreamStatusUpdating, now, d)
	if st.e.cfg.reshardTiming == ReshardWhenUpdated && d > 0 && st.e.cfg.storage.dataDir == "" {
		st.pending.Store(&pendingReshard{at: now.Add(d), change: change})
		return
	}
	change(now)
}

// settleReshard applies a pending reshard whose time has come, dated at the
// end of the UPDATING phase.
func (st *Stream) settleReshard(now time.Time) {
	p := st.pending.Load()
	if p == nil || now.Before(p.at) {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.pending.CompareAndSwap(p, nil) {
		p.change(p.at)
	}
}

// splitLocked splits an open shard at k (validated by the caller) and
// returns the two children.
func (st *Stream) splitLocked(parent *shard, k HashKey, now time.Time) (lo, hi *shard) {
	n := len(st.shards)
	snSec := now.Unix() + 1
	r := parent.hashRange
	lo = newShard(st, n, HashKeyRange{StartingHashKey: r.StartingHashKey, EndingHashKey: k.sub(1)}, now, snSec, parent.id, "")
	hi = newShard(st, n+1, HashKeyRange{StartingHashKey: k, EndingHashKey: r.EndingHashKey}, now, snSec, parent.id, "")
	st.shards = append(st.shards, lo, hi)
	st.replaceOpen([]*shard{parent}, lo, hi)
	parents := []string{parent.id}
	parent.close(now, []ChildShard{
		{ShardId: lo.id, ParentShards: parents, HashKeyRange: lo.hashRange},
		{ShardId: hi.id, ParentShards: parents, HashKeyRange: hi.hashRange},
	})
	return lo, hi
}

// mergeLocked merges two adjacent open shards (a below b) and returns the
// child.
func (st *Stream) mergeLocked(a, b *shard, now time.Time) *shard {
	child := newShard(st, len(st.shards), HashKeyRange{
		StartingHashKey: a.hashRange.StartingHashKey,
		EndingHashKey:   b.hashRange.EndingHashKey,
	}, now, now.Unix()+1, a.id, b.id)
	st.shards = append(st.shards, child)
	st.replaceOpen([]*shard{a, b}, child)
	cs := []ChildShard{{ShardId: child.id, ParentShards: []string{a.id, b.id}, HashKeyRange: child.hashRange}}
	a.close(now, cs)
	b.close(now, cs)
	return child
}

// replaceOpen publishes a routing table where old shards are replaced by
// new ones. Writers that already picked an old shard find it closed and
// route again.
func (st *Stream) replaceOpen(old []*shard, add ...*shard) {
	cur := st.routes()
	next := make([]*shard, 0, len(cur)+len(add))
	for _, sh := range cur {
		keep := true
		for _, o := range old {
			if sh == o {
				keep = false
			}
		}
		if keep {
			next = append(next, sh)
		}
	}
	st.setRoutes(append(next, add...))
}

// ScalingType is how UpdateShardCount reshapes a stream.
type ScalingType string

// UniformScaling is the only scaling type: the final open shards split the
// hash space uniformly.
const UniformScaling ScalingType = "UNIFORM_SCALING"

// UpdateShardCountInput is the input of UpdateShardCount.
type UpdateShardCountInput struct {
	StreamName string
	StreamARN  string
	// TargetShardCount is the number of open shards wanted: at most double
	// and at least half the current number.
	TargetShardCount int
	// ScalingType must be UNIFORM_SCALING.
	ScalingType ScalingType
}

// UpdateShardCountOutput is the output of UpdateShardCount.
type UpdateShardCountOutput struct {
	StreamName        string
	StreamARN         string
	CurrentShardCount int
	TargetShardCount  int
}

const (
	maxShardsPerStream  = 10000
	maxScalingsPerDay   = 10
	scalingWindowLength = 24 * time.Hour
)

// UpdateShardCount reshards a stream to TargetShardCount open shards with
// uniform hash-key ranges, through the splits and merges production
// performs (a left-to-right sweep, so every child has at most two parents).
func (e *Engine) UpdateShardCount(ctx context.Context, in *UpdateShardCountInput) (*UpdateShardCountOutput, error) {
	return invoke(ctx, e, OpUpdateShardCount, in, e.updateShardCount)
}

// updateShardCount implements UpdateShardCount.
func (e *Engine) updateShardCount(ctx context.Context, in *UpdateShardCountInput) (*UpdateShardCountOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, _, err := e.reshardTarget(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	now := e.now()
	open := st.routes()
	cur, target := len(open), in.TargetShardCount
	switch {
	case target > 2*cur:
		return nil, errInvalid("UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: %d Target shard count: %d", cur, target)
	case 2*target < cur:
		return nil, errInvalid("UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: %d Target shard count: %d", cur, target)
	case target > maxShardsPerStream:
		return nil, errInvalid("UpdateShardCount cannot scale up over %d shards per stream. Target shard count: %d", maxShardsPerStream, target)
	}
	recent := st.scaleEvents[:0]
	for _, t := range st.scaleEvents {
		if now.Sub(t) < scalingWindowLength {
			recent = append(recent, t)
		}
	}
	st.scaleEvents = recent
	if len(recent) >= maxScalingsPerDay {
		return nil, errLimit("UpdateShardCount rate limit exceeded for stream %s under account %s. No more than %d calls are allowed in a rolling 24 hour period.",
			st.name, e.cfg.account, maxScalingsPerDay)
	}
	if target > cur {
		if err := e.checkShardLimit(target - cur); err != nil {
			return nil, err
		}
	}
	st.scaleEvents = append(st.scaleEvents, now)
	if !uniformLayout(open, target) {
		st.reshardLocked(now, func(at time.Time) { st.scaleLocked(target, at) })
	}
	return &UpdateShardCountOutput{StreamName: st.name, StreamARN: st.arn, CurrentShardCount: cur, TargetShardCount: target}, nil
}

// uniformLayout reports whether the open shards already are a uniform
// partition into n ranges: UpdateShardCount's (boundaries floor(k·2^128/n))
// or CreateStream's (boundaries k·floor(2^128/n)).
func uniformLayout(open []*shard, n int) bool {
	if len(open) != n {
		return false
	}
	w, _ := uniformBoundary(1, uint64(n))
	scaled, created := true, true
	for i, sh := range open {
		start, _ := uniformBoundary(uint64(i), uint64(n))
		scaled = scaled && sh.hashRange.StartingHashKey == start
		created = created && sh.hashRange.StartingHashKey == w.mul(uint64(i))
	}
	return scaled || created
}

// scaleLocked performs UNIFORM_SCALING to m shards as a left-to-right sweep
// over the target ranges t_k = [B_k, B_(k+1) - 1], B_k = floor(k*2^128/m):
// a shard reaching past t_k is split at B_(k+1) (its upper piece carried
// over to the next target); a shard ending short of t_k is merged with its
// right neighbour (split first if that reaches past t_k).
func (st *Stream) scaleLocked(m int, now time.Time) {
	queue := append([]*shard(nil), st.routes()...) // by starting hash key
	var carry *shard
	next := func() *shard {
		if carry != nil {
			c := carry
			carry = nil
			return c
		}
		sh := queue[0]
		queue = queue[1:]
		return sh
	}
	for k := 0; k < m; k++ {
		bound, last := uniformBoundary(uint64(k+1), uint64(m)) // B_(k+1); last: it is 2^128
		cur := next()
		if !last && cur.hashRange.EndingHashKey.Cmp(bound) >= 0 {
			if cur.hashRange.StartingHashKey.Cmp(bound) < 0 {
				_, carry = st.splitLocked(cur, bound, now)
			}
			continue
		}
		for {
			end, _ := cur.hashRange.EndingHashKey.add(1)
			if last && cur.hashRange.EndingHashKey == MaxHashKey || !last && end == bound {
				break
			}
			nxt := next()
			if !last && nxt.hashRange.EndingHashKey.Cmp(bound) >= 0 {
				nxt, carry = st.splitLocked(nxt, bound, now)
			}
			cur = st.mergeLocked(cur, nxt, now)
		}
	}
}
