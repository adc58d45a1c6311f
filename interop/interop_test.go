package interop

import (
	"context"
	"encoding/pem"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/leakcheck"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesisapi"
	"github.com/freshet-io/freshet/kinesistest"
)

// TestMain fails the run if a test leaves a goroutine behind: a server or
// the output copier of a script.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// scriptTimeout bounds one run of a script; the AWS CLI (one Python start
// per call) is the slowest, at about 7 s for its 12 calls.
const scriptTimeout = 2 * time.Minute

// TestJS runs js/interop.mjs with the AWS SDK for JavaScript v3, over h2c
// on a plain server and over h2 on a TLS server whose certificate Node
// trusts through NODE_EXTRA_CA_CERTS.
func TestJS(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node", "apt-get install nodejs npm (Node.js 20 or newer), then: cd interop/js && npm ci")
	}
	if _, err := os.Stat("js/node_modules/@aws-sdk/client-kinesis/package.json"); err != nil {
		missing(t, "js/node_modules/@aws-sdk/client-kinesis", "cd interop/js && npm ci")
	}
	for _, tls := range []bool{false, true} {
		t.Run(map[bool]string{false: "h2c", true: "tls"}[tls], func(t *testing.T) {
			t.Parallel()
			srv, calls := newServer(t, tls)
			run(t, srv, node, []string{"js/interop.mjs", srv.URL}, "js interop: all checks passed")
			calls.check(t, "aws-sdk-js/", "CreateStream", "DescribeStream", "DescribeStreamSummary", "PutRecord",
				"PutRecords", "ListShards", "GetShardIterator", "GetRecords", "AddTagsToStream", "ListTagsForStream",
				"RegisterStreamConsumer", "DescribeStreamConsumer", "SubscribeToShard", "SplitShard", "DeleteStream")
		})
	}
}

// TestPython runs python/interop.py with boto3 over HTTP and HTTPS, once
// per Python that has boto3.
func TestPython(t *testing.T) {
	t.Parallel()
	pythons := find(t, []string{"python3", "/usr/bin/python3"}, "-c", "import boto3; print('boto3-' + boto3.__version__)")
	if len(pythons) == 0 {
		missing(t, "python3 with boto3", "apt-get install -y --no-install-recommends python3-boto3")
	}
	for python, version := range pythons {
		for _, tls := range []bool{false, true} {
			t.Run(version+map[bool]string{false: "/http", true: "/https"}[tls], func(t *testing.T) {
				t.Parallel()
				srv, calls := newServer(t, tls)
				run(t, srv, python, []string{"python/interop.py", srv.URL}, "python interop: all checks passed")
				calls.check(t, "Boto3/", "CreateStream", "DescribeStream", "DescribeStreamSummary", "PutRecord",
					"PutRecords", "GetShardIterator", "GetRecords", "RegisterStreamConsumer", "SubscribeToShard",
					"DeleteStream")
			})
		}
	}
}

// TestCLI runs cli/interop.sh once per AWS CLI found.
func TestCLI(t *testing.T) {
	t.Parallel()
	clis := find(t, []string{"aws", "/usr/bin/aws"}, "--version")
	if len(clis) == 0 {
		missing(t, "aws (the AWS CLI)", "apt-get install -y --no-install-recommends awscli")
	}
	for aws, version := range clis {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			srv, calls := newServer(t, false)
			// The script calls "aws": put this one first on PATH.
			link := filepath.Join(t.TempDir(), "aws")
			require.NoError(t, os.Symlink(aws, link))
			path := filepath.Dir(link) + string(os.PathListSeparator) + os.Getenv("PATH")
			run(t, srv, "bash", []string{"cli/interop.sh", srv.URL}, "cli interop: all checks passed", "PATH="+path)
			calls.check(t, "aws-cli/", "CreateStream", "DescribeStream", "DescribeStreamSummary", "PutRecord",
				"ListShards", "GetShardIterator", "GetRecords", "DeleteStream", "ListStreams")
		})
	}
}

// missing skips the test, or fails it when FRESHET_INTEROP=1.
func missing(t *testing.T, tool, install string) {
	t.Helper()
	require.NotEqual(t, "1", os.Getenv("FRESHET_INTEROP"), "%s not found, and FRESHET_INTEROP=1 requires it; install it with: %s", tool, install)
	t.Skipf("%s not found (FRESHET_INTEROP=1 makes this a failure); install it with: %s", tool, install)
}

// find returns the distinct executables among candidates (names looked up
// on PATH, or absolute paths) that succeed with probe as arguments, each
// with the first word of its output (a version, to name subtests).
func find(t *testing.T, candidates []string, probe ...string) map[string]string {
	t.Helper()
	found := make(map[string]string)
	var seen []string
	for _, c := range candidates {
		path, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(path)
		if err != nil || slices.Contains(seen, real) {
			continue
		}
		seen = append(seen, real)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		out, err := exec.CommandContext(ctx, path, probe...).CombinedOutput()
		cancel()
		if words := strings.Fields(string(out)); err == nil && len(words) > 0 {
			found[path] = strings.ReplaceAll(words[0], "/", "-")
		}
	}
	return found
}

// newServer starts a kinesistest server (with TLS if tls) that records the
// calls it serves and the errors its handler logs.
func newServer(t *testing.T, tls bool) (*kinesistest.Server, *calls) {
	c := new(calls)
	opts := []kinesistest.Option{
		kinesistest.WithEngineOptions(freshet.WithAuditHook(c.record)),
		// Error is the level of internal failures, panics and failed
		// encodings, never of the error responses the scripts provoke.
		kinesistest.WithHandlerOptions(kinesisapi.WithLogger(slog.New(slog.NewTextHandler(&c.log, &slog.HandlerOptions{Level: slog.LevelError})))),
	}
	if tls {
		opts = append(opts, kinesistest.WithTLS())
	}
	return kinesistest.NewServer(t, opts...), c
}

// run runs a script against srv with dummy credentials and no AWS
// configuration files, and fails the test with the script's output if it
// fails, times out or does not print done.
func run(t *testing.T, srv *kinesistest.Server, name string, args []string, done string, env ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=SECRET", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	if cert := srv.Certificate(); cert != nil {
		ca := filepath.Join(t.TempDir(), "ca.pem")
		require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644))
		cmd.Env = append(cmd.Env, "NODE_EXTRA_CA_CERTS="+ca, "AWS_CA_BUNDLE="+ca)
	}
	cmd.Env = append(cmd.Env, env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	require.NoError(t, err, "%s %s after %v; output:\n%s", name, strings.Join(args, " "), time.Since(start).Round(time.Millisecond), out)
	require.True(t, strings.Contains(string(out), done), "%s %s: no %q after %v; output:\n%s", name, strings.Join(args, " "), done, time.Since(start).Round(time.Millisecond), out)
	t.Logf("%s %s (%v):\n%s", name, args[0], time.Since(start).Round(time.Millisecond), out)
}

// calls records the operations an engine served, from its audit hook, and
// what its handler logged.
type calls struct {
	mu     sync.Mutex
	ok     map[string]bool
	agents []string
	log    testsync.Buffer // the handler's log
}

// record is the engine's audit hook.
func (c *calls) record(ev freshet.AuditEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok == nil {
		c.ok = make(map[string]bool)
	}
	if ev.ErrorCode == "" {
		c.ok[ev.EventName] = true
	}
	if !slices.Contains(c.agents, ev.UserAgent) {
		c.agents = append(c.agents, ev.UserAgent)
	}
}

// check fails the test unless every operation in ops succeeded at least
// once and every call came from a user agent containing agent (the script
// really drove this server, through the client it names), or if the
// handler logged an error.
func (c *calls) check(t *testing.T, agent string, ops ...string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	assert.Empty(t, c.log.String(), "the handler logged errors")
	for _, op := range ops {
		assert.True(t, c.ok[op], "the server saw no successful %s", op)
	}
	for _, a := range c.agents {
		assert.Contains(t, a, agent, "user agent of a call")
	}
}
