package main

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"minimal", []string{"--stream", "s", "--leases", "memory"}, ""},
		{"no stream", []string{"--leases", "memory"}, "--stream is required"},
		{"no leases", []string{"--stream", "s"}, "--leases is required"},
		{"bad position", []string{"--stream", "s", "--leases", "memory", "--initial-position", "AT_TIMESTAMP"}, "--initial-position"},
		{"extra argument", []string{"--stream", "s", "--leases", "memory", "x"}, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(tt.args, io.Discard)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, "s", c.stream)
				assert.Equal(t, "LATEST", c.position)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestOpenLeaseStore(t *testing.T) {
	ctx := context.Background()
	store, closeStore, err := openLeaseStore(ctx, "memory", "t")
	require.NoError(t, err)
	assert.NotNil(t, store)
	closeStore()

	_, _, err = openLeaseStore(ctx, "dynamodb://leases", "t")
	assert.ErrorContains(t, err, "DynamoDB")
	_, _, err = openLeaseStore(ctx, "mysql://x", "t")
	assert.ErrorContains(t, err, "want postgres://")
	_, _, err = openLeaseStore(ctx, "postgres://%zz", "t")
	assert.Error(t, err)
}
