package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/freshet-io/freshet"
)

// The data directory (--data-dir) keeps every engine's streams on disk,
// each in DIR/ACCOUNT/REGION: a log per shard and the streams' metadata
// (see freshet.WithDataDir). Acknowledged writes survive a crash of the
// process; --sync chooses what a crash of the machine may lose, and
// --max-memory how much of the newest data stays in memory.

// storageFlags are the flags of durable storage and memory.
type storageFlags struct {
	dataDir   string
	sync      string
	maxMemory int64
	segment   int64
	policy    freshet.SyncPolicy
}

// minSegmentBytes is the smallest --segment-bytes accepted.
const minSegmentBytes = 4 << 10

// register defines the flags on fs.
func (s *storageFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.dataDir, "data-dir", "", "keep the streams in this `directory` (a log per shard): acknowledged writes survive a crash, retention is not bounded by memory")
	fs.StringVar(&s.sync, "sync", "batch", "with --data-dir, when a write is acknowledged: always, batch (group commit), interval=DURATION or none (see the README for what each can lose)")
	fs.Int64Var(&s.maxMemory, "max-memory", 0, "`bytes` of records each engine keeps in memory (0: no limit, or 256 MiB with --data-dir); without --data-dir, writes beyond it are throttled")
	fs.Int64Var(&s.segment, "segment-bytes", 0, "with --data-dir, the size in `bytes` of each shard's segment files (0: 64 MiB); retention deletes whole segments, so smaller ones free disk sooner")
}

// check validates the flags.
func (s *storageFlags) check() error {
	p, err := freshet.ParseSyncPolicy(s.sync)
	if err != nil {
		return fmt.Errorf("--sync: %w", err)
	}
	s.policy = p
	if s.maxMemory < 0 {
		return errors.New("--max-memory must not be negative")
	}
	if s.segment != 0 && s.segment < minSegmentBytes {
		return fmt.Errorf("--segment-bytes must be 0 (the default, 64 MiB) or at least %d", minSegmentBytes)
	}
	return nil
}

// options returns the engine options of the flags.
func (s *storageFlags) options() []freshet.Option {
	var opts []freshet.Option
	if s.maxMemory > 0 {
		opts = append(opts, freshet.WithMaxMemory(s.maxMemory))
	}
	if s.dataDir != "" {
		opts = append(opts, freshet.WithDataDir(s.dataDir), freshet.WithSync(s.policy))
		if s.segment > 0 {
			opts = append(opts, freshet.WithSegmentBytes(s.segment))
		}
	}
	return opts
}

// engines opens the engines kept in the data directory, the default one
// (of the flags' account and region) first. With --data-file too, the
// data file's snapshots are imported into a data directory that holds no
// engine yet (a migration), and the data file is not written again.
func (c *serveConfig) dataDirEngines(opts []freshet.Option, logger *slog.Logger) ([]*freshet.Engine, error) {
	s := &c.storage
	if err := os.MkdirAll(s.dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	keys, err := dataDirEngineKeys(s.dataDir)
	if err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	var engines []*freshet.Engine
	fail := func(err error) ([]*freshet.Engine, error) {
		for _, e := range engines {
			e.Close()
		}
		return nil, err
	}
	if c.dataFile != "" {
		if len(keys) > 0 {
			return nil, fmt.Errorf("--data-file %s: the data directory %s already holds data; the data file is imported only into a new one (drop --data-file)", c.dataFile, s.dataDir)
		}
		imported, err := loadDataFile(c.dataFile, opts)
		if err != nil {
			return nil, fmt.Errorf("--data-file %s: importing into --data-dir: %w", c.dataFile, err)
		}
		logger.Info("data file imported into the data directory", "file", c.dataFile, "dir", s.dataDir, "engines", len(imported))
		engines = append(engines, imported...)
		c.dataFile = "" // the data directory keeps the data from now on
	}
	if !slices.Contains(keys, [2]string{c.account, c.region}) {
		keys = append(keys, [2]string{c.account, c.region})
	}
	for _, k := range keys {
		if slices.ContainsFunc(engines, func(e *freshet.Engine) bool { return e.Account() == k[0] && e.Region() == k[1] }) {
			continue
		}
		start := time.Now()
		e, err := freshet.Open(append(slices.Clone(opts), freshet.WithAccount(k[0]), freshet.WithRegion(k[1]))...)
		if err != nil {
			return fail(fmt.Errorf("--data-dir: %w", err))
		}
		logger.Info("data directory opened", "dir", filepath.Join(s.dataDir, k[0], k[1]), "sync", s.policy.String(),
			"duration", time.Since(start).String())
		engines = append(engines, e)
	}
	slices.SortStableFunc(engines, func(a, b *freshet.Engine) int {
		ad := a.Account() == c.account && a.Region() == c.region
		bd := b.Account() == c.account && b.Region() == c.region
		switch {
		case ad && !bd:
			return -1
		case bd && !ad:
			return 1
		}
		return 0
	})
	return engines, nil
}

// dataDirEngineKeys lists the account and region of each engine directory
// in dir (DIR/ACCOUNT/REGION holding a FORMAT file).
func dataDirEngineKeys(dir string) ([][2]string, error) {
	accounts, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var keys [][2]string
	for _, a := range accounts {
		if !a.IsDir() || !accountPattern.MatchString(a.Name()) {
			continue
		}
		regions, err := os.ReadDir(filepath.Join(dir, a.Name()))
		if err != nil {
			return nil, err
		}
		for _, r := range regions {
			if _, err := os.Stat(filepath.Join(dir, a.Name(), r.Name(), "FORMAT")); err == nil {
				keys = append(keys, [2]string{a.Name(), r.Name()})
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	return keys, nil
}
