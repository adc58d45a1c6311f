package freshet

import (
	"context"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/constraint"
)

// TestPartitionKeyLengthInUTF16Units: in process as over HTTP, partition
// keys are limited to 256 UTF-16 code units, as Kinesis counts them: 128
// emoji (256 units) are accepted, 129 refused; 256 two- or three-byte
// characters (one unit each) are accepted.
func TestPartitionKeyLengthInUTF16Units(t *testing.T) {
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	st, err := e.Stream("s")
	require.NoError(t, err)
	ctx := context.Background()
	tests := []struct {
		key string
		ok  bool
	}{
		{strings.Repeat("a", 256), true},
		{strings.Repeat("a", 257), false},
		{strings.Repeat("é", 256), true},
		{strings.Repeat("€", 256), true},
		{strings.Repeat("€", 257), false},
		{strings.Repeat("😀", 128), true},
		{strings.Repeat("😀", 129), false},
		{strings.Repeat("😀", 128) + "a", false},
	}
	for _, tt := range tests {
		units := len(utf16.Encode([]rune(tt.key)))
		require.Equal(t, tt.ok, units <= 256, "test table: %d units", units)
		require.Equal(t, tt.ok, constraint.ValidRecord(tt.key, 1), "%d units", units)

		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: tt.key, Data: []byte("x")})
		out, rerr := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: tt.key, Data: []byte("x")}}})
		_, aerr := st.Append(ctx, tt.key, []byte("x"))
		if tt.ok {
			require.NoError(t, err, "%d units", units)
			require.NoError(t, rerr, "%d units", units)
			require.Zero(t, out.FailedRecordCount)
			require.NoError(t, aerr, "%d units", units)
		} else {
			require.ErrorIs(t, err, ErrValidation, "%d units", units)
			require.ErrorContains(t, err, "Member must have length less than or equal to 256")
			require.ErrorIs(t, rerr, ErrValidation, "%d units", units)
			require.ErrorIs(t, aerr, ErrValidation, "Append, %d units", units)
		}
	}
}

// FuzzPartitionKeyLength: a partition key is valid exactly when it has 1
// to 256 UTF-16 units, for every valid string.
func FuzzPartitionKeyLength(f *testing.F) {
	f.Add(strings.Repeat("😀", 129))
	f.Add(strings.Repeat("a", 300))
	f.Add("")
	f.Fuzz(func(t *testing.T, key string) {
		units := len(utf16.Encode([]rune(key)))
		if !strings.ContainsRune(key, '\uFFFD') && (units >= 1 && units <= 256) != constraint.ValidRecord(key, 0) {
			t.Fatalf("ValidRecord(%q) = %v with %d units", key, constraint.ValidRecord(key, 0), units)
		}
	})
}
