// Package pglease is a lease.Store in PostgreSQL, for consumer workers that
// run in several processes, on one machine or many, without AWS: a
// self-hosted deployment's lease table.
//
//	pool, err := pgxpool.New(ctx, "postgres://app@db/app")
//	...
//	store, err := pglease.New(ctx, pool, "orders_leases")
//	...
//	w := consumer.New(src, "orders", factory, consumer.WithLeaseStore(store))
//
// # The table
//
// A Store keeps its leases in one table, one row per lease, which New
// creates if it does not exist (see Schema for its definition, to create it
// beforehand with WithoutCreateTable when the application's role may not
// create tables). As with the KCL's lease table, one table holds the leases
// of one application reading one stream: give every application its own
// table.
//
// Every field of lease.Lease is a column: the lease key, owner (NULL when
// no worker holds the lease), counter, checkpoint and sub-sequence number,
// the pending checkpoint of a two-phase checkpoint, the owner switches
// since the last checkpoint, the parent and child shard ids (text arrays)
// and the shard's hash key range.
//
// # Conditional writes
//
// Every conditional method of lease.Store is one UPDATE statement that
// compares and sets the lease counter:
//
//	UPDATE leases SET lease_counter = lease_counter + 1, ...
//	WHERE lease_key = $1 AND lease_counter = $2 [AND lease_owner = $3]
//	RETURNING ...
//
// PostgreSQL re-checks the WHERE clause of concurrent updates of one row
// once the first has committed, so of several workers racing to take one
// lease exactly one succeeds, at any isolation level. A statement that
// updates no row is followed by a read of the row, to tell lease.ErrNotFound
// from lease.ErrConflict. A renewal, take or checkpoint is one round trip.
//
// # Rows changed by hand
//
// Operators sometimes edit a lease table, for example to move a checkpoint.
// A Store checks each row it reads: a checkpoint that is neither a decimal
// sequence number nor one of the sentinels TRIM_HORIZON, LATEST,
// AT_TIMESTAMP and SHARD_END, a negative sub-sequence number or count, or a
// NULL among the shard ids makes Get, List and the conditional methods fail
// with a *CorruptLeaseError (errors.Is ErrCorruptLease) that names the
// table, the row's key, the column and the value. A Store never writes a
// row it could not read: conditional updates also require that the stored
// checkpoints are well formed, so a row corrupted after a worker read it is
// not overwritten either. Fix the row, and increment its lease_counter so
// that workers see the change, as with the KCL.
//
// # Connections
//
// A Store takes a connection from the pool for each call and gives it
// back at once. A worker renews each lease it holds every third of the
// failover time and checkpoints each shard at most every checkpoint
// interval (5 s by default with Consume and HandlerFunc; after every batch
// with WithCheckpointInterval(0)), from one goroutine per shard, so a pool of a few connections (pgxpool's default
// is the larger of 4 and the number of CPUs) serves a worker holding
// dozens of leases; give it more if checkpoints queue behind each other.
//
// # Outages
//
// While PostgreSQL cannot be reached, every method returns the driver's
// error. Workers keep retrying with their backoff: a worker that cannot
// renew a lease for the failover time stops processing its shard, and
// checkpoints, which live in the table, are where every worker resumes
// when the database returns.
package pglease
