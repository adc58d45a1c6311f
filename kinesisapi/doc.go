// Package kinesisapi serves the Amazon Kinesis Data Streams wire protocol
// over freshet engines, so that an unmodified AWS SDK (Go, Java, Python,
// JavaScript, the CLI, the KCL) can talk to freshet as it talks to Kinesis.
//
//	h := kinesisapi.NewHandler()
//	defer h.Close()
//	srv := kinesisapi.NewServer("127.0.0.1:4567", h)
//	go srv.ListenAndServe()
//
// Point the SDK's endpoint at http://127.0.0.1:4567 with any credentials
// (or none).
//
// # What the handler does
//
// Handler is a thin codec: it decodes a request (AWS JSON 1.1 or AWS CBOR
// 1.1, the Java SDKs' default), checks it as Kinesis does, translates it
// into the engine's Input struct, calls the engine and encodes the Output
// or error back. Every rule of the service (states, limits, messages) is the
// engine's; the handler adds only what belongs to the protocol:
//
//   - the protocol checks, in production's order (docs/kinesis-notes.md §1.5.4): CORS
//     preflight, the method (403 XML AccessDeniedException), the content
//     type (403 or 404 XML), the body size (413), the body's syntax
//     (SerializationException), the operation (UnknownOperationException),
//     authentication, member types (SerializationException) and the model's
//     constraints (ValidationException);
//   - responses mirroring the request's content type, with
//     x-amzn-RequestId, x-amz-id-2 and, for browsers, CORS headers; an empty
//     body for operations without output;
//   - errors shaped as Kinesis shapes them: {"__type", "message"} in JSON
//     or CBOR, the X-Amzn-ErrorType header, "Message" for
//     SerializationException, and 500 {"__type":"InternalFailure"} for
//     anything unexpected, including a panic in the engine or an
//     interceptor;
//   - SubscribeToShard's event stream (application/vnd.amazon.eventstream),
//     see subscribe.go.
//
// # Accounts and regions
//
// Each (account, region) pair is served by its own engine. Unsigned
// requests go to the default engine (account 000000000000 in us-east-1
// unless configured otherwise). Signed and presigned requests go to the
// engine of their credential scope's region and, when the access key id is
// exactly 12 digits, of that account (as kinesis-mock does); those engines
// are created on demand and kept until Close (region names are limited to
// 32 lower-case letters, digits and dashes), at most WithMaxEngines of
// them (default 100). By default signatures are not verified: any secret
// works. WithCredentials verifies every SigV4 signature (header and
// presigned forms) against known keys, with AWS's errors, and makes each
// key's principal the caller; WithRequireAuth refuses unsigned requests as
// Kinesis does. The access key
// id of a signed request is available to engine interceptors through
// Principal.
//
// The handler reuses the memory of a request once it has answered it: the
// record data and the list of entries of a PutRecord or PutRecords input
// an engine interceptor sees (Call.Input) are overwritten by later
// requests, so an interceptor that keeps anything of them past its return
// must copy it. The engine itself stores copies.
//
// # What deliberately differs from AWS
//
//   - Signatures are not verified unless WithCredentials is given.
//   - Limits of the server, each answered with a documented error: a body
//     over the limit (413 RequestEntityTooLargeException), request bodies
//     held at once over WithMaxInFlightBytes (503 ServiceUnavailable, which
//     SDKs retry), a body slower than WithReadTimeout (408
//     RequestTimeoutException), an account or region past WithMaxEngines
//     (400 LimitExceededException). A client refused by a limit is logged
//     at level Warn once, then at level Debug.
//   - An empty body is read as {} (production answered
//     SerializationException).
//   - The legacy content type application/json is read as JSON 1.1
//     (production answered 404 with a Coral "UnknownOperationException"
//     envelope).
//   - A request arriving after Handler.Close is answered 503
//     ServiceUnavailable.
//   - SubscribeToShard events to CBOR clients carry CBOR payloads (docs/kinesis-notes.md §11
//     lists this as unverified).
//
// # Transport
//
// The handler is independent of the HTTP version. NewServer returns an
// http.Server that speaks HTTP/1.1, HTTP/2 over TLS with ALPN, and h2c with
// prior knowledge on plain connections, which the Java SDK v2 requires for
// SubscribeToShard. A TLS client that starts HTTP/2 without negotiating it
// with ALPN (Java SDK v2 before about 2.30) is not served.
//
// # Concurrency
//
// A Handler is safe for concurrent use; requests run on net/http's
// goroutines and the handler starts none of its own. Close ends live
// subscriptions and closes the engines the handler created.
package kinesisapi
