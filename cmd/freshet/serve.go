package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/auditlog"
	"github.com/freshet-io/freshet/kinesisapi"
	"github.com/freshet-io/freshet/kinesisapi/sigv4"
	"github.com/freshet-io/freshet/policy"
)

// errUsage reports a command line that could not be parsed; the problem has
// already been printed with the usage text.
var errUsage = errors.New("usage error")

const usage = `Usage: freshet <command> [flags]

Commands:
  serve           run a Kinesis Data Streams server (freshet serve -h for flags)
  streams         list the streams of a running server (freshet streams -h)
  tail STREAM     print the records of a stream of a running server as they arrive (freshet tail -h)
  health          check that a running server is healthy (for container health checks)
  connect         run a connector: a stream into S3, a stream, PostgreSQL, DynamoDB or OpenSearch (freshet connect -h)
  version         print the version (also --version)
  help            print this text
`

// run is the whole program behind main: it parses args (without the program
// name), runs the command and returns when it is done or ctx is cancelled.
// Logs and usage text go to stdout.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		cfg, err := parseServeFlags(args[1:], stdout)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout)
	case "streams":
		return runStreams(ctx, args[1:], stdout)
	case "tail":
		return runTail(ctx, args[1:], stdout)
	case "health":
		return runHealth(ctx, args[1:], stdout)
	case "connect":
		return runConnect(ctx, args[1:], stdout)
	case "version", "-version", "--version":
		printVersion(stdout)
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stdout, "freshet: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}

// serveConfig holds the settings of the serve command.
type serveConfig struct {
	addr             string
	region           string
	account          string
	createDelay      time.Duration
	updateDelay      time.Duration
	deleteDelay      time.Duration
	consumerDelay    time.Duration
	iteratorLifetime time.Duration
	limits           string
	shardLimit       int
	tlsCert          string
	tlsKey           string
	maxRequestBytes  int64
	requireAuth      bool
	logFormat        string
	logLevel         slog.Level
	shutdownTimeout  time.Duration
	auditLog         string
	auditLogMaxBytes int64
	auditLogBackups  int
	policyFile       string
	credentialsFile  string
	dataFile         string
	snapshotInterval time.Duration
	storage          storageFlags // --data-dir, --sync, --max-memory (datadir.go)

	bounds        serverLimits  // limits.go
	metrics       metricsConfig // metrics.go
	createStreams streamSpecs   // createstream.go
}

var accountPattern = regexp.MustCompile(`^[0-9]{12}$`)

// parseServeFlags parses the flags of the serve command. A flag missing from
// args takes its value from the environment variable FRESHET_<NAME>, if set.
func parseServeFlags(args []string, out io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("freshet serve", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:4567", "`host:port` to listen on")
	fs.StringVar(&c.region, "region", "us-east-1", "AWS `region` of the default engine, used in ARNs")
	fs.StringVar(&c.account, "account", "000000000000", "12-digit AWS `account` id of the default engine, used in ARNs")
	fs.DurationVar(&c.createDelay, "create-delay", 0, "how long a new stream stays CREATING")
	fs.DurationVar(&c.updateDelay, "update-delay", 0, "how long a changed stream stays UPDATING")
	fs.DurationVar(&c.deleteDelay, "delete-delay", 0, "how long a deleted stream stays DELETING")
	fs.DurationVar(&c.consumerDelay, "consumer-delay", 0, "how long a consumer stays CREATING or DELETING")
	fs.DurationVar(&c.iteratorLifetime, "iterator-lifetime", 5*time.Minute, "how long a shard iterator stays valid")
	fs.StringVar(&c.limits, "limits", "none", "throughput limits `mode`: aws (the per-shard limits of Kinesis) or none")
	fs.IntVar(&c.shardLimit, "shard-limit", 0, "open shards allowed per account (0: 20000, as in Kinesis)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "PEM certificate `file`; with --tls-key, serve HTTPS (h2 and http/1.1)")
	fs.StringVar(&c.tlsKey, "tls-key", "", "PEM private key `file` of --tls-cert")
	fs.Int64Var(&c.maxRequestBytes, "max-request-bytes", 16<<20, "largest request body accepted, in `bytes`")
	fs.BoolVar(&c.requireAuth, "require-auth", false, "reject requests without AWS credentials, as Kinesis does")
	fs.StringVar(&c.logFormat, "log-format", "text", "log `format`: text or json")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log `level`: debug, info, warn or error")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to wait for requests in flight on shutdown")
	c.metrics.register(fs)
	c.bounds.register(fs)
	fs.Var(&c.createStreams, "create-stream", "create stream `NAME[:SHARDS]` (1 shard by default) at start unless it exists; repeatable, or comma-separated in FRESHET_CREATE_STREAM")
	fs.StringVar(&c.auditLog, "audit-log", "", "write an audit event (CloudTrail-style JSON line) per API call to this `file`")
	fs.Int64Var(&c.auditLogMaxBytes, "audit-log-max-bytes", 100<<20, "rotate the audit log before it grows past this many `bytes`")
	fs.IntVar(&c.auditLogBackups, "audit-log-backups", 5, "rotated audit logs to keep (file.1 ... file.N)")
	fs.StringVar(&c.policyFile, "policy-file", "", "IAM-style policy `file` (see package policy); every call is then authorized, default deny")
	fs.StringVar(&c.credentialsFile, "credentials-file", "", "credentials `file` (see package kinesisapi/sigv4); every request's SigV4 signature is then verified")
	fs.StringVar(&c.dataFile, "data-file", "", "keep the data in this `file`: restored at start if it exists, saved every --snapshot-interval and at shutdown")
	fs.DurationVar(&c.snapshotInterval, "snapshot-interval", time.Minute, "how often to save --data-file (0: only at shutdown)")
	c.storage.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: freshet serve [flags]\n\n"+
			"Every flag may also be set by the environment variable FRESHET_<FLAG>\n"+
			"(--addr is FRESHET_ADDR, --create-delay is FRESHET_CREATE_DELAY).\n\nFlags:\n")
		fs.PrintDefaults()
	}

	rest, err := parseFlags(fs, args, out)
	if err != nil {
		return nil, err
	}
	if err := c.check(rest); err != nil {
		fmt.Fprintf(out, "%v\n", err)
		fs.Usage()
		return nil, errUsage
	}
	return c, nil
}

// envName returns the environment variable of a flag: FRESHET_ADDR for addr.
func envName(flagName string) string {
	return "FRESHET_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// check reports the first problem with the settings, or nil.
func (c *serveConfig) check(extra []string) error {
	switch {
	case len(extra) > 0:
		return fmt.Errorf("unexpected argument %q", extra[0])
	case c.limits != "aws" && c.limits != "none":
		return fmt.Errorf("invalid --limits %q: want aws or none", c.limits)
	case c.logFormat != "text" && c.logFormat != "json":
		return fmt.Errorf("invalid --log-format %q: want text or json", c.logFormat)
	case !accountPattern.MatchString(c.account):
		return fmt.Errorf("invalid --account %q: want 12 digits", c.account)
	case c.region == "":
		return errors.New("--region must not be empty")
	case (c.tlsCert == "") != (c.tlsKey == ""):
		return errors.New("--tls-cert and --tls-key go together")
	case c.shardLimit < 0:
		return errors.New("--shard-limit must not be negative")
	case c.maxRequestBytes <= 0:
		return errors.New("--max-request-bytes must be positive")
	case c.iteratorLifetime <= 0:
		return errors.New("--iterator-lifetime must be positive")
	case c.createDelay < 0 || c.updateDelay < 0 || c.deleteDelay < 0 || c.consumerDelay < 0:
		return errors.New("state delays must not be negative")
	case c.auditLogMaxBytes <= 0:
		return errors.New("--audit-log-max-bytes must be positive")
	case c.auditLogBackups < 0:
		return errors.New("--audit-log-backups must not be negative")
	case c.snapshotInterval < 0:
		return errors.New("--snapshot-interval must not be negative")
	}
	if err := c.bounds.check(c.maxRequestBytes); err != nil {
		return err
	}
	if err := c.storage.check(); err != nil {
		return err
	}
	return c.metrics.check()
}

// engineOptions returns the options of the server's engines, but for their
// account and region: the default engine's are the flags', the others' come
// from their credential scopes or data file.
func (c *serveConfig) engineOptions() []freshet.Option {
	limits := freshet.NoLimits
	if c.limits == "aws" {
		limits = freshet.AWSLimits
	}
	if c.shardLimit > 0 {
		limits.ShardLimit = c.shardLimit
	}
	return append([]freshet.Option{
		freshet.WithLimits(limits),
		freshet.WithStateDelays(freshet.StateDelays{
			Create:   c.createDelay,
			Update:   c.updateDelay,
			Delete:   c.deleteDelay,
			Consumer: c.consumerDelay,
		}),
		freshet.WithIteratorLifetime(c.iteratorLifetime),
	}, c.storage.options()...)
}

// newLogger returns the logger the settings ask for, writing to w.
func (c *serveConfig) newLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.logLevel}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve runs the server until ctx is done, then shuts it down gracefully.
func serve(ctx context.Context, c *serveConfig, stdout io.Writer) error {
	logger := c.newLogger(stdout)

	var tlsConfig *tls.Config
	if c.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey)
		if err != nil {
			return err
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}

	opts := c.engineOptions()
	metrics := newServerMetrics()
	handlerOpts := []kinesisapi.Option{
		kinesisapi.WithMaxRequestBytes(c.maxRequestBytes),
		kinesisapi.WithLogger(logger),
		kinesisapi.WithRequireAuth(c.requireAuth),
		kinesisapi.WithRequestObserver(metrics.observe),
	}
	handlerOpts = append(handlerOpts, c.bounds.handlerOptions()...)
	gov, err := c.governance(logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer gov.close(logger)
	opts = append(opts, gov.engineOptions...)
	handlerOpts = append(handlerOpts, gov.handlerOptions...)
	engines, err := c.engines(opts, logger)
	if err != nil {
		ln.Close()
		return err
	}
	for _, e := range engines {
		defer e.Close()
	}
	if err := createStreams(ctx, engines[0], c.createStreams, logger); err != nil {
		ln.Close()
		return err
	}
	handlerOpts = append(handlerOpts, kinesisapi.WithEngineOptions(opts...))
	for _, e := range engines {
		handlerOpts = append(handlerOpts, kinesisapi.WithEngine(e))
	}
	h := kinesisapi.NewHandler(handlerOpts...)
	closeHandler := sync.OnceValue(h.Close)
	defer closeHandler()

	var saver *dataSaver
	stopSaving := func() {}
	if c.dataFile != "" {
		saver = &dataSaver{path: c.dataFile, engines: h.Engines, log: logger}
		if c.snapshotInterval > 0 {
			stop, stopped := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(stopped)
				saver.every(c.snapshotInterval, stop)
			}()
			stopSaving = sync.OnceFunc(func() {
				close(stop)
				<-stopped
			})
			defer stopSaving()
		}
	}

	srv := kinesisapi.NewServer(c.addr, h)
	c.bounds.apply(srv)
	srv.Handler = withHealth(h)
	if c.metrics.path != "" {
		scrape := metrics.scrape(h, c.metrics.token)
		if c.metrics.addr == "" {
			srv.Handler = withHealth(withMetrics(c.metrics.path, scrape, h))
			if c.metrics.token == "" && (c.credentialsFile != "" || c.policyFile != "") {
				logger.Warn("metrics are served to anyone on --addr; set --metrics-addr or --metrics-token to protect them", "path", c.metrics.path)
			}
		} else {
			ms, err := startMetricsServer(c.metrics.addr, c.metrics.path, scrape, logger)
			if err != nil {
				ln.Close()
				return fmt.Errorf("--metrics-addr: %w", err)
			}
			defer ms.close()
		}
	}
	srv.TLSConfig = tlsConfig
	srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	// Subscriptions last minutes: end them as soon as shutdown starts
	// instead of waiting for them.
	srv.RegisterOnShutdown(func() { closeHandler() })

	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			served <- srv.ServeTLS(ln, "", "")
		} else {
			served <- srv.Serve(ln)
		}
	}()
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	logger.Info("freshet listening",
		"addr", ln.Addr().String(),
		"url", scheme+"://"+ln.Addr().String(),
		"account", c.account,
		"region", c.region,
		"limits", c.limits)

	select {
	case err := <-served:
		if saver != nil {
			stopSaving()
			saver.save(context.Background(), "server failed") // logged
		}
		return err
	case <-ctx.Done():
	}

	logger.Info("freshet shutting down", "timeout", c.shutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("requests still in flight at the shutdown timeout; closing their connections", "err", err)
		srv.Close()
	}
	<-served // http.ErrServerClosed
	if cerr := closeHandler(); cerr != nil {
		logger.Warn("closing the handler", "err", cerr)
	}
	if saver != nil {
		stopSaving()
		if err := saver.save(context.Background(), "shutdown"); err != nil {
			return fmt.Errorf("saving --data-file %s at shutdown: %w", c.dataFile, err)
		}
	}
	logger.Info("freshet stopped")
	return nil
}

// engines returns the server's engines, the default one first: those
// saved in --data-file, if it exists, and a new default engine unless the
// file holds one of the account and region the flags ask for.
func (c *serveConfig) engines(opts []freshet.Option, logger *slog.Logger) ([]*freshet.Engine, error) {
	if c.storage.dataDir != "" {
		return c.dataDirEngines(opts, logger)
	}
	var engines []*freshet.Engine
	if c.dataFile != "" {
		start := time.Now()
		restored, err := loadDataFile(c.dataFile, opts)
		if err != nil {
			return nil, fmt.Errorf("--data-file %s: %w (refusing to start over it; move the file away to start empty)", c.dataFile, err)
		}
		if restored == nil {
			if fi, err := os.Stat(filepath.Dir(c.dataFile)); err != nil || !fi.IsDir() {
				return nil, fmt.Errorf("--data-file %s: its directory does not exist", c.dataFile)
			}
			logger.Info("no data file yet; starting empty", "file", c.dataFile)
		} else {
			var size int64
			if fi, err := os.Stat(c.dataFile); err == nil {
				size = fi.Size()
			}
			logger.Info("data file restored", "file", c.dataFile, "engines", len(restored), "bytes", size,
				"duration", time.Since(start).String())
		}
		for _, e := range restored {
			if e.Account() == c.account && e.Region() == c.region {
				engines = append([]*freshet.Engine{e}, engines...)
			} else {
				engines = append(engines, e)
			}
		}
	}
	if len(engines) == 0 || engines[0].Account() != c.account || engines[0].Region() != c.region {
		def := freshet.New(append(slices.Clone(opts), freshet.WithAccount(c.account), freshet.WithRegion(c.region))...)
		engines = append([]*freshet.Engine{def}, engines...)
	}
	return engines, nil
}

// healthPath is answered by the server itself, before the Kinesis handler.
const healthPath = "/_health"

// withHealth answers GET and HEAD of /_health with 200 {"status":"ok"} and
// passes every other request to next. Kinesis ignores the path of its
// POST requests, so a POST to /_health still reaches next.
func withHealth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"status":"ok"}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// governance holds what the audit, policy and credentials flags set up.
type governance struct {
	engineOptions  []freshet.Option
	handlerOptions []kinesisapi.Option
	audit          *auditlog.Writer
}

// governance loads the audit log, policy and credentials files the flags
// name. A malformed file is an error: nothing is served half-configured.
func (c *serveConfig) governance(logger *slog.Logger) (*governance, error) {
	g := &governance{}
	if c.policyFile != "" {
		cfg, err := policy.LoadFile(c.policyFile)
		if err != nil {
			return nil, fmt.Errorf("--policy-file: %w", err)
		}
		set := policy.NewSet()
		if err := set.Replace(cfg); err != nil {
			return nil, fmt.Errorf("--policy-file: %w", err)
		}
		g.engineOptions = append(g.engineOptions, freshet.WithAuthorizer(set))
		logger.Info("authorizing every call", "policy-file", c.policyFile)
	}
	if c.credentialsFile != "" {
		creds, err := sigv4.LoadCredentialsFile(c.credentialsFile)
		if err != nil {
			return nil, fmt.Errorf("--credentials-file: %w", err)
		}
		g.handlerOptions = append(g.handlerOptions, kinesisapi.WithCredentials(creds))
		logger.Info("verifying request signatures", "credentials-file", c.credentialsFile, "keys", len(creds))
	}
	if c.auditLog != "" {
		w, err := auditlog.Open(c.auditLog, auditlog.MaxBytes(c.auditLogMaxBytes), auditlog.MaxBackups(c.auditLogBackups))
		if err != nil {
			return nil, fmt.Errorf("--audit-log: %w", err)
		}
		g.audit = w
		g.engineOptions = append(g.engineOptions, freshet.WithAuditHook(w.Hook))
		logger.Info("writing the audit log", "file", c.auditLog)
	}
	return g, nil
}

// close closes the audit log, reporting write errors it met.
func (g *governance) close(logger *slog.Logger) {
	if g.audit == nil {
		return
	}
	if err := g.audit.Err(); err != nil {
		logger.Warn("audit log write failed", "err", err, "dropped", g.audit.Dropped())
	}
	if err := g.audit.Close(); err != nil {
		logger.Warn("closing the audit log", "err", err)
	}
}
