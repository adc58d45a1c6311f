package consumer

import (
	"slices"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// Parent before child
//
// All the records of a shard are processed before any record of its
// children, as in the KCL. The coordinator keeps one invariant:
//
//	(I) a worker starts processing a shard only when each of its parents
//	    has been read to its end (is done) or has expired.
//
// It decides from positive evidence in one listing of the lease table and
// the last ListShards, never from the absence of a lease alone. A shard s
// is done if
//
//   - its lease is checkpointed at SHARD_END, or
//   - a child of s has progressed: the child's lease has a checkpoint past
//     the initial position (TRIM_HORIZON, LATEST or AT_TIMESTAMP), or a
//     child of the child has progressed, and so on down. By (I) the child
//     started only after s was done or had expired, and s, still listed,
//     has not expired.
//
// Evidence, once true, stays true while s is listed: checkpoints never move
// back (the Checkpointer refuses it), and cleanup deletes a lease only when
// its shard has expired, or when its shard is done and every child has
// progressed, so evidence of progress moves down the lineage but does not
// vanish. And whatever a listing shows was true when it was read: a listing
// that misses leases (read while another worker creates or deletes some,
// or from a store whose List is not a snapshot) can only hold a child back,
// never start it early.
//
// A parent has expired when the last ListShards returned the child but not
// the parent: ListShards returns every shard until its retention has passed
// after it closed, and a parent closed before its children. Its unread
// records are gone, so its children may start.
//
// A missing parent lease without such evidence does not count as done. A
// worker creates leases parents first, but another worker may list the
// table between two creations, the table may be read by a scan that is not
// atomic, or an operator may have deleted the lease: in each case the
// parent may still have records to process, and the next shard sync
// creates its lease (or the next listing sees it). A parent whose lease
// cleanup deleted is not missing in this sense: its deletion needed every
// child to have progressed, which is evidence.
//
// The same evidence keeps shard sync from resurrecting a deleted lease: it
// creates no lease for a shard that is done, which a cleaned-up shard
// always is. A lease created anyway (by a sync that listed the table before
// the shard's lease was created, read to its end and deleted, all between
// that listing and its own creation) is done by the same evidence, so no
// worker that sees the evidence takes it, and cleanup deletes it again.

// lineage is the shard graph of the stream as the last ListShards returned
// it: the shards that exist (open, or closed and not yet expired) and the
// children of each.
type lineage struct {
	listed   map[string]bool
	children map[string][]string
}

func newLineage(shards []freshet.Shard) *lineage {
	g := &lineage{listed: make(map[string]bool, len(shards)), children: make(map[string][]string)}
	for _, sh := range shards {
		id := sh.ShardId
		g.listed[id] = true
		for _, p := range shardParents(sh) {
			g.children[p] = append(g.children[p], id)
		}
	}
	return g
}

// shardParents returns the parent and adjacent parent of sh, if any.
func shardParents(sh freshet.Shard) []string {
	var parents []string
	for _, p := range []string{sh.ParentShardId, sh.AdjacentParentShardId} {
		if p != "" {
			parents = append(parents, p)
		}
	}
	return parents
}

// leaseView answers the questions of the parent-before-child rule about
// one listing of the lease table and a lineage. It is used by one
// goroutine and for one decision: build a new one for the next listing.
type leaseView struct {
	g      *lineage
	leases map[string]lease.Lease
	// children are the lineage's children, and those named by the
	// ParentShardIDs of the leases: a lease created after the last
	// ListShards still links to its parents.
	children map[string][]string
	memo     map[string]progress
}

type progress int8

const (
	progressUnknown progress = iota
	progressVisiting
	progressNo
	progressYes
)

func newLeaseView(leases []lease.Lease, g *lineage) *leaseView {
	if g == nil {
		g = &lineage{}
	}
	v := &leaseView{
		g:        g,
		leases:   make(map[string]lease.Lease, len(leases)),
		children: make(map[string][]string, len(g.children)),
		memo:     make(map[string]progress),
	}
	for p, cs := range g.children {
		v.children[p] = slices.Clip(cs) // appending below copies, g is shared
	}
	for _, l := range leases {
		v.leases[l.Key] = l
		for _, p := range l.ParentShardIDs {
			if !slices.Contains(v.children[p], l.Key) {
				v.children[p] = append(v.children[p], l.Key)
			}
		}
	}
	return v
}

// hasBegun reports whether cp has moved past the initial position of a new
// lease: it is a sequence number or SHARD_END, not TRIM_HORIZON, LATEST or
// AT_TIMESTAMP.
func hasBegun(cp lease.Checkpoint) bool {
	switch cp.SequenceNumber {
	case "", lease.TrimHorizon, lease.Latest, lease.AtTimestamp:
		return false
	}
	return true
}

// progressed reports whether shard has been processed past its initial
// position: its lease has begun, or one of its children has progressed
// (its own lease may then have been deleted).
func (v *leaseView) progressed(shard string) bool {
	switch v.memo[shard] {
	case progressYes:
		return true
	case progressNo, progressVisiting: // visiting: a cycle, only in a corrupt table
		return false
	}
	v.memo[shard] = progressVisiting
	ok := false
	if l, found := v.leases[shard]; found && hasBegun(l.Checkpoint) {
		ok = true
	}
	for _, c := range v.children[shard] {
		if ok {
			break
		}
		ok = v.progressed(c)
	}
	v.memo[shard] = progressNo
	if ok {
		v.memo[shard] = progressYes
	}
	return ok
}

// done reports whether shard has been read to its end: its lease is at
// SHARD_END, or one of its children has progressed.
func (v *leaseView) done(shard string) bool {
	if l, ok := v.leases[shard]; ok && l.Checkpoint.SequenceNumber == lease.ShardEnd {
		return true
	}
	for _, c := range v.children[shard] {
		if v.progressed(c) {
			return true
		}
	}
	return false
}

// expired reports whether parent, a parent of child, has expired: the last
// ListShards returned child but not parent.
func (v *leaseView) expired(parent, child string) bool {
	return v.g.listed[child] && !v.g.listed[parent]
}

// eligible reports whether l may be processed: its shard is not done, and
// every parent is done or has expired.
func (v *leaseView) eligible(l lease.Lease) bool {
	if v.done(l.Key) {
		return false
	}
	for _, p := range l.ParentShardIDs {
		if !v.done(p) && !v.expired(p, l.Key) {
			return false
		}
	}
	return true
}
