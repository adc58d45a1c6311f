// Package leasetest is the conformance suite for lease.Store
// implementations. A store is correct when its test calls Run:
//
//	func TestStore(t *testing.T) {
//		leasetest.Run(t, func(t *testing.T) lease.Store { return newStore(t) })
//	}
//
// newStore is called once per subtest and must return an empty store that
// no other subtest uses; register any cleanup with t.Cleanup. The suite
// checks the semantics documented on lease.Store: conditional updates and
// their errors, the effect of each method on every field, that no memory is
// shared between the store and its callers, and that concurrent takes and
// renewals are atomic. Run it with -race.
//
// The suite asserts with github.com/stretchr/testify, which the freshet
// module already requires, so importing it adds no module to a store's
// module graph.
package leasetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
)

// Run runs the conformance suite as subtests of t.
func Run(t *testing.T, newStore func(t *testing.T) lease.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s lease.Store)
	}{
		{"CreateIfNotExists", testCreateIfNotExists},
		{"CreateWithChildren", testCreateWithChildren},
		{"GetMissing", testGetMissing},
		{"Take", testTake},
		{"Renew", testRenew},
		{"Release", testRelease},
		{"UpdateCheckpoint", testUpdateCheckpoint},
		{"TwoPhaseCheckpoint", testTwoPhaseCheckpoint},
		{"CheckpointIsNotMonotonic", testCheckpointNotMonotonic},
		{"ConflictsChangeNothing", testConflicts},
		{"NotFound", testNotFound},
		{"InvalidArguments", testInvalidArguments},
		{"List", testList},
		{"NoSharedMemory", testNoSharedMemory},
		{"Delete", testDelete},
		{"CanceledContext", testCanceledContext},
		{"ConcurrentTake", testConcurrentTake},
		{"ConcurrentCounter", testConcurrentCounter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.test(t, newStore(t))
		})
	}
}

// sample is a lease with every field set, as a worker might create it.
func sample(key string) lease.Lease {
	return lease.Lease{
		Key:                          key,
		Checkpoint:                   lease.Checkpoint{SequenceNumber: lease.TrimHorizon},
		PendingCheckpoint:            &lease.Checkpoint{SequenceNumber: "49590338271490256608559692538361571095921575989136588898", SubSequenceNumber: 3},
		OwnerSwitchesSinceCheckpoint: 2,
		ParentShardIDs:               []string{"shardId-000000000000", "shardId-000000000001"},
		HashKeyRange: lease.HashKeyRange{
			StartingHashKey: "0",
			EndingHashKey:   "340282366920938463463374607431768211455",
		},
	}
}

func create(t *testing.T, s lease.Store, l lease.Lease) {
	t.Helper()
	created, err := s.CreateIfNotExists(t.Context(), l)
	require.NoError(t, err, "CreateIfNotExists(%q)", l.Key)
	require.True(t, created, "CreateIfNotExists(%q) = false, want true", l.Key)
}

func get(t *testing.T, s lease.Store, key string) lease.Lease {
	t.Helper()
	l, err := s.Get(t.Context(), key)
	require.NoError(t, err, "Get(%q)", key)
	return l
}

// owned creates sample(key) and takes it for owner.
func owned(t *testing.T, s lease.Store, key, owner string) lease.Lease {
	t.Helper()
	create(t, s, sample(key))
	l, err := s.Take(t.Context(), get(t, s, key), owner)
	require.NoError(t, err, "Take(%q, %q)", key, owner)
	return l
}

// equal fails the test if got and want differ in any field.
func equal(t *testing.T, what string, got, want lease.Lease) {
	t.Helper()
	require.Equal(t, want, got, "%s:\n got %s\nwant %s", what, format(got), format(want))
}

func format(l lease.Lease) string {
	pending := "nil"
	if l.PendingCheckpoint != nil {
		pending = fmt.Sprintf("%+v", *l.PendingCheckpoint)
	}
	return fmt.Sprintf("%+v (pending %s)", l, pending)
}

func testCreateIfNotExists(t *testing.T, s lease.Store) {
	ctx := t.Context()
	want := sample("shard-0")
	create(t, s, want)
	equal(t, "Get after create", get(t, s, "shard-0"), want)

	// A second create, even with other contents, changes nothing.
	other := lease.Lease{Key: "shard-0", Owner: "w", Counter: 7}
	created, err := s.CreateIfNotExists(ctx, other)
	require.NoError(t, err, "second CreateIfNotExists")
	require.False(t, created, "second CreateIfNotExists = true, want false")
	equal(t, "Get after second create", get(t, s, "shard-0"), want)

	// A lease is stored as given, owner and counter included.
	withOwner := lease.Lease{Key: "owned", Owner: "w", Counter: 7}
	create(t, s, withOwner)
	equal(t, "Get of lease created with owner", get(t, s, "owned"), withOwner)

	minimal := lease.Lease{Key: "minimal"}
	create(t, s, minimal)
	equal(t, "Get of zero lease", get(t, s, "minimal"), minimal)
}

// testCreateWithChildren checks that a lease created with its children (a
// lease copied from another table, say) keeps them, and that they survive
// every mutation.
func testCreateWithChildren(t *testing.T, s lease.Store) {
	ctx := t.Context()
	want := sample("shard-0")
	want.Checkpoint = lease.Checkpoint{SequenceNumber: lease.ShardEnd}
	want.ChildShardIDs = []string{"shardId-000000000002", "shardId-000000000003"}
	create(t, s, want)
	equal(t, "Get after create", get(t, s, "shard-0"), want)
	l, err := s.Take(ctx, want, "a")
	if err != nil {
		t.Fatalf("Take: %v", err)
	}
	if l, err = s.Renew(ctx, l); err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if _, err = s.Release(ctx, l); err != nil {
		t.Fatalf("Release: %v", err)
	}
	want.Counter = 3
	equal(t, "after Take, Renew and Release", get(t, s, "shard-0"), want)
}

func testGetMissing(t *testing.T, s lease.Store) {
	_, err := s.Get(t.Context(), "missing")
	require.ErrorIs(t, err, lease.ErrNotFound, "Get(missing)")
}

func testTake(t *testing.T, s lease.Store) {
	ctx := t.Context()
	create(t, s, sample("shard-0"))
	l0 := get(t, s, "shard-0")

	tests := []struct {
		name         string
		owner        string
		wantSwitches int64
	}{
		{"unowned", "a", 2},          // from "": not a switch
		{"by another owner", "b", 3}, // a -> b
		{"by the same owner", "b", 3},
		{"back", "a", 4},
	}
	l := l0
	for i, tt := range tests {
		got, err := s.Take(ctx, l, tt.owner)
		require.NoError(t, err, "%s: Take", tt.name)
		want := l0
		want.Owner = tt.owner
		want.Counter = l0.Counter + int64(i) + 1
		want.OwnerSwitchesSinceCheckpoint = tt.wantSwitches
		equal(t, tt.name+": Take result", got, want)
		equal(t, tt.name+": Get after Take", get(t, s, "shard-0"), want)
		l = got
	}

	// A taker that read the lease before the last take has a stale
	// counter and loses, even if it is the current owner.
	for _, owner := range []string{"a", "c"} {
		stale := l
		stale.Counter--
		_, err := s.Take(ctx, stale, owner)
		require.ErrorIs(t, err, lease.ErrConflict, "Take with stale counter by %q", owner)
	}

	// Take reads only Key and Counter: the owner in the argument is ignored.
	arg := l
	arg.Owner = "somebody else"
	got, err := s.Take(ctx, arg, "c")
	require.NoError(t, err, "Take with other owner in argument")
	require.Equal(t, "c", got.Owner, "Take: owner")
	require.Equal(t, l.Counter+1, got.Counter, "Take: counter")
}

func testRenew(t *testing.T, s lease.Store) {
	ctx := t.Context()
	l := owned(t, s, "shard-0", "a")
	for i := range 3 {
		got, err := s.Renew(ctx, l)
		require.NoError(t, err, "Renew %d", i)
		want := l
		want.Counter++
		equal(t, "Renew result", got, want)
		equal(t, "Get after Renew", get(t, s, "shard-0"), want)
		l = got
	}
}

func testRelease(t *testing.T, s lease.Store) {
	ctx := t.Context()
	l := owned(t, s, "shard-0", "a")
	got, err := s.Release(ctx, l)
	require.NoError(t, err, "Release")
	want := l
	want.Owner = ""
	want.Counter++
	equal(t, "Release result", got, want)
	equal(t, "Get after Release", get(t, s, "shard-0"), want)

	// The released lease cannot be renewed or released again by its old
	// owner, and anyone may take it at once.
	_, err = s.Renew(ctx, l)
	require.ErrorIs(t, err, lease.ErrConflict, "Renew after Release")
	_, err = s.Release(ctx, l)
	require.ErrorIs(t, err, lease.ErrConflict, "second Release")
	taken, err := s.Take(ctx, got, "b")
	require.NoError(t, err, "Take after Release")
	require.Equal(t, "b", taken.Owner, "Take after Release: owner")
	require.Equal(t, l.OwnerSwitchesSinceCheckpoint, taken.OwnerSwitchesSinceCheckpoint,
		"Take after Release: switches (taking an unowned lease is no switch)")
}

func testUpdateCheckpoint(t *testing.T, s lease.Store) {
	ctx := t.Context()
	l := owned(t, s, "shard-0", "a")
	tests := []struct {
		name string
		cp   lease.Checkpoint
	}{
		{"sequence number", lease.Checkpoint{SequenceNumber: "49590338271490256608559692538361571095921575989136588898"}},
		{"with sub-sequence number", lease.Checkpoint{SequenceNumber: "49590338271490256608559692538361571095921575989136588899", SubSequenceNumber: 41}},
		{"TRIM_HORIZON", lease.Checkpoint{SequenceNumber: lease.TrimHorizon}},
		{"LATEST", lease.Checkpoint{SequenceNumber: lease.Latest}},
		{"AT_TIMESTAMP", lease.Checkpoint{SequenceNumber: lease.AtTimestamp}},
		{"SHARD_END", lease.Checkpoint{SequenceNumber: lease.ShardEnd}},
	}
	for _, tt := range tests {
		got, err := s.UpdateCheckpoint(ctx, l, tt.cp, nil)
		require.NoError(t, err, "%s: UpdateCheckpoint", tt.name)
		want := l
		want.Counter++
		want.Checkpoint = tt.cp
		want.PendingCheckpoint = nil
		want.OwnerSwitchesSinceCheckpoint = 0
		equal(t, tt.name+": UpdateCheckpoint result", got, want)
		equal(t, tt.name+": Get after UpdateCheckpoint", get(t, s, "shard-0"), want)
		l = got
	}

	// SHARD_END with the children: they are stored, and a later
	// checkpoint without children leaves them.
	l.ChildShardIDs = []string{"shardId-000000000007", "shardId-000000000008"}
	got, err := s.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: lease.ShardEnd}, nil)
	require.NoError(t, err, "SHARD_END with children")
	want := l
	want.Counter++
	want.Checkpoint = lease.Checkpoint{SequenceNumber: lease.ShardEnd}
	equal(t, "SHARD_END with children: result", got, want)
	equal(t, "SHARD_END with children: Get", get(t, s, "shard-0"), want)
	got.ChildShardIDs = nil
	again, err := s.UpdateCheckpoint(ctx, got, lease.Checkpoint{SequenceNumber: lease.ShardEnd}, nil)
	require.NoError(t, err, "checkpoint without children")
	want.Counter++
	equal(t, "checkpoint without children keeps them", again, want)
}

func testTwoPhaseCheckpoint(t *testing.T, s lease.Store) {
	ctx := t.Context()
	l := owned(t, s, "shard-0", "a")
	require.NotZero(t, l.OwnerSwitchesSinceCheckpoint, "sample lease must have owner switches")

	// Prepare: checkpoint unchanged, pending set, switches kept.
	pending := lease.Checkpoint{SequenceNumber: "100", SubSequenceNumber: 5}
	prepared, err := s.UpdateCheckpoint(ctx, l, l.Checkpoint, &pending)
	require.NoError(t, err, "prepare")
	want := l
	want.Counter++
	want.PendingCheckpoint = &pending
	equal(t, "prepare result", prepared, want)
	equal(t, "Get after prepare", get(t, s, "shard-0"), want)

	// The prepared checkpoint survives a change of owner.
	stolen, err := s.Take(ctx, prepared, "b")
	require.NoError(t, err, "Take")
	require.NotNil(t, stolen.PendingCheckpoint, "PendingCheckpoint after Take, want %+v", pending)
	require.Equal(t, pending, *stolen.PendingCheckpoint, "PendingCheckpoint after Take")

	// Commit: checkpoint set, pending cleared, switches reset.
	committed, err := s.UpdateCheckpoint(ctx, stolen, pending, nil)
	require.NoError(t, err, "commit")
	want = stolen
	want.Counter++
	want.Checkpoint = pending
	want.PendingCheckpoint = nil
	want.OwnerSwitchesSinceCheckpoint = 0
	equal(t, "commit result", committed, want)
	equal(t, "Get after commit", get(t, s, "shard-0"), want)
}

// testCheckpointNotMonotonic pins that keeping checkpoints monotonic is the
// worker's job: the store persists whatever the owner writes.
func testCheckpointNotMonotonic(t *testing.T, s lease.Store) {
	ctx := t.Context()
	l := owned(t, s, "shard-0", "a")
	for _, seq := range []string{"200", "100", lease.TrimHorizon} {
		cp := lease.Checkpoint{SequenceNumber: seq}
		var err error
		l, err = s.UpdateCheckpoint(ctx, l, cp, nil)
		require.NoError(t, err, "UpdateCheckpoint(%s)", seq)
		require.Equal(t, cp, get(t, s, "shard-0").Checkpoint, "Checkpoint")
	}
}

// testConflicts checks every conditional method against a stale counter
// and a wrong owner, and that a failed call changes nothing.
func testConflicts(t *testing.T, s lease.Store) {
	ctx := t.Context()
	cp := lease.Checkpoint{SequenceNumber: "1"}
	methods := []struct {
		name string
		// ownerChecked is false for Take, which ignores the owner.
		ownerChecked bool
		call         func(lease.Lease) (lease.Lease, error)
	}{
		{"Take", false, func(l lease.Lease) (lease.Lease, error) { return s.Take(ctx, l, "x") }},
		{"Renew", true, func(l lease.Lease) (lease.Lease, error) { return s.Renew(ctx, l) }},
		{"Release", true, func(l lease.Lease) (lease.Lease, error) { return s.Release(ctx, l) }},
		{"UpdateCheckpoint", true, func(l lease.Lease) (lease.Lease, error) { return s.UpdateCheckpoint(ctx, l, cp, nil) }},
		{"UpdateCheckpoint prepare", true, func(l lease.Lease) (lease.Lease, error) { return s.UpdateCheckpoint(ctx, l, cp, &cp) }},
	}
	args := []struct {
		name   string
		modify func(*lease.Lease)
		owner  bool // the conflict is in the owner only
	}{
		{"stale counter", func(l *lease.Lease) { l.Counter-- }, false},
		{"future counter", func(l *lease.Lease) { l.Counter++ }, false},
		{"other owner", func(l *lease.Lease) { l.Owner = "b" }, true},
	}
	for i, m := range methods {
		for _, a := range args {
			if a.owner && !m.ownerChecked {
				continue
			}
			t.Run(m.name+"/"+a.name, func(t *testing.T) {
				key := fmt.Sprintf("shard-%d-%s", i, a.name)
				l := owned(t, s, key, "a")
				arg := l
				a.modify(&arg)
				_, err := m.call(arg)
				require.ErrorIs(t, err, lease.ErrConflict)
				equal(t, "Get after conflict", get(t, s, key), l)
			})
		}
	}

	// An unowned lease cannot be renewed, released or checkpointed by
	// anyone.
	create(t, s, sample("unowned"))
	l := get(t, s, "unowned")
	for _, m := range methods[1:] {
		arg := l
		arg.Owner = "a"
		_, err := m.call(arg)
		require.ErrorIs(t, err, lease.ErrConflict, "%s of unowned lease", m.name)
	}
	equal(t, "Get after conflicts", get(t, s, "unowned"), l)
}

func testNotFound(t *testing.T, s lease.Store) {
	ctx := t.Context()
	missing := lease.Lease{Key: "missing", Owner: "a"}
	cp := lease.Checkpoint{SequenceNumber: "1"}
	calls := []struct {
		name string
		call func() error
	}{
		{"Get", func() error { _, err := s.Get(ctx, "missing"); return err }},
		{"Take", func() error { _, err := s.Take(ctx, missing, "a"); return err }},
		{"Renew", func() error { _, err := s.Renew(ctx, missing); return err }},
		{"Release", func() error { _, err := s.Release(ctx, missing); return err }},
		{"UpdateCheckpoint", func() error { _, err := s.UpdateCheckpoint(ctx, missing, cp, nil); return err }},
	}
	for _, c := range calls {
		assert.ErrorIs(t, c.call(), lease.ErrNotFound, "%s of missing lease", c.name)
	}
	ls, err := s.List(ctx)
	require.NoError(t, err, "List after calls on missing lease")
	require.Empty(t, ls, "List after calls on missing lease")
}

func testInvalidArguments(t *testing.T, s lease.Store) {
	ctx := t.Context()
	l := owned(t, s, "shard-0", "a")
	noKey := l
	noKey.Key = ""
	noOwner := l
	noOwner.Owner = ""
	cp := lease.Checkpoint{SequenceNumber: "1"}
	calls := []struct {
		name string
		call func() error
	}{
		{"CreateIfNotExists empty key", func() error { _, err := s.CreateIfNotExists(ctx, noKey); return err }},
		{"Get empty key", func() error { _, err := s.Get(ctx, ""); return err }},
		{"Take empty key", func() error { _, err := s.Take(ctx, noKey, "a"); return err }},
		{"Take empty owner", func() error { _, err := s.Take(ctx, l, ""); return err }},
		{"Renew empty key", func() error { _, err := s.Renew(ctx, noKey); return err }},
		{"Renew empty owner", func() error { _, err := s.Renew(ctx, noOwner); return err }},
		{"Release empty owner", func() error { _, err := s.Release(ctx, noOwner); return err }},
		{"UpdateCheckpoint empty owner", func() error { _, err := s.UpdateCheckpoint(ctx, noOwner, cp, nil); return err }},
		{"Delete empty key", func() error { return s.Delete(ctx, "") }},
	}
	for _, c := range calls {
		err := c.call()
		if assert.Error(t, err, "%s: want an invalid-argument error", c.name) {
			assert.NotErrorIs(t, err, lease.ErrConflict, "%s: want an invalid-argument error", c.name)
			assert.NotErrorIs(t, err, lease.ErrNotFound, "%s: want an invalid-argument error", c.name)
		}
	}
	equal(t, "Get after invalid calls", get(t, s, "shard-0"), l)
	ls, err := s.List(ctx)
	require.NoError(t, err, "List after invalid calls")
	require.Len(t, ls, 1, "List after invalid calls; want one lease")
}

func testList(t *testing.T, s lease.Store) {
	ctx := t.Context()
	ls, err := s.List(ctx)
	require.NoError(t, err, "List of empty store")
	require.Empty(t, ls, "List of empty store")
	want := map[string]lease.Lease{}
	for i := range 5 {
		l := sample(fmt.Sprintf("shardId-%012d", i))
		l.Counter = int64(i)
		create(t, s, l)
		want[l.Key] = l
	}
	ls, err = s.List(ctx)
	require.NoError(t, err, "List")
	require.Len(t, ls, len(want), "List")
	for _, l := range ls {
		w, ok := want[l.Key]
		require.True(t, ok, "List returned unexpected or duplicate lease %q", l.Key)
		equal(t, "listed lease", l, w)
		delete(want, l.Key)
	}
}

// testNoSharedMemory mutates every reference-typed field of arguments and
// results and checks that the stored lease does not change.
func testNoSharedMemory(t *testing.T, s lease.Store) {
	ctx := t.Context()
	arg := sample("shard-0")
	want := sample("shard-0")
	create(t, s, arg)
	arg.ParentShardIDs[0] = "mutated"
	arg.PendingCheckpoint.SequenceNumber = "mutated"
	equal(t, "after mutating the created lease", get(t, s, "shard-0"), want)

	mutate := func(l lease.Lease) {
		l.ParentShardIDs[0] = "mutated"
		if l.PendingCheckpoint != nil {
			l.PendingCheckpoint.SubSequenceNumber = -1
		}
	}
	mutate(get(t, s, "shard-0"))
	equal(t, "after mutating a Get result", get(t, s, "shard-0"), want)

	ls, err := s.List(ctx)
	require.NoError(t, err, "List")
	mutate(ls[0])
	equal(t, "after mutating a List result", get(t, s, "shard-0"), want)

	l, err := s.Take(ctx, get(t, s, "shard-0"), "a")
	require.NoError(t, err, "Take")
	mutate(l)
	want = get(t, s, "shard-0")
	require.NotEqual(t, "mutated", want.ParentShardIDs[0], "Take result shares memory with the store")

	pending := lease.Checkpoint{SequenceNumber: "5"}
	l, err = s.UpdateCheckpoint(ctx, want, want.Checkpoint, &pending)
	require.NoError(t, err, "UpdateCheckpoint")
	pending.SequenceNumber = "mutated"
	want = l
	want.PendingCheckpoint = &lease.Checkpoint{SequenceNumber: "5"}
	want.ParentShardIDs = sample("").ParentShardIDs
	equal(t, "after mutating the pending argument", get(t, s, "shard-0"), want)

	mutate(l)
	equal(t, "after mutating an UpdateCheckpoint result", get(t, s, "shard-0"), want)

	for _, call := range []func(lease.Lease) (lease.Lease, error){
		func(l lease.Lease) (lease.Lease, error) { return s.Renew(ctx, l) },
		func(l lease.Lease) (lease.Lease, error) { return s.Release(ctx, l) },
	} {
		l, err := call(get(t, s, "shard-0"))
		require.NoError(t, err)
		mutate(l)
		want = l
		want.ParentShardIDs = sample("").ParentShardIDs
		want.PendingCheckpoint = &lease.Checkpoint{SequenceNumber: "5"}
		equal(t, "after mutating a Renew or Release result", get(t, s, "shard-0"), want)
	}
}

func testDelete(t *testing.T, s lease.Store) {
	ctx := t.Context()
	create(t, s, sample("shard-0"))
	owned(t, s, "shard-1", "a") // owned leases are deleted too
	for _, key := range []string{"shard-0", "shard-1"} {
		require.NoError(t, s.Delete(ctx, key), "Delete(%s)", key)
		_, err := s.Get(ctx, key)
		require.ErrorIs(t, err, lease.ErrNotFound, "Get after Delete")
	}
	require.NoError(t, s.Delete(ctx, "shard-0"), "Delete of missing lease")
	ls, err := s.List(ctx)
	require.NoError(t, err, "List after Delete")
	require.Empty(t, ls, "List after Delete")
	// A deleted key can be created afresh.
	create(t, s, lease.Lease{Key: "shard-0"})
	equal(t, "Get after re-create", get(t, s, "shard-0"), lease.Lease{Key: "shard-0"})
}

func testCanceledContext(t *testing.T, s lease.Store) {
	l := owned(t, s, "shard-0", "a")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cp := lease.Checkpoint{SequenceNumber: "1"}
	calls := []struct {
		name string
		call func() error
	}{
		{"CreateIfNotExists", func() error { _, err := s.CreateIfNotExists(ctx, sample("new")); return err }},
		{"Get", func() error { _, err := s.Get(ctx, "shard-0"); return err }},
		{"List", func() error { _, err := s.List(ctx); return err }},
		{"Take", func() error { _, err := s.Take(ctx, l, "b"); return err }},
		{"Renew", func() error { _, err := s.Renew(ctx, l); return err }},
		{"Release", func() error { _, err := s.Release(ctx, l); return err }},
		{"UpdateCheckpoint", func() error { _, err := s.UpdateCheckpoint(ctx, l, cp, nil); return err }},
		{"Delete", func() error { return s.Delete(ctx, "shard-0") }},
	}
	for _, c := range calls {
		assert.ErrorIs(t, c.call(), context.Canceled, "%s with canceled context", c.name)
	}
	equal(t, "Get after canceled calls", get(t, s, "shard-0"), l)
	_, err := s.Get(t.Context(), "new")
	require.ErrorIs(t, err, lease.ErrNotFound, "canceled CreateIfNotExists created the lease")
}

// testConcurrentTake races N workers to take one expired lease: exactly one
// must win.
func testConcurrentTake(t *testing.T, s lease.Store) {
	const workers = 16
	ctx := t.Context()
	l := owned(t, s, "shard-0", "dead")

	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		results [workers]lease.Lease
		errs    [workers]error
	)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = s.Take(ctx, l, fmt.Sprintf("worker-%d", i))
		}()
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "both worker-%d and worker-%d took the lease", winner, i)
			winner = i
			continue
		}
		require.ErrorIs(t, err, lease.ErrConflict, "worker-%d: want nil or ErrConflict", i)
	}
	require.NotEqual(t, -1, winner, "no worker took the lease")
	got := get(t, s, "shard-0")
	equal(t, "Get after race", got, results[winner])
	require.Equal(t, fmt.Sprintf("worker-%d", winner), got.Owner, "after race: owner")
	require.Equal(t, l.Counter+1, got.Counter, "after race: counter")
}

// testConcurrentCounter has workers repeatedly read a lease and take, renew,
// checkpoint or release it. Every success must advance the counter by
// exactly one from the value the worker read, so successes are totally
// ordered by counter and the final counter counts them.
func testConcurrentCounter(t *testing.T, s lease.Store) {
	const (
		workers = 8
		rounds  = 200
	)
	ctx := t.Context()
	create(t, s, sample("shard-0"))
	initial := get(t, s, "shard-0").Counter

	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = map[int64]string{} // counter -> worker that produced it
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me := fmt.Sprintf("worker-%d", w)
			last := int64(-1 << 63)
			for i := range rounds {
				l, err := s.Get(ctx, "shard-0")
				if !assert.NoError(t, err, "%s: Get", me) {
					return
				}
				if !assert.GreaterOrEqual(t, l.Counter, last, "%s: counter went back from %d to %d", me, last, l.Counter) {
					return
				}
				last = l.Counter
				var got lease.Lease
				switch {
				case l.Owner != me:
					got, err = s.Take(ctx, l, me)
				case i%3 == 0:
					got, err = s.Renew(ctx, l)
				case i%3 == 1:
					got, err = s.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: fmt.Sprint(i)}, nil)
				default:
					got, err = s.Release(ctx, l)
				}
				if errors.Is(err, lease.ErrConflict) {
					continue
				}
				if !assert.NoError(t, err, me) {
					return
				}
				if !assert.Equal(t, l.Counter+1, got.Counter, "%s: counter after success from %d, want +1", me, l.Counter) {
					return
				}
				last = got.Counter
				mu.Lock()
				other, dup := seen[got.Counter]
				assert.False(t, dup, "counter %d produced by both %s and %s", got.Counter, other, me)
				seen[got.Counter] = me
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	final := get(t, s, "shard-0").Counter
	require.Equal(t, initial+int64(len(seen)), final, "final counter after %d successes from %d", len(seen), initial)
}
