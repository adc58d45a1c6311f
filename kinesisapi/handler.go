package kinesisapi

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// Handler serves the Kinesis API. It is safe for concurrent use.
//
// Every request is a POST whose X-Amz-Target header names the operation
// ("Kinesis_20131202.PutRecords") and whose body is the operation's input in
// AWS JSON 1.1 or AWS CBOR 1.1. The handler checks the request in the order
// Kinesis does (method, content type, body size, body syntax, operation,
// authentication, member types, model constraints), then calls the engine of
// the caller's account and region and encodes its output or error as
// Kinesis would. SubscribeToShard answers with an event stream.
//
// Close the handler when done: it ends live subscriptions and closes the
// engines it created.
type Handler struct {
	cfg config
	log *slog.Logger
	def *freshet.Engine // serves unsigned requests

	// budget bounds the bytes of request bodies held at once.
	budget byteBudget
	// bodyReads counts the request bodies being read.
	bodyReads atomic.Int64
	// limits logs refusals by a limit once per client.
	limits limitLog

	mu      sync.Mutex
	engines map[engineKey]*freshet.Engine
	owned   []*freshet.Engine // created by the handler, closed by Close
	// created counts the engines created on demand for signed requests.
	created int
	subs    map[*freshet.Subscription]struct{}
	closed  bool
}

// engineKey names the engine of one account and region.
type engineKey struct {
	account, region string
}

// NewHandler returns a handler configured by opts. Without WithEngine it
// creates its default engine with freshet.New and the WithEngineOptions
// options (account 000000000000 and region us-east-1 unless they say
// otherwise).
func NewHandler(opts ...Option) *Handler {
	cfg := config{
		maxRequestBytes:  DefaultMaxRequestBytes,
		logger:           slog.New(slog.DiscardHandler),
		maxInFlightBytes: DefaultMaxInFlightBytes,
		readTimeout:      DefaultReadTimeout,
		writeTimeout:     DefaultWriteTimeout,
		maxEngines:       DefaultMaxEngines,
	}
	for _, o := range opts {
		o(&cfg)
	}
	h := &Handler{
		cfg:     cfg,
		log:     cfg.logger,
		engines: make(map[engineKey]*freshet.Engine),
		subs:    make(map[*freshet.Subscription]struct{}),
	}
	h.budget.limit = cfg.maxInFlightBytes
	for _, e := range cfg.engines {
		k := engineKey{e.Account(), e.Region()}
		if _, dup := h.engines[k]; !dup {
			h.engines[k] = e
		}
	}
	if len(cfg.engines) > 0 {
		h.def = cfg.engines[0]
	} else {
		h.def = freshet.New(slices.Clone(cfg.engineOptions)...)
		h.engines[engineKey{h.def.Account(), h.def.Region()}] = h.def
		h.owned = append(h.owned, h.def)
	}
	return h
}

// Engine returns the engine serving the given account and region, creating
// it (with the WithEngineOptions options, freshet.WithAccount and
// freshet.WithRegion) if there is none yet. An engine created after Close is
// returned already closed: its data works, but it runs no background
// retention sweep and blocking reads on it fail.
//
// Engine panics when the engine cannot be created, which happens only with
// a data directory (freshet.WithDataDir) that cannot be opened: OpenEngine
// returns that error instead.
func (h *Handler) Engine(account, region string) *freshet.Engine {
	e, err := h.OpenEngine(account, region)
	if err != nil {
		panic(err.Error())
	}
	return e
}

// OpenEngine is Engine returning the error of an engine that cannot be
// created (see freshet.Open): with a data directory, one that cannot be
// read or written, is corrupt, or is in use by another process. Nothing is
// kept of a failed attempt: the next request for the account and region
// tries again.
func (h *Handler) OpenEngine(account, region string) (*freshet.Engine, error) {
	k := engineKey{account, region}
	h.mu.Lock()
	defer h.mu.Unlock()
	if e, ok := h.engines[k]; ok {
		return e, nil
	}
	opts := append(slices.Clone(h.cfg.engineOptions), freshet.WithAccount(account), freshet.WithRegion(region))
	e, err := freshet.Open(opts...)
	if err != nil {
		return nil, err
	}
	h.engines[k] = e
	h.owned = append(h.owned, e)
	h.created++
	if h.closed {
		e.Close()
	}
	return e, nil
}

// Engines returns the engines the handler serves: those passed with
// WithEngine and those it created, ordered by account and region. A
// metrics exporter reads them at each scrape, since engines of new regions
// and accounts appear on demand.
func (h *Handler) Engines() []*freshet.Engine {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]engineKey, 0, len(h.engines))
	for k := range h.engines {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b engineKey) int {
		return strings.Compare(a.account+"/"+a.region, b.account+"/"+b.region)
	})
	out := make([]*freshet.Engine, len(keys))
	for i, k := range keys {
		out[i] = h.engines[k]
	}
	return out
}

// Close ends every live SubscribeToShard stream (cleanly, as when a
// subscription's lifetime ends) and closes the engines the handler created;
// engines passed in with WithEngine are left open. Requests arriving after
// Close are answered with ServiceUnavailable. Close is idempotent and always
// returns nil.
func (h *Handler) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	subs := make([]*freshet.Subscription, 0, len(h.subs))
	for s := range h.subs {
		subs = append(subs, s)
	}
	owned := slices.Clone(h.owned)
	h.mu.Unlock()
	for _, s := range subs {
		s.Close()
	}
	for _, e := range owned {
		e.Close()
	}
	return nil
}

// isClosed reports whether Close has been called.
func (h *Handler) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// addSubscription registers a live subscription so that Close can end it.
// It reports false, registering nothing, once the handler is closed.
func (h *Handler) addSubscription(s *freshet.Subscription) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.subs[s] = struct{}{}
	return true
}

// removeSubscription forgets a subscription registered by addSubscription.
func (h *Handler) removeSubscription(s *freshet.Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
}

// engineFor returns the engine serving a caller: the default engine for
// unsigned requests, else the engine of the credential scope's region and of
// the access key's account when the key is a 12-digit account id. It fails
// with errTooManyEngines when that engine does not exist and the handler
// serves WithMaxEngines engines already, and with an *engineError when it
// cannot be created.
func (h *Handler) engineFor(p principal) (*freshet.Engine, error) {
	if !p.signed {
		return h.def, nil
	}
	account, region := h.def.Account(), h.def.Region()
	if isAccountID(p.accessKey) {
		account = p.accessKey
	}
	if p.region != "" {
		region = p.region
	}
	if account == h.def.Account() && region == h.def.Region() {
		return h.def, nil
	}
	k := engineKey{account, region}
	h.mu.Lock()
	e, ok := h.engines[k]
	full := !ok && h.cfg.maxEngines >= 0 && h.created >= h.cfg.maxEngines
	h.mu.Unlock()
	switch {
	case ok:
		return e, nil
	case full:
		return nil, errTooManyEngines(h.cfg.maxEngines, account, region)
	}
	e, err := h.OpenEngine(account, region)
	if err != nil {
		return nil, &engineError{account: account, region: region, err: err}
	}
	return e, nil
}

// call is the state of one request.
type call struct {
	h         *Handler
	w         http.ResponseWriter
	r         *http.Request
	requestID string
	// id2 is the x-amz-id-2 value of the response.
	id2 string
	// headers backs the values of the response headers the call sets on
	// every response: request id, id 2, content type and length.
	headers [4]string
	// contentType is the media type responses carry: the request's.
	contentType string
	// op is the operation name, once known, for logs.
	op string
	// started is set once the response status has been written.
	started bool
	// errCode and errMessage are the error the response carries, if any.
	errCode, errMessage string
	// req is the decoded request, once known, for the access log.
	req wire.Request
	// status is the HTTP status written; bodyBytes and respBytes the sizes
	// of the request body read and of the response body written.
	status               int
	bodyBytes, respBytes int64
	// reserved is what the body holds of the handler's in-flight budget.
	reserved int64
	// bodyBuf is the buffer the body is read into, returned to its pool
	// by releaseBody.
	bodyBuf *[]byte
	// scratch holds the decoded request's blobs and PutRecords entries,
	// returned to its pool by releaseBody.
	scratch *wire.Scratch
	// writeBy is when the response must be written (WithWriteTimeout,
	// counted from the request's arrival), or zero for no bound.
	writeBy time.Time
}

// ServeHTTP serves one Kinesis API request. No panic escapes it: a panic in
// the engine (or an interceptor) is answered with a 500 InternalFailure.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c := &call{h: h, w: w, r: r}
	if d := h.cfg.writeTimeout; d > 0 {
		c.writeBy = start.Add(d)
	}
	c.requestID, c.id2 = newIDs()
	defer c.observe(start)
	defer c.releaseBody()
	defer c.recoverPanic()
	c.serve()
}

// serve answers the request: it accepts it (or answers why not), then runs
// the operation.
func (c *call) serve() {
	c.commonHeaders()
	op, req, p, ok := c.accept()
	if !ok {
		c.auditRejected(p)
		return
	}
	c.req = req
	if c.h.isClosed() {
		c.writeError(errHandlerClosed)
		return
	}
	e, err := c.h.engineFor(p)
	if err != nil {
		var eerr *engineError
		if errors.As(err, &eerr) {
			c.h.log.Error("kinesisapi: cannot create the engine of an account and region",
				"account", eerr.account, "region", eerr.region, "requestId", c.requestID, "error", eerr.err)
			c.writeErrorStatus(http.StatusInternalServerError, codeInternalFailure, eerr.Error())
		} else {
			c.h.limits.log(c.h.log, clientIP(c.r.RemoteAddr), "max-engines",
				"kinesisapi: request refused: the handler serves its maximum number of accounts and regions",
				"accessKey", p.accessKey, "region", p.region)
			c.writeError(err)
		}
		c.auditRejected(p) // to the default engine
		return
	}
	ctx := withPrincipal(c.r.Context(), p)
	ctx = freshet.ContextWithCaller(ctx, c.caller(p))
	if op.EventStream {
		// An event stream lasts minutes: no write deadline (not even the
		// server's), and its tiny body no longer holds the budget.
		_ = http.NewResponseController(c.w).SetWriteDeadline(time.Time{})
		c.releaseBody()
		c.subscribe(ctx, e, req.(*wire.SubscribeToShardRequest))
		return
	}
	out, err := c.invoke(ctx, e, op.Name, req)
	if err != nil {
		c.writeError(err)
		return
	}
	if op.EmptyOutput {
		c.writeBody(http.StatusOK, nil)
		return
	}
	buf := encodeBuffers.Get().(*[]byte)
	b, err := wire.AppendEncode((*buf)[:0], c.contentType, out)
	// Encoded: the lists lent to the engine are no longer needed.
	switch o := out.(type) {
	case *wire.GetRecordsOutput:
		recycleRecords(o.Records)
	case *wire.PutRecordsOutput:
		recycleResults(o.Records)
	}
	if err != nil {
		c.h.log.Error("kinesisapi: encoding a response", "operation", op.Name, "requestId", c.requestID, "error", err)
		c.writeInternalFailure()
		return
	}
	c.writeBody(http.StatusOK, b)
	// Write copied the body: the buffer may serve another response.
	if cap(b) <= maxPooledBuffer {
		*buf = b
		encodeBuffers.Put(buf)
	}
}

// encodeBuffers holds buffers for response bodies, so that a response is
// encoded without growing a buffer from nothing each time.
var encodeBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuffer is the largest buffer kept in encodeBuffers: a GetRecords
// response holding 10 MiB of data in base64.
const maxPooledBuffer = 16 << 20

// accept runs the protocol checks in the order Kinesis runs them (docs/kinesis-notes.md
// §1.5.4) and returns the operation, its decoded and validated request and
// the caller. When a check fails it answers the request and returns false.
func (c *call) accept() (op wire.Operation, req wire.Request, p principal, ok bool) {
	r := c.r
	// 1-2. CORS preflight, then anything but POST.
	if r.Method == http.MethodOptions && headerValue(r.Header, "Origin") != "" {
		c.preflight()
		return op, nil, p, false
	}
	if r.Method != http.MethodPost {
		c.writeXML(http.StatusForbidden, accessDeniedXML)
		return op, nil, p, false
	}
	// 4. A content type Kinesis does not speak (an empty body is {}, so
	// step 3 does not apply).
	service, opName, targetOK := splitTarget(headerValue(r.Header, "X-Amz-Target"))
	ct := headerValue(r.Header, "Content-Type")
	mediaType, spoken := responseContentType(ct)
	if !spoken {
		if targetOK {
			c.writeXML(http.StatusNotFound, unknownOperationXML)
		} else {
			c.writeXML(http.StatusForbidden, accessDeniedXML)
		}
		return op, nil, p, false
	}
	c.contentType = mediaType
	body, err := c.readBody()
	c.bodyBytes = int64(len(body))
	if err != nil {
		var tooLarge *http.MaxBytesError
		client := clientIP(r.RemoteAddr)
		switch {
		case errors.As(err, &tooLarge):
			c.h.limits.log(c.h.log, client, "max-request-bytes", "kinesisapi: request body over the limit refused",
				"maxRequestBytes", c.h.cfg.maxRequestBytes, "contentLength", r.ContentLength)
			c.writeErrorStatus(http.StatusRequestEntityTooLarge, codeRequestTooLarge, "Request body is larger than the limit of the server.")
		case errors.Is(err, errBusy):
			c.h.limits.log(c.h.log, client, "max-inflight-bytes", "kinesisapi: request refused: in-flight request bytes at the limit",
				"maxInFlightBytes", c.h.cfg.maxInFlightBytes, "contentLength", r.ContentLength)
			c.writeErrorStatus(http.StatusServiceUnavailable, codeServiceUnavailable, msgBusy)
		case errors.Is(err, errBodyTimeout):
			c.h.limits.log(c.h.log, client, "read-timeout", "kinesisapi: request body not received within the read timeout",
				"readTimeout", c.h.cfg.readTimeout.String(), "contentLength", r.ContentLength)
			c.w.Header().Set("Connection", "close")
			c.writeErrorStatus(http.StatusRequestTimeout, codeRequestTimeout,
				"The request body was not received within the server's read timeout of "+c.h.cfg.readTimeout.String()+".")
		default:
			c.writeErrorStatus(http.StatusBadRequest, codeSerialization, "")
		}
		return op, nil, p, false
	}
	// 5 and 7. A body that is not an object, then an unknown operation.
	// Parsing is skipped for known operations whose caller is accepted:
	// decoding below reports the same errors.
	known := false
	if service == strings.TrimSuffix(wire.TargetPrefix, ".") {
		op, known = wire.Lookup(opName)
	}
	if !known {
		if err := checkSyntax(ct, body); err != nil {
			c.writeError(err)
		} else {
			c.writeErrorStatus(http.StatusBadRequest, codeUnknownOperation, "")
		}
		return op, nil, p, false
	}
	c.op = op.Name
	// 8. Authentication.
	if p, err = authenticate(r, c.h.cfg.requireAuth || c.h.cfg.credentials != nil); err != nil {
		if serr := checkSyntax(ct, body); serr != nil {
			err = serr
		}
		c.writeError(err)
		return op, nil, p, false
	}
	if c.h.cfg.credentials != nil {
		if err := c.verify(&p, body); err != nil {
			c.writeError(err)
			return op, nil, p, false
		}
	}
	// 9. Member types, then the model's constraints.
	req = op.NewRequest()
	c.scratch = scratches.Get().(*wire.Scratch)
	if err := wire.DecodeScratch(ct, body, req, c.scratch); err != nil {
		c.writeError(err)
		return op, nil, p, false
	}
	if err := req.Validate(); err != nil {
		c.writeError(err)
		return op, nil, p, false
	}
	return op, req, p, true
}

// verify checks the request's signature against the configured
// credentials and records the verified principal in p.
func (c *call) verify(p *principal, body []byte) error {
	v := sigv4.Verifier{Credentials: c.h.cfg.credentials}
	creds, err := v.Verify(c.r, body, time.Now())
	if err != nil {
		var serr *sigv4.Error
		if errors.As(err, &serr) {
			return freshet.NewError(serr.Code, "%s", serr.Message)
		}
		return err
	}
	p.arn = creds.Principal
	return nil
}

// auditRejected reports a request refused before it reached an operation
// (malformed, unauthenticated, invalid) to the audit hook of the engine it
// was addressed to, so that every API call yields one audit event.
// Requests that name no known operation are not API calls and are not
// audited.
func (c *call) auditRejected(p principal) {
	if c.op == "" || c.errCode == "" || c.h.isClosed() {
		return
	}
	e, err := c.h.engineFor(p)
	if err != nil {
		e = c.h.def
	}
	caller := c.caller(p)
	e.Audit(freshet.AuditEvent{
		EventID:            newRequestID(),
		EventTime:          e.Clock().Now().UTC(),
		EventSource:        "kinesis.amazonaws.com",
		EventName:          c.op,
		AWSRegion:          e.Region(),
		RecipientAccountID: e.Account(),
		UserIdentity:       freshet.UserIdentity{ARN: caller.Principal, AccessKeyID: caller.AccessKeyID},
		SourceIPAddress:    caller.SourceIPAddress,
		UserAgent:          caller.UserAgent,
		RequestID:          c.requestID,
		ErrorCode:          c.errCode,
		ErrorMessage:       c.errMessage,
	})
}

// caller describes the request's caller to the engine, for its authorizer
// and audit events. The request id is the one the response carries.
func (c *call) caller(p principal) freshet.Caller {
	return freshet.Caller{
		Principal:       p.arn,
		AccessKeyID:     p.accessKey,
		SourceIPAddress: clientIP(c.r.RemoteAddr),
		UserAgent:       c.r.UserAgent(),
		RequestID:       c.requestID,
	}
}

// invoke runs an operation on the engine, turning a panic into an internal
// failure.
func (c *call) invoke(ctx context.Context, e *freshet.Engine, name string, req wire.Request) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			c.h.log.Error("kinesisapi: panic in operation", "operation", name, "requestId", c.requestID,
				"panic", v, "stack", string(debug.Stack()))
			out, err = nil, errPanic
		}
	}()
	fn := operations[name]
	if fn == nil {
		return nil, errUnsupported
	}
	return fn(ctx, e, req)
}

// recoverPanic answers a panic of the handler itself (outside engine
// calls, which invoke guards) with an internal failure, or, once the
// response has started, just logs it.
func (c *call) recoverPanic() {
	v := recover()
	if v == nil {
		return
	}
	c.h.log.Error("kinesisapi: panic serving a request", "operation", c.op, "requestId", c.requestID,
		"panic", v, "stack", string(debug.Stack()))
	if !c.started {
		c.writeInternalFailure()
	}
}

// clientIP returns the IP address of a request's RemoteAddr.
func clientIP(remoteAddr string) string {
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return host
	}
	return remoteAddr
}

// checkSyntax reports a SerializationException when body is not an object
// in the format of contentType (an empty body is the empty object).
func checkSyntax(contentType string, body []byte) error {
	return wire.Decode(contentType, body, &struct{}{})
}

// headerValue is h.Get(key) for a key already in canonical form, without
// canonicalizing it again.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// splitTarget splits an X-Amz-Target value into service and operation. It
// reports false when either is missing.
func splitTarget(target string) (service, op string, ok bool) {
	service, op, _ = strings.Cut(target, ".")
	return service, op, service != "" && op != ""
}

// responseContentType returns the media type of a request's Content-Type,
// which responses mirror, and false if Kinesis does not speak it.
func responseContentType(ct string) (string, bool) {
	f, ok := wire.ParseContentType(ct)
	switch {
	case !ok:
		return "", false
	case f == wire.FormatCBOR:
		return wire.ContentTypeCBOR, true
	}
	if ct == wire.ContentTypeJSON {
		return ct, true
	}
	mediaType, _, _ := strings.Cut(ct, ";")
	if strings.EqualFold(strings.TrimSpace(mediaType), wire.ContentTypeLegacyJSON) {
		return wire.ContentTypeLegacyJSON, true
	}
	return wire.ContentTypeJSON, true
}

// isCBOR reports whether the call speaks CBOR.
func (c *call) isCBOR() bool {
	return c.contentType == wire.ContentTypeCBOR
}
