//go:build !linux

package wal

import "os"

// syncData is File.Sync where the system has no fdatasync the standard
// library exposes.
func syncData(f *os.File) error { return f.Sync() }
