// Command bench measures servers speaking the Kinesis wire protocol with the
// AWS SDK for Go v2 as the load client: sequential PutRecord, concurrent
// PutRecord, PutRecords batches and GetRecords read-back, with the server's
// CPU time per record (utime+stime from /proc/<pid>/stat) and its context
// switches per record (from /proc/<pid>/task/*/status).
//
// It measures several targets in rounds, one target right after the other,
// so that the machine's load drifts alike for all of them, and prints each
// target's median rate next to the rate of the ceiling target: a server
// that does no work (internal/nullserver), the most any server can be
// measured at with this client on this machine.
//
//	go run . -target freshet=http://127.0.0.1:4567,pid=123 -target ceiling=http://127.0.0.1:4569,pid=456 -ceiling ceiling
//
// bench/run.sh builds and starts the servers and runs it. The SDK's retryer
// is off, so errors are counted, not hidden. Every loop is bounded in count
// and in time; targets must be loopback addresses.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// config holds the flags.
type config struct {
	targets   targetList
	ceiling   string
	rounds    int
	shards    []int
	size      int
	seqN      int
	conc      int
	concN     int
	batch     int
	batchN    int
	readLimit int
	readDur   time.Duration
	opDur     time.Duration
}

// target is one server under test.
type target struct {
	label  string
	url    string
	pid    int
	client *kinesis.Client
}

type targetList []*target

func (l *targetList) String() string { return fmt.Sprint(len(*l), " targets") }

// Set parses label=URL[,pid=N].
func (l *targetList) Set(s string) error {
	label, rest, ok := strings.Cut(s, "=")
	if !ok || label == "" {
		return errors.New("want label=URL[,pid=N]")
	}
	t := &target{label: label}
	parts := strings.Split(rest, ",")
	t.url = parts[0]
	for _, p := range parts[1:] {
		v, ok := strings.CutPrefix(p, "pid=")
		if !ok {
			return fmt.Errorf("unknown option %q", p)
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		t.pid = n
	}
	u, err := url.Parse(t.url)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); (ip == nil || !ip.IsLoopback()) && u.Hostname() != "localhost" {
		return fmt.Errorf("%s: only loopback targets are measured", t.url)
	}
	*l = append(*l, t)
	return nil
}

func main() {
	var cfg config
	var shards string
	flag.Var(&cfg.targets, "target", "a server: label=URL[,pid=N] (repeat; pid enables server CPU and context switches per record)")
	flag.StringVar(&cfg.ceiling, "ceiling", "ceiling", "label of the target the others are divided by")
	flag.IntVar(&cfg.rounds, "rounds", 2, "rounds over all targets")
	flag.StringVar(&shards, "shards", "1,4", "shard counts of the streams measured in each round")
	flag.IntVar(&cfg.size, "size", 100, "bytes of data per record")
	flag.IntVar(&cfg.seqN, "seq-n", 3000, "sequential PutRecord: records")
	flag.IntVar(&cfg.conc, "conc", 16, "concurrent PutRecord: goroutines")
	flag.IntVar(&cfg.concN, "conc-n", 10000, "concurrent PutRecord: records")
	flag.IntVar(&cfg.batch, "batch", 500, "PutRecords: records per call")
	flag.IntVar(&cfg.batchN, "batch-n", 100000, "PutRecords: records")
	flag.IntVar(&cfg.readLimit, "read-limit", 10000, "GetRecords: Limit")
	flag.DurationVar(&cfg.readDur, "read-dur", 10*time.Second, "GetRecords read-back: at most this long")
	flag.DurationVar(&cfg.opDur, "op-dur", 30*time.Second, "each write measurement: at most this long")
	flag.Parse()
	for _, s := range strings.Split(shards, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fatalf("bad -shards %q", shards)
		}
		cfg.shards = append(cfg.shards, n)
	}
	if len(cfg.targets) == 0 {
		fatalf("no -target")
	}
	for _, t := range cfg.targets {
		t.client = newClient(t.url)
	}
	results := run(context.Background(), cfg)
	printTables(cfg, results)
}

// bufferedBody sends a copy of each request body. aws-sdk-go-v2 (smithy-go
// v1.28.9) closes a request's body when the response arrives, and its body
// then answers io.EOF to net/http, which may not have finished checking the
// body over HTTP/1.1: net/http takes that for a write error and closes the
// connection under the response ("use of closed network connection"), on
// about 1% of the calls to a fast server. With a body of its own, net/http
// never sees the SDK's.
type bufferedBody struct{ next http.RoundTripper }

func (b bufferedBody) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		data, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(data))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		req.ContentLength = int64(len(data))
	}
	return b.next.RoundTrip(req)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

// newClient returns an SDK client of the endpoint with retries off and
// nothing taken from the environment.
func newClient(endpoint string) *kinesis.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return kinesis.New(kinesis.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDBENCH", "bench-secret", ""),
		HTTPClient:   &http.Client{Transport: bufferedBody{tr}, Timeout: time.Minute},
		Retryer:      aws.NopRetryer{},
	})
}

// The four measurements, in table order.
var columns = []string{"sequential PutRecord", "16 concurrent PutRecord", "PutRecords of 500", "GetRecords read-back"}

// sample is one measurement of one column on one target.
type sample struct {
	records int
	seconds float64
	cpu     float64 // server CPU seconds; 0 without a pid
	// switches counts the server's context switches; 0 without a pid.
	switches float64
	errors   int
}

func (s sample) rate() float64 { return float64(s.records) / s.seconds }

// results[label][column] lists the samples.
type results map[string]map[string][]sample

func run(ctx context.Context, cfg config) results {
	res := results{}
	for round := 1; round <= cfg.rounds; round++ {
		for _, shards := range cfg.shards {
			for _, t := range cfg.targets {
				fmt.Printf("round %d, %d shard(s), %s:", round, shards, t.label)
				for col, s := range measure(ctx, cfg, t, shards) {
					if res[t.label] == nil {
						res[t.label] = map[string][]sample{}
					}
					res[t.label][columns[col]] = append(res[t.label][columns[col]], s)
					fmt.Printf(" %.0f/s", s.rate())
					if s.errors > 0 {
						fmt.Printf(" (%d errors)", s.errors)
					}
				}
				fmt.Println()
			}
		}
	}
	return res
}

// measure runs the four measurements on a new stream of the target.
func measure(ctx context.Context, cfg config, t *target, shards int) []sample {
	c := t.client
	name := fmt.Sprintf("bench-%d-%d", shards, time.Now().UnixNano())
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(int32(shards))}); err != nil {
		fatalf("%s: CreateStream: %v", t.label, err)
	}
	defer func() {
		_, _ = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(name), EnforceConsumerDeletion: aws.Bool(true)})
	}()
	waitActive(ctx, t, name)
	data := make([]byte, cfg.size)
	for i := range data {
		data[i] = byte('a' + i%26)
	}
	put := func() error {
		_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(name), Data: data, PartitionKey: aws.String(partitionKey())})
		return err
	}
	out := make([]sample, 0, len(columns))
	out = append(out, timed(t, cfg.opDur, func(deadline time.Time) (int, int) {
		ok, failed := 0, 0
		for i := 0; i < cfg.seqN && time.Now().Before(deadline); i++ {
			if put() != nil {
				failed++
			} else {
				ok++
			}
		}
		return ok, failed
	}))
	out = append(out, timed(t, cfg.opDur, func(deadline time.Time) (int, int) {
		var next, ok, failed atomic.Int64
		var wg sync.WaitGroup
		for range cfg.conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(cfg.concN) && time.Now().Before(deadline) {
					if put() != nil {
						failed.Add(1)
					} else {
						ok.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		return int(ok.Load()), int(failed.Load())
	}))
	out = append(out, timed(t, cfg.opDur, func(deadline time.Time) (int, int) {
		ok, failed := 0, 0
		entries := make([]types.PutRecordsRequestEntry, cfg.batch)
		for sent := 0; sent < cfg.batchN && time.Now().Before(deadline); sent += cfg.batch {
			for i := range entries {
				entries[i] = types.PutRecordsRequestEntry{Data: data, PartitionKey: aws.String(partitionKey())}
			}
			res, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(name), Records: entries})
			if err != nil {
				failed += len(entries)
				continue
			}
			for _, r := range res.Records {
				if r.ErrorCode != nil {
					failed++
				} else {
					ok++
				}
			}
		}
		return ok, failed
	}))
	written := 0
	for _, s := range out {
		written += s.records
	}
	out = append(out, timed(t, cfg.readDur, func(deadline time.Time) (int, int) {
		return readBack(ctx, cfg, c, name, written, deadline)
	}))
	return out
}

// timed runs f with a deadline and measures its time and the server's CPU.
func timed(t *target, limit time.Duration, f func(deadline time.Time) (ok, failed int)) sample {
	cpu0, sw0 := serverCPU(t.pid), serverSwitches(t.pid)
	start := time.Now()
	ok, failed := f(start.Add(limit))
	return sample{
		records:  ok,
		seconds:  time.Since(start).Seconds(),
		cpu:      serverCPU(t.pid) - cpu0,
		switches: serverSwitches(t.pid) - sw0,
		errors:   failed,
	}
}

// readBack reads every shard from TRIM_HORIZON, one goroutine per shard,
// until it has caught up, or the goroutines together have read the written
// records, or the deadline passes. A server that never catches up (the
// ceiling's canned responses) is thus read for as many records as the
// others.
func readBack(ctx context.Context, cfg config, c *kinesis.Client, name string, written int, deadline time.Time) (int, int) {
	shards, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(name)})
	if err != nil {
		fatalf("ListShards: %v", err)
	}
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for _, sh := range shards.Shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(name), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
			if err != nil {
				failed.Add(1)
				return
			}
			iter := it.ShardIterator
			for iter != nil && ok.Load() < int64(written) && time.Now().Before(deadline) {
				out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(int32(cfg.readLimit))})
				if err != nil {
					failed.Add(1)
					return
				}
				ok.Add(int64(len(out.Records)))
				if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
					return // caught up
				}
				iter = out.NextShardIterator
			}
		}()
	}
	wg.Wait()
	return int(ok.Load()), int(failed.Load())
}

func waitActive(ctx context.Context, t *target, name string) {
	for range 500 {
		out, err := t.client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			return
		}
		var ae smithy.APIError
		if err != nil && !errors.As(err, &ae) {
			fatalf("%s: DescribeStreamSummary: %v", t.label, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	fatalf("%s: stream %s not ACTIVE", t.label, name)
}

func partitionKey() string { return strconv.FormatUint(rand.Uint64(), 36) }

// serverCPU returns utime+stime of process pid in seconds (0 without pid).
func serverCPU(pid int) float64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+2:]) // from field 3 (state) on: utime is field 14, stime 15
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}

// serverSwitches returns the context switches, voluntary and not, of the
// threads of process pid (0 without pid): each time a thread of the server
// went to sleep or was preempted. A server that answers a request later
// lets its idle threads park and pays more of them per request, each a
// system call or two and a wake-up. Threads that have exited no longer
// count; the Go runtime keeps its threads.
func serverSwitches(pid int) float64 {
	if pid == 0 {
		return 0
	}
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0
	}
	var n float64
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, task.Name()))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			name, value, ok := strings.Cut(line, ":")
			if ok && (name == "voluntary_ctxt_switches" || name == "nonvoluntary_ctxt_switches") {
				v, _ := strconv.ParseFloat(strings.TrimSpace(value), 64)
				n += v
			}
		}
	}
	return n
}

// printTables prints the median rate per column and target with its ratio
// to the ceiling, and the server CPU per record.
func printTables(cfg config, res results) {
	labels := make([]string, 0, len(cfg.targets))
	for _, t := range cfg.targets {
		labels = append(labels, t.label)
	}
	fmt.Printf("\nrecords/s, median of %d rounds x %v shards (min-max); ratio to %s\n\n", cfg.rounds, cfg.shards, cfg.ceiling)
	fmt.Printf("| |")
	for _, l := range labels {
		fmt.Printf(" %s |", l)
	}
	for _, l := range labels {
		if l != cfg.ceiling {
			fmt.Printf(" %s / %s |", l, cfg.ceiling)
		}
	}
	fmt.Println()
	fmt.Println("|" + strings.Repeat("---|", 1+2*len(labels)-1))
	for _, col := range columns {
		fmt.Printf("| %s |", col)
		for _, l := range labels {
			rates := ratesOf(res[l][col])
			fmt.Printf(" %.0f (%.0f-%.0f) |", median(rates), rates[0], rates[len(rates)-1])
		}
		ceil := median(ratesOf(res[cfg.ceiling][col]))
		for _, l := range labels {
			if l != cfg.ceiling {
				fmt.Printf(" %.2f |", median(ratesOf(res[l][col]))/ceil)
			}
		}
		fmt.Println()
	}
	printPerRecord("server CPU per record (µs, median)", labels, res, "%.1f",
		func(s sample) float64 { return s.cpu * 1e6 })
	printPerRecord("server context switches per record (median)", labels, res, "%.2f",
		func(s sample) float64 { return s.switches })
	errs := 0
	for _, l := range labels {
		for _, col := range columns {
			for _, s := range res[l][col] {
				errs += s.errors
			}
		}
	}
	if errs > 0 {
		fmt.Printf("\n%d calls or entries failed (retries are off)\n", errs)
	}
}

// printPerRecord prints the median per record of a server measurement,
// per column and target ("-" where it was not measured).
func printPerRecord(title string, labels []string, res results, format string, of func(sample) float64) {
	fmt.Printf("\n%s\n\n| |", title)
	for _, l := range labels {
		fmt.Printf(" %s |", l)
	}
	fmt.Println()
	fmt.Println("|" + strings.Repeat("---|", 1+len(labels)))
	for _, col := range columns {
		fmt.Printf("| %s |", col)
		for _, l := range labels {
			var per []float64
			for _, s := range res[l][col] {
				if v := of(s); v > 0 && s.records > 0 {
					per = append(per, v/float64(s.records))
				}
			}
			if len(per) == 0 {
				fmt.Printf(" - |")
				continue
			}
			sort.Float64s(per)
			fmt.Printf(" "+format+" |", median(per))
		}
		fmt.Println()
	}
}

func ratesOf(ss []sample) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = s.rate()
	}
	sort.Float64s(out)
	return out
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
