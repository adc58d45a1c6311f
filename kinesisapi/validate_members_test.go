package kinesisapi

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/constraint"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// TestEveryMemberReachesItsPath checks how the engine and the wire server
// hand their requests' members to the constraint tables: for every member
// of every operation's table, a request whose member of that name breaks
// its constraints (and nothing else is set) must fail with a violation at
// that member's path, in the engine and on the wire. A member handed to the
// wrong place in the table, or not at all, fails it.
func TestEveryMemberReachesItsPath(t *testing.T) {
	// Engine inputs have no StreamId.
	notInEngine := map[string]bool{"streamId": true}
	e := freshet.New()
	t.Cleanup(func() { e.Close() })
	for name, op := range constraint.Operations {
		wop, ok := wire.Lookup(name)
		require.True(t, ok, "%s: not a wire operation", name)
		method := reflect.ValueOf(e).MethodByName(name)
		require.True(t, method.IsValid(), "%s: not an engine method", name)
		inType := method.Type().In(1).Elem()
		for _, m := range leafMembers(op.Members) {
			bad, ok := badValue(m.member.Shape)
			if !ok {
				continue // no constraint to break
			}
			t.Run(name+"/"+m.path, func(t *testing.T) {
				want := "' at '" + m.path + "' failed to satisfy constraint"

				req := wop.NewRequest()
				setMember(t, reflect.ValueOf(req).Elem(), m.goPath, m.inList, bad)
				msg := validationMessage(t, req.Validate())
				assert.Contains(t, msg, want, "wire")

				if notInEngine[m.goPath[len(m.goPath)-1]] {
					return
				}
				in := reflect.New(inType)
				setMember(t, in.Elem(), m.goPath, m.inList, bad)
				out := method.Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
				err, _ := out[1].Interface().(error)
				assert.Contains(t, validationMessage(t, err), want, "engine")
			})
		}
	}
}

// leaf is a member that is not a structure, with the path its violations
// carry and the lowerCamelCase names leading to it.
type leaf struct {
	member *constraint.Member
	path   string
	goPath []string
	inList bool // goPath[0] is a list of structures holding goPath[1]
}

func leafMembers(ms []constraint.Member) []leaf {
	var out []leaf
	for i := range ms {
		m := &ms[i]
		switch m.Shape.Kind {
		case constraint.KindStruct:
			out = append(out, leafMembers(m.Fields)...) // paths are full
		case constraint.KindList:
			for j := range m.Fields {
				f := &m.Fields[j]
				out = append(out, leaf{f, m.Path + ".1.member." + f.Path, []string{m.Path, f.Path}, true})
			}
		default:
			out = append(out, leaf{m, m.Path, strings.Split(m.Path, "."), false})
		}
	}
	return out
}

// badValue returns a value breaking the constraints of s, and false when s
// has none.
func badValue(s *constraint.Shape) (any, bool) {
	switch s.Kind {
	case constraint.KindString:
		switch {
		case s.Pattern != "" || len(s.Enum) > 0:
			return " ", true
		case s.MaxLen > 0:
			return strings.Repeat("a", s.MaxLen+1), true
		}
	case constraint.KindInt:
		switch {
		case s.HasMin && s.Min == 1:
			return int64(-1), true // not 0: zero is absent in the engine
		case s.HasMin:
			return s.Min - 1, true
		case s.HasMax:
			return s.Max + 1, true
		}
	case constraint.KindBlob:
		return make([]byte, s.MaxLen+1), true
	case constraint.KindStrings:
		return make([]string, s.MaxLen+1), true
	case constraint.KindMap:
		m := map[string]string{}
		for i := range s.MaxLen + 1 {
			m[strconv.Itoa(i)] = "v"
		}
		return m, true
	}
	return nil, false
}

// setMember sets the member at goPath (lowerCamelCase names) of the struct
// v to bad, allocating pointers on the way; inList makes goPath[0] a list
// of one structure.
func setMember(t *testing.T, v reflect.Value, goPath []string, inList bool, bad any) {
	t.Helper()
	for i, name := range goPath {
		f := v.FieldByName(strings.ToUpper(name[:1]) + name[1:])
		require.True(t, f.IsValid(), "%s has no member %s", v.Type(), name)
		if f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct {
			f.Set(reflect.New(f.Type().Elem()))
			f = f.Elem()
		}
		if i == 0 && inList {
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			f = f.Index(0)
		}
		if i < len(goPath)-1 {
			v = f
			continue
		}
		set(t, f, bad)
	}
}

// set stores bad in f, a string, integer, blob, list or map member, or a
// pointer to a string or integer.
func set(t *testing.T, f reflect.Value, bad any) {
	t.Helper()
	if f.Kind() == reflect.Pointer {
		f.Set(reflect.New(f.Type().Elem()))
		f = f.Elem()
	}
	switch b := bad.(type) {
	case string:
		f.SetString(b)
	case int64:
		f.SetInt(b)
	default:
		f.Set(reflect.ValueOf(bad))
	}
}

// validationMessage returns the message of a ValidationException, failing
// the test for anything else.
func validationMessage(t *testing.T, err error) string {
	t.Helper()
	var ferr *freshet.Error
	require.True(t, errors.As(err, &ferr), "error = %v, want a ValidationException", err)
	require.Equal(t, "ValidationException", ferr.Code, "error = %v", err)
	return ferr.Message
}
