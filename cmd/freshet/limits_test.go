package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseLimitFlags(t *testing.T) {
	t.Setenv("FRESHET_MAX_ACCOUNTS", "7")
	var out bytes.Buffer
	c, err := parseServeFlags([]string{"--read-timeout", "3s", "--write-timeout", "4s", "--idle-timeout", "5s",
		"--read-header-timeout", "6s", "--max-header-bytes", "4096", "--max-inflight-bytes", "33554432"}, &out)
	require.NoError(t, err, "%s", &out)
	require.Equal(t, serverLimits{
		maxInFlightBytes: 32 << 20, maxHeaderBytes: 4096, maxAccounts: 7,
		readHeaderTimeout: 6 * time.Second, readTimeout: 3 * time.Second, writeTimeout: 4 * time.Second, idleTimeout: 5 * time.Second,
	}, c.bounds)

	for _, args := range [][]string{
		{"--max-inflight-bytes", "1000"}, // below --max-request-bytes
		{"--read-timeout", "0s"},
		{"--max-accounts", "-2"},
		{"--max-header-bytes", "0"},
		{"--metrics-path", "", "--metrics-token", "t"},
	} {
		out.Reset()
		_, err := parseServeFlags(args, &out)
		require.ErrorIs(t, err, errUsage, "%v", args)
	}
}

// TestServeReadTimeout: --read-timeout reaches the handler: a stalled body
// is answered 408.
func TestServeReadTimeout(t *testing.T) {
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--read-timeout", "100ms")
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"+
		"X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 16000000\r\n\r\n{\"Limit\":1}")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	require.Equal(t, "RequestTimeoutException", resp.Header.Get("X-Amzn-Errortype"))
}

// TestHealthCommand: freshet health succeeds against a running server and
// fails against an address nothing serves.
func TestHealthCommand(t *testing.T) {
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json")
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"health", "--endpoint", url}, &out))
	require.Equal(t, "{\"status\":\"ok\"}\n", out.String())

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	require.Error(t, run(t.Context(), []string{"health", "--endpoint", "http://" + addr}, &out))
}
