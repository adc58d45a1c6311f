package wal

import (
	"encoding/binary"
	"hash/crc32"
)

// Segment format
//
// A segment file starts with a 16-byte header: the 8 bytes "FRSHTLOG", a
// big-endian uint32 format version and 4 reserved zero bytes. A record is:
//
//	crc      uint32  version 1: CRC-32C (Castagnoli) of everything after it;
//	                 version 2: zero (its frame's checksum covers it)
//	length   uint32  length of the body (everything after this field)
//	counter  uint64  the record's sequence counter
//	arrival  int64   arrival time, Unix milliseconds
//	flags    uint16  engine flags (bit 0: KMS)
//	keyLen   uint16  partition key length
//	key, data
//
// In a version 1 segment the records follow the header back to back, each
// checked by its own checksum. In a version 2 segment (what this package
// writes) they are grouped in frames, each:
//
//	crc      uint32  CRC-32C (Castagnoli) of everything after it in the frame
//	length   uint32  length of the records that follow
//	records  whole records, at least one
//
// A frame holds the records of one Write, or part of them: the writer
// starts a new frame where the sparse index starts a new block, and after
// maxFrameRecords bytes, so a block read from a file is whole frames, and
// one checksum covers many records. Checking one long buffer costs a third
// of checking its records one by one: hash/crc32 checks buffers of more
// than about 500 bytes on three interleaved streams.
//
// The two shapes match: a version 1 record is a frame whose body is the
// record's. Readers check a whole frame before they use any byte of it.
//
// All integers are big-endian. Counters increase strictly and arrivals
// never decrease through a log.

const (
	segmentMagic = "FRSHTLOG"
	// Version is the segment format version this package writes. It reads
	// segments of versions 1 and 2; the last segment of a log opened with
	// version 1 segments is left as it is, and the first Write starts a new
	// segment of version 2.
	Version = 2
	// minVersion is the oldest segment format version this package reads.
	minVersion = 1
	// segmentHeaderSize is the size of a segment's header.
	segmentHeaderSize = 16
	// HeaderSize is the fixed part of a record.
	HeaderSize = 28
	// FrameHeaderSize is the fixed part of a frame (version 2).
	FrameHeaderSize = 8
	// bodyFixed is the fixed part of the body (after crc and length).
	bodyFixed = HeaderSize - 8
	// maxBody bounds a record body: a 10 MiB record with the longest key.
	maxBody = bodyFixed + 1<<16 + 10<<20
	// maxFrameRecords is where the writer ends a frame: a record that
	// would take its records past it starts the next frame.
	maxFrameRecords = 1 << 20
	// maxFrameLen bounds the length field of a frame.
	maxFrameLen = maxFrameRecords + 8 + maxBody
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

// AppendRecord appends the encoding of a record to b, as Log.Write takes
// it: the record's crc field is zero, as in a version 2 segment, whose
// frames Write checksums.
func AppendRecord(b []byte, counter uint64, arrival int64, flags uint16, key string, data []byte) []byte {
	body := bodyFixed + len(key) + len(data)
	b = binary.BigEndian.AppendUint32(b, 0) // crc: the frame's covers it
	b = binary.BigEndian.AppendUint32(b, uint32(body))
	b = binary.BigEndian.AppendUint64(b, counter)
	b = binary.BigEndian.AppendUint64(b, uint64(arrival))
	b = binary.BigEndian.AppendUint16(b, flags)
	b = binary.BigEndian.AppendUint16(b, uint16(len(key)))
	b = append(b, key...)
	return append(b, data...)
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

// checksumOK reports whether frame (a whole frame, or a whole record of a
// version 1 segment) matches its checksum.
func checksumOK(frame []byte) bool {
	return crc32.Checksum(frame[4:], castagnoli) == binary.BigEndian.Uint32(frame)
}

// frameLen returns the length field of the frame header at b (at least
// FrameHeaderSize bytes), and whether it is possible.
func frameLen(b []byte) (int, bool) {
	n := int(binary.BigEndian.Uint32(b[4:]))
	return n, n >= HeaderSize && n <= maxFrameLen
}

// parseRecords calls fn for each record of recs, the records of a frame,
// with its offset in recs. It reports whether they are whole records that
// fill recs exactly.
func parseRecords(recs []byte, fn func(h *header, off int)) bool {
	p := 0
	for p < len(recs) {
		if len(recs)-p < HeaderSize {
			return false
		}
		h, ok := parseHeader(recs[p:])
		if !ok || h.size() > len(recs)-p {
			return false
		}
		fn(&h, p)
		p += h.size()
	}
	return p > 0
}

// AppendFrame appends a frame holding recs (whole records, as AppendRecord
// encodes them) to b, as Write writes it in a segment.
func AppendFrame(b, recs []byte) []byte {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, 0) // crc, set below
	b = binary.BigEndian.AppendUint32(b, uint32(len(recs)))
	b = append(b, recs...)
	binary.BigEndian.PutUint32(b[start:], crc32.Checksum(b[start+4:], castagnoli))
	return b
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

func segmentHeader() []byte { return segmentHeaderVersion(Version) }

// segmentHeaderVersion returns the header of a segment of format version v.
func segmentHeaderVersion(v uint32) []byte {
	b := make([]byte, 0, segmentHeaderSize)
	b = append(b, segmentMagic...)
	b = binary.BigEndian.AppendUint32(b, v)
	return binary.BigEndian.AppendUint32(b, 0)
}
