package wire

import "encoding/binary"

// cborEmitter writes AWS CBOR 1.1 with definite lengths throughout.
type cborEmitter struct {
	buf []byte
}

func (e *cborEmitter) beginMap(n int)      { e.buf = appendCBORHead(e.buf, cborMap, uint64(n)) }
func (e *cborEmitter) key(_ int, s string) { e.str(s) }
func (e *cborEmitter) endMap()             {}
func (e *cborEmitter) beginList(n int)     { e.buf = appendCBORHead(e.buf, cborArray, uint64(n)) }
func (e *cborEmitter) elem(int)            {}
func (e *cborEmitter) endList()            {}
func (e *cborEmitter) bytes() []byte       { return e.buf }

func (e *cborEmitter) str(s string) { e.buf = appendCBORText(e.buf, s) }

func (e *cborEmitter) integer(i int64) { e.buf = appendCBORInt(e.buf, i) }

func (e *cborEmitter) boolean(b bool) {
	if b {
		e.buf = append(e.buf, 0xf5)
	} else {
		e.buf = append(e.buf, 0xf4)
	}
}

func (e *cborEmitter) blob(b []byte) {
	e.buf = appendCBORHead(e.buf, cborBytes, uint64(len(b)))
	e.buf = append(e.buf, b...)
}

func (e *cborEmitter) timestamp(ms int64) { e.buf = appendCBORTimestamp(e.buf, ms) }

// appendCBORTimestamp appends tag 1 wrapping integer epoch milliseconds, the
// Java SDKs' (non-standard) timestamp encoding.
func appendCBORTimestamp(b []byte, ms int64) []byte {
	b = appendCBORHead(b, cborTag, 1)
	return appendCBORInt(b, ms)
}

func appendCBORInt(b []byte, i int64) []byte {
	if i < 0 {
		return appendCBORHead(b, cborNegative, uint64(-1-i))
	}
	return appendCBORHead(b, cborUnsigned, uint64(i))
}

// appendCBORText appends s as a text string.
func appendCBORText(b []byte, s string) []byte {
	return append(appendCBORHead(b, cborText, uint64(len(s))), s...)
}

// appendCBORHead appends the initial byte and argument of an item in its
// shortest form.
func appendCBORHead(b []byte, major byte, arg uint64) []byte {
	m := major << 5
	switch {
	case arg < 24:
		return append(b, m|byte(arg))
	case arg <= 0xff:
		return append(b, m|24, byte(arg))
	case arg <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(arg))
	case arg <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(arg))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), arg)
}
