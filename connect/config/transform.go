package config

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/freshet-io/freshet/connect"
)

// transformer returns the transformer named in the configuration: each
// record becomes one line.
func transformer(name, stream string) connect.Transformer[[]byte] {
	switch name {
	case "json":
		return func(r connect.Record) ([]byte, error) {
			var buf bytes.Buffer
			if err := json.Compact(&buf, r.Data); err != nil {
				return nil, fmt.Errorf("not JSON: %w", err)
			}
			return buf.Bytes(), nil
		}
	case "base64":
		return func(r connect.Record) ([]byte, error) {
			return base64.StdEncoding.AppendEncode(nil, r.Data), nil
		}
	case "envelope":
		return func(r connect.Record) ([]byte, error) {
			env := envelope{
				Stream: stream, Shard: r.ShardID, SequenceNumber: r.SequenceNumber.String(),
				SubSequenceNumber: r.SubSequenceNumber, PartitionKey: r.PartitionKey,
				ArrivalTime: r.ApproximateArrivalTimestamp.UTC(),
			}
			var buf bytes.Buffer
			if json.Valid(r.Data) && json.Compact(&buf, r.Data) == nil {
				env.Data = buf.Bytes()
			} else {
				env.DataBase64 = r.Data
			}
			return json.Marshal(env)
		}
	}
	return func(r connect.Record) ([]byte, error) {
		if bytes.IndexByte(r.Data, '\n') >= 0 {
			return nil, errNewline
		}
		return r.Data, nil
	}
}

var errNewline = errors.New("the record's data holds a newline, which the raw transform cannot write as one line")

// envelope is the line of the "envelope" transform.
type envelope struct {
	Stream            string          `json:"stream"`
	Shard             string          `json:"shard"`
	SequenceNumber    string          `json:"sequenceNumber"`
	SubSequenceNumber int64           `json:"subSequenceNumber,omitempty"`
	PartitionKey      string          `json:"partitionKey"`
	ArrivalTime       time.Time       `json:"approximateArrivalTimestamp"`
	Data              json.RawMessage `json:"data,omitempty"`
	DataBase64        []byte          `json:"data_base64,omitempty"`
}
