// Package readbuf lets a caller of the engine lend it, through the call's
// context and without a public API, the slices some outputs go into: the
// records of GetRecords and the results of PutRecords. The wire server
// reuses them from call to call instead of having the engine allocate (and
// zero) a megabyte for every GetRecords of 10,000 records.
//
// A lender must not use a lent slice while the call runs, and may reuse it
// once it no longer needs the output, whether the output is in the lent
// slice or in one the engine allocated: the engine keeps no reference to
// either.
package readbuf

import "context"

// key is the context key of a lent []T.
type key[T any] struct{}

// With returns a context that lends *dst, whose capacity the engine may
// fill, to the calls made with it. Slices of different element types are
// lent independently.
func With[T any](ctx context.Context, dst *[]T) context.Context {
	return context.WithValue(ctx, key[T]{}, dst)
}

// From returns the []T lent through ctx, of length zero, or nil.
func From[T any](ctx context.Context) []T {
	if dst, ok := ctx.Value(key[T]{}).(*[]T); ok {
		return (*dst)[:0]
	}
	return nil
}
