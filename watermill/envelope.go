package kinesiswm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/ThreeDotsLabs/watermill/message"
)

// EnvelopeVersion is the version of the envelope format that
// MarshalEnvelope writes and UnmarshalEnvelope reads.
const EnvelopeVersion = 1

// envelopeMagic starts every envelope. 0xF7 never starts a UTF-8 text (it
// is not a valid UTF-8 byte), so JSON and other text payloads of
// non-Watermill producers are never mistaken for an envelope.
const envelopeMagic = "\xF7WM"

// headerLen is the length of the magic and the version byte.
const headerLen = len(envelopeMagic) + 1

var (
	// ErrNotEnvelope reports a record that does not start with the
	// envelope's magic bytes: it was written by another producer, or by a
	// Publisher in raw mode.
	ErrNotEnvelope = errors.New("kinesiswm: record is not an envelope")
	// ErrInvalidEnvelope reports a record that starts like an envelope but
	// is truncated, malformed or of an unsupported version.
	ErrInvalidEnvelope = errors.New("kinesiswm: invalid envelope")
)

// MarshalEnvelope returns the record data that carries msg: its UUID, its
// metadata and its payload, in the envelope format (version 1):
//
//	offset  field
//	0       magic, 3 bytes: 0xF7 0x57 0x4D ("\xF7WM")
//	3       version, 1 byte: 0x01
//	4       UUID: uvarint length, then that many bytes
//	        metadata count: uvarint
//	        each entry: uvarint key length, key bytes, uvarint value
//	        length, value bytes; keys in strictly increasing byte order
//	        payload: every remaining byte, to the end of the record
//
// Integers are unsigned LEB128 varints (encoding/binary's Uvarint) in their
// shortest form. The encoding is canonical: a message has exactly one
// envelope, and UnmarshalEnvelope rejects every other byte string.
func MarshalEnvelope(msg *message.Message) []byte {
	return AppendEnvelope(nil, msg)
}

// AppendEnvelope appends the envelope of msg (see MarshalEnvelope) to dst
// and returns the extended slice.
func AppendEnvelope(dst []byte, msg *message.Message) []byte {
	keys := make([]string, 0, len(msg.Metadata))
	size := headerLen + binary.MaxVarintLen64*(2+2*len(msg.Metadata)) + len(msg.UUID) + len(msg.Payload)
	for k, v := range msg.Metadata {
		keys = append(keys, k)
		size += len(k) + len(v)
	}
	slices.Sort(keys)
	dst = slices.Grow(dst, size)
	dst = append(dst, envelopeMagic...)
	dst = append(dst, EnvelopeVersion)
	dst = appendString(dst, msg.UUID)
	dst = binary.AppendUvarint(dst, uint64(len(keys)))
	for _, k := range keys {
		dst = appendString(dst, k)
		dst = appendString(dst, msg.Metadata[k])
	}
	return append(dst, msg.Payload...)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// IsEnvelope reports whether data starts with the envelope's magic bytes.
// It does not check the rest: UnmarshalEnvelope does.
func IsEnvelope(data []byte) bool {
	return len(data) >= len(envelopeMagic) && string(data[:len(envelopeMagic)]) == envelopeMagic
}

// UnmarshalEnvelope decodes record data written by MarshalEnvelope into a
// new message. The message's payload is a copy: it shares no memory with
// data. A record without the magic bytes fails with ErrNotEnvelope; a
// truncated or malformed one, or one of another version, with an error
// wrapping ErrInvalidEnvelope. It never panics, whatever data holds.
func UnmarshalEnvelope(data []byte) (*message.Message, error) {
	uuid, md, payload, err := decodeEnvelope(data)
	if err != nil {
		return nil, err
	}
	msg := message.NewMessage(uuid, slices.Clone(payload))
	if msg.Payload == nil {
		msg.Payload = []byte{}
	}
	msg.Metadata = md
	return msg, nil
}

// decodeEnvelope splits an envelope into its UUID, metadata and payload;
// payload aliases data.
func decodeEnvelope(data []byte) (uuid string, md message.Metadata, payload []byte, err error) {
	if !IsEnvelope(data) {
		return "", nil, nil, ErrNotEnvelope
	}
	if len(data) < headerLen {
		return "", nil, nil, fmt.Errorf("%w: no version byte", ErrInvalidEnvelope)
	}
	if v := data[len(envelopeMagic)]; v != EnvelopeVersion {
		return "", nil, nil, fmt.Errorf("%w: unsupported version %d", ErrInvalidEnvelope, v)
	}
	d := decoder{b: data[headerLen:]}
	uuid = d.string("UUID")
	n := d.uvarint("metadata count")
	// Each entry takes at least two bytes: a bound on n before allocating.
	if d.err == nil && n > uint64(len(d.b)/2) {
		d.fail("metadata count %d exceeds the record", n)
	}
	if d.err != nil {
		return "", nil, nil, d.err
	}
	md = make(message.Metadata, int(n))
	prev := ""
	for i := uint64(0); i < n; i++ {
		k := d.string("metadata key")
		v := d.string("metadata value")
		if d.err != nil {
			return "", nil, nil, d.err
		}
		if i > 0 && k <= prev {
			return "", nil, nil, fmt.Errorf("%w: metadata key %q out of order", ErrInvalidEnvelope, k)
		}
		md[k] = v
		prev = k
	}
	return uuid, md, d.b, nil
}

// decoder reads varints and length-prefixed strings, remembering the first
// error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalidEnvelope}, args...)...)
	}
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	switch {
	case n == 0:
		d.fail("%s truncated", what)
		return 0
	case n < 0:
		d.fail("%s overflows 64 bits", what)
		return 0
	case n != uvarintLen(v):
		d.fail("%s is not in its shortest form", what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string(what string) string {
	n := d.uvarint(what + " length")
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.fail("%s of %d bytes exceeds the record", what, n)
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
