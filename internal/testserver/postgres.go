package testserver

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Postgres is a private PostgreSQL instance in a temporary directory,
// listening on a loopback port, with trust authentication for the user
// "postgres".
type Postgres struct {
	// ConnString is a connection URL for the database "postgres", for
	// pgx and lib/pq alike.
	ConnString string
	// Port is the TCP port it listens on.
	Port int

	t   testing.TB
	dir string
	as  []string // the command prefix that runs a program as the server's user

	startFn, stopFn func()

	mu      sync.Mutex
	running bool
}

// StartPostgres initializes and starts a PostgreSQL instance for the
// duration of t. PostgreSQL refuses to run as root; when the test runs as
// root, the server runs as the system user "postgres" (through runuser).
func StartPostgres(t testing.TB) *Postgres {
	t.Helper()
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		initdb = firstExisting("/usr/lib/postgresql/15/bin/initdb")
	}
	if initdb == "" {
		missing(t, "PostgreSQL (initdb, pg_ctl)", "apt-get install postgresql")
	}
	bin := filepath.Dir(initdb)
	p := &Postgres{t: t, Port: FreePort(t)}
	dir, err := os.MkdirTemp("", "freshet-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	p.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root and there is no user postgres to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.as = []string{"runuser", "-u", "postgres", "--"}
	}
	data := filepath.Join(dir, "data")
	p.run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
	p.ConnString = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.Port)
	pgctl := filepath.Join(bin, "pg_ctl")
	start := func() {
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", p.Port, dir)
		p.run(pgctl, "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "start")
	}
	stop := func() { p.run(pgctl, "-D", data, "-m", "immediate", "-w", "stop") }
	p.startFn, p.stopFn = start, stop
	p.Start()
	t.Cleanup(p.Stop)
	return p
}

// Stop stops the server at once (immediate mode: like a crash, connections
// are cut). The data stays. It is idempotent.
func (p *Postgres) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.running {
		return
	}
	p.stopFn()
	p.running = false
}

// Start starts a stopped server again, on the same port with the same
// data.
func (p *Postgres) Start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running {
		return
	}
	p.startFn()
	p.running = true
	waitListening(p.t, "127.0.0.1:"+strconv.Itoa(p.Port), nil)
}

func (p *Postgres) run(name string, args ...string) {
	p.t.Helper()
	argv := append(append(append([]string{}, p.as...), name), args...)
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

func firstExisting(paths ...string) string {
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}
