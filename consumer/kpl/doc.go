// Package kpl reads and writes records aggregated by the Kinesis Producer
// Library (KPL).
//
// The KPL packs many small user records into one Kinesis record to save on
// per-record cost. Such a record is
//
//	F3 89 9A C2 | AggregatedRecord protobuf | MD5 of the protobuf (16 bytes)
//
// where the protobuf (proto2) is
//
//	message AggregatedRecord {
//	  repeated string partition_key_table     = 1;
//	  repeated string explicit_hash_key_table = 2;
//	  repeated Record records                 = 3;
//	}
//	message Record {
//	  required uint64 partition_key_index     = 1;
//	  optional uint64 explicit_hash_key_index = 2;
//	  required bytes  data                    = 3;
//	  repeated Tag    tags                    = 4;
//	}
//	message Tag { required string key = 1; optional string value = 2; }
//
// [Deaggregate] splits such a record into [SubRecord] values, numbered by
// their 0-based position in the aggregate: the sub-sequence number that a
// consumer checkpoints together with the Kinesis sequence number.
// [Aggregate] builds the same format, for tests and for producers.
//
// # Pass-through rule
//
// As in the Kinesis Client Library (KCL), a record that is not a well-formed
// aggregate is not an error to the consumer: it is delivered as one ordinary
// record. Deaggregate reports this with [ErrNotAggregated], and the caller
// delivers the original bytes unchanged with sub-sequence number 0. A record
// is passed through when any of these holds:
//
//   - it does not start with the magic bytes, or is shorter than the magic
//     plus the digest (20 bytes);
//   - the trailing 16 bytes are not the MD5 of the bytes between magic and
//     digest;
//   - the protobuf does not parse: truncated or overflowing varints and
//     lengths, field number 0, group or unknown wire types, or a missing
//     required field;
//   - a partition key or explicit hash key index is out of range of its
//     table.
//
// The last rule deviates from the KCL, which throws (and so stalls the shard)
// on an index out of range after the digest has matched. Passing the record
// through loses nothing and leaves the decision to the application.
//
// A well-formed aggregate with no records yields no sub-records and a nil
// error, as in the KCL: the Kinesis record carries no user data.
//
// Unknown fields are skipped, as protobuf requires. Tags are parsed and
// validated but not returned: the KPL never sets them and the KCL does not
// expose them. Strings are not checked for valid UTF-8 (proto2 does not).
//
// # Hash key ranges
//
// The KPL aggregates records it predicts will land on the same shard, using
// its cached shard map. After a reshard the prediction can be stale, and an
// aggregate can hold sub-records whose effective hash key (the explicit hash
// key if set, else the MD5 of the partition key) lies outside the hash key
// range of the shard the aggregate was written to. [Filter]
// drops those sub-records and keeps the rest with their original
// sub-sequence numbers, so a checkpoint still names the same sub-record when
// the aggregate is read again.
//
// Note what this costs and how it differs from the KCL. The dropped
// sub-records exist only in this shard, so no consumer will ever see them.
// The KCL documents that it discards the individual out-of-range records,
// but its code (AggregatorUtil.deaggregate) discards the whole aggregate as
// soon as one sub-record is out of range. Filtering is therefore a separate
// step: a worker that wants every record skips it, and a worker that wants
// the KCL's exact behaviour drops the aggregate when Filter returned fewer
// sub-records than it was given. Records that are not aggregates are never
// filtered, by either library.
//
// # Cost and safety
//
// Deaggregate makes at most four allocations per aggregate, whatever its size:
// the result, the two key tables and one buffer holding every key. SubRecord
// data aliases the input. The decoder is hand-written, checks every varint
// and length against the remaining input, allocates at most O(len(data)), and
// never panics; it is fuzzed by FuzzDeaggregate. All functions are safe for
// concurrent use.
package kpl
