package kinesisapi

import (
	"context"
	"log/slog"
	"sync"
)

// maxLoggedClients bounds the memory of a limitLog: past it, the log
// forgets every client and starts over, so a client may be logged again.
const maxLoggedClients = 10000

// limitLog reports requests refused by a server limit (the in-flight
// budget, the body read timeout, the engine bound) at level Warn once per
// client and limit, and at level Debug after that, so that a client
// hammering a limit does not flood the log.
type limitLog struct {
	mu   sync.Mutex
	seen map[limitKey]struct{}
}

// limitKey names a client (its IP address) and a limit.
type limitKey struct {
	client, limit string
}

// log reports that limit refused a request of client.
func (l *limitLog) log(logger *slog.Logger, client, limit, msg string, attrs ...any) {
	k := limitKey{client, limit}
	l.mu.Lock()
	_, seen := l.seen[k]
	if !seen {
		if l.seen == nil || len(l.seen) >= maxLoggedClients {
			l.seen = make(map[limitKey]struct{})
		}
		l.seen[k] = struct{}{}
	}
	l.mu.Unlock()
	level := slog.LevelWarn
	if seen {
		level = slog.LevelDebug
	} else {
		msg += " (logged once per client; later refusals at debug level)"
	}
	logger.Log(context.Background(), level, msg, append([]any{"client", client, "limit", limit}, attrs...)...)
}
