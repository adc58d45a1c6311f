// Package consumer consumes Kinesis data streams the way the Kinesis Client
// Library (KCL) does: several workers share the shards of a stream through
// leases, process each shard in order with a RecordProcessor, checkpoint
// their progress, follow resharding (a child shard starts only once its
// parents have been read to their end) and take over the shards of workers
// that stop.
//
// # One consumer, two backends
//
// A Worker reads through a Source, three methods of the Kinesis API in
// freshet's types: a *freshet.Engine satisfies it, so a worker reads an
// in-process engine by calling its methods directly (no HTTP), and the
// module github.com/freshet-io/freshet/kinesissdk adapts an AWS SDK for Go
// v2 client (kinesissdk.NewSource), against freshet serve or real Kinesis.
// The same consumer code therefore runs against freshet in a test or a
// single process, and against real Kinesis when it outgrows one machine:
// only the Source and the lease.Store change. This package imports no AWS
// SDK package. Enhanced fan-out goes through the small Subscriber
// interface (EngineSubscriber, or the kinesissdk adapter).
//
// # Starting
//
// Consume runs a function per record until its context is cancelled:
//
//	err := consumer.Consume(ctx, e, "orders",
//		func(ctx context.Context, r consumer.Record) error { ...; return nil })
//
// New with HandlerFunc does the same but returns the Worker, to stop it
// with Shutdown; New with a ProcessorFactory gives full control of each
// shard's lifecycle (Initialize, ProcessRecords, ShardEnded, LeaseLost,
// ShutdownRequested) and of checkpointing.
//
// # Guarantees
//
// Every record is delivered at least once: after a worker dies, its shards
// are read again from their last checkpoint. Records of one shard are
// delivered in order, to one processor at a time per worker; during a
// lease steal two workers may briefly process the same shard. A child shard
// is started only after each parent was read to its end (its lease
// checkpointed at SHARD_END) or has expired, and a shard read to its end is
// not started again.
// Checkpoints never move backwards nor past the last delivered record, and
// after a graceful shutdown nothing up to the final checkpoints is
// delivered again.
//
// Consume and HandlerFunc checkpoint a shard after a batch once the
// checkpoint interval has passed since its last checkpoint
// (WithCheckpointInterval, DefaultCheckpointInterval = 5 s), and always at
// its end and at a graceful shutdown. The interval keeps the lease store's
// writes off the path of every batch, so a durable store costs little
// throughput; the price is redelivery after a crash: the next owner of the
// shard reads again up to the interval's worth of records (and the batch
// in progress). WithCheckpointInterval(0) checkpoints after every batch.
//
// # Leases
//
// The lease table (package lease) holds one lease per shard, keyed by
// shard id, so one table serves one application reading one stream.
//
// The default lease table is a lease.MemoryStore, and it works within one
// process only. Workers in two processes that each use a MemoryStore (the
// default) do not see each other's leases: each takes every shard, and
// every record is processed once per process. To run an application's
// workers in several processes or on several machines, give all of them
// one durable store with WithLeaseStore: PostgreSQL with module
// github.com/freshet-io/freshet/consumer/lease/pglease, or any lease.Store
// that passes lease/leasetest. A worker logs the type of its store when it
// starts, and warns if it is a MemoryStore; if, in addition, its Source is
// not an in-process *freshet.Engine (an AWS SDK client of freshet serve or
// of Kinesis, which other processes can read too), it warns even without
// a logger (through slog.Default) that other processes will process the
// same records.
//
// Lease
// timing follows the KCL: a lease not renewed for the failover time
// (WithFailoverTime, 10 s), as observed on the clock of the worker that
// watches it, is expired and taken by another worker; leases are renewed
// every third of it, on a goroutine of their own, never inside record
// processing; a worker takes expired leases up to its share, and only when
// there are none steals at most WithMaxLeasesToStealAtOneTime (1) per
// cycle from the most loaded worker; a worker shutting down gracefully
// releases its leases. A shard read to its end is checkpointed at
// SHARD_END together with its child shards. Package ddblease (module
// github.com/freshet-io/freshet/consumer/lease/ddblease) keeps the leases
// in a DynamoDB table shared with Java KCL 2.x workers. New shards are found with ListShards (never
// DescribeStream), at start, every WithShardSyncInterval, and at once from
// the ChildShards of a shard read to its end.
//
// The table does not grow with every reshard: as the KCL's lease cleanup
// does, every WithLeaseCleanupInterval (1 minute) a worker deletes the
// lease of a shard checkpointed at SHARD_END once every child shard's
// lease has a checkpoint past its initial position (TRIM_HORIZON, LATEST
// or AT_TIMESTAMP), and the lease of a shard ListShards no longer returns
// (expired). The table therefore holds the leases of the open shards, and
// of the finished ones with a child that has not started yet. A deleted
// lease is not needed to order parents before children: a child that has
// started proves its parents finished. A missing parent lease alone does
// not: while the table is being filled, a child waits for its parent's
// lease to be created and read to its end.
//
// # Reading
//
// By default a Worker polls GetRecords (WithMaxRecords, and
// WithIdleTimeBetweenReads after an empty read) and reads ahead at most
// WithMaxPrefetchBatches batches per shard, so a slow processor holds
// memory bounded. Throttling and transient errors are retried with
// exponential backoff; an expired iterator is replaced by one AFTER the
// last record received. WithEnhancedFanOut reads with SubscribeToShard
// instead and resubscribes from the continuation sequence number. KPL
// aggregated records are de-aggregated into user records with sub-sequence
// numbers, and user records outside the shard's hash key range are
// dropped, as the KCL does (WithHashRangeFilter).
//
// # Cost
//
// Over an in-process engine, a record costs the consumer little more than the
// engine's GetRecords: records are handed over in batches, their data is
// not copied, and their sequence numbers are formatted in decimal only when
// asked for (SequenceNumber.String), which for most records is never; a
// checkpoint formats one. BenchmarkConsumer and
// BenchmarkRawGetRecords compare the two.
//
// # Observability and time
//
// Metrics and a log/slog logger are options, no-ops by default. Metrics
// reports records processed, per-shard MillisBehindLatest, the leases held
// after each cycle, and each lease taken, stolen and lost. All waits
// (lease cycles, idle reads, retry pauses) read the Clock option, so a test
// can drive a worker with a freshet.ManualClock.
package consumer
