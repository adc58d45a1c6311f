// Command bench measures servers speaking the Kinesis wire protocol with the
// AWS SDK for Go v2 as the load client: sequential PutRecord, concurrent
// PutRecord, PutRecords batches and GetRecords read-back, with the server's
// CPU time per record (from /proc/<pid>/task/*/schedstat) and its context
// switches per record (from /proc/<pid>/task/*/status).
//
// One of the targets is the ceiling: a server that does no work
// (internal/nullserver), the most any server can be measured at with this
// client on this machine. On a shared machine the ceiling's own rate moves
// by up to 2x from one minute to the next, so rates measured one after the
// other cannot be divided. bench therefore measures in short slices: for
// each measurement, every target runs a slice of the same work (the same
// number of records, calls and bytes), one target right after the other,
// in an order that rotates and reverses from cycle to cycle (A B, B A,
// B A, A B for two targets). Each cycle gives one paired ratio per target,
// its rate divided by the ceiling's rate in the same cycle; the tables
// print the median of the paired ratios of all cycles with the 95%
// confidence interval of that median. Server CPU per record is measured
// the same way: each slice is charged with the CPU time its server used
// from the slice's start to the start of the server's next slice (the
// other targets' slices between them included, so that work a server
// defers, such as garbage collection, still counts against it).
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
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
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
	cycles    int
	shards    []int
	size      int
	seqN      int
	conc      int
	concN     int
	batch     int
	batchN    int
	readN     int
	readLimit int
	sliceDur  time.Duration
	only      map[int]bool // columns measured (index into columns); nil: all
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
	flag.IntVar(&cfg.rounds, "rounds", 3, "rounds: each measures every shard count on new streams")
	flag.IntVar(&cfg.cycles, "cycles", 8, "cycles per measurement, round and shard count: each runs one slice per target (after one unmeasured warm-up cycle); a multiple of twice the number of targets balances their order")
	flag.StringVar(&shards, "shards", "1,4", "shard counts of the streams measured in each round")
	flag.IntVar(&cfg.size, "size", 100, "bytes of data per record")
	flag.IntVar(&cfg.seqN, "seq-n", 600, "sequential PutRecord: records per slice")
	flag.IntVar(&cfg.conc, "conc", 16, "concurrent PutRecord: goroutines")
	flag.IntVar(&cfg.concN, "conc-n", 2000, "concurrent PutRecord: records per slice")
	flag.IntVar(&cfg.batch, "batch", 500, "PutRecords: records per call")
	flag.IntVar(&cfg.batchN, "batch-n", 25000, "PutRecords: records per slice")
	flag.IntVar(&cfg.readN, "read-n", 50000, "GetRecords read-back: records per slice (a shard read to its end is read again from TRIM_HORIZON)")
	flag.IntVar(&cfg.readLimit, "read-limit", 10000, "GetRecords: Limit")
	flag.DurationVar(&cfg.sliceDur, "slice-dur", 10*time.Second, "each slice: at most this long")
	only := flag.String("only", "", "measure only these columns: comma-separated numbers, 1-4 in table order (to profile one of them)")
	flag.Parse()
	if *only != "" {
		cfg.only = map[int]bool{}
		for _, s := range strings.Split(*only, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 || n > len(columns) {
				fatalf("bad -only %q", *only)
			}
			cfg.only[n-1] = true
		}
	}
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
	if cfg.rounds < 1 || cfg.cycles < 1 {
		fatalf("-rounds and -cycles must be at least 1")
	}
	found := false
	for _, t := range cfg.targets {
		t.client = newClient(t.url)
		found = found || t.label == cfg.ceiling
	}
	if !found {
		fatalf("no target labelled %q (-ceiling)", cfg.ceiling)
	}
	res := run(context.Background(), cfg)
	printTables(cfg, res)
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

// slice is what one target did in one slice of a measurement.
type slice struct {
	records int
	seconds float64
	errors  int
	// cpu and switches are the server's CPU seconds and context switches
	// from the start of the slice to the start of the target's next slice
	// (or the end of the measurement): work the server defers past its
	// slice, such as garbage collection, counts against it. 0 without a
	// pid.
	cpu, switches float64
	// client is the load client's own CPU seconds during the slice.
	client float64
}

func (s slice) rate() float64 {
	if s.seconds <= 0 {
		return 0
	}
	return float64(s.records) / s.seconds
}

// phase is one measurement (a column) of one target in one round and shard
// count: its slices.
type phase struct {
	slices []slice
}

func (p phase) errors() int {
	n := 0
	for _, s := range p.slices {
		n += s.errors
	}
	return n
}

// results[label][column] lists the phases, one per round and shard count;
// the slices of phase i of two targets were measured in the same cycles.
type results map[string]map[string][]phase

// stream is a target's stream of one round and shard count, with its
// read-back state.
type stream struct {
	t    *target
	name string
	data []byte
	// iters holds each shard's next GetRecords iterator (nil: start
	// again from TRIM_HORIZON).
	shards []string
	iters  []*string
	// written counts the records written by the slices.
	written int
}

func run(ctx context.Context, cfg config) results {
	res := results{}
	for _, t := range cfg.targets {
		res[t.label] = map[string][]phase{}
	}
	for round := 1; round <= cfg.rounds; round++ {
		for _, shards := range cfg.shards {
			streams := make([]*stream, len(cfg.targets))
			for i, t := range cfg.targets {
				streams[i] = newStream(ctx, cfg, t, shards)
			}
			for col := range columns {
				if cfg.only != nil && !cfg.only[col] {
					continue
				}
				if col == 3 && streams[0].written == 0 {
					// Only the read-back: give it records to read.
					for _, st := range streams {
						putBatches(ctx, cfg, st, time.Now().Add(cfg.sliceDur))
					}
				}
				phases := measure(ctx, cfg, streams, col)
				fmt.Printf("round %d, %d shard(s), %s:", round, shards, columns[col])
				for i, t := range cfg.targets {
					p := phases[i]
					res[t.label][columns[col]] = append(res[t.label][columns[col]], p)
					fmt.Printf(" %s %.0f/s", t.label, median(sortedOf(p.slices, slice.rate)))
					if n := p.errors(); n > 0 {
						fmt.Printf(" (%d errors)", n)
					}
				}
				fmt.Println()
			}
			for _, st := range streams {
				st.delete(ctx)
			}
		}
	}
	return res
}

// newStream creates a stream of the given shard count on the target and
// waits until it is ACTIVE.
func newStream(ctx context.Context, cfg config, t *target, shards int) *stream {
	c := t.client
	name := fmt.Sprintf("bench-%d-%d", shards, time.Now().UnixNano())
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(int32(shards))}); err != nil {
		fatalf("%s: CreateStream: %v", t.label, err)
	}
	waitActive(ctx, t, name)
	out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(name)})
	if err != nil {
		fatalf("%s: ListShards: %v", t.label, err)
	}
	st := &stream{t: t, name: name, data: make([]byte, cfg.size)}
	for i := range st.data {
		st.data[i] = byte('a' + i%26)
	}
	for _, sh := range out.Shards {
		st.shards = append(st.shards, aws.ToString(sh.ShardId))
	}
	st.iters = make([]*string, len(st.shards))
	return st
}

func (st *stream) delete(ctx context.Context) {
	_, _ = st.t.client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(st.name), EnforceConsumerDeletion: aws.Bool(true)})
}

// measure runs one warm-up cycle and cfg.cycles measured cycles of column
// col: in each, one slice per target, in an order that changes from cycle
// to cycle (cycleOrder), so that every target takes every place as often
// and, with up to three targets, follows every other as often.
func measure(ctx context.Context, cfg config, streams []*stream, col int) []phase {
	phases := make([]phase, len(streams))
	for i := range streams {
		phases[i].slices = make([]slice, 0, cfg.cycles)
	}
	// cpu0 and sw0 are each target's CPU time and context switches when
	// its last kept slice started.
	cpu0 := make([]float64, len(streams))
	sw0 := make([]float64, len(streams))
	// closeSlice charges target i's last kept slice with what its server
	// used since that slice started.
	closeSlice := func(i int) {
		if n := len(phases[i].slices); n > 0 {
			s := &phases[i].slices[n-1]
			s.cpu = serverCPU(streams[i].t.pid) - cpu0[i]
			s.switches = serverSwitches(streams[i].t.pid) - sw0[i]
		}
	}
	runCycle := func(cycle int, keep bool) {
		for _, i := range cycleOrder(len(streams), cycle) {
			if keep {
				closeSlice(i)
				cpu0[i], sw0[i] = serverCPU(streams[i].t.pid), serverSwitches(streams[i].t.pid)
			}
			s := runSlice(ctx, cfg, streams[i], col)
			if keep {
				phases[i].slices = append(phases[i].slices, s)
			}
		}
	}
	runCycle(1, false) // warm-up: connections, stream state, code paths
	for cycle := range cfg.cycles {
		runCycle(cycle, true)
	}
	for i := range streams {
		closeSlice(i)
	}
	return phases
}

// cycleOrder returns the order of n targets in a cycle: the targets'
// order rotated by the cycle number, reversed in every other run of n
// cycles. For two targets: AB BA BA AB, ...
func cycleOrder(n, cycle int) []int {
	order := make([]int, n)
	for k := range order {
		order[k] = (k + cycle) % n
	}
	if cycle/n%2 == 1 {
		slices.Reverse(order)
	}
	return order
}

// runSlice runs one slice of column col on the stream and times it.
func runSlice(ctx context.Context, cfg config, st *stream, col int) slice {
	client0 := serverCPU(os.Getpid())
	start := time.Now()
	deadline := start.Add(cfg.sliceDur)
	var ok, failed int
	switch col {
	case 0:
		ok, failed = putSequential(ctx, cfg, st, deadline)
	case 1:
		ok, failed = putConcurrent(ctx, cfg, st, deadline)
	case 2:
		ok, failed = putBatches(ctx, cfg, st, deadline)
	case 3:
		ok, failed = readBack(ctx, cfg, st, deadline)
	}
	if col < 3 {
		st.written += ok
	}
	return slice{records: ok, seconds: time.Since(start).Seconds(), errors: failed, client: serverCPU(os.Getpid()) - client0}
}

func (st *stream) put(ctx context.Context) error {
	_, err := st.t.client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(st.name), Data: st.data, PartitionKey: aws.String(partitionKey())})
	return err
}

func putSequential(ctx context.Context, cfg config, st *stream, deadline time.Time) (ok, failed int) {
	for i := 0; i < cfg.seqN && time.Now().Before(deadline); i++ {
		if st.put(ctx) != nil {
			failed++
		} else {
			ok++
		}
	}
	return ok, failed
}

func putConcurrent(ctx context.Context, cfg config, st *stream, deadline time.Time) (int, int) {
	var next, ok, failed atomic.Int64
	var wg sync.WaitGroup
	for range cfg.conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(cfg.concN) && time.Now().Before(deadline) {
				if st.put(ctx) != nil {
					failed.Add(1)
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return int(ok.Load()), int(failed.Load())
}

func putBatches(ctx context.Context, cfg config, st *stream, deadline time.Time) (ok, failed int) {
	entries := make([]types.PutRecordsRequestEntry, cfg.batch)
	for sent := 0; sent < cfg.batchN && time.Now().Before(deadline); sent += cfg.batch {
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{Data: st.data, PartitionKey: aws.String(partitionKey())}
		}
		res, err := st.t.client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(st.name), Records: entries})
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
}

// readBack reads the shards, one goroutine per shard, until together they
// have read cfg.readN records or the deadline passes. Each shard goes on
// from where the previous slice left it; a shard read to its end (no
// records, not behind) is read again from TRIM_HORIZON. The ceiling's
// canned responses never end, so every server is read for the same records
// per slice, about.
func readBack(ctx context.Context, cfg config, st *stream, deadline time.Time) (int, int) {
	c := st.t.client
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for i, shard := range st.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			restarts := 0
			for ok.Load() < int64(cfg.readN) && time.Now().Before(deadline) {
				if st.iters[i] == nil {
					if restarts++; restarts > 2 {
						return // an empty shard
					}
					it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(st.name), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
					if err != nil {
						failed.Add(1)
						return
					}
					st.iters[i] = it.ShardIterator
				}
				out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: st.iters[i], Limit: aws.Int32(int32(cfg.readLimit))})
				if err != nil {
					failed.Add(1)
					st.iters[i] = nil
					return
				}
				ok.Add(int64(len(out.Records)))
				st.iters[i] = out.NextShardIterator
				if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
					st.iters[i] = nil // read to its end: again from the start
				}
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

// serverCPU returns the CPU time of process pid in seconds (0 without pid;
// the load client measures itself with it too):
// the sum over its threads of the time on a CPU from
// /proc/<pid>/task/*/schedstat, in nanoseconds, where /proc/<pid>/stat
// counts in 10 ms ticks. Threads that have exited no longer count; the Go
// runtime keeps its threads. Without schedstat (a kernel built without
// it), utime+stime from /proc/<pid>/stat.
func serverCPU(pid int) float64 {
	if pid == 0 {
		return 0
	}
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err == nil {
		var ns float64
		found := false
		for _, task := range tasks {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, task.Name()))
			if err != nil {
				continue
			}
			f := strings.Fields(string(b))
			if len(f) == 0 {
				continue
			}
			v, err := strconv.ParseFloat(f[0], 64)
			if err != nil {
				continue
			}
			ns += v
			found = true
		}
		if found {
			return ns / 1e9
		}
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

// printTables prints, per column, each target's median slice rate and the
// median of its paired ratios to the ceiling, then the server CPU and
// context switches per record.
func printTables(cfg config, res results) {
	labels := make([]string, 0, len(cfg.targets))
	for _, t := range cfg.targets {
		labels = append(labels, t.label)
	}
	others := make([]string, 0, len(labels))
	for _, l := range labels {
		if l != cfg.ceiling {
			others = append(others, l)
		}
	}
	pairs := cfg.rounds * len(cfg.shards) * cfg.cycles
	fmt.Printf("\nrecords/s: median of %d slices (%d rounds x %v shards x %d cycles); / %s: median of the %d paired ratios, one per cycle [95%% confidence interval of the median]\n\n",
		pairs, cfg.rounds, cfg.shards, cfg.cycles, cfg.ceiling, pairs)
	table(labels, others, cfg.ceiling, res, func(ss []slice) string {
		return thousands(median(sortedOf(ss, slice.rate)))
	}, slice.rate)

	cpu := func(s slice) float64 { return perRecord(s.cpu*1e6, s.records) }
	fmt.Printf("\nserver CPU per record, µs: all CPU time over all records; / %s: median of the paired ratios [95%% CI], each slice charged with what its server used until its next slice\n\n", cfg.ceiling)
	table(labels, others, cfg.ceiling, res, func(ss []slice) string {
		return pooled(ss, func(s slice) float64 { return s.cpu * 1e6 }, "%.2f")
	}, cpu)
	fmt.Printf("\nload client CPU per record, µs, during each target's slices (the same work for every target)\n\n")
	table(labels, others, cfg.ceiling, res, func(ss []slice) string {
		return pooled(ss, func(s slice) float64 { return s.client * 1e6 }, "%.2f")
	}, func(s slice) float64 { return perRecord(s.client*1e6, s.records) })
	fmt.Printf("\nserver context switches per record (as above)\n\n")
	table(labels, others, cfg.ceiling, res, func(ss []slice) string {
		return pooled(ss, func(s slice) float64 { return s.switches }, "%.3f")
	}, func(s slice) float64 { return perRecord(s.switches, s.records) })

	errs := 0
	for _, l := range labels {
		for _, col := range columns {
			for _, p := range res[l][col] {
				errs += p.errors()
			}
		}
	}
	if errs > 0 {
		fmt.Printf("\n%d calls or entries failed (retries are off)\n", errs)
	}
}

// table prints one row per measured column: a cell per target (cell of
// all its slices), then per target but the ceiling the median of its
// paired ratios to the ceiling of value with its confidence interval.
func table(labels, others []string, ceiling string, res results, cell func([]slice) string, value func(slice) float64) {
	fmt.Printf("| |")
	for _, l := range labels {
		fmt.Printf(" %s |", l)
	}
	for _, l := range others {
		fmt.Printf(" %s / %s |", l, ceiling)
	}
	fmt.Println()
	fmt.Println("|" + strings.Repeat("---|", 1+len(labels)+len(others)))
	for _, col := range columns {
		if len(res[ceiling][col]) == 0 {
			continue // not measured (-only)
		}
		fmt.Printf("| %s |", col)
		for _, l := range labels {
			var all []slice
			for _, p := range res[l][col] {
				all = append(all, p.slices...)
			}
			fmt.Printf(" %s |", cell(all))
		}
		for _, l := range others {
			fmt.Printf(" %s |", medianCI(pairedRatios(res[l][col], res[ceiling][col], value), "%.2f"))
		}
		fmt.Println()
	}
}

// pooled formats the sum of of over the slices divided by their records,
// or "-" when it is zero (no pid).
func pooled(ss []slice, of func(slice) float64, format string) string {
	var v float64
	n := 0
	for _, s := range ss {
		v += of(s)
		n += s.records
	}
	if v <= 0 || n == 0 {
		return "-"
	}
	return fmt.Sprintf(format, v/float64(n))
}

func perRecord(v float64, records int) float64 {
	if records == 0 {
		return 0
	}
	return v / float64(records)
}

// pairedRatios divides value of each slice of a target by value of the
// ceiling's slice in the same cycle, where both are positive; the result
// is sorted.
func pairedRatios(target, ceiling []phase, value func(slice) float64) []float64 {
	var out []float64
	for i := range target {
		if i >= len(ceiling) {
			break
		}
		for j, s := range target[i].slices {
			if j >= len(ceiling[i].slices) {
				break
			}
			if v, c := value(s), value(ceiling[i].slices[j]); v > 0 && c > 0 {
				out = append(out, v/c)
			}
		}
	}
	sort.Float64s(out)
	return out
}

// medianCI formats the median of sorted values with its 95% confidence
// interval, distribution-free: the values of ranks n/2 ± 0.98·√n, between
// which the median of the population lies with probability 0.95 if the
// values are independent.
func medianCI(sorted []float64, format string) string {
	n := len(sorted)
	if n == 0 {
		return "-"
	}
	d := 0.98 * math.Sqrt(float64(n))
	lo := max(0, int(math.Floor(float64(n)/2-d)))
	hi := min(n-1, int(math.Ceil(float64(n)/2+d))-1)
	return fmt.Sprintf(format+" ["+format+"-"+format+"]", median(sorted), sorted[lo], sorted[hi])
}

// thousands formats a rate as a whole number with thousands separators.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// sortedOf returns of of each slice, sorted.
func sortedOf(ss []slice, of func(slice) float64) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = of(s)
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
