package wire

import (
	"reflect"
	"strings"
	"sync"
)

// field is one member of a wire struct, read from its json tag.
type field struct {
	index int
	// name is the member name on the wire, case-sensitive.
	name string
	// omitEmpty reports that a nil value is omitted when encoding. Required
	// members have no omitempty and are always encoded.
	omitEmpty bool
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf returns the members of struct type t in declaration order.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("json")
		if !ok || !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fs = append(fs, field{index: i, name: name, omitEmpty: opts == "omitempty"})
	}
	fieldCache.Store(t, fs)
	return fs
}

var (
	timestampType = reflect.TypeFor[Timestamp]()
	bytesType     = reflect.TypeFor[[]byte]()
)
