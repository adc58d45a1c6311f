package constraint

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func message(op *Operation, ext any, vals ...Value) string {
	var c Checker
	c.Check(op, ext, vals)
	return c.Message()
}

func TestMessage(t *testing.T) {
	assert.Equal(t, "", Message(nil))
	one := Violation{Value: "0", Path: "shardCount", Constraint: MinValue(1)}
	assert.Equal(t, "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: "+
		"Member must have value greater than or equal to 1", Message([]Violation{one}))
	null := Violation{Null: true, Path: "shardId", Constraint: NotNull}
	assert.Equal(t, "2 validation errors detected: Value null at 'shardId' failed to satisfy constraint: Member must not be null; "+
		"Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
		Message([]Violation{null, one}))
	// At most ten listed, and counted.
	msg := Message(make([]Violation, 12))
	assert.True(t, strings.HasPrefix(msg, "10 validation errors detected: "), msg)
	assert.Equal(t, 10, strings.Count(msg, "Value '' at"))
}

func TestCheckerKeepsTheFirstTen(t *testing.T) {
	// Twelve entries missing both required members: the first ten
	// violations, in entry order, then member order.
	entries := entryList(make([][3]*string, 12))
	var c Checker
	c.Check(PutRecords, &entries, []Value{List(12, true), Absent, Absent, Absent})
	vs := c.Violations()
	require.Len(t, vs, MaxListed)
	assert.Equal(t, "records.1.member.data", vs[0].Path)
	assert.Equal(t, "records.1.member.partitionKey", vs[1].Path)
	assert.Equal(t, "records.5.member.partitionKey", vs[9].Path)
}

// entryList is a list of PutRecords entries given as data, explicit hash
// key and partition key (nil when absent; data as a string).
type entryList [][3]*string

func (l *entryList) Len() int { return len(*l) }
func (l *entryList) Field(i, j int) Value {
	p := (*l)[i][j]
	if j == 0 {
		if p == nil {
			return Absent
		}
		return Value{set: true, n: int64(len(*p))}
	}
	return StringPtr(p)
}

func TestCheckRendersListsMapsAndEntries(t *testing.T) {
	metrics := []string{"ALL", "x"}
	assert.Equal(t, "1 validation error detected: Value '[ALL, x]' at 'shardLevelMetrics' failed to satisfy constraint: "+
		"Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, "+
		"OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]",
		message(EnableEnhancedMonitoring, &metrics, Absent, Strings(metrics), Absent, Absent))

	tags := map[string]string{"b": "", "a": strings.Repeat("v", 257)}
	assert.Equal(t, "1 validation error detected: Value '{a="+strings.Repeat("v", 257)+", b=}' at 'tags' failed to satisfy constraint: "+
		"Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]",
		message(TagResource, &tags, Map(tags), String("arn:aws:kinesis:us-east-1:123456789012:stream/s"), Absent))

	entries := make(entryList, 1001)
	d, k := "d", "k"
	for i := range entries {
		entries[i] = [3]*string{&d, nil, &k}
	}
	msg := message(PutRecords, &entries, List(len(entries), true), String("s"), Absent, Absent)
	entry := "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310"
	assert.True(t, strings.HasPrefix(msg, "1 validation error detected: Value '["+entry+", "), msg[:200])
	assert.True(t, strings.HasSuffix(msg, entry+", ...]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"))
	assert.Equal(t, 1000, strings.Count(msg, entry), "at most 1000 entries rendered")
}

func TestCheckPanicsOnAWrongNumberOfValues(t *testing.T) {
	assert.PanicsWithValue(t, "constraint: DeleteStream takes 3 values, got 2", func() {
		message(DeleteStream, nil, Absent, Absent)
	})
	assert.Panics(t, func() { operation("Two", opt("a", TagKeys), opt("b", TagMap)) }, "two list or map members")
}

// TestStringLengthInUTF16Units checks the byte-length shortcut of string
// lengths against counting UTF-16 units, on random strings and bounds.
func TestStringLengthInUTF16Units(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "é", "€", "😀", "\xff"}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		v := b.String()
		s := &Shape{MinLen: r.IntN(3), MaxLen: r.IntN(10)}
		units := len(utf16.Encode([]rune(v)))
		want := units >= s.MinLen && (s.MaxLen == 0 || units <= s.MaxLen)
		n, ok := strLength(s, v)
		require.Equal(t, want, ok, "%q in [%d, %d]", v, s.MinLen, s.MaxLen)
		if !ok {
			require.Equal(t, units, n, "%q", v)
		}
		m := member("m", &Shape{Kind: KindString, MinLen: s.MinLen, MaxLen: s.MaxLen}, true)
		require.Equal(t, want, m.Valid(String(v)) || v == "" && s.MinLen == 0, "%q in [%d, %d]", v, s.MinLen, s.MaxLen)
	}
}

func TestValidRecord(t *testing.T) {
	assert.True(t, ValidRecord("k", 0))
	assert.True(t, ValidRecord(strings.Repeat("😀", 128), MaxDataBytes))
	assert.False(t, ValidRecord(strings.Repeat("😀", 129), 1))
	assert.False(t, ValidRecord("", 1))
	assert.False(t, ValidRecord("k", MaxDataBytes+1))
}

func TestValidRecordAllocatesNothing(t *testing.T) {
	key := strings.Repeat("k", 256)
	assert.Zero(t, testing.AllocsPerRun(100, func() { ValidRecord(key, 100) }))
}
