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
// The suite uses only the standard library, so that importing it adds no
// dependencies to a store's module.
package leasetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

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
	if err != nil || !created {
		t.Fatalf("CreateIfNotExists(%q) = %v, %v; want true, nil", l.Key, created, err)
	}
}

func get(t *testing.T, s lease.Store, key string) lease.Lease {
	t.Helper()
	l, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return l
}

// owned creates sample(key) and takes it for owner.
func owned(t *testing.T, s lease.Store, key, owner string) lease.Lease {
	t.Helper()
	create(t, s, sample(key))
	l, err := s.Take(t.Context(), get(t, s, key), owner)
	if err != nil {
		t.Fatalf("Take(%q, %q): %v", key, owner, err)
	}
	return l
}

// equal fails the test if got and want differ in any field.
func equal(t *testing.T, what string, got, want lease.Lease) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %s\nwant %s", what, format(got), format(want))
	}
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
	if err != nil || created {
		t.Fatalf("second CreateIfNotExists = %v, %v; want false, nil", created, err)
	}
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
	if _, err := s.Get(t.Context(), "missing"); !errors.Is(err, lease.ErrNotFound) {
		t.Fatalf("Get(missing) error = %v, want ErrNotFound", err)
	}
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
		if err != nil {
			t.Fatalf("%s: Take: %v", tt.name, err)
		}
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
		if _, err := s.Take(ctx, stale, owner); !errors.Is(err, lease.ErrConflict) {
			t.Fatalf("Take with stale counter by %q: error = %v, want ErrConflict", owner, err)
		}
	}

	// Take reads only Key and Counter: the owner in the argument is ignored.
	arg := l
	arg.Owner = "somebody else"
	got, err := s.Take(ctx, arg, "c")
	if err != nil {
		t.Fatalf("Take with other owner in argument: %v", err)
	}
	if got.Owner != "c" || got.Counter != l.Counter+1 {
		t.Fatalf("Take = owner %q counter %d, want c, %d", got.Owner, got.Counter, l.Counter+1)
	}
}

func testRenew(t *testing.T, s lease.Store) {
	ctx := t.Context()
	l := owned(t, s, "shard-0", "a")
	for i := range 3 {
		got, err := s.Renew(ctx, l)
		if err != nil {
			t.Fatalf("Renew %d: %v", i, err)
		}
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
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	want := l
	want.Owner = ""
	want.Counter++
	equal(t, "Release result", got, want)
	equal(t, "Get after Release", get(t, s, "shard-0"), want)

	// The released lease cannot be renewed or released again by its old
	// owner, and anyone may take it at once.
	if _, err := s.Renew(ctx, l); !errors.Is(err, lease.ErrConflict) {
		t.Fatalf("Renew after Release: error = %v, want ErrConflict", err)
	}
	if _, err := s.Release(ctx, l); !errors.Is(err, lease.ErrConflict) {
		t.Fatalf("second Release: error = %v, want ErrConflict", err)
	}
	taken, err := s.Take(ctx, got, "b")
	if err != nil {
		t.Fatalf("Take after Release: %v", err)
	}
	if taken.Owner != "b" || taken.OwnerSwitchesSinceCheckpoint != l.OwnerSwitchesSinceCheckpoint {
		t.Fatalf("Take after Release = owner %q, switches %d; want b, %d (taking an unowned lease is no switch)",
			taken.Owner, taken.OwnerSwitchesSinceCheckpoint, l.OwnerSwitchesSinceCheckpoint)
	}
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
		if err != nil {
			t.Fatalf("%s: UpdateCheckpoint: %v", tt.name, err)
		}
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
	if err != nil {
		t.Fatalf("SHARD_END with children: %v", err)
	}
	want := l
	want.Counter++
	want.Checkpoint = lease.Checkpoint{SequenceNumber: lease.ShardEnd}
	equal(t, "SHARD_END with children: result", got, want)
	equal(t, "SHARD_END with children: Get", get(t, s, "shard-0"), want)
	got.ChildShardIDs = nil
	again, err := s.UpdateCheckpoint(ctx, got, lease.Checkpoint{SequenceNumber: lease.ShardEnd}, nil)
	if err != nil {
		t.Fatalf("checkpoint without children: %v", err)
	}
	want.Counter++
	equal(t, "checkpoint without children keeps them", again, want)
}

func testTwoPhaseCheckpoint(t *testing.T, s lease.Store) {
	ctx := t.Context()
	l := owned(t, s, "shard-0", "a")
	if l.OwnerSwitchesSinceCheckpoint == 0 {
		t.Fatal("sample lease must have owner switches")
	}

	// Prepare: checkpoint unchanged, pending set, switches kept.
	pending := lease.Checkpoint{SequenceNumber: "100", SubSequenceNumber: 5}
	prepared, err := s.UpdateCheckpoint(ctx, l, l.Checkpoint, &pending)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	want := l
	want.Counter++
	want.PendingCheckpoint = &pending
	equal(t, "prepare result", prepared, want)
	equal(t, "Get after prepare", get(t, s, "shard-0"), want)

	// The prepared checkpoint survives a change of owner.
	stolen, err := s.Take(ctx, prepared, "b")
	if err != nil {
		t.Fatalf("Take: %v", err)
	}
	if stolen.PendingCheckpoint == nil || *stolen.PendingCheckpoint != pending {
		t.Fatalf("PendingCheckpoint after Take = %v, want %+v", stolen.PendingCheckpoint, pending)
	}

	// Commit: checkpoint set, pending cleared, switches reset.
	committed, err := s.UpdateCheckpoint(ctx, stolen, pending, nil)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
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
		if l, err = s.UpdateCheckpoint(ctx, l, cp, nil); err != nil {
			t.Fatalf("UpdateCheckpoint(%s): %v", seq, err)
		}
		if got := get(t, s, "shard-0").Checkpoint; got != cp {
			t.Fatalf("Checkpoint = %+v, want %+v", got, cp)
		}
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
				if _, err := m.call(arg); !errors.Is(err, lease.ErrConflict) {
					t.Fatalf("error = %v, want ErrConflict", err)
				}
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
		if _, err := m.call(arg); !errors.Is(err, lease.ErrConflict) {
			t.Fatalf("%s of unowned lease: error = %v, want ErrConflict", m.name, err)
		}
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
		if err := c.call(); !errors.Is(err, lease.ErrNotFound) {
			t.Errorf("%s of missing lease: error = %v, want ErrNotFound", c.name, err)
		}
	}
	if ls, err := s.List(ctx); err != nil || len(ls) != 0 {
		t.Fatalf("List after calls on missing lease = %v, %v; want empty", ls, err)
	}
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
		if err == nil || errors.Is(err, lease.ErrConflict) || errors.Is(err, lease.ErrNotFound) {
			t.Errorf("%s: error = %v, want an invalid-argument error", c.name, err)
		}
	}
	equal(t, "Get after invalid calls", get(t, s, "shard-0"), l)
	if ls, err := s.List(ctx); err != nil || len(ls) != 1 {
		t.Fatalf("List after invalid calls = %v, %v; want one lease", ls, err)
	}
}

func testList(t *testing.T, s lease.Store) {
	ctx := t.Context()
	if ls, err := s.List(ctx); err != nil || len(ls) != 0 {
		t.Fatalf("List of empty store = %v, %v; want empty", ls, err)
	}
	want := map[string]lease.Lease{}
	for i := range 5 {
		l := sample(fmt.Sprintf("shardId-%012d", i))
		l.Counter = int64(i)
		create(t, s, l)
		want[l.Key] = l
	}
	ls, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(ls) != len(want) {
		t.Fatalf("List returned %d leases, want %d", len(ls), len(want))
	}
	for _, l := range ls {
		w, ok := want[l.Key]
		if !ok {
			t.Fatalf("List returned unexpected or duplicate lease %q", l.Key)
		}
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
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	mutate(ls[0])
	equal(t, "after mutating a List result", get(t, s, "shard-0"), want)

	l, err := s.Take(ctx, get(t, s, "shard-0"), "a")
	if err != nil {
		t.Fatalf("Take: %v", err)
	}
	mutate(l)
	want = get(t, s, "shard-0")
	if want.ParentShardIDs[0] == "mutated" {
		t.Fatal("Take result shares memory with the store")
	}

	pending := lease.Checkpoint{SequenceNumber: "5"}
	l, err = s.UpdateCheckpoint(ctx, want, want.Checkpoint, &pending)
	if err != nil {
		t.Fatalf("UpdateCheckpoint: %v", err)
	}
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
		if err != nil {
			t.Fatal(err)
		}
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
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("Delete(%s): %v", key, err)
		}
		if _, err := s.Get(ctx, key); !errors.Is(err, lease.ErrNotFound) {
			t.Fatalf("Get after Delete: error = %v, want ErrNotFound", err)
		}
	}
	if err := s.Delete(ctx, "shard-0"); err != nil {
		t.Fatalf("Delete of missing lease: %v, want nil", err)
	}
	if ls, err := s.List(ctx); err != nil || len(ls) != 0 {
		t.Fatalf("List after Delete = %v, %v; want empty", ls, err)
	}
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
		if err := c.call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with canceled context: error = %v, want context.Canceled", c.name, err)
		}
	}
	equal(t, "Get after canceled calls", get(t, s, "shard-0"), l)
	if _, err := s.Get(t.Context(), "new"); !errors.Is(err, lease.ErrNotFound) {
		t.Fatalf("canceled CreateIfNotExists created the lease: Get error = %v", err)
	}
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
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("both worker-%d and worker-%d took the lease", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, lease.ErrConflict):
			t.Fatalf("worker-%d: error = %v, want nil or ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no worker took the lease")
	}
	got := get(t, s, "shard-0")
	equal(t, "Get after race", got, results[winner])
	if got.Owner != fmt.Sprintf("worker-%d", winner) || got.Counter != l.Counter+1 {
		t.Fatalf("after race: owner %q counter %d, want worker-%d, %d", got.Owner, got.Counter, winner, l.Counter+1)
	}
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
				if err != nil {
					t.Errorf("%s: Get: %v", me, err)
					return
				}
				if l.Counter < last {
					t.Errorf("%s: counter went back from %d to %d", me, last, l.Counter)
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
				if err != nil {
					t.Errorf("%s: %v", me, err)
					return
				}
				if got.Counter != l.Counter+1 {
					t.Errorf("%s: counter %d after success from %d, want +1", me, got.Counter, l.Counter)
					return
				}
				last = got.Counter
				mu.Lock()
				if other, dup := seen[got.Counter]; dup {
					t.Errorf("counter %d produced by both %s and %s", got.Counter, other, me)
				}
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
	if want := initial + int64(len(seen)); final != want {
		t.Fatalf("final counter %d after %d successes from %d, want %d", final, len(seen), initial, want)
	}
}
