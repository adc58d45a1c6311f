package testserver

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// Dynalite is a running dynalite server: DynamoDB's API on a loopback
// port, keeping its tables in a temporary directory so that they survive
// Stop and Start (for tests of a DynamoDB outage).
type Dynalite struct {
	// URL is the endpoint for the AWS SDK's BaseEndpoint.
	URL string

	t    testing.TB
	port int
	dir  string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// StartDynalite starts dynalite for the duration of t. Tables are created
// and deleted at once (no CREATING state). Any access key and region are
// accepted.
func StartDynalite(t testing.TB) *Dynalite {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node", "apt-get install nodejs")
	}
	cli := filepath.Join(moduleDir(), "node", "node_modules", "dynalite", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		missing(t, "dynalite", "(cd internal/testserver/node && npm ci)")
	}
	d := &Dynalite{t: t, port: FreePort(t), dir: t.TempDir()}
	d.URL = "http://127.0.0.1:" + strconv.Itoa(d.port)
	d.start(node)
	t.Cleanup(d.Stop)
	return d
}

func (d *Dynalite) start(node string) {
	d.t.Helper()
	// node/dynalite.js runs dynalite's cli.js, surviving aborted requests.
	launcher := filepath.Join(moduleDir(), "node", "dynalite.js")
	cmd := exec.Command(node, launcher, "--port", strconv.Itoa(d.port), "--path", d.dir,
		"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	d.mu.Lock()
	d.cmd, d.exited = cmd, exited
	d.mu.Unlock()
	waitListening(d.t, "127.0.0.1:"+strconv.Itoa(d.port), exited)
}

// Stop stops the server (its tables stay on disk). It is idempotent.
func (d *Dynalite) Stop() {
	d.mu.Lock()
	cmd, exited := d.cmd, d.exited
	d.cmd = nil
	d.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Kill()
	<-exited
}

// Start starts a stopped server again on the same port, with the same
// tables.
func (d *Dynalite) Start() {
	d.t.Helper()
	node, _ := exec.LookPath("node")
	d.start(node)
}

// moduleDir is the directory of this package's source, where node/ holds
// the pinned npm packages.
func moduleDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}
