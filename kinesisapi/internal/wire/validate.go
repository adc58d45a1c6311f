package wire

import (
	"hash/fnv"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/constraint"
)

// Request is implemented by every request struct. Validate checks the model
// constraints of the request and returns a *freshet.Error with Code
// ValidationException listing every violation, or nil.
type Request interface {
	Validate() error
}

// Whether a member is required by the model.
const (
	optional = false
	required = true
)

const (
	// maxRenderedElements bounds how many elements of a list or map are
	// rendered into a message, so that absurdly long inputs cannot blow up
	// the error message. Model maxima are far below it.
	maxRenderedElements = 1000
)

// constraintBounds is the bracketed "[max, min]" list Coral prints for the
// members of lists and maps.
func constraintBounds(s stringShape) string {
	return "[" + constraint.MaxLength(s.maxLen) + ", " + constraint.MinLength(s.minLen) + "]"
}

// maxListed is how many violations a ValidationException lists (and
// counts).
const maxListed = 10

// checker accumulates the violations of one request, in member order. It
// keeps only the violations that will be listed, so that a request with a
// huge number of bad entries costs little memory.
type checker struct {
	vs    []freshet.Violation
	count int
}

func (c *checker) add(v freshet.Violation) {
	c.count++
	if len(c.vs) < maxListed {
		c.vs = append(c.vs, v)
	}
}

func (c *checker) violation(value, path, constraint string) {
	c.add(freshet.Violation{Value: value, Path: path, Constraint: constraint})
}

// present records a null violation for a missing required member and
// reports whether the member is present.
func (c *checker) present(path string, ok bool) bool {
	if !ok {
		c.add(freshet.Violation{Null: true, Path: path, Constraint: constraint.NotNull})
	}
	return ok
}

// err returns the ValidationException, or a nil error (not a nil *Error).
func (c *checker) err() error {
	if c.count == 0 {
		return nil
	}
	// Like Kinesis, the message counts the violations it lists (at most
	// maxListed), not all of them.
	return freshet.NewValidationError(c.vs...)
}

// str checks a string member: pattern first, then length, then enum, the
// order in which Coral reports them.
func (c *checker) str(path string, v *string, s stringShape, req bool) {
	if v == nil {
		if req {
			c.present(path, false)
		}
		return
	}
	if s.pattern != nil && !s.matches(*v) {
		c.violation(*v, path, constraint.Pattern(s.patternText))
	}
	n := javaLength(*v)
	if n < s.minLen {
		c.violation(*v, path, constraint.MinLength(s.minLen))
	}
	if s.maxLen > 0 && n > s.maxLen {
		c.violation(*v, path, constraint.MaxLength(s.maxLen))
	}
	if len(s.enum) > 0 && !slices.Contains(s.enum, *v) {
		c.violation(*v, path, constraint.Enum(s.enum...))
	}
}

// valid reports whether v satisfies every constraint of s.
func (s stringShape) valid(v string) bool {
	var c checker
	c.str("", &v, s, required)
	return c.count == 0
}

// integer checks an Integer member.
func (c *checker) integer(path string, v *int32, s intShape, req bool) {
	if v == nil {
		if req {
			c.present(path, false)
		}
		return
	}
	n := int64(*v)
	switch {
	case s.hasMin && n < s.min:
		c.violation(strconv.FormatInt(n, 10), path, constraint.MinValue(s.min))
	case s.hasMax && n > s.max:
		c.violation(strconv.FormatInt(n, 10), path, constraint.MaxValue(s.max))
	}
}

// blob checks a blob member; its length is counted in bytes.
func (c *checker) blob(path string, v []byte, s lengthShape, req bool) {
	if v == nil {
		if req {
			c.present(path, false)
		}
		return
	}
	c.length(func() string { return renderBlob(v) }, path, len(v), s)
}

// length checks the length of a blob, list or map. The value is rendered
// only if it is reported.
func (c *checker) length(render func() string, path string, n int, s lengthShape) {
	switch {
	case n < s.minLen:
		c.violation(render(), path, constraint.MinLength(s.minLen))
	case n > s.maxLen:
		c.violation(render(), path, constraint.MaxLength(s.maxLen))
	}
}

// strs checks a list of strings: its length, then its members, reported
// once for the whole list as Coral does
// ("Member must satisfy constraint: [...]").
func (c *checker) strs(path string, v []string, s lengthShape, member stringShape, req bool) {
	if v == nil {
		if req {
			c.present(path, false)
		}
		return
	}
	render := func() string { return renderList(v) }
	c.length(render, path, len(v), s)
	for _, e := range v {
		if !member.valid(e) {
			c.violation(render(), path, "Member must satisfy constraint: "+member.memberConstraints())
			return
		}
	}
}

// memberConstraints is the bracketed list of constraints of a list member.
func (s stringShape) memberConstraints() string {
	if len(s.enum) > 0 {
		return "[" + constraint.Enum(s.enum...) + "]"
	}
	return constraintBounds(s)
}

// tags checks a TagMap: its size, then its keys, then its values. Key and
// value violations are reported once for the whole map.
func (c *checker) tags(path string, v map[string]string, req bool) {
	if v == nil {
		if req {
			c.present(path, false)
		}
		return
	}
	render := func() string { return renderMap(v) }
	c.length(render, path, len(v), tagMapShape)
	badKey, badValue := false, false
	for k, val := range v {
		badKey = badKey || !tagKeyShape.valid(k)
		badValue = badValue || !tagValueShape.valid(val)
	}
	if badKey {
		c.violation(render(), path, "Map keys must satisfy constraint: "+constraintBounds(tagKeyShape))
	}
	if badValue {
		c.violation(render(), path, "Map value must satisfy constraint: "+constraintBounds(tagValueShape))
	}
}

// records checks the Records list of PutRecords: its length, then each
// entry with paths like "records.1.member.partitionKey". Entries are checked
// with relative paths first, so that valid entries cost no allocation.
func (c *checker) records(path string, v []PutRecordsRequestEntry, s lengthShape, req bool) {
	if v == nil {
		if req {
			c.present(path, false)
		}
		return
	}
	c.length(func() string { return renderEntries(v) }, path, len(v), s)
	var entry checker
	for i := range v {
		entry = checker{vs: entry.vs[:0]}
		v[i].validate(&entry, "")
		for _, vi := range entry.vs {
			if len(c.vs) < maxListed {
				vi.Path = path + "." + strconv.Itoa(i+1) + ".member." + vi.Path
			}
			c.add(vi)
		}
	}
}

// javaLength is the length of s as Java counts it: in UTF-16 code units.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// renderBlob renders a blob as Coral does: as the Java ByteBuffer holding it.
func renderBlob(b []byte) string {
	n := strconv.Itoa(len(b))
	return "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]"
}

// renderList renders a list as Java's List.toString does: "[a, b]".
func renderList(v []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range v {
		if i == maxRenderedElements {
			b.WriteString(", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e)
	}
	b.WriteByte(']')
	return b.String()
}

// renderMap renders a map as Java's Map.toString does, "{k=v, k2=v2}",
// with keys sorted so that messages are deterministic.
func renderMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i == maxRenderedElements {
			b.WriteString(", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(m[k])
	}
	b.WriteByte('}')
	return b.String()
}

// renderEntries renders PutRecords entries as Java renders objects without
// a toString: class name, '@', hexadecimal hash code. The hash is derived
// from the entry's content, so equal entries render equally.
func renderEntries(v []PutRecordsRequestEntry) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range v {
		if i == maxRenderedElements {
			b.WriteString(", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@")
		b.WriteString(strconv.FormatUint(uint64(v[i].hash()), 16))
	}
	b.WriteByte(']')
	return b.String()
}

func (e *PutRecordsRequestEntry) hash() uint32 {
	h := fnv.New32a()
	h.Write(e.Data)
	for _, s := range []*string{e.PartitionKey, e.ExplicitHashKey} {
		h.Write([]byte{0})
		if s != nil {
			h.Write([]byte(*s))
		}
	}
	return h.Sum32()
}
