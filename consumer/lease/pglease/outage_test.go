package pglease_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testserver"
	"github.com/freshet-io/freshet/internal/testsync"
)

// outageJournal records what the processors of the outage test see.
type outageJournal struct {
	mu        sync.Mutex
	restarted bool                        // PostgreSQL is back
	resumed   map[string]bool             // shards whose processing started again after the outage
	processed map[string]int              // data -> times processed
	floor     map[string]lease.Checkpoint // per shard, the checkpoint stored before the outage
	errs      []string
}

func (j *outageJournal) errorf(format string, args ...any) {
	j.errs = append(j.errs, fmt.Sprintf(format, args...))
}

func (j *outageJournal) count(n int) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := 0
	for i := range n {
		if j.processed[strconv.Itoa(i)] > 0 {
			c++
		}
	}
	return c
}

type outageProcessor struct {
	consumertest.CheckpointAtEnds
	j         *outageJournal
	shard     string
	last      lease.Checkpoint
	restarted bool // started after PostgreSQL came back
}

func (p *outageProcessor) Initialize(_ context.Context, in consumer.InitializeInput) error {
	p.j.mu.Lock()
	defer p.j.mu.Unlock()
	p.last = in.Checkpoint
	p.restarted = p.j.restarted
	if p.restarted {
		p.j.resumed[p.shard] = true
	}
	if floor, ok := p.j.floor[p.shard]; ok && p.restarted && in.Checkpoint.Compare(floor) < 0 {
		p.j.errorf("shard %s restarted at %s, before its checkpoint %s of before the outage",
			p.shard, in.Checkpoint.SequenceNumber, floor.SequenceNumber)
	}
	return nil
}

func (p *outageProcessor) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	p.j.mu.Lock()
	for _, r := range in.Records {
		cp := r.Checkpoint()
		if cp.Compare(p.last) <= 0 {
			p.j.errorf("shard %s: record %s after %s: out of order", p.shard, cp.SequenceNumber, p.last.SequenceNumber)
		}
		if floor, ok := p.j.floor[p.shard]; ok && p.restarted && cp.Compare(floor) <= 0 {
			p.j.errorf("shard %s: record %s at or before the checkpoint %s of before the outage processed again",
				p.shard, cp.SequenceNumber, floor.SequenceNumber)
		}
		p.last = cp
		p.j.processed[string(r.Data)]++
	}
	p.j.mu.Unlock()
	return in.Checkpointer.Checkpoint(ctx)
}

// errorCounter counts the failed calls and lost leases workers report.
type errorCounter struct {
	consumer.NopMetrics
	n, lost atomic.Int64
}

func (c *errorCounter) Error(string, error) { c.n.Add(1) }
func (c *errorCounter) LeaseLost(string)    { c.lost.Add(1) }

// recordCheckpoints makes PostgreSQL log every change of a lease's
// checkpoint, committed or not by the time the worker hears of it, into
// the table checkpoint_history.
func recordCheckpoints(t *testing.T, pool *pgxpool.Pool, table string) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `
		CREATE TABLE checkpoint_history (id bigserial PRIMARY KEY, lease_key text,
			old_checkpoint text, old_sub bigint, new_checkpoint text, new_sub bigint);
		CREATE FUNCTION log_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			INSERT INTO checkpoint_history (lease_key, old_checkpoint, old_sub, new_checkpoint, new_sub)
			VALUES (NEW.lease_key, OLD.checkpoint, OLD.checkpoint_sub_sequence_number,
				NEW.checkpoint, NEW.checkpoint_sub_sequence_number);
			RETURN NEW;
		END $$;
		CREATE TRIGGER log_checkpoint AFTER UPDATE ON `+pgx.Identifier{table}.Sanitize()+`
			FOR EACH ROW WHEN (OLD.checkpoint IS DISTINCT FROM NEW.checkpoint
				OR OLD.checkpoint_sub_sequence_number IS DISTINCT FROM NEW.checkpoint_sub_sequence_number)
			EXECUTE FUNCTION log_checkpoint();`)
	require.NoError(t, err)
}

// PostgreSQL stops while workers consume: they back off, stop processing
// the shards whose leases they cannot renew, and when it returns they
// resume from the checkpoints stored before the outage. No checkpoint is
// written twice or moves backwards, and every record is processed.
func TestOutage(t *testing.T) {
	ctx := context.Background()
	pg := testserver.StartPostgres(t)
	pool := newPool(t, pg)
	table := newTable()
	store, err := newStoreNamed(pool, table)
	require.NoError(t, err)
	recordCheckpoints(t, pool, table)

	e := freshet.New()
	t.Cleanup(func() { e.Close() })
	_, err = e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 4})
	require.NoError(t, err)
	j := &outageJournal{processed: map[string]int{}, resumed: map[string]bool{}}
	errs := &errorCounter{}
	f := consumertest.NewFleet(t, e, "s", store, func(shard string) consumer.RecordProcessor {
		return &outageProcessor{j: j, shard: shard}
	}, consumer.WithMetrics(errs))
	f.Start("a")
	f.Start("b")

	n := 0
	put := func(k int) {
		testutil.PutRange(t, e, "s", n, n+k)
		n += k
	}
	put(400)
	testsync.WaitFor(t, "every record processed", func() bool { return j.count(n) == n })

	before, err := store.List(ctx)
	require.NoError(t, err)
	j.mu.Lock()
	j.floor = map[string]lease.Checkpoint{}
	for _, l := range before {
		j.floor[l.Key] = l.Checkpoint
	}
	j.mu.Unlock()

	pg.Stop()
	put(400)
	// The workers notice: renewals, lease listings and checkpoints fail,
	// and after the failover time each worker stops processing the shards
	// whose leases it could not renew.
	testsync.WaitFor(t, "workers to give up their leases", func() bool { return errs.lost.Load() >= 4 })
	j.mu.Lock()
	j.restarted = true
	j.mu.Unlock()
	pg.Start()

	testsync.WaitFor(t, "every record processed after the outage", func() bool { return j.count(n) == n })
	put(400)
	testsync.WaitFor(t, "records written after the outage processed", func() bool { return j.count(n) == n })
	f.ShutdownAll()
	t.Logf("%d failed calls reported during the outage", errs.n.Load())

	j.mu.Lock()
	assert.Len(t, j.resumed, 4, "shards resumed from their checkpoints after the outage")
	for _, e := range j.errs {
		t.Error(e)
	}
	j.mu.Unlock()

	// The database's own record of every checkpoint written.
	rows, err := pool.Query(ctx, `SELECT lease_key, old_checkpoint, old_sub, new_checkpoint, new_sub FROM checkpoint_history ORDER BY id`)
	require.NoError(t, err)
	type change struct {
		Key    string
		Old    string
		OldSub int64
		New    string
		NewSub int64
	}
	changes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[change])
	require.NoError(t, err)
	require.NotEmpty(t, changes)
	for _, c := range changes {
		old := lease.Checkpoint{SequenceNumber: c.Old, SubSequenceNumber: c.OldSub}
		cp := lease.Checkpoint{SequenceNumber: c.New, SubSequenceNumber: c.NewSub}
		assert.Equal(t, 1, cp.Compare(old), "lease %s checkpointed from %s to %s: not forward", c.Key, c.Old, c.New)
	}
}
