package readbuf

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWithFrom(t *testing.T) {
	assert.Nil(t, From[int](context.Background()), "nothing lent")

	dst := make([]int, 3, 8)
	ctx := With(context.Background(), &dst)
	got := From[int](ctx)
	assert.Len(t, got, 0)
	assert.Equal(t, 8, cap(got))
	assert.Same(t, &dst[0], &got[:1][0], "the lent array itself")

	assert.Nil(t, From[string](ctx), "a slice of another type is not lent")

	strs := make([]string, 0, 4)
	both := With(ctx, &strs)
	assert.Equal(t, 4, cap(From[string](both)))
	assert.Equal(t, 8, cap(From[int](both)), "lent independently")
}
