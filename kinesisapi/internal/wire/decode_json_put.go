package wire

import (
	"bytes"
	"math"
	"reflect"
	"strings"
)

// This file holds the fast path for the entries of a PutRecords request in
// JSON, the bulk of the traffic: the SDKs send them as objects of plain
// strings, which are read here without reflection. Anything unusual (an
// unknown member, a null, a value of the wrong type, an escape or invalid
// UTF-8 in a string, a blob that is not canonical base64, a syntax error)
// makes the fast path give up, and the generic decoder decodes the list from
// the start: it alone words errors, so they stay exactly as they were.

var putRecordsEntriesType = reflect.TypeFor[[]PutRecordsRequestEntry]()

// putRecordsEntries decodes the list at pos, which must start with '[', as
// PutRecords entries. It reports false, with the decoder back at the start
// of the list, when the list is not in the simple form it reads; it never
// fails.
func (d *jsonDecoder) putRecordsEntries() ([]PutRecordsRequestEntry, bool) {
	start, blobs, blobsMade := d.pos, d.blobs, d.blobsMade
	entries, ok := d.putRecordsEntriesFast()
	if !ok {
		// The blobs carved by the attempt belong to nothing now: their
		// space is handed out again. (An allocation the attempt made is
		// kept, and the generic decoder carves from what is left of it.)
		d.pos, d.failed = start, false
		if blobsMade {
			d.blobs = blobs
		}
		return nil, false
	}
	return entries, true
}

// keySpan is where in the body a partition key or explicit hash key of the
// entry numbered entry lies: the strings are made once the list is read, all
// from one allocation.
// Its offsets are 32-bit, to halve the slice of them: bodies past 2 GiB
// take the generic path.
type keySpan struct {
	entry, start, end int32
	hashKey           bool
}

func (d *jsonDecoder) putRecordsEntriesFast() ([]PutRecordsRequestEntry, bool) {
	if len(d.data) > math.MaxInt32 {
		return nil, false
	}
	d.pos++ // '['
	entries := []PutRecordsRequestEntry{}
	if d.peek() == ']' {
		d.pos++
		return entries, true
	}
	var spansBuf [2]keySpan
	spans := spansBuf[:0]
	for {
		if d.peek() != '{' || len(entries) == maxElements {
			return nil, false
		}
		start := d.pos
		entries = append(entries, PutRecordsRequestEntry{})
		var ok bool
		if spans, ok = d.putRecordsEntry(&entries[len(entries)-1], int32(len(entries)-1), spans); !ok {
			return nil, false
		}
		if len(entries) == 1 {
			// The entries of a request are mostly alike: room for as many
			// as the rest of the body holds of the first, rather than
			// growing the lists one doubling at a time.
			n := min(maxElements, 1+(len(d.data)-d.pos)/(d.pos-start+1))
			entries = append(d.scratch.entriesFor(n), entries...)
			spans = append(make([]keySpan, 0, n*len(spans)), spans...)
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.setKeys(entries, spans)
			return entries, true
		default:
			return nil, false
		}
	}
}

// setKeys points the keys of entries at strings holding the spans of the
// body, in order, so that of duplicate members the last one counts.
func (d *jsonDecoder) setKeys(entries []PutRecordsRequestEntry, spans []keySpan) {
	if len(spans) == 0 {
		return
	}
	size := 0
	for _, s := range spans {
		size += int(s.end - s.start)
	}
	var b strings.Builder
	b.Grow(size)
	for _, s := range spans {
		b.Write(d.data[s.start:s.end])
	}
	all := b.String()
	strs := make([]string, len(spans))
	off := 0
	for i, s := range spans {
		n := int(s.end - s.start)
		strs[i] = all[off : off+n]
		off += n
		if s.hashKey {
			entries[s.entry].ExplicitHashKey = &strs[i]
		} else {
			entries[s.entry].PartitionKey = &strs[i]
		}
	}
}

// putRecordsEntry decodes the object at pos into e, the entry numbered
// entry, adding the spans of its keys to spans.
func (d *jsonDecoder) putRecordsEntry(e *PutRecordsRequestEntry, entry int32, spans []keySpan) ([]keySpan, bool) {
	d.pos++ // '{'
	if d.peek() == '}' {
		d.pos++
		return spans, true
	}
	for {
		member := d.entryMember()
		if member == otherMember || d.peek() != '"' {
			return nil, false
		}
		switch member {
		case dataMember:
			// Base64 holds no escape: the next quote ends it.
			end := bytes.IndexByte(d.data[d.pos+1:], '"')
			if end < 0 {
				return nil, false
			}
			b, ok := d.decodeBase64Fast(d.data[d.pos+1 : d.pos+1+end])
			if !ok {
				return nil, false
			}
			d.pos += end + 2
			e.Data = b
		default:
			start := d.pos + 1
			if escaped, ok := d.skipString(); !ok || escaped {
				return nil, false
			}
			spans = append(spans, keySpan{entry: entry, start: int32(start), end: int32(d.pos - 1), hashKey: member == explicitHashKeyMember})
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return spans, true
		default:
			return nil, false
		}
	}
}

// The members of a PutRecords entry, as entryMember tells them.
const (
	otherMember = iota // unknown, escaped or malformed
	dataMember
	partitionKeyMember
	explicitHashKeyMember
)

// entryMember reads the member name at pos and its colon. The names as
// the SDKs write them, quoted and followed by a colon, are matched as they
// are; anything else is read by key.
func (d *jsonDecoder) entryMember() int {
	rest := d.data[d.pos:]
	switch {
	case bytes.HasPrefix(rest, dataName):
		d.pos += len(dataName)
		return dataMember
	case bytes.HasPrefix(rest, partitionKeyName):
		d.pos += len(partitionKeyName)
		return partitionKeyMember
	}
	name, escaped, ok := d.key()
	switch {
	case !ok || escaped:
		return otherMember
	case string(name) == "Data":
		return dataMember
	case string(name) == "PartitionKey":
		return partitionKeyMember
	case string(name) == "ExplicitHashKey":
		return explicitHashKeyMember
	}
	return otherMember
}

var (
	dataName         = []byte(`"Data":`)
	partitionKeyName = []byte(`"PartitionKey":`)
)
