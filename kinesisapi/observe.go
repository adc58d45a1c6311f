package kinesisapi

import (
	"context"
	"log/slog"
	"reflect"
	"strings"
	"time"
)

// RequestInfo describes a request the handler has answered, for
// WithRequestObserver and the access log.
type RequestInfo struct {
	// Operation is the Kinesis operation ("PutRecords"), or "" when the
	// request named none the handler knows.
	Operation string
	// Stream is the stream the request names (by StreamName, or in
	// StreamARN, ConsumerARN or ResourceARN), or "" if none or if the
	// request was refused before its body was decoded.
	Stream string
	// Status is the HTTP status of the response.
	Status int
	// ErrorCode is the error the response carries ("AccessDeniedException",
	// "InvalidSignatureException", ...), or "" on success.
	ErrorCode string
	// Duration is the time from the request's arrival to the end of its
	// response (for SubscribeToShard, to the end of the event stream).
	Duration time.Duration
	// RequestBytes is the size of the request body read; ResponseBytes is
	// the size of the response body written (0 for event streams).
	RequestBytes, ResponseBytes int64
	// Client is the IP address of the client.
	Client string
	// RequestID is the x-amzn-RequestId of the response.
	RequestID string
}

// WithRequestObserver makes the handler call fn after answering each
// request (for metrics: see package prom's RequestMetrics). fn runs on the
// request's goroutine and must be quick and safe for concurrent use; it
// must not keep info. Default: none.
func WithRequestObserver(fn func(info *RequestInfo)) Option {
	return func(c *config) {
		c.observer = fn
	}
}

// observe reports the finished call to the observer and, at level Debug,
// to the access log.
func (c *call) observe(start time.Time) {
	logAccess := c.h.log.Enabled(context.Background(), slog.LevelDebug)
	if c.h.cfg.observer == nil && !logAccess {
		return
	}
	info := RequestInfo{
		Operation:     c.op,
		Status:        c.status,
		ErrorCode:     c.errCode,
		Duration:      time.Since(start),
		RequestBytes:  c.bodyBytes,
		ResponseBytes: c.respBytes,
		Client:        clientIP(c.r.RemoteAddr),
		RequestID:     c.requestID,
	}
	if logAccess {
		info.Stream = streamOf(c.req)
	}
	if c.h.cfg.observer != nil {
		c.h.cfg.observer(&info)
	}
	if logAccess {
		c.h.log.Debug("kinesisapi: request",
			"operation", info.Operation,
			"stream", info.Stream,
			"status", info.Status,
			"code", info.ErrorCode,
			"duration", info.Duration,
			"requestBytes", info.RequestBytes,
			"responseBytes", info.ResponseBytes,
			"client", info.Client,
			"requestId", info.RequestID)
	}
}

// streamOf returns the stream a decoded request names: its StreamName, or
// the stream of its StreamARN, ConsumerARN or ResourceARN. It uses
// reflection and is meant for the debug-level access log only.
func streamOf(req any) string {
	v := reflect.ValueOf(req)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return ""
	}
	v = v.Elem()
	field := func(name string) string {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() || f.Elem().Kind() != reflect.String {
			return ""
		}
		return f.Elem().String()
	}
	if s := field("StreamName"); s != "" {
		return s
	}
	for _, name := range []string{"StreamARN", "ConsumerARN", "ResourceARN"} {
		if arn := field(name); arn != "" {
			_, rest, ok := strings.Cut(arn, ":stream/")
			if ok {
				s, _, _ := strings.Cut(rest, "/")
				return s
			}
		}
	}
	return ""
}
