package kpl

import (
	"crypto/md5"
	"encoding/binary"
	"errors"
	"math/bits"
	"slices"
	"strconv"
)

// HashKey is a Kinesis hash key: an unsigned 128-bit integer, Hi being the
// upper 64 bits. The zero value is hash key 0.
type HashKey struct {
	Hi, Lo uint64
}

var errHashKey = errors.New("kpl: hash key is not a decimal integer in [0, 2^128-1]")

// ParseHashKey parses a hash key written as a decimal string, as Kinesis
// writes StartingHashKey, EndingHashKey and ExplicitHashKey. Leading zeros
// are accepted; signs, spaces and values above 2^128-1 are not.
func ParseHashKey(s string) (HashKey, error) {
	if s == "" {
		return HashKey{}, errHashKey
	}
	var h HashKey
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return HashKey{}, errHashKey
		}
		// h = h*10 + digit, failing on overflow.
		hiCarry, hi := bits.Mul64(h.Hi, 10)
		loCarry, lo := bits.Mul64(h.Lo, 10)
		hi, carry := bits.Add64(hi, loCarry, 0)
		if hiCarry != 0 || carry != 0 {
			return HashKey{}, errHashKey
		}
		lo, carry = bits.Add64(lo, uint64(c-'0'), 0)
		hi, carry = bits.Add64(hi, 0, carry)
		if carry != 0 {
			return HashKey{}, errHashKey
		}
		h = HashKey{Hi: hi, Lo: lo}
	}
	return h, nil
}

// PartitionKeyHash returns the hash key Kinesis derives from a partition
// key: its MD5 digest read as an unsigned big-endian 128-bit integer.
func PartitionKeyHash(partitionKey string) HashKey {
	sum := md5.Sum([]byte(partitionKey))
	return HashKey{
		Hi: binary.BigEndian.Uint64(sum[:8]),
		Lo: binary.BigEndian.Uint64(sum[8:]),
	}
}

// Compare returns -1, 0 or +1 as h is less than, equal to or greater than o.
func (h HashKey) Compare(o HashKey) int {
	switch {
	case h.Hi < o.Hi:
		return -1
	case h.Hi > o.Hi:
		return 1
	case h.Lo < o.Lo:
		return -1
	case h.Lo > o.Lo:
		return 1
	}
	return 0
}

// String renders h in decimal without leading zeros, as Kinesis does.
func (h HashKey) String() string {
	// Peel off 19-digit chunks (h % 1e19) until h fits in 64 bits; a
	// 128-bit value has at most 39 digits, so at most two chunks.
	const e19 = 10_000_000_000_000_000_000
	var chunks [2]uint64
	n := 0
	for h.Hi != 0 {
		var r uint64
		h.Hi, r = bits.Div64(0, h.Hi, e19)
		h.Lo, r = bits.Div64(r, h.Lo, e19)
		chunks[n] = r
		n++
	}
	b := strconv.AppendUint(make([]byte, 0, 39), h.Lo, 10)
	for i := n - 1; i >= 0; i-- {
		var digits [19]byte
		v := chunks[i]
		for j := len(digits) - 1; j >= 0; j-- {
			digits[j] = byte('0' + v%10)
			v /= 10
		}
		b = append(b, digits[:]...)
	}
	return string(b)
}

// HashKeyRange is a shard's inclusive hash key range, as in the Kinesis
// HashKeyRange structure.
type HashKeyRange struct {
	Start, End HashKey
}

// ParseHashKeyRange parses a shard's StartingHashKey and EndingHashKey.
func ParseHashKeyRange(startingHashKey, endingHashKey string) (HashKeyRange, error) {
	start, err := ParseHashKey(startingHashKey)
	if err != nil {
		return HashKeyRange{}, err
	}
	end, err := ParseHashKey(endingHashKey)
	if err != nil {
		return HashKeyRange{}, err
	}
	return HashKeyRange{Start: start, End: end}, nil
}

// Contains reports whether Start <= h <= End.
func (r HashKeyRange) Contains(h HashKey) bool {
	return r.Start.Compare(h) <= 0 && h.Compare(r.End) <= 0
}

// Filter removes from subs, in place, every sub-record whose effective hash
// key (see SubRecord.HashKey) is outside r or whose explicit hash key is
// malformed, and returns the shortened slice. The kept sub-records keep
// their SubSequenceNumber, so the numbers may have gaps. See the package
// documentation for why records are out of range and how this differs from
// the KCL.
func (r HashKeyRange) Filter(subs []SubRecord) []SubRecord {
	return slices.DeleteFunc(subs, func(s SubRecord) bool {
		h, err := s.HashKey()
		return err != nil || !r.Contains(h)
	})
}
