// Package eventstream encodes and decodes the AWS event-stream binary
// format (content type application/vnd.amazon.eventstream), the framing of
// SubscribeToShard response bodies (docs/kinesis-notes.md §1.7.2).
//
// # Format
//
// A stream is a sequence of self-delimiting messages. Every integer is
// big-endian, and both checksums are CRC-32 (IEEE, as in zlib and
// [hash/crc32.ChecksumIEEE]):
//
//	total_length   uint32  12 + headers_length + payload length + 4
//	headers_length uint32
//	prelude_crc    uint32  CRC of the 8 bytes above
//	headers        [headers_length]byte
//	payload        [total_length - headers_length - 16]byte
//	message_crc    uint32  CRC of every preceding byte of the message
//
// The header section is a run of headers, each encoded as
//
//	name_len uint8 | name [name_len]byte | type uint8 | value
//
// where the value depends on the type: nothing for the two booleans, 1, 2, 4
// or 8 bytes for the integers and the timestamp (epoch milliseconds), a
// uint16 length then the bytes for byte arrays and strings, and 16 bytes for
// a UUID. See [HeaderType].
//
// Kinesis only uses string headers; the three kinds of message it sends are
// built by [EventMessage], [ExceptionMessage] and [ErrorMessage].
//
// # Limits
//
// The encoder enforces every limit of the format: payload at most
// [MaxPayloadLength] bytes, encoded headers at most [MaxHeadersLength]
// bytes, header names of 1 to [MaxHeaderNameLength] bytes, string and
// byte-array values of at most [MaxHeaderValueLength] bytes. Violations are
// reported as errors and nothing is written.
//
// The decoder follows the rule that clients must not enforce the service's
// size limits: it accepts any split between headers and payload, and only
// rejects a message longer than [MaxMessageLength] (the longest message an
// encoder may produce) before allocating anything for it. It checks the
// structure (lengths, header layout, known value types, non-empty names) and
// both checksums. Neither side validates that names and string values are
// UTF-8; they are carried as opaque bytes, as the AWS SDKs do.
//
// # Memory and concurrency
//
// Decoding a message allocates one buffer holding its headers and payload;
// the returned payload and byte-array values alias that buffer, which the
// caller then owns. The buffer grows as bytes arrive, so a truncated stream
// whose prelude announces a large message costs memory in proportion to
// what was actually received. Encoding appends into a buffer that an
// [Encoder] keeps between messages, so steady-state encoding does not
// allocate.
//
// Encoder and Decoder values are not safe for concurrent use; the package
// functions are.
//
// # Not implemented
//
// Event-stream signing (the :chunk-signature and :date headers that clients
// add to request streams) is not implemented: Kinesis streams flow from
// server to client only.
package eventstream
