package consumer

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/freshet-io/freshet"
)

// codedError is an error with an error code but not a *freshet.Error, as
// the AWS SDK's exceptions are.
type codedError struct{ code string }

func (e codedError) Error() string     { return e.code }
func (e codedError) ErrorCode() string { return e.code }

func TestErrorClassification(t *testing.T) {
	for _, c := range []struct {
		err       error
		code      string
		retryable bool
		expired   bool
	}{
		{freshet.ErrProvisionedThroughputExceeded, "ProvisionedThroughputExceededException", true, false},
		{freshet.ErrExpiredIterator, "ExpiredIteratorException", false, true},
		{freshet.ErrLimitExceeded, "LimitExceededException", true, false},
		{freshet.ErrResourceInUse, "ResourceInUseException", true, false},
		{freshet.ErrServiceUnavailable, "ServiceUnavailable", true, false},
		{freshet.ErrKMSThrottling, "KMSThrottlingException", true, false},
		{freshet.ErrResourceNotFound, "ResourceNotFoundException", false, false},
		{freshet.ErrInvalidArgument, "InvalidArgumentException", false, false},
		{freshet.NewError("KMSOptInRequired", "opt in"), "KMSOptInRequired", false, false},
		{codedError{"ThrottlingException"}, "ThrottlingException", true, false},
		{codedError{"ExpiredIteratorException"}, "ExpiredIteratorException", false, true},
		{context.Canceled, "", false, false},
	} {
		assert.Equal(t, c.code, errorCode(c.err), "%v", c.err)
		assert.Equal(t, c.retryable, isRetryable(c.err), "%v: retryable", c.err)
		assert.Equal(t, c.expired, isExpiredIterator(c.err), "%v: expired", c.err)
	}
}
