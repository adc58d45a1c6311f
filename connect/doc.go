// Package connect moves the records of a Kinesis stream into stores, the
// way the Kinesis Connector Library and Firehose do, without ever
// checkpointing past data that is not durably stored (unless the user
// explicitly chooses to drop it).
//
// A pipeline reads a stream with the consumer library (so a connector
// scales out across processes exactly as consumers do: leases, lineage,
// checkpoints) and, per shard, turns each record into an item with a
// Transformer, keeps or skips it with a Filter, gathers items in a buffer
// flushed by count, bytes or age (whichever comes first), and hands each
// flush to an Emitter, which reports the items it could not store. Failed
// items are retried with backoff up to a maximum duration; then the
// failure policy decides: block (the default), dead-letter, or drop. The
// shard's checkpoint moves only after an emit is durable.
//
// New builds a pipeline over a consumer.Source (a *freshet.Engine, or a
// kinesissdk.Client for freshet serve and real Kinesis) and Run runs it
// until its context is cancelled, then flushes, checkpoints and stops.
//
// A flush is a two-phase checkpoint: prepare at the flush's last record,
// emit, commit. A process that dies in between leaves the prepared
// checkpoint in the lease table, and the shard's next owner flushes at
// exactly that record again: the same batch, with the same first and last
// sequence numbers, so emitters that name their writes after the batch
// (an S3 key, a manifest row) overwrite or skip instead of duplicating.
//
// Under the default Block policy a failed item stops its shard only: the
// shard holds its lease and reads no further, the other shards go on, and
// Run reports the blocked shards when the pipeline stops.
//
// The emitters live in packages of their own (s3sink, dynamosink, pgsink,
// searchsink, streamsink), and this module is separate from the engine's,
// so the sink SDKs never enter the module graph of a program that imports
// only github.com/freshet-io/freshet.
package connect
