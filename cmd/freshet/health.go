package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

const healthUsage = `Usage: freshet health [flags]

Checks that a freshet server answers GET /_health with 200 and exits 0, or
prints why not and exits 1: the health check of a container image without a
shell or an HTTP client.`

// runHealth is the health command.
func runHealth(ctx context.Context, args []string, stdout io.Writer) error {
	var c clientConfig
	fs := flag.NewFlagSet("freshet health", flag.ContinueOnError)
	c.register(fs)
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parseClientFlagsNoArgs(fs, args, stdout, healthUsage); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.endpoint, "/")+healthPath, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s %s", req.URL, resp.Status, body)
	}
	fmt.Fprintf(stdout, "%s\n", body)
	return nil
}
