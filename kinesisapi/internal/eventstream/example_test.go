package eventstream_test

import (
	"bytes"
	"fmt"
	"io"
	"log"

	"github.com/freshet-io/freshet/kinesisapi/internal/eventstream"
)

// A SubscribeToShard response body: the mandatory initial-response, one
// event, then a terminal exception.
func Example() {
	var body bytes.Buffer
	enc := eventstream.NewEncoder(&body)
	for _, m := range []eventstream.Message{
		eventstream.EventMessage("initial-response", "application/json", []byte(`{}`)),
		eventstream.EventMessage("SubscribeToShardEvent", "application/json",
			[]byte(`{"Records":[],"ContinuationSequenceNumber":"49590338271490256608559692538361571095921575989136588898","MillisBehindLatest":0}`)),
		eventstream.ExceptionMessage("ResourceInUseException", "application/json", []byte(`{"message":"subscription taken over"}`)),
	} {
		if err := enc.WriteMessage(m); err != nil {
			log.Fatal(err)
		}
		// An HTTP handler would flush here.
	}

	dec := eventstream.NewDecoder(&body)
	for {
		m, err := dec.ReadMessage()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		kind, _ := m.Header(eventstream.MessageTypeHeader)
		switch kind {
		case eventstream.EventMessageType:
			typ, _ := m.Header(eventstream.EventTypeHeader)
			fmt.Printf("event %s: %d-byte payload\n", typ, len(m.Payload))
		case eventstream.ExceptionMessageType:
			typ, _ := m.Header(eventstream.ExceptionTypeHeader)
			fmt.Printf("exception %s: %s\n", typ, m.Payload)
		}
	}
	// Output:
	// event initial-response: 2-byte payload
	// event SubscribeToShardEvent: 125-byte payload
	// exception ResourceInUseException: {"message":"subscription taken over"}
}
