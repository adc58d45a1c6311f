// Package dynamosink is a connect.Emitter that writes items into a
// DynamoDB table with BatchWriteItem.
//
// Each batch is written in order, in groups of at most 25 put requests
// (BatchWriteItem's limit). A group never holds two items with the same
// key (DynamoDB rejects such a request): the second starts the next group,
// so the later item wins, as it does in the stream. The items a group
// returns as UnprocessedItems (throttling, or a partition busy) are sent
// again after a jittered exponential backoff, up to Config.MaxAttempts
// times; those still unprocessed are reported as retryable failures with
// ErrUnprocessed, and the rest of the batch goes on.
//
// When DynamoDB rejects a group as invalid (ValidationException: an item
// too large, a key attribute of the wrong type or empty), the emitter
// writes that group's items one by one with PutItem, so that only the
// invalid items fail (permanent failures with the service's error) and the
// others are stored. An item without its key attributes fails the same way
// without being sent.
//
// Writes are idempotent: a put of the same item under the same key leaves
// the same table, so a retried or replayed batch duplicates nothing. To
// keep the stream's order per key across failures, once an item fails, the
// later items of the batch with the same key fail too (retryable, with
// ErrEarlierWriteFailed) rather than being written before it: a retry of
// the failed entries then writes them in their order.
//
// Any other error (the table is missing, the service cannot be reached,
// throttling the SDK's own retries did not overcome) ends the emit with
// that error; the pipeline retries the whole batch, which overwrites what
// was already written.
package dynamosink
