package kinesisapi

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/uuid"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// Protocol-level error codes, which the engine never returns.
const (
	codeSerialization        = "SerializationException"
	codeUnknownOperation     = "UnknownOperationException"
	codeMissingAuthToken     = "MissingAuthenticationTokenException"
	codeIncompleteSignature  = "IncompleteSignatureException"
	codeInvalidSignature     = "InvalidSignatureException"
	codeInternalFailure      = "InternalFailure"
	codeServiceUnavailable   = "ServiceUnavailable"
	codeRequestTooLarge      = "RequestEntityTooLargeException"
	codeInternalFailureEvent = "InternalFailureException"
	codeRequestTimeout       = "RequestTimeoutException"
	codeLimitExceeded        = "LimitExceededException"
)

// msgBusy is the message of the 503 answering a request that finds the
// in-flight budget spent.
const msgBusy = "Slow down: the server is holding as many request bytes as it allows; retry later."

// errTooManyEngines answers a request that would make the handler create
// an engine past WithMaxEngines.
func errTooManyEngines(max int, account, region string) error {
	return freshet.NewError(codeLimitExceeded,
		"This server serves at most %d accounts and regions besides its default one; account %s in region %s would exceed that limit.",
		max, account, region)
}

// engineError is the error of an engine the handler could not create for
// an account and region (a data directory it cannot open). The client is
// answered 500 InternalFailure, which the SDKs retry, with Error's message;
// the cause, which names server paths, goes to the handler's log only.
type engineError struct {
	account, region string
	err             error
}

func (e *engineError) Error() string {
	return fmt.Sprintf("This server cannot open the data of account %s in region %s; its log tells why.", e.account, e.region)
}

func (e *engineError) Unwrap() error { return e.err }

// The XML bodies Kinesis answers requests it cannot attribute to an
// operation with (docs/kinesis-notes.md §1.5.2).
const (
	accessDeniedXML = "<AccessDeniedException>\n" +
		"  <Message>Unable to determine service/operation name to be authorized</Message>\n" +
		"</AccessDeniedException>\n"
	unknownOperationXML = "<UnknownOperationException/>\n"
)

var (
	// errPanic stands for a panic recovered in an engine call.
	errPanic = errors.New("kinesisapi: panic in operation")
	// errUnsupported stands for an operation the wire model knows but the
	// handler has no translation for (a bug: a test pins that all have one).
	errUnsupported = errors.New("kinesisapi: operation not implemented")
	// errHandlerClosed answers requests that arrive after Close.
	errHandlerClosed = freshet.NewError(codeServiceUnavailable, "The service is shutting down.")
)

// exposedHeaders are the response headers a browser may read (CORS).
const exposedHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date"

// commonHeaders sets the headers of every response: the request id, the
// x-amz-id-2 token and, for browsers, the CORS headers.
func (c *call) commonHeaders() {
	h := c.w.Header()
	c.headers[0], c.headers[1] = c.requestID, c.id2
	// The keys are canonical already; the values share the call's array.
	h["X-Amzn-Requestid"] = c.headers[0:1:1]
	h["X-Amz-Id-2"] = c.headers[1:2:2]
	if headerValue(c.r.Header, "Origin") != "" {
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
	}
}

// preflight answers a CORS preflight request. Production's answer has
// no x-amz-id-2.
func (c *call) preflight() {
	h := c.w.Header()
	delete(h, "X-Amz-Id-2")
	if v := c.r.Header.Get("Access-Control-Request-Headers"); v != "" {
		h.Set("Access-Control-Allow-Headers", v)
	}
	if v := c.r.Header.Get("Access-Control-Request-Method"); v != "" {
		h.Set("Access-Control-Allow-Methods", v)
	}
	h.Set("Access-Control-Max-Age", "172800")
	h.Set("Content-Length", "0")
	c.started = true
	c.status = http.StatusOK
	c.w.WriteHeader(http.StatusOK)
}

// writeXML answers with one of the XML bodies of requests Kinesis cannot
// attribute to an operation. Production sends them without a Content-Type
// (the nil value keeps net/http from sniffing one).
func (c *call) writeXML(status int, body string) {
	h := c.w.Header()
	h["Content-Type"] = nil
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.started = true
	c.status, c.respBytes = status, int64(len(body))
	if status != http.StatusOK && c.errCode == "" {
		c.errCode = xmlErrorCode(body)
	}
	c.w.WriteHeader(status)
	_, _ = c.w.Write([]byte(body))
}

// writeBody answers with status and body in the request's content type.
func (c *call) writeBody(status int, body []byte) {
	h := c.w.Header()
	c.headers[2], c.headers[3] = c.contentType, strconv.Itoa(len(body))
	h["Content-Type"] = c.headers[2:3:3]
	h["Content-Length"] = c.headers[3:4:4]
	c.started = true
	c.status, c.respBytes = status, int64(len(body))
	if len(body) > bufferedResponse && !c.writeBy.IsZero() {
		rc := http.NewResponseController(c.w)
		_ = rc.SetWriteDeadline(c.writeBy) // unsupported by recorders and some middleware: then unbounded
		// The deadline must not outlive the request: on HTTP/1.1 it is the
		// connection's, and would cut the next response on a keep-alive
		// connection that another handler (/_health) writes.
		defer func() { _ = rc.SetWriteDeadline(time.Time{}) }()
	}
	c.w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = c.w.Write(body)
	}
}

// bufferedResponse is the largest response body that the handler writes
// without a write deadline. net/http copies a body this small into its
// response buffer (2 KiB on HTTP/1.1, 4 KiB on HTTP/2) and sends it after
// the handler returns, so a deadline the handler set and lifted around the
// write would bound nothing, and arming it costs a timer per request. The
// kernel's socket buffer takes such a body even from a client that reads
// nothing. Larger bodies (PutRecords and GetRecords responses) reach the
// connection during Write, under the deadline.
const bufferedResponse = 2 << 10

// writeError answers with err as Kinesis would: a *freshet.Error with its
// code, message and status, anything else as a 500 InternalFailure.
func (c *call) writeError(err error) {
	var kerr *freshet.Error
	if !errors.As(err, &kerr) {
		if c.r.Context().Err() == nil {
			c.h.log.Error("kinesisapi: internal failure", "operation", c.op, "requestId", c.requestID, "error", err)
		}
		c.writeInternalFailure()
		return
	}
	c.h.log.Debug("kinesisapi: error", "operation", c.op, "requestId", c.requestID, "code", kerr.Code, "message", kerr.Message)
	c.writeErrorStatus(kerr.HTTPStatus(), kerr.Code, kerr.Message)
}

// writeInternalFailure answers 500 {"__type":"InternalFailure"}.
func (c *call) writeInternalFailure() {
	c.writeErrorStatus(http.StatusInternalServerError, codeInternalFailure, "")
}

// writeErrorStatus answers with an error body of the given code and
// message, and the X-Amzn-ErrorType header the SDKs read the code from.
func (c *call) writeErrorStatus(status int, code, message string) {
	c.errCode, c.errMessage = code, message
	ct := c.contentType
	if ct == "" {
		ct = wire.ContentTypeJSON
	}
	c.contentType = ct
	c.w.Header().Set("X-Amzn-Errortype", code)
	c.writeBody(status, wire.EncodeError(ct, code, message))
}

// newRequestID returns a random (version 4) UUID, as Kinesis request ids
// are.
func newRequestID() string {
	id, _ := newIDs()
	return id
}

// newIDs returns a request id, a random (version 4) UUID as Kinesis request
// ids are, and an x-amz-id-2 value, 72 random bytes in base64 like the ones
// Kinesis sends. Both come from one read of the random source and share
// one allocation.
func newIDs() (requestID, id2 string) {
	// The runtime's generator (ChaCha8, seeded by the operating system) is
	// unpredictable enough for identifiers, and several times cheaper than
	// crypto/rand.
	var r [16 + 72]byte
	for i := 0; i < len(r); i += 8 {
		binary.LittleEndian.PutUint64(r[i:], rand.Uint64())
	}
	var b [36 + 96]byte
	uuid.Put(b[:36], r[:16])
	base64.StdEncoding.Encode(b[36:], r[16:])
	s := string(b[:])
	return s[:36], s[36:]
}

// xmlErrorCode returns the code of one of the XML error bodies: the name of
// its root element.
func xmlErrorCode(body string) string {
	if len(body) < 2 || body[0] != '<' {
		return ""
	}
	end := strings.IndexAny(body, "/> \n")
	if end < 0 {
		return ""
	}
	return body[1:end]
}
