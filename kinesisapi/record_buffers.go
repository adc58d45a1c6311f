package kinesisapi

import (
	"sync"

	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// A GetRecords response of 10,000 records converts them into as many wire
// records, about 1 MB, garbage once the response is encoded: the handler
// hands them back here, and the next response reuses them.

// recordBuffers holds *[]wire.Record, cleared.
var recordBuffers sync.Pool

// maxPooledRecords is the most records a pooled buffer holds: those of the
// largest GetRecords response.
const maxPooledRecords = 10000

// recordBuffer returns n zeroed wire records.
func recordBuffer(n int) []wire.Record {
	if p, ok := recordBuffers.Get().(*[]wire.Record); ok {
		if cap(*p) >= n {
			return (*p)[:n]
		}
		recordBuffers.Put(p)
	}
	return make([]wire.Record, n)
}

// releaseRecords takes back the wire records of out when it is a GetRecords
// response already encoded, which nothing refers to any more. It clears
// them, so that the pool holds on to no record data.
func releaseRecords(out any) {
	r, ok := out.(*wire.GetRecordsResponse)
	if !ok {
		return
	}
	records := r.Records[:cap(r.Records)]
	r.Records = nil
	if len(records) == 0 || len(records) > maxPooledRecords {
		return
	}
	clear(records)
	recordBuffers.Put(&records)
}
