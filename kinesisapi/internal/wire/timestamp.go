package wire

import (
	"math"
	"reflect"
	"strconv"
	"time"
)

// Timestamp is a Kinesis timestamp: an instant with millisecond precision.
// On the JSON wire it is a number of epoch seconds with a millisecond
// fraction (1700000000.123); on the CBOR wire it is tag 1 wrapping an
// integer number of epoch milliseconds.
type Timestamp struct {
	time.Time
}

// NewTimestamp returns t truncated to milliseconds, in UTC, as a Timestamp.
func NewTimestamp(t time.Time) Timestamp {
	return Timestamp{time.UnixMilli(t.UnixMilli()).UTC()}
}

// TimestampFromMillis returns the Timestamp ms milliseconds after the Unix
// epoch, in UTC.
func TimestampFromMillis(ms int64) Timestamp {
	return Timestamp{time.UnixMilli(ms).UTC()}
}

// MarshalJSON encodes t as epoch seconds in plain decimal, with up to three
// fractional digits and never in exponent form.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return appendEpochSeconds(nil, t.UnixMilli()), nil
}

// MarshalCBOR encodes t as CBOR tag 1 wrapping integer epoch milliseconds,
// the form the Java SDKs write and read.
func (t Timestamp) MarshalCBOR() ([]byte, error) {
	return appendCBORTimestamp(nil, t.UnixMilli()), nil
}

// UnmarshalJSON decodes epoch seconds, as MarshalJSON encodes them. It
// exists so that encoding/json does not use the RFC 3339 decoding of the
// embedded time.Time; Decode does not need it.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	d := jsonDecoder{data: b}
	err := d.member(reflect.ValueOf(t).Elem())
	d.skipBlanks()
	if d.failed || d.pos != len(d.data) {
		return errMalformed
	}
	return err
}

// UnmarshalCBOR decodes epoch milliseconds, plain or wrapped in tag 1, as
// MarshalCBOR encodes them.
func (t *Timestamp) UnmarshalCBOR(b []byte) error {
	p := cborParser{}
	val, err := p.parse(b)
	if err != nil || val.kind == kindNull {
		return err
	}
	return binder{p}.timestamp(val, reflect.ValueOf(t).Elem())
}

// appendEpochSeconds appends ms as seconds with a millisecond fraction,
// trailing zeros removed: 1700000000123 → 1700000000.123, 1700000000100 →
// 1700000000.1, 1700000000000 → 1700000000, -1500 → -1.5.
func appendEpochSeconds(b []byte, ms int64) []byte {
	abs := uint64(ms)
	if ms < 0 {
		b = append(b, '-')
		abs = -abs
	}
	b = strconv.AppendUint(b, abs/1000, 10)
	frac := abs % 1000
	if frac == 0 {
		return b
	}
	digits := []byte{'.', byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return append(b, digits...)
}

// millisFromFloat converts a (possibly fractional, possibly huge) number of
// milliseconds to an int64, rounding to the nearest millisecond and
// clamping to the int64 range. NaN becomes 0.
func millisFromFloat(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(math.Round(f))
}
