// Package readbuf lets a caller of the engine lend GetRecords the slice its
// records go into, through the call's context, without a public API: the
// wire server reuses one slice per call in flight instead of allocating
// (and zeroing) a megabyte for every GetRecords of 10,000 records.
//
// A lender must not use the slice while the call runs, and may reuse it
// once it no longer needs the output: the engine keeps no reference to it.
package readbuf

import "context"

// key is the context key of a lent slice.
type key struct{}

// With returns a context that lends *dst, whose capacity GetRecords may
// fill, to the calls made with it.
func With[T any](ctx context.Context, dst *[]T) context.Context {
	return context.WithValue(ctx, key{}, dst)
}

// From returns the slice lent through ctx, of length zero, or nil.
func From[T any](ctx context.Context) []T {
	if dst, ok := ctx.Value(key{}).(*[]T); ok {
		return (*dst)[:0]
	}
	return nil
}
