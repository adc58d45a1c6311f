package main

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
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
	open := func(spec string) (lease.Store, error) {
		store, closeStore, err := openLeaseStore(ctx, config{leases: spec, app: "t", region: "us-east-1", dynamoEndpoint: "http://127.0.0.1:1"})
		if err == nil {
			closeStore()
		}
		return store, err
	}
	store, err := open("memory")
	require.NoError(t, err)
	assert.IsType(t, &lease.MemoryStore{}, store)

	// ddblease.New makes no call: the table is looked up when used.
	store, err = open("dynamodb://leases")
	require.NoError(t, err)
	assert.IsType(t, &ddblease.Store{}, store)
	_, err = open("dynamodb://a/b")
	assert.ErrorContains(t, err, "want dynamodb://TABLE")

	_, err = open("mysql://x")
	assert.ErrorContains(t, err, "want postgres://")
	_, err = open("postgres://%zz")
	assert.Error(t, err)
}
