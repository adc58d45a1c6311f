package wire

import "strings"

// Content types of the two wire formats.
const (
	// ContentTypeJSON is AWS JSON 1.1, spoken by most SDKs.
	ContentTypeJSON = "application/x-amz-json-1.1"
	// ContentTypeLegacyJSON is plain JSON, which Decode accepts as JSON 1.1.
	ContentTypeLegacyJSON = "application/json"
	// ContentTypeCBOR is AWS CBOR 1.1, spoken by the Java SDKs by default.
	ContentTypeCBOR = "application/x-amz-cbor-1.1"
)

// Format is a wire format.
type Format int

// The wire formats.
const (
	FormatJSON Format = iota + 1
	FormatCBOR
)

// ParseContentType returns the format of a Content-Type header value, and
// false if the content type is not one Kinesis speaks. Parameters such as
// "; charset=utf-8" and letter case are ignored.
func ParseContentType(contentType string) (Format, bool) {
	switch contentType { // the common cases, exactly as the SDKs send them
	case ContentTypeJSON:
		return FormatJSON, true
	case ContentTypeCBOR:
		return FormatCBOR, true
	}
	mediaType, _, _ := strings.Cut(contentType, ";")
	switch strings.ToLower(strings.TrimSpace(mediaType)) {
	case ContentTypeJSON, ContentTypeLegacyJSON:
		return FormatJSON, true
	case ContentTypeCBOR:
		return FormatCBOR, true
	}
	return 0, false
}

// formatOf is ParseContentType defaulting to JSON, for encoders.
func formatOf(contentType string) Format {
	if f, ok := ParseContentType(contentType); ok {
		return f
	}
	return FormatJSON
}
