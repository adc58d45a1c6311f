package auditlog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/auditlog"
)

// Write audit events to a file as JSON lines. With an engine, pass w.Hook
// to freshet.WithAuditHook instead of calling it directly.
func Example() {
	dir, err := os.MkdirTemp("", "auditlog-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "audit.jsonl")

	w, err := auditlog.Open(path, auditlog.MaxBytes(10<<20), auditlog.MaxBackups(3))
	if err != nil {
		panic(err)
	}
	w.Hook(freshet.AuditEvent{
		EventID:            "b1e0c7a2",
		EventTime:          time.Date(2026, 11, 25, 22, 30, 0, 0, time.UTC),
		EventSource:        "kinesis.amazonaws.com",
		EventName:          "CreateStream",
		AWSRegion:          "us-east-1",
		RecipientAccountID: "123456789012",
		UserIdentity:       freshet.UserIdentity{ARN: "arn:aws:iam::123456789012:user/alice"},
		RequestID:          "4f1d",
		RequestParameters:  map[string]any{"streamName": "orders", "shardCount": 2},
		Resources:          []string{"arn:aws:kinesis:us-east-1:123456789012:stream/orders"},
	})
	if err := w.Close(); err != nil {
		panic(err)
	}
	if err := w.Err(); err != nil {
		panic(err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))
	// Output:
	// {"eventID":"b1e0c7a2","eventTime":"2026-11-25T22:30:00Z","eventSource":"kinesis.amazonaws.com","eventName":"CreateStream","awsRegion":"us-east-1","recipientAccountId":"123456789012","userIdentity":{"arn":"arn:aws:iam::123456789012:user/alice"},"requestID":"4f1d","requestParameters":{"shardCount":2,"streamName":"orders"},"resources":["arn:aws:kinesis:us-east-1:123456789012:stream/orders"]}
}
