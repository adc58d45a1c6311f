package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

const tailUsage = `Usage: freshet tail [flags] STREAM

Prints the records of STREAM of a running freshet server (or of Kinesis) as
they arrive, following every shard through splits and merges (a child shard
is read once all its parents are read to their end), until interrupted.
Each record is a line: in text, "SHARD SEQUENCE PARTITION-KEY DATA" with DATA
quoted unless it is printable UTF-8; in JSON, an object with shardId,
sequenceNumber, partitionKey, arrival, data (base64) and text (the data as
a string, when it is UTF-8).`

// tailConfig holds the flags of the tail command.
type tailConfig struct {
	clientConfig
	from   string
	format string
	poll   time.Duration
}

// runTail is the tail command.
func runTail(ctx context.Context, args []string, stdout io.Writer) error {
	var c tailConfig
	fs := flag.NewFlagSet("freshet tail", flag.ContinueOnError)
	c.register(fs)
	fs.StringVar(&c.from, "from", "latest", "where to start: latest (records arriving from now on) or trim_horizon (every record held)")
	fs.StringVar(&c.format, "format", "text", "output `format`: text or json (one object per line)")
	fs.DurationVar(&c.poll, "poll", 250*time.Millisecond, "pause between reads once every shard is caught up")
	rest, err := parseClientFlags(fs, args, stdout, tailUsage)
	if err != nil {
		return err
	}
	var problem string
	switch {
	case len(rest) != 1:
		problem = "want exactly one STREAM"
	case c.from != "latest" && c.from != "trim_horizon":
		problem = fmt.Sprintf("invalid --from %q: want latest or trim_horizon", c.from)
	case c.format != "text" && c.format != "json":
		problem = fmt.Sprintf("invalid --format %q: want text or json", c.format)
	case c.poll <= 0:
		problem = "--poll must be positive"
	}
	if problem != "" {
		fmt.Fprintln(stdout, problem)
		fs.Usage()
		return errUsage
	}
	t := &tailer{client: c.client(), stream: rest[0], out: stdout, json: c.format == "json", poll: c.poll}
	err = t.run(ctx, c.from == "trim_horizon")
	if ctx.Err() != nil {
		return nil // interrupted: the normal way to stop
	}
	return err
}

// tailer follows the shards of one stream.
type tailer struct {
	client *kinesis.Client
	stream string
	out    io.Writer
	json   bool
	poll   time.Duration

	// reading maps the shards being read to their next iterator; last
	// holds the last sequence number read of each, to renew an expired
	// iterator.
	reading map[string]*string
	last    map[string]string
	// ended holds the shards read to their end; waiting the children not
	// started yet, with their parents.
	ended   map[string]bool
	waiting map[string][]string
}

// run reads until ctx is done or a call fails.
func (t *tailer) run(ctx context.Context, fromStart bool) error {
	t.reading, t.last = map[string]*string{}, map[string]string{}
	t.ended, t.waiting = map[string]bool{}, map[string][]string{}
	shards, err := listShards(ctx, t.client, &kinesis.ListShardsInput{StreamName: aws.String(t.stream)})
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	for _, sh := range shards {
		listed[aws.ToString(sh.ShardId)] = true
	}
	for _, sh := range shards {
		id := aws.ToString(sh.ShardId)
		open := sh.SequenceNumberRange == nil || sh.SequenceNumberRange.EndingSequenceNumber == nil
		switch {
		case !fromStart && open:
			if err := t.start(ctx, id, types.ShardIteratorTypeLatest, ""); err != nil {
				return err
			}
		case !fromStart:
			// A closed shard gets no new records.
		default:
			var parents []string
			for _, parent := range []*string{sh.ParentShardId, sh.AdjacentParentShardId} {
				if parent != nil && listed[*parent] {
					parents = append(parents, *parent)
				}
			}
			if len(parents) == 0 {
				if err := t.start(ctx, id, types.ShardIteratorTypeTrimHorizon, ""); err != nil {
					return err
				}
			} else {
				t.waiting[id] = parents
			}
		}
	}
	for {
		busy := false
		for id, it := range t.reading {
			got, err := t.read(ctx, id, it)
			if err != nil {
				return err
			}
			busy = busy || got
		}
		if !busy {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(t.poll):
			}
		}
	}
}

// start starts reading a shard.
func (t *tailer) start(ctx context.Context, id string, typ types.ShardIteratorType, after string) error {
	in := &kinesis.GetShardIteratorInput{StreamName: aws.String(t.stream), ShardId: aws.String(id), ShardIteratorType: typ}
	if after != "" {
		in.StartingSequenceNumber = aws.String(after)
	}
	out, err := t.client.GetShardIterator(ctx, in)
	if err != nil {
		return err
	}
	t.reading[id] = out.ShardIterator
	return nil
}

// read reads one batch of a shard, prints it, and at the shard's end
// starts the children whose parents have all ended. It reports whether it
// got records.
func (t *tailer) read(ctx context.Context, id string, it *string) (bool, error) {
	out, err := t.client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(1000)})
	var expired *types.ExpiredIteratorException
	var throttled *types.ProvisionedThroughputExceededException
	switch {
	case errors.As(err, &expired):
		if last := t.last[id]; last != "" {
			return false, t.start(ctx, id, types.ShardIteratorTypeAfterSequenceNumber, last)
		}
		return false, t.start(ctx, id, types.ShardIteratorTypeTrimHorizon, "")
	case errors.As(err, &throttled):
		return false, nil // read again after the pause
	case err != nil:
		return false, err
	}
	for i := range out.Records {
		if err := t.print(id, &out.Records[i]); err != nil {
			return false, err
		}
		t.last[id] = aws.ToString(out.Records[i].SequenceNumber)
	}
	if out.NextShardIterator != nil {
		t.reading[id] = out.NextShardIterator
		return len(out.Records) > 0, nil
	}
	// The shard has ended: start its children once all their parents have.
	delete(t.reading, id)
	t.ended[id] = true
	for _, child := range out.ChildShards {
		cid := aws.ToString(child.ShardId)
		if _, known := t.waiting[cid]; !known {
			if _, started := t.reading[cid]; started || t.ended[cid] {
				continue
			}
			t.waiting[cid] = child.ParentShards
		}
	}
	for cid, parents := range t.waiting {
		ready := true
		for _, parent := range parents {
			ready = ready && t.ended[parent]
		}
		if ready {
			delete(t.waiting, cid)
			if err := t.start(ctx, cid, types.ShardIteratorTypeTrimHorizon, ""); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// tailRecord is a record in JSON lines.
type tailRecord struct {
	ShardID        string    `json:"shardId"`
	SequenceNumber string    `json:"sequenceNumber"`
	PartitionKey   string    `json:"partitionKey"`
	Arrival        time.Time `json:"arrival"`
	Data           []byte    `json:"data"`
	Text           *string   `json:"text,omitempty"`
}

// print writes one record.
func (t *tailer) print(shard string, r *types.Record) error {
	if t.json {
		rec := tailRecord{
			ShardID:        shard,
			SequenceNumber: aws.ToString(r.SequenceNumber),
			PartitionKey:   aws.ToString(r.PartitionKey),
			Arrival:        aws.ToTime(r.ApproximateArrivalTimestamp).UTC(),
			Data:           r.Data,
		}
		if utf8.Valid(r.Data) {
			s := string(r.Data)
			rec.Text = &s
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(t.out, "%s\n", b)
		return err
	}
	data := string(r.Data)
	if !printable(data) {
		data = strconv.Quote(data)
	}
	_, err := fmt.Fprintf(t.out, "%s %s %s %s\n", shard, aws.ToString(r.SequenceNumber), strconv.Quote(aws.ToString(r.PartitionKey)), data)
	return err
}

// printable reports whether s is non-empty valid UTF-8 of graphic
// characters and spaces, so that it prints as one line as it is.
func printable(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r != ' ' && !unicode.IsGraphic(r) {
			return false
		}
	}
	return true
}
