package main

import (
	"crypto/subtle"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/freshet-io/freshet/kinesisapi"
	"github.com/freshet-io/freshet/prom"
)

// metricsConfig holds the flags of the metrics endpoint.
//
// By default the metrics are served on the Kinesis address, at
// --metrics-path, to anyone: they name streams and accounts and show
// traffic. --metrics-addr moves them to a listener of their own (for
// example on a loopback or private interface), and --metrics-token makes
// them answer only requests with "Authorization: Bearer TOKEN".
type metricsConfig struct {
	path  string
	addr  string
	token string
}

// register defines the flags of m on fs.
func (m *metricsConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&m.path, "metrics-path", "/metrics",
		"URL `path` serving the engines', requests' and Go runtime metrics in Prometheus text format on GET (empty: none)")
	fs.StringVar(&m.addr, "metrics-addr", "",
		"serve the metrics on this `host:port` instead of on --addr")
	fs.StringVar(&m.token, "metrics-token", "",
		"answer metrics scrapes only with the header \"Authorization: Bearer `TOKEN`\" (prefer FRESHET_METRICS_TOKEN to keep it out of ps)")
}

// check reports the first problem with the settings, or nil.
func (m *metricsConfig) check() error {
	if m.path == "" && (m.addr != "" || m.token != "") {
		return errors.New("--metrics-addr and --metrics-token need a --metrics-path")
	}
	if m.path != "" && !strings.HasPrefix(m.path, "/") {
		return errors.New("--metrics-path must start with /")
	}
	return nil
}

// serverMetrics is the metrics registry of the server: the engines'
// metrics, the request metrics fed by the handler, and the Go runtime and
// process metrics.
type serverMetrics struct {
	engines  *prom.Collector
	requests *prom.RequestMetrics
	handler  http.Handler
}

// newServerMetrics returns the server's registry and its HTTP handler.
func newServerMetrics() *serverMetrics {
	m := &serverMetrics{engines: prom.NewCollector(), requests: prom.NewRequestMetrics()}
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.engines, m.requests,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// observe feeds the request metrics from the Kinesis handler.
func (m *serverMetrics) observe(info *kinesisapi.RequestInfo) {
	m.requests.Observe(info.Operation, info.ErrorCode, info.Duration)
}

// scrape returns the handler of metrics scrapes: it reads the handler's
// engines at each scrape (engines of new regions and accounts appear on
// demand) and, with a token, refuses requests without it (401).
func (m *serverMetrics) scrape(h *kinesisapi.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" && !bearerMatches(r.Header.Get("Authorization"), token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="freshet metrics"`)
			http.Error(w, "401 Unauthorized: the metrics need an Authorization: Bearer token (--metrics-token)", http.StatusUnauthorized)
			return
		}
		for _, e := range h.Engines() {
			m.engines.Add(e)
		}
		m.handler.ServeHTTP(w, r)
	})
}

// bearerMatches reports whether an Authorization header carries token, in
// constant time.
func bearerMatches(header, token string) bool {
	scheme, got, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
}

// withMetrics answers GET of path with scrape and passes every other
// request to next.
func withMetrics(path string, scrape, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path || r.Method != http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		scrape.ServeHTTP(w, r)
	})
}

// metricsServer is the listener of --metrics-addr, if any.
type metricsServer struct {
	srv    *http.Server
	ln     net.Listener
	served chan error
}

// startMetricsServer serves scrape at path on addr until shutdown.
func startMetricsServer(addr, path string, scrape http.Handler, logger *slog.Logger) (*metricsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+path, scrape)
	ms := &metricsServer{
		srv: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: kinesisapi.DefaultReadHeaderTimeout,
			IdleTimeout:       kinesisapi.DefaultIdleTimeout,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
		ln:     ln,
		served: make(chan error, 1),
	}
	go func() { ms.served <- ms.srv.Serve(ln) }()
	logger.Info("metrics listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String()+path)
	return ms, nil
}

// close stops the metrics server and waits for it.
func (ms *metricsServer) close() {
	ms.srv.Close()
	<-ms.served
}
