package connect

import "github.com/freshet-io/freshet/consumer"

// Record is a record of the stream, as the consumer library delivers it.
type Record = consumer.Record
