package config

import (
	"log/slog"
	"sort"
	"time"

	"github.com/freshet-io/freshet/connect"
)

// logProgress logs, every interval until stop is closed, each shard's
// rates since the last report and its lag.
func logProgress(logger *slog.Logger, stream string, every time.Duration, stats func() connect.Stats, stop <-chan struct{}) {
	if every <= 0 {
		<-stop
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	prev, at := stats(), time.Now()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			cur := stats()
			secs := now.Sub(at).Seconds()
			ids := make([]string, 0, len(cur.Shards))
			for id := range cur.Shards {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				s, p := cur.Shards[id], prev.Shards[id]
				logger.Info("progress", "stream", stream, "shard", id,
					"records_per_s", float64(s.Records-p.Records)/secs,
					"bytes_per_s", float64(s.Bytes-p.Bytes)/secs,
					"emitted_per_s", float64(s.Emitted-p.Emitted)/secs,
					"records", s.Records, "emitted", s.Emitted, "buffered", s.Buffered,
					"lag_ms", s.MillisBehindLatest, "blocked", s.Blocked != nil)
			}
			logger.Info("progress", "stream", stream, "records", cur.Total.Records, "bytes", cur.Total.Bytes,
				"emitted", cur.Total.Emitted, "dead_lettered", cur.Total.DeadLettered, "dropped", cur.Total.Dropped,
				"retries", cur.Total.Retries, "max_lag_ms", cur.Total.MillisBehindLatest)
			prev, at = cur, now
		}
	}
}
