package ddblease_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
	"github.com/freshet-io/freshet/internal/testsync"
)

// checkpointLog is a lease.Store that checks every committed checkpoint
// against the last one committed for its lease: each must be strictly
// after it, never the same again and never before.
type checkpointLog struct {
	lease.Store
	mu   sync.Mutex
	last map[string]lease.Checkpoint
	errs []string
}

func (s *checkpointLog) UpdateCheckpoint(ctx context.Context, l lease.Lease, cp lease.Checkpoint, pending *lease.Checkpoint) (lease.Lease, error) {
	got, err := s.Store.UpdateCheckpoint(ctx, l, cp, pending)
	if err != nil || pending != nil {
		return got, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.last[l.Key]; ok && cp.Compare(prev) <= 0 {
		s.errs = append(s.errs, fmt.Sprintf("%s: checkpoint %+v committed after %+v", l.Key, cp, prev))
	}
	s.last[l.Key] = cp
	return got, err
}

// outageJournal records what the processors saw.
type outageJournal struct {
	mu        sync.Mutex
	processed map[int]int
	floor     map[string]lease.Checkpoint // set at the outage: nothing at or before may be processed again
	errs      []string
}

func (j *outageJournal) count(n int) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := 0
	for i := range n {
		if j.processed[i] > 0 {
			c++
		}
	}
	return c
}

type outageProcessor struct {
	consumertest.CheckpointAtEnds
	j     *outageJournal
	shard string
	last  consumer.Record
}

func (p *outageProcessor) Initialize(context.Context, consumer.InitializeInput) error { return nil }

func (p *outageProcessor) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	p.j.mu.Lock()
	for _, r := range in.Records {
		if p.last.ShardID != "" && r.Checkpoint().Compare(p.last.Checkpoint()) <= 0 {
			p.j.errs = append(p.j.errs, fmt.Sprintf("%s: record %s after %s", p.shard, r.SequenceNumber, p.last.SequenceNumber))
		}
		if f, ok := p.j.floor[p.shard]; ok && r.Checkpoint().Compare(f) <= 0 {
			p.j.errs = append(p.j.errs, fmt.Sprintf("%s: record %s processed again after the outage, at or before the checkpoint %s", p.shard, r.SequenceNumber, f.SequenceNumber))
		}
		n, _ := strconv.Atoi(string(r.Data))
		p.j.processed[n]++
		p.last = r
	}
	p.j.mu.Unlock()
	return in.Checkpointer.Checkpoint(ctx)
}

type outageMetrics struct {
	consumer.NopMetrics
	lost, gained, storeErrors atomic.Int64
}

func (m *outageMetrics) LeaseLost(string)   { m.lost.Add(1) }
func (m *outageMetrics) LeaseGained(string) { m.gained.Add(1) }
func (m *outageMetrics) Error(op string, _ error) {
	switch op {
	case "RenewLease", "ListLeases", "ListShards", "ProcessShard":
		m.storeErrors.Add(1)
	}
}

// DynamoDB goes away while two workers consume a stream that keeps being
// written to: the workers give their leases up once they cannot renew
// them for the failover time and retry with growing pauses; when DynamoDB
// returns they take the leases again and go on from the stored
// checkpoints. No checkpoint is committed twice or backwards, nothing
// checkpointed before the outage is processed again, and every record is
// processed.
func TestStoreOutage(t *testing.T) {
	t.Parallel()
	const stream = "outage"
	e := newEnv(t)
	// A client that gives up quickly, so that the test need not wait for
	// the SDK's retries (seconds) during the outage.
	client := newClient(t, e.d.URL, func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 2
			so.MaxBackoff = 20 * time.Millisecond
		})
	})
	store := &checkpointLog{Store: ddblease.New(client, tableName()), last: map[string]lease.Checkpoint{}}
	eng := freshet.New()
	t.Cleanup(func() { eng.Close() })
	_, err := eng.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: stream, ShardCount: 4})
	require.NoError(t, err)

	j := &outageJournal{processed: map[int]int{}}
	m := &outageMetrics{}
	f := consumertest.NewFleet(t, eng, stream, store,
		func(shard string) consumer.RecordProcessor { return &outageProcessor{j: j, shard: shard} },
		consumer.WithFailoverTime(600*time.Millisecond), consumer.WithMetrics(m),
		consumer.WithRetryBackoff(10*time.Millisecond, 200*time.Millisecond))
	f.Start("a")
	f.Start("b")
	n := 0
	put := func(k int) {
		testutil.PutRange(t, eng, stream, n, n+k)
		n += k
	}
	put(200)
	testsync.WaitFor(t, "every record processed", func() bool { return j.count(n) == n })
	testsync.WaitFor(t, "every shard checkpointed", func() bool {
		ls, err := store.List(context.Background())
		require.NoError(t, err)
		done := 0
		for _, l := range ls {
			if testutil.HasBegun(l.Checkpoint) && l.Owner != "" {
				done++
			}
		}
		return done == 4
	})

	// The outage.
	leases, err := store.List(context.Background())
	require.NoError(t, err)
	j.mu.Lock()
	j.floor = map[string]lease.Checkpoint{}
	for _, l := range leases {
		j.floor[l.Key] = l.Checkpoint
	}
	j.mu.Unlock()
	e.d.Stop()
	put(200)
	testsync.WaitFor(t, "every lease given up", func() bool { return m.lost.Load() >= 4 })
	gained := m.gained.Load()
	errorsDuringOutage := m.storeErrors.Load()
	assert.Positive(t, errorsDuringOutage, "store errors reported")

	// DynamoDB is back.
	e.d.Start()
	put(200)
	testsync.WaitFor(t, "every record processed after the outage", func() bool { return j.count(n) == n })
	assert.GreaterOrEqual(t, m.gained.Load(), gained+4, "the leases taken again")
	f.ShutdownAll()

	leases, err = store.List(context.Background())
	require.NoError(t, err)
	for _, l := range leases {
		assert.Empty(t, l.Owner, "lease %s owned after a clean shutdown", l.Key)
		assert.Positive(t, l.Checkpoint.Compare(j.floor[l.Key]), "lease %s did not move on after the outage", l.Key)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, msg := range j.errs {
		t.Error(msg)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	for _, msg := range store.errs {
		t.Error(msg)
	}
}
