package kpl

import (
	"slices"
	"strings"

	"github.com/freshet-io/freshet"
)

// parseExplicitHashKey parses a sub-record's explicit hash key, a decimal
// integer in [0, 2^128-1]. Unlike the Kinesis API it accepts leading zeros:
// the KPL writes explicit hash keys as its callers gave them.
func parseExplicitHashKey(s string) (freshet.HashKey, error) {
	if t := strings.TrimLeft(s, "0"); t != s {
		s = t
		if s == "" {
			s = "0"
		}
	}
	return freshet.ParseHashKey(s)
}

// ParseHashKeyRange parses a shard's StartingHashKey and EndingHashKey, as
// ListShards returns them.
func ParseHashKeyRange(startingHashKey, endingHashKey string) (freshet.HashKeyRange, error) {
	start, err := freshet.ParseHashKey(startingHashKey)
	if err != nil {
		return freshet.HashKeyRange{}, err
	}
	end, err := freshet.ParseHashKey(endingHashKey)
	if err != nil {
		return freshet.HashKeyRange{}, err
	}
	return freshet.HashKeyRange{StartingHashKey: start, EndingHashKey: end}, nil
}

// Filter removes from subs, in place, every sub-record whose effective hash
// key (see SubRecord.HashKey) is outside the shard's range r or whose
// explicit hash key is malformed, and returns the shortened slice. The kept
// sub-records keep their SubSequenceNumber, so the numbers may have gaps.
// See the package documentation for why records are out of range and how
// this differs from the KCL.
func Filter(r freshet.HashKeyRange, subs []SubRecord) []SubRecord {
	return slices.DeleteFunc(subs, func(s SubRecord) bool {
		h, err := s.HashKey()
		return err != nil || !r.Contains(h)
	})
}
