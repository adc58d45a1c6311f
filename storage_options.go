package freshet

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/freshet-io/freshet/internal/wal"
)

// storageConfig holds the options of durable storage and memory.
type storageConfig struct {
	dataDir   string
	sync      SyncPolicy
	syncSet   bool
	maxMemory int64
	fs        wal.FS // the file layer; tests inject faults
	segment   int64  // segment size; tests make it small
	readCache int64  // size of the read cache, if set (readcache.go)
}

// WithDataDir keeps the engine's streams on disk, under
// dir/ACCOUNT/REGION: a log per shard (segment files with a CRC-32C per
// frame of records) and the streams' metadata, so that acknowledged writes
// survive a crash of the process and a stream can hold more records than
// memory.
// The newest records stay in memory within the budget of WithMaxMemory
// (256 MiB by default with a data directory); older ones are read back
// from the segment files. When the writes are acknowledged is the
// WithSync policy's (SyncBatch by default).
//
// Opening a data directory can fail (a corrupt or unreadable directory,
// one of a newer format): use Open, which returns the error. New panics
// with it instead.
func WithDataDir(dir string) Option {
	return func(cfg *config) { cfg.storage.dataDir = dir }
}

// WithSync sets when a write to an engine with a data directory is
// acknowledged, and so what a crash can lose. Default: SyncBatch. It has
// no effect without WithDataDir.
func WithSync(p SyncPolicy) Option {
	return func(cfg *config) {
		cfg.storage.sync = p
		cfg.storage.syncSet = true
	}
}

// WithMaxMemory bounds the bytes the engine holds in memory for records
// (their partition keys and data, plus about 24 bytes each, counted by
// storage chunks of 8 KiB to 1 MiB). With a data directory, the oldest
// records leave memory beyond the budget and are read back from disk
// (default: 256 MiB). Without one, a write that needs more memory than the
// budget allows fails with a ProvisionedThroughputExceededException
// (errors.Is(err, ErrProvisionedThroughputExceeded); the AWS SDKs retry
// it) whose message begins "Memory budget exhausted", until retention
// trims older records or streams are deleted. Zero or negative
// means no budget, the default without a data directory. The budget is per
// engine (one account and region). With a data directory, the blocks of
// segment files recently read back are cached beside it, in a sixteenth of
// the budget (at least 1 MiB, at most 64 MiB).
func WithMaxMemory(bytes int64) Option {
	return func(cfg *config) { cfg.storage.maxMemory = bytes }
}

// defaultDiskMemory is the memory budget of an engine with a data
// directory when WithMaxMemory sets none.
const defaultDiskMemory = 256 << 20

// withFS makes the engine's storage use fsys (tests inject faults).
func withFS(fsys wal.FS) Option {
	return func(cfg *config) { cfg.storage.fs = fsys }
}

// WithSegmentBytes sets the size of the segment files of each shard's log
// in the data directory (default 64 MiB; zero or negative means the
// default). A log starts a new segment when the next batch of records
// does not fit in what is left of the current one (a batch larger than a
// whole segment fills one alone), and retention deletes whole segments
// once all their records expired: smaller segments give disk space back
// sooner, larger ones mean fewer files. Existing segments keep their size.
// It has no effect without WithDataDir.
func WithSegmentBytes(n int64) Option {
	return func(cfg *config) { cfg.storage.segment = n }
}

// SyncPolicy says when a write to an engine with a data directory is
// acknowledged. Whatever the policy, a record is visible to readers only
// once it reached the operating system (so a reader never sees a record
// that a crash of the process could take back), and a crash of the process
// alone (SIGKILL, a panic) loses no acknowledged write: what differs is
// the loss window of a crash of the machine (power loss, kernel panic).
//
//   - SyncAlways: the writing goroutine writes its shard's pending records
//     and fsyncs them itself before the call returns. Loses nothing
//     acknowledged. Concurrent writers of different shards do not share
//     fsyncs.
//   - SyncBatch (the default): group commit. One committer goroutine per
//     engine writes the records of every waiting writer, fsyncs each log
//     it wrote once, and then acknowledges them all. Loses nothing
//     acknowledged; concurrent writers share fsyncs, which is what makes
//     it fast.
//   - SyncInterval(d): records are written to the operating system before
//     the acknowledgement and fsynced every d. A machine crash loses up to
//     d of acknowledged writes.
//   - SyncNone: records are written to the operating system before the
//     acknowledgement and never fsynced by freshet (but at Close): the
//     operating system writes them back when it chooses (about 30 s on
//     Linux by default), which bounds the loss window of a machine crash.
//
// After a machine crash under SyncInterval or SyncNone, records that were
// acknowledged but lost leave a gap: sequence numbers never run backwards,
// since the next counter of each shard is also kept in the metadata.
//
// Whatever the policy, opening a data directory fsyncs the records it
// finds before serving them: records a crashed process wrote but had not
// synced yet are durable once Open returns, so a crash of the machine
// after the restart cannot take back a record a reader saw since.
type SyncPolicy struct {
	mode     syncMode
	interval time.Duration
}

type syncMode uint8

const (
	syncBatch syncMode = iota
	syncAlways
	syncInterval
	syncNone
)

// The sync policies without a parameter.
var (
	SyncBatch  = SyncPolicy{mode: syncBatch}
	SyncAlways = SyncPolicy{mode: syncAlways}
	SyncNone   = SyncPolicy{mode: syncNone}
)

// SyncInterval returns the policy that fsyncs every d (at least 1 ms).
func SyncInterval(d time.Duration) SyncPolicy {
	return SyncPolicy{mode: syncInterval, interval: max(d, time.Millisecond)}
}

// String returns the policy as ParseSyncPolicy reads it: "always",
// "batch", "interval=1s" or "none".
func (p SyncPolicy) String() string {
	switch p.mode {
	case syncAlways:
		return "always"
	case syncInterval:
		return "interval=" + p.interval.String()
	case syncNone:
		return "none"
	}
	return "batch"
}

// ParseSyncPolicy reads a policy written as "always", "batch",
// "interval=DURATION" (such as "interval=100ms") or "none".
func ParseSyncPolicy(s string) (SyncPolicy, error) {
	switch s {
	case "always":
		return SyncAlways, nil
	case "batch":
		return SyncBatch, nil
	case "none":
		return SyncNone, nil
	}
	if v, ok := strings.CutPrefix(s, "interval="); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return SyncPolicy{}, fmt.Errorf("invalid sync interval %q: want a positive duration such as 100ms", v)
		}
		return SyncInterval(d), nil
	}
	return SyncPolicy{}, errors.New("invalid sync policy " + fmt.Sprintf("%q", s) + ": want always, batch, interval=DURATION or none")
}
