package dynamosink

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/retry"
)

// Item is an item of this emitter: a DynamoDB item, as PutItem takes it.
type Item = map[string]types.AttributeValue

// API is the part of the DynamoDB client the emitter uses;
// *dynamodb.Client implements it.
type API interface {
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// Config says where the items go.
type Config struct {
	// Table is the table's name. Required.
	Table string
	// KeyAttributes are the names of the table's key attributes (the
	// partition key, and the sort key if there is one). Default: read
	// from DescribeTable by New.
	KeyAttributes []string
	// MaxAttempts is how many times a group's request is sent before its
	// unprocessed items are reported as failures. Default 8.
	MaxAttempts int
	// InitialBackoff and MaxBackoff bound the pause before each resend:
	// a random duration up to InitialBackoff doubled for each attempt, at
	// most MaxBackoff. Defaults 50ms and 5s.
	InitialBackoff, MaxBackoff time.Duration
}

// groupSize is BatchWriteItem's limit of write requests in one call.
const groupSize = 25

// ErrUnprocessed is the reason of a retryable failure for an item that
// DynamoDB still returned as unprocessed after Config.MaxAttempts
// requests.
var ErrUnprocessed = errors.New("dynamosink: item still unprocessed after the last attempt")

// ErrEarlierWriteFailed is the reason of a retryable failure for an item
// that was not written because an earlier item of the batch with the same
// key failed.
var ErrEarlierWriteFailed = errors.New("dynamosink: an earlier item with the same key failed")

// ErrMissingKey is the reason of a permanent failure for an item that
// lacks a key attribute (or has one of a type a key cannot have).
var ErrMissingKey = errors.New("dynamosink: the item lacks a key attribute")

// Emitter writes batches of items into a table. It is safe for
// concurrent use.
type Emitter struct {
	api   API
	table string
	keys  []string
	cfg   Config
}

var _ connect.Emitter[Item] = (*Emitter)(nil)

// New returns an emitter that writes into cfg.Table through api. Unless
// cfg.KeyAttributes is set, it asks DescribeTable for the key.
func New(ctx context.Context, api API, cfg Config) (*Emitter, error) {
	if cfg.Table == "" {
		return nil, errors.New("dynamosink: Config.Table is required")
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.InitialBackoff <= 0 {
		cfg.InitialBackoff = 50 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	keys := append([]string(nil), cfg.KeyAttributes...)
	if len(keys) == 0 {
		out, err := api.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(cfg.Table)})
		if err != nil {
			return nil, fmt.Errorf("dynamosink: describing table %s: %w", cfg.Table, err)
		}
		for _, k := range out.Table.KeySchema {
			if k.KeyType == types.KeyTypeHash {
				keys = append([]string{aws.ToString(k.AttributeName)}, keys...)
			} else {
				keys = append(keys, aws.ToString(k.AttributeName))
			}
		}
	}
	return &Emitter{api: api, table: cfg.Table, keys: keys, cfg: cfg}, nil
}

// Emit writes the items of b in order (see the package documentation).
func (e *Emitter) Emit(ctx context.Context, b *connect.Batch[Item]) ([]connect.Failure, error) {
	var (
		failures []connect.Failure
		failed   = map[string]bool{} // keys with a failed item
		group    []member
		inGroup  = map[string]bool{}
	)
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		f, err := e.write(ctx, b, group)
		if err != nil {
			return err
		}
		for _, x := range f {
			failed[x.key] = true
			failures = append(failures, x.Failure)
		}
		group = group[:0]
		clear(inGroup)
		return nil
	}
	for i := range b.Entries {
		key, ok := e.key(b.Entries[i].Item)
		switch {
		case !ok:
			failures = append(failures, connect.Failure{Index: i, Err: ErrMissingKey, Permanent: true})
			continue
		case failed[key]:
			failures = append(failures, connect.Failure{Index: i, Err: ErrEarlierWriteFailed})
			continue
		case len(group) == groupSize || inGroup[key]:
			if err := flush(); err != nil {
				return nil, err
			}
			if failed[key] {
				failures = append(failures, connect.Failure{Index: i, Err: ErrEarlierWriteFailed})
				continue
			}
		}
		group = append(group, member{i, key})
		inGroup[key] = true
	}
	if err := flush(); err != nil {
		return nil, err
	}
	slices.SortFunc(failures, func(a, b connect.Failure) int { return a.Index - b.Index })
	return failures, nil
}

// member is an entry of a group, with its key.
type member struct {
	i   int
	key string
}

// keyedFailure is a failure with the key of its item.
type keyedFailure struct {
	connect.Failure
	key string
}

// write writes one group, resending unprocessed items.
func (e *Emitter) write(ctx context.Context, b *connect.Batch[Item], group []member) ([]keyedFailure, error) {
	pending := append([]member(nil), group...)
	for attempt := 1; ; attempt++ {
		reqs := make([]types.WriteRequest, len(pending))
		for k, m := range pending {
			reqs[k] = types.WriteRequest{PutRequest: &types.PutRequest{Item: b.Entries[m.i].Item}}
		}
		out, err := e.api.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{e.table: reqs},
		})
		if err != nil {
			if isValidation(err) {
				return e.putEach(ctx, b, pending)
			}
			return nil, err
		}
		unprocessed := out.UnprocessedItems[e.table]
		if len(unprocessed) == 0 {
			return nil, nil
		}
		left := make(map[string]bool, len(unprocessed))
		for _, w := range unprocessed {
			if w.PutRequest != nil {
				if key, ok := e.key(w.PutRequest.Item); ok {
					left[key] = true
				}
			}
		}
		next := pending[:0]
		for _, m := range pending {
			if left[m.key] {
				next = append(next, m)
			}
		}
		pending = next
		if len(pending) == 0 {
			return nil, nil // nothing we sent is among them
		}
		if attempt >= e.cfg.MaxAttempts {
			f := make([]keyedFailure, len(pending))
			for k, m := range pending {
				f[k] = keyedFailure{connect.Failure{Index: m.i, Err: ErrUnprocessed}, m.key}
			}
			return f, nil
		}
		if err := retry.Sleep(ctx, retry.Backoff(attempt, e.cfg.InitialBackoff, e.cfg.MaxBackoff)); err != nil {
			return nil, err
		}
	}
}

// putEach writes the items of a group that DynamoDB rejected as invalid
// one at a time, so that only the invalid ones fail.
func (e *Emitter) putEach(ctx context.Context, b *connect.Batch[Item], group []member) ([]keyedFailure, error) {
	var f []keyedFailure
	for _, m := range group {
		_, err := e.api.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(e.table), Item: b.Entries[m.i].Item})
		switch {
		case err == nil:
		case isValidation(err):
			f = append(f, keyedFailure{connect.Failure{Index: m.i, Err: err, Permanent: true}, m.key})
		default:
			return nil, err
		}
	}
	return f, nil
}

func isValidation(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "ValidationException"
}

// key returns a string that identifies the item's key, and false when a
// key attribute is missing or of a type no key has.
func (e *Emitter) key(item Item) (string, bool) {
	var sb strings.Builder
	for _, name := range e.keys {
		sb.WriteString(strconv.Quote(name))
		switch v := item[name].(type) {
		case *types.AttributeValueMemberS:
			sb.WriteString("S")
			sb.WriteString(strconv.Quote(v.Value))
		case *types.AttributeValueMemberN:
			sb.WriteString("N")
			sb.WriteString(strconv.Quote(v.Value))
		case *types.AttributeValueMemberB:
			sb.WriteString("B")
			sb.WriteString(strconv.Quote(string(v.Value)))
		default:
			return "", false
		}
	}
	return sb.String(), true
}
