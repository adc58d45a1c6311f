package ddblease

import "strconv"

// StreamIdentifier names a stream in a KCL multi-stream lease table: the
// AWS account id, the stream name and the stream's creation time in epoch
// seconds, written "account:stream:creationEpoch" (the KCL's serialized
// StreamIdentifier).
type StreamIdentifier struct {
	AccountID     string
	StreamName    string
	CreationEpoch int64
}

// String returns the identifier as the KCL writes it into streamName and
// the lease keys.
func (id StreamIdentifier) String() string {
	return id.AccountID + ":" + id.StreamName + ":" + strconv.FormatInt(id.CreationEpoch, 10)
}
