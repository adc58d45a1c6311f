package kinesisapi

// Behavior: SubscribeToShard (docs/kinesis-notes.md §1.7). Everything the engine can refuse
// up front (validation, unknown consumer or shard, consumer not ACTIVE,
// another subscription within 5 s, the subscribe rate limit) is a normal
// JSON or CBOR error response. Otherwise the answer is 200 with an
// application/vnd.amazon.eventstream body: an initial-response event with
// payload {}, then one SubscribeToShardEvent per event of the engine's
// Subscription (records, 5-second heartbeats, and at the end of a closed
// shard a last event without ContinuationSequenceNumber but with
// ChildShards), each flushed at once. Payloads are JSON, or CBOR for CBOR
// requests, with :content-type saying which. The body ends cleanly when the
// subscription's 5-minute lifetime ends, after the shard-end event, and
// when the handler closes; it ends with an exception message (for example
// ResourceInUseException when a newer subscription takes over) when the
// engine fails the subscription; it stops when the client goes away.
// The handler does not depend on the HTTP version: HTTP/1.1 chunked and
// HTTP/2 streams both work (see NewServer).

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/eventstream"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// Event-stream constants of SubscribeToShard.
const (
	eventStreamContentType = "application/vnd.amazon.eventstream"
	initialResponseEvent   = "initial-response"
	subscribeEvent         = "SubscribeToShardEvent"
	// jsonPayloadType is the :content-type of JSON event payloads.
	jsonPayloadType = "application/json"
)

// exceptionPayload is the payload of an exception message.
type exceptionPayload struct {
	Message string `json:"message"`
}

// subscribe serves SubscribeToShard: it starts the engine's subscription
// and streams its events until it ends, the client goes away or the handler
// closes.
func (c *call) subscribe(ctx context.Context, e *freshet.Engine, r *wire.SubscribeToShardRequest) {
	sub, err := e.SubscribeToShard(ctx, &freshet.SubscribeToShardInput{
		ConsumerARN:      str(r.ConsumerARN),
		ShardId:          str(r.ShardId),
		StartingPosition: startingPosition(r.StartingPosition),
	})
	if err != nil {
		c.writeError(err)
		return
	}
	defer sub.Close()
	if !c.h.addSubscription(sub) {
		c.writeError(errHandlerClosed)
		return
	}
	defer c.h.removeSubscription(sub)

	payloadType := jsonPayloadType
	if c.isCBOR() {
		payloadType = wire.ContentTypeCBOR
	}
	c.w.Header().Set("Content-Type", eventStreamContentType)
	c.started = true
	c.status = http.StatusOK
	c.w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(c.w)
	enc := eventstream.NewEncoder(c.w)
	send := func(m eventstream.Message) bool {
		if err := enc.WriteMessage(m); err != nil {
			c.h.log.Debug("kinesisapi: writing an event", "requestId", c.requestID, "error", err)
			return false
		}
		// A ResponseWriter that cannot flush (a middleware without Unwrap)
		// still gets the events, only later.
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			c.h.log.Debug("kinesisapi: flushing an event", "requestId", c.requestID, "error", err)
			return false
		}
		return true
	}
	encode := func(v any) []byte {
		b, err := wire.Encode(c.contentType, v)
		if err != nil { // wire structs always encode; keep going with an empty payload
			c.h.log.Error("kinesisapi: encoding an event", "requestId", c.requestID, "error", err)
		}
		return b
	}

	if !send(eventstream.EventMessage(initialResponseEvent, payloadType, encode(&wire.SubscribeToShardResponse{}))) {
		return
	}
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			var kerr *freshet.Error
			switch {
			case errors.Is(err, io.EOF), errors.Is(err, freshet.ErrClosed), ctx.Err() != nil:
				return
			case errors.As(err, &kerr):
				send(eventstream.ExceptionMessage(kerr.Code, payloadType, encode(&exceptionPayload{Message: kerr.Message})))
			default:
				c.h.log.Error("kinesisapi: subscription failed", "requestId", c.requestID, "error", err)
				send(eventstream.ExceptionMessage(codeInternalFailureEvent, payloadType, encode(&exceptionPayload{Message: "Internal Service Failure"})))
			}
			return
		}
		if !send(eventstream.EventMessage(subscribeEvent, payloadType, encode(wireEvent(ev)))) {
			return
		}
	}
}

// wireEvent converts a subscription event. The last event of a closed
// shard has no ContinuationSequenceNumber and always carries ChildShards.
func wireEvent(ev *freshet.SubscribeToShardEvent) *wire.SubscribeToShardEvent {
	out := &wire.SubscribeToShardEvent{
		Records:                    wireRecords(ev.Records),
		ContinuationSequenceNumber: optSequenceNumber(ev.ContinuationSequenceNumber),
		MillisBehindLatest:         ev.MillisBehindLatest,
		ChildShards:                wireChildShards(ev.ChildShards),
	}
	if out.ContinuationSequenceNumber == nil && out.ChildShards == nil {
		out.ChildShards = []wire.ChildShard{}
	}
	return out
}
