package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

const streamsUsage = `Usage: freshet streams [flags]

Lists the streams of a running freshet server (or of Kinesis) with their
status, open shard count and, unless --count=false, the number of records
they hold, counted by reading every record.`

// runStreams is the streams command.
func runStreams(ctx context.Context, args []string, stdout io.Writer) error {
	var c clientConfig
	fs := flag.NewFlagSet("freshet streams", flag.ContinueOnError)
	c.register(fs)
	count := fs.Bool("count", true, "count the records of each stream (reads them all)")
	if err := parseClientFlagsNoArgs(fs, args, stdout, streamsUsage); err != nil {
		return err
	}
	client := c.client()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	header := "STREAM\tSTATUS\tMODE\tOPEN SHARDS"
	if *count {
		header += "\tRECORDS"
	}
	fmt.Fprintln(tw, header)
	p := kinesis.NewListStreamsPaginator(client, &kinesis.ListStreamsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, s := range page.StreamSummaries {
			name := aws.ToString(s.StreamName)
			sum, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: s.StreamARN})
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			d := sum.StreamDescriptionSummary
			mode := "PROVISIONED"
			if d.StreamModeDetails != nil {
				mode = string(d.StreamModeDetails.StreamMode)
			}
			line := fmt.Sprintf("%s\t%s\t%s\t%d", name, d.StreamStatus, mode, aws.ToInt32(d.OpenShardCount))
			if *count {
				n, err := countRecords(ctx, client, s.StreamARN, d.StreamStatus)
				if err != nil {
					return fmt.Errorf("counting the records of %s: %w", name, err)
				}
				line += fmt.Sprintf("\t%d", n)
			}
			fmt.Fprintln(tw, line)
		}
	}
	return tw.Flush()
}

// countRecords counts the records a stream holds by reading every shard
// from its trim horizon to its end or its latest record.
func countRecords(ctx context.Context, client *kinesis.Client, arn *string, status types.StreamStatus) (int64, error) {
	if status != types.StreamStatusActive && status != types.StreamStatusUpdating {
		return 0, nil
	}
	var total int64
	shards, err := listShards(ctx, client, &kinesis.ListShardsInput{StreamARN: arn})
	if err != nil {
		return 0, err
	}
	for _, sh := range shards {
		it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
			StreamARN: arn, ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			return 0, err
		}
		iterator := it.ShardIterator
		for iterator != nil {
			out, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{StreamARN: arn, ShardIterator: iterator, Limit: aws.Int32(10000)})
			if err != nil {
				return 0, err
			}
			total += int64(len(out.Records))
			if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
				break // the tip of an open shard
			}
			iterator = out.NextShardIterator
		}
	}
	return total, nil
}
