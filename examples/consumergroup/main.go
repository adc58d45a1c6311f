// Command consumergroup is one worker of a consumer group: run it as
// several OS processes, on one machine or many, and they share the shards
// of a Kinesis stream through a lease table in PostgreSQL or in DynamoDB
// (the KCL's table layout, which Java KCL 2.x workers can share). Each process prints every record it processes as a
// JSON line on standard output, and its log on standard error.
//
// Against a local freshet server:
//
//	go run ./cmd/freshet serve --addr 127.0.0.1:4567 &
//	aws --endpoint-url http://127.0.0.1:4567 kinesis create-stream --stream-name orders --shard-count 8
//	cd examples/consumergroup
//	go run . --stream orders --worker w1 --leases postgres://app@127.0.0.1/app &
//	go run . --stream orders --worker w2 --leases postgres://app@127.0.0.1/app &
//
// or, with the leases in DynamoDB (here dynalite or DynamoDB Local on port
// 8000; without --dynamodb-endpoint, AWS's DynamoDB in --region):
//
//	go run . --stream orders --worker w1 --leases dynamodb://orders_app --dynamodb-endpoint http://127.0.0.1:8000 &
//
// The workers divide the shards between them; kill one and, after the
// failover time (--failover), the others take its shards over and read
// them from its last checkpoints. SIGINT or SIGTERM stops a worker
// gracefully: it writes its final checkpoints and hands its leases over at
// once.
//
// Output lines (one JSON object each):
//
//	{"event":"record","worker":"w1","session":3,"shard":"shardId-000000000001","seq":"4959...","sub":0,"pk":"k","data":"...","time":...}
//	{"event":"initialize"|"checkpoint"|"shard_end"|"lease_lost"|"shutdown","worker":...,"session":...,"shard":...,"checkpoint":"...","time":...}
//
// A session is one processor of one shard in this process (a shard taken,
// lost and taken again gets a new session); time is the wall clock in
// Unix nanoseconds. Records are printed before they are checkpointed, and
// a "checkpoint" line after the checkpoint is stored, so a reader of the
// output knows which records the group may process again after a crash.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/kinesissdk"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "consumergroup:", err)
		os.Exit(1)
	}
}

// config holds the command line.
type config struct {
	endpoint, region string
	stream, worker   string
	leases, app      string
	dynamoEndpoint   string
	position         string
	failover, renew  time.Duration
	shardSync, idle  time.Duration
	maxRecords       int
	logLevel         string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("consumergroup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.endpoint, "endpoint", "http://127.0.0.1:4567", "Kinesis endpoint `URL` (freshet serve's address)")
	fs.StringVar(&c.region, "region", "us-east-1", "AWS `region`")
	fs.StringVar(&c.stream, "stream", "", "`name` of the stream to consume (required)")
	fs.StringVar(&c.worker, "worker", "", "worker `id` in the lease table, distinct per process (default: host name and process id)")
	fs.StringVar(&c.leases, "leases", "", "lease store (required): a PostgreSQL `URL` (postgres://user@host/db), a DynamoDB table (dynamodb://TABLE), or \"memory\" for a single process")
	fs.StringVar(&c.app, "app", "consumergroup", "application `name`: the name of the lease table (unless dynamodb://TABLE names it), one per application and stream")
	fs.StringVar(&c.dynamoEndpoint, "dynamodb-endpoint", "", "DynamoDB endpoint `URL` for --leases dynamodb://... (default: AWS's, for --region)")
	fs.StringVar(&c.position, "initial-position", lease.Latest, "where to start shards without a checkpoint: LATEST or TRIM_HORIZON")
	fs.DurationVar(&c.failover, "failover", 10*time.Second, "time after which a lease not renewed is taken by another worker")
	fs.DurationVar(&c.renew, "renew", 0, "how often leases are renewed (default: a third of --failover)")
	fs.DurationVar(&c.shardSync, "shard-sync", time.Minute, "how often the shards are listed to find new ones")
	fs.DurationVar(&c.idle, "idle", time.Second, "pause after a read that returned no records")
	fs.IntVar(&c.maxRecords, "max-records", 10000, "records per GetRecords call, 1 to 10000")
	fs.StringVar(&c.logLevel, "log-level", "info", "log `level` on standard error: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	case c.stream == "":
		return c, errors.New("--stream is required")
	case c.leases == "":
		return c, errors.New("--leases is required: workers in several processes need a shared lease store (postgres://... or dynamodb://TABLE)")
	case c.position != lease.Latest && c.position != lease.TrimHorizon:
		return c, fmt.Errorf("--initial-position must be LATEST or TRIM_HORIZON, not %q", c.position)
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	store, closeStore, err := openLeaseStore(ctx, c)
	if err != nil {
		return err
	}
	defer closeStore()

	client := kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(c.endpoint),
		Region:       c.region,
		Credentials:  credentialsFromEnv(),
	})
	out := newPrinter(stdout)
	opts := []consumer.Option{
		consumer.WithLeaseStore(store),
		consumer.WithLogger(logger),
		consumer.WithInitialPosition(c.position),
		consumer.WithFailoverTime(c.failover),
		consumer.WithShardSyncInterval(c.shardSync),
		consumer.WithIdleTimeBetweenReads(c.idle),
		consumer.WithMaxRecords(c.maxRecords),
	}
	if c.renew > 0 {
		opts = append(opts, consumer.WithRenewInterval(c.renew))
	}
	if c.worker == "" {
		host, _ := os.Hostname()
		c.worker = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	opts = append(opts, consumer.WithWorkerID(c.worker))
	return consumer.New(kinesissdk.New(client), c.stream, out.factory(c.worker), opts...).Run(ctx)
}

// credentialsFromEnv returns the credentials of AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, or placeholder ones, which freshet serve accepts
// unless it verifies signatures.
func credentialsFromEnv() aws.CredentialsProvider {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		id, secret = "AKID", "SECRET"
	}
	return credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
}
