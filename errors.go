package freshet

import (
	"fmt"
	"net/http"
)

// Error is the error type of every failed Kinesis operation. Code is the
// Kinesis exception name exactly as AWS sends it in the `__type` field
// ("ResourceNotFoundException", "ValidationException", ...), Message the
// human-readable text AWS would send.
//
// Use errors.Is with the sentinels below to branch on the kind of failure,
// and errors.As with *Error to read the message:
//
//	if errors.Is(err, freshet.ErrResourceNotFound) { ... }
//
//	var kerr *freshet.Error
//	if errors.As(err, &kerr) && kerr.Retryable() { ... }
type Error struct {
	// Code is the Kinesis exception name.
	Code string
	// Message is the exception message, worded as Kinesis words it.
	Message string
}

// Error implements the error interface as "Code: Message".
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code. This makes the
// sentinels (which carry no message) match any error of their kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Retryable reports whether the AWS SDKs retry this error by default:
// throttling, limit and internal-failure errors are retryable, argument and
// state errors are not.
func (e *Error) Retryable() bool {
	switch e.Code {
	case codeProvisionedThroughputExceeded, codeLimitExceeded, codeInternalFailureException,
		codeInternalFailure, codeKMSThrottling, codeServiceUnavailable:
		return true
	}
	return false
}

// HTTPStatus is the HTTP status code Kinesis answers this error with: 500
// for internal failures, 503 for ServiceUnavailable, 400 for everything else.
func (e *Error) HTTPStatus() int {
	switch e.Code {
	case codeInternalFailureException, codeInternalFailure:
		return http.StatusInternalServerError
	case codeServiceUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// Kinesis exception names.
const (
	codeResourceNotFound              = "ResourceNotFoundException"
	codeResourceInUse                 = "ResourceInUseException"
	codeInvalidArgument               = "InvalidArgumentException"
	codeLimitExceeded                 = "LimitExceededException"
	codeProvisionedThroughputExceeded = "ProvisionedThroughputExceededException"
	codeExpiredIterator               = "ExpiredIteratorException"
	codeExpiredNextToken              = "ExpiredNextTokenException"
	codeValidation                    = "ValidationException"
	codeAccessDenied                  = "AccessDeniedException"
	codeKMSDisabled                   = "KMSDisabledException"
	codeKMSInvalidState               = "KMSInvalidStateException"
	codeKMSAccessDenied               = "KMSAccessDeniedException"
	codeKMSNotFound                   = "KMSNotFoundException"
	codeKMSOptInRequired              = "KMSOptInRequired"
	codeKMSThrottling                 = "KMSThrottlingException"
	codeInternalFailureException      = "InternalFailureException"
	codeInternalFailure               = "InternalFailure"
	codeServiceUnavailable            = "ServiceUnavailable"
)

// Sentinels for errors.Is, one per Kinesis exception. They carry no message;
// errors returned by the engine are distinct *Error values with the same Code.
var (
	ErrResourceNotFound              = &Error{Code: codeResourceNotFound}
	ErrResourceInUse                 = &Error{Code: codeResourceInUse}
	ErrInvalidArgument               = &Error{Code: codeInvalidArgument}
	ErrLimitExceeded                 = &Error{Code: codeLimitExceeded}
	ErrProvisionedThroughputExceeded = &Error{Code: codeProvisionedThroughputExceeded}
	ErrExpiredIterator               = &Error{Code: codeExpiredIterator}
	ErrExpiredNextToken              = &Error{Code: codeExpiredNextToken}
	ErrValidation                    = &Error{Code: codeValidation}
	ErrAccessDenied                  = &Error{Code: codeAccessDenied}
	ErrKMSDisabled                   = &Error{Code: codeKMSDisabled}
	ErrKMSInvalidState               = &Error{Code: codeKMSInvalidState}
	ErrKMSAccessDenied               = &Error{Code: codeKMSAccessDenied}
	ErrKMSNotFound                   = &Error{Code: codeKMSNotFound}
	ErrKMSOptInRequired              = &Error{Code: codeKMSOptInRequired}
	ErrKMSThrottling                 = &Error{Code: codeKMSThrottling}
	// ErrInternalFailure is the modeled InternalFailureException (HTTP 500).
	ErrInternalFailure = &Error{Code: codeInternalFailureException}
	// ErrServiceUnavailable is the unmodeled ServiceUnavailable (HTTP 503).
	ErrServiceUnavailable = &Error{Code: codeServiceUnavailable}
)

// NewError returns an *Error with the given Kinesis exception code and a
// formatted message. Fault-injection rules use it to build arbitrary errors:
//
//	freshet.NewError("KMSThrottlingException", "Rate exceeded for KMS key")
func NewError(code, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Code: code, Message: format}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) *Error {
	return NewError(codeResourceNotFound, format, args...)
}

func errInUse(format string, args ...any) *Error {
	return NewError(codeResourceInUse, format, args...)
}

func errInvalid(format string, args ...any) *Error {
	return NewError(codeInvalidArgument, format, args...)
}

func errLimit(format string, args ...any) *Error {
	return NewError(codeLimitExceeded, format, args...)
}
