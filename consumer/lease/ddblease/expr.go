package ddblease

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// expr builds the condition and update expressions of one request. It
// names every attribute through a placeholder (#name), so that no
// attribute name can collide with a DynamoDB reserved word, and includes
// in the request only the names and values used, as DynamoDB requires.
//
// The KCL writes with the legacy Expected and AttributeUpdates
// parameters. This store uses condition and update expressions instead:
// they are what DynamoDB documents today (the legacy parameters are kept
// for old applications only), they express "owner and counter match" and
// "ADD 1 if the owner changes" as directly, and the effect on the item,
// which is all that Java workers see, is the same.
type expr struct {
	names  map[string]string
	values map[string]types.AttributeValue
	cond   []string
	set    []string
	remove []string
	add    []string
}

func newExpr() *expr {
	return &expr{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

// n returns the placeholder of the attribute name attr.
func (e *expr) n(attr string) string {
	p := "#" + attr
	e.names[p] = attr
	return p
}

// v returns the placeholder of a value.
func (e *expr) v(name string, val types.AttributeValue) string {
	p := ":" + name
	e.values[p] = val
	return p
}

// where adds a condition; conditions are joined with AND.
func (e *expr) where(c string) *expr { e.cond = append(e.cond, c); return e }

// isLease conditions the write on the item being a lease (see isLease), so
// that items of other entity types are never rewritten, and on the item
// being a lease of stream: in single-stream mode (stream ""), one without
// streamName.
func (e *expr) isLease(stream string) *expr {
	t := e.n(attrEntityType)
	e.where("(attribute_not_exists(" + t + ") OR " + t + " = " + e.v("lease", str(entityLease)) + ")")
	if stream == "" {
		return e.where("attribute_not_exists(" + e.n(attrStreamName) + ")")
	}
	return e.where(e.n(attrStreamName) + " = " + e.v("stream", str(stream)))
}

func (e *expr) counterIs(c int64) *expr {
	return e.where(e.n(attrLeaseCounter) + " = " + e.v("counter", num(c)))
}

func (e *expr) ownerIs(owner string) *expr {
	if owner == "" {
		return e.where("attribute_not_exists(" + e.n(attrLeaseOwner) + ")")
	}
	return e.where(e.n(attrLeaseOwner) + " = " + e.v("owner", str(owner)))
}

// put sets attr to val.
func (e *expr) put(attr string, val types.AttributeValue) *expr {
	e.set = append(e.set, e.n(attr)+" = "+e.v("put_"+attr, val))
	return e
}

// del removes attr.
func (e *expr) del(attrs ...string) *expr {
	for _, a := range attrs {
		e.remove = append(e.remove, e.n(a))
	}
	return e
}

// inc adds 1 to the number attr.
func (e *expr) inc(attr string) *expr {
	e.add = append(e.add, e.n(attr)+" "+e.v("one", num(1)))
	return e
}

func (e *expr) condition() *string {
	if len(e.cond) == 0 {
		return nil
	}
	s := strings.Join(e.cond, " AND ")
	return &s
}

func (e *expr) update() *string {
	var b strings.Builder
	for _, clause := range []struct {
		verb  string
		items []string
	}{{"SET", e.set}, {"REMOVE", e.remove}, {"ADD", e.add}} {
		if len(clause.items) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(clause.verb + " " + strings.Join(clause.items, ", "))
	}
	s := b.String()
	return &s
}

func (e *expr) attrNames() map[string]string {
	if len(e.names) == 0 {
		return nil
	}
	return e.names
}

func (e *expr) attrValues() map[string]types.AttributeValue {
	if len(e.values) == 0 {
		return nil
	}
	return e.values
}
