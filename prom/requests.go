package prom

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// RequestMetrics counts the requests a Kinesis API server answers: per
// operation, the requests (freshet_requests_total), the error responses by
// error code (freshet_request_errors_total, including AccessDeniedException
// and the signature failures such as InvalidSignatureException) and a
// latency histogram (freshet_request_duration_seconds). It is a
// [prometheus.Collector]; register it next to a [Collector] and feed it
// with Observe, for example from kinesisapi.WithRequestObserver:
//
//	rm := prom.NewRequestMetrics()
//	reg.MustRegister(rm)
//	h := kinesisapi.NewHandler(kinesisapi.WithRequestObserver(func(i *kinesisapi.RequestInfo) {
//		rm.Observe(i.Operation, i.ErrorCode, i.Duration)
//	}))
//
// It is safe for concurrent use.
type RequestMetrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec

	// ops caches the series of each operation seen (operation name to
	// *operationMetrics): a label lookup hashes the label values and takes
	// the vector's lock, a cost every request would pay again.
	ops sync.Map
}

// operationMetrics are the series of one operation.
type operationMetrics struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// unknownOperation labels requests that named no operation the server
// knows, so that clients cannot create series at will.
const unknownOperation = "unknown"

// NewRequestMetrics returns empty request metrics.
func NewRequestMetrics() *RequestMetrics {
	return &RequestMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "freshet_requests_total",
			Help: "Kinesis API requests answered, by operation (unknown: no known operation).",
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "freshet_request_errors_total",
			Help: "Kinesis API requests answered with an error, by operation and error code.",
		}, []string{"operation", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "freshet_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its response, by operation (SubscribeToShard: the whole event stream).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"operation"}),
	}
}

// Observe records one answered request: its operation ("" for none),
// its error code ("" for success) and its duration.
func (m *RequestMetrics) Observe(operation, errorCode string, d time.Duration) {
	if operation == "" {
		operation = unknownOperation
	}
	om := m.operation(operation)
	om.requests.Inc()
	if errorCode != "" {
		m.errors.WithLabelValues(operation, errorCode).Inc()
	}
	om.latency.Observe(d.Seconds())
}

// operation returns the series of an operation, creating them on its
// first request. The vectors are never reset, so a cached series stays
// the one they export.
func (m *RequestMetrics) operation(name string) *operationMetrics {
	if om, ok := m.ops.Load(name); ok {
		return om.(*operationMetrics)
	}
	om, _ := m.ops.LoadOrStore(name, &operationMetrics{
		requests: m.requests.WithLabelValues(name),
		latency:  m.latency.WithLabelValues(name),
	})
	return om.(*operationMetrics)
}

// Describe sends the descriptors of the request metrics.
func (m *RequestMetrics) Describe(ch chan<- *prometheus.Desc) {
	m.requests.Describe(ch)
	m.errors.Describe(ch)
	m.latency.Describe(ch)
}

// Collect sends the current request metrics.
func (m *RequestMetrics) Collect(ch chan<- prometheus.Metric) {
	m.requests.Collect(ch)
	m.errors.Collect(ch)
	m.latency.Collect(ch)
}
