package freshet

import (
	"context"
	"hash/fnv"
)

// Fingerprint returns a value that changes whenever the state a snapshot
// holds changes: streams and their settings, shards and their sequence
// counters (so every record written or trimmed), consumers, tags, policies,
// account settings. A saver compares it with the value of its last save to
// skip saving an idle engine. It costs a snapshot without records: it
// reads every shard's counters, not its records.
func (e *Engine) Fingerprint() uint64 {
	h := fnv.New64a()
	e.writeSnapshot(context.Background(), h, true)
	return h.Sum64()
}
