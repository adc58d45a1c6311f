package s3sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/freshet-io/freshet/connect"
)

// API is the part of the S3 client the emitter uses; *s3.Client
// implements it.
type API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// Encoder appends the line of one item, without its newline, to dst. An
// error, or a line containing a newline, fails the item permanently (it
// goes to the pipeline's failure policy); the others are stored.
type Encoder[T any] func(dst []byte, item T) ([]byte, error)

// Bytes is the Encoder of items that are already lines.
func Bytes(dst []byte, item []byte) ([]byte, error) { return append(dst, item...), nil }

// JSON is the Encoder that writes each item as a line of JSON.
func JSON[T any](dst []byte, item T) ([]byte, error) {
	b, err := json.Marshal(item)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// Option configures an Emitter.
type Option func(*options)

type options struct {
	prefix      string
	gzip        bool
	loc         *time.Location
	contentType string
}

// WithPrefix sets the key prefix (see the package documentation).
// Default: "" followed by "yyyy/MM/dd/HH/".
func WithPrefix(p string) Option { return func(o *options) { o.prefix = p } }

// WithGzip compresses each object with gzip; its key ends in ".gz".
func WithGzip() Option { return func(o *options) { o.gzip = true } }

// WithLocation sets the time zone of the prefix's timestamps. Default:
// UTC.
func WithLocation(l *time.Location) Option { return func(o *options) { o.loc = l } }

// WithContentType sets the objects' Content-Type. Default:
// "application/x-ndjson", or "application/gzip" with WithGzip.
func WithContentType(ct string) Option { return func(o *options) { o.contentType = ct } }

// Emitter is a connect.Emitter that writes one S3 object per batch. It is
// safe for concurrent use.
type Emitter[T any] struct {
	client API
	bucket string
	enc    Encoder[T]
	prefix prefix
	opts   options
}

// New returns an Emitter that writes to bucket through client, encoding
// items with enc. It fails if the prefix is not valid.
func New[T any](client API, bucket string, enc Encoder[T], opts ...Option) (*Emitter[T], error) {
	o := options{loc: time.UTC}
	for _, f := range opts {
		f(&o)
	}
	if o.contentType == "" {
		o.contentType = "application/x-ndjson"
		if o.gzip {
			o.contentType = "application/gzip"
		}
	}
	if client == nil || bucket == "" || enc == nil {
		return nil, fmt.Errorf("s3sink: New needs a client, a bucket and an encoder")
	}
	p, err := parsePrefix(o.prefix)
	if err != nil {
		return nil, err
	}
	return &Emitter[T]{client: client, bucket: bucket, enc: enc, prefix: p, opts: o}, nil
}

// Key returns the key of the object that holds b.
func (e *Emitter[T]) Key(b *connect.Batch[T]) string {
	var sb strings.Builder
	e.prefix.expand(&sb, b.Oldest().In(e.opts.loc))
	first, last := b.First(), b.Last()
	sb.WriteString(b.StreamName)
	sb.WriteByte('-')
	sb.WriteString(b.ShardID)
	sb.WriteByte('-')
	sb.WriteString(first.SequenceNumber.String())
	sb.WriteByte('-')
	sb.WriteString(strconv.FormatInt(first.SubSequenceNumber, 10))
	sb.WriteByte('-')
	sb.WriteString(last.SequenceNumber.String())
	sb.WriteByte('-')
	sb.WriteString(strconv.FormatInt(last.SubSequenceNumber, 10))
	sb.WriteString(".ndjson")
	if e.opts.gzip {
		sb.WriteString(".gz")
	}
	return sb.String()
}

// Emit implements connect.Emitter: it writes b's items as one object. An
// S3 error fails the whole batch (it is retried); an item that cannot be
// encoded fails alone, permanently.
func (e *Emitter[T]) Emit(ctx context.Context, b *connect.Batch[T]) ([]connect.Failure, error) {
	body, fails := e.encode(b)
	if len(fails) == len(b.Entries) {
		return fails, nil
	}
	if e.opts.gzip {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		if _, err := zw.Write(body); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		body = zb.Bytes()
	}
	_, err := e.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(e.bucket),
		Key:           aws.String(e.Key(b)),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
		ContentType:   aws.String(e.opts.contentType),
	})
	if err != nil {
		return nil, fmt.Errorf("s3sink: PutObject %s: %w", e.bucket, err)
	}
	return fails, nil
}

func (e *Emitter[T]) encode(b *connect.Batch[T]) ([]byte, []connect.Failure) {
	size := 0
	for i := range b.Entries {
		size += b.Entries[i].Size + 1
	}
	buf := make([]byte, 0, size+size/8)
	var fails []connect.Failure
	for i := range b.Entries {
		n := len(buf)
		out, err := e.enc(buf, b.Entries[i].Item)
		if err == nil && bytes.IndexByte(out[n:], '\n') >= 0 {
			err = fmt.Errorf("s3sink: the line of the item contains a newline")
		}
		if err != nil {
			buf = out[:n]
			fails = append(fails, connect.Failure{Index: i, Err: err, Permanent: true})
			continue
		}
		buf = append(out, '\n')
	}
	return buf, fails
}

var _ connect.Emitter[[]byte] = (*Emitter[[]byte])(nil)
