package kinesiswm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/freshet-io/freshet"
)

// StreamCreator creates streams, for the AutoCreate options of the
// Publisher and the Subscriber. A *freshet.Engine satisfies it; over the
// AWS SDK, wrap the client's CreateStream and DescribeStreamSummary.
type StreamCreator interface {
	CreateStream(ctx context.Context, in *freshet.CreateStreamInput) (*freshet.CreateStreamOutput, error)
	DescribeStreamSummary(ctx context.Context, in *freshet.DescribeStreamSummaryInput) (*freshet.DescribeStreamSummaryOutput, error)
}

// An in-process engine creates streams.
var _ StreamCreator = (*freshet.Engine)(nil)

// streamMaker creates each stream once and waits until it is ACTIVE.
type streamMaker struct {
	creator StreamCreator
	shards  int
	clock   freshet.Clock

	mu    sync.Mutex
	ready map[string]bool
}

func newStreamMaker(c StreamCreator, shards int, clock freshet.Clock) *streamMaker {
	if c == nil {
		return nil
	}
	return &streamMaker{creator: c, shards: max(shards, 1), clock: clock, ready: map[string]bool{}}
}

// ensure creates the stream if it does not exist, and waits until it is
// ACTIVE. A nil streamMaker does nothing.
func (m *streamMaker) ensure(ctx context.Context, stream string) error {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	ready := m.ready[stream]
	m.mu.Unlock()
	if ready {
		return nil
	}
	_, err := m.creator.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: stream, ShardCount: m.shards})
	if err != nil && !errors.Is(err, freshet.ErrResourceInUse) {
		return fmt.Errorf("kinesiswm: creating stream %s: %w", stream, err)
	}
	pause := 10 * time.Millisecond
	for {
		out, err := m.creator.DescribeStreamSummary(ctx, &freshet.DescribeStreamSummaryInput{StreamName: stream})
		if err != nil {
			return fmt.Errorf("kinesiswm: describing stream %s: %w", stream, err)
		}
		if out.StreamDescriptionSummary.StreamStatus == freshet.StreamStatusActive {
			break
		}
		if err := sleep(ctx, m.clock, pause, nil); err != nil {
			return err
		}
		pause = min(2*pause, time.Second)
	}
	m.mu.Lock()
	m.ready[stream] = true
	m.mu.Unlock()
	return nil
}
