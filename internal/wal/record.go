package wal

import (
	"encoding/binary"
	"hash/crc32"
)

// Record format
//
// A segment file starts with a 16-byte header: the 8 bytes "FRSHTLOG", a
// big-endian uint32 format version and 4 reserved zero bytes. Records
// follow back to back, each:
//
//	crc      uint32  CRC-32C (Castagnoli) of everything after it
//	length   uint32  length of the body (everything after this field)
//	counter  uint64  the record's sequence counter
//	arrival  int64   arrival time, Unix milliseconds
//	flags    uint16  engine flags (bit 0: KMS)
//	keyLen   uint16  partition key length
//	key, data
//
// All integers are big-endian. Counters increase strictly and arrivals
// never decrease through a log.

const (
	segmentMagic = "FRSHTLOG"
	// Version is the segment format version this package writes and reads.
	Version = 1
	// segmentHeaderSize is the size of a segment's header.
	segmentHeaderSize = 16
	// HeaderSize is the fixed part of a record.
	HeaderSize = 28
	// bodyFixed is the fixed part of the body (after crc and length).
	bodyFixed = HeaderSize - 8
	// maxBody bounds a record body: a 10 MiB record with the longest key.
	maxBody = bodyFixed + 1<<16 + 10<<20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Record is a stored record. Key and Data share the buffer it was read
// into.
type Record struct {
	Counter uint64
	Arrival int64
	Flags   uint16
	Key     []byte
	Data    []byte
}

// AppendRecord appends the encoding of a record to b.
func AppendRecord(b []byte, counter uint64, arrival int64, flags uint16, key string, data []byte) []byte {
	start := len(b)
	body := bodyFixed + len(key) + len(data)
	b = binary.BigEndian.AppendUint32(b, 0) // crc, set below
	b = binary.BigEndian.AppendUint32(b, uint32(body))
	b = binary.BigEndian.AppendUint64(b, counter)
	b = binary.BigEndian.AppendUint64(b, uint64(arrival))
	b = binary.BigEndian.AppendUint16(b, flags)
	b = binary.BigEndian.AppendUint16(b, uint16(len(key)))
	b = append(b, key...)
	b = append(b, data...)
	binary.BigEndian.PutUint32(b[start:], crc32.Checksum(b[start+4:], castagnoli))
	return b
}

// header is the decoded fixed part of a record.
type header struct {
	crc     uint32
	length  int // of the body
	counter uint64
	arrival int64
	flags   uint16
	keyLen  int
}

// size returns the record's size on disk.
func (h *header) size() int { return 8 + h.length }

// parseHeader decodes the fixed part of a record from b (at least
// HeaderSize bytes). ok is false when the length is impossible.
func parseHeader(b []byte) (h header, ok bool) {
	h.crc = binary.BigEndian.Uint32(b)
	h.length = int(binary.BigEndian.Uint32(b[4:]))
	h.counter = binary.BigEndian.Uint64(b[8:])
	h.arrival = int64(binary.BigEndian.Uint64(b[16:]))
	h.flags = binary.BigEndian.Uint16(b[24:])
	h.keyLen = int(binary.BigEndian.Uint16(b[26:]))
	return h, h.length >= bodyFixed && h.length <= maxBody && bodyFixed+h.keyLen <= h.length
}

// checksumOK reports whether rec (a whole record) matches its checksum.
func checksumOK(h *header, rec []byte) bool {
	return crc32.Checksum(rec[4:], castagnoli) == h.crc
}

// decode returns the record rec (a whole record) holds.
func decode(h *header, rec []byte) Record {
	k := HeaderSize + h.keyLen
	return Record{
		Counter: h.counter,
		Arrival: h.arrival,
		Flags:   h.flags,
		Key:     rec[HeaderSize:k:k],
		Data:    rec[k:len(rec):len(rec)],
	}
}

// Each calls fn for every record of p, a sequence of whole records as
// AppendRecord writes them. It stops at the first malformed record.
func Each(p []byte, fn func(r Record, off int)) {
	off := 0
	for len(p)-off >= HeaderSize {
		h, ok := parseHeader(p[off:])
		if !ok || off+h.size() > len(p) {
			return
		}
		fn(decode(&h, p[off:off+h.size()]), off)
		off += h.size()
	}
}

func segmentHeader() []byte {
	b := make([]byte, 0, segmentHeaderSize)
	b = append(b, segmentMagic...)
	b = binary.BigEndian.AppendUint32(b, Version)
	return binary.BigEndian.AppendUint32(b, 0)
}
