package wire_test

import (
	"bytes"
	"context"
	"fmt"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// TestSDKCompatibility drives the real aws-sdk-go-v2 Kinesis client against
// a server that answers with this package's encoding. For every operation
// and a few random fillings it checks that
//   - the body the SDK serializes decodes into our request struct with every
//     member intact, and
//   - the JSON we encode for the response deserializes in the SDK with every
//     member intact.
//
// Comparing member by member by name also proves that every member of our
// structs exists in the SDK with a compatible type.
func TestSDKCompatibility(t *testing.T) {
	var (
		mu        sync.Mutex
		requested []byte
		answer    []byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		requested, body = body, answer
		mu.Unlock()
		w.Header().Set("Content-Type", wire.ContentTypeJSON)
		w.Write(body)
	}))
	defer srv.Close()
	client := kinesis.New(kinesis.Options{
		BaseEndpoint:     aws.String(srv.URL),
		Region:           "us-east-1",
		Credentials:      aws.AnonymousCredentials{},
		RetryMaxAttempts: 1,
		HTTPClient:       srv.Client(),
	})

	for _, op := range wire.Operations {
		if op.EventStream {
			continue // SubscribeToShard answers with an event stream.
		}
		method := reflect.ValueOf(client).MethodByName(op.Name)
		require.True(t, method.IsValid(), "the SDK has no operation %s", op.Name)
		for seed := range uint64(5) {
			in := reflect.New(method.Type().In(1).Elem())
			wiretest.NewFiller(seed, wire.TimestampFromMillis).Fill(in.Elem())
			resp := op.NewResponse()
			wiretest.NewFiller(seed+100, wire.TimestampFromMillis).Fill(reflect.ValueOf(resp).Elem())
			body, err := wire.Encode(wire.ContentTypeJSON, resp)
			require.NoError(t, err)
			if op.EmptyOutput {
				body = nil
			}
			mu.Lock()
			answer = body
			mu.Unlock()

			results := method.Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
			err, _ = results[1].Interface().(error)
			require.NoError(t, err, op.Name)

			mu.Lock()
			sent := bytes.Clone(requested)
			mu.Unlock()
			req := op.NewRequest()
			require.NoError(t, wire.Decode(wire.ContentTypeJSON, sent, req), "%s: decoding %s", op.Name, sent)
			assert.Empty(t, compareSDK(reflect.ValueOf(req), in, op.Name+"wire.Request"), "request\n%s", sent)
			if !op.EmptyOutput {
				assert.Empty(t, compareSDK(reflect.ValueOf(resp), results[0], op.Name+"Response"), "response\n%s", body)
			}
		}
	}
}

// compareSDK compares one of our values with an SDK value, member by member
// by name, and describes the first difference.
func compareSDK(ours, sdk reflect.Value, path string) string {
	ours, sdk = deref(ours), deref(sdk)
	if !ours.IsValid() || !sdk.IsValid() {
		if ours.IsValid() != sdk.IsValid() && !isEmpty(ours) && !isEmpty(sdk) {
			return fmt.Sprintf("%s: ours %v, SDK %v", path, show(ours), show(sdk))
		}
		return ""
	}
	switch {
	case ours.Type() == reflect.TypeFor[wire.Timestamp]() && sdk.Type() == reflect.TypeFor[time.Time]():
		if o, s := ours.Interface().(wire.Timestamp).UnixMilli(), sdk.Interface().(time.Time).UnixMilli(); o != s {
			return fmt.Sprintf("%s: ours %d ms, SDK %d ms", path, o, s)
		}
		return ""
	case ours.Kind() == reflect.Struct:
		if sdk.Kind() != reflect.Struct {
			return fmt.Sprintf("%s: SDK type %s", path, sdk.Type())
		}
		for i := range ours.NumField() {
			tag, ok := ours.Type().Field(i).Tag.Lookup("json")
			if !ok || !ours.Type().Field(i).IsExported() {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			sf := sdk.FieldByName(name)
			if !sf.IsValid() {
				return fmt.Sprintf("%s.%s: no such member in the SDK's %s", path, name, sdk.Type())
			}
			if diff := compareSDK(ours.Field(i), sf, path+"."+name); diff != "" {
				return diff
			}
		}
		return ""
	case ours.Kind() == reflect.Slice && ours.Type() != reflect.TypeFor[[]byte]():
		if sdk.Kind() != reflect.Slice || ours.Len() != sdk.Len() {
			return fmt.Sprintf("%s: ours %v, SDK %v", path, show(ours), show(sdk))
		}
		for i := 0; i < ours.Len(); i++ {
			if diff := compareSDK(ours.Index(i), sdk.Index(i), fmt.Sprintf("%s[%d]", path, i)); diff != "" {
				return diff
			}
		}
		return ""
	case ours.Kind() == reflect.String && sdk.Kind() == reflect.String:
		if ours.String() != sdk.String() {
			return fmt.Sprintf("%s: ours %q, SDK %q", path, ours.String(), sdk.String())
		}
		return ""
	}
	if ours.Kind() != sdk.Kind() {
		return fmt.Sprintf("%s: ours %s, SDK %s", path, ours.Type(), sdk.Type())
	}
	if !reflect.DeepEqual(ours.Interface(), sdk.Interface()) && !(isEmpty(ours) && isEmpty(sdk)) {
		return fmt.Sprintf("%s: ours %v, SDK %v", path, show(ours), show(sdk))
	}
	return ""
}

// deref follows pointers; a nil pointer becomes the invalid Value.
func deref(v reflect.Value) reflect.Value {
	for v.IsValid() && v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

// isEmpty reports whether v is absent, or an empty string, list or map: the
// SDK models absent enums as "" and decodes [] and absent lists alike.
func isEmpty(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return false
}

func show(v reflect.Value) any {
	if !v.IsValid() {
		return "<absent>"
	}
	return v.Interface()
}
