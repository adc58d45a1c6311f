package streamsink

import (
	"encoding/json"

	"github.com/freshet-io/freshet/connect"
)

func marshalLetter(l connect.Letter) ([]byte, error) {
	if l.ShardID == "" && l.SequenceNumber == "" {
		return nil, errNoLetter
	}
	return json.Marshal(l)
}
