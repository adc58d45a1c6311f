package wire

// Scratch is memory that decodings reuse one after the other: the decoded
// blobs of a request and the list of PutRecords entries, the bulk of a
// PutRecords request, which Decode allocates anew for every request. A
// request decoded with a Scratch refers to that memory, so it must not be
// used once Reset is called and the Scratch serves another decoding. The
// zero value is ready to use. A Scratch is not safe for concurrent use.
type Scratch struct {
	blobs   []byte
	entries []PutRecordsRequestEntry
}

// maxScratchBlobs is the most blob memory a Scratch keeps: room for the
// blobs of a PutRecords request of 5 MiB.
const maxScratchBlobs = 4 << 20

// DecodeScratch is Decode taking the memory for the decoded request's
// blobs and PutRecords entries from s, where it has room; in JSON only.
func DecodeScratch(contentType string, body []byte, dst any, s *Scratch) error {
	return decode(contentType, body, dst, s)
}

// Reset ends the use of the memory of s by the request decoded last, whose
// blobs and entries may then be overwritten.
func (s *Scratch) Reset() {
	// The entries point at the request's keys: let them go.
	clear(s.entries[:cap(s.entries)])
}

// blobsFor returns room for size bytes of blobs from s, or nil when s
// cannot keep that many.
func (s *Scratch) blobsFor(size int) []byte {
	switch {
	case s == nil || size > maxScratchBlobs:
		return nil
	case cap(s.blobs) < size:
		s.blobs = make([]byte, size)
	}
	return s.blobs[:size]
}

// entriesFor returns an empty list of PutRecords entries with room for n
// from s, or a new one.
func (s *Scratch) entriesFor(n int) []PutRecordsRequestEntry {
	if s == nil {
		return make([]PutRecordsRequestEntry, 0, n)
	}
	if cap(s.entries) < n {
		s.entries = make([]PutRecordsRequestEntry, 0, max(n, maxElementsPutRecords))
	}
	return s.entries[:0]
}

// maxElementsPutRecords is the most entries a valid PutRecords request
// holds, the size of the list a Scratch keeps.
const maxElementsPutRecords = 500
