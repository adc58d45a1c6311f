// Package pgsink is a connect.Emitter that loads batches into a PostgreSQL
// table with COPY, exactly once, the way the Kinesis Connector Library's
// Redshift manifest pipeline loaded Redshift.
//
// # How a batch is loaded
//
// Each Emit runs one transaction that
//
//  1. locks the shard's row in the positions table (the highest sequence
//     number loaded from the shard so far, the high-water mark),
//  2. drops the entries at or below the mark (they were loaded by an
//     earlier emit: a retry, or a replay after a restart from an older
//     checkpoint), except those recorded as rejected,
//  3. loads the rest with COPY FROM STDIN (binary, through pgx's
//     CopyFrom),
//  4. records the batch in the manifest table and moves the mark to the
//     batch's last entry,
//
// and commits. The rows and the mark commit together or not at all, so a
// batch is loaded exactly once whatever happens: an emit that fails (a
// lost connection, a crash of the loading process, a PostgreSQL restart)
// leaves nothing behind and is retried; an emit whose commit succeeded but
// whose answer was lost is retried and skips everything; a replay that
// starts at the same record but ends elsewhere (the buffer limits
// differ) loads only what lies past the mark. Two emits for one shard
// (two processes briefly holding its lease) wait for each other on the
// row lock.
//
// # Rejected rows
//
// A row that PostgreSQL refuses (a data error, class 22, or a constraint
// violation, class 23, such as a duplicate key or a NOT NULL column left
// empty) or that pgx cannot encode for its column is identified by its
// line in the COPY, taken out, and the COPY is repeated without it (under
// a savepoint, in the same transaction); the entry is reported as a
// permanent connect.Failure with a *RejectedError, like a row of
// Redshift's stl_load_errors. An item whose length differs from the
// number of columns is rejected without trying. More than MaxRejectedRows
// rejected rows in one batch make the whole emit fail with
// ErrTooManyRejectedRows (Redshift's MAXERROR).
//
// A rejected entry is recorded in the rejects table: the mark moves past
// it, but a later emit of the same entry (the pipeline retrying it, or a
// replay after the user fixed the transformer or the table) loads it
// after all, and removes it from the table.
//
// # Tables
//
// New creates the manifest tables if they do not exist (Config.Manifest,
// "freshet_manifest" by default, with "_positions" and "_rejects" appended
// for the other two). The target table is the user's: the transformer
// builds each row ([]any, one value per Config.Columns, in pgx's types).
//
// # Redshift
//
// Redshift speaks the PostgreSQL wire protocol, and this is the shape of a
// Redshift load (a bulk load plus a manifest row in one transaction), but
// this package is tested against PostgreSQL 15 only. On Redshift the bulk
// step is COPY from S3 (objects such as those of the s3sink emitter): that
// needs S3 and a Redshift cluster, which cannot run here, and is not
// implemented. Redshift accepts neither COPY FROM STDIN nor ON CONFLICT nor
// SELECT ... FOR UPDATE, which this package uses.
package pgsink
