package depcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// allowed are the modules an importer of the engine and kinesistest may
// get: the engine's own dependencies (btree, x/time/rate, testify for the
// tests, the CBOR codec of the wire protocol) and what they need.
var allowed = map[string]bool{
	"github.com/freshet-io/freshet": true,
	"github.com/google/btree":       true,
	"golang.org/x/time":             true,
	"github.com/stretchr/testify":   true,
	"go.yaml.in/yaml/v3":            true, // testify's
	"github.com/fxamacker/cbor/v2":  true,
	"github.com/x448/float16":       true, // cbor's
}

// A fresh module that imports the engine and kinesistest gets none of the
// heavy dependencies of the adapters (the AWS SDK, Prometheus,
// OpenTelemetry, database drivers): they live in modules of their own.
func TestImporterModuleGraph(t *testing.T) {
	goTool, err := exec.LookPath("go")
	require.NoError(t, err)
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	dir := t.TempDir()
	write := func(name, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	write("go.mod", "module example.com/importer\n\ngo 1.24\n\nrequire github.com/freshet-io/freshet v0.0.0\n\nreplace github.com/freshet-io/freshet => "+repo+"\n")
	write("main.go", `package main

import (
	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

var _ = kinesistest.NewServer

func main() { freshet.New().Close() }
`)
	run := func(args ...string) string {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	run("mod", "tidy")
	var extra []string
	for _, line := range strings.Split(strings.TrimSpace(run("list", "-m", "all")), "\n") {
		mod := strings.Fields(line)[0]
		if mod != "example.com/importer" && !allowed[mod] {
			extra = append(extra, mod)
		}
	}
	sort.Strings(extra)
	require.Empty(t, extra, "modules an importer of freshet and kinesistest should not get")
}
