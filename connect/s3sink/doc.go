// Package s3sink stores the batches of a connect.Pipeline as objects in
// Amazon S3 (or any S3-compatible store), one object per flush, through
// the AWS SDK for Go v2.
//
// Each object holds the batch's items, one per line (newline-delimited,
// as Firehose writes them), optionally gzip-compressed. Its key is
// deterministic:
//
//	PREFIX STREAM-SHARD-FIRSTSEQ-FIRSTSUB-LASTSEQ-LASTSUB.ndjson[.gz]
//
// so an emit retried after a failure, or a batch replayed after a crash
// (the pipeline replays a crashed flush with the same bounds), overwrites
// the same object instead of adding a duplicate. PREFIX follows Firehose's
// custom prefixes: text with !{timestamp:PATTERN} expressions (for example
// "logs/!{timestamp:yyyy/MM/dd/HH}/"), evaluated at the arrival time of
// the batch's oldest record, in UTC unless WithLocation says otherwise; a
// prefix without any expression is followed by "yyyy/MM/dd/HH/", as in
// Firehose. The arrival time, unlike the time of the flush, is the same
// when a batch is replayed, which keeps the key stable.
//
// NewDeadLetter stores a pipeline's failed records under a prefix of their
// own, as JSON lines of connect.Letter.
package s3sink
