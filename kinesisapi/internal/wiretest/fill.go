// Package wiretest fills the structs of the wire protocol (and those of the
// AWS SDK) with pseudo-random values, for the round-trip, fuzz and SDK
// compatibility tests of the wire codecs.
package wiretest

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"
)

// Filler sets every member of a struct to a pseudo-random, non-nil value.
// It works on the wire structs and on the aws-sdk-go-v2 structs alike.
type Filler struct {
	rnd       *rand.Rand
	timestamp reflect.Type
	fromMilli func(int64) reflect.Value
}

// NewFiller returns a Filler whose values are determined by seed. Values of
// the type timestamp are made by fromMillis from an epoch-milliseconds
// value (the wire package's Timestamp, which this package cannot name
// without an import cycle in the wire package's tests).
func NewFiller[T any](seed uint64, fromMillis func(int64) T) Filler {
	return Filler{
		rnd:       rand.New(rand.NewPCG(seed, 0)),
		timestamp: reflect.TypeFor[T](),
		fromMilli: func(ms int64) reflect.Value { return reflect.ValueOf(fromMillis(ms)) },
	}
}

var timeType = reflect.TypeFor[time.Time]()

// pieces of random strings: ASCII, escapes, multi-byte and astral runes.
var stringPieces = []string{"a", "Z", "0", "-", "_", ".", " ", `"`, `\`, "/", "\n", "\t", "\x00", "\x1f", "é", "€", "\u2028", "😀", "<&>"}

func (f Filler) string() string {
	var b strings.Builder
	for n := f.rnd.IntN(8); n >= 0; n-- {
		b.WriteString(stringPieces[f.rnd.IntN(len(stringPieces))])
	}
	return b.String()
}

// millis returns an epoch-milliseconds value between the years 1685 and
// 2255: the range of int64 nanoseconds, beyond which aws-sdk-go-v2
// converts timestamps wrongly.
func (f Filler) millis() int64 {
	return f.rnd.Int64N(18e12) - 9e12
}

// Fill sets every member of v, which must be settable.
func (f Filler) Fill(v reflect.Value) {
	t := v.Type()
	switch {
	case t == f.timestamp:
		v.Set(f.fromMilli(f.millis()))
		return
	case t == timeType:
		v.Set(reflect.ValueOf(time.UnixMilli(f.millis()).UTC()))
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		f.Fill(p.Elem())
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() && t.Field(i).Name != "ResultMetadata" {
				f.Fill(v.Field(i))
			}
		}
	case reflect.Slice:
		n := 1 + f.rnd.IntN(2)
		if t.Elem().Kind() == reflect.Uint8 {
			n = f.rnd.IntN(40)
		}
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			f.Fill(s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(t)
		for n := 1 + f.rnd.IntN(2); n > 0; n-- {
			k := reflect.New(t.Key()).Elem()
			f.Fill(k)
			e := reflect.New(t.Elem()).Elem()
			f.Fill(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.String:
		v.SetString(f.string())
	case reflect.Int32:
		v.SetInt(f.choose(math.MinInt32, math.MaxInt32, int64(int32(f.rnd.Uint32()))))
	case reflect.Int64:
		v.SetInt(f.choose(math.MinInt64, math.MaxInt64, int64(f.rnd.Uint64())))
	case reflect.Uint8:
		v.SetUint(uint64(f.rnd.UintN(256)))
	case reflect.Bool:
		v.SetBool(f.rnd.IntN(2) == 0)
	case reflect.Interface:
		// Unions (the SDK's event stream) are left nil.
	default:
		panic("filler: " + t.String())
	}
}

// choose returns one of the extremes, a small number or a random one.
func (f Filler) choose(lo, hi, random int64) int64 {
	switch f.rnd.IntN(6) {
	case 0:
		return lo
	case 1:
		return hi
	case 2:
		return 0
	case 3:
		return f.rnd.Int64N(100) - 50
	}
	return random
}

// IntN returns a pseudo-random number in [0, n) from the filler's source.
func (f Filler) IntN(n int) int { return f.rnd.IntN(n) }
