// Package freshet is Amazon Kinesis Data Streams in your process: streams,
// shards, sequence numbers, iterators, resharding, retention, throughput
// limits, tags and enhanced fan-out consumers, with the semantics, error
// codes and messages of the real service, at the speed of a Go map.
//
// # Two ways in
//
// The Engine's methods mirror the Kinesis API one to one: CreateStream,
// PutRecord, GetShardIterator, GetRecords, SplitShard and the other
// operations take an *XxxInput and return an *XxxOutput and an error, with
// the field names of the AWS SDK. Code written against them maps directly
// onto real Kinesis, and the wire server (package kinesisapi) is a thin
// codec over them.
//
// For an in-process event bus, Stream handles add Go-native calls:
// Stream.Put and Stream.Append (which allocates nothing) write,
// Stream.Iterator and Stream.Records read a shard with blocking waits (no
// polling), Stream.Follow and Stream.Follower read the whole stream through
// resharding (parents before children, with checkpoints), and
// SubscribeToShard returns a Subscription whose Next blocks for events.
//
// # What is emulated
//
// Partition keys are hashed with MD5 onto the 128-bit hash-key space and
// routed to the one open shard whose range holds them; new streams split
// the space exactly as Kinesis does. Sequence numbers use the 56-digit
// layout of current production Kinesis and encode their shard and stream,
// so a sequence number of another shard or stream is rejected with
// Kinesis' message. Shard iterators and pagination tokens are opaque,
// HMAC-protected tokens that expire after 5 minutes (300 s for tokens) of
// the engine's clock. Resharding closes parents (readable until their
// retention passes, ending with ChildShards) and opens children with the
// lineage fields set. Stream and consumer states (CREATING, UPDATING,
// DELETING) settle after configurable delays, instant by default.
// DEVIATIONS.md lists where freshet knowingly differs from AWS.
//
// # Time
//
// Everything time-dependent (retention, iterator and token expiry, state
// transitions, rate limits, subscription lifetimes and heartbeats, the
// retention sweep) reads the engine's Clock. Tests inject a ManualClock
// with WithClock and move it with Advance instead of sleeping.
//
// # Limits
//
// By default no throughput limit applies (NoLimits). WithLimits(AWSLimits)
// turns on the per-shard limits of Kinesis (1 MiB/s and 1,000 records/s
// written, 5 reads/s and 2 MiB/s read), decided by token buckets on the
// engine's clock. Like Kinesis, an over-limit call is rejected at once with
// ProvisionedThroughputExceededException; nothing waits.
//
// # Memory
//
// A shard stores records in chunks: a byte slab holding partition keys and
// data, and a table of 24-byte entries. There is no pointer per record, so
// garbage collection does not scan records one by one, and a stored record
// costs its partition key and data plus about 24 bytes. Records handed to
// readers share that storage: their Data must not be modified.
//
// WithMaxMemory bounds the chunks an engine holds. Without a data
// directory, a write beyond the budget fails with a
// ProvisionedThroughputExceededException whose message begins "Memory
// budget exhausted" (the SDKs retry it), until retention trims records or
// streams are deleted.
//
// # Durability
//
// With WithDataDir (use Open to get its errors), an engine keeps each
// shard's records in an append-only log of segment files, with a CRC-32C
// per frame of records, and its streams' metadata beside them, replaced
// atomically after every change. Writes are acknowledged, and visible to
// readers, only once their record is in the log: WithSync chooses whether
// that also means fsynced. SyncBatch (the default) and SyncAlways fsync before
// acknowledging, so nothing acknowledged is lost even by a machine crash;
// SyncInterval(d) may lose d of acknowledged writes to a machine crash,
// SyncNone what the operating system had not written back. No policy loses
// acknowledged writes to a crash of the process. Restarting replays every
// log to its last complete record, cuts a torn tail, continues each
// shard's sequence numbers after the last one issued (they never run
// backwards), and keeps shard iterators valid. The newest records stay in
// memory within the WithMaxMemory budget (256 MiB by default); older ones
// are read back from disk with exactly the same GetRecords results.
// Retention deletes whole segments. With SyncBatch a committer goroutine
// per engine groups the records of all waiting writers into one write and
// one fsync per log; Close stops it after committing what is pending.
//
// # Concurrency
//
// An Engine is safe for concurrent use. Writers and readers of a shard
// take only that shard's mutex, briefly; control-plane calls take the
// stream's mutex; creating and deleting streams takes the engine's. The
// lock order is engine, then stream, then shard; under a shard's mutex
// two leaf locks may be taken: the stream's counters lock (by a shard
// dropped by retention, to keep its counts in the stream's totals) and the
// stream's list of parked Followers (waiter.go). With a data directory, a
// shard log's flush lock comes before the shard's mutex, and the
// committer's queue lock after it. The interceptor list, the account
// settings and a subscription have locks of their own that are taken
// alone. No goroutine runs per record, reader or stream: the background
// goroutines are the retention sweep, with a data directory the committer,
// and, without one, a short-lived goroutine per growing shard that touches
// the pages of its next chunk ahead of the writers (prefault.go; it ends
// when the chunk is touched or installed, or the shard or engine closes).
// Close stops them all.
//
// # Snapshots
//
// Engine.WriteSnapshot writes an engine's whole state (streams, shards and
// their lineage, retained records with their sequence numbers, consumers,
// tags, policies, settings, and the key of shard iterators and tokens) in
// a checksummed, versioned binary format, without stopping the engine, and
// Restore builds a new engine from it, where sequence numbers continue
// exactly and iterators issued before the snapshot still work. A snapshot
// taken under writes holds a prefix of each shard's records and a
// consistent set of shards per stream, with no atomicity across shards.
// cmd/freshet's --data-file keeps a server's data across restarts this way.
//
// # Fault injection
//
// Engine.Intercept and Engine.InjectFault let a test fail, throttle or
// delay chosen calls (an operation, a stream, a shard, the next N times);
// ExpireIterators and ApplyRetention act at once.
package freshet
