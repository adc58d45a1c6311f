package wire

import "reflect"

// This file encodes what comes once per record, the output of PutRecord
// and the lists of records of GetRecords and of results of PutRecords,
// without reflection. They encode exactly as encodeStruct encodes them (a
// test checks it): members in declaration order, omitempty members left out
// when nil.

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
		recs := v.Interface().([]Record)
		// Make room for the whole list at once: base64 data, and about
		// 150 bytes of members around it.
		n := 0
		for i := range recs {
			n += (len(recs[i].Data)+2)/3*4 + len(recs[i].SequenceNumber) + len(recs[i].PartitionKey) + 150
		}
		e.grow(n)
		e.beginList(len(recs))
		for i := range recs {
			e.elem(i)
			encodeRecord(e, &recs[i])
		}
		e.endList()
		return true
	case resultEntriesType:
		results := v.Interface().([]PutRecordsResultEntry)
		e.beginList(len(results))
		for i := range results {
			e.elem(i)
			encodeResultEntry(e, &results[i])
		}
		e.endList()
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

func encodeRecord(e emitter, r *Record) {
	n := 3
	if r.ApproximateArrivalTimestamp != nil {
		n++
	}
	if r.EncryptionType != nil {
		n++
	}
	e.beginMap(n)
	e.key(0, "SequenceNumber")
	e.str(r.SequenceNumber)
	i := 1
	if r.ApproximateArrivalTimestamp != nil {
		e.key(i, "ApproximateArrivalTimestamp")
		e.timestamp(r.ApproximateArrivalTimestamp.UnixMilli())
		i++
	}
	e.key(i, "Data")
	e.blob(r.Data)
	e.key(i+1, "PartitionKey")
	e.str(r.PartitionKey)
	if r.EncryptionType != nil {
		e.key(i+2, "EncryptionType")
		e.str(*r.EncryptionType)
	}
	e.endMap()
}

func encodeResultEntry(e emitter, r *PutRecordsResultEntry) {
	members := [...]struct {
		name  string
		value *string
	}{
		{"SequenceNumber", r.SequenceNumber},
		{"ShardId", r.ShardId},
		{"ErrorCode", r.ErrorCode},
		{"ErrorMessage", r.ErrorMessage},
	}
	n := 0
	for _, m := range members {
		if m.value != nil {
			n++
		}
	}
	e.beginMap(n)
	i := 0
	for _, m := range members {
		if m.value != nil {
			e.key(i, m.name)
			e.str(*m.value)
			i++
		}
	}
	e.endMap()
}
