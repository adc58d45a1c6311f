package freshet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Call describes an API call as an interceptor sees it.
//
// Every operation is intercepted once when it starts, at one point: after
// authorization and before its input is validated, with ShardId empty and
// StreamName set to the stream the call addresses however it addresses it
// (by name, by stream ARN, by consumer or resource ARN, or through a
// shard iterator). Operations that touch a shard are intercepted again
// once the shard is known, with ShardId set: PutRecord after routing,
// every PutRecords entry after routing, GetShardIterator, GetRecords and
// SubscribeToShard.
type Call struct {
	// Operation is the Kinesis operation, such as OpPutRecord.
	Operation Operation
	// StreamName is the name of the stream the call addresses, however it
	// addresses it; "" for operations on no stream (ListStreams, ...).
	StreamName string
	// ShardId is the shard the call touches, in shard-level interception.
	ShardId string
	// Input is the operation's input (*PutRecordInput, ...); treat it as
	// read-only. It is the caller's: behind kinesisapi's handler, the
	// record data and entries of PutRecord and PutRecords inputs are
	// memory the handler reuses for later requests, so an interceptor that
	// keeps any of it past its return must copy it.
	Input any
}

// Interceptor sees a call before the engine runs it. Returning a non-nil
// error fails the call with that error instead (in PutRecords, a
// shard-level error fails only the entries routed to that shard, with the
// error's code as ErrorCode). An interceptor may block to delay the call;
// it should return when ctx is done. Interceptors run in registration
// order, on the calling goroutine, and must be safe for concurrent use.
type Interceptor func(ctx context.Context, call *Call) error

// Fault is a ready-made interceptor rule for Engine.InjectFault: the calls
// it matches wait for Delay and then fail with Err.
type Fault struct {
	// Operation restricts the fault to one operation ("" matches all).
	// InjectFault panics on a name that is not one of Operations.
	Operation Operation
	// StreamName restricts the fault to one stream ("" matches all).
	StreamName string
	// ShardId restricts the fault to calls (or PutRecords entries) on one
	// shard. Empty means the fault applies to whole calls.
	ShardId string
	// Times is how many matching calls the fault affects; zero means every
	// matching call until the fault is removed.
	Times int
	// Err is the error matching calls fail with. A sentinel such as
	// ErrProvisionedThroughputExceeded gets the message Kinesis would send
	// in context. Nil means the calls only wait.
	Err error
	// Delay is how long matching calls wait first, on the engine's clock.
	Delay time.Duration
}

type interceptors struct {
	n    atomic.Int32
	mu   sync.Mutex
	list []*interceptorEntry
}

type interceptorEntry struct {
	fn Interceptor
}

// Intercept registers fn for every call until remove is called.
func (e *Engine) Intercept(fn Interceptor) (remove func()) {
	ent := &interceptorEntry{fn: fn}
	ic := &e.intercept
	ic.mu.Lock()
	ic.list = append(ic.list, ent)
	ic.n.Store(int32(len(ic.list)))
	ic.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			ic.mu.Lock()
			defer ic.mu.Unlock()
			for i, x := range ic.list {
				if x == ent {
					ic.list = append(ic.list[:i:i], ic.list[i+1:]...)
					break
				}
			}
			ic.n.Store(int32(len(ic.list)))
		})
	}
}

// InjectFault registers a fault rule (see Fault) until remove is called or
// its Times are used up. For example, to make the next three PutRecord calls
// on shard 1 throttle:
//
//	e.InjectFault(freshet.Fault{Operation: freshet.OpPutRecord, ShardId: "shardId-000000000001",
//		Times: 3, Err: freshet.ErrProvisionedThroughputExceeded})
func (e *Engine) InjectFault(f Fault) (remove func()) {
	if f.Operation != "" && !f.Operation.Known() {
		panic(fmt.Sprintf("freshet: InjectFault: %q is not an operation of the Kinesis API (see Operations)", f.Operation))
	}
	var left atomic.Int64
	left.Store(int64(f.Times))
	// The interceptor can run before Intercept returns its remover (a call
	// in flight on another goroutine), so the remover is published
	// atomically; an interceptor whose count ran out before then stays a
	// no-op until remove is called.
	var removeFn atomic.Pointer[func()]
	remove = e.Intercept(func(ctx context.Context, c *Call) error {
		if f.Operation != "" && f.Operation != c.Operation ||
			f.StreamName != "" && f.StreamName != c.StreamName ||
			f.ShardId != c.ShardId {
			return nil
		}
		if f.Times > 0 {
			n := left.Add(-1)
			if n < 0 {
				return nil
			}
			if n == 0 {
				if r := removeFn.Load(); r != nil {
					defer (*r)()
				}
			}
		}
		if f.Delay > 0 {
			t := e.cfg.clock.NewTimer(f.Delay)
			select {
			case <-t.C():
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		}
		return e.faultError(f.Err, c)
	})
	removeFn.Store(&remove)
	return remove
}

// faultError fills in the message Kinesis would send for a bare sentinel.
func (e *Engine) faultError(err error, c *Call) error {
	var kerr *Error
	if err == nil || !errors.As(err, &kerr) || kerr.Message != "" {
		return err
	}
	switch kerr.Code {
	case codeProvisionedThroughputExceeded:
		shard := c.ShardId
		if shard == "" {
			shard = e.faultShard(c)
		}
		switch {
		case c.Operation == OpGetRecords || c.Operation == OpGetShardIterator || c.Operation == OpSubscribeToShard:
			// as the engine's own read throttling
			return e.errReadThrottled(c.StreamName, shard)
		case shard == "":
			// A PutRecords call over several shards: no shard to name.
			return NewError(codeProvisionedThroughputExceeded, "Rate exceeded for stream %s under account %s.", c.StreamName, e.cfg.account)
		}
		return e.errWriteThrottled(c.StreamName, shard)
	case codeLimitExceeded:
		return errLimit("Rate exceeded for stream %s under account %s.", c.StreamName, e.cfg.account)
	case codeInternalFailureException, codeInternalFailure:
		return NewError(kerr.Code, "Internal Service Failure")
	case codeResourceNotFound:
		return e.errStreamNotFound(c.StreamName)
	}
	return NewError(kerr.Code, "%s injected by freshet for %s", kerr.Code, c.Operation)
}

// faultShard names the shard a call-level fault's message refers to: the
// shard the call addresses (for PutRecords, the shard of all its entries,
// or "" when they route to several shards).
func (e *Engine) faultShard(c *Call) string {
	var key HashKey
	switch in := c.Input.(type) {
	case *GetRecordsInput:
		if _, sh, _, err := e.openIterator(in.ShardIterator, e.now()); err == nil {
			return sh.id
		}
		return ""
	case *GetShardIteratorInput:
		return e.normalShardID(in.ShardId)
	case *SubscribeToShardInput:
		return e.normalShardID(in.ShardId)
	case *PutRecordInput:
		key, _ = routingKey(in.PartitionKey, in.ExplicitHashKey)
	case *PutRecordsInput:
		return e.putRecordsShard(c.StreamName, in)
	default:
		return ""
	}
	if st := e.lookupName(c.StreamName); st != nil {
		if sh := st.route(key); sh != nil {
			return sh.id
		}
	}
	return ""
}

// putRecordsShard returns the shard every entry of a PutRecords call
// routes to, or "" if they route to several (or none).
func (e *Engine) putRecordsShard(stream string, in *PutRecordsInput) string {
	st := e.lookupName(stream)
	if st == nil {
		return ""
	}
	shard := ""
	for i := range in.Records {
		key, err := routingKey(in.Records[i].PartitionKey, in.Records[i].ExplicitHashKey)
		if err != nil {
			return ""
		}
		sh := st.route(key)
		switch {
		case sh == nil:
			return ""
		case shard == "":
			shard = sh.id
		case shard != sh.id:
			return ""
		}
	}
	return shard
}

func (e *Engine) normalShardID(id string) string {
	if idx, ok := parseShardID(id); ok {
		return shardID(idx)
	}
	return id
}

func (e *Engine) errWriteThrottled(stream, shard string) error {
	return NewError(codeProvisionedThroughputExceeded, "Rate exceeded for shard %s in stream %s under account %s.", shard, stream, e.cfg.account)
}

func (e *Engine) errReadThrottled(stream, shard string) error {
	return NewError(codeProvisionedThroughputExceeded, "Rate exceeded for Shard - %s/%s/%s", e.cfg.account, stream, shard)
}

// interceptedFn returns fn preceded by the call-level interceptors: the
// one point where every operation is intercepted, after authorization and
// before its input is validated.
func interceptedFn[I, O any](e *Engine, op Operation, fn func(context.Context, *I) (*O, error)) func(context.Context, *I) (*O, error) {
	return func(ctx context.Context, in *I) (*O, error) {
		if err := e.runInterceptors(ctx, &Call{Operation: op, StreamName: e.streamOfCall(in), Input: in}); err != nil {
			return nil, err
		}
		return fn(ctx, in)
	}
}

// streamOfCall returns the name of the stream an input addresses, by
// StreamName, StreamARN, ConsumerARN, ResourceARN or shard iterator, or
// "" for operations that address no stream.
func (e *Engine) streamOfCall(in any) string {
	arn := e.resourceOf(in)
	_, rest, ok := strings.Cut(arn, ":stream/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// beforeShard runs the shard-level interceptors of an operation.
func (e *Engine) beforeShard(ctx context.Context, op Operation, stream, shard string, in any) error {
	if e.intercept.n.Load() == 0 {
		return nil
	}
	return e.runInterceptors(ctx, &Call{Operation: op, StreamName: stream, ShardId: shard, Input: in})
}

func (e *Engine) runInterceptors(ctx context.Context, c *Call) error {
	e.intercept.mu.Lock()
	list := append([]*interceptorEntry(nil), e.intercept.list...)
	e.intercept.mu.Unlock()
	for _, ent := range list {
		if err := ent.fn(ctx, c); err != nil {
			return err
		}
	}
	return nil
}
