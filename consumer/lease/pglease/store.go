package pglease

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/consumer/lease"
)

// Store is a lease.Store in a PostgreSQL table. It is safe for concurrent
// use by many goroutines and by workers in many processes sharing the
// table. Create one with New.
type Store struct {
	db    pgxQuerier
	table string // as given to New, for error messages

	create, get, list, take, renew, release, checkpoint, del string
}

var _ lease.Store = (*Store)(nil)

// pgxQuerier is what a Store needs of a *pgxpool.Pool.
type pgxQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type pgxBeginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Option configures New.
type Option func(*options)

type options struct {
	createTable bool
}

// WithoutCreateTable makes New use an existing table instead of creating
// it when it is missing, for an application whose database role may not
// create tables. Schema gives the statement to create it with.
func WithoutCreateTable() Option { return func(o *options) { o.createTable = false } }

// New returns a Store that keeps its leases in the table named table
// ("name" or "schema.name", used as written: the name is quoted, so its
// case is kept) of the database pool connects to. It creates the table if
// it does not exist, unless WithoutCreateTable is given, and checks that
// the table has the columns a Store uses. The Store does not close pool.
func New(ctx context.Context, pool *pgxpool.Pool, table string, opts ...Option) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pglease: nil pool")
	}
	o := options{createTable: true}
	for _, opt := range opts {
		opt(&o)
	}
	ident, err := parseTable(table)
	if err != nil {
		return nil, err
	}
	if o.createTable {
		if err := createTable(ctx, pool, ident); err != nil {
			return nil, fmt.Errorf("pglease: creating table %s: %w", table, err)
		}
	}
	if err := checkTable(ctx, pool, ident); err != nil {
		return nil, fmt.Errorf("pglease: table %s cannot hold leases: %w", table, err)
	}
	return newStore(pool, table, ident), nil
}

func newStore(db pgxQuerier, table string, ident pgx.Identifier) *Store {
	t := ident.Sanitize()
	return &Store{
		db:    db,
		table: table,
		create: `INSERT INTO ` + t + ` (lease_key, lease_owner, lease_counter,
			checkpoint, checkpoint_sub_sequence_number,
			pending_checkpoint, pending_checkpoint_sub_sequence_number,
			owner_switches_since_checkpoint, parent_shard_ids, child_shard_ids,
			starting_hash_key, ending_hash_key)
			VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (lease_key) DO NOTHING`,
		get:  `SELECT ` + columns + ` FROM ` + t + ` WHERE lease_key = $1`,
		list: `SELECT ` + columns + ` FROM ` + t + ` ORDER BY lease_key`,
		take: `UPDATE ` + t + ` SET lease_counter = lease_counter + 1,
			owner_switches_since_checkpoint = owner_switches_since_checkpoint +
				CASE WHEN COALESCE(lease_owner, '') IN ('', $3) THEN 0 ELSE 1 END,
			lease_owner = $3
			WHERE lease_key = $1 AND lease_counter = $2 AND ` + wellFormed + `
			RETURNING ` + columns,
		renew: `UPDATE ` + t + ` SET lease_counter = lease_counter + 1
			WHERE lease_key = $1 AND lease_counter = $2 AND lease_owner = $3 AND ` + wellFormed + `
			RETURNING ` + columns,
		release: `UPDATE ` + t + ` SET lease_counter = lease_counter + 1, lease_owner = NULL
			WHERE lease_key = $1 AND lease_counter = $2 AND lease_owner = $3 AND ` + wellFormed + `
			RETURNING ` + columns,
		checkpoint: `UPDATE ` + t + ` SET lease_counter = lease_counter + 1,
			checkpoint = $4, checkpoint_sub_sequence_number = $5,
			pending_checkpoint = $6, pending_checkpoint_sub_sequence_number = $7,
			owner_switches_since_checkpoint = CASE WHEN $6::text IS NULL THEN 0 ELSE owner_switches_since_checkpoint END,
			child_shard_ids = COALESCE($8::text[], child_shard_ids)
			WHERE lease_key = $1 AND lease_counter = $2 AND lease_owner = $3 AND ` + wellFormed + `
			RETURNING ` + columns,
		del: `DELETE FROM ` + t + ` WHERE lease_key = $1`,
	}
}

var (
	errEmptyKey   = errors.New("pglease: empty lease key")
	errEmptyOwner = errors.New("pglease: empty owner")
)

// CreateIfNotExists implements lease.Store.
func (s *Store) CreateIfNotExists(ctx context.Context, l lease.Lease) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if l.Key == "" {
		return false, errEmptyKey
	}
	if err := checkLease(l); err != nil {
		return false, err
	}
	pending, pendingSub := pendingArgs(l.PendingCheckpoint)
	tag, err := s.db.Exec(ctx, s.create, l.Key, l.Owner, l.Counter,
		l.Checkpoint.SequenceNumber, l.Checkpoint.SubSequenceNumber, pending, pendingSub,
		l.OwnerSwitchesSinceCheckpoint, nonNil(l.ParentShardIDs), nonNil(l.ChildShardIDs),
		l.HashKeyRange.StartingHashKey, l.HashKeyRange.EndingHashKey)
	if err != nil {
		return false, s.wrap("creating", l.Key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Get implements lease.Store.
func (s *Store) Get(ctx context.Context, key string) (lease.Lease, error) {
	if err := ctx.Err(); err != nil {
		return lease.Lease{}, err
	}
	if key == "" {
		return lease.Lease{}, errEmptyKey
	}
	l, err := s.scanOne(s.db.QueryRow(ctx, s.get, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return lease.Lease{}, fmt.Errorf("%w: %q in table %s", lease.ErrNotFound, key, s.table)
	}
	if err != nil {
		return lease.Lease{}, s.wrap("reading", key, err)
	}
	return l, nil
}

// List implements lease.Store. A Store returns the leases sorted by key.
// One malformed row makes List fail with a *CorruptLeaseError naming it.
func (s *Store) List(ctx context.Context) ([]lease.Lease, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, s.list)
	if err != nil {
		return nil, s.wrap("listing", "", err)
	}
	defer rows.Close()
	var out []lease.Lease
	for rows.Next() {
		l, err := s.scanOne(rows)
		if err != nil {
			return nil, s.wrap("listing", "", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("listing", "", err)
	}
	return out, nil
}

// Take implements lease.Store.
func (s *Store) Take(ctx context.Context, l lease.Lease, owner string) (lease.Lease, error) {
	if err := ctx.Err(); err != nil {
		return lease.Lease{}, err
	}
	if owner == "" {
		return lease.Lease{}, errEmptyOwner
	}
	return s.update(ctx, "taking", l, false, s.take, l.Key, l.Counter, owner)
}

// Renew implements lease.Store.
func (s *Store) Renew(ctx context.Context, l lease.Lease) (lease.Lease, error) {
	return s.update(ctx, "renewing", l, true, s.renew, l.Key, l.Counter, l.Owner)
}

// Release implements lease.Store.
func (s *Store) Release(ctx context.Context, l lease.Lease) (lease.Lease, error) {
	return s.update(ctx, "releasing", l, true, s.release, l.Key, l.Counter, l.Owner)
}

// UpdateCheckpoint implements lease.Store. The checkpoint and the pending
// checkpoint must be well formed (see the package documentation); the
// store does not otherwise check them.
func (s *Store) UpdateCheckpoint(ctx context.Context, l lease.Lease, cp lease.Checkpoint, pending *lease.Checkpoint) (lease.Lease, error) {
	if err := ctx.Err(); err != nil {
		return lease.Lease{}, err
	}
	if err := checkCheckpoint("checkpoint", cp); err != nil {
		return lease.Lease{}, err
	}
	if pending != nil {
		if err := checkCheckpoint("pending checkpoint", *pending); err != nil {
			return lease.Lease{}, err
		}
	}
	var children []string // NULL: keep the stored children
	if len(l.ChildShardIDs) > 0 {
		children = l.ChildShardIDs
	}
	p, pSub := pendingArgs(pending)
	return s.update(ctx, "checkpointing", l, true, s.checkpoint, l.Key, l.Counter, l.Owner,
		cp.SequenceNumber, cp.SubSequenceNumber, p, pSub, children)
}

// update runs one conditional UPDATE ... RETURNING. If it changes no row,
// it reads the row to tell a missing lease from a conflict (or a corrupt
// row, which the update's condition protects).
func (s *Store) update(ctx context.Context, op string, l lease.Lease, checkOwner bool, sql string, args ...any) (lease.Lease, error) {
	if err := ctx.Err(); err != nil {
		return lease.Lease{}, err
	}
	if l.Key == "" {
		return lease.Lease{}, errEmptyKey
	}
	if checkOwner && l.Owner == "" {
		return lease.Lease{}, errEmptyOwner
	}
	got, err := s.scanOne(s.db.QueryRow(ctx, sql, args...))
	if err == nil {
		return got, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return lease.Lease{}, s.wrap(op, l.Key, err)
	}
	stored, err := s.Get(ctx, l.Key)
	if err != nil {
		return lease.Lease{}, err
	}
	if stored.Counter == l.Counter && (!checkOwner || stored.Owner == l.Owner) {
		// The row matched by the time it was read again: it changed
		// between the two statements and back, which a counter cannot.
		return lease.Lease{}, fmt.Errorf("%w: lease %q in table %s changed while %s", lease.ErrConflict, l.Key, s.table, op)
	}
	return lease.Lease{}, fmt.Errorf("%w: lease %q in table %s is at counter %d owned by %q, not %d owned by %q",
		lease.ErrConflict, l.Key, s.table, stored.Counter, stored.Owner, l.Counter, l.Owner)
}

// Delete implements lease.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if key == "" {
		return errEmptyKey
	}
	if _, err := s.db.Exec(ctx, s.del, key); err != nil {
		return s.wrap("deleting", key, err)
	}
	return nil
}

// wrap adds what the store was doing to an error of the database. A
// *CorruptLeaseError is returned as is: it names the row already.
func (s *Store) wrap(op, key string, err error) error {
	var ce *CorruptLeaseError
	if errors.As(err, &ce) {
		return err
	}
	if key == "" {
		return fmt.Errorf("pglease: %s leases in table %s: %w", op, s.table, err)
	}
	return fmt.Errorf("pglease: %s lease %q in table %s: %w", op, key, s.table, err)
}

func pendingArgs(p *lease.Checkpoint) (*string, *int64) {
	if p == nil {
		return nil, nil
	}
	seq, sub := p.SequenceNumber, p.SubSequenceNumber
	return &seq, &sub
}

// nonNil returns s, or an empty slice for nil: the array columns are NOT
// NULL.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
