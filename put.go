package freshet

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/freshet-io/freshet/internal/constraint"
	"github.com/freshet-io/freshet/internal/readbuf"
)

// PutRecordInput is the input of PutRecord.
type PutRecordInput struct {
	// StreamName or StreamARN (or both) address the stream.
	StreamName string
	StreamARN  string
	// Data is the payload; it may be empty. Data plus the partition key
	// may not exceed the stream's maximum record size (1 MiB by default).
	// The engine copies it.
	Data []byte
	// PartitionKey is required: 1 to 256 UTF-16 code units, as Kinesis
	// counts (an emoji counts 2). Its MD5 hash picks the shard.
	PartitionKey string
	// ExplicitHashKey, a decimal in [0, 2^128-1], overrides the partition
	// key's hash for routing.
	ExplicitHashKey string
	// SequenceNumberForOrdering is validated (a version-2 or version-1
	// sequence number whose shard creation and record times are not in the
	// future) but changes nothing: the engine always assigns strictly
	// increasing sequence numbers per shard.
	SequenceNumberForOrdering string
}

// PutRecordOutput is the output of PutRecord.
type PutRecordOutput struct {
	// ShardId is the shard the record was written to.
	ShardId string
	// SequenceNumber is the record's sequence number.
	SequenceNumber SequenceNumber
	// EncryptionType is KMS when the stream encrypts records.
	EncryptionType EncryptionType
}

// PutRecord writes one record to the open shard whose hash-key range holds
// the MD5 hash of its partition key (or its ExplicitHashKey).
func (e *Engine) PutRecord(ctx context.Context, in *PutRecordInput) (*PutRecordOutput, error) {
	return invoke(ctx, e, OpPutRecord, in, e.putRecord)
}

// putRecord implements PutRecord.
func (e *Engine) putRecord(ctx context.Context, in *PutRecordInput) (*PutRecordOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, now, err := e.writableStream(ctx, OpPutRecord, in.StreamName, in.StreamARN, in)
	if err != nil {
		return nil, err
	}
	r, err := newRouter(in.PartitionKey, in.ExplicitHashKey)
	if err != nil {
		return nil, err
	}
	if in.SequenceNumberForOrdering != "" {
		sn, err := ParseSequenceNumber(in.SequenceNumberForOrdering)
		if err != nil || !validOrderingSequenceNumber(sn, now) {
			return nil, errInvalid("ExclusiveMinimumSequenceNumber %s used in PutRecord on stream %s under account %s is invalid.",
				in.SequenceNumberForOrdering, st.name, e.cfg.account)
		}
	}
	if err := st.checkRecordSize(in.PartitionKey, in.Data); err != nil {
		return nil, err
	}
	flags, enc := st.encryptionFlags()
	var start time.Time
	if sampleLatency() {
		start = time.Now()
	}
	for {
		sh := r.route(st)
		if sh == nil {
			return nil, e.errStreamNotFound(st.name)
		}
		if err := e.beforeShard(ctx, OpPutRecord, st.name, sh.id, in); err != nil {
			return nil, err
		}
		counter, arrival, res := sh.append(in.PartitionKey, in.Data, now, flags, true)
		switch res {
		case appended:
			if err := sh.awaitDurable(counter); err != nil {
				return nil, err
			}
			if !start.IsZero() {
				st.counters.putRecordLatency.observe(time.Since(start))
			}
			out := sh.outputs.next()
			out.ShardId = sh.id
			out.SequenceNumber = makeSequenceNumber(sh.createdSec, sh.index, counter, arrival/1000)
			out.EncryptionType = enc
			return out, nil
		case appendThrottled:
			return nil, e.errWriteThrottled(st.name, sh.id)
		case appendGone:
			return nil, e.errStreamNotFound(st.name)
		case appendFailed:
			if sh.log.recover() {
				continue // the log works again: write again
			}
			return nil, sh.appendError(res)
		case appendNoMemory:
			return nil, sh.appendError(res)
		}
		// appendClosed: a reshard closed the shard; route again.
	}
}

// validOrderingSequenceNumber reports whether sn is acceptable as a
// SequenceNumberForOrdering at now: a version-2 sequence number (the layout
// freshet and current Kinesis issue) or, as Kinesis still accepts them, a
// version-1 one, whose shard creation time and record time are not in the
// future.
func validOrderingSequenceNumber(sn SequenceNumber, now time.Time) bool {
	var recordSec int64
	switch {
	case sn.Valid():
		recordSec = sn.Time().Unix()
	case sn.top>>56 == 2 && sn.top>>52&0xf < 8 && sn.lo&0xf == 1:
		// Version 1: below 1.5*2^185, version nibble 1, the record time
		// in bits 100-135.
		recordSec = int64(sn.hi>>36 | (sn.top&0xff)<<28)
	default:
		return false
	}
	sec := now.Unix()
	return sn.shardCreatedSec() <= sec && recordSec <= sec
}

// writableStream resolves the stream of a write and checks that the
// stream accepts writes. It returns the time of the write, read once after
// the call's interceptors (which may delay the call) have run: reading the
// clock is a measurable part of a PutRecord.
func (e *Engine) writableStream(ctx context.Context, op Operation, name, arn string, in any) (*Stream, time.Time, error) {
	n, err := e.streamNameOf(name, arn)
	if err != nil {
		return nil, time.Time{}, err
	}
	now := e.now()
	st := e.lookupNameAt(n, now)
	if st == nil || st.status(now) == StreamStatusCreating {
		return nil, time.Time{}, e.errStreamNotFound(n)
	}
	return st, now, nil
}

// routingKey returns the hash key a record is routed by.
func routingKey(partitionKey, explicit string) (HashKey, error) {
	if explicit == "" {
		return HashPartitionKey(partitionKey), nil
	}
	k, err := ParseHashKey(explicit)
	if err != nil {
		return HashKey{}, errInvalid("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", explicit)
	}
	return k, nil
}

// checkRecordSize enforces the stream's maximum record size.
func (st *Stream) checkRecordSize(key string, data []byte) error {
	n := len(key) + len(data)
	if max := st.maxRecordSize.Load(); int64(n) > max {
		return errInvalid("Record size %d bytes exceeds the maximum record size of %d bytes for stream %s under account %s.",
			n, max, st.name, st.e.cfg.account)
	}
	return nil
}

// encryptionFlags returns the entry flags and EncryptionType of new records.
func (st *Stream) encryptionFlags() (uint16, EncryptionType) {
	if st.encrypted.Load() {
		return entryKMS, EncryptionKMS
	}
	return 0, EncryptionNone
}

// PutRecordsRequestEntry is one record of a PutRecords request.
type PutRecordsRequestEntry struct {
	Data            []byte
	PartitionKey    string
	ExplicitHashKey string
}

// PutRecordsInput is the input of PutRecords.
type PutRecordsInput struct {
	StreamName string
	StreamARN  string
	// Records holds 1 to 500 entries, 10 MiB in all (data and partition
	// keys).
	Records []PutRecordsRequestEntry
}

// PutRecordsResultEntry is the result of one PutRecords entry: a shard and
// sequence number on success, an ErrorCode and ErrorMessage on failure.
type PutRecordsResultEntry struct {
	SequenceNumber SequenceNumber
	ShardId        string
	ErrorCode      string
	ErrorMessage   string
}

// PutRecordsOutput is the output of PutRecords.
type PutRecordsOutput struct {
	// FailedRecordCount counts the entries that failed.
	FailedRecordCount int
	// Records has one result per request entry, in request order.
	Records []PutRecordsResultEntry
	// EncryptionType is KMS when the stream encrypts records.
	EncryptionType EncryptionType
}

// PutRecords writes up to 500 records in one call. Entries are written in
// request order, so entries routed to the same shard get increasing
// sequence numbers in that order. An entry that is throttled (or failed by
// an interceptor) fails alone; the others are written.
func (e *Engine) PutRecords(ctx context.Context, in *PutRecordsInput) (*PutRecordsOutput, error) {
	return invoke(ctx, e, OpPutRecords, in, e.putRecords)
}

// putRecords implements PutRecords in four steps: validate the input,
// route and size every entry (rejecting the whole request on a bad entry),
// write the entries in request order, and count the outcome.
func (e *Engine) putRecords(ctx context.Context, in *PutRecordsInput) (*PutRecordsOutput, error) {
	start := time.Now()
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, now, err := e.writableStream(ctx, OpPutRecords, in.StreamName, in.StreamARN, in)
	if err != nil {
		return nil, err
	}
	routers := getRouters(len(in.Records))
	defer putRouters(routers)
	if err := e.routePutRecords(st, in.Records, routers); err != nil {
		return nil, err
	}
	flags, enc := st.encryptionFlags()
	out := &PutRecordsOutput{Records: putRecordsResults(ctx, len(in.Records)), EncryptionType: enc}
	throttled, err := e.writePutRecords(ctx, st, in, routers, now, flags, out)
	if err != nil {
		return nil, err
	}
	e.awaitPutRecords(st, out)
	st.countPutRecords(len(in.Records), out.FailedRecordCount, throttled, start)
	return out, nil
}

// routerLists holds the router lists of finished PutRecords calls, each of
// room for a whole request, so that a call allocates nothing beyond its
// output.
var routerLists = sync.Pool{New: func() any { return new([putRecordsMaxEntries]router) }}

// putRecordsMaxEntries is the most entries a PutRecords call holds
// (constraint.PutRecordsList.MaxLen).
const putRecordsMaxEntries = 500

// getRouters returns n zero routers: from routerLists when n entries fit.
func getRouters(n int) []router {
	if n > putRecordsMaxEntries {
		return make([]router, n) // validation refuses the call
	}
	return routerLists.Get().(*[putRecordsMaxEntries]router)[:n]
}

// putRouters clears routers, from getRouters, and returns their list to
// routerLists.
func putRouters(routers []router) {
	if cap(routers) != putRecordsMaxEntries {
		return
	}
	clear(routers) // drop the partition keys
	routerLists.Put((*[putRecordsMaxEntries]router)(routers[:putRecordsMaxEntries]))
}

// putRecordsResults returns n zero results: in the list the caller lends
// through ctx (internal/readbuf) when it is large enough.
func putRecordsResults(ctx context.Context, n int) []PutRecordsResultEntry {
	if dst := readbuf.From[PutRecordsResultEntry](ctx); cap(dst) >= n {
		dst = dst[:n]
		clear(dst)
		return dst
	}
	return make([]PutRecordsResultEntry, n)
}

// routePutRecords fills routers[i] with the router of records[i] and checks
// each record's size and the request's total size against the stream's
// limits. Any failure rejects the whole request.
func (e *Engine) routePutRecords(st *Stream, records []PutRecordsRequestEntry, routers []router) error {
	total := 0
	for i := range records {
		r := &records[i]
		var err error
		if routers[i], err = newRouter(r.PartitionKey, r.ExplicitHashKey); err != nil {
			return err
		}
		if err := st.checkRecordSize(r.PartitionKey, r.Data); err != nil {
			return err
		}
		total += len(r.PartitionKey) + len(r.Data)
	}
	if total > maxPutRecordsBytes {
		return errInvalid("Records size %d bytes exceeds the maximum PutRecords request size of %d bytes for stream %s under account %s.",
			total, maxPutRecordsBytes, st.name, e.cfg.account)
	}
	return nil
}

// writePutRecords appends in.Records to their shards in request order,
// filling out.Records and out.FailedRecordCount; an entry that is
// throttled or failed by an interceptor fails alone. It returns how many
// entries failed by throttling, and an error only when the stream is gone.
func (e *Engine) writePutRecords(ctx context.Context, st *Stream, in *PutRecordsInput, routers []router, now time.Time, flags uint16, out *PutRecordsOutput) (throttled int, err error) {
	for i := range in.Records {
		r := &in.Records[i]
		res := &out.Records[i]
		for {
			sh := routers[i].route(st)
			if sh == nil {
				return 0, e.errStreamNotFound(st.name)
			}
			if err := e.beforeShard(ctx, OpPutRecords, st.name, sh.id, in); err != nil {
				res.ErrorCode, res.ErrorMessage = errorFields(err)
				out.FailedRecordCount++
				if res.ErrorCode == codeProvisionedThroughputExceeded {
					throttled++
				}
				break
			}
			counter, arrival, ar := sh.append(r.PartitionKey, r.Data, now, flags, false)
			if ar == appendClosed || ar == appendFailed && sh.log.recover() {
				continue // resharded, or the log works again: write again
			}
			switch ar {
			case appended:
				res.ShardId = sh.id
				res.SequenceNumber = makeSequenceNumber(sh.createdSec, sh.index, counter, arrival/1000)
			case appendThrottled:
				res.ErrorCode, res.ErrorMessage = errorFields(e.errWriteThrottled(st.name, sh.id))
				out.FailedRecordCount++
				throttled++
			case appendGone:
				return 0, e.errStreamNotFound(st.name)
			case appendNoMemory, appendFailed:
				res.ErrorCode, res.ErrorMessage = errorFields(sh.appendError(ar))
				out.FailedRecordCount++
				if ar == appendNoMemory {
					throttled++
				}
			}
			break
		}
	}
	return throttled, nil
}

// countPutRecords records in the stream's metrics a PutRecords call begun
// at start with n entries, failed of them failing (throttled of those by
// throttling).
func (st *Stream) countPutRecords(n, failed, throttled int, start time.Time) {
	c := &st.counters
	c.putRecordsTotal.Add(int64(n))
	c.putRecordsOK.Add(int64(n - failed))
	if failed == 0 {
		c.putRecordsSuccess.Add(1)
	} else {
		c.putRecordsFailed.Add(int64(failed - throttled))
		c.putRecordsThrottled.Add(int64(throttled))
	}
	c.putRecordsLatency.observe(time.Since(start))
}

// errorFields splits an error into a PutRecords ErrorCode and ErrorMessage.
func errorFields(err error) (code, msg string) {
	var kerr *Error
	if errors.As(err, &kerr) {
		return kerr.Code, kerr.Message
	}
	return codeInternalFailure, "Internal Service Failure"
}

// maxDataBytes is the model's maximum blob size for Data.
const maxDataBytes = constraint.MaxDataBytes
