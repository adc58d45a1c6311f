package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testserver"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesissdk"
)

const (
	stream     = "orders"
	leaseTable = "group_leases"
	failover   = time.Second
	renew      = failover / 3
)

// Three worker processes share an 8-shard stream of a freshet server
// through a lease table, in PostgreSQL and then in DynamoDB (dynalite),
// while a writer keeps writing and the stream is split and merged. One
// worker is killed with SIGKILL: its leases move to the other two, which
// read its shards again from its last checkpoints. Every record is
// processed at least once, in order within a shard, parents before
// children, and a record is processed more than once only if it was in the
// uncheckpointed tail of a processor that died or lost its lease.
func TestConsumerGroup(t *testing.T) {
	bin := buildBinaries(t)()
	t.Run("leases=postgres", func(t *testing.T) { runGroup(t, bin, newPostgresLeases(t)) })
	t.Run("leases=dynamodb", func(t *testing.T) { runGroup(t, bin, newDynamoLeases(t)) })
}

func runGroup(t *testing.T, bin binaries, leases leaseTableReader) {
	ctx := context.Background()
	t0 := time.Now()
	phase := func(what string) { t.Logf("%6.2fs %s", time.Since(t0).Seconds(), what) }
	endpoint := startServer(t, bin.freshet)
	client := newKinesisClient(endpoint)
	src := kinesissdk.New(client)

	_, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(stream), ShardCount: aws.Int32(8)})
	require.NoError(t, err)
	waitActive(t, client)

	phase("freshet serve started, stream created")
	out := &output{sessions: map[string]*session{}}
	workers := map[string]*workerProcess{}
	for _, id := range []string{"w1", "w2", "w3"} {
		workers[id] = startWorker(t, bin.worker, id, endpoint, leases.flags(), out)
	}
	// Balanced before anything is written: stealing to balance the
	// group then duplicates nothing.
	testsync.WaitFor(t, "the 8 leases spread over the 3 workers", func() bool {
		owners := leases.owners(t)
		return len(owners) == 8 && count(owners, "w1") >= 2 && count(owners, "w2") >= 2 && count(owners, "w3") >= 2
	})

	// Workers whose leases were stolen notice at their next renewal; wait
	// for that too, so that none of them processes records of a shard it
	// no longer holds.
	testsync.WaitFor(t, "workers to notice the leases stolen from them", func() bool {
		return out.staleSessions(leases.owners(t)) == 0
	})
	phase("leases balanced; writing")
	w := &writer{src: src}
	stopWriting := w.start(t)
	testsync.WaitFor(t, "records written", func() bool { return w.count() >= 500 })

	phase("splitting")
	split(t, client, openShards(t, src)[0])
	testsync.WaitFor(t, "records written after the split", func() bool { return w.count() >= 1000 })
	open := openShards(t, src)
	_, err = client.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String(stream),
		ShardToMerge: aws.String(open[len(open)-2].ShardId), AdjacentShardToMerge: aws.String(open[len(open)-1].ShardId)})
	require.NoError(t, err)
	waitActive(t, client)
	mark := w.count() + 500
	testsync.WaitFor(t, "records written after the merge", func() bool { return w.count() >= mark })
	phase("merged; waiting for the group to catch up")
	mark = w.count()
	testsync.WaitFor(t, "the group to catch up", func() bool { return out.processedAll(w.records()[:mark]) })

	// Kill w2 while it holds leases.
	var held []string
	testsync.WaitFor(t, "w2 to hold a lease", func() bool {
		held = nil
		for key, owner := range leases.owners(t) {
			if owner == "w2" {
				held = append(held, key)
			}
		}
		return len(held) > 0
	})
	phase("killing w2")
	killed := time.Now()
	workers["w2"].kill(t)
	testsync.WaitFor(t, "w2's leases to move", func() bool { return count(leases.owners(t), "w2") == 0 })
	takeover := time.Since(killed)
	t.Logf("w2 held %d leases (%v) when killed; %v later no lease was its (failover %v, renewal every %v)",
		len(held), held, takeover.Round(time.Millisecond), failover, renew)
	// The survivors that took them print so, with their processors'
	// first lines.
	for _, key := range held {
		testsync.WaitFor(t, "a survivor to process "+key, func() bool { return out.startedAfter(key, killed, "w1", "w3") })
	}

	mark = w.count() + 500
	testsync.WaitFor(t, "records written after the kill", func() bool { return w.count() >= mark })
	phase("leases moved; writing stops")
	stopWriting()
	testsync.WaitFor(t, "every record processed", func() bool { return out.processedAll(w.records()) })
	for _, id := range []string{"w1", "w3"} {
		workers[id].stop(t)
	}

	phase("survivors stopped; checking")
	out.check(t, w.records(), lineage(t, src))
}

// binaries are the programs the test runs.
type binaries struct{ freshet, worker string }

// buildBinaries builds freshet and this example into a temporary
// directory, both at once, in the background: wait returns them once
// built.
func buildBinaries(t *testing.T) (wait func() binaries) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command builds the programs this test runs")
	dir := t.TempDir()
	b := binaries{freshet: filepath.Join(dir, "freshet"), worker: filepath.Join(dir, "consumergroup")}
	builds := []struct{ dir, pkg, out string }{
		{"../..", "./cmd/freshet", b.freshet},
		{".", ".", b.worker},
	}
	errs := make([]error, len(builds))
	var wg sync.WaitGroup
	for i, build := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(goBin, "build", "-o", build.out, build.pkg)
			cmd.Dir = build.dir
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("go build %s: %v\n%s", build.pkg, err, out)
			}
		}()
	}
	t.Cleanup(wg.Wait)
	return func() binaries {
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		return b
	}
}

// startServer runs freshet serve on a free port until the test ends and
// returns its URL.
func startServer(t *testing.T, bin string) string {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(testserver.FreePort(t))
	cmd := exec.Command(bin, "serve", "--addr", addr)
	var logs testsync.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := <-done; err != nil {
			t.Errorf("freshet serve: %v\n%s", err, logs.String())
		}
	})
	url := "http://" + addr
	testsync.WaitFor(t, "freshet serve to answer", func() bool {
		resp, err := http.Get(url + "/_health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return url
}

// newKinesisClient returns an SDK client of the server that speaks HTTP/2
// without TLS (h2c), which freshet serve accepts.
func newKinesisClient(endpoint string) *kinesis.Client {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	return kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   &http.Client{Transport: tr},
	})
}

func waitActive(t *testing.T, client *kinesis.Client) {
	t.Helper()
	testsync.WaitFor(t, "the stream to be ACTIVE", func() bool {
		out, err := client.DescribeStreamSummary(context.Background(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(stream)})
		require.NoError(t, err)
		return out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive
	})
}

// openShards returns the open shards sorted by hash key.
func openShards(t *testing.T, src *kinesissdk.Client) []freshet.Shard {
	t.Helper()
	var open []freshet.Shard
	for _, sh := range lineage(t, src) {
		if sh.SequenceNumberRange.EndingSequenceNumber.IsZero() {
			open = append(open, sh)
		}
	}
	sort.Slice(open, func(i, k int) bool {
		return open[i].HashKeyRange.StartingHashKey.Cmp(open[k].HashKeyRange.StartingHashKey) < 0
	})
	return open
}

// lineage lists every shard of the stream.
func lineage(t *testing.T, src *kinesissdk.Client) []freshet.Shard {
	t.Helper()
	out, err := src.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: stream})
	require.NoError(t, err)
	require.Empty(t, out.NextToken)
	return out.Shards
}

// split splits sh in the middle of its hash key range.
func split(t *testing.T, client *kinesis.Client, sh freshet.Shard) {
	t.Helper()
	lo, _ := new(big.Int).SetString(sh.HashKeyRange.StartingHashKey.String(), 10)
	hi, _ := new(big.Int).SetString(sh.HashKeyRange.EndingHashKey.String(), 10)
	mid := new(big.Int).Rsh(new(big.Int).Add(lo, hi), 1)
	_, err := client.SplitShard(context.Background(), &kinesis.SplitShardInput{StreamName: aws.String(stream),
		ShardToSplit: aws.String(sh.ShardId), NewStartingHashKey: aws.String(mid.String())})
	require.NoError(t, err)
	waitActive(t, client)
}

// count returns how many leases id owns.
func count(owners map[string]string, id string) int {
	n := 0
	for _, o := range owners {
		if o == id {
			n++
		}
	}
	return n
}

// writer writes numbered records, 10 per PutRecords call, until stopped.
type writer struct {
	src *kinesissdk.Client

	mu      sync.Mutex
	written []written
}

// written is a record as PutRecords stored it.
type written struct {
	data  string
	shard string
	seq   freshet.SequenceNumber
}

func (w *writer) start(t *testing.T) (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for n := 0; ; n += 10 {
			select {
			case <-done:
				return
			default:
			}
			in := &freshet.PutRecordsInput{StreamName: stream}
			for k := n; k < n+10; k++ {
				in.Records = append(in.Records, freshet.PutRecordsRequestEntry{PartitionKey: "pk" + strconv.Itoa(k*7919), Data: []byte(strconv.Itoa(k))})
			}
			out, err := w.src.PutRecords(context.Background(), in)
			if err != nil || out.FailedRecordCount > 0 {
				t.Errorf("PutRecords: %v (%d failed)", err, out.FailedRecordCount)
				return
			}
			w.mu.Lock()
			for i, r := range out.Records {
				w.written = append(w.written, written{data: string(in.Records[i].Data), shard: r.ShardId, seq: r.SequenceNumber})
			}
			w.mu.Unlock()
			time.Sleep(10 * time.Millisecond)
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(done)
			<-stopped
		})
	}
	t.Cleanup(stop)
	return stop
}

func (w *writer) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.written)
}

func (w *writer) records() []written {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]written(nil), w.written...)
}

// workerProcess is a running worker.
type workerProcess struct {
	id   string
	cmd  *exec.Cmd
	done chan error
	logs *testsync.Buffer
}

func startWorker(t *testing.T, bin, id, endpoint string, leaseFlags []string, out *output) *workerProcess {
	t.Helper()
	args := append([]string{"--endpoint", endpoint, "--stream", stream, "--worker", id,
		"--initial-position", lease.TrimHorizon,
		"--failover", failover.String(), "--shard-sync", "500ms", "--idle", "20ms", "--max-records", "200"}, leaseFlags...)
	cmd := exec.Command(bin, args...)
	p := &workerProcess{id: id, cmd: cmd, done: make(chan error, 1), logs: &testsync.Buffer{}}
	cmd.Stderr = p.logs
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	read := make(chan struct{})
	go func() {
		defer close(read)
		out.read(t, stdout)
	}()
	go func() {
		<-read // Wait closes the pipe: read it to the end first
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("log of worker %s:\n%s", id, tail(p.logs.String(), 4000))
		}
	})
	return p
}

func (p *workerProcess) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	err := <-p.done
	require.Error(t, err, "worker %s was killed", p.id)
}

// stop stops the worker gracefully, with SIGTERM.
func (p *workerProcess) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, <-p.done, "worker %s", p.id)
}

// output collects the lines of every worker.
type output struct {
	mu       sync.Mutex
	lines    []line
	sessions map[string]*session // by worker/session
	bad      []string
}

// session is what one processor of one worker printed.
type session struct {
	worker, shard string
	lines         []line
	graceful      bool // ended with a shutdown or shard_end line
	lost          bool // ended with a lease_lost line
}

func (o *output) read(t *testing.T, r interface{ Read([]byte) (int, error) }) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			o.mu.Lock()
			o.bad = append(o.bad, sc.Text())
			o.mu.Unlock()
			continue
		}
		o.add(l)
	}
}

func (o *output) add(l line) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lines = append(o.lines, l)
	key := l.Worker + "/" + strconv.FormatInt(l.Session, 10)
	s := o.sessions[key]
	if s == nil {
		s = &session{worker: l.Worker, shard: l.Shard}
		o.sessions[key] = s
	}
	s.lines = append(s.lines, l)
	switch l.Event {
	case "shutdown", "shard_end":
		s.graceful = true
	case "lease_lost":
		s.lost = true
	}
}

// events summarizes the last lines of s: each event but records, with
// counts of the records between them.
func (s *session) events() string {
	var out []string
	n := 0
	for _, l := range s.lines {
		if l.Event == "record" {
			n++
			continue
		}
		if n > 0 {
			out = append(out, strconv.Itoa(n)+" records")
			n = 0
		}
		out = append(out, l.Event+" "+l.Checkpoint)
	}
	if n > 0 {
		out = append(out, strconv.Itoa(n)+" records")
	}
	if len(out) > 6 {
		out = append([]string{"..."}, out[len(out)-6:]...)
	}
	return strings.Join(out, ", ")
}

// recordKey identifies a Kinesis record.
func recordKey(shard, seq string) string { return shard + "/" + seq }

// processedAll reports whether every record of recs was processed.
func (o *output) processedAll(recs []written) bool {
	o.mu.Lock()
	seen := make(map[string]bool, len(o.lines))
	for _, l := range o.lines {
		if l.Event == "record" {
			seen[recordKey(l.Shard, l.Seq)] = true
		}
	}
	o.mu.Unlock()
	for _, r := range recs {
		if !seen[recordKey(r.shard, r.seq.String())] {
			return false
		}
	}
	return true
}

// staleSessions counts the processors still running on a shard whose
// lease their worker does not own.
func (o *output) staleSessions(owners map[string]string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, s := range o.sessions {
		if !s.graceful && !s.lost && owners[s.shard] != s.worker {
			n++
		}
	}
	return n
}

// startedAfter reports whether one of workers started processing shard
// after t.
func (o *output) startedAfter(shard string, t time.Time, workers ...string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, l := range o.lines {
		if l.Event == "initialize" && l.Shard == shard && l.Time > t.UnixNano() {
			for _, w := range workers {
				if l.Worker == w {
					return true
				}
			}
		}
	}
	return false
}

func checkpointOf(seq string, sub int64) lease.Checkpoint {
	return lease.Checkpoint{SequenceNumber: seq, SubSequenceNumber: sub}
}

// check checks the guarantees of the consumer on the whole output.
func (o *output) check(t *testing.T, recs []written, shards []freshet.Shard) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	assert.Empty(t, o.bad, "lines that are not JSON")

	// Every record written was processed, as written.
	type processing struct {
		time int64
		tail string // "" or why this processing may be repeated
		by   string // worker/session, its end and last checkpoint, for messages
	}
	byRecord := map[string][]processing{}
	for _, s := range o.sessions {
		// The tail of a session that did not end gracefully: the
		// records after its last checkpoint.
		var last lease.Checkpoint
		var records []line
		for _, l := range s.lines {
			switch l.Event {
			case "initialize":
				last = checkpointOf(l.Checkpoint, 0)
			case "checkpoint":
				last = checkpointOf(l.Checkpoint, 0)
			case "record":
				records = append(records, l)
			}
		}
		// Order within the shard.
		var prev lease.Checkpoint
		if init := s.lines[0]; init.Event == "initialize" {
			prev = checkpointOf(init.Checkpoint, 0)
		} else {
			t.Errorf("session %s/%s on %s began with %s, not initialize", s.worker, strconv.FormatInt(init.Session, 10), s.shard, init.Event)
		}
		for _, r := range records {
			cp := checkpointOf(r.Seq, r.Sub)
			if cp.Compare(prev) <= 0 {
				t.Errorf("worker %s, shard %s: record %s after %s: out of order", s.worker, s.shard, r.Seq, prev.SequenceNumber)
			}
			prev = cp
			why := ""
			if !s.graceful && cp.Compare(last) > 0 {
				why = "lease lost by " + s.worker
				if !s.lost {
					why = "killed worker " + s.worker
				}
			}
			by := fmt.Sprintf("%s/%d (lines %s, last checkpoint %s) at %d", s.worker, r.Session, s.events(), last.SequenceNumber, r.Time)
			byRecord[recordKey(r.Shard, r.Seq)] = append(byRecord[recordKey(r.Shard, r.Seq)], processing{time: r.Time, tail: why, by: by})
		}
	}
	for _, r := range recs {
		if len(byRecord[recordKey(r.shard, r.seq.String())]) == 0 {
			t.Errorf("record %s (%s in %s) never processed", r.data, r.seq, r.shard)
		}
	}

	// A record is processed more than once only by processors that died
	// or lost their lease before they checkpointed it: all its
	// processings but one are in such a tail. (The other may come first:
	// a worker whose lease was just stolen may process a batch the thief
	// processed already, until it notices.)
	duplicates := map[string]int{}
	for key, ps := range byRecord {
		if len(ps) < 2 {
			continue
		}
		covered := 0
		for _, p := range ps {
			if p.tail == "" {
				covered++
			} else {
				duplicates[p.tail]++
			}
		}
		if covered > 1 {
			var by []string
			for _, p := range ps {
				by = append(by, p.by)
			}
			t.Errorf("record %s processed %d times, %d of them by processors that checkpointed it: by %s", key, len(ps), covered, strings.Join(by, "; "))
		}
	}
	t.Logf("records written: %d; processed again, by cause: %v", len(recs), duplicates)

	// Parents before children: every record of a parent was processed
	// before the first record of its children.
	first := map[string]int64{} // shard -> first processing of any of its records
	last := map[string]int64{}  // shard -> when all its records had been processed once
	for key, ps := range byRecord {
		shard := key[:strings.IndexByte(key, '/')]
		earliest := ps[0].time
		for _, p := range ps {
			earliest = min(earliest, p.time)
		}
		if f, ok := first[shard]; !ok || earliest < f {
			first[shard] = earliest
		}
		last[shard] = max(last[shard], earliest)
	}
	resharded := 0
	for _, sh := range shards {
		for _, parent := range []string{sh.ParentShardId, sh.AdjacentParentShardId} {
			if parent == "" {
				continue
			}
			resharded++
			if f, ok := first[sh.ShardId]; ok && f <= last[parent] {
				t.Errorf("shard %s processed (at %d) before its parent %s was processed to its end (at %d)", sh.ShardId, f, parent, last[parent])
			}
			if _, ok := first[sh.ShardId]; !ok {
				t.Errorf("child shard %s: nothing processed", sh.ShardId)
			}
		}
	}
	assert.Equal(t, 4, resharded, "parent-child pairs: one split (2) and one merge (2)")
}

// tail returns the last n bytes of s, marked as cut when it is longer.
func tail(s string, n int) string {
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}
