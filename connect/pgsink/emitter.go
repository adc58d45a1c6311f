package pgsink

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/connect"
)

// Row is an item of this emitter: one value per configured column, of a Go
// type pgx can encode for the column's type (int64 for bigint, string for
// text, time.Time for timestamptz, []byte or a map for jsonb, and so on).
type Row = []any

// Config says where the rows go.
type Config struct {
	// Table is the target table, optionally schema-qualified
	// ("schema.table"). It must exist. Required.
	Table string
	// Columns are the target columns, in the order of each Row's values.
	// Required.
	Columns []string
	// Manifest is the name of the manifest table (optionally
	// schema-qualified); the positions and rejects tables are named after
	// it with "_positions" and "_rejects" appended. Default
	// "freshet_manifest".
	Manifest string
	// MaxRejectedRows is how many rows of one batch PostgreSQL may reject
	// before the emit fails as a whole with ErrTooManyRejectedRows. Each
	// rejected row costs one more COPY of the batch. Default 100; a
	// negative value allows none.
	MaxRejectedRows int
}

// ErrTooManyRejectedRows is returned (wrapped) by Emit when more than
// Config.MaxRejectedRows rows of a batch were rejected; nothing of the
// batch is stored.
var ErrTooManyRejectedRows = errors.New("pgsink: too many rejected rows")

// ErrInvalidSequenceNumber is the reason of a permanent failure for an
// entry whose sequence number is not a decimal number: its place in the
// shard cannot be recorded, so it is not loaded.
var ErrInvalidSequenceNumber = errors.New("pgsink: invalid sequence number")

// RejectedError is the reason of a permanent failure for a row that
// PostgreSQL refused or pgx could not encode. Err is the cause (a
// *pgconn.PgError for a row PostgreSQL refused).
type RejectedError struct {
	Err error
}

func (e *RejectedError) Error() string { return "pgsink: row rejected: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *RejectedError) Unwrap() error { return e.Err }

// Emitter loads batches of rows into a PostgreSQL table exactly once (see
// the package documentation). It is safe for concurrent use.
type Emitter struct {
	pool        *pgxpool.Pool
	table       pgx.Identifier
	columns     []string
	m           manifest
	maxRejected int
}

var _ connect.Emitter[Row] = (*Emitter)(nil)

// New returns an emitter that loads into cfg.Table through pool. It
// creates the manifest tables if they do not exist and checks that the
// table has the configured columns.
func New(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*Emitter, error) {
	if cfg.Table == "" || len(cfg.Columns) == 0 {
		return nil, errors.New("pgsink: Config.Table and Config.Columns are required")
	}
	if cfg.Manifest == "" {
		cfg.Manifest = "freshet_manifest"
	}
	switch {
	case cfg.MaxRejectedRows == 0:
		cfg.MaxRejectedRows = 100
	case cfg.MaxRejectedRows < 0:
		cfg.MaxRejectedRows = 0
	}
	e := &Emitter{
		pool:        pool,
		table:       identifier(cfg.Table),
		columns:     append([]string(nil), cfg.Columns...),
		m:           newManifest(cfg.Manifest),
		maxRejected: cfg.MaxRejectedRows,
	}
	for _, stmt := range e.m.ddl() {
		if _, err := pool.Exec(ctx, stmt); err != nil {
			return nil, fmt.Errorf("pgsink: creating the manifest tables: %w", err)
		}
	}
	cols := make([]string, len(e.columns))
	for i, c := range e.columns {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	rows, err := pool.Query(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+e.table.Sanitize()+" LIMIT 0")
	if err != nil {
		return nil, fmt.Errorf("pgsink: checking table %s: %w", cfg.Table, err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgsink: checking table %s: %w", cfg.Table, err)
	}
	return e, nil
}

// candidate is an entry that has a valid position.
type candidate struct {
	i   int
	pos position
}

// Emit loads the entries of b that were not loaded before, in one
// transaction with the manifest (see the package documentation). Rejected
// rows are returned as permanent failures; an error means that nothing
// was stored.
func (e *Emitter) Emit(ctx context.Context, b *connect.Batch[Row]) ([]connect.Failure, error) {
	var failures []connect.Failure
	valid := make([]candidate, 0, len(b.Entries))
	for i := range b.Entries {
		en := &b.Entries[i]
		seq := en.SequenceNumber.String()
		if !validSequenceNumber(seq) {
			failures = append(failures, connect.Failure{Index: i, Permanent: true,
				Err: fmt.Errorf("%w: %q", ErrInvalidSequenceNumber, seq)})
			continue
		}
		valid = append(valid, candidate{i, position{seq, en.SubSequenceNumber}})
	}
	if len(valid) == 0 {
		return failures, nil
	}

	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) // a no-op after Commit

	mark, marked, err := e.m.lock(ctx, tx, b.StreamName, b.ShardID)
	if err != nil {
		return nil, err
	}
	// Entries at or below the mark were loaded before, unless they were
	// rejected.
	var again map[position]bool
	if marked {
		var old []position
		for _, c := range valid {
			if c.pos.compare(mark) <= 0 {
				old = append(old, c.pos)
			}
		}
		if len(old) > 0 {
			if again, err = e.m.rejected(ctx, tx, b.StreamName, b.ShardID, old); err != nil {
				return nil, err
			}
		}
	}
	var (
		load    []candidate
		rejects []rejection
		skipped int
	)
	reject := func(c candidate, reason error) {
		rejects = append(rejects, rejection{c.pos, reason.Error()})
		failures = append(failures, connect.Failure{Index: c.i, Permanent: true, Err: &RejectedError{Err: reason}})
	}
	for _, c := range valid {
		switch {
		case marked && c.pos.compare(mark) <= 0 && !again[c.pos]:
			skipped++
		case len(b.Entries[c.i].Item) != len(e.columns):
			reject(c, fmt.Errorf("the item has %d values for %d columns", len(b.Entries[c.i].Item), len(e.columns)))
		default:
			load = append(load, c)
		}
	}

	for len(load) > 0 {
		k, cause, err := e.copy(ctx, tx, b, load)
		if err != nil {
			return nil, err
		}
		if cause == nil {
			break
		}
		reject(load[k], cause)
		load = append(load[:k:k], load[k+1:]...)
		if len(rejects) > e.maxRejected {
			return nil, fmt.Errorf("%w: %d rows of a batch of %d from shard %s (the last: %v)",
				ErrTooManyRejectedRows, len(rejects), len(b.Entries), b.ShardID, cause)
		}
	}
	if len(load) == 0 && len(rejects) == 0 {
		return sortFailures(failures), nil // all loaded before: nothing to record
	}

	var unrejected []position
	for _, c := range load {
		if again[c.pos] {
			unrejected = append(unrejected, c.pos)
		}
	}
	first, last := valid[0].pos, valid[len(valid)-1].pos
	newMark := mark
	for _, c := range valid {
		if !marked || c.pos.compare(newMark) > 0 {
			newMark, marked = c.pos, true
		}
	}
	if err := e.m.record(ctx, tx, b.StreamName, b.ShardID, first, last, newMark,
		len(load), skipped, rejects, unrejected); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return sortFailures(failures), nil
}

// copy loads the entries of load under a savepoint. When PostgreSQL or pgx
// rejects one row, copy rolls back to the savepoint and returns the row's
// index in load and the cause; err is any other error.
func (e *Emitter) copy(ctx context.Context, tx pgx.Tx, b *connect.Batch[Row], load []candidate) (k int, cause, err error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return 0, nil, err
	}
	src := &rowSource{entries: b.Entries, load: load, next: -1}
	_, copyErr := sp.CopyFrom(ctx, e.table, e.columns, src)
	if copyErr == nil {
		return 0, nil, sp.Commit(ctx)
	}
	k, ok := rejectedRow(ctx, copyErr, src)
	if !ok {
		return 0, nil, copyErr
	}
	if err := sp.Rollback(ctx); err != nil {
		return 0, nil, err
	}
	return k, copyErr, nil
}

// copyLine finds the row number in the context of a COPY error
// ("COPY events, line 3, column n: ...").
var copyLine = regexp.MustCompile(`(?m)^COPY .*?, line (\d+)`)

// copyFailed is how PostgreSQL reports a COPY the client aborted (pgx
// aborts when it cannot encode a value).
const copyFailed = "COPY from stdin failed: "

// rejectedRow tells which row of src a COPY error is about, if it is
// about one row.
func rejectedRow(ctx context.Context, err error, src *rowSource) (int, bool) {
	var pgErr *pgconn.PgError
	if ctx.Err() != nil || !errors.As(err, &pgErr) {
		return 0, false
	}
	switch {
	case pgErr.Code == "57014" && strings.HasPrefix(pgErr.Message, copyFailed):
		// pgx encodes each row right after taking it from the source, and
		// stops at the first it cannot encode: the last one taken.
		if src.next < 0 || src.next >= len(src.load) {
			return 0, false
		}
		return src.next, true
	case strings.HasPrefix(pgErr.Code, "22"), strings.HasPrefix(pgErr.Code, "23"):
		m := copyLine.FindStringSubmatch(pgErr.Where)
		if m == nil {
			return 0, false
		}
		line, err := strconv.Atoi(m[1])
		if err != nil || line < 1 || line > len(src.load) {
			return 0, false
		}
		return line - 1, true
	}
	return 0, false
}

// rowSource hands the rows of the entries to load to pgx's CopyFrom.
type rowSource struct {
	entries []connect.Entry[Row]
	load    []candidate
	next    int // the index in load of the row last taken
}

func (s *rowSource) Next() bool {
	s.next++
	return s.next < len(s.load)
}

func (s *rowSource) Values() ([]any, error) { return s.entries[s.load[s.next].i].Item, nil }

func (s *rowSource) Err() error { return nil }

func sortFailures(f []connect.Failure) []connect.Failure {
	sort.Slice(f, func(i, j int) bool { return f[i].Index < f[j].Index })
	return f
}
