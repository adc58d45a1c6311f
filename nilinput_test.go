package freshet

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every operation takes a nil input as an empty one, as the AWS SDK does:
// it answers what it answers to an empty input (a result, or the
// validation error of its required members), and never panics.
func TestNilInputIsEmptyInput(t *testing.T) {
	e := New()
	t.Cleanup(func() { e.Close() })
	ctx := context.Background()
	ev := reflect.ValueOf(e)
	ops := 0
	for i := range ev.NumMethod() {
		m := ev.Type().Method(i)
		mt := m.Type
		// func(*Engine, context.Context, *XxxInput) (out, error)
		if mt.NumIn() != 3 || mt.NumOut() != 2 || mt.In(1) != reflect.TypeFor[context.Context]() ||
			mt.In(2).Kind() != reflect.Pointer || !strings.HasSuffix(mt.In(2).Elem().Name(), "Input") {
			continue
		}
		ops++
		t.Run(m.Name, func(t *testing.T) {
			empty := ev.Method(i).Call([]reflect.Value{reflect.ValueOf(ctx), reflect.New(mt.In(2).Elem())})
			var nilIn []reflect.Value
			require.NotPanics(t, func() {
				nilIn = ev.Method(i).Call([]reflect.Value{reflect.ValueOf(ctx), reflect.Zero(mt.In(2))})
			})
			emptyErr, _ := empty[1].Interface().(error)
			nilErr, _ := nilIn[1].Interface().(error)
			if emptyErr == nil {
				assert.NoError(t, nilErr)
				if c, ok := nilIn[0].Interface().(interface{ Close() error }); ok {
					c.Close()
				}
				if c, ok := empty[0].Interface().(interface{ Close() error }); ok {
					c.Close()
				}
				return
			}
			require.Error(t, nilErr)
			assert.Equal(t, emptyErr.Error(), nilErr.Error())
		})
	}
	assert.Equal(t, 39, ops, "operations found")
}
