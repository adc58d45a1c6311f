package prom

import (
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
	m.requests.WithLabelValues(operation).Inc()
	if errorCode != "" {
		m.errors.WithLabelValues(operation, errorCode).Inc()
	}
	m.latency.WithLabelValues(operation).Observe(d.Seconds())
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
