// Package wire is the Kinesis wire model: one typed request and response
// struct per operation, and the codecs and constraint checks that sit between
// an HTTP body and the engine.
//
// A handler uses it in four steps:
//
//	op, ok := wire.Lookup(name)                 // from X-Amz-Target
//	req := op.NewRequest()
//	err := wire.Decode(contentType, body, req)  // SerializationException
//	err = req.Validate()                        // ValidationException
//	...                                         // call the engine
//	out, err := wire.Encode(contentType, resp)  // or an empty body
//
// Errors of Decode and Validate are *freshet.Error values; EncodeError
// renders any error code and message as a body.
//
// Two formats are spoken: AWS JSON 1.1 (application/x-amz-json-1.1, also
// accepted as application/json) and the AWS CBOR 1.1 dialect of the Java
// SDKs (application/x-amz-cbor-1.1).
//
// # What is emulated
//
//   - Decoding follows Coral, the AWS service framework: member names are
//     case-sensitive, unknown members are ignored, null means absent,
//     fractional integers are floored and out-of-range integers clamped, and
//     every type mismatch is a SerializationException worded exactly as
//     Coral words it ("class java.lang.String can not be converted to an
//     Integer").
//   - Validation checks the constraints of the published service model
//     (required members, lengths, ranges, patterns, enums) and reports them
//     as a ValidationException listing the violations in member order, with
//     values rendered as Java renders them. The constraints are the tables
//     of internal/constraint, which the engine checks its own inputs
//     against: the engine gives the same message for the same input. String lengths are counted in
//     UTF-16 code units, as Java counts them. Business rules (retention
//     bounds, tag characters, shard counts, the per-stream record size) are
//     the engine's job, not this package's.
//   - Timestamps are epoch seconds with a millisecond fraction in JSON and
//     CBOR tag 1 wrapping epoch milliseconds in CBOR; blobs are base64 in
//     JSON and byte strings in CBOR.
//
// # What deliberately differs from AWS
//
//   - Lists and maps of more than 131072 elements are rejected as malformed
//     (SerializationException without message), in both formats, to bound
//     the memory a request can claim.
//   - PutRecords entries are rendered in messages with a hash of their
//     content instead of a Java identity hash, and lists and maps with more
//     than 1000 elements are rendered truncated.
//   - In CBOR, numbers given for timestamps are milliseconds whether or not
//     they carry tag 1, and base64 text strings are accepted for blobs.
//   - Requests also carry the DryRun member that aws-sdk-go-v2 knows but the
//     published model does not.
//
// Output structs emit required members always (lists as []) and omit absent
// optional members; request structs use pointers throughout, so that a
// missing member and a zero value can be told apart.
package wire
