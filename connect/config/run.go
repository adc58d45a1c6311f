package config

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/s3sink"
	"github.com/freshet-io/freshet/connect/streamsink"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
	"github.com/freshet-io/freshet/consumer/lease/pglease"
	"github.com/freshet-io/freshet/kinesissdk"
)

// Run builds the pipeline c describes and runs it until ctx is cancelled
// (the command cancels it on SIGINT and SIGTERM), then flushes, checkpoints
// and stops. It logs progress to logger and serves metrics if c asks. It
// returns the pipeline's error: nil, or the shards that blocked.
func Run(ctx context.Context, c *Config, logger *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	src, err := kinesisClient(ctx, c.Source.Endpoint, c.Source.Region)
	if err != nil {
		return err
	}
	store, closeStore, err := openLeaseStore(ctx, &c.LeaseStore)
	if err != nil {
		return err
	}
	if closeStore != nil {
		defer func() {
			if err := closeStore(); err != nil {
				logger.Warn("closing the lease store", "err", err)
			}
		}()
	}
	policy, err := failurePolicy(ctx, c)
	if err != nil {
		return err
	}
	copts := []consumer.Option{
		consumer.WithLeaseStore(store),
		consumer.WithInitialPosition(c.Source.InitialPosition),
		consumer.WithLogger(logger),
	}
	if c.Source.WorkerID != "" {
		copts = append(copts, consumer.WithWorkerID(c.Source.WorkerID))
	}
	if c.Source.FailoverTime > 0 {
		copts = append(copts, consumer.WithFailoverTime(time.Duration(c.Source.FailoverTime)))
	}
	if c.Source.IdleTimeBetweenReads > 0 {
		copts = append(copts, consumer.WithIdleTimeBetweenReads(time.Duration(c.Source.IdleTimeBetweenReads)))
	}
	if c.Source.MaxRecords > 0 {
		copts = append(copts, consumer.WithMaxRecords(c.Source.MaxRecords))
	}
	opts := []connect.Option{
		connect.WithConsumerOptions(copts...),
		connect.WithLogger(logger),
		connect.WithFailurePolicy(policy),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: c.Buffer.MaxRecords, MaxBytes: c.Buffer.MaxBytes, MaxAge: time.Duration(c.Buffer.MaxAge)}),
		connect.WithBackoff(connect.Backoff{First: time.Duration(c.Retry.First), Max: time.Duration(c.Retry.Max), MaxElapsed: time.Duration(c.Retry.MaxElapsed)}),
		connect.WithShutdownTimeout(time.Duration(c.ShutdownTimeout)),
	}
	if c.ExitOnBlock {
		opts = append(opts, connect.WithOnBlock(func(*connect.BlockedError) { cancel() }))
	}
	p, closeEmitter, err := newPipeline(ctx, c, src, opts)
	if err != nil {
		return err
	}
	defer closeEmitter()

	var srv *http.Server
	srvDone := make(chan struct{})
	if c.Metrics.Listen != "" {
		ln, err := net.Listen("tcp", c.Metrics.Listen)
		if err != nil {
			return fmt.Errorf("config: metrics: %w", err)
		}
		logger.Info("serving metrics", "addr", "http://"+ln.Addr().String()+"/metrics")
		srv = &http.Server{Handler: metricsHandler(c.Source.Stream, p.Stats), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			defer close(srvDone)
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("metrics server", "err", err)
			}
		}()
	} else {
		close(srvDone)
	}
	progressDone := make(chan struct{})
	stopProgress := make(chan struct{})
	go func() {
		defer close(progressDone)
		logProgress(logger, c.Source.Stream, time.Duration(c.Log.Interval), p.Stats, stopProgress)
	}()

	logger.Info("connector starting", "stream", c.Source.Stream, "worker", p.WorkerID(), "emitter", c.Emitter.Type,
		"policy", policy.String(), "lease_store", c.LeaseStore.Type)
	err = p.Run(ctx)
	close(stopProgress)
	<-progressDone
	if srv != nil {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = srv.Shutdown(sctx)
		scancel()
	}
	<-srvDone
	st := p.Stats().Total
	logger.Info("connector stopped", "records", st.Records, "emitted", st.Emitted, "dead_lettered", st.DeadLettered,
		"dropped", st.Dropped, "err", err)
	return err
}

// awsConfig loads the SDK's default configuration. With an endpoint (freshet
// serve, an S3 emulator) and no credentials in the environment, it uses
// dummy static credentials and, without a region, us-east-1.
func awsConfig(ctx context.Context, endpoint, region string) (aws.Config, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	if endpoint != "" && os.Getenv("AWS_ACCESS_KEY_ID") == "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("freshet", "freshet", "")))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("config: AWS configuration: %w", err)
	}
	if cfg.Region == "" && endpoint != "" {
		cfg.Region = "us-east-1"
	}
	return cfg, nil
}

func kinesisClient(ctx context.Context, endpoint, region string) (*kinesissdk.Client, error) {
	cfg, err := awsConfig(ctx, endpoint, region)
	if err != nil {
		return nil, err
	}
	return kinesissdk.New(kinesis.NewFromConfig(cfg, func(o *kinesis.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})), nil
}

func s3Client(ctx context.Context, c *S3) (*s3.Client, error) {
	cfg, err := awsConfig(ctx, c.Endpoint, c.Region)
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		o.UsePathStyle = c.PathStyle
	}), nil
}

// lineEmitter returns the emitter of lines (s3 or kinesis).
func lineEmitter(ctx context.Context, c *Config) (connect.Emitter[[]byte], error) {
	if c.Emitter.Type == "s3" {
		cl, err := s3Client(ctx, c.Emitter.S3)
		if err != nil {
			return nil, err
		}
		opts := []s3sink.Option{s3sink.WithPrefix(c.Emitter.S3.Prefix)}
		if c.Emitter.S3.Gzip {
			opts = append(opts, s3sink.WithGzip())
		}
		return s3sink.New(cl, c.Emitter.S3.Bucket, s3sink.Bytes, opts...)
	}
	k := c.Emitter.Kinesis
	cl, err := kinesisClient(ctx, k.Endpoint, k.Region)
	if err != nil {
		return nil, err
	}
	var opts []streamsink.Option[[]byte]
	if k.PartitionKey == "data" {
		opts = append(opts, streamsink.WithPartitioner(func(e *connect.Entry[[]byte]) (string, string) {
			if len(e.Item) > 256 {
				return string(e.Item[:256]), ""
			}
			return string(e.Item), ""
		}))
	}
	return streamsink.New(cl, k.Stream, streamsink.Bytes, opts...), nil
}

func failurePolicy(ctx context.Context, c *Config) (connect.Policy, error) {
	switch c.FailurePolicy.Type {
	case "drop":
		return connect.Drop(), nil
	case "dead_letter":
		dl := c.FailurePolicy.DeadLetter
		if dl.Type == "s3" {
			cl, err := s3Client(ctx, &dl.S3)
			if err != nil {
				return connect.Policy{}, err
			}
			var opts []s3sink.Option
			if dl.Gzip {
				opts = append(opts, s3sink.WithGzip())
			}
			d, err := s3sink.NewDeadLetter(cl, dl.Bucket, dl.Prefix, opts...)
			if err != nil {
				return connect.Policy{}, err
			}
			return connect.DeadLetterTo(d), nil
		}
		cl, err := kinesisClient(ctx, dl.Endpoint, dl.Region)
		if err != nil {
			return connect.Policy{}, err
		}
		return connect.DeadLetterTo(streamsink.NewDeadLetter(cl, dl.Stream)), nil
	}
	return connect.Block(), nil
}

func openLeaseStore(ctx context.Context, l *LeaseStore) (lease.Store, func() error, error) {
	switch l.Type {
	case "memory":
		return lease.NewMemoryStore(), nil, nil
	case "file":
		s, err := OpenFileStore(l.Path)
		return s, nil, err
	case "postgres":
		pool, err := pgxpool.New(ctx, l.Connection)
		if err != nil {
			return nil, nil, fmt.Errorf("config: lease_store.connection: %w", err)
		}
		s, err := pglease.New(ctx, pool, l.Table)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return s, func() error { pool.Close(); return nil }, nil
	case "dynamodb":
		cfg, err := awsConfig(ctx, l.Endpoint, l.Region)
		if err != nil {
			return nil, nil, err
		}
		client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			if l.Endpoint != "" {
				o.BaseEndpoint = aws.String(l.Endpoint)
			}
		})
		return ddblease.New(client, l.Table), nil, nil
	}
	open, ok := leaseStore(l.Type)
	if !ok {
		return nil, nil, fmt.Errorf("config: lease_store.type %q is not registered", l.Type)
	}
	return open(ctx, l.Settings)
}
