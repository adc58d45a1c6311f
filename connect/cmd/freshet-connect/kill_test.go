package main_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesistest"
)

// build compiles the command once per test binary.
var build = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "freshet-connect")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "freshet-connect")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := build(); err == nil {
		_ = os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

type proc struct {
	cmd  *exec.Cmd
	logs bytes.Buffer
}

func startConnector(t *testing.T, cfgPath string) *proc {
	t.Helper()
	bin, err := build()
	require.NoError(t, err)
	p := &proc{cmd: exec.Command(bin, "--config", cfgPath)}
	p.cmd.Stderr = &p.logs
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

// writeConfig starts a Kinesis server with the 2-shard stream "orders" and
// writes the configuration of a connector that reads it from the start
// into emitter (the JSON of an "emitter" section), keeping its leases in a
// file; it returns the server and the configuration's path.
func writeConfig(t *testing.T, emitter string) (*kinesistest.Server, string) {
	t.Helper()
	srv := kinesistest.NewServer(t)
	_, err := srv.Engine.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 2})
	require.NoError(t, err)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "connector.json")
	require.NoError(t, os.WriteFile(cfgPath, []byte(fmt.Sprintf(`{
		"source": {"stream": "orders", "endpoint": %q, "region": %q, "initial_position": "TRIM_HORIZON",
		           "worker_id": "connector-1", "idle_time_between_reads": "20ms"},
		"lease_store": {"type": "file", "path": %q},
		"buffer": {"max_records": 40, "max_age": "100ms"},
		"retry": {"first": "10ms", "max": "100ms"},
		"emitter": %s,
		"log": {"interval": "0s"}
	}`, srv.URL, srv.Engine.Region(), filepath.Join(dir, "leases.json"), emitter)), 0o600))
	return srv, cfgPath
}

// TestSIGKILLMidFlushAndRestart kills the connector right after S3 stored
// one of its objects and before S3 answered (so the checkpoint could not
// move), restarts it, and checks that every record is in some object and
// that records stored twice were stored under the same key (an overwrite).
func TestSIGKILLMidFlushAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	s := conntest.NewS3(t, "lake")
	srv, cfgPath := writeConfig(t, fmt.Sprintf(`{"type": "s3", "s3": {"bucket": "lake", "prefix": "orders/", "endpoint": %q, "path_style": true}}`, s.URL))

	conntest.Put(t, srv.Engine, "orders", 0, 500)
	killed := make(chan string, 1)
	release := make(chan struct{})
	s.SetAfterPut(func(n int, key string) {
		if n == 4 {
			killed <- key
			<-release // hold the answer until the process is dead
		}
	})
	p1 := startConnector(t, cfgPath)
	var crashedKey string
	select {
	case crashedKey = <-killed:
	case <-time.After(time.Minute):
		t.Fatalf("no fourth object; logs:\n%s", p1.logs.String())
	}
	require.NoError(t, p1.cmd.Process.Signal(syscall.SIGKILL))
	_ = p1.cmd.Wait()
	close(release)
	s.SetAfterPut(nil)
	assert.Equal(t, 1, s.Puts()[crashedKey])

	conntest.Put(t, srv.Engine, "orders", 500, 1000)
	p2 := startConnector(t, cfgPath)
	testsync.WaitFor(t, "every record in S3", func() bool { return len(conntest.Lines(s.Objects(t, "lake"))) == 1000 })
	require.NoError(t, p2.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, p2.cmd.Wait(), "a SIGTERM stops the connector cleanly; logs:\n%s", p2.logs.String())
	assert.Contains(t, p2.logs.String(), "replaying the batch")

	lines := conntest.Lines(s.Objects(t, "lake"))
	for i := range 1000 {
		assert.Equal(t, 1, lines[strconv.Itoa(i)], "record %d must be in exactly one object", i)
	}
	assert.Equal(t, 2, s.Puts()[crashedKey], "the interrupted object is written again under the same key")
}
