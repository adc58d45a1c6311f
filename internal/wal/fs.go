package wal

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FS is the file layer under the log: the few operations a log needs, so
// that tests can inject faults (short writes, failed fsyncs, a full disk)
// between the log and the operating system. OS is the real one.
type FS interface {
	// OpenFile opens a file as os.OpenFile does.
	OpenFile(name string, flag int, perm fs.FileMode) (File, error)
	// MkdirAll creates a directory and its parents, as os.MkdirAll.
	MkdirAll(dir string) error
	// ReadDir lists a directory, as os.ReadDir.
	ReadDir(dir string) ([]fs.DirEntry, error)
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// RemoveAll removes a directory tree.
	RemoveAll(dir string) error
	// Rename renames a file, replacing the target atomically.
	Rename(from, to string) error
	// SyncDir makes the creations, renames and removals in dir durable.
	SyncDir(dir string) error
}

// File is an open file of an FS.
type File interface {
	io.ReaderAt
	io.Writer
	// WriteAt writes p at offset off, as os.File.WriteAt (pwrite); the file
	// must not be opened with O_APPEND.
	io.WriterAt
	// Sync flushes the file's data and metadata to stable storage (fsync).
	Sync() error
	// SyncData flushes the file's data to stable storage, and of its
	// metadata only what reading the data back needs (fdatasync where the
	// system has it, else Sync).
	SyncData() error
	// Truncate changes the file's size.
	Truncate(size int64) error
	// Size returns the file's current size.
	Size() (int64, error)
	Close() error
}

// OS is the operating system's file system.
var OS FS = osFS{}

type osFS struct{}

type osFile struct{ *os.File }

func (f osFile) SyncData() error { return syncData(f.File) }

func (f osFile) Size() (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (osFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) MkdirAll(dir string) error                 { return os.MkdirAll(dir, 0o755) }
func (osFS) ReadDir(dir string) ([]fs.DirEntry, error) { return os.ReadDir(dir) }
func (osFS) Remove(name string) error                  { return os.Remove(name) }
func (osFS) RemoveAll(dir string) error                { return os.RemoveAll(dir) }
func (osFS) Rename(from, to string) error              { return os.Rename(from, to) }

func (osFS) SyncDir(dir string) error {
	d, err := os.Open(filepath.Clean(dir))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// WriteFileAtomic replaces name with data so that a crash at any point
// leaves either the old file or the new one, whole: it writes a temporary
// file in the same directory (name.tmp-*), syncs it, renames it over name
// and syncs the directory.
func WriteFileAtomic(fsys FS, name string, data []byte) error {
	tmp := name + ".tmp-" + randomSuffix()
	f, err := fsys.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fsys.Rename(tmp, name)
	}
	if err != nil {
		fsys.Remove(tmp)
		return err
	}
	return fsys.SyncDir(filepath.Dir(name))
}

// RemoveTemps removes the temporary files WriteFileAtomic left in dir when
// a crash interrupted it (names containing ".tmp-").
func RemoveTemps(fsys FS, dir string) error {
	ents, err := fsys.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.IsDir() && isTemp(e.Name()) {
			if err := fsys.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

func isTemp(name string) bool {
	for i := 0; i+5 <= len(name); i++ {
		if name[i:i+5] == ".tmp-" {
			return true
		}
	}
	return false
}
