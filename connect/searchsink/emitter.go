package searchsink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/opensearch-project/opensearch-go/v4/opensearchapi"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/retry"
)

// Document is an item of this emitter.
type Document struct {
	// Source is the document, a JSON object.
	Source json.RawMessage
	// ID, when set, is the document's id instead of the one made from the
	// record's position (for documents keyed by their content, which
	// replace each other).
	ID string
}

// Action is the bulk action each document is written with.
type Action string

// The actions.
const (
	// ActionIndex creates or replaces the document (the default).
	ActionIndex Action = "index"
	// ActionCreate creates the document; one that exists already is left
	// as it is, and counts as stored.
	ActionCreate Action = "create"
)

// Config says where the documents go.
type Config struct {
	// Index is the index name, or its prefix with a rotation. Required.
	Index string
	// Rotation appends a suffix from each record's arrival time. Default
	// NoRotation.
	Rotation Rotation
	// Action is ActionIndex (the default) or ActionCreate.
	Action Action
	// MaxBulkBytes bounds the body of one _bulk request; a batch larger
	// than that is sent in several requests. Keep it under the cluster's
	// http.max_content_length (100 MB by default, 10 MB on the smallest
	// managed domains). Default 5 MiB.
	MaxBulkBytes int
	// MaxAttempts is how many times an item answered 429 or 5xx is sent
	// before it is reported as a failure. Default 5.
	MaxAttempts int
	// InitialBackoff and MaxBackoff bound the pause before each resend:
	// a random duration up to InitialBackoff doubled for each attempt, at
	// most MaxBackoff. Defaults 100ms and 5s.
	InitialBackoff, MaxBackoff time.Duration
}

// ItemError is the reason of a failure the cluster reported for one item
// of a bulk request.
type ItemError struct {
	// Index and ID name the document.
	Index, ID string
	// Status is the item's HTTP status.
	Status int
	// Type and Reason are the cluster's error type and reason (for
	// instance mapper_parsing_exception and its message).
	Type, Reason string
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("searchsink: %s/%s: %d %s: %s", e.Index, e.ID, e.Status, e.Type, e.Reason)
}

// Retryable reports whether the status is one the emitter retries (429 or
// 5xx).
func (e *ItemError) Retryable() bool { return retryable(e.Status) }

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// ErrInvalidDocument is the reason of a permanent failure for a document
// whose Source is not a JSON object; it is not sent.
var ErrInvalidDocument = errors.New("searchsink: the document is not a JSON object")

// ErrEarlierWriteFailed is the reason of a retryable failure for a
// document that must be written again after an earlier document of the
// batch with the same id, which failed.
var ErrEarlierWriteFailed = errors.New("searchsink: an earlier document with the same id failed")

// Emitter indexes batches of documents. It is safe for concurrent use.
type Emitter struct {
	client *opensearchapi.Client
	cfg    Config
}

var _ connect.Emitter[Document] = (*Emitter)(nil)

// New returns an emitter that writes through client.
func New(client *opensearchapi.Client, cfg Config) (*Emitter, error) {
	if cfg.Index == "" {
		return nil, errors.New("searchsink: Config.Index is required")
	}
	switch cfg.Action {
	case "":
		cfg.Action = ActionIndex
	case ActionIndex, ActionCreate:
	default:
		return nil, fmt.Errorf("searchsink: unknown action %q (index or create)", cfg.Action)
	}
	if cfg.MaxBulkBytes <= 0 {
		cfg.MaxBulkBytes = 5 << 20
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.InitialBackoff <= 0 {
		cfg.InitialBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	return &Emitter{client: client, cfg: cfg}, nil
}

// DocumentID returns the id of the document made from an entry without
// Document.ID: "<shard>-<sequence number>-<subsequence number>".
func DocumentID(shardID, sequenceNumber string, subSequenceNumber int64) string {
	return fmt.Sprintf("%s-%s-%d", shardID, sequenceNumber, subSequenceNumber)
}

// op is one bulk action with its source line.
type op struct {
	i         int // the entry's index in the batch
	index, id string
	lines     []byte
}

// Emit writes the documents of b (see the package documentation).
func (e *Emitter) Emit(ctx context.Context, b *connect.Batch[Document]) ([]connect.Failure, error) {
	var failures []connect.Failure
	pending := make([]*op, 0, len(b.Entries))
	for i := range b.Entries {
		o, err := e.op(i, &b.Entries[i])
		if err != nil {
			failures = append(failures, connect.Failure{Index: i, Err: err, Permanent: true})
			continue
		}
		pending = append(pending, o)
	}
	for attempt := 1; len(pending) > 0; attempt++ {
		status, err := e.send(ctx, pending)
		if err != nil {
			return nil, err
		}
		// Keep the order of writes to one id: after a document to send
		// again, the later ones with its id go again too.
		var again []*op
		var reasons []error
		resend := map[string]bool{}
		for k, o := range pending {
			key := o.index + "\x00" + o.id
			switch s := status[k]; {
			case s == nil && resend[key]:
				again, reasons = append(again, o), append(reasons, ErrEarlierWriteFailed)
			case s == nil:
			case s.Retryable():
				again, reasons = append(again, o), append(reasons, s)
				resend[key] = true
			default:
				failures = append(failures, connect.Failure{Index: o.i, Err: s, Permanent: true})
			}
		}
		if len(again) > 0 && attempt >= e.cfg.MaxAttempts {
			for k, o := range again {
				failures = append(failures, connect.Failure{Index: o.i, Err: reasons[k]})
			}
			break
		}
		if len(again) > 0 {
			if err := retry.Sleep(ctx, retry.Backoff(attempt, e.cfg.InitialBackoff, e.cfg.MaxBackoff)); err != nil {
				return nil, err
			}
		}
		pending = again
	}
	slices.SortFunc(failures, func(a, b connect.Failure) int { return a.Index - b.Index })
	return failures, nil
}

// op builds the bulk lines of an entry.
func (e *Emitter) op(i int, en *connect.Entry[Document]) (*op, error) {
	o := &op{i: i, index: IndexName(e.cfg.Index, e.cfg.Rotation, en.ArrivalTime), id: en.Item.ID}
	if o.id == "" {
		o.id = DocumentID(en.ShardID, en.SequenceNumber.String(), en.SubSequenceNumber)
	}
	meta, err := json.Marshal(map[Action]struct {
		Index string `json:"_index"`
		ID    string `json:"_id"`
	}{e.cfg.Action: {o.index, o.id}})
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, len(meta)+len(en.Item.Source)+2))
	buf.Write(meta)
	buf.WriteByte('\n')
	start := buf.Len()
	if err := json.Compact(buf, en.Item.Source); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	if buf.Len() == start || buf.Bytes()[start] != '{' {
		return nil, ErrInvalidDocument
	}
	buf.WriteByte('\n')
	o.lines = buf.Bytes()
	return o, nil
}

// send sends ops in _bulk requests of at most MaxBulkBytes and returns
// each op's error (nil when it is stored).
func (e *Emitter) send(ctx context.Context, ops []*op) ([]*ItemError, error) {
	status := make([]*ItemError, 0, len(ops))
	var body bytes.Buffer
	for start := 0; start < len(ops); {
		body.Reset()
		end := start
		for end < len(ops) && (end == start || body.Len()+len(ops[end].lines) <= e.cfg.MaxBulkBytes) {
			body.Write(ops[end].lines)
			end++
		}
		resp, err := e.client.Bulk(ctx, opensearchapi.BulkReq{Body: bytes.NewReader(body.Bytes())})
		if err != nil {
			return nil, fmt.Errorf("searchsink: bulk request: %w", err)
		}
		if len(resp.Items) != end-start {
			return nil, fmt.Errorf("searchsink: bulk response has %d items for %d actions", len(resp.Items), end-start)
		}
		for k, item := range resp.Items {
			status = append(status, e.itemError(ops[start+k], item))
		}
		start = end
	}
	return status, nil
}

// itemError reads one item of a bulk response.
func (e *Emitter) itemError(o *op, item map[string]opensearchapi.BulkRespItem) *ItemError {
	r, ok := item[string(e.cfg.Action)]
	if !ok {
		return &ItemError{Index: o.index, ID: o.id, Status: http.StatusInternalServerError,
			Type: "unexpected_response", Reason: fmt.Sprintf("no %q result in the bulk response item", e.cfg.Action)}
	}
	switch {
	case r.Status >= 200 && r.Status < 300 && r.Error == nil:
		return nil
	case r.Status == http.StatusConflict && e.cfg.Action == ActionCreate:
		return nil // the document exists: an earlier attempt stored it
	}
	ie := &ItemError{Index: o.index, ID: o.id, Status: r.Status}
	if r.Error != nil {
		ie.Type, ie.Reason = r.Error.Type, r.Error.Reason
	}
	return ie
}
