package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

// line is one line of output.
type line struct {
	Event      string `json:"event"`
	Worker     string `json:"worker"`
	Session    int64  `json:"session"`
	Shard      string `json:"shard"`
	Seq        string `json:"seq,omitempty"`
	Sub        int64  `json:"sub,omitempty"`
	PK         string `json:"pk,omitempty"`
	Data       string `json:"data,omitempty"`
	Checkpoint string `json:"checkpoint,omitempty"`
	Time       int64  `json:"time"`
}

// printer writes lines to standard output, one processor's batch at a
// time.
type printer struct {
	mu       sync.Mutex
	w        *bufio.Writer
	enc      *json.Encoder
	sessions int64
}

func newPrinter(w io.Writer) *printer {
	bw := bufio.NewWriter(w)
	return &printer{w: bw, enc: json.NewEncoder(bw)}
}

// print writes lines and flushes them, so that they are out before the
// caller goes on (to checkpoint, for example).
func (p *printer) print(lines ...line) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now().UnixNano()
	for _, l := range lines {
		l.Time = now
		_ = p.enc.Encode(l)
	}
	_ = p.w.Flush()
}

func (p *printer) factory(worker string) consumer.ProcessorFactory {
	return func(shardID string) consumer.RecordProcessor {
		p.mu.Lock()
		p.sessions++
		session := p.sessions
		p.mu.Unlock()
		return &processor{p: p, worker: worker, shard: shardID, session: session}
	}
}

// processor prints the records of one shard, then checkpoints after each
// batch, as consumer.HandlerFunc does.
type processor struct {
	p       *printer
	worker  string
	shard   string
	session int64
}

func (pr *processor) event(name string, cp string) line {
	return line{Event: name, Worker: pr.worker, Session: pr.session, Shard: pr.shard, Checkpoint: cp}
}

func (pr *processor) Initialize(_ context.Context, in consumer.InitializeInput) error {
	pr.p.print(pr.event("initialize", in.Checkpoint.SequenceNumber))
	return nil
}

func (pr *processor) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	lines := make([]line, len(in.Records))
	for i, r := range in.Records {
		lines[i] = line{Event: "record", Worker: pr.worker, Session: pr.session, Shard: pr.shard,
			Seq: r.SequenceNumber.String(), Sub: r.SubSequenceNumber, PK: r.PartitionKey, Data: string(r.Data)}
	}
	pr.p.print(lines...)
	return pr.checkpoint(ctx, in.Checkpointer)
}

func (pr *processor) checkpoint(ctx context.Context, cp *consumer.Checkpointer) error {
	if err := cp.Checkpoint(ctx); err != nil {
		return err
	}
	pr.p.print(pr.event("checkpoint", cp.LastCheckpoint().SequenceNumber))
	return nil
}

func (pr *processor) LeaseLost(context.Context) {
	pr.p.print(pr.event("lease_lost", ""))
}

func (pr *processor) ShardEnded(ctx context.Context, cp *consumer.Checkpointer) error {
	if err := cp.Checkpoint(ctx); err != nil {
		return err
	}
	pr.p.print(pr.event("shard_end", lease.ShardEnd))
	return nil
}

func (pr *processor) ShutdownRequested(ctx context.Context, cp *consumer.Checkpointer) error {
	err := pr.checkpoint(ctx, cp)
	pr.p.print(pr.event("shutdown", cp.LastCheckpoint().SequenceNumber))
	return err
}
