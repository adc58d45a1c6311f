package freshet

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/constraint"
)

// Fuzz tests of every decoder of untrusted text: sequence numbers, hash
// keys, shard ids and shard iterators. Run one with, for example,
//
//	go test -run '^$' -fuzz FuzzIteratorDecode -fuzztime 20s .

var dpTwo192 = new(big.Int).Lsh(big.NewInt(1), 192)

// dpCanonicalDecimal is the reference for canonical decimals: 0 or digits
// without a leading zero.
func dpCanonicalDecimal(s string) (*big.Int, bool) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, false
		}
	}
	v, ok := new(big.Int).SetString(s, 10)
	return v, ok
}

func FuzzParseSequenceNumber(f *testing.F) {
	for _, s := range []string{
		"0", "1", "49554468589304656985365895156298971236367941927203518530",
		"21269319989652663814458848515492872193", "6277101735386680763835789423207666416102355444464034512895",
		"6277101735386680763835789423207666416102355444464034512896", "01", "-1", "+1", " 1", "", "1e9",
		strings.Repeat("9", 129),
	} {
		f.Add(s)
	}
	ref := makeSequenceNumber(1_442_247_997, 900, 17, 1_442_248_000)
	f.Fuzz(func(t *testing.T, s string) {
		sn, err := ParseSequenceNumber(s)
		v, canonical := dpCanonicalDecimal(s)
		want := canonical && v.Cmp(dpTwo192) < 0
		if !want {
			require.Error(t, err, "%q accepted", s)
			require.True(t, sn.IsZero())
			return
		}
		require.NoError(t, err, "%q rejected", s)
		require.Equal(t, v.String(), dpBigSN(sn).String())
		if s == "0" {
			require.True(t, sn.IsZero())
			require.Equal(t, "", sn.String())
		} else {
			require.Equal(t, s, sn.String())
		}
		require.Equal(t, v.Cmp(dpBigSN(ref)), sn.Cmp(ref))
		// The accessors never panic; a valid number is exactly its fields.
		_ = sn.ShardId()
		_ = sn.ShardCreated()
		_ = sn.Time()
		_ = sn.Counter()
		if sn.Valid() {
			require.Equal(t, sn, makeSequenceNumber(sn.ShardCreated().Unix(), uint32(sn.ShardIndex()), sn.Counter(), sn.Time().Unix()))
			require.Len(t, s, 56)
			if idx, ok := parseShardID(sn.ShardId()); sn.ShardIndex() < 1<<31 {
				require.True(t, ok)
				require.Equal(t, sn.ShardIndex(), idx)
			} else {
				require.False(t, ok, "shard ids end at 2^31-1; the field has 32 bits")
			}
		}
	})
}

func FuzzParseHashKey(f *testing.F) {
	for _, s := range []string{
		"0", "1", dpMaxHashKey, "340282366920938463463374607431768211456", "18446744073709551616",
		"00", "-0", "+5", " 7", "7 ", "1" + strings.Repeat("0", 39), "99999999999999999999999999999999999999",
	} {
		f.Add(s)
	}
	mid := HashKey{hi: 1 << 63}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseHashKey(s)
		v, canonical := dpCanonicalDecimal(s)
		want := canonical && v.Cmp(dpTwo128) < 0
		if !want {
			require.Error(t, err, "%q accepted", s)
			require.Equal(t, HashKey{}, k)
		} else {
			require.NoError(t, err, "%q rejected", s)
			require.Equal(t, s, k.String())
			require.Equal(t, v.String(), dpBig(k).String())
			require.Equal(t, v.Cmp(dpBig(mid)), k.Cmp(mid))
			require.True(t, k.Cmp(MaxHashKey) <= 0)
		}
		// The model's pattern, used by the validators, is the same set of
		// texts up to 39 digits.
		require.Equal(t, canonical && len(s) <= 39, constraint.IsHashKey(s))
		// Any text is a partition key with an MD5 hash key.
		sum := md5.Sum([]byte(s))
		require.Equal(t, new(big.Int).SetBytes(sum[:]).String(), HashPartitionKey(s).String())
	})
}

func FuzzShardID(f *testing.F) {
	for _, s := range []string{
		"shardId-000000000000", "shardId-1", "1", "foo-2", "shard-0003", "shardId-", "-", "--1", "shardId--1",
		"shardId-+1", "shardId-2147483647", "shardId-2147483648", "shardId-99999999999999999999", "a-b-1", "0x1", "١",
	} {
		f.Add(s)
	}
	e, _ := dpEngine(f)
	dpCreate(f, e, "s", 3)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, s string) {
		idx, ok := parseShardID(s)

		// Reference: the digits after the first '-' (or all of s), 0..2^31-1.
		rest := s
		if i := strings.IndexByte(s, '-'); i >= 0 {
			rest = s[i+1:]
		}
		digits := rest != ""
		for i := 0; i < len(rest); i++ {
			digits = digits && rest[i] >= '0' && rest[i] <= '9'
		}
		wantOK := false
		if digits {
			v, _ := new(big.Int).SetString(rest, 10)
			wantOK = v.Cmp(big.NewInt(1<<31)) < 0
			if wantOK {
				require.Equal(t, int(v.Int64()), idx)
			}
		}
		require.Equal(t, wantOK, ok, "%q", s)
		if ok {
			back, ok2 := parseShardID(shardID(idx))
			require.True(t, ok2)
			require.Equal(t, idx, back)
		}

		out, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: s, ShardIteratorType: Latest})
		var kerr *Error
		switch {
		case s == "" || !isName(s) || len(s) > 128:
			require.True(t, errors.As(err, &kerr), "%v", err)
			require.Equal(t, codeValidation, kerr.Code)
		case !ok:
			dpRequireErr(t, err, codeResourceNotFound, "Could not find shard "+s+" in stream s under account "+dpAccount+".")
		case idx >= 3:
			dpRequireErr(t, err, codeResourceNotFound, "Shard "+shardID(idx)+" in stream s under account "+dpAccount+" does not exist")
		default:
			require.NoError(t, err)
			require.NotEmpty(t, out.ShardIterator)
		}
	})
}

// FuzzIteratorDecode feeds GetRecords random strings, real iterators
// altered in many ways, and arbitrary payloads sealed with the engine's
// key. GetRecords must never panic; an altered iterator must fail with
// Invalid ShardIterator (or a validation error for its length); a sealed
// payload may only name a position of the stream; and the stream's
// records must stay intact throughout.
func FuzzIteratorDecode(f *testing.F) {
	f.Add("", uint8(0), uint16(0), byte(0))
	f.Add("AAAA", uint8(0), uint16(0), byte(0))
	f.Add("SQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABR4HurgUKeQVVC1q8UsPdW", uint8(0), uint16(3), byte('A'))
	for mode := range uint8(8) {
		f.Add("x", mode, uint16(40), byte('B'))
		f.Add("\n", mode, uint16(107), byte('='))
		f.Add("", mode, uint16(105), byte(0x41))
	}

	e, clk := dpEngine(f)
	ctx := context.Background()
	dpCreate(f, e, "s", 2)
	st, err := e.Stream("s")
	require.NoError(f, err)
	want := map[string][]string{}
	var sns []SequenceNumber
	for i := range 12 {
		key := HashKey{hi: uint64(i%2) << 63}
		out := dpPutHash(f, e, "s", key, []byte{byte('a' + i)})
		want[out.ShardId] = append(want[out.ShardId], string(rune('a'+i)))
		sns = append(sns, out.SequenceNumber)
		clk.Advance(time.Millisecond)
	}
	shards := []string{"shardId-000000000000", "shardId-000000000001"}

	f.Fuzz(func(t *testing.T, s string, mode uint8, pos uint16, b byte) {
		shard := shards[int(b)%2]
		var orig string
		if mode%8 != 0 {
			var in GetShardIteratorInput
			in.StreamName, in.ShardId = "s", shard
			switch int(pos) % 5 {
			case 0:
				in.ShardIteratorType = TrimHorizon
			case 1:
				in.ShardIteratorType = Latest
			case 2, 3:
				in.ShardIteratorType = AtSequenceNumber
				if pos%5 == 3 {
					in.ShardIteratorType = AfterSequenceNumber
				}
				in.StartingSequenceNumber = sns[(int(b)%2)+2*(int(pos)%6)].String()
			case 4:
				in.ShardIteratorType, in.Timestamp = AtTimestamp, dpEpoch.Add(time.Duration(pos%13)*time.Millisecond)
			}
			out, err := e.GetShardIterator(ctx, &in)
			require.NoError(t, err)
			orig = out.ShardIterator
		}
		tok := s
		sealed := false
		p := 0
		if orig != "" {
			p = int(pos) % (len(orig) + 1)
		}
		switch mode % 8 {
		case 1: // replace one character
			if p == len(orig) {
				p--
			}
			tok = orig[:p] + string(b) + orig[p+1:]
		case 2: // insert text
			tok = orig[:p] + s + orig[p:]
		case 3: // truncate
			tok = orig[:p]
		case 4: // flip one bit of the decoded token
			raw, err := base64.StdEncoding.DecodeString(orig)
			require.NoError(t, err)
			raw[int(pos)%len(raw)] ^= 1 << (b % 8)
			tok = base64.StdEncoding.EncodeToString(raw)
		case 5: // append text
			tok = orig + s
		case 6: // replace a run of characters with text
			end := min(len(orig), p+len(s))
			tok = orig[:p] + s + orig[end:]
		case 7: // any payload, sealed with the engine's key
			tok = e.seal(tokenIterator, []byte(s))
			sealed = true
		}

		out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: tok})
		switch {
		case orig != "" && tok == orig:
			require.NoError(t, err, "the genuine iterator")
		case err == nil:
			require.True(t, sealed, "an altered iterator %q was accepted", tok)
			// Whatever the payload, a successful read returns a run of
			// one shard's records, in order.
			got := strings.Join(dpDatas(out.Records), "")
			require.True(t, strings.Contains(strings.Join(want[shards[0]], ""), got) ||
				strings.Contains(strings.Join(want[shards[1]], ""), got), "records %q", got)
		default:
			var kerr *Error
			require.True(t, errors.As(err, &kerr), "%T %v", err, err)
			switch {
			case len(tok) == 0 || len(tok) > 512:
				require.Equal(t, codeValidation, kerr.Code, kerr.Message)
			case sealed:
				require.Contains(t, []string{codeInvalidArgument, codeExpiredIterator, codeResourceNotFound}, kerr.Code, kerr.Message)
			default:
				require.Equal(t, codeInvalidArgument, kerr.Code)
				require.Equal(t, "Invalid ShardIterator.", kerr.Message)
			}
		}

		// The stream is intact.
		require.Equal(t, st, e.list()["s"])
		for _, sh := range shards {
			it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: sh, ShardIteratorType: TrimHorizon})
			require.NoError(t, err)
			got, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
			require.NoError(t, err)
			require.Equal(t, want[sh], dpDatas(got.Records))
		}
	})
}
