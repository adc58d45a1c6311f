// Package searchsink is a connect.Emitter that indexes documents into
// OpenSearch or Elasticsearch with _bulk requests, through the official
// OpenSearch Go client.
//
// # Ids, indices, retries
//
// Each entry becomes one index (or create) action. Its document id is the
// record's position, "<shard>-<sequence number>-<subsequence number>",
// unless the transformer set Document.ID: a retried or replayed batch
// overwrites the same documents instead of adding copies. Its index is
// Config.Index with a suffix from the record's arrival time (UTC) when
// Config.Rotation asks for one, as Firehose names them: "-2006-01-02-15"
// for hourly, "-2006-01-02" daily, "-2006-w01" weekly (ISO week), and
// "-2006-01" monthly indices.
//
// The bulk answer is read item by item. Items answered 429 (the cluster
// rejected the write for load) or 5xx are sent again, after a jittered
// exponential backoff, up to Config.MaxAttempts requests; those still
// failing are reported as retryable failures. Items answered with any
// other 4xx (a mapping error, an invalid index name, a document the
// cluster refuses) are reported at once as permanent failures, which the
// pipeline's dead-letter policy stores with the reason (*ItemError). With
// Config.Action "create", a 409 version conflict means that a document
// with this id exists already: with ids from the record's position, a
// retry of a write that had succeeded. It counts as stored (the existing
// document is not replaced). With "index", documents are replaced and a
// 409 (only possible with external versioning) is a permanent failure.
//
// Two entries of a batch with the same id (Document.ID) stay in order:
// when one is sent again, the later ones with that id are sent again after
// it, so the last one wins, as in the stream.
//
// A request that fails as a whole (the cluster cannot be reached, or
// answers with an error status) ends the emit with that error; the
// pipeline retries the whole batch, which overwrites.
//
// # Testing
//
// No OpenSearch server can run where freshet is tested: the tests run the
// official client against searchtest, a small server of the documented
// _bulk and _search semantics (see DEVIATIONS.md).
package searchsink
