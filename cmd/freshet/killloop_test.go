package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var killLoops = flag.Int("kill-loops", 5, "SIGKILL iterations of TestKillLoop (the issue asks for 50)")

// TestKillLoop builds the freshet binary, runs `freshet serve --data-dir
// --sync batch` under concurrent writers, kills it with SIGKILL at a
// random moment, starts it again, and checks after every restart that
// every acknowledged record is there, in order, and that no sequence
// number was issued twice. Run with -kill-loops=50 for the long soak.
//
// The server runs with small segments (killSegmentBytes) and a small
// memory budget (killMaxMemory), so that kills land around segment rolls
// and the records checked after a restart are read back from the segment
// files (through the read cache, whose misses /metrics shows).
func TestKillLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server; skipped with -short")
	}
	work := t.TempDir()
	bin := filepath.Join(work, "freshet")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)
	dir := filepath.Join(work, "data")
	acked := map[string]string{}        // sequence number -> data
	ackedShard := map[string][]string{} // shard -> sequence numbers acknowledged
	hc := &http.Client{Timeout: 10 * time.Second}
	for loop := 0; loop <= *killLoops; loop++ {
		srv := startServer(t, bin, dir)
		c := &rawClient{url: srv.url, hc: hc}
		if loop == 0 {
			require.NoError(t, c.call("CreateStream", map[string]any{"StreamName": "s", "ShardCount": 2}, nil))
		}
		verify(t, c, loop, acked, ackedShard)
		if loop > 0 {
			misses := scrapeValue(t, hc, srv.url+"/metrics", "freshet_read_cache_misses_total")
			require.Positive(t, misses, "loop %d: the records checked were read from the segment files", loop)
		}
		if loop == *killLoops {
			srv.kill()
			break
		}
		// Concurrent writers until the kill.
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					if testsync.Closed(stop) {
						return
					}
					data := fmt.Sprintf("L%d-W%d-%d", loop, w, i)
					if i%5 == 4 {
						var recs []map[string]any
						for j := range 10 {
							recs = append(recs, map[string]any{"PartitionKey": fmt.Sprint(w, i, j), "Data": []byte(fmt.Sprint(data, "-", j))})
						}
						var out struct {
							Records []struct{ SequenceNumber, ShardId, ErrorCode string }
						}
						if err := c.call("PutRecords", map[string]any{"StreamName": "s", "Records": recs}, &out); err != nil {
							return
						}
						mu.Lock()
						for j, r := range out.Records {
							if r.ErrorCode == "" {
								record(t, acked, ackedShard, r.ShardId, r.SequenceNumber, fmt.Sprint(data, "-", j))
							}
						}
						mu.Unlock()
						continue
					}
					var out struct{ SequenceNumber, ShardId string }
					if err := c.call("PutRecord", map[string]any{"StreamName": "s", "PartitionKey": fmt.Sprint(w, i), "Data": []byte(data)}, &out); err != nil {
						return
					}
					mu.Lock()
					record(t, acked, ackedShard, out.ShardId, out.SequenceNumber, data)
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(50+rand.IntN(400)) * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
	}
	segments, err := filepath.Glob(filepath.Join(dir, "*", "*", "streams", "*", "*", "*.seg"))
	require.NoError(t, err)
	require.Greater(t, len(segments), 2, "the logs rolled to new segments")
	t.Logf("%d kills, %d acknowledged records checked, %d segment files (segments of %d bytes)", *killLoops, len(acked), len(segments), killSegmentBytes)
}

// The segment size and memory budget of the server of TestKillLoop.
const (
	killSegmentBytes = 16 << 10
	killMaxMemory    = 64 << 10
)

// scrapeValue returns the sum of the values of a metric's series in the
// Prometheus text served at url.
func scrapeValue(t *testing.T, hc *http.Client, url, name string) float64 {
	t.Helper()
	resp, err := hc.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	sum, found := 0.0, false
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		var v float64
		_, err := fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &v)
		require.NoError(t, err, line)
		sum += v
		found = true
	}
	require.NoError(t, sc.Err())
	require.True(t, found, "no metric %s at %s", name, url)
	return sum
}

// record notes an acknowledged record; a sequence number acknowledged
// twice is a reuse. The writers call it from their goroutines, so it
// asserts (and never requires).
func record(t *testing.T, acked map[string]string, ackedShard map[string][]string, shard, seq, data string) {
	prev, dup := acked[seq]
	assert.False(t, dup, "sequence number %s acknowledged twice: %q and %q", seq, prev, data)
	acked[seq] = data
	ackedShard[shard] = append(ackedShard[shard], seq)
}

// verify reads every shard and checks the acknowledged records.
func verify(t *testing.T, c *rawClient, loop int, acked map[string]string, ackedShard map[string][]string) {
	t.Helper()
	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		var it struct{ ShardIterator string }
		require.NoError(t, c.call("GetShardIterator", map[string]any{"StreamName": "s", "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}, &it))
		stored := map[string]string{}
		var order []string
		iter := it.ShardIterator
		for {
			var out struct {
				Records []struct {
					SequenceNumber string
					Data           []byte
				}
				NextShardIterator  string
				MillisBehindLatest int64
			}
			require.NoError(t, c.call("GetRecords", map[string]any{"ShardIterator": iter, "Limit": 10000}, &out))
			for _, r := range out.Records {
				_, dup := stored[r.SequenceNumber]
				require.False(t, dup, "loop %d: %s holds sequence number %s twice", loop, shard, r.SequenceNumber)
				if len(order) > 0 {
					prev := order[len(order)-1]
					require.True(t, seqLess(prev, r.SequenceNumber), "loop %d: %s: %s follows %s", loop, shard, r.SequenceNumber, prev)
				}
				stored[r.SequenceNumber] = string(r.Data)
				order = append(order, r.SequenceNumber)
			}
			if len(out.Records) == 0 && out.MillisBehindLatest == 0 {
				break
			}
			iter = out.NextShardIterator
		}
		for _, seq := range ackedShard[shard] {
			got, ok := stored[seq]
			require.True(t, ok, "loop %d: acknowledged record %s (%q) of %s is missing", loop, seq, acked[seq], shard)
			require.Equal(t, acked[seq], got, "loop %d: record %s of %s holds %q, %q was acknowledged", loop, seq, shard, got, acked[seq])
		}
	}
}

// seqLess compares decimal sequence numbers.
func seqLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// server is a freshet process.
type server struct {
	cmd *exec.Cmd
	url string
}

// startServer starts the binary on dir and waits for its listening line.
func startServer(t *testing.T, bin, dir string) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--data-dir", dir, "--sync", "batch",
		"--segment-bytes", strconv.Itoa(killSegmentBytes), "--max-memory", strconv.Itoa(killMaxMemory))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	s := &server{cmd: cmd}
	t.Cleanup(s.kill)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var line struct{ Msg, URL string }
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "freshet listening" {
			s.url = line.URL
			go io.Copy(io.Discard, stdout)
			return s
		}
	}
	cmd.Wait()
	require.FailNow(t, "the server did not start", "stderr:\n%s", stderr.String())
	return nil
}

// kill sends SIGKILL and reaps the process.
func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// rawClient calls the Kinesis JSON protocol without an SDK.
type rawClient struct {
	url string
	hc  *http.Client
}

func (c *rawClient) call(op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", op, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}
