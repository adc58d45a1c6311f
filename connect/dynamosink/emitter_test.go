package dynamosink_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/dynamosink"
)

func TestDynamo(t *testing.T) {
	d, c := startDynalite(t)
	ctx := context.Background()

	t.Run("WritesAllItemsInGroupsOf25", func(t *testing.T) {
		createTable(t, c, "all")
		e, err := dynamosink.New(ctx, c, dynamosink.Config{Table: "all"})
		require.NoError(t, err)
		f, err := e.Emit(ctx, batch(0, 123))
		require.NoError(t, err)
		require.Empty(t, f)
		require.Equal(t, want(0, 123), scan(t, c, "all"))

		// The same batch again, and an overlapping one: nothing doubles.
		_, err = e.Emit(ctx, batch(0, 123))
		require.NoError(t, err)
		_, err = e.Emit(ctx, batch(100, 150))
		require.NoError(t, err)
		require.Equal(t, want(0, 150), scan(t, c, "all"))
	})

	t.Run("SameKeyTwiceInABatch", func(t *testing.T) {
		createTable(t, c, "dups")
		e, err := dynamosink.New(ctx, c, dynamosink.Config{Table: "dups"})
		require.NoError(t, err)
		b := batch(0, 30)
		for i := range b.Entries { // ids k0..k4, each 6 times; the last write of each wins
			b.Entries[i].Item = item("k"+string(rune('0'+i%5)), i)
		}
		f, err := e.Emit(ctx, b)
		require.NoError(t, err)
		require.Empty(t, f)
		assert.Equal(t, map[string]int{"k0": 25, "k1": 26, "k2": 27, "k3": 28, "k4": 29}, scan(t, c, "dups"))
	})

	t.Run("InvalidItemsFailAlone", func(t *testing.T) {
		createTable(t, c, "invalid")
		e, err := dynamosink.New(ctx, c, dynamosink.Config{Table: "invalid"})
		require.NoError(t, err)
		b := batch(0, 40)
		b.Entries[4].Item["id"] = &types.AttributeValueMemberN{Value: "4"}                             // the key is a string
		b.Entries[31].Item["big"] = &types.AttributeValueMemberS{Value: strings.Repeat("x", 400*1024)} // over 400 KB
		delete(b.Entries[33].Item, "id")                                                               // no key
		f, err := e.Emit(ctx, b)
		require.NoError(t, err)
		require.Len(t, f, 3)
		for k, i := range []int{4, 31, 33} {
			assert.Equal(t, i, f[k].Index)
			assert.True(t, f[k].Permanent)
		}
		var api smithy.APIError
		require.ErrorAs(t, f[0].Err, &api)
		assert.Equal(t, "ValidationException", api.ErrorCode())
		require.ErrorAs(t, f[1].Err, &api)
		assert.Equal(t, "ValidationException", api.ErrorCode())
		assert.ErrorIs(t, f[2].Err, dynamosink.ErrMissingKey)
		w := want(0, 40)
		delete(w, "k4")
		delete(w, "k31")
		delete(w, "k33")
		assert.Equal(t, w, scan(t, c, "invalid"))
	})

	t.Run("UnprocessedItemsAreRetried", func(t *testing.T) {
		createTable(t, c, "throttled")
		var mu sync.Mutex
		seen := map[string]int{}
		th, url := startThrottler(t, d.URL, func(id string) bool {
			mu.Lock()
			defer mu.Unlock()
			seen[id]++
			return strings.HasSuffix(id, "3") && seen[id] <= 3 // three times unprocessed, then written
		})
		e, err := dynamosink.New(ctx, newClient(t, url), dynamosink.Config{Table: "throttled", InitialBackoff: time.Millisecond})
		require.NoError(t, err)
		f, err := e.Emit(ctx, batch(0, 60))
		require.NoError(t, err)
		require.Empty(t, f)
		assert.Equal(t, want(0, 60), scan(t, c, "throttled"))
		assert.Equal(t, 3*4, th.Requests()) // 3 groups, each sent 4 times
	})

	t.Run("PersistentlyUnprocessedItemsFail", func(t *testing.T) {
		createTable(t, c, "stuck")
		_, url := startThrottler(t, d.URL, func(id string) bool { return id == "k7" || id == "k30" })
		e, err := dynamosink.New(ctx, newClient(t, url), dynamosink.Config{Table: "stuck", MaxAttempts: 3, InitialBackoff: time.Millisecond})
		require.NoError(t, err)
		b := batch(0, 50)
		b.Entries[40].Item = item("k7", 40) // a later write of k7 must not overtake the failed one
		f, err := e.Emit(ctx, b)
		require.NoError(t, err)
		require.Len(t, f, 3)
		assert.Equal(t, connect.Failure{Index: 7, Err: dynamosink.ErrUnprocessed}, f[0])
		assert.Equal(t, connect.Failure{Index: 30, Err: dynamosink.ErrUnprocessed}, f[1])
		assert.Equal(t, connect.Failure{Index: 40, Err: dynamosink.ErrEarlierWriteFailed}, f[2])
		w := want(0, 50)
		delete(w, "k7")
		delete(w, "k30")
		delete(w, "k40")
		assert.Equal(t, w, scan(t, c, "stuck"))
	})

	t.Run("MissingTable", func(t *testing.T) {
		_, err := dynamosink.New(ctx, c, dynamosink.Config{Table: "missing"})
		require.Error(t, err)
		e, err := dynamosink.New(ctx, c, dynamosink.Config{Table: "missing", KeyAttributes: []string{"id"}})
		require.NoError(t, err)
		_, err = e.Emit(ctx, batch(0, 3))
		var api smithy.APIError
		require.ErrorAs(t, err, &api)
		assert.Equal(t, "ResourceNotFoundException", api.ErrorCode())
	})
}

// TestDynaliteOutage stops dynalite while batches are being written: the
// emits fail with an error until it is back, and the retried batches
// leave every item exactly once.
func TestDynaliteOutage(t *testing.T) {
	d, c := startDynalite(t)
	e, err := dynamosink.New(context.Background(), c, dynamosink.Config{Table: "events"})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const total, size = 3000, 60
	var written, errs atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for pos := 0; pos < total; pos += size {
			for {
				f, err := e.Emit(ctx, batch(pos, pos+size))
				if err == nil {
					assert.Empty(t, f)
					break
				}
				errs.Add(1)
				if ctx.Err() != nil {
					t.Error(err)
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
			written.Store(int64(pos + size))
		}
	}()
	for written.Load() < 600 {
		time.Sleep(5 * time.Millisecond)
	}
	d.Stop()
	for errs.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	d.Start()
	<-done
	require.Positive(t, errs.Load())
	require.Equal(t, want(0, total), scan(t, c, "events"))
	require.False(t, errors.Is(ctx.Err(), context.DeadlineExceeded))
}
