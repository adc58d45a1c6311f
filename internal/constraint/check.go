package constraint

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Checker accumulates the violations of one request, in member order, and
// keeps only the first MaxListed: a request with a huge number of bad
// entries costs little. The zero value is ready to use.
type Checker struct {
	vs []Violation
	// inList and entry name the entry of a list of structures being
	// checked, whose members' paths are then relative to it.
	inList string
	entry  int
}

// Check checks vals, the values of op's members in table order (a
// structure's value followed by its members' values), against op's
// constraints. ext holds the contents of op's list, map or list of
// structures, if it has one (an operation has at most one): a *[]string, a
// *map[string]string or an Entries; nil otherwise. It panics if the values
// do not match the table: that is a programming error.
func (c *Checker) Check(op *Operation, ext any, vals []Value) {
	if len(vals) != op.values {
		badValues(op, len(vals))
	}
	c.members(op.Members, vals, ext)
}

func badValues(op *Operation, n int) {
	panic("constraint: " + op.Name + " takes " + strconv.Itoa(op.values) + " values, got " + strconv.Itoa(n))
}

// Failed reports whether a violation was found.
func (c *Checker) Failed() bool { return len(c.vs) > 0 }

// Message returns the ValidationException message listing the violations
// found, or "" when there are none.
func (c *Checker) Message() string { return Message(c.vs) }

// Violations returns the violations found, at most MaxListed.
func (c *Checker) Violations() []Violation { return c.vs }

// full reports whether no more violations will be listed.
func (c *Checker) full() bool { return len(c.vs) >= MaxListed }

// members checks the members ms against vals and returns how many values
// it consumed. Absent optional members and plain members within bounds
// cost a few comparisons: this runs for every PutRecord.
func (c *Checker) members(ms []Member, vals []Value, ext any) int {
	k := 0
	for i := range ms {
		m := &ms[i]
		v := &vals[k]
		k++
		switch {
		case !v.set:
			if m.Required {
				c.null(m.Path)
			}
			k += m.fieldValues // a structure's members are absent too
		case m.kind == KindStruct:
			k += c.members(m.Fields, vals[k:], ext)
		case m.plain && v.n >= m.lo && v.n <= m.hi && (m.match == nil || m.match(v.str)):
		default:
			c.checkMember(m, *v, ext)
		}
	}
	return k
}

// CheckMember checks one scalar member: a string, an integer or a blob.
func (c *Checker) CheckMember(m *Member, v Value) { c.checkMember(m, v, nil) }

// checkMember checks one member that is not a structure; ext holds the
// contents of a list or map member.
func (c *Checker) checkMember(m *Member, v Value, ext any) {
	if c.full() {
		return
	}
	if !v.set {
		if m.Required {
			c.null(m.Path)
		}
		return
	}
	s := m.Shape
	switch s.Kind {
	case KindString:
		c.str(m.Path, s, v.str)
	case KindInt:
		c.integer(m.Path, s, v.n)
	case KindBlob:
		if n := int(v.n); n < s.MinLen || s.MaxLen > 0 && n > s.MaxLen {
			c.length(renderBlob(n), m.Path, n, s)
		}
	case KindStrings:
		c.stringList(m.Path, s, *ext.(*[]string))
	case KindMap:
		c.stringMap(m.Path, s, *ext.(*map[string]string))
	case KindList:
		c.entries(m, ext.(Entries))
	}
}

// add records a violation of the member at path (relative to the entry
// being checked, if any), unless MaxListed are already recorded.
func (c *Checker) add(value, path, constraint string) {
	c.record(Violation{Value: value, Path: path, Constraint: constraint})
}

// null records a missing required member.
func (c *Checker) null(path string) {
	c.record(Violation{Null: true, Path: path, Constraint: NotNull})
}

func (c *Checker) record(v Violation) {
	if c.full() {
		return
	}
	if c.inList != "" {
		v.Path = c.inList + "." + strconv.Itoa(c.entry) + ".member." + v.Path
	}
	c.vs = append(c.vs, v)
}

// str checks a string: pattern first, then length, then enum, the order in
// which Kinesis reports them.
func (c *Checker) str(path string, s *Shape, v string) {
	if s.Match != nil && !s.Match(v) {
		c.add(v, path, Pattern(s.Pattern))
	}
	if s.MinLen > 0 || s.MaxLen > 0 {
		if n, ok := strLength(s, v); !ok {
			c.length(v, path, n, s)
		}
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		c.add(v, path, Enum(s.Enum...))
	}
}

// strLength returns the length of v as Java counts it (UTF-16 code units)
// and whether it is within the bounds of s. Most values are checked on
// their byte length alone: a string has no more code units than bytes, and
// at least one when it has a byte.
func strLength(s *Shape, v string) (int, bool) {
	n := len(v)
	if (s.MaxLen == 0 || n <= s.MaxLen) && s.MinLen <= 1 && (s.MinLen == 0 || n > 0) {
		return n, true
	}
	n = javaLength(v)
	return n, n >= s.MinLen && (s.MaxLen == 0 || n <= s.MaxLen)
}

// length reports a length outside the bounds of s; value is the rendered
// value.
func (c *Checker) length(value, path string, n int, s *Shape) {
	switch {
	case n < s.MinLen:
		c.add(value, path, MinLength(s.MinLen))
	case s.MaxLen > 0 && n > s.MaxLen:
		c.add(value, path, MaxLength(s.MaxLen))
	}
}

func (c *Checker) integer(path string, s *Shape, n int64) {
	switch {
	case s.HasMin && n < s.Min:
		c.add(strconv.FormatInt(n, 10), path, MinValue(s.Min))
	case s.HasMax && n > s.Max:
		c.add(strconv.FormatInt(n, 10), path, MaxValue(s.Max))
	}
}

// stringList checks a list of strings: its length, then its members, reported
// once for the whole list ("Member must satisfy constraint: [...]").
func (c *Checker) stringList(path string, s *Shape, l []string) {
	if len(l) < s.MinLen || len(l) > s.MaxLen {
		c.length(renderList(l), path, len(l), s)
	}
	for _, e := range l {
		if !s.Elem.valid(e) {
			c.add(renderList(l), path, "Member must satisfy constraint: "+s.Elem.memberConstraints())
			return
		}
	}
}

// stringMap checks a map of strings: its size, then its keys, then its values, each
// reported once for the whole map.
func (c *Checker) stringMap(path string, s *Shape, m map[string]string) {
	if len(m) < s.MinLen || len(m) > s.MaxLen {
		c.length(renderMap(m), path, len(m), s)
	}
	badKey, badValue := false, false
	for k, v := range m {
		badKey = badKey || !s.Elem.valid(k)
		badValue = badValue || !s.MapValue.valid(v)
	}
	if badKey {
		c.add(renderMap(m), path, "Map keys must satisfy constraint: "+s.Elem.bounds())
	}
	if badValue {
		c.add(renderMap(m), path, "Map value must satisfy constraint: "+s.MapValue.bounds())
	}
}

// entries checks a list of structures: its length, then each entry's members
// with paths like "records.1.member.partitionKey".
func (c *Checker) entries(m *Member, l Entries) {
	s := m.Shape
	n := l.Len()
	if n < s.MinLen || n > s.MaxLen {
		c.length(renderEntries(s.Entry, n), m.Path, n, s)
	}
	for i := 0; i < n && !c.full(); i++ {
		c.inList, c.entry = m.Path, i+1
		for j := range m.Fields {
			f := &m.Fields[j]
			if v := l.Field(i, j); !f.quick(v) {
				c.CheckMember(f, v)
			}
		}
		c.inList = ""
	}
}

// Quick reports, cheaply, that v satisfies m's constraints; false means
// "not known" (see Valid).
func (m *Member) Quick(v Value) bool { return m.quick(v) }

// quick reports, cheaply, that v satisfies m's constraints: v is absent
// and optional, or m is plain (a blob, or a string without enumeration)
// and v's byte length is within bounds (a string has no more UTF-16 code
// units than bytes, and one at least if it has a byte) and matches m's
// pattern. False means "not known": checkMember decides.
func (m *Member) quick(v Value) bool {
	if !v.set {
		return !m.Required
	}
	return m.plain && v.n >= m.lo && v.n <= m.hi && (m.match == nil || m.match(v.str))
}

// valid reports whether v satisfies every constraint of the string shape
// s.
func (s *Shape) valid(v string) bool {
	if s.Match != nil && !s.Match(v) {
		return false
	}
	if _, ok := strLength(s, v); !ok {
		return false
	}
	return len(s.Enum) == 0 || slices.Contains(s.Enum, v)
}

// memberConstraints is the bracketed list of constraints of a list member.
func (s *Shape) memberConstraints() string {
	if len(s.Enum) > 0 {
		return "[" + Enum(s.Enum...) + "]"
	}
	return s.bounds()
}

// bounds is the bracketed "[max, min]" list Kinesis prints for the members
// of lists and maps.
func (s *Shape) bounds() string {
	return "[" + MaxLength(s.MaxLen) + ", " + MinLength(s.MinLen) + "]"
}

// javaLength is the length of s as Java counts it: in UTF-16 code units.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// JavaLength is the length of s as Kinesis counts it: in UTF-16 code units.
func JavaLength(s string) int { return javaLength(s) }

// maxRendered bounds how many elements of a list or map are rendered into
// a message, so that absurdly long inputs cannot blow up the message.
// Model maxima are far below it.
const maxRendered = 1000

// renderBlob renders a blob of n bytes as Kinesis does: as the Java
// ByteBuffer holding it.
func renderBlob(n int) string {
	l := strconv.Itoa(n)
	return "java.nio.HeapByteBuffer[pos=0 lim=" + l + " cap=" + l + "]"
}

// renderList renders a list as Java's List.toString does: "[a, b]".
func renderList(l []string) string {
	return render('[', ']', len(l), func(i int) string { return l[i] })
}

// renderMap renders a map as Java's Map.toString does, "{k=v, k2=v2}",
// with keys sorted so that messages are deterministic.
func renderMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return render('{', '}', len(keys), func(i int) string { return keys[i] + "=" + m[keys[i]] })
}

// renderEntries renders a list of n structures, each as entry: Java prints
// an object without a toString as its class name, '@' and a hash code.
// Production's hash code depends on the object; freshet prints the one
// kinesalite prints, so that messages are deterministic.
func renderEntries(entry string, n int) string {
	return render('[', ']', n, func(int) string { return entry })
}

// render renders n elements between open and close, separated by ", ", as
// Java's collections do; past maxRendered elements it writes ", ...".
func render(open, close byte, n int, elem func(i int) string) string {
	var b strings.Builder
	b.WriteByte(open)
	for i := range min(n, maxRendered) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(elem(i))
	}
	if n > maxRendered {
		b.WriteString(", ...")
	}
	b.WriteByte(close)
	return b.String()
}

// Valid reports whether v satisfies m's constraints. It allocates nothing
// for a valid value of a blob or of a string without pattern.
func (m *Member) Valid(v Value) bool {
	if m.quick(v) {
		return true
	}
	var c Checker
	c.CheckMember(m, v)
	return len(c.vs) == 0
}
