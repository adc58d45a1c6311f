// Package kinesiswm makes Amazon Kinesis Data Streams, and freshet's
// in-process engine, a Watermill Pub/Sub (github.com/ThreeDotsLabs/watermill):
// a Publisher and a Subscriber whose topics are stream names.
//
// The Publisher writes messages with PutRecords, up to 500 per call,
// retrying the records that fail. Each record carries the message's UUID,
// metadata and payload in a small versioned binary envelope (see
// MarshalEnvelope); in raw mode it carries the payload alone, for
// consumers that are not Watermill subscribers. The partition key comes
// from the message's "kinesis_partition_key" metadata, else its UUID.
//
// The Subscriber reads with the consumer library (package
// github.com/freshet-io/freshet/consumer): a consumer group is a KCL
// application, whose members share the shards of a stream through a lease
// table and take over each other's shards; resharding is followed with
// parents before children. Per shard, messages are delivered in order,
// with up to Window of them in flight, and acknowledged Storm-style: the
// checkpoint moves to the highest record below which every message was
// acknowledged, so a slow message is never skipped, and closing a
// subscription checkpoints exactly what was acknowledged. A nacked message
// is delivered again after a pause, up to MaxDeliveries times, then handed
// to a PoisonHandler (a dead-letter stream, or a function). MaxUnacked
// applies back-pressure over all shards. Records that are not envelopes
// are delivered raw or poisoned, never crash the subscriber.
//
// Both work over a *freshet.Engine (in process, no HTTP) and over an AWS
// SDK client adapted by github.com/freshet-io/freshet/kinesissdk (freshet
// serve, or real Kinesis).
package kinesiswm
