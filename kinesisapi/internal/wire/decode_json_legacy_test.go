package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// legacyJSONParser is the first JSON decoder, which split each level of a
// body with encoding/json and let binder bind the parts. The single-pass
// decoder must decode every body exactly as it does: same values, same
// errors.
type legacyJSONParser struct{}

func (legacyJSONParser) parse(data []byte) (value, error) {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 {
		return value{}, errMalformed
	}
	switch data[0] {
	case '{', '[':
		if tooManyElements(data) {
			return value{}, errMalformed
		}
	}
	switch data[0] {
	case '{':
		var m map[string]raw
		if err := json.Unmarshal(data, &m); err != nil || len(m) > maxElements {
			return value{}, errMalformed
		}
		return value{kind: kindMap, members: m}, nil
	case '[':
		var l []raw
		if err := json.Unmarshal(data, &l); err != nil || len(l) > maxElements {
			return value{}, errMalformed
		}
		return value{kind: kindList, elems: l}, nil
	case '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return value{}, errMalformed
		}
		return value{kind: kindString, str: s}, nil
	case 't', 'f', 'n':
		var b *bool
		if err := json.Unmarshal(data, &b); err != nil {
			return value{}, errMalformed
		}
		if b == nil {
			return value{kind: kindNull}, nil
		}
		return value{kind: kindBool, boolean: *b}, nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return value{}, errMalformed
	}
	return value{kind: kindNumber, num: parseNumber(n.String())}, nil
}

func (legacyJSONParser) millis(n number) int64 { return jsonMillis(n) }

// legacyDecodeJSON is Decode as it was for JSON bodies.
func legacyDecodeJSON(body []byte, dst any) error {
	if isBlank(FormatJSON, body) {
		return nil
	}
	p := legacyJSONParser{}
	top, err := p.parse(body)
	if err != nil || top.kind != kindMap {
		return serializationError("")
	}
	return binder{p}.structure(top, reflect.ValueOf(dst).Elem())
}

// describeDecode renders the outcome of a decoding, for comparisons.
func describeDecode(v any, err error) string {
	if err != nil {
		var ferr *freshet.Error
		if errors.As(err, &ferr) {
			return "error " + ferr.Code + ": " + ferr.Message
		}
		return "error " + err.Error()
	}
	return fmt.Sprintf("%#v", v)
}

// allTargets are every request type and some response types.
func allTargets() []func() any {
	targets := []func() any{
		func() any { return &GetRecordsResponse{} },
		func() any { return &PutRecordsResponse{} },
		func() any { return &DescribeStreamResponse{} },
		func() any { return &struct{}{} },
	}
	for _, op := range Operations {
		targets = append(targets, func() any { return op.NewRequest() })
	}
	return targets
}

// checkMatchesLegacy decodes data into each target with both decoders and
// compares the outcomes.
func checkMatchesLegacy(t *testing.T, data []byte, targets []func() any) {
	t.Helper()
	for _, newTarget := range targets {
		got, want := newTarget(), newTarget()
		gotErr := Decode(ContentTypeJSON, data, got)
		wantErr := legacyDecodeJSON(data, want)
		// Outcomes are rendered only when they are errors or differ:
		// rendering a decoded body of 131072 elements costs more than
		// decoding it.
		same := (gotErr == nil) == (wantErr == nil)
		if same && gotErr != nil {
			same = describeDecode(nil, gotErr) == describeDecode(nil, wantErr)
		} else if same {
			same = reflect.DeepEqual(got, want)
		}
		if !same {
			require.FailNow(t, "the decoders disagree", "%T: body %q\n got %s\nwant %s", got, data, describeDecode(got, gotErr), describeDecode(want, wantErr))
		}
	}
}

var legacyJSONCases = []string{
	``, ` `, `{}`, ` {} `, `{} x`, `{}}`, `[]`, `null`, `1`, `"x"`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`,
	`{"StreamName":"s","Limit":3,"ExclusiveStartShardId":"x"}`,
	`{"StreamName":1,"Limit":"x"}`, `{"Limit":"x","StreamName":1}`, `{"StreamName":"a","StreamName":1}`,
	`{"StreamName":1,"StreamName":"a"}`, `{"StreamName":"a","StreamName":null}`,
	`{"Stream\u004eame":"x","\u0053treamName":"y"}`, `{"StreamName":"\ud800\udc00\ud800x\udc00\u00e9\/\b\f\n\r\t\"\\"}`,
	"{\"StreamName\":\"a\xffb\xc3\"}", "{\"StreamName\xff\":\"a\"}", "{\"StreamName\":\"\x01\"}",
	`{"StreamName":tru}`, `{"StreamName":true}`, `{"StreamName":false}`, `{"StreamName":nul}`, `{"StreamName":-}`,
	`{"Limit":01}`, `{"Limit":1.}`, `{"Limit":1e}`, `{"Limit":-0}`, `{"Limit":1E+2}`, `{"Limit":1.5e-3}`,
	`{"Limit":999999999999999999}`, `{"Limit":-999999999999999999}`, `{"Limit":9999999999999999999}`,
	`{"Limit":-9223372036854775808}`, `{"Limit":1e400}`, `{"Limit":-1e400}`, `{"Limit":[1,2]}`, `{"Limit":{"a":1}}`,
	`{"Timestamp":1e400}`, `{"Timestamp":-1.5}`, `{"Timestamp":"x"}`, `{"Timestamp":[]}`, `{"Timestamp":{}}`,
	`{"EnforceConsumerDeletion":"yes"}`, `{"EnforceConsumerDeletion":"\u00e9x"}`, `{"EnforceConsumerDeletion":[{}]}`,
	`{"Data":"aGVsbG8=","PartitionKey":"p"}`, `{"Data":""}`, `{"Data":"abc"}`, `{"Data":"ab!d"}`, `{"Data":"a=bc"}`,
	`{"Data":"QR=="}`, `{"Data":"===="}`, `{"Data":"ééé"}`, `{"Data":"AA\r\n\r\n=="}`, `{"Data":"AAAA\n\n\n\n"}`,
	`{"Data":"AA\u003d\u003d"}`, `{"Data":"\nAAA"}`, `{"Data":"AA=="}`, `{"Data":"AAA="}`, `{"Data":"A==="}`,
	`{"Records":[{"Data":"AA==","PartitionKey":"a"},null,{"ExplicitHashKey":"1"}]}`, `{"Records":[]}`,
	`{"Records":[{"PartitionKey":1},{"PartitionKey":true}]}`, `{"Records":[1,{"PartitionKey":true}]}`,
	`{"Records":[{"PartitionKey":"a","PartitionKey":1,"PartitionKey":"b"}]}`, `{"Records":[[]]}`, `{"Records":{}}`,
	`{"Records":"x"}`, `{"Records":[{"X":[[[{}]]],"Data":"AA=="}],"StreamName":5}`,
	`{"Tags":{"b":1,"a":true,"c":"x"}}`, `{"Tags":{"b":1,"a":"x","a":2}}`, `{"Tags":{"a":1,"a":"x"}}`,
	`{"Tags":{"a":null,"":""}}`, `{"Tags":{"\u0061":"x","a":"y"}}`, `{"Tags":[]}`, `{"Tags":1}`, `{"Tags":{"a":[]}}`,
	`{"StreamModeDetails":{"StreamMode":"PROVISIONED"}}`, `{"StreamModeDetails":"x"}`, `{"StreamModeDetails":[]}`,
	`{"StreamModeDetails":{"StreamMode":1},"StreamName":2}`, `{"StreamModeDetails":null}`,
	`{"ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1700000000.5}}`, `{"ShardFilter":{"Type":"a"},"ShardFilter":{"ShardId":"b"}}`,
	`{"ShardFilter":{"Type":"a"},"ShardFilter":null}`, `{"Foo":[1,{"a":[]}],"StreamName":"s","streamname":1,"Bar":null}`,
	`{"X":[1,2,{"a":{"b":[true,false,null,"\u1234"]}}],"Y":{}}`, `{"X":[1 2]}`, `{"X":{"a" 1}}`, `{"X":{1:2}}`, `{"X":[}`,
	`{"X":{"a":1,}}`, `{"X":[1,]}`, `{"X":"\x"}`, `{"X":"\u12"}`, `{"X":"\u12g4"}`, "{\"X\":\"\t\"}",
	`{"MillisBehindLatest":9223372036854775808,"Records":[{"SequenceNumber":"1","Data":"AA==","PartitionKey":"p","ApproximateArrivalTimestamp":1.5}]}`,
	`{"ChildShards":[{"ShardId":"a","ParentShards":["b",null,1],"HashKeyRange":{"StartingHashKey":"0"}}]}`,
	`{"StreamDescription":{"Shards":[{"ShardId":"x","HashKeyRange":null}],"HasMoreShards":"true"}}`,
}

func TestDecodeJSONMatchesLegacy(t *testing.T) {
	all := allTargets()
	for _, c := range legacyJSONCases {
		checkMatchesLegacy(t, []byte(c), all)
	}
	// Limits, on the types they matter to: nesting depth and element counts.
	few := []func() any{
		func() any { return &struct{}{} },
		func() any { return &DescribeStreamRequest{} },
		func() any { return &CreateStreamRequest{} },
		func() any { return &PutRecordsRequest{} },
		func() any { return &RemoveTagsFromStreamRequest{} },
		func() any { return &AddTagsToStreamRequest{} },
	}
	var cases []string
	cases = append(cases,
		`{"X":`+strings.Repeat("[", 9999)+strings.Repeat("]", 9999)+`}`,
		`{"X":`+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+`}`,
		`{"X":`+strings.Repeat(`{"a":`, 9999)+`1`+strings.Repeat("}", 9999)+`}`,
		`{"X":`+strings.Repeat(`{"a":`, 10000)+`1`+strings.Repeat("}", 10000)+`}`,
		`{"Records":[{"X":`+strings.Repeat("[", 9997)+strings.Repeat("]", 9997)+`}]}`,
		`{"Records":[{"X":`+strings.Repeat("[", 9998)+strings.Repeat("]", 9998)+`}]}`,
	)
	for _, c := range cases {
		checkMatchesLegacy(t, []byte(c), few)
	}
	// Element counts at and just past the limit. Bodies of 131072 elements
	// take tens of milliseconds to decode twice: each is compared on the
	// type whose member it fills, and on the empty struct, which skips it.
	// Under the race detector they take 30 times longer and can show no
	// race (decoding runs on one goroutine): there, only the core cases run
	// (a list, a map and a skipped list at and past the limit), and the run
	// without -race checks them all.
	var (
		any_       = func() any { return &struct{}{} }
		describe   = func() any { return &DescribeStreamRequest{} }
		create     = func() any { return &CreateStreamRequest{} }
		putRecords = func() any { return &PutRecordsRequest{} }
		removeTags = func() any { return &RemoveTagsFromStreamRequest{} }
		addTags    = func() any { return &AddTagsToStreamRequest{} }
	)
	for _, n := range []int{maxElements, maxElements + 1} {
		list := `[` + strings.Repeat(`"k",`, n-1) + `"k"]`
		nums := `[` + strings.Repeat(`1,`, n-1) + `1]`
		obj := `{` + strings.Repeat(`"a":"b",`, n-1) + `"a":"b"}`
		limits := []struct {
			body    string
			targets []func() any
			core    bool
		}{
			{`{"TagKeys":` + list + `}`, []func() any{removeTags}, true},
			{`{"X":` + list + `}`, []func() any{any_}, true},
			{`{"Tags":` + obj + `}`, []func() any{addTags}, true},
			{`{"TagKeys":` + list + `}`, []func() any{any_}, false},
			{`{"TagKeys":` + nums + `}`, []func() any{removeTags}, false},
			{`{"Tags":` + obj + `}`, []func() any{any_}, false},
			{`{"StreamName":` + list + `,"Limit":"x"}`, []func() any{describe}, false},
			{`{"Limit":"x","StreamName":` + obj + `}`, []func() any{describe}, false},
			{`{"StreamName":1,"StreamName":` + list + `}`, []func() any{describe}, false},
			{`{"StreamModeDetails":` + obj + `}`, []func() any{create}, false},
			{`{"StreamModeDetails":` + list + `}`, []func() any{create}, false},
			{`{"Records":[{"PartitionKey":` + nums + `}]}`, []func() any{putRecords}, false},
			{obj, []func() any{any_, describe}, false},
			{`{"TagKeys":` + list + `,"StreamName":1}`, []func() any{removeTags}, false},
		}
		for _, l := range limits {
			if l.core || !raceEnabled {
				checkMatchesLegacy(t, []byte(l.body), l.targets)
			}
		}
	}
}

func FuzzDecodeJSONMatchesLegacy(f *testing.F) {
	addSeeds(f, ContentTypeJSON)
	for _, s := range legacyJSONCases {
		f.Add([]byte(s))
	}
	all := allTargets()
	f.Fuzz(func(t *testing.T, data []byte) {
		checkMatchesLegacy(t, data, all)
	})
}
