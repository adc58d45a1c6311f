package wire

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"
)

// filler sets every member of a struct to a pseudo-random, non-nil value.
// It works on the wire structs and on the aws-sdk-go-v2 structs alike.
type filler struct {
	rnd *rand.Rand
}

func newFiller(seed uint64) filler {
	return filler{rand.New(rand.NewPCG(seed, 0))}
}

var timeType = reflect.TypeFor[time.Time]()

// pieces of random strings: ASCII, escapes, multi-byte and astral runes.
var stringPieces = []string{"a", "Z", "0", "-", "_", ".", " ", `"`, `\`, "/", "\n", "\t", "\x00", "\x1f", "é", "€", "\u2028", "😀", "<&>"}

func (f filler) string() string {
	var b strings.Builder
	for n := f.rnd.IntN(8); n >= 0; n-- {
		b.WriteString(stringPieces[f.rnd.IntN(len(stringPieces))])
	}
	return b.String()
}

// millis returns an epoch-milliseconds value between the years 1685 and
// 2255: the range of int64 nanoseconds, beyond which aws-sdk-go-v2
// converts timestamps wrongly.
func (f filler) millis() int64 {
	return f.rnd.Int64N(18e12) - 9e12
}

func (f filler) fill(v reflect.Value) {
	t := v.Type()
	switch {
	case t == timestampType:
		v.Set(reflect.ValueOf(TimestampFromMillis(f.millis())))
		return
	case t == timeType:
		v.Set(reflect.ValueOf(time.UnixMilli(f.millis()).UTC()))
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		f.fill(p.Elem())
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() && t.Field(i).Name != "ResultMetadata" {
				f.fill(v.Field(i))
			}
		}
	case reflect.Slice:
		n := 1 + f.rnd.IntN(2)
		if t.Elem().Kind() == reflect.Uint8 {
			n = f.rnd.IntN(40)
		}
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			f.fill(s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(t)
		for n := 1 + f.rnd.IntN(2); n > 0; n-- {
			k := reflect.New(t.Key()).Elem()
			f.fill(k)
			e := reflect.New(t.Elem()).Elem()
			f.fill(e)
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
func (f filler) choose(lo, hi, random int64) int64 {
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
