package wal

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// appendRecordV1 is the encoder of version 1 segments, kept for tests of
// logs written by earlier versions: a record with its own checksum.
func appendRecordV1(b []byte, counter uint64, arrival int64, flags uint16, key string, data []byte) []byte {
	start := len(b)
	b = AppendRecord(b, counter, arrival, flags, key, data)
	binary.BigEndian.PutUint32(b[start:], crc32.Checksum(b[start+4:], castagnoli))
	return b
}

// recsV1 returns records [from, to) as a version 1 segment holds them.
func recsV1(from, to uint64) []byte {
	var b []byte
	for c := from; c < to; c++ {
		b = appendRecordV1(b, c, 1000, 0, "key", []byte("data"))
	}
	return b
}

// frame returns recs (whole records) in one frame, as a version 2
// segment holds them.
func frame(recs []byte) []byte { return AppendFrame(nil, recs) }

// segFileV1 builds a segment file of version 1: the header, then parts.
func segFileV1(t *testing.T, dir string, first uint64, parts ...[]byte) string {
	b := segmentHeaderVersion(1)
	for _, p := range parts {
		b = append(b, p...)
	}
	path := filepath.Join(dir, segmentName(first))
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

// recordFrame returns the offset in the version 2 segment file at path of
// the frame holding the record with counter c, the counter of the frame's
// first record, and the record's offset.
func recordFrame(t *testing.T, path string, c uint64) (frameOff int64, first uint64, recOff int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	for off := segmentHeaderSize; off+FrameHeaderSize <= len(b); {
		n, ok := frameLen(b[off:])
		if !ok {
			break
		}
		recs := b[off+FrameHeaderSize : off+FrameHeaderSize+n]
		found := false
		parseRecords(recs, func(h *header, at int) {
			if at == 0 {
				first = h.counter
			}
			if h.counter == c {
				found, recOff = true, int64(off+FrameHeaderSize+at)
			}
		})
		if found {
			return int64(off), first, recOff
		}
		off += FrameHeaderSize + n
	}
	t.Fatalf("no record %d in %s", c, path)
	return 0, 0, 0
}
