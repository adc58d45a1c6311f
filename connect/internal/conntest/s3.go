package conntest

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// S3 is a gofakes3 server on a loopback port, in front of an in-memory
// backend, that counts the PUTs of each key and can be taken down.
type S3 struct {
	URL     string
	Backend *s3mem.Backend

	afterPut func(n int, key string)
	down     atomic.Bool
	srv      *httptest.Server
	n        int

	mu   sync.Mutex
	puts map[string]int // "bucket/key" -> successful PUTs
}

// NewS3 starts an S3 server with the given buckets, closed with the test.
func NewS3(t testing.TB, buckets ...string) *S3 {
	t.Helper()
	s := &S3{Backend: s3mem.New(), puts: map[string]int{}}
	for _, b := range buckets {
		if err := s.Backend.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	faker := gofakes3.New(s.Backend).Server()
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>down for the test</Message></Error>`)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		faker.ServeHTTP(rec, r)
		if r.Method == http.MethodPut && rec.status == http.StatusOK {
			key := strings.TrimPrefix(r.URL.Path, "/")
			s.mu.Lock()
			s.puts[key]++
			s.n++
			n, hook := s.n, s.afterPut
			s.mu.Unlock()
			if hook != nil {
				hook(n, key)
			}
		}
	}))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// SetDown makes the server answer every request with 503 (true) or serve
// again (false).
func (s *S3) SetDown(down bool) { s.down.Store(down) }

// Client returns an AWS SDK S3 client for the server, path-style, that
// does not retry by itself (the pipeline does).
func (s *S3) Client() *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(s.URL),
		Region:       "us-east-1",
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		Retryer:      aws.NopRetryer{},
	})
}

// Puts returns how often each "bucket/key" was written.
func (s *S3) Puts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.puts))
	for k, v := range s.puts {
		out[k] = v
	}
	return out
}

// Objects returns the objects of bucket by key, gunzipped if their key
// ends in ".gz".
func (s *S3) Objects(t testing.TB, bucket string) map[string][]byte {
	t.Helper()
	list, err := s.Backend.ListBucket(bucket, nil, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, c := range list.Contents {
		obj, err := s.Backend.GetObject(bucket, c.Key, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(obj.Contents)
		_ = obj.Contents.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(c.Key, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", c.Key, err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", c.Key, err)
			}
		}
		out[c.Key] = b
	}
	return out
}

// Lines splits objects into their lines, and returns how many times each
// line occurs across objects.
func Lines(objects map[string][]byte) map[string]int {
	n := map[string]int{}
	for _, b := range objects {
		for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if l != "" {
				n[l]++
			}
		}
	}
	return n
}

// SetAfterPut sets a function called after each object is stored and
// before the client is answered, with the number of PUTs stored so far.
func (s *S3) SetAfterPut(fn func(n int, key string)) {
	s.mu.Lock()
	s.afterPut = fn
	s.mu.Unlock()
}
