package freshet

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshet-io/freshet/internal/wal"
)

// Data directory
//
// With WithDataDir(dir), an engine keeps its state in dir/ACCOUNT/REGION:
//
//	FORMAT                 "freshet data directory" and the format version
//	LOCK                   locked while an engine has the directory open
//	meta                   the metadata: a snapshot without records
//	streams/ID/INDEX/      the log of shard INDEX of the stream with id ID
//	    FIRST.seg          segment files (see package internal/wal)
//
// The metadata (streams, shards and lineage, consumers, tags, policies,
// settings and the key of shard iterators) is written in the snapshot
// format (see snapshot.go), without records, each shard's counters being
// its trim horizon and the counter after its last stored record. It is
// replaced atomically (a temporary file, fsync, rename, fsync of the
// directory) after every operation that changes it, and before the first
// record of a new shard is written, so that no stored record belongs to a
// shard the metadata does not know. Records are in the logs only.
//
// At start the metadata is read, then every shard's log: each log is
// checked record by record (CRC-32C), a torn tail is cut, every segment
// file and the log's directory are fsynced (the process that wrote them
// may have crashed before its fsync, or synced at an interval or never:
// what it left in the page cache is made durable before any of it is
// served or any counter after it issued; a failed fsync fails Open), and
// the shard's next counter is the larger of the log's and the metadata's,
// so a sequence number is never issued twice. Records stay on disk: reads
// of them go to the segment files until new records fill memory.

// dataDirVersion is the format version of the data directory.
const dataDirVersion = 1

const (
	formatFile  = "FORMAT"
	metaFile    = "meta"
	lockFile    = "LOCK"
	streamsDir  = "streams"
	formatMagic = "freshet data directory"
)

// ErrCorruptData is wrapped by the errors of a data directory whose
// contents are damaged or incomplete: a corrupt segment or metadata file,
// a missing metadata file or shard log.
var ErrCorruptData = errors.New("freshet: corrupt data directory")

// ErrDataVersion is wrapped by the error of a data directory written by a
// newer freshet, in a format this one does not read.
var ErrDataVersion = errors.New("freshet: unsupported data directory version")

// store is the durable storage of an engine with a data directory.
type store struct {
	e       *Engine
	dir     string
	fs      wal.FS
	policy  SyncPolicy
	segment int64
	unlock  func()
	cache   *wal.Cache // blocks of the logs recently read (readcache.go)

	metaMu sync.Mutex // one metadata save at a time
	saves  atomic.Int64

	mu     sync.Mutex // guards queue
	queue  []*shard   // shards with pending records, for the committer
	closed atomic.Bool
	kick   chan struct{}
	// stopped is closed when the committer has committed its last batch.
	stopped chan struct{}

	evictMu sync.Mutex

	// Group commit (the committer's).
	pendingRecords atomic.Int64  // records accepted since the committer last took the queue
	lastBatch      int64         // records of the last batch
	peakBatch      int64         // records of the largest recent batch (decaying)
	lastSync       time.Duration // duration of the last fsync

	logsMu sync.Mutex
	logs   map[string]*shardLog // open logs by directory
}

// Open returns a new engine configured by opts, as New does, but reports
// the errors New cannot: with WithDataDir, opening the data directory can
// fail (unreadable, read-only, corrupt, of a newer format, in use by
// another engine). Without WithDataDir, Open is New.
func Open(opts ...Option) (*Engine, error) {
	cfg := newConfig(opts)
	if cfg.storage.dataDir == "" {
		return New(opts...), nil
	}
	return openStore(cfg)
}

// openStore opens (or creates) the data directory of an engine and
// recovers its state.
func openStore(cfg config) (*Engine, error) {
	fsys := cfg.storage.fs
	if fsys == nil {
		fsys = wal.OS
	}
	if cfg.storage.maxMemory <= 0 {
		cfg.storage.maxMemory = defaultDiskMemory
	}
	dir := filepath.Join(cfg.storage.dataDir, cfg.account, cfg.region)
	fail := func(err error) (*Engine, error) {
		return nil, fmt.Errorf("freshet: data directory %s: %w", dir, err)
	}
	if err := fsys.MkdirAll(dir); err != nil {
		return fail(err)
	}
	unlock, err := lockDir(filepath.Join(dir, lockFile))
	if err != nil {
		return fail(err)
	}
	s := &store{
		dir:     dir,
		fs:      fsys,
		policy:  cfg.storage.sync,
		segment: cfg.storage.segment,
		unlock:  unlock,
		kick:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
		logs:    map[string]*shardLog{},
		cache:   wal.NewCache(readCacheBytes(cfg.storage)),
	}
	e, err := s.recover(cfg)
	if err != nil {
		s.closeLogs()
		unlock()
		return fail(err)
	}
	return e, nil
}

// recover builds the engine from the directory's metadata and logs.
func (s *store) recover(cfg config) (*Engine, error) {
	fresh, err := s.checkFormat()
	if err != nil {
		return nil, err
	}
	if err := wal.RemoveTemps(s.fs, s.dir); err != nil {
		return nil, err
	}
	e := newEngine(cfg)
	e.store = s
	s.e = e
	meta, err := readFile(s.fs, filepath.Join(s.dir, metaFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !fresh {
			return nil, fmt.Errorf("%w: the metadata file %s is missing, but the directory holds shard logs", ErrCorruptData, metaFile)
		}
		if _, err := rand.Read(e.key[:]); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if err := e.restoreFrom(bytes.NewReader(meta), true); err != nil {
			return nil, fmt.Errorf("%w: metadata file %s: %w", ErrCorruptData, metaFile, err)
		}
	}
	now := e.now()
	for _, st := range e.list() {
		for _, sh := range st.shards {
			if err := s.recoverShard(st, sh, now); err != nil {
				return nil, err
			}
		}
	}
	if err := s.saveMeta(); err != nil {
		return nil, err
	}
	e.start()
	s.start()
	return e, nil
}

// checkFormat reads (or, in a new directory, writes) the FORMAT file. It
// reports whether the directory holds no shard log yet.
func (s *store) checkFormat() (fresh bool, err error) {
	empty := true
	if ents, err := s.fs.ReadDir(filepath.Join(s.dir, streamsDir)); err == nil {
		empty = len(ents) == 0
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	b, err := readFile(s.fs, filepath.Join(s.dir, formatFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, merr := readFile(s.fs, filepath.Join(s.dir, metaFile)); merr == nil || !empty {
			return false, fmt.Errorf("%w: the %s file is missing", ErrCorruptData, formatFile)
		}
		text := fmt.Sprintf("%s\nversion %d\n", formatMagic, dataDirVersion)
		return true, wal.WriteFileAtomic(s.fs, filepath.Join(s.dir, formatFile), []byte(text))
	}
	if err != nil {
		return false, err
	}
	magic, rest, _ := strings.Cut(string(b), "\n")
	v, verr := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(rest, "version ")))
	switch {
	case magic != formatMagic || !strings.HasPrefix(rest, "version ") || verr != nil:
		return false, fmt.Errorf("%w: %s is not a freshet FORMAT file", ErrCorruptData, formatFile)
	case v > dataDirVersion:
		return false, fmt.Errorf("%w: the directory has format version %d, this freshet reads version %d: use a newer freshet", ErrDataVersion, v, dataDirVersion)
	case v < 1:
		return false, fmt.Errorf("%w: invalid format version %d", ErrCorruptData, v)
	}
	return empty, nil
}

// readFile reads a whole (small) file through fsys.
func readFile(fsys wal.FS, name string) ([]byte, error) {
	f, err := fsys.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := f.Size()
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}

// shardDir returns the directory of a shard's log.
func (s *store) shardDir(st *Stream, index uint32) string {
	return filepath.Join(s.dir, streamsDir, strconv.FormatUint(st.id, 10), strconv.FormatUint(uint64(index), 10))
}

// walOptions returns the options of the logs.
func (s *store) walOptions() wal.Options {
	return wal.Options{FS: s.fs, SegmentBytes: s.segment, Cache: s.cache, Root: s.dir}
}

// recoverShard opens the log of a shard read from the metadata and sets
// its counters from it.
func (s *store) recoverShard(st *Stream, sh *shard, now time.Time) error {
	l := sh.log
	l.registered.Store(true)
	if sh.gone {
		return nil
	}
	exists, err := wal.Exists(s.fs, l.dir)
	if err != nil {
		return err
	}
	if !exists {
		if sh.next > 1 && st.phase.Load().status != StreamStatusDeleting && !sh.expired(now, st.retentionPeriod()) {
			return fmt.Errorf("%w: the log of %s of stream %s (%s) is missing, but the metadata says it stored records up to counter %d",
				ErrCorruptData, sh.id, st.name, l.dir, sh.next-1)
		}
		l.assigned = sh.next
		return nil
	}
	w, err := wal.Open(l.dir, s.walOptions())
	if err != nil {
		if errors.Is(err, wal.ErrCorrupt) {
			return fmt.Errorf("%w: %s of stream %s: %w", ErrCorruptData, sh.id, st.name, err)
		}
		if errors.Is(err, wal.ErrVersion) {
			return fmt.Errorf("%w: %w", ErrDataVersion, err)
		}
		return err
	}
	sh.next = max(sh.next, w.Next())
	sh.lastArrival = max(sh.lastArrival, w.LastArrival())
	l.w = w
	l.assigned = sh.next
	l.published.Store(sh.next)
	l.lastArrival = sh.lastArrival
	s.addLog(l)
	return nil
}

func (s *store) addLog(l *shardLog) {
	s.logsMu.Lock()
	s.logs[l.dir] = l
	s.logsMu.Unlock()
}

// saveMeta writes the metadata atomically, then marks the shards it holds
// as registered (their records may be written) and removes the logs of
// streams and shards it no longer holds.
func (s *store) saveMeta() error {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	var buf bytes.Buffer
	captured, err := s.e.writeSnapshot(context.Background(), &buf, true)
	if err != nil {
		return err
	}
	if err := wal.WriteFileAtomic(s.fs, filepath.Join(s.dir, metaFile), buf.Bytes()); err != nil {
		return fmt.Errorf("saving the metadata in %s: %w", s.dir, err)
	}
	s.saves.Add(1)
	live := map[string]bool{}
	for _, c := range captured {
		for _, sc := range c.shards {
			sc.sh.log.registered.Store(true)
			if !sc.gone {
				live[sc.sh.log.dir] = true
				live[filepath.Dir(sc.sh.log.dir)] = true
			}
		}
	}
	s.collect(live)
	return nil
}

// collect removes the logs of streams and shards not in live (deleted
// streams, expired shards), closing them first.
func (s *store) collect(live map[string]bool) {
	s.logsMu.Lock()
	var dead []*shardLog
	for dir, l := range s.logs {
		if !live[dir] {
			dead = append(dead, l)
			delete(s.logs, dir)
		}
	}
	s.logsMu.Unlock()
	for _, l := range dead {
		l.flushMu.Lock()
		l.closeLog()
		l.flushMu.Unlock()
	}
	root := filepath.Join(s.dir, streamsDir)
	streams, _ := s.fs.ReadDir(root)
	for _, sd := range streams {
		dir := filepath.Join(root, sd.Name())
		if !live[dir] {
			s.fs.RemoveAll(dir)
			continue
		}
		shards, _ := s.fs.ReadDir(dir)
		for _, d := range shards {
			if p := filepath.Join(dir, d.Name()); !live[p] {
				s.fs.RemoveAll(p)
			}
		}
	}
}

// close commits what is pending, syncs every log, saves the metadata and
// releases the directory. The committer has stopped.
func (s *store) close() error {
	s.closed.Store(true)
	s.mu.Lock()
	q := s.queue
	s.queue = nil
	s.mu.Unlock()
	if len(q) > 0 {
		s.commit(q, true)
	}
	err := s.syncAll()
	if merr := s.saveMeta(); err == nil {
		err = merr
	}
	s.closeLogs()
	s.unlock()
	if err != nil {
		return fmt.Errorf("freshet: closing data directory %s: %w", s.dir, err)
	}
	return nil
}

// syncAll fsyncs every log written since its last sync.
func (s *store) syncAll() error {
	var first error
	for _, l := range s.openLogs() {
		l.flushMu.Lock()
		if l.w != nil && l.w.Dirty() {
			if err := l.w.Sync(); err != nil && first == nil {
				first = err
			}
		}
		l.flushMu.Unlock()
	}
	return first
}

func (s *store) openLogs() []*shardLog {
	s.logsMu.Lock()
	defer s.logsMu.Unlock()
	out := make([]*shardLog, 0, len(s.logs))
	for _, l := range s.logs {
		out = append(out, l)
	}
	return out
}

func (s *store) closeLogs() {
	for _, l := range s.openLogs() {
		l.flushMu.Lock()
		l.closeLog()
		l.flushMu.Unlock()
	}
}

// changesMetadata reports whether an operation may change what the
// metadata of a data directory holds (every operation but reads and
// record writes).
func changesMetadata(op Operation) bool {
	switch op {
	case OpPutRecord, OpPutRecords, OpGetRecords, OpGetShardIterator, OpSubscribeToShard,
		OpDescribeStream, OpDescribeStreamSummary, OpDescribeStreamConsumer, OpDescribeLimits,
		OpDescribeAccountSettings, OpListShards, OpListStreams, OpListStreamConsumers,
		OpListTagsForStream, OpListTagsForResource, OpGetResourcePolicy:
		return false
	}
	return true
}

// invokeDurable runs an operation that may change the metadata, then saves
// the metadata before answering: a change acknowledged is a change stored.
// If the save fails, the call fails with an InternalFailure (the change is
// in effect in memory, and saved by the next successful save).
func invokeDurable[I, O any](ctx context.Context, e *Engine, op Operation, in *I, fn func(context.Context, *I) (*O, error)) (*O, error) {
	out, err := invokeCall(ctx, e, op, in, fn)
	if serr := e.store.saveMeta(); serr != nil && err == nil {
		return nil, NewError(codeInternalFailure, "freshet could not save the metadata of its data directory: %v", serr)
	}
	return out, err
}

// persistMetadata saves the metadata of an engine with a data directory
// after a change made outside the API (such as ExpireIterators).
func (e *Engine) persistMetadata() {
	if e.store != nil {
		e.store.saveMeta()
	}
}

// importSnapshot is Restore into a data directory: the snapshot's records
// are written to new shard logs and its state to the metadata, in a data
// directory that holds no stream yet, and the engine is then opened from
// it.
func importSnapshot(r io.Reader, cfg config) (*Engine, error) {
	memCfg := cfg
	memCfg.storage = storageConfig{}
	src := newEngine(memCfg)
	if err := src.restoreFrom(r, false); err != nil {
		return nil, err
	}
	cfg.account, cfg.region = src.cfg.account, src.cfg.region
	e, err := openStore(cfg)
	if err != nil {
		return nil, err
	}
	s := e.store
	fail := func(err error) (*Engine, error) {
		e.abandon()
		return nil, fmt.Errorf("freshet: importing a snapshot into %s: %w", s.dir, err)
	}
	if len(e.list()) > 0 {
		return fail(errors.New("the data directory already holds streams; import into a new one"))
	}
	for _, st := range src.list() {
		for _, sh := range st.shards {
			if sh.gone || sh.chunks.Len() == 0 {
				continue
			}
			if err := s.importShard(st, sh); err != nil {
				return fail(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := src.writeSnapshot(context.Background(), &buf, true); err != nil {
		return fail(err)
	}
	if err := wal.WriteFileAtomic(s.fs, filepath.Join(s.dir, metaFile), buf.Bytes()); err != nil {
		return fail(err)
	}
	e.abandon()
	return openStore(cfg)
}

// importShard writes the records of a shard of a restored snapshot to a
// new log.
func (s *store) importShard(st *Stream, sh *shard) error {
	w, err := wal.Open(s.shardDir(st, sh.index), s.walOptions())
	if err != nil {
		return err
	}
	defer w.Close()
	var p []byte
	var werr error
	sh.chunks.Ascend(func(c *chunk) bool {
		for i := range c.entries {
			en := &c.entries[i]
			counter := c.first + uint64(i)
			if counter < sh.trim {
				continue
			}
			k := en.off + uint32(en.keyLen)
			p = wal.AppendRecord(p, counter, en.arrival, en.flags, bytesToString(c.slab[en.off:k]), c.slab[k:k+en.dataLen])
			if len(p) >= 1<<20 {
				if werr = w.Write(p); werr != nil {
					return false
				}
				p = p[:0]
			}
		}
		return true
	})
	if werr == nil && len(p) > 0 {
		werr = w.Write(p)
	}
	if werr == nil {
		werr = w.Sync()
	}
	return werr
}

// abandon closes an engine with a data directory without saving anything:
// its goroutines stop and its directory is released.
func (e *Engine) abandon() {
	e.closeOnce.Do(func() {
		close(e.done)
		e.wg.Wait()
		e.store.closeLogs()
		e.store.unlock()
	})
}
