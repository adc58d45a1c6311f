package s3sink

import (
	"context"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/deadletter"
)

// DeadLetter is a connect.DeadLetter that writes a pipeline's failed
// records to S3: one object per write, holding a JSON line per
// connect.Letter (the original record's data in base64, its position, the
// stage that failed and why), keyed like the Emitter's objects by the
// first and last letters' positions, so a retried write overwrites.
type DeadLetter struct {
	em *Emitter[connect.Letter]
}

// DefaultDeadLetterPrefix is the prefix of NewDeadLetter when given "".
const DefaultDeadLetterPrefix = "errors/!{timestamp:yyyy/MM/dd/HH}/"

// NewDeadLetter returns a DeadLetter writing to bucket under prefix (a
// prefix as WithPrefix takes; "" means DefaultDeadLetterPrefix). Options
// as for New apply (WithGzip, WithLocation).
func NewDeadLetter(client API, bucket, prefix string, opts ...Option) (*DeadLetter, error) {
	if prefix == "" {
		prefix = DefaultDeadLetterPrefix
	}
	opts = append(opts, WithPrefix(prefix))
	em, err := New(client, bucket, JSON[connect.Letter], opts...)
	if err != nil {
		return nil, err
	}
	return &DeadLetter{em: em}, nil
}

// WriteLetters implements connect.DeadLetter.
func (d *DeadLetter) WriteLetters(ctx context.Context, letters []connect.Letter) ([]connect.Failure, error) {
	if len(letters) == 0 {
		return nil, nil
	}
	return d.em.Emit(ctx, deadletter.Batch(letters))
}

var _ connect.DeadLetter = (*DeadLetter)(nil)
