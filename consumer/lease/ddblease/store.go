package ddblease

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/freshet-io/freshet/consumer/lease"
)

// Store is a lease.Store in a DynamoDB table laid out as the Java KCL 2.x
// lays out its lease table. Create one with New. A Store is safe for
// concurrent use; any number of Stores, in any number of processes (Java
// KCL workers included), may share one table.
type Store struct {
	client *dynamodb.Client
	table  string
	stream string // the multi-stream identifier, "" in single-stream mode
	limit  int32  // Scan's Limit, 0 for DynamoDB's pages of 1 MB

	mu    sync.Mutex  // serializes EnsureTable
	ready atomic.Bool // the table was found ACTIVE with the right key schema
}

var _ lease.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithMultiStream makes the store keep the leases of one stream of a KCL
// multi-stream application: their lease keys are "<id>:<shardId>" and
// their items carry streamName (id) and shardId, as the KCL writes them.
// The leases the store returns are keyed by shard id, as a Worker names
// them, and List returns only the leases of this stream: workers of each
// stream of the application share the table without seeing each other's
// leases.
func WithMultiStream(id StreamIdentifier) Option {
	return func(s *Store) { s.stream = id.String() }
}

// WithScanLimit makes List read the table in pages of at most n items
// (Scan's Limit) instead of DynamoDB's pages of up to 1 MB, which spreads
// the read capacity a listing takes over more, smaller requests.
func WithScanLimit(n int32) Option {
	return func(s *Store) { s.limit = max(n, 0) }
}

// New returns a Store of the leases in the DynamoDB table named table.
// It makes no call: the table is looked up with the first call of a
// method, and created if it does not exist (see EnsureTable).
func New(client *dynamodb.Client, table string, opts ...Option) *Store {
	s := &Store{client: client, table: table}
	for _, o := range opts {
		o(s)
	}
	return s
}

// tableKey returns the leaseKey of the lease with the given key.
func (s *Store) tableKey(key string) string {
	if s.stream == "" {
		return key
	}
	return s.stream + ":" + key
}

func (s *Store) itemKey(key string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrLeaseKey: str(s.tableKey(key))}
}

// begin checks ctx and the table before a call.
func (s *Store) begin(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if key == "" {
		return errInvalid("empty lease key")
	}
	return s.EnsureTable(ctx)
}

// CreateIfNotExists implements lease.Store with a PutItem of the whole
// item, on the condition that no item has its key.
func (s *Store) CreateIfNotExists(ctx context.Context, l lease.Lease) (bool, error) {
	if err := s.begin(ctx, l.Key); err != nil {
		return false, err
	}
	if err := validate(l.Checkpoint, true); err != nil {
		return false, err
	}
	if l.PendingCheckpoint != nil {
		if err := validate(*l.PendingCheckpoint, false); err != nil {
			return false, err
		}
	}
	e := newExpr().where("attribute_not_exists(" + "#k" + ")")
	e.names["#k"] = attrLeaseKey
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                &s.table,
		Item:                     s.encode(l),
		ConditionExpression:      e.condition(),
		ExpressionAttributeNames: e.attrNames(),
	})
	if conditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, s.wrap("CreateIfNotExists", l.Key, err)
	}
	return true, nil
}

// Get implements lease.Store with a strongly consistent GetItem. An item
// that is not a lease (KCL 3.x entities) is reported as not found; a
// corrupt one as a *CorruptLeaseError.
func (s *Store) Get(ctx context.Context, key string) (lease.Lease, error) {
	if err := s.begin(ctx, key); err != nil {
		return lease.Lease{}, err
	}
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            s.itemKey(key),
		ConsistentRead: boolPtr(true),
	})
	if err != nil {
		return lease.Lease{}, s.wrap("Get", key, err)
	}
	if out.Item == nil || !isLease(out.Item) {
		return lease.Lease{}, notFound(key)
	}
	return s.decode(out.Item)
}

// List implements lease.Store with a strongly consistent, paginated Scan.
// Items that are not leases, and in multi-stream mode the leases of other
// streams, are skipped. A corrupt lease fails the whole List with a
// *CorruptLeaseError naming it: a Worker then keeps processing and renewing
// the leases it holds, but takes and creates none (and says so in its log
// and its Error metric, "ListLeases") until the item is repaired or
// deleted, because a lease it cannot read may be one it must not process
// twice, or a parent whose end its children must wait for.
func (s *Store) List(ctx context.Context) ([]lease.Lease, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.EnsureTable(ctx); err != nil {
		return nil, err
	}
	var out []lease.Lease
	in := &dynamodb.ScanInput{TableName: &s.table, ConsistentRead: boolPtr(true)}
	if s.limit > 0 {
		in.Limit = &s.limit
	}
	p := dynamodb.NewScanPaginator(s.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.wrap("List", "", err)
		}
		for _, item := range page.Items {
			if !isLease(item) || !s.ours(item) {
				continue
			}
			l, err := s.decode(item)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// ours reports whether a lease item belongs to this store's stream: in
// multi-stream mode, leases of other streams are skipped.
func (s *Store) ours(item map[string]types.AttributeValue) bool {
	if s.stream == "" {
		return true
	}
	v, ok := item[attrStreamName].(*types.AttributeValueMemberS)
	return !ok || v.Value == s.stream // a wrong type is reported by decode
}

// Take implements lease.Store, as the KCL takes a lease: on the condition
// that leaseCounter is the one observed, it sets leaseOwner, moves
// leaseCounter on, adds 1 to ownerSwitchesSinceCheckpoint if the owner
// changes, and removes checkpointOwner (a KCL 3.x handoff in progress).
//
// Whether the owner changes depends on the stored owner, which Take must
// not take from its argument: it assumes l.Owner, with that owner in the
// condition, and if the condition fails for the owner alone, it tries
// again with the stored owner. A caller passing the lease it listed, as a
// Worker does, makes one call.
func (s *Store) Take(ctx context.Context, l lease.Lease, owner string) (lease.Lease, error) {
	if err := s.begin(ctx, l.Key); err != nil {
		return lease.Lease{}, err
	}
	if owner == "" {
		return lease.Lease{}, errInvalid("empty owner")
	}
	prev := l.Owner
	for range 3 {
		e := newExpr().isLease(s.stream).counterIs(l.Counter).ownerIs(prev).
			put(attrLeaseOwner, str(owner)).
			put(attrLeaseCounter, num(l.Counter+1)).
			del(attrCheckpointOwner)
		if prev != "" && prev != owner {
			e.inc(attrOwnerSwitches)
		}
		got, err := s.update(ctx, l.Key, e)
		if !errors.Is(err, errCondition) {
			return got, s.wrap("Take", l.Key, err)
		}
		stored, err := s.Get(ctx, l.Key)
		if err != nil {
			return lease.Lease{}, err
		}
		if stored.Counter != l.Counter || stored.Owner == prev {
			return lease.Lease{}, fmt.Errorf("%w: lease %q is at counter %d, not %d",
				lease.ErrConflict, l.Key, stored.Counter, l.Counter)
		}
		// Only the owner differed: try again with the stored one.
		prev = stored.Owner
	}
	return lease.Lease{}, fmt.Errorf("%w: lease %q changed owner during Take", lease.ErrConflict, l.Key)
}

// Renew implements lease.Store: on the condition that leaseOwner and
// leaseCounter are l's, it moves leaseCounter on.
func (s *Store) Renew(ctx context.Context, l lease.Lease) (lease.Lease, error) {
	if err := s.begin(ctx, l.Key); err != nil {
		return lease.Lease{}, err
	}
	if l.Owner == "" {
		return lease.Lease{}, errInvalid("empty owner")
	}
	e := newExpr().isLease(s.stream).counterIs(l.Counter).ownerIs(l.Owner).
		put(attrLeaseCounter, num(l.Counter+1))
	return s.conditional(ctx, "Renew", l, e)
}

// Release implements lease.Store, as the KCL evicts a lease: on the
// condition that leaseOwner (and, as lease.Store requires, leaseCounter)
// are l's, it removes leaseOwner and checkpointOwner and moves
// leaseCounter on.
func (s *Store) Release(ctx context.Context, l lease.Lease) (lease.Lease, error) {
	if err := s.begin(ctx, l.Key); err != nil {
		return lease.Lease{}, err
	}
	if l.Owner == "" {
		return lease.Lease{}, errInvalid("empty owner")
	}
	e := newExpr().isLease(s.stream).counterIs(l.Counter).ownerIs(l.Owner).
		put(attrLeaseCounter, num(l.Counter+1)).
		del(attrLeaseOwner, attrCheckpointOwner)
	return s.conditional(ctx, "Release", l, e)
}

// UpdateCheckpoint implements lease.Store, as the KCL checkpoints: on the
// condition that leaseOwner and leaseCounter are l's, it sets checkpoint
// and checkpointSubSequenceNumber, sets or removes the pending checkpoint
// (a commit also sets ownerSwitchesSinceCheckpoint to 0), writes
// childShardIds if l names children, and moves leaseCounter on.
func (s *Store) UpdateCheckpoint(ctx context.Context, l lease.Lease, cp lease.Checkpoint, pending *lease.Checkpoint) (lease.Lease, error) {
	if err := s.begin(ctx, l.Key); err != nil {
		return lease.Lease{}, err
	}
	if l.Owner == "" {
		return lease.Lease{}, errInvalid("empty owner")
	}
	if err := validate(cp, false); err != nil {
		return lease.Lease{}, err
	}
	e := newExpr().isLease(s.stream).counterIs(l.Counter).ownerIs(l.Owner).
		put(attrLeaseCounter, num(l.Counter+1)).
		put(attrCheckpoint, str(cp.SequenceNumber)).
		put(attrCheckpointSubSeq, num(cp.SubSequenceNumber))
	if pending == nil {
		e.put(attrOwnerSwitches, num(0)).del(attrPendingCheckpoint, attrPendingSubSeq, attrPendingState)
	} else {
		if err := validate(*pending, false); err != nil {
			return lease.Lease{}, err
		}
		e.put(attrPendingCheckpoint, str(pending.SequenceNumber)).
			put(attrPendingSubSeq, num(pending.SubSequenceNumber)).
			del(attrPendingState) // this store writes no application state
	}
	if children := stringSet(l.ChildShardIDs); children != nil {
		e.put(attrChildShardIDs, children)
	}
	return s.conditional(ctx, "UpdateCheckpoint", l, e)
}

// Delete implements lease.Store with a DeleteItem, on the condition that
// the item is a lease: an item of another entity type is left alone, as if
// there were no lease.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.begin(ctx, key); err != nil {
		return err
	}
	e := newExpr().isLease(s.stream)
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 &s.table,
		Key:                       s.itemKey(key),
		ConditionExpression:       e.condition(),
		ExpressionAttributeNames:  e.attrNames(),
		ExpressionAttributeValues: e.attrValues(),
	})
	if conditionFailed(err) {
		return nil
	}
	return s.wrap("Delete", key, err)
}

// conditional runs the conditional update e of lease l and explains a
// failed condition.
func (s *Store) conditional(ctx context.Context, op string, l lease.Lease, e *expr) (lease.Lease, error) {
	got, err := s.update(ctx, l.Key, e)
	if errors.Is(err, errCondition) {
		_, err = s.explain(ctx, l)
		if err == nil { // the condition held when read again: a lost race
			err = fmt.Errorf("%w: lease %q changed during %s", lease.ErrConflict, l.Key, op)
		}
		return lease.Lease{}, err
	}
	return got, s.wrap(op, l.Key, err)
}

// errCondition reports a failed condition from update.
var errCondition = errors.New("ddblease: condition failed")

// update runs one UpdateItem and returns the lease as now stored.
func (s *Store) update(ctx context.Context, key string, e *expr) (lease.Lease, error) {
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       s.itemKey(key),
		ConditionExpression:       e.condition(),
		UpdateExpression:          e.update(),
		ExpressionAttributeNames:  e.attrNames(),
		ExpressionAttributeValues: e.attrValues(),
		ReturnValues:              types.ReturnValueAllNew,
	})
	if conditionFailed(err) {
		return lease.Lease{}, errCondition
	}
	if err != nil {
		return lease.Lease{}, err
	}
	return s.decode(out.Attributes)
}

// explain reads the lease after a failed condition on l's counter and
// owner: it returns ErrNotFound if there is none, a conflict error if its
// counter or owner differ from l's, and otherwise the stored lease.
func (s *Store) explain(ctx context.Context, l lease.Lease) (lease.Lease, error) {
	stored, err := s.Get(ctx, l.Key)
	if err != nil {
		return lease.Lease{}, err
	}
	if stored.Counter != l.Counter || stored.Owner != l.Owner {
		return stored, fmt.Errorf("%w: lease %q is at counter %d owned by %q, not %d owned by %q",
			lease.ErrConflict, l.Key, stored.Counter, stored.Owner, l.Counter, l.Owner)
	}
	return stored, nil
}

// wrap adds the operation and key to a DynamoDB error. A missing table
// makes the next call look the table up again.
func (s *Store) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var rnf *types.ResourceNotFoundException
	if errors.As(err, &rnf) {
		s.ready.Store(false)
	}
	if key == "" {
		return fmt.Errorf("ddblease: %s of table %s: %w", op, s.table, err)
	}
	return fmt.Errorf("ddblease: %s of lease %q in table %s: %w", op, key, s.table, err)
}

func conditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

func notFound(key string) error {
	return fmt.Errorf("%w: %q", lease.ErrNotFound, key)
}

// validate checks a checkpoint before it is written, so that the store
// never writes an item it could not read back. An empty sequence number
// is allowed (and not written) only when creating a lease.
func validate(cp lease.Checkpoint, emptyOK bool) error {
	if cp.SequenceNumber == "" && emptyOK {
		return nil
	}
	if !validCheckpoint(cp.SequenceNumber) {
		return errInvalid("checkpoint %q is neither a sequence number nor a sentinel", cp.SequenceNumber)
	}
	return nil
}

func boolPtr(b bool) *bool { return &b }
