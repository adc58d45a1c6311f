package constraint

// Value is a scalar member of a request (a string, an integer, a blob) as
// the Checker sees it: whether it is present and what it holds. For a
// list, map or list of structures it holds presence and size only; the
// contents come with Check's ext argument. The engine and the wire server
// build Values from their own request types, each with its own rule for
// absence: on the wire a member is absent when it is null or missing (a nil
// pointer, slice or map), in the engine's inputs when it holds its zero
// value.
//
// A Value is small enough for the compiler to keep in registers: values are
// built on every request, and for every entry of a PutRecords request.
type Value struct {
	str string
	// n is an integer's value, or the length of a string (in bytes), a
	// blob, a list or a map.
	n   int64
	set bool
}

// Entries is a list of structures (PutRecords' records) as the Checker
// walks it. Implementations are pointers to the caller's slice, so that
// passing one allocates nothing.
type Entries interface {
	// Len returns the number of entries.
	Len() int
	// Field returns the value of member j of entry i, j indexing the
	// list member's Fields.
	Field(i, j int) Value
}

// Absent is a member that is not in the request.
var Absent = Value{}

// String is a string member of an engine input: absent when empty.
func String(s string) Value { return Value{set: s != "", str: s, n: int64(len(s))} }

// StringPtr is a string member on the wire: absent when nil.
func StringPtr(p *string) Value {
	if p == nil {
		return Value{}
	}
	return Value{set: true, str: *p, n: int64(len(*p))}
}

// Int is an integer member of an engine input: absent when zero.
func Int(n int) Value { return Value{set: n != 0, n: int64(n)} }

// IntValue is an integer member of an engine input that is always
// present, for members where zero is a value the caller means.
func IntValue(n int) Value { return Value{set: true, n: int64(n)} }

// IntPtr is an integer member on the wire: absent when nil.
func IntPtr(p *int32) Value {
	if p == nil {
		return Value{}
	}
	return Value{set: true, n: int64(*p)}
}

// Blob is a blob member on the wire: absent when nil. Only its length is
// checked.
func Blob(b []byte) Value { return Value{set: b != nil, n: int64(len(b))} }

// BlobValue is a blob member of an engine input: always present, a nil
// slice being empty data.
func BlobValue(b []byte) Value { return Value{set: true, n: int64(len(b))} }

// Strings is a list of strings (absent when nil); Check's ext is its
// address.
func Strings(l []string) Value { return Value{set: l != nil, n: int64(len(l))} }

// Map is a map of strings (absent when nil); Check's ext is its address.
func Map(m map[string]string) Value { return Value{set: m != nil, n: int64(len(m))} }

// Struct is a nested structure; the values of its members follow it.
func Struct(present bool) Value { return Value{set: present} }

// List is a list of structures (absent when present is false); Check's ext
// is its Entries.
func List(n int, present bool) Value { return Value{set: present, n: int64(n)} }
