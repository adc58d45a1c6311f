package wal

import (
	"io/fs"
	"strings"
	"sync"
)

// Op names a file operation a FaultFS can fail.
type Op string

// Operations of a FaultFS.
const (
	OpOpen     Op = "open"
	OpWrite    Op = "write" // Write and WriteAt
	OpRead     Op = "read"  // ReadAt
	OpSync     Op = "sync"  // Sync and SyncData
	OpTruncate Op = "truncate"
	OpMkdir    Op = "mkdir"
	OpRename   Op = "rename"
	OpRemove   Op = "remove"
	OpSyncDir  Op = "syncdir"
)

// Fault is one failure a FaultFS injects.
type Fault struct {
	// Op is the operation to fail.
	Op Op
	// Path, if set, must be a substring of the file's path.
	Path string
	// After lets this many matching operations succeed first.
	After int
	// Times is how many times to fail; 0 means every time from then on.
	Times int
	// Err is the error returned, such as syscall.ENOSPC or syscall.EIO.
	Err error
	// Short, for OpWrite, writes this many bytes before failing (a short
	// write, as a full disk produces), for WriteAt at the offset asked.
	Short int
	// Stall, for OpRead, makes the read wait until Stall is closed (a
	// stalled disk), then fail with Err or, if Err is nil, go on. Stalled,
	// if not nil, is sent a value, if it has room, when a read starts
	// waiting.
	Stall   <-chan struct{}
	Stalled chan<- struct{}
}

// FaultFS is an FS that fails the operations its faults select and
// passes everything else to another FS. It is safe for concurrent use.
type FaultFS struct {
	FS FS

	mu      sync.Mutex
	faults  []*Fault
	counts  map[countKey]int
	tracing bool
	trace   []TracedOp
}

// TracedOp is an operation a tracing FaultFS saw (see StartTrace).
type TracedOp struct {
	Op   Op
	Path string
}

// StartTrace makes f record, from now on and in order, every operation it
// can fail (those of the Op constants), failed or not; Trace returns them.
func (f *FaultFS) StartTrace() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tracing, f.trace = true, nil
}

// Trace returns the operations recorded since StartTrace.
func (f *FaultFS) Trace() []TracedOp {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]TracedOp(nil), f.trace...)
}

type countKey struct {
	op   Op
	path string
}

// NewFaultFS returns a FaultFS over fsys without faults.
func NewFaultFS(fsys FS) *FaultFS { return &FaultFS{FS: fsys} }

// Inject adds a fault.
func (f *FaultFS) Inject(ft Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &ft)
}

// Clear removes every fault.
func (f *FaultFS) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

// Count returns how many times op was called (failed or not) on paths
// containing path.
func (f *FaultFS) Count(op Op, path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for k, c := range f.counts {
		if k.op == op && strings.Contains(k.path, path) {
			n += c
		}
	}
	return n
}

// check returns the fault to apply to op on path, if any.
func (f *FaultFS) check(op Op, path string) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.counts == nil {
		f.counts = map[countKey]int{}
	}
	f.counts[countKey{op, path}]++
	if f.tracing {
		f.trace = append(f.trace, TracedOp{op, path})
	}
	for i, ft := range f.faults {
		if ft.Op != op || !strings.Contains(path, ft.Path) {
			continue
		}
		if ft.After > 0 {
			ft.After--
			continue
		}
		hit := *ft
		if ft.Times > 0 {
			ft.Times--
			if ft.Times == 0 {
				f.faults = append(f.faults[:i:i], f.faults[i+1:]...)
			}
		}
		return &hit
	}
	return nil
}

func (f *FaultFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	if ft := f.check(OpOpen, name); ft != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ft.Err}
	}
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, name: name}, nil
}

func (f *FaultFS) MkdirAll(dir string) error {
	if ft := f.check(OpMkdir, dir); ft != nil {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: ft.Err}
	}
	return f.FS.MkdirAll(dir)
}

func (f *FaultFS) ReadDir(dir string) ([]fs.DirEntry, error) { return f.FS.ReadDir(dir) }

func (f *FaultFS) Remove(name string) error {
	if ft := f.check(OpRemove, name); ft != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: ft.Err}
	}
	return f.FS.Remove(name)
}

func (f *FaultFS) RemoveAll(dir string) error {
	if ft := f.check(OpRemove, dir); ft != nil {
		return &fs.PathError{Op: "remove", Path: dir, Err: ft.Err}
	}
	return f.FS.RemoveAll(dir)
}

func (f *FaultFS) Rename(from, to string) error {
	if ft := f.check(OpRename, to); ft != nil {
		return &fs.PathError{Op: "rename", Path: to, Err: ft.Err}
	}
	return f.FS.Rename(from, to)
}

func (f *FaultFS) SyncDir(dir string) error {
	if ft := f.check(OpSyncDir, dir); ft != nil {
		return &fs.PathError{Op: "sync", Path: dir, Err: ft.Err}
	}
	return f.FS.SyncDir(dir)
}

type faultFile struct {
	File
	fs   *FaultFS
	name string
}

func (f *faultFile) Write(p []byte) (int, error) {
	if ft := f.fs.check(OpWrite, f.name); ft != nil {
		n := 0
		if ft.Short > 0 {
			n, _ = f.File.Write(p[:min(ft.Short, len(p))])
		}
		return n, &fs.PathError{Op: "write", Path: f.name, Err: ft.Err}
	}
	return f.File.Write(p)
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	if ft := f.fs.check(OpWrite, f.name); ft != nil {
		n := 0
		if ft.Short > 0 {
			n, _ = f.File.WriteAt(p[:min(ft.Short, len(p))], off)
		}
		return n, &fs.PathError{Op: "write", Path: f.name, Err: ft.Err}
	}
	return f.File.WriteAt(p, off)
}

func (f *faultFile) ReadAt(p []byte, off int64) (int, error) {
	if ft := f.fs.check(OpRead, f.name); ft != nil {
		if ft.Stall != nil {
			select {
			case ft.Stalled <- struct{}{}:
			default:
			}
			<-ft.Stall
		}
		if ft.Err != nil {
			return 0, &fs.PathError{Op: "read", Path: f.name, Err: ft.Err}
		}
	}
	return f.File.ReadAt(p, off)
}

func (f *faultFile) Sync() error {
	if ft := f.fs.check(OpSync, f.name); ft != nil {
		return &fs.PathError{Op: "sync", Path: f.name, Err: ft.Err}
	}
	return f.File.Sync()
}

func (f *faultFile) SyncData() error {
	if ft := f.fs.check(OpSync, f.name); ft != nil {
		return &fs.PathError{Op: "sync", Path: f.name, Err: ft.Err}
	}
	return f.File.SyncData()
}

func (f *faultFile) Truncate(size int64) error {
	if ft := f.fs.check(OpTruncate, f.name); ft != nil {
		return &fs.PathError{Op: "truncate", Path: f.name, Err: ft.Err}
	}
	return f.File.Truncate(size)
}
