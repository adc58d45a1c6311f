// Package lease defines the lease table through which consumer workers
// share the shards of a stream, in the manner of the Kinesis Client Library
// (KCL): one [Lease] per shard, and a [Store] that holds them.
//
// The package is the contract between a worker and a storage backend. It
// contains the data types, the [Store] interface, and [MemoryStore], an
// implementation for workers that live in one process. Further stores (a
// DynamoDB table as the KCL uses, a SQL database) implement [Store] and
// prove it by passing the conformance suite in package leasetest. The
// worker, which decides what to take, renew, steal and checkpoint, lives
// elsewhere.
//
// # Optimistic concurrency
//
// Every lease carries a Counter, a version number. Every successful
// mutation (take, renew, release, checkpoint) is a compare-and-swap: it
// succeeds only if the stored Counter still equals the Counter of the lease
// the caller passes in, and it increments the Counter. A caller that loses a
// race gets [ErrConflict] and should re-read the lease. A worker therefore
// always keeps the Lease returned by its last successful call and passes
// that to the next one; it must not run two mutations of one lease
// concurrently, or one of them will fail with ErrConflict.
//
// # Time is kept by the workers, not the table
//
// The table stores no timestamps, so workers need no synchronized clocks.
// As in the KCL, each worker remembers locally, per lease, when it last saw
// the Counter change. A lease whose Counter has not changed for the failover
// time is expired and may be taken; its owner keeps it alive by renewing,
// which bumps the Counter, well within that time (the KCL renews every third
// of it). A worker that fails to renew in time must assume it has lost the
// lease and stop processing the shard.
//
// # What a store does not do
//
// A store enforces ownership and versions, nothing else. In particular it
// does not check that checkpoints move forward: keeping checkpoints
// monotonic (never backwards, never past what was delivered) is the worker's
// job, helped by [Checkpoint.Compare]. A store also knows nothing about
// shards: it does not validate keys, sequence numbers, parents or hash key
// ranges, and it never creates or deletes leases by itself.
package lease
