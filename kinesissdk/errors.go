package kinesissdk

import (
	"errors"

	"github.com/aws/smithy-go"

	"github.com/freshet-io/freshet"
)

// apiError is an exception Kinesis answered: a *freshet.Error with its
// code and message, which still unwraps to the AWS SDK's own error.
type apiError struct {
	fe  *freshet.Error
	sdk error
}

func (e *apiError) Error() string   { return e.fe.Error() }
func (e *apiError) Unwrap() []error { return []error{e.fe, e.sdk} }

// convertError turns an exception Kinesis answered into an error that
// matches freshet's sentinels; other errors (network, context) are
// returned unchanged.
func convertError(err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return err
	}
	return &apiError{fe: &freshet.Error{Code: ae.ErrorCode(), Message: ae.ErrorMessage()}, sdk: err}
}
