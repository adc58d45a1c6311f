package connect_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/connect/s3sink"
	"github.com/freshet-io/freshet/connect/streamsink"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

// The benchmarks read the same stream of benchRecords records of
// benchSize bytes from its start, each iteration with a fresh lease
// table: the raw consumer (a handler that counts), then the pipeline into
// an emitter that discards, into S3 (gofakes3 over HTTP), gzipped S3, and
// into another stream of the same in-process engine. Compare records/s
// and MB/s of the pipelines with the raw consumer's in the same run.
const (
	benchRecords = 20000
	benchSize    = 100
)

type nopEmitter struct{}

func (nopEmitter) Emit(context.Context, *connect.Batch[[]byte]) ([]connect.Failure, error) {
	return nil, nil
}

func benchOpts() []consumer.Option {
	return []consumer.Option{
		consumer.WithLeaseStore(lease.NewMemoryStore()),
		consumer.WithInitialPosition(lease.TrimHorizon),
		consumer.WithIdleTimeBetweenReads(time.Millisecond),
	}
}

func report(b *testing.B, start time.Time) {
	secs := time.Since(start).Seconds()
	n := float64(b.N) * benchRecords
	b.ReportMetric(n/secs, "records/s")
	b.ReportMetric(n*benchSize/secs/1e6, "MB/s")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkConnector(b *testing.B) {
	e := conntest.NewStream(b, "in", 4)
	data := make([]byte, benchSize)
	for i := range data {
		data[i] = 'a' + byte(i%26)
	}
	conntest.PutData(b, e, "in", 0, benchRecords, func(int) []byte { return data })
	raw := func(r connect.Record) ([]byte, error) { return r.Data, nil }

	b.Run("RawConsumer", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			var n atomic.Int64
			ctx, cancel := context.WithCancel(context.Background())
			w := consumer.New(e, "in", consumer.HandlerFunc(func(context.Context, consumer.Record) error {
				n.Add(1)
				return nil
			}), benchOpts()...)
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx) }()
			for n.Load() < benchRecords {
				time.Sleep(100 * time.Microsecond)
			}
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
		report(b, start)
	})

	s3 := conntest.NewS3(b, "lake")
	emitters := []struct {
		name string
		em   func(i int) connect.Emitter[[]byte]
	}{
		{"Pipeline/Discard", func(int) connect.Emitter[[]byte] { return nopEmitter{} }},
		{"Pipeline/S3", func(i int) connect.Emitter[[]byte] {
			em, err := s3sink.New(s3.Client(), "lake", s3sink.Bytes, s3sink.WithPrefix(fmt.Sprintf("plain-%d/", i)))
			if err != nil {
				b.Fatal(err)
			}
			return em
		}},
		{"Pipeline/S3Gzip", func(i int) connect.Emitter[[]byte] {
			em, err := s3sink.New(s3.Client(), "lake", s3sink.Bytes, s3sink.WithGzip(), s3sink.WithPrefix(fmt.Sprintf("gz-%d/", i)))
			if err != nil {
				b.Fatal(err)
			}
			return em
		}},
		{"Pipeline/Stream", func(i int) connect.Emitter[[]byte] {
			name := fmt.Sprintf("out-%d", i)
			if _, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: name, ShardCount: 4}); err != nil {
				b.Fatal(err)
			}
			return streamsink.New(e, name, streamsink.Bytes)
		}},
	}
	iter := 0
	for _, tc := range emitters {
		b.Run(tc.name, func(b *testing.B) {
			benchSink(b, e, raw, func(int) connect.Emitter[[]byte] {
				iter++
				return tc.em(iter)
			})
		})
	}
}
