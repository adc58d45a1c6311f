package wire

import (
	"encoding/binary"
	"math"

	"github.com/fxamacker/cbor/v2"
)

// cborParser parses the AWS CBOR 1.1 dialect of the Java SDKs. Tags are
// looked through (tag 1 around a timestamp is the common case), undefined
// is null, and timestamps are epoch milliseconds.
type cborParser struct{}

// cborDecMode bounds what a body may declare: nesting depth and the
// element counts of arrays and maps are checked before anything is
// allocated.
var cborDecMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		MaxNestedLevels:  32,
		MaxArrayElements: maxElements,
		MaxMapPairs:      maxElements,
		DupMapKey:        cbor.DupMapKeyQuiet,
		IndefLength:      cbor.IndefLengthAllowed,
		TagsMd:           cbor.TagsAllowed,
		MapKeyByteString: cbor.MapKeyByteStringForbidden,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}()

// CBOR major types.
const (
	cborUnsigned = iota
	cborNegative
	cborBytes
	cborText
	cborArray
	cborMap
	cborTag
	cborSimple
)

func (cborParser) parse(data []byte) (value, error) {
	for len(data) > 0 && data[0]>>5 == cborTag {
		var t cbor.RawTag
		if err := cborDecMode.Unmarshal(data, &t); err != nil {
			return value{}, errMalformed
		}
		data = t.Content
	}
	if len(data) == 0 {
		return value{}, errMalformed
	}
	switch data[0] >> 5 {
	case cborUnsigned, cborNegative:
		n, ok := cborInteger(data)
		if !ok {
			return value{}, errMalformed
		}
		return value{kind: kindNumber, num: n}, nil
	case cborBytes:
		var b []byte
		if err := cborDecMode.Unmarshal(data, &b); err != nil {
			return value{}, errMalformed
		}
		if b == nil {
			b = []byte{}
		}
		return value{kind: kindBytes, bytes: b}, nil
	case cborText:
		var s string
		if err := cborDecMode.Unmarshal(data, &s); err != nil {
			return value{}, errMalformed
		}
		return value{kind: kindString, str: s}, nil
	case cborArray:
		var l []raw
		if err := cborDecMode.Unmarshal(data, &l); err != nil {
			return value{}, errMalformed
		}
		return value{kind: kindList, elems: l}, nil
	case cborMap:
		var m map[string]raw
		if err := cborDecMode.Unmarshal(data, &m); err != nil {
			return value{}, errMalformed
		}
		return value{kind: kindMap, members: m}, nil
	}
	switch data[0] {
	case 0xf4:
		return value{kind: kindBool, boolean: false}, nil
	case 0xf5:
		return value{kind: kindBool, boolean: true}, nil
	case 0xf6, 0xf7:
		return value{kind: kindNull}, nil
	case 0xf9, 0xfa, 0xfb:
		var f float64
		if err := cborDecMode.Unmarshal(data, &f); err != nil {
			return value{}, errMalformed
		}
		return value{kind: kindNumber, num: number{f: f}}, nil
	}
	return value{}, errMalformed
}

// cborInteger decodes an unsigned or negative integer item, exactly when it
// fits an int64.
func cborInteger(raw []byte) (number, bool) {
	var arg uint64
	switch info := raw[0] & 0x1f; {
	case info < 24 && len(raw) == 1:
		arg = uint64(info)
	case info == 24 && len(raw) == 2:
		arg = uint64(raw[1])
	case info == 25 && len(raw) == 3:
		arg = uint64(binary.BigEndian.Uint16(raw[1:]))
	case info == 26 && len(raw) == 5:
		arg = uint64(binary.BigEndian.Uint32(raw[1:]))
	case info == 27 && len(raw) == 9:
		arg = binary.BigEndian.Uint64(raw[1:])
	default:
		return number{}, false
	}
	negative := raw[0]>>5 == cborNegative
	switch {
	case arg <= math.MaxInt64 && negative:
		return number{i: -1 - int64(arg), exact: true}, true
	case arg <= math.MaxInt64:
		return number{i: int64(arg), exact: true}, true
	case negative:
		return number{f: -1 - float64(arg)}, true
	}
	return number{f: float64(arg)}, true
}

// millis returns a CBOR timestamp number, already in milliseconds.
func (cborParser) millis(n number) int64 {
	if n.exact {
		return n.i
	}
	return millisFromFloat(n.f)
}
