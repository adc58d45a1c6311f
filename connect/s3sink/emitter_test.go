package s3sink_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/connect/s3sink"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testsync"
)

const stream = "orders"

func raw(r connect.Record) ([]byte, error) { return r.Data, nil }

func TestKeyIsDeterministic(t *testing.T) {
	s := conntest.NewS3(t, "b")
	em, err := s3sink.New(s.Client(), "b", s3sink.Bytes, s3sink.WithPrefix("in/!{timestamp:yyyy/MM/dd/HH}/"), s3sink.WithGzip())
	require.NoError(t, err)
	old := time.Date(2024, 5, 1, 22, 59, 0, 0, time.UTC)
	b := &connect.Batch[[]byte]{StreamName: "orders", ShardID: "shardId-000000000001", Entries: []connect.Entry[[]byte]{
		{SequenceNumber: connect.NewSequenceNumber("100"), SubSequenceNumber: 0, ArrivalTime: old.Add(2 * time.Hour)},
		{SequenceNumber: connect.NewSequenceNumber("101"), SubSequenceNumber: 0, ArrivalTime: old},
		{SequenceNumber: connect.NewSequenceNumber("102"), SubSequenceNumber: 3, ArrivalTime: old.Add(time.Hour)},
	}}
	// The hour of the oldest record, not of the first.
	assert.Equal(t, "in/2024/05/01/22/orders-shardId-000000000001-100-0-102-3.ndjson.gz", em.Key(b))

	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err == nil {
		em2, err := s3sink.New(s.Client(), "b", s3sink.Bytes, s3sink.WithPrefix("!{timestamp:yyyy-MM-dd}/"), s3sink.WithLocation(tokyo))
		require.NoError(t, err)
		assert.Equal(t, "2024-05-02/orders-shardId-000000000001-100-0-102-3.ndjson", em2.Key(b))
	}
}

func TestNewRejectsBadPrefix(t *testing.T) {
	s := conntest.NewS3(t, "b")
	_, err := s3sink.New(s.Client(), "b", s3sink.Bytes, s3sink.WithPrefix("!{firehose:random-string}"))
	assert.Error(t, err)
}

func TestPipelineIntoS3(t *testing.T) {
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", gz), func(t *testing.T) {
			s := conntest.NewS3(t, "lake")
			e := conntest.NewStream(t, stream, 2)
			var opts []s3sink.Option
			if gz {
				opts = append(opts, s3sink.WithGzip())
			}
			em, err := s3sink.New(s.Client(), "lake", s3sink.Bytes, append(opts, s3sink.WithPrefix("raw/!{timestamp:yyyy/MM/dd}/"))...)
			require.NoError(t, err)
			p := connect.New(e, stream, raw, connect.Emitter[[]byte](em), conntest.Reading(lease.NewMemoryStore()),
				connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 100, MaxAge: time.Hour}))
			stop := conntest.Start(t, p)
			put := conntest.Put(t, e, stream, 0, 1000)
			testsync.WaitFor(t, "all read", func() bool { return p.Stats().Total.Records == 1000 })
			require.NoError(t, stop())

			objs := s.Objects(t, "lake")
			lines := conntest.Lines(objs)
			require.Len(t, lines, 1000)
			for i := range 1000 {
				assert.Equal(t, 1, lines[strconv.Itoa(i)], "record %d", i)
			}
			day := time.Now().UTC().Format("2006/01/02")
			for k, body := range objs {
				assert.True(t, strings.HasPrefix(k, "raw/"), k)
				assert.Contains(t, []string{"raw/" + day, "raw/" + time.Now().UTC().Add(-time.Hour).Format("2006/01/02")}, k[:len("raw/")+10], k)
				assert.Equal(t, gz, strings.HasSuffix(k, ".gz"), k)
				// The key names the first and last records of the object.
				first := strings.SplitN(string(body), "\n", 2)[0]
				n, _ := strconv.Atoi(first)
				assert.Contains(t, k, put[n].ShardId+"-"+put[n].SequenceNumber.String()+"-0-", k)
			}
		})
	}
}

func TestS3OutageBacksOffAndResumesWithoutLossOrDuplicates(t *testing.T) {
	s := conntest.NewS3(t, "lake")
	e := conntest.NewStream(t, stream, 2)
	em, err := s3sink.New(s.Client(), "lake", s3sink.Bytes)
	require.NoError(t, err)
	p := connect.New(e, stream, raw, connect.Emitter[[]byte](em), conntest.Reading(lease.NewMemoryStore()),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 40, MaxAge: 20 * time.Millisecond}),
		connect.WithBackoff(connect.Backoff{First: time.Millisecond, Max: 20 * time.Millisecond, MaxElapsed: time.Hour}))
	stop := conntest.Start(t, p)
	conntest.Put(t, e, stream, 0, 200)
	testsync.WaitFor(t, "the first records stored", func() bool { return p.Stats().Total.Emitted == 200 })

	s.SetDown(true)
	conntest.Put(t, e, stream, 200, 600)
	testsync.WaitFor(t, "retries during the outage", func() bool { return p.Stats().Total.Retries >= 5 })
	assert.EqualValues(t, 200, p.Stats().Total.Emitted)
	s.SetDown(false)

	testsync.WaitFor(t, "every record stored", func() bool { return p.Stats().Total.Emitted == 600 })
	require.NoError(t, stop())
	lines := conntest.Lines(s.Objects(t, "lake"))
	require.Len(t, lines, 600)
	for l, n := range lines {
		assert.Equal(t, 1, n, "line %s", l)
	}
}

func TestUnencodableItemsAreDeadLetteredToS3(t *testing.T) {
	s := conntest.NewS3(t, "lake")
	e := conntest.NewStream(t, stream, 1)
	em, err := s3sink.New(s.Client(), "lake", s3sink.Bytes, s3sink.WithPrefix("ok/"))
	require.NoError(t, err)
	dl, err := s3sink.NewDeadLetter(s.Client(), "lake", "")
	require.NoError(t, err)
	p := connect.New(e, stream, raw, connect.Emitter[[]byte](em), conntest.Reading(lease.NewMemoryStore()),
		connect.WithFailurePolicy(connect.DeadLetterTo(dl)),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 10, MaxAge: time.Hour}))
	stop := conntest.Start(t, p)
	put := conntest.PutData(t, e, stream, 0, 25, func(i int) []byte {
		if i == 12 {
			return []byte("two\nlines")
		}
		return []byte(strconv.Itoa(i))
	})
	testsync.WaitFor(t, "all read", func() bool { return p.Stats().Total.Records == 25 })
	require.NoError(t, stop())

	var good, bad map[string][]byte = map[string][]byte{}, map[string][]byte{}
	for k, v := range s.Objects(t, "lake") {
		if strings.HasPrefix(k, "errors/") {
			bad[k] = v
		} else {
			good[k] = v
		}
	}
	assert.Len(t, conntest.Lines(good), 24)
	require.Len(t, bad, 1)
	for k, v := range bad {
		var l connect.Letter
		require.NoError(t, json.Unmarshal(v, &l), k)
		assert.Equal(t, "two\nlines", string(l.Data))
		assert.Equal(t, put[12].SequenceNumber.String(), l.SequenceNumber)
		assert.Equal(t, connect.StageEmit, l.Stage)
		assert.Contains(t, l.Reason, "newline")
		assert.Contains(t, k, l.SequenceNumber)
	}
	assert.EqualValues(t, 1, p.Stats().Total.DeadLettered)
}
