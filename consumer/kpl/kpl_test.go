package kpl

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// pb is a tiny protobuf writer for hand-crafting test inputs, including
// malformed ones that Aggregate cannot produce.
type pb []byte

func (p pb) varint(num, v uint64) pb     { return appendVarintField(p, num, v) }
func (p pb) str(num uint64, s string) pb { return appendStringField(p, num, s) }
func (p pb) msg(num uint64, m pb) pb     { return appendBytesField(p, num, m) }
func (p pb) raw(b ...byte) pb            { return append(p, b...) }

// wrap frames a protobuf body as an aggregate with a correct digest.
func wrap(body []byte) []byte {
	sum := md5.Sum(body)
	out := append(magic[:len(magic):len(magic)], body...)
	return append(out, sum[:]...)
}

// rec is a Record message with the given partition key index and data.
func rec(pk uint64, data string) pb {
	return pb{}.varint(fieldPartitionKeyIndex, pk).str(fieldData, data)
}

func TestDeaggregate(t *testing.T) {
	valid := wrap(pb{}.str(1, "pk0").str(1, "pk1").str(2, "42").
		msg(3, rec(0, "a")).
		msg(3, rec(1, "b").varint(fieldExplicitHashKeyIndex, 0)).
		msg(3, rec(0, "")))
	badDigest := bytes.Clone(valid)
	badDigest[len(badDigest)-1] ^= 1

	tests := []struct {
		name string
		data []byte
		want []SubRecord // nil with wantErr
		// wantErr is "" for success, else a substring of the error.
		wantErr string
	}{
		{
			name: "valid",
			data: valid,
			want: []SubRecord{
				{PartitionKey: "pk0", Data: []byte("a"), SubSequenceNumber: 0},
				{PartitionKey: "pk1", ExplicitHashKey: "42", Data: []byte("b"), SubSequenceNumber: 1},
				{PartitionKey: "pk0", Data: []byte{}, SubSequenceNumber: 2},
			},
		},
		{
			name: "tables after records",
			data: wrap(pb{}.msg(3, rec(0, "x")).str(1, "late")),
			want: []SubRecord{{PartitionKey: "late", Data: []byte("x")}},
		},
		{
			name: "tags are validated and ignored",
			data: wrap(pb{}.str(1, "k").
				msg(3, rec(0, "x").msg(fieldTags, pb{}.str(1, "key").str(2, "value")).msg(fieldTags, pb{}.str(1, "key only")))),
			want: []SubRecord{{PartitionKey: "k", Data: []byte("x")}},
		},
		{
			name: "unknown fields are skipped",
			data: wrap(pb{}.varint(9, 7).str(1, "k").raw(15<<3|wireFixed32, 1, 2, 3, 4).
				msg(3, rec(0, "x").raw(10<<3|wireFixed64, 1, 2, 3, 4, 5, 6, 7, 8).varint(1<<29-1, 1)).
				varint(1, 5)), // known number, wrong wire type: unknown
			want: []SubRecord{{PartitionKey: "k", Data: []byte("x")}},
		},
		{
			name: "last data field wins",
			data: wrap(pb{}.str(1, "k").msg(3, rec(0, "first").str(fieldData, "second"))),
			want: []SubRecord{{PartitionKey: "k", Data: []byte("second")}},
		},
		{name: "empty aggregate", data: wrap(nil), want: []SubRecord{}},
		{name: "nil", data: nil, wantErr: "not an aggregated record"},
		{name: "plain record", data: []byte("hello, world, this is not an aggregate"), wantErr: "not an aggregated record"},
		{name: "magic only", data: magic[:], wantErr: "not an aggregated record"},
		{name: "shorter than digest", data: append(magic[:4:4], make([]byte, 15)...), wantErr: "not an aggregated record"},
		{name: "bad magic", data: append([]byte{0xF3, 0x89, 0x9A, 0xC3}, valid[4:]...), wantErr: "not an aggregated record"},
		{name: "bad digest", data: badDigest, wantErr: "MD5"},
		{name: "truncated aggregate", data: valid[:len(valid)-1], wantErr: "MD5"},
		{name: "truncated length", data: wrap(pb{}.raw(1<<3|wireBytes, 5, 'a')), wantErr: "truncated"},
		{name: "truncated varint", data: wrap(pb{}.raw(1<<3|wireVarint, 0x80)), wantErr: "truncated"},
		{name: "truncated tag", data: wrap(pb{}.raw(0x80)), wantErr: "truncated"},
		{name: "truncated fixed64", data: wrap(pb{}.raw(9<<3|wireFixed64, 1, 2, 3)), wantErr: "truncated"},
		{name: "truncated fixed32", data: wrap(pb{}.raw(9<<3|wireFixed32, 1, 2, 3)), wantErr: "truncated"},
		{
			name:    "huge length",
			data:    wrap(pb{}.raw(1<<3|wireBytes, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)),
			wantErr: "truncated",
		},
		{
			name:    "varint overflow in 10th byte",
			data:    wrap(pb{}.raw(9<<3|wireVarint, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02)),
			wantErr: "overflow",
		},
		{
			name:    "varint longer than 10 bytes",
			data:    wrap(pb{}.raw(9<<3|wireVarint, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00)),
			wantErr: "overflow",
		},
		{name: "field number 0", data: wrap(pb{}.raw(0<<3|wireVarint, 1)), wantErr: "tag"},
		{name: "field number too large", data: wrap(pb{}.varint(1<<29, 1)), wantErr: "tag"},
		{name: "group wire type", data: wrap(pb{}.raw(1<<3 | 3)), wantErr: "wire type"},
		{name: "wire type 7", data: wrap(pb{}.raw(1<<3 | 7)), wantErr: "wire type"},
		{name: "malformed record", data: wrap(pb{}.str(1, "k").msg(3, pb{}.raw(0x08))), wantErr: "truncated"},
		{name: "partition key index out of range", data: wrap(pb{}.str(1, "k").msg(3, rec(1, "x"))), wantErr: "out of range"},
		{name: "partition key index huge", data: wrap(pb{}.str(1, "k").msg(3, rec(1<<32, "x"))), wantErr: "out of range"},
		{name: "no partition key table", data: wrap(pb{}.msg(3, rec(0, "x"))), wantErr: "out of range"},
		{
			name:    "explicit hash key index out of range",
			data:    wrap(pb{}.str(1, "k").str(2, "1").msg(3, rec(0, "x").varint(fieldExplicitHashKeyIndex, 1))),
			wantErr: "out of range",
		},
		{name: "missing partition key index", data: wrap(pb{}.str(1, "k").msg(3, pb{}.str(fieldData, "x"))), wantErr: "missing"},
		{name: "missing data", data: wrap(pb{}.str(1, "k").msg(3, pb{}.varint(fieldPartitionKeyIndex, 0))), wantErr: "missing"},
		{
			name:    "tag without key",
			data:    wrap(pb{}.str(1, "k").msg(3, rec(0, "x").msg(fieldTags, pb{}.str(2, "value")))),
			wantErr: "missing",
		},
		{
			name:    "malformed tag",
			data:    wrap(pb{}.str(1, "k").msg(3, rec(0, "x").msg(fieldTags, pb{}.raw(0x0a, 0x09)))),
			wantErr: "truncated",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Deaggregate(tt.data)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrNotAggregated, "Deaggregate() error")
				require.ErrorContains(t, err, tt.wantErr, "Deaggregate() error")
				require.Nil(t, got, "Deaggregate() with error, want nil")
				return
			}
			require.NoError(t, err, "Deaggregate()")
			require.Equal(t, tt.want, got, "Deaggregate()")
		})
	}
}

func TestIsAggregated(t *testing.T) {
	agg := Aggregate([]SubRecord{{PartitionKey: "k", Data: []byte("x")}})
	for _, tt := range []struct {
		data []byte
		want bool
	}{
		{nil, false},
		{[]byte("plain"), false},
		{wrap(nil), true},
		{wrap(nil)[:minLen-1], false},
		{agg, true},
		{append([]byte{0}, agg...), false},
	} {
		assert.Equal(t, tt.want, IsAggregated(tt.data), "IsAggregated(% x)", tt.data)
	}
}

// TestDeaggregateDataIsCapped pins that appending to one sub-record's data
// cannot overwrite the next sub-record.
func TestDeaggregateDataIsCapped(t *testing.T) {
	subs, err := Deaggregate(Aggregate([]SubRecord{
		{PartitionKey: "k", Data: []byte("a")},
		{PartitionKey: "k", Data: []byte("b")},
	}))
	require.NoError(t, err)
	_ = append(subs[0].Data, 'X')
	require.Equal(t, "b", string(subs[1].Data), "second record data after append to first")
}

// TestAggregateEncoding pins the exact bytes Aggregate writes, including
// key-table deduplication.
func TestAggregateEncoding(t *testing.T) {
	got := Aggregate([]SubRecord{
		{PartitionKey: "a", Data: []byte("x")},
		{PartitionKey: "a", ExplicitHashKey: "7", Data: []byte("y"), SubSequenceNumber: 99},
	})
	body := []byte{
		0x0a, 0x01, 'a', // partition_key_table: "a"
		0x12, 0x01, '7', // explicit_hash_key_table: "7"
		0x1a, 0x05, 0x08, 0x00, 0x1a, 0x01, 'x', // records: {pk 0, data "x"}
		0x1a, 0x07, 0x08, 0x00, 0x10, 0x00, 0x1a, 0x01, 'y', // records: {pk 0, ehk 0, data "y"}
	}
	want := wrap(body)
	require.Equal(t, want, got, "Aggregate() =\n% x\nwant\n% x", got, want)
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 10, 200, 1000} {
		records := make([]SubRecord, n)
		for i := range records {
			records[i] = SubRecord{
				PartitionKey:      fmt.Sprintf("pk-%d", r.IntN(20)),
				Data:              make([]byte, r.IntN(300)),
				SubSequenceNumber: int64(i),
			}
			if r.IntN(3) == 0 {
				records[i].ExplicitHashKey = fmt.Sprint(r.Uint64())
			}
			for j := range records[i].Data {
				records[i].Data[j] = byte(r.Uint32())
			}
		}
		got, err := Deaggregate(Aggregate(records))
		require.NoError(t, err, "n=%d", n)
		require.Equal(t, records, got, "n=%d: round trip mismatch", n)
	}
}

// TestExplicitHashKey checks the explicit hash keys of sub-records: any
// decimal in [0, 2^128-1], leading zeros included, as the KPL writes them.
func TestExplicitHashKey(t *testing.T) {
	for s, want := range map[string]string{
		"0": "0", "007": "7", "000": "0",
		"340282366920938463463374607431768211455": "340282366920938463463374607431768211455",
	} {
		h, err := SubRecord{ExplicitHashKey: s}.HashKey()
		if assert.NoError(t, err, "HashKey of %q", s) {
			assert.Equal(t, want, h.String(), "HashKey of %q", s)
		}
	}
	for _, s := range []string{"-1", "+1", " 1", "1a", "0x10", "340282366920938463463374607431768211456", strings.Repeat("9", 100)} {
		_, err := (SubRecord{ExplicitHashKey: s}).HashKey()
		assert.Error(t, err, "HashKey of %q succeeded, want error", s)
	}
}

// threeShards are the hash key ranges of a 3-shard stream (docs/kinesis-notes.md §4.2).
var threeShards = [][2]string{
	{"0", "113427455640312821154458202477256070484"},
	{"113427455640312821154458202477256070485", "226854911280625642308916404954512140969"},
	{"226854911280625642308916404954512140970", "340282366920938463463374607431768211455"},
}

// TestPartitionKeyHash checks routing verified against production: in a
// 3-shard stream, keys a, b, e, f go to shards 0, 1, 2, 1.
func TestPartitionKeyRouting(t *testing.T) {
	for key, shard := range map[string]int{"a": 0, "b": 1, "e": 2, "f": 1} {
		h, _ := SubRecord{PartitionKey: key}.HashKey()
		for i, s := range threeShards {
			r, err := ParseHashKeyRange(s[0], s[1])
			require.NoError(t, err)
			assert.Equal(t, i == shard, r.Contains(h), "shard %d Contains(hash(%q))", i, key)
		}
	}
}

func TestParseHashKeyRange(t *testing.T) {
	_, err := ParseHashKeyRange("x", "1")
	assert.Error(t, err, "bad start accepted")
	_, err = ParseHashKeyRange("1", "x")
	assert.Error(t, err, "bad end accepted")
}

func TestFilter(t *testing.T) {
	shard1, err := ParseHashKeyRange(threeShards[1][0], threeShards[1][1])
	require.NoError(t, err)
	subs, err := Deaggregate(Aggregate([]SubRecord{
		{PartitionKey: "a", Data: []byte("0")},                                                             // shard 0
		{PartitionKey: "b", Data: []byte("1")},                                                             // shard 1
		{PartitionKey: "e", Data: []byte("2")},                                                             // shard 2
		{PartitionKey: "a", ExplicitHashKey: threeShards[1][0], Data: []byte("3")},                         // first key of shard 1
		{PartitionKey: "b", ExplicitHashKey: threeShards[1][1], Data: []byte("4")},                         // last key of shard 1
		{PartitionKey: "b", ExplicitHashKey: threeShards[2][0], Data: []byte("5")},                         // first key of shard 2
		{PartitionKey: "b", ExplicitHashKey: "not a number", Data: []byte("6")},                            // malformed
		{PartitionKey: "b", ExplicitHashKey: "340282366920938463463374607431768211456", Data: []byte("7")}, // 2^128
		{PartitionKey: "f", Data: []byte("8")},                                                             // shard 1
	}))
	require.NoError(t, err)
	var got []int64
	for _, s := range Filter(shard1, subs) {
		got = append(got, s.SubSequenceNumber)
	}
	require.Equal(t, []int64{1, 3, 4, 8}, got, "kept sub-sequence numbers")
}

// benchAggregate is a 100-record aggregate with distinct partition keys and
// 100-byte payloads, about what the KPL builds for small records.
func benchAggregate() []byte {
	records := make([]SubRecord, 100)
	for i := range records {
		records[i] = SubRecord{
			PartitionKey: fmt.Sprintf("partition-key-%04d", i),
			Data:         bytes.Repeat([]byte{byte(i)}, 100),
		}
	}
	return Aggregate(records)
}

func BenchmarkDeaggregate(b *testing.B) {
	agg := benchAggregate()
	b.SetBytes(int64(len(agg)))
	b.ReportAllocs()
	for b.Loop() {
		subs, err := Deaggregate(agg)
		if err != nil || len(subs) != 100 {
			b.Fatal(len(subs), err)
		}
	}
}

func BenchmarkDeaggregateAndFilter(b *testing.B) {
	agg := benchAggregate()
	all := freshet.HashKeyRange{EndingHashKey: freshet.MaxHashKey}
	b.SetBytes(int64(len(agg)))
	b.ReportAllocs()
	for b.Loop() {
		subs, err := Deaggregate(agg)
		if err != nil || len(Filter(all, subs)) != 100 {
			b.Fatal(err)
		}
	}
}

func BenchmarkAggregate(b *testing.B) {
	records, err := Deaggregate(benchAggregate())
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		Aggregate(records)
	}
}
