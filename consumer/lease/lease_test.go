package lease

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckpointCompare(t *testing.T) {
	// In ascending order; equal neighbours are grouped in one row.
	ordered := [][]Checkpoint{
		{{SequenceNumber: AtTimestamp}},
		{{SequenceNumber: TrimHorizon}},
		{{SequenceNumber: Latest}},
		{{SequenceNumber: "0"}, {SequenceNumber: "000"}},
		{{SequenceNumber: "0", SubSequenceNumber: 1}},
		{{SequenceNumber: "9"}, {SequenceNumber: "09"}},
		{{SequenceNumber: "10"}},
		{{SequenceNumber: "49590338271490256608559692538361571095921575989136588898"}},
		{{SequenceNumber: "49590338271490256608559692538361571095921575989136588898", SubSequenceNumber: 2}},
		{{SequenceNumber: "49590338271490256608559692538361571095921575989136588899"}},
		{{SequenceNumber: "100000000000000000000000000000000000000000000000000000000"}},
		{{SequenceNumber: ShardEnd}},
	}
	for i, row := range ordered {
		for j, other := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			for _, a := range row {
				for _, b := range other {
					assert.Equal(t, want, a.Compare(b), "%+v.Compare(%+v)", a, b)
				}
			}
		}
	}
}

func TestCheckpointIsSentinel(t *testing.T) {
	for seq, want := range map[string]bool{
		TrimHorizon: true, Latest: true, AtTimestamp: true, ShardEnd: true,
		"123": false, "": false, "trim_horizon": false,
	} {
		assert.Equal(t, want, (Checkpoint{SequenceNumber: seq}).IsSentinel(), "IsSentinel(%q)", seq)
	}
}
