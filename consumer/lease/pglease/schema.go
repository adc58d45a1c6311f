package pglease

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// columns are the table's columns in the order every query selects them
// and scan reads them.
const columns = `lease_key, COALESCE(lease_owner, ''), lease_counter,
	checkpoint, checkpoint_sub_sequence_number,
	pending_checkpoint, pending_checkpoint_sub_sequence_number,
	owner_switches_since_checkpoint, parent_shard_ids, child_shard_ids,
	starting_hash_key, ending_hash_key`

// checkpointPattern matches a well-formed stored checkpoint: empty (a
// lease created without one), a decimal sequence number, or a sentinel.
const checkpointPattern = `^([0-9]{1,128}|TRIM_HORIZON|LATEST|AT_TIMESTAMP|SHARD_END)?$`

// wellFormed is the condition of every conditional update that the stored
// row is a valid lease, so that a row corrupted by hand is never
// overwritten.
// It says in SQL what scanOne checks in Go.
const wellFormed = `checkpoint ~ '` + checkpointPattern + `'
	AND checkpoint_sub_sequence_number >= 0
	AND (pending_checkpoint IS NULL) = (pending_checkpoint_sub_sequence_number IS NULL)
	AND (pending_checkpoint IS NULL OR (pending_checkpoint ~ '` + checkpointPattern + `'
		AND pending_checkpoint_sub_sequence_number >= 0))
	AND owner_switches_since_checkpoint >= 0
	AND array_position(parent_shard_ids, NULL) IS NULL
	AND array_position(child_shard_ids, NULL) IS NULL`

// Schema returns the CREATE TABLE statement of a lease table named table
// (a table name, optionally qualified by a schema, as New accepts it), for
// a database administrator who creates the table beforehand (see
// WithoutCreateTable). New runs the same statement, with IF NOT EXISTS.
func Schema(table string) (string, error) {
	ident, err := parseTable(table)
	if err != nil {
		return "", err
	}
	return schema(ident, ""), nil
}

func schema(ident pgx.Identifier, ifNotExists string) string {
	return `CREATE TABLE ` + ifNotExists + ident.Sanitize() + ` (
	lease_key text PRIMARY KEY,
	lease_owner text,
	lease_counter bigint NOT NULL DEFAULT 0,
	checkpoint text NOT NULL,
	checkpoint_sub_sequence_number bigint NOT NULL DEFAULT 0,
	pending_checkpoint text,
	pending_checkpoint_sub_sequence_number bigint,
	owner_switches_since_checkpoint bigint NOT NULL DEFAULT 0,
	parent_shard_ids text[] NOT NULL DEFAULT '{}',
	child_shard_ids text[] NOT NULL DEFAULT '{}',
	starting_hash_key text NOT NULL DEFAULT '',
	ending_hash_key text NOT NULL DEFAULT ''
)`
}

// ErrInvalidTableName reports a table name New cannot use: empty, or
// with more than two dot-separated parts.
var ErrInvalidTableName = errors.New("pglease: invalid table name")

// parseTable splits "table" or "schema.table" into an identifier. The
// parts are used as written (quoted), so their case is kept.
func parseTable(table string) (pgx.Identifier, error) {
	parts := strings.Split(table, ".")
	if len(parts) > 2 {
		return nil, fmt.Errorf("%w: %q has more than a schema and a table", ErrInvalidTableName, table)
	}
	for _, p := range parts {
		if p == "" || strings.ContainsRune(p, 0) {
			return nil, fmt.Errorf("%w: %q", ErrInvalidTableName, table)
		}
	}
	return pgx.Identifier(parts), nil
}

// createTable creates the table if it does not exist. Concurrent CREATE
// TABLE IF NOT EXISTS statements for one table can fail in PostgreSQL
// (both see no table, one loses on the catalog's unique index), so workers
// starting together serialize on an advisory lock named after the table.
func createTable(ctx context.Context, db pgxBeginner, ident pgx.Identifier) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit, a no-op
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "pglease:"+ident.Sanitize()); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, schema(ident, "IF NOT EXISTS ")); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// checkTable fails if the table does not exist or lacks a column.
func checkTable(ctx context.Context, db pgxQuerier, ident pgx.Identifier) error {
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM `+ident.Sanitize()+` LIMIT 0`)
	if err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}
