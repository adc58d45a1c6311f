package freshet

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const dpBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func TestTokenSealOpen(t *testing.T) {
	e, _ := dpEngine(t)
	for _, payload := range [][]byte{nil, {1}, {1, 2}, []byte("a payload of some length"), make([]byte, 300)} {
		for _, kind := range []byte{tokenIterator, tokenListShards, tokenListStreams, tokenConsumers} {
			tok := e.seal(kind, payload)
			got, ok := e.open(kind, tok)
			require.True(t, ok)
			require.Equal(t, len(payload), len(got))
			if len(payload) > 0 {
				require.Equal(t, payload, got)
			}
			for _, other := range []byte{tokenIterator, tokenListShards, tokenListStreams, tokenConsumers} {
				if other != kind {
					_, ok = e.open(other, tok)
					require.False(t, ok, "a %c token opened as %c", kind, other)
				}
			}
		}
	}
	other, _ := dpEngine(t)
	_, ok := other.open(tokenIterator, e.seal(tokenIterator, []byte("x")))
	require.False(t, ok, "another engine's token")
	_, ok = e.open(tokenIterator, strings.Repeat("A", 4100))
	require.False(t, ok)
	for _, junk := range []string{"", "=", "====", "A", "AAAA", "!!!!", "not base64"} {
		_, ok = e.open(tokenIterator, junk)
		require.False(t, ok, junk)
	}
}

// TestTokenTampering alters a token in every way a caller could, one
// change at a time, for payload lengths of every residue modulo 3 (so the
// base64 text ends with no, one and two padding characters): every altered
// text must be rejected, even when it decodes to the same bytes.
func TestTokenTampering(t *testing.T) {
	e, _ := dpEngine(t)
	for n := 40; n < 43; n++ {
		tok := e.seal(tokenIterator, make([]byte, n))
		_, ok := e.open(tokenIterator, tok)
		require.True(t, ok)
		reject := func(bad, what string) {
			t.Helper()
			if bad == tok {
				return
			}
			_, ok := e.open(tokenIterator, bad)
			require.False(t, ok, "%s: %q accepted", what, bad)
		}
		for i := range len(tok) {
			for _, c := range dpBase64Alphabet + "=-_ \n\r" {
				reject(tok[:i]+string(c)+tok[i+1:], "replace")
				reject(tok[:i]+string(c)+tok[i:], "insert")
			}
			reject(tok[:i]+tok[i+1:], "delete")
			reject(tok[:i], "truncate")
		}
		for _, suffix := range []string{"=", "==", "\n", "\r\n", "A", "AAAA"} {
			reject(tok+suffix, "append")
		}
		raw, err := base64.StdEncoding.DecodeString(tok)
		require.NoError(t, err)
		for i := range raw {
			for bit := range 8 {
				mod := append([]byte(nil), raw...)
				mod[i] ^= 1 << bit
				reject(base64.StdEncoding.EncodeToString(mod), "bit flip")
			}
		}
	}
}

func TestTokenReader(t *testing.T) {
	var w tokenWriter
	when := time.Date(2015, 1, 22, 1, 22, 2, 123456789, time.UTC)
	w.u64(1<<63 + 5)
	w.i64(-7)
	w.str("")
	w.str(strings.Repeat("é", 100))
	w.time(when)
	r := newTokenReader(w.b)
	require.Equal(t, uint64(1<<63+5), r.u64())
	require.Equal(t, int64(-7), r.i64())
	require.Equal(t, "", r.str())
	require.Equal(t, strings.Repeat("é", 100), r.str())
	require.True(t, when.Equal(r.time()))
	require.True(t, r.done())

	// Every truncation fails to parse, without panicking.
	for n := range len(w.b) {
		r := newTokenReader(w.b[:n])
		r.u64()
		r.i64()
		r.str()
		r.str()
		r.time()
		require.False(t, r.done(), "truncated at %d", n)
	}
	// A string length beyond the payload, and a malformed varint.
	r = newTokenReader([]byte{0x05, 'a', 'b'})
	require.Equal(t, "", r.str())
	require.False(t, r.done())
	r = newTokenReader([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	require.Equal(t, "", r.str())
	require.False(t, r.done())
	r = newTokenReader([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	require.Equal(t, "", r.str(), "a length of 2^63 and more")
	require.False(t, r.done())
	// Trailing bytes are not a complete parse.
	r = newTokenReader([]byte{0, 0, 0, 0, 0, 0, 0, 1, 9})
	require.Equal(t, uint64(1), r.u64())
	require.False(t, r.done())
}

// TestIteratorTampering changes every character of a real shard iterator
// and checks that GetRecords rejects each variant as Invalid ShardIterator.
func TestIteratorTampering(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	for _, name := range []string{"s", "st", "str"} { // token lengths of every residue modulo 3
		dpCreate(t, e, name, 1)
		dpPut(t, e, name, "k", []byte("1"))
		it := dpIter(t, e, name, "0", TrimHorizon, "")
		for i := range len(it) {
			for _, c := range dpBase64Alphabet + "=" {
				bad := it[:i] + string(c) + it[i+1:]
				if bad == it {
					continue
				}
				_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: bad})
				dpRequireErr(t, err, codeInvalidArgument, "Invalid ShardIterator.")
			}
		}
		_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it + "\n"})
		dpRequireErr(t, err, codeInvalidArgument, "Invalid ShardIterator.")
		require.Equal(t, []string{"1"}, dpDatas(dpGet(t, e, it, 0).Records), "the genuine iterator still works")
	}

	// A pagination token is not a shard iterator.
	ls, err := e.ListStreams(ctx, &ListStreamsInput{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, ls.NextToken)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: ls.NextToken})
	dpRequireErr(t, err, codeInvalidArgument, "Invalid ShardIterator.")
}

// TestIteratorTokenContents checks what an iterator carries: re-sealing a
// payload that names another shard, a later position or another stream
// (another stream id: a deleted and recreated stream, even at the same instant)
// (possible only with the engine's key) is honoured, and a payload with
// an impossible shard index is rejected.
func TestIteratorTokenContents(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 2)
	st, err := e.Stream("s")
	require.NoError(t, err)
	dpPutHash(t, e, "s", HashKey{}, []byte("a"))
	dpPutHash(t, e, "s", HashKey{}, []byte("b"))
	forge := func(issued time.Time, streamID, index, pos uint64, name string) string {
		var w tokenWriter
		w.i64(issued.UnixMilli())
		w.u64(e.iteratorGen.Load())
		w.u64(streamID)
		w.u64(index)
		w.u64(pos)
		w.str(name)
		return e.seal(tokenIterator, w.b)
	}
	now := clk.Now()
	require.Equal(t, []string{"b"}, dpDatas(dpGet(t, e, forge(now, st.id, 0, 2, "s"), 0).Records))
	require.Empty(t, dpGet(t, e, forge(now, st.id, 1, 0, "s"), 0).Records)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: forge(now, st.id, 1<<31, 0, "s")})
	dpRequireErr(t, err, codeInvalidArgument, "Invalid ShardIterator.")
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: forge(now, st.id, 7, 0, "s")})
	dpRequireErr(t, err, codeResourceNotFound, "Shard shardId-000000000007 in stream s under account "+dpAccount+" does not exist")
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: forge(now, st.id+1, 0, 0, "s")})
	dpRequireErr(t, err, codeResourceNotFound, "Shard shardId-000000000000 in stream s under account "+dpAccount+" does not exist")
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: forge(now, st.id, 0, 0, "t")})
	dpRequireErr(t, err, codeResourceNotFound, "Shard shardId-000000000000 in stream t under account "+dpAccount+" does not exist")
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: forge(now.Add(-time.Hour), st.id, 0, 0, "s")})
	require.ErrorIs(t, err, ErrExpiredIterator)
	// A position far past the tip reads nothing and stays put.
	out := dpGet(t, e, forge(now, st.id, 0, 1<<62, "s"), 0)
	require.Empty(t, out.Records)
	require.NotEmpty(t, out.NextShardIterator)
}
