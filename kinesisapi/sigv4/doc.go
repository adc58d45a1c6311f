// Package sigv4 verifies AWS Signature Version 4 signatures of Kinesis
// requests, for a freshet server that should authenticate its callers as
// Kinesis does instead of accepting everything (the default of package
// kinesisapi, made for local testing).
//
//	store, err := sigv4.LoadCredentialsFile("credentials.json")
//	...
//	v := &sigv4.Verifier{Credentials: store}
//	creds, err := v.Verify(r, body, time.Now())
//	var e *sigv4.Error
//	if errors.As(err, &e) {
//		// answer 400 {"__type": e.Code, "message": e.Message}
//	}
//
// # What is verified
//
// Both forms of SigV4 are accepted, for service "kinesis": the
// Authorization header ("AWS4-HMAC-SHA256 Credential=AKID/20250101/
// us-east-1/kinesis/aws4_request, SignedHeaders=..., Signature=...") with
// an X-Amz-Date or Date header, and presigned URLs (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Signature and
// optionally X-Amz-Expires and X-Amz-Security-Token in the query string).
// Verify rebuilds the canonical request exactly as the AWS SDK signers
// build it, derives the signing key from the stored secret and compares
// signatures in constant time. It also checks the credential scope
// (terminator, service, region, date), the request time (at most 15
// minutes from the server's clock either way; a presigned URL with
// X-Amz-Expires lives that long instead), the session token of temporary
// credentials, and an X-Amz-Content-Sha256 header against the body.
//
// Failures are *Error values carrying AWS's error code and message, which
// Kinesis sends with HTTP 400 to JSON and CBOR requests: see Verify for the
// order of the checks.
//
// # Messages
//
// These texts are AWS's own, as observed from Kinesis (docs/kinesis-notes.md §8.4) or other
// services sharing its front end: "Missing Authentication Token"; "Found
// both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as
// HTTP header."; the composite "Authorization header requires ...
// Authorization=<value>" and "AWS query-string parameters must include ...
// Re-examine the query-string parameters."; "The security token included
// in the request is invalid."; "The request signature we calculated does
// not match ..."; "Signature expired: ... (... - 15 min.)" and "Signature
// not yet current: ... (... + 15 min.)"; "Credential should be scoped to a
// valid region, not '...'. ", "Credential should be scoped to correct
// service: 'kinesis'. ", "Credential should be scoped with a valid
// terminator: 'aws4_request', not '...'. " (with AWS's trailing space),
// "Credential must have exactly 5 slash-delimited elements, ...", "Date in
// Credential scope does not match YYYYMMDD from ISO-8601 version of date
// from HTTP: ...", "Date must be in ISO-8601 'basic format'. ..." and
// "'Host' or ':authority' must be a 'SignedHeader' in the AWS
// Authorization.". Those from "Credential should be scoped to a valid
// region" on are recalled from other AWS services (DynamoDB, API Gateway)
// and not verified against Kinesis, nor are their codes: the element count
// and the date format are IncompleteSignatureException here, the other
// scope checks and Host InvalidSignatureException.
//
// These are borrowed or invented, as Kinesis's texts are unknown:
//   - "Unsupported AWS 'algorithm': '<algorithm>'." (IncompleteSignature)
//     for an algorithm other than AWS4-HMAC-SHA256;
//   - "Signature expired: <date> is now earlier than <now - expires>
//     (<now> - <expires> sec.)" for a presigned URL past X-Amz-Expires,
//     modelled on the 15-minute text;
//   - "X-Amz-Expires should be a number", "X-Amz-Expires must be
//     non-negative", "X-Amz-Expires must be less than a week (in seconds)
//     that is 604800" (IncompleteSignature), borrowed from S3;
//   - "The provided 'x-amz-content-sha256' header does not match what was
//     computed." (InvalidSignature), borrowed from S3.
//
// # What deliberately differs from AWS
//
//   - The canonical URI is not normalized (no removal of "." and ".."
//     segments); the SDKs do not normalize it either, and Kinesis only
//     serves "/".
//   - A presigned request without X-Amz-Content-Sha256 verifies if it
//     was signed either with the body's hash or with UNSIGNED-PAYLOAD. A
//     request signed with an Authorization header must sign its body;
//     UNSIGNED-PAYLOAD there fails as a content hash mismatch.
//   - X-Amz-Expires is optional; without it a presigned URL is held to
//     the 15-minute window of signed requests.
//   - A session token is compared with the stored one whether or not it is
//     among the signed headers; a token sent for credentials that have
//     none is refused as an invalid token.
//   - A SignedHeaders list naming a header twice never verifies, so the
//     work Verify does stays linear in the size of the request.
//   - Query pairs that do not parse (a bad %-escape, a ';') are left out
//     of the canonical query string, as url.Values drops them on the client
//     too, instead of failing the request.
//   - Signatures for SigV4a (AWS4-ECDSA-P256-SHA256) and event-stream
//     chunk signatures are not supported; Kinesis needs neither.
//
// Verify never panics and never reads the request body itself: the caller
// passes the bytes it read (and bounded). Its time and memory are linear
// in the size of the request (headers, query string and body), which the
// server bounds (http.Server.MaxHeaderBytes, the handler's body limit):
// each signed header enters the canonical request once, and an error
// message quotes at most the Authorization header.
package sigv4
