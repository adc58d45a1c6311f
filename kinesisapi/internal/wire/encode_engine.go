package wire

import (
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/freshet-io/freshet"
)

// This file encodes the outputs of GetRecords and PutRecords straight from
// the engine's, without converting them into wire structs first: per
// record, the conversion cost as much as the encoding. The bytes are those
// of the wire response converted member for member (a test checks it):
// records' empty Data as an empty blob, their EncryptionType and the
// response's NextShardIterator left out when empty, MillisBehindLatest
// always present, ChildShards when the engine sets them; a PutRecords
// result carries SequenceNumber and ShardId, or ErrorCode and ErrorMessage
// when it failed, and the response its EncryptionType when set.

// GetRecordsOutput is the engine's GetRecords output, which AppendEncode
// writes as the GetRecordsResponse converted from it.
type GetRecordsOutput freshet.GetRecordsOutput

// PutRecordsOutput is the engine's PutRecords output, which AppendEncode
// writes as the PutRecordsResponse converted from it.
type PutRecordsOutput freshet.PutRecordsOutput

// appendEngineOutput appends v in format f if it is an engine output this
// file encodes, and reports whether it was.
func appendEngineOutput(b []byte, f Format, v any) ([]byte, bool) {
	switch v := v.(type) {
	case *GetRecordsOutput:
		if f == FormatCBOR {
			return appendGetRecordsCBOR(b, v), true
		}
		return appendGetRecordsJSON(b, v), true
	case *PutRecordsOutput:
		if f == FormatCBOR {
			return appendPutRecordsCBOR(b, v), true
		}
		return appendPutRecordsJSON(b, v), true
	}
	return b, false
}

func appendGetRecordsJSON(b []byte, out *GetRecordsOutput) []byte {
	b = append(b, `{"Records":`...)
	b = appendEngineRecordsJSON(b, out.Records)
	if out.NextShardIterator != "" {
		b = append(b, `,"NextShardIterator":`...)
		b = appendJSONString(b, out.NextShardIterator)
	}
	b = append(b, `,"MillisBehindLatest":`...)
	b = strconv.AppendInt(b, out.MillisBehindLatest, 10)
	if out.ChildShards != nil {
		b = append(b, `,"ChildShards":`...)
		b = appendChildShards(&jsonEmitter{buf: b}, out.ChildShards)
	}
	return append(b, '}')
}

func appendGetRecordsCBOR(b []byte, out *GetRecordsOutput) []byte {
	n := 2
	if out.NextShardIterator != "" {
		n++
	}
	if out.ChildShards != nil {
		n++
	}
	b = appendCBORHead(b, cborMap, uint64(n))
	b = append(b, cborRecordsKey...)
	b = appendEngineRecordsCBOR(b, out.Records)
	if out.NextShardIterator != "" {
		b = append(b, cborNextShardIteratorKey...)
		b = appendCBORText(b, out.NextShardIterator)
	}
	b = append(b, cborMillisBehindLatestKey...)
	b = appendCBORInt(b, out.MillisBehindLatest)
	if out.ChildShards != nil {
		b = append(b, cborChildShardsKey...)
		b = appendChildShards(&cborEmitter{buf: b}, out.ChildShards)
	}
	return b
}

// appendChildShards writes the children of a closed shard with the generic
// encoder (they come once per shard, not per record) and returns the
// emitter's buffer.
func appendChildShards(e emitter, children []freshet.ChildShard) []byte {
	list := make([]ChildShard, len(children))
	for i, c := range children {
		list[i] = ChildShard{
			ShardId:      c.ShardId,
			ParentShards: c.ParentShards,
			HashKeyRange: HashKeyRange{
				StartingHashKey: c.HashKeyRange.StartingHashKey.String(),
				EndingHashKey:   c.HashKeyRange.EndingHashKey.String(),
			},
		}
	}
	// A list of wire structs of strings always encodes.
	_ = encodeValue(e, reflect.ValueOf(list))
	return e.bytes()
}

// engineRecordsSize is about the size of recs encoded, as recordsSize.
func engineRecordsSize(recs []freshet.Record) int {
	n := 2
	for i := range recs {
		n += (len(recs[i].Data)+2)/3*4 + len(recs[i].PartitionKey) + maxSequenceDigits + 150
	}
	return n
}

// arrivalStamp remembers the last arrival time a list of records encoded,
// whose digits a run of records with the same time copies: the records of
// one PutRecords call share their arrival time, and formatting it is a good
// part of a record's cost.
type arrivalStamp struct {
	t          time.Time
	start, end int // where the encoding lies in the buffer; end 0 before the first
}

func appendEngineRecordsJSON(b []byte, recs []freshet.Record) []byte {
	b = slices.Grow(b, engineRecordsSize(recs))
	b = append(b, '[')
	var stamp arrivalStamp
	var last lastSequence
	for i := range recs {
		r := &recs[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"SequenceNumber":"`...)
		b = append(last.appendDigits(b, r.SequenceNumber), '"') // digits: nothing to escape
		if t := r.ApproximateArrivalTimestamp; !t.IsZero() {
			b = append(b, `,"ApproximateArrivalTimestamp":`...)
			if stamp.end != 0 && t.Equal(stamp.t) {
				b = append(b, b[stamp.start:stamp.end]...)
			} else {
				stamp.t, stamp.start = t, len(b)
				b = appendEpochSeconds(b, t.UnixMilli())
				stamp.end = len(b)
			}
		}
		b = append(b, `,"Data":"`...)
		b = appendBase64(b, r.Data)
		b = append(b, `","PartitionKey":`...)
		b = appendJSONString(b, r.PartitionKey)
		if r.EncryptionType != "" {
			b = append(b, `,"EncryptionType":`...)
			b = appendJSONString(b, string(r.EncryptionType))
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendEngineRecordsCBOR(b []byte, recs []freshet.Record) []byte {
	b = slices.Grow(b, engineRecordsSize(recs))
	b = appendCBORHead(b, cborArray, uint64(len(recs)))
	var stamp arrivalStamp
	var last lastSequence
	for i := range recs {
		r := &recs[i]
		n := 3
		t := r.ApproximateArrivalTimestamp
		if !t.IsZero() {
			n++
		}
		if r.EncryptionType != "" {
			n++
		}
		b = appendCBORHead(b, cborMap, uint64(n))
		b = append(b, cborSequenceNumberKey...)
		b = last.appendCBORDigits(b, r.SequenceNumber)
		if !t.IsZero() {
			b = append(b, cborArrivalKey...)
			if stamp.end != 0 && t.Equal(stamp.t) {
				b = append(b, b[stamp.start:stamp.end]...)
			} else {
				stamp.t, stamp.start = t, len(b)
				b = appendCBORTimestamp(b, t.UnixMilli())
				stamp.end = len(b)
			}
		}
		b = append(b, cborDataKey...)
		b = append(appendCBORHead(b, cborBytes, uint64(len(r.Data))), r.Data...)
		b = append(b, cborPartitionKeyKey...)
		b = appendCBORText(b, r.PartitionKey)
		if r.EncryptionType != "" {
			b = append(b, cborEncryptionKey...)
			b = appendCBORText(b, string(r.EncryptionType))
		}
	}
	return b
}

// lastSequence remembers the last sequence number a list encoded and where
// its digits lie in the buffer: the next one, mostly its successor in the
// shard, is formatted from them (SequenceNumber.AppendDecimalAfter).
type lastSequence struct {
	sn         freshet.SequenceNumber
	start, end int
}

// appendDigits appends the decimal digits of sn.
func (l *lastSequence) appendDigits(b []byte, sn freshet.SequenceNumber) []byte {
	start := len(b)
	b = sn.AppendDecimalAfter(b, l.sn, b[l.start:l.end])
	l.sn, l.start, l.end = sn, start, len(b)
	return b
}

// appendCBORDigits appends the decimal digits of sn as a text string.
func (l *lastSequence) appendCBORDigits(b []byte, sn freshet.SequenceNumber) []byte {
	var digits [maxSequenceDigits]byte
	d := sn.AppendDecimalAfter(digits[:0], l.sn, b[l.start:l.end])
	b = appendCBORHead(b, cborText, uint64(len(d)))
	l.sn, l.start, l.end = sn, len(b), len(b)+len(d)
	return append(b, d...)
}

// shardSequences are the last sequence numbers of the shards a PutRecords
// output interleaves, by the low bits of their shard index: the entries
// routed to one shard are successors.
type shardSequences [8]lastSequence

func (s *shardSequences) of(sn freshet.SequenceNumber) *lastSequence {
	return &s[sn.ShardIndex()&7]
}

func appendPutRecordsJSON(b []byte, out *PutRecordsOutput) []byte {
	b = slices.Grow(b, 64+len(out.Records)*(maxSequenceDigits+64))
	b = append(b, `{"FailedRecordCount":`...)
	b = strconv.AppendInt(b, int64(int32(out.FailedRecordCount)), 10)
	b = append(b, `,"Records":[`...)
	var lasts shardSequences
	for i := range out.Records {
		r := &out.Records[i]
		if i > 0 {
			b = append(b, ',')
		}
		if r.ErrorCode != "" {
			b = append(b, `{"ErrorCode":`...)
			b = appendJSONString(b, r.ErrorCode)
			b = append(b, `,"ErrorMessage":`...)
			b = appendJSONString(b, r.ErrorMessage)
		} else {
			b = append(b, `{"SequenceNumber":"`...)
			b = append(lasts.of(r.SequenceNumber).appendDigits(b, r.SequenceNumber), `","ShardId":`...)
			b = appendJSONString(b, r.ShardId)
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	if out.EncryptionType != "" {
		b = append(b, `,"EncryptionType":`...)
		b = appendJSONString(b, string(out.EncryptionType))
	}
	return append(b, '}')
}

func appendPutRecordsCBOR(b []byte, out *PutRecordsOutput) []byte {
	b = slices.Grow(b, 64+len(out.Records)*(maxSequenceDigits+64))
	n := 2
	if out.EncryptionType != "" {
		n++
	}
	b = appendCBORHead(b, cborMap, uint64(n))
	b = append(b, cborFailedRecordCountKey...)
	b = appendCBORInt(b, int64(int32(out.FailedRecordCount)))
	b = append(b, cborRecordsKey...)
	b = appendCBORHead(b, cborArray, uint64(len(out.Records)))
	var lasts shardSequences
	for i := range out.Records {
		r := &out.Records[i]
		b = appendCBORHead(b, cborMap, 2)
		if r.ErrorCode != "" {
			b = append(b, cborResultEntryKeys[2]...)
			b = appendCBORText(b, r.ErrorCode)
			b = append(b, cborResultEntryKeys[3]...)
			b = appendCBORText(b, r.ErrorMessage)
			continue
		}
		b = append(b, cborSequenceNumberKey...)
		b = lasts.of(r.SequenceNumber).appendCBORDigits(b, r.SequenceNumber)
		b = append(b, cborResultEntryKeys[1]...)
		b = appendCBORText(b, r.ShardId)
	}
	if out.EncryptionType != "" {
		b = append(b, cborEncryptionKey...)
		b = appendCBORText(b, string(out.EncryptionType))
	}
	return b
}

// The CBOR member names of the responses, as text strings.
var (
	cborRecordsKey            = cborKey("Records")
	cborNextShardIteratorKey  = cborKey("NextShardIterator")
	cborMillisBehindLatestKey = cborKey("MillisBehindLatest")
	cborChildShardsKey        = cborKey("ChildShards")
	cborFailedRecordCountKey  = cborKey("FailedRecordCount")
)
