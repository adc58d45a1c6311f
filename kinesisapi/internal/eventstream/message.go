package eventstream

import "errors"

// Limits of the format. The encoder enforces all of them; the decoder only
// rejects messages longer than MaxMessageLength (see the package doc).
const (
	// MaxPayloadLength is the largest payload a message may carry: 24 MiB.
	MaxPayloadLength = 24 << 20
	// MaxHeadersLength is the largest encoded header section: 128 KiB.
	MaxHeadersLength = 128 << 10
	// MaxHeaderNameLength is the longest header name, in bytes.
	MaxHeaderNameLength = 255
	// MaxHeaderValueLength is the longest string or byte-array header
	// value, in bytes.
	MaxHeaderValueLength = 65535
	// MaxMessageLength is the longest encoded message: the 16 bytes of
	// prelude and checksums plus the largest header section and payload.
	MaxMessageLength = minMessageLength + MaxHeadersLength + MaxPayloadLength
)

const (
	preludeLength    = 12 // total_length, headers_length, prelude_crc
	crcLength        = 4
	minMessageLength = preludeLength + crcLength
)

// Errors returned by the encoder and the decoder. They are wrapped with
// details; test for them with errors.Is.
var (
	// ErrChecksum reports a prelude or message CRC that does not match the
	// bytes read.
	ErrChecksum = errors.New("eventstream: checksum mismatch")
	// ErrMalformed reports bytes that do not form a valid message: lengths
	// that contradict each other, a header that overruns the header
	// section, an empty header name or an unknown value type.
	ErrMalformed = errors.New("eventstream: malformed message")
	// ErrTooLarge reports a message, payload, header section, header name
	// or header value longer than the format allows.
	ErrTooLarge = errors.New("eventstream: too large")
	// ErrInvalidHeader reports a header the encoder cannot write: an empty
	// name or a nil value.
	ErrInvalidHeader = errors.New("eventstream: invalid header")
)

// Header names and values of the RPC-bound event streams Kinesis uses
// (docs/kinesis-notes.md §1.7.3). The names are those of the AWS SDK for Go v2 package
// aws/protocol/eventstream/eventstreamapi.
const (
	MessageTypeHeader   = ":message-type"   // kind of message: event, exception or error
	EventTypeHeader     = ":event-type"     // event name, e.g. SubscribeToShardEvent
	ContentTypeHeader   = ":content-type"   // media type of the payload
	ExceptionTypeHeader = ":exception-type" // modeled exception name, e.g. ResourceInUseException
	ErrorCodeHeader     = ":error-code"     // code of an unmodeled error
	ErrorMessageHeader  = ":error-message"  // text of an unmodeled error

	EventMessageType     = "event"     // :message-type of an event
	ExceptionMessageType = "exception" // :message-type of a modeled exception
	ErrorMessageType     = "error"     // :message-type of an unmodeled error
)

// Message is one event-stream message: an ordered list of headers and an
// opaque payload. Header names need not be unique; the decoder keeps every
// header, in wire order.
type Message struct {
	// Headers are the message headers in wire order.
	Headers []Header
	// Payload is the message body, nil when empty.
	Payload []byte
}

// Header returns the value of the first header called name, if there is one
// and its value is a string. It reports false otherwise.
func (m Message) Header(name string) (string, bool) {
	for _, h := range m.Headers {
		if h.Name == name {
			s, ok := h.Value.(StringValue)
			return string(s), ok
		}
	}
	return "", false
}

// EventMessage returns an event message: headers :message-type "event",
// :event-type eventType and :content-type contentType, in that order. For
// Kinesis the event type is "initial-response" or "SubscribeToShardEvent"
// and the content type "application/json".
func EventMessage(eventType, contentType string, payload []byte) Message {
	return Message{
		Headers: []Header{
			{Name: MessageTypeHeader, Value: StringValue(EventMessageType)},
			{Name: EventTypeHeader, Value: StringValue(eventType)},
			{Name: ContentTypeHeader, Value: StringValue(contentType)},
		},
		Payload: payload,
	}
}

// ExceptionMessage returns a modeled exception message: headers
// :message-type "exception", :exception-type exceptionType and
// :content-type contentType, in that order. For Kinesis the payload is a
// JSON object such as {"message":"..."}.
func ExceptionMessage(exceptionType, contentType string, payload []byte) Message {
	return Message{
		Headers: []Header{
			{Name: MessageTypeHeader, Value: StringValue(ExceptionMessageType)},
			{Name: ExceptionTypeHeader, Value: StringValue(exceptionType)},
			{Name: ContentTypeHeader, Value: StringValue(contentType)},
		},
		Payload: payload,
	}
}

// ErrorMessage returns an unmodeled error message with no payload: headers
// :message-type "error", :error-code code and :error-message message, in
// that order.
func ErrorMessage(code, message string) Message {
	return Message{
		Headers: []Header{
			{Name: MessageTypeHeader, Value: StringValue(ErrorMessageType)},
			{Name: ErrorCodeHeader, Value: StringValue(code)},
			{Name: ErrorMessageHeader, Value: StringValue(message)},
		},
	}
}
