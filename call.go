package freshet

import (
	"context"
	"crypto/rand"
	"errors"
	"reflect"
	"strings"
	"time"

	"github.com/freshet-io/freshet/internal/uuid"
)

// The call path
//
// Every exported operation goes through invoke, the one place for what
// applies to all of them: authorization (WithAuthorizer) before the
// operation and an audit event (WithAuditHook) after it. With neither
// configured, invoke calls the operation directly and costs nothing.
// Interceptors run inside the operations, where the shard a call touches
// is known.

// Caller identifies who makes a call: the wire server fills it in from the
// request's credentials; in-process callers attach one with
// ContextWithCaller. Authorization and audit events read it.
type Caller struct {
	// Principal is the caller's IAM ARN, such as
	// "arn:aws:iam::123456789012:user/alice". Empty means anonymous.
	Principal string
	// AccessKeyID is the access key the request was signed with.
	AccessKeyID string
	// SourceIPAddress is the client's address.
	SourceIPAddress string
	// UserAgent is the client's user agent.
	UserAgent string
	// RequestID is the request id returned to the client; the engine
	// draws one when it is empty.
	RequestID string
}

type callerKey struct{}

// ContextWithCaller returns a context that carries c to the engine.
func ContextWithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFromContext returns the Caller attached to ctx, if any.
func CallerFromContext(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// Authorizer decides whether a caller may perform an action, such as
// "kinesis:PutRecord", on a resource ARN (a stream or consumer ARN, or "*"
// for account-level operations). It returns nil to allow. Any other error
// fails the call with AccessDeniedException and the error's text as the
// message; package policy implements IAM-style policy documents.
type Authorizer interface {
	Authorize(ctx context.Context, principal, action, resource string) error
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(ctx context.Context, principal, action, resource string) error

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, principal, action, resource string) error {
	return f(ctx, principal, action, resource)
}

// WithAuthorizer makes the engine consult a before every operation.
// Default: none, every call is allowed.
func WithAuthorizer(a Authorizer) Option {
	return func(cfg *config) { cfg.authorizer = a }
}

// WithAuditHook makes the engine report every operation, successful or
// not, to hook, once, after it completes. The hook runs on the calling
// goroutine and must be safe for concurrent use; it should be quick.
// Default: none.
func WithAuditHook(hook func(AuditEvent)) Option {
	return func(cfg *config) { cfg.audit = hook }
}

// AuditEvent records one API call, modelled on a CloudTrail record. It
// marshals to JSON with CloudTrail's field names.
type AuditEvent struct {
	EventID            string         `json:"eventID"`
	EventTime          time.Time      `json:"eventTime"`
	EventSource        string         `json:"eventSource"`
	EventName          string         `json:"eventName"`
	AWSRegion          string         `json:"awsRegion"`
	RecipientAccountID string         `json:"recipientAccountId"`
	UserIdentity       UserIdentity   `json:"userIdentity"`
	SourceIPAddress    string         `json:"sourceIPAddress,omitempty"`
	UserAgent          string         `json:"userAgent,omitempty"`
	RequestID          string         `json:"requestID"`
	RequestParameters  map[string]any `json:"requestParameters,omitempty"`
	// Resources is the stream or consumer ARN the call addressed, if any.
	Resources []string `json:"resources,omitempty"`
	// ErrorCode and ErrorMessage are set when the call failed.
	ErrorCode    string `json:"errorCode,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
}

// UserIdentity is the caller of an audited call.
type UserIdentity struct {
	ARN         string `json:"arn,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
}

// Audit delivers an event to the engine's audit hook, if there is one. The
// wire server uses it for requests that fail before they reach an
// operation (malformed or unauthenticated requests).
func (e *Engine) Audit(ev AuditEvent) {
	if e.cfg.audit != nil {
		e.cfg.audit(ev)
	}
}

// invoke runs one operation of the API.
func invoke[I, O any](ctx context.Context, e *Engine, op Operation, in *I, fn func(context.Context, *I) (*O, error)) (*O, error) {
	if in == nil {
		in = new(I) // as the AWS SDK does, a nil input is an empty one
	}
	if e.store != nil && changesMetadata(op) {
		return invokeDurable(ctx, e, op, in, fn)
	}
	return invokeCall(ctx, e, op, in, fn)
}

// invokeCall runs one operation of the API: authorization, the call and
// its audit event.
func invokeCall[I, O any](ctx context.Context, e *Engine, op Operation, in *I, fn func(context.Context, *I) (*O, error)) (*O, error) {
	if e.intercept.n.Load() != 0 {
		fn = interceptedFn(e, op, fn)
	}
	if e.cfg.authorizer == nil && e.cfg.audit == nil {
		return fn(ctx, in)
	}
	caller, _ := CallerFromContext(ctx)
	if caller.RequestID == "" {
		caller.RequestID = newRequestID()
		ctx = ContextWithCaller(ctx, caller)
	}
	resource := e.resourceOf(in)
	var out *O
	var err error
	if a := e.cfg.authorizer; a != nil {
		err = e.authorize(ctx, a, caller.Principal, op, resource)
	}
	if err == nil {
		out, err = fn(ctx, in)
	}
	if e.cfg.audit != nil {
		e.cfg.audit(e.auditEvent(caller, op, resource, in, err))
	}
	return out, err
}

// authorize asks the authorizer and turns a refusal into
// AccessDeniedException.
func (e *Engine) authorize(ctx context.Context, a Authorizer, principal string, op Operation, resource string) error {
	action := "kinesis:" + string(op)
	err := a.Authorize(ctx, principal, action, resource)
	if err == nil {
		return nil
	}
	var kerr *Error
	if errors.As(err, &kerr) {
		return kerr
	}
	return NewError(codeAccessDenied, "%s", err.Error())
}

// AccessDeniedMessage is the message of an implicit IAM denial, in AWS's
// wording: "User: ARN is not authorized to perform: ACTION on resource:
// ARN because no identity-based policy allows the ACTION action".
func AccessDeniedMessage(principal, action, resource string) string {
	if principal == "" {
		principal = "anonymous"
	}
	return "User: " + principal + " is not authorized to perform: " + action + " on resource: " + resource +
		" because no identity-based policy allows the " + action + " action"
}

// resourceOf returns the ARN a call addresses, for authorization and
// audit: its consumer ARN, resource ARN or stream ARN, the stream of its
// shard iterator, or "*" for account-level calls.
func (e *Engine) resourceOf(in any) string {
	if rc, ok := in.(*RegisterStreamConsumerInput); ok && rc.StreamARN != "" {
		return rc.StreamARN // the consumer does not exist yet: the action is on the stream
	}
	if gr, ok := in.(*GetRecordsInput); ok {
		if gr.StreamARN != "" {
			return gr.StreamARN
		}
		if st, _, _, err := e.openIterator(gr.ShardIterator, e.now()); err == nil {
			return st.arn
		}
		return "*"
	}
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return "*"
	}
	s := v.Elem()
	field := func(name string) string {
		if f := s.FieldByName(name); f.IsValid() && f.Kind() == reflect.String {
			return f.String()
		}
		return ""
	}
	for _, name := range []string{"ConsumerARN", "ResourceARN"} {
		if arn := field(name); arn != "" {
			return arn
		}
	}
	if arn := field("StreamARN"); arn != "" {
		if c := field("ConsumerName"); c != "" {
			return arn + "/consumer/" + c + ":*"
		}
		return arn
	}
	if name := field("StreamName"); name != "" {
		return e.streamARN(name)
	}
	return "*"
}

// auditEvent builds the audit record of a completed call.
func (e *Engine) auditEvent(c Caller, op Operation, resource string, in any, err error) AuditEvent {
	ev := AuditEvent{
		EventID:            newRequestID(),
		EventTime:          e.now().UTC(),
		EventSource:        "kinesis.amazonaws.com",
		EventName:          string(op),
		AWSRegion:          e.cfg.region,
		RecipientAccountID: e.cfg.account,
		UserIdentity:       UserIdentity{ARN: c.Principal, AccessKeyID: c.AccessKeyID},
		SourceIPAddress:    c.SourceIPAddress,
		UserAgent:          c.UserAgent,
		RequestID:          c.RequestID,
		RequestParameters:  auditParameters(in),
	}
	if resource != "*" {
		ev.Resources = []string{resource}
	}
	if err != nil {
		ev.ErrorCode, ev.ErrorMessage = errorFields(err)
	}
	return ev
}

// auditParameters renders an operation's input as CloudTrail's
// requestParameters: lowerCamelCase names, zero values left out, and no
// record data (byte slices are never included).
func auditParameters(in any) map[string]any {
	v := reflect.ValueOf(in)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	m, _ := auditValue(v, 0).(map[string]any)
	return m
}

var (
	timeType           = reflect.TypeFor[time.Time]()
	sequenceNumberType = reflect.TypeFor[SequenceNumber]()
)

func auditValue(v reflect.Value, depth int) any {
	if depth > 8 {
		return nil
	}
	switch {
	case v.Type() == timeType:
		if t := v.Interface().(time.Time); !t.IsZero() {
			return t.UTC().Format(time.RFC3339Nano)
		}
		return nil
	case v.Type() == sequenceNumberType:
		if sn := v.Interface().(SequenceNumber); !sn.IsZero() {
			return sn.String()
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return auditValue(v.Elem(), depth+1)
	case reflect.Struct:
		m := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if x := auditValue(v.Field(i), depth+1); x != nil {
				m[lowerFirst(f.Name)] = x
			}
		}
		if len(m) == 0 {
			return nil
		}
		return m
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 || v.Len() == 0 {
			return nil // record data stays out of the audit trail
		}
		out := make([]any, 0, v.Len())
		for i := range v.Len() {
			out = append(out, auditValue(v.Index(i), depth+1))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		m := map[string]any{}
		iter := v.MapRange()
		for iter.Next() {
			m[iter.Key().String()] = auditValue(iter.Value(), depth+1)
		}
		return m
	case reflect.String:
		if v.String() == "" {
			return nil
		}
		return v.String()
	case reflect.Bool:
		if !v.Bool() {
			return nil
		}
		return true
	case reflect.Int, reflect.Int64, reflect.Int32:
		if v.Int() == 0 {
			return nil
		}
		return v.Int()
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// Leading acronyms lower as a word: "StreamARN" -> "streamARN", "ARN" -> "aRN" is avoided.
	if strings.ToUpper(s) == s {
		return strings.ToLower(s)
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// newRequestID returns a random UUID (version 4).
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	var out [36]byte
	uuid.Put(out[:], b[:])
	return string(out[:])
}
