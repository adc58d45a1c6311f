package wire

import (
	"reflect"
	"slices"
)

// This file encodes what comes once per record, the output of PutRecord
// and the lists of records of GetRecords and of results of PutRecords,
// without reflection. They encode exactly as encodeStruct encodes them (a
// test checks it): members in declaration order, omitempty members left out
// when nil.
//
// The lists are written by each emitter directly rather than through its
// generic methods: a GetRecords response holds up to 10,000 records, and
// per record, escaping the constant member names (JSON) and the calls
// through the emitter interface cost about as much as the record's data.

var (
	recordsType       = reflect.TypeFor[[]Record]()
	resultEntriesType = reflect.TypeFor[[]PutRecordsResultEntry]()

	putRecordResponseType = reflect.TypeFor[PutRecordResponse]()
)

// encodeRecordList encodes v if it is a list of records or of PutRecords
// results, and reports whether it was.
func encodeRecordList(e emitter, v reflect.Value) bool {
	switch v.Type() {
	case recordsType:
		e.records(v.Interface().([]Record))
		return true
	case resultEntriesType:
		e.resultEntries(v.Interface().([]PutRecordsResultEntry))
		return true
	}
	return false
}

// encodePutRecordResponse encodes v if it is a PutRecord output, and
// reports whether it was.
func encodePutRecordResponse(e emitter, v reflect.Value) bool {
	if v.Type() != putRecordResponseType || !v.CanAddr() {
		return false
	}
	r := v.Addr().Interface().(*PutRecordResponse)
	n := 2
	if r.EncryptionType != nil {
		n++
	}
	e.beginMap(n)
	e.key(0, "ShardId")
	e.str(r.ShardId)
	e.key(1, "SequenceNumber")
	e.str(r.SequenceNumber)
	if r.EncryptionType != nil {
		e.key(2, "EncryptionType")
		e.str(*r.EncryptionType)
	}
	e.endMap()
	return true
}

// maxSequenceDigits is the most digits of a sequence number: below 2^192.
const maxSequenceDigits = 58

// recordsSize is about the size of recs encoded: the data in base64 (larger
// than as CBOR byte strings), and about 150 bytes of members around it.
func recordsSize(recs []Record) int {
	n := 2
	for i := range recs {
		n += (len(recs[i].Data)+2)/3*4 + len(recs[i].SequenceNumber) + len(recs[i].PartitionKey) + 150
		if recs[i].SequenceNumber == "" {
			n += maxSequenceDigits
		}
	}
	return n
}

// resultEntryMembers returns the members of r in declaration order, nil
// when absent.
func resultEntryMembers(r *PutRecordsResultEntry) [4]*string {
	return [...]*string{r.SequenceNumber, r.ShardId, r.ErrorCode, r.ErrorMessage}
}

// The JSON member names of a PutRecords result, each with its colon.
var jsonResultEntryKeys = [4]string{`"SequenceNumber":`, `"ShardId":`, `"ErrorCode":`, `"ErrorMessage":`}

func (e *jsonEmitter) records(recs []Record) {
	b := slices.Grow(e.buf, recordsSize(recs))
	b = append(b, '[')
	// The records of one PutRecords call share their arrival time, and
	// formatting it is a good part of a record's cost: a run of equal
	// timestamps copies the first one's digits, b[stamp:stampEnd]
	// (stampEnd is 0 until a first timestamp is written).
	var lastMillis int64
	stamp, stampEnd := 0, 0
	for i := range recs {
		r := &recs[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"SequenceNumber":`...)
		if r.SequenceNumber == "" && !r.Sequence.IsZero() {
			b = append(r.Sequence.AppendDecimal(append(b, '"')), '"') // digits: nothing to escape
		} else {
			b = appendJSONString(b, r.SequenceNumber)
		}
		if r.ApproximateArrivalTimestamp != nil {
			b = append(b, `,"ApproximateArrivalTimestamp":`...)
			ms := r.ApproximateArrivalTimestamp.UnixMilli()
			if stampEnd == 0 || ms != lastMillis {
				lastMillis, stamp = ms, len(b)
				b = appendEpochSeconds(b, ms)
				stampEnd = len(b)
			} else {
				b = append(b, b[stamp:stampEnd]...)
			}
		}
		b = append(b, `,"Data":"`...)
		b = appendBase64(b, r.Data)
		b = append(b, `","PartitionKey":`...)
		b = appendJSONString(b, r.PartitionKey)
		if r.EncryptionType != nil {
			b = append(b, `,"EncryptionType":`...)
			b = appendJSONString(b, *r.EncryptionType)
		}
		b = append(b, '}')
	}
	e.buf = append(b, ']')
}

func (e *jsonEmitter) resultEntries(results []PutRecordsResultEntry) {
	b := append(e.buf, '[')
	for i := range results {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		first := true
		for j, m := range resultEntryMembers(&results[i]) {
			if m == nil {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, jsonResultEntryKeys[j]...)
			b = appendJSONString(b, *m)
		}
		b = append(b, '}')
	}
	e.buf = append(b, ']')
}

// The CBOR member names of the lists, as text strings.
var (
	cborSequenceNumberKey = cborKey("SequenceNumber")
	cborArrivalKey        = cborKey("ApproximateArrivalTimestamp")
	cborDataKey           = cborKey("Data")
	cborPartitionKeyKey   = cborKey("PartitionKey")
	cborEncryptionKey     = cborKey("EncryptionType")

	cborResultEntryKeys = [4]string{cborSequenceNumberKey, cborKey("ShardId"), cborKey("ErrorCode"), cborKey("ErrorMessage")}
)

// cborKey returns name encoded as a CBOR text string.
func cborKey(name string) string {
	return string(appendCBORText(nil, name))
}

func (e *cborEmitter) records(recs []Record) {
	b := slices.Grow(e.buf, recordsSize(recs))
	b = appendCBORHead(b, cborArray, uint64(len(recs)))
	for i := range recs {
		r := &recs[i]
		n := 3
		if r.ApproximateArrivalTimestamp != nil {
			n++
		}
		if r.EncryptionType != nil {
			n++
		}
		b = appendCBORHead(b, cborMap, uint64(n))
		b = append(b, cborSequenceNumberKey...)
		if r.SequenceNumber == "" && !r.Sequence.IsZero() {
			var digits [maxSequenceDigits]byte
			d := r.Sequence.AppendDecimal(digits[:0])
			b = append(appendCBORHead(b, cborText, uint64(len(d))), d...)
		} else {
			b = appendCBORText(b, r.SequenceNumber)
		}
		if r.ApproximateArrivalTimestamp != nil {
			b = append(b, cborArrivalKey...)
			b = appendCBORTimestamp(b, r.ApproximateArrivalTimestamp.UnixMilli())
		}
		b = append(b, cborDataKey...)
		b = append(appendCBORHead(b, cborBytes, uint64(len(r.Data))), r.Data...)
		b = append(b, cborPartitionKeyKey...)
		b = appendCBORText(b, r.PartitionKey)
		if r.EncryptionType != nil {
			b = append(b, cborEncryptionKey...)
			b = appendCBORText(b, *r.EncryptionType)
		}
	}
	e.buf = b
}

func (e *cborEmitter) resultEntries(results []PutRecordsResultEntry) {
	b := appendCBORHead(e.buf, cborArray, uint64(len(results)))
	for i := range results {
		members := resultEntryMembers(&results[i])
		n := 0
		for _, m := range members {
			if m != nil {
				n++
			}
		}
		b = appendCBORHead(b, cborMap, uint64(n))
		for j, m := range members {
			if m != nil {
				b = append(b, cborResultEntryKeys[j]...)
				b = appendCBORText(b, *m)
			}
		}
	}
	e.buf = b
}
