package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/freshet-io/freshet"
)

// The data file (--data-file) keeps the server's data across restarts: the
// snapshots (freshet.Engine.WriteSnapshot) of all its engines, one after
// another, one engine per account and region. It is read at start and
// written atomically: to a new temporary file in the same directory
// (PATH.tmp-*), synced, renamed over PATH, and the directory synced, so
// that a crash during a save leaves the previous file whole.

// loadDataFile restores the engines saved in path with opts (which name no
// account or region: each engine keeps its snapshot's). It returns no
// engine and no error when the file does not exist. A file that is not a
// complete, intact data file is an error: the server must not start empty
// over someone's data.
func loadDataFile(path string, opts []freshet.Option) ([]*freshet.Engine, error) {
	// A crash in the middle of a save leaves its temporary file behind.
	if err := removeTempFiles(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var engines []*freshet.Engine
	fail := func(err error) ([]*freshet.Engine, error) {
		for _, e := range engines {
			e.Close()
		}
		return nil, err
	}
	seen := map[[2]string]bool{}
	br := bufio.NewReaderSize(f, 1<<20)
	for {
		if len(engines) > 0 {
			if _, err := br.Peek(1); err == io.EOF {
				return engines, nil
			} else if err != nil {
				return fail(err)
			}
		}
		e, err := freshet.Restore(br, opts...)
		if err != nil {
			return fail(fmt.Errorf("snapshot %d: %w", len(engines)+1, err))
		}
		engines = append(engines, e)
		k := [2]string{e.Account(), e.Region()}
		if seen[k] {
			return fail(fmt.Errorf("snapshot %d: a second engine of account %s and region %s", len(engines), k[0], k[1]))
		}
		seen[k] = true
	}
}

// writeDataFile saves the snapshots of engines to path atomically.
func writeDataFile(ctx context.Context, path string, engines []*freshet.Engine) (freshet.SnapshotStats, error) {
	var total freshet.SnapshotStats
	// A file of its own per save (mode 0600), so that two servers given
	// the same path by mistake never write into each other's.
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return total, err
	}
	tmp := f.Name()
	fail := func(err error) (freshet.SnapshotStats, error) {
		f.Close()
		os.Remove(tmp)
		return total, err
	}
	for _, e := range engines {
		s, err := e.WriteSnapshot(ctx, f)
		if err != nil {
			return fail(err)
		}
		total.Streams += s.Streams
		total.Shards += s.Shards
		total.Records += s.Records
		total.Bytes += s.Bytes
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return total, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return total, err
	}
	return total, syncDir(filepath.Dir(path))
}

// removeTempFiles removes the temporary files (PATH.tmp-*) of saves that a
// crash interrupted.
func removeTempFiles(path string) error {
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	prefix := filepath.Base(path) + ".tmp-"
	for _, e := range ents {
		if !e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
			if err := os.Remove(filepath.Join(filepath.Dir(path), e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// dataSaver saves the engines of a server to its data file, one save at a
// time, and logs each save.
type dataSaver struct {
	path    string
	engines func() []*freshet.Engine
	log     *slog.Logger

	mu    sync.Mutex
	saved []uint64 // the engines' fingerprints at the last save
}

// save writes the data file now, unless no engine changed since the last
// save; reason goes to the log.
func (d *dataSaver) save(ctx context.Context, reason string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	start := time.Now()
	engines := d.engines()
	prints := make([]uint64, len(engines))
	for i, e := range engines {
		prints[i] = e.Fingerprint()
	}
	if d.saved != nil && slices.Equal(prints, d.saved) {
		d.log.Debug("data file unchanged; not saved", "file", d.path, "reason", reason)
		return nil
	}
	s, err := writeDataFile(ctx, d.path, engines)
	if err != nil {
		d.log.Error("saving the data file failed", "file", d.path, "reason", reason, "err", err)
		return err
	}
	d.saved = prints
	d.log.Info("data file saved", "file", d.path, "reason", reason, "engines", len(engines),
		"streams", s.Streams, "shards", s.Shards, "records", s.Records, "bytes", s.Bytes,
		"duration", time.Since(start).String())
	return nil
}

// every saves the data file every interval until stop is closed. A save
// that fails is logged and retried at the next tick; the previous file
// stays in place.
func (d *dataSaver) every(interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			select {
			case <-stop: // stopped during the last save: the tick is stale
				return
			default:
			}
			d.save(context.Background(), "interval")
		}
	}
}
