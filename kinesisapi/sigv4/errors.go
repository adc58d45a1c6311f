package sigv4

// The AWS error codes Verify returns. Kinesis answers every one of them
// with HTTP 400 to a JSON or CBOR request (docs/kinesis-notes.md §1.5.2).
const (
	// CodeMissingAuthenticationToken: the request is neither signed nor
	// presigned.
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	// CodeIncompleteSignature: the signature lacks a parameter or has one
	// in an unreadable form.
	CodeIncompleteSignature = "IncompleteSignatureException"
	// CodeInvalidSignature: the signature is complete but wrong: it does
	// not match, it is out of date, or its credential scope is wrong.
	CodeInvalidSignature = "InvalidSignatureException"
	// CodeUnrecognizedClient: the access key id or the session token is
	// not one the Verifier knows.
	CodeUnrecognizedClient = "UnrecognizedClientException"
)

// Error is an authentication failure as AWS reports it: the code goes to
// the "__type" member of the error body and Message, verbatim, to its
// "message" member. Verify returns every failure as an *Error.
//
// Use errors.As to read the code and message, or errors.Is with one of
// the Err sentinels to test only the code.
type Error struct {
	Code    string // e.g. "InvalidSignatureException"
	Message string // e.g. "Missing Authentication Token"
}

// Error returns "Code: Message".
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, ErrInvalidSignature) holds for every
// InvalidSignatureException whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is, one per code. Their messages are those of the
// code's most common case.
var (
	ErrMissingAuthenticationToken = &Error{Code: CodeMissingAuthenticationToken, Message: msgMissingToken}
	ErrIncompleteSignature        = &Error{Code: CodeIncompleteSignature}
	ErrInvalidSignature           = &Error{Code: CodeInvalidSignature, Message: msgMismatch}
	ErrUnrecognizedClient         = &Error{Code: CodeUnrecognizedClient, Message: msgUnrecognized}
)

// The fixed messages.
const (
	msgMissingToken = "Missing Authentication Token"
	msgBoth         = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	msgMismatch     = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgUnrecognized    = "The security token included in the request is invalid."
	msgContentMismatch = "The provided 'x-amz-content-sha256' header does not match what was computed."
	msgHostUnsigned    = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
)

// fresh returns a copy of a sentinel, so that no caller can change the
// sentinel through the error it was given.
func fresh(e *Error) *Error {
	c := *e
	return &c
}

func incomplete(msg string) *Error { return &Error{Code: CodeIncompleteSignature, Message: msg} }
func invalid(msg string) *Error    { return &Error{Code: CodeInvalidSignature, Message: msg} }
