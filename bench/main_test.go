package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCycleOrder: over 2n cycles every target takes every place equally
// often, and with up to three targets follows every other equally often.
func TestCycleOrder(t *testing.T) {
	assert.Equal(t, [][]int{{0, 1}, {1, 0}, {1, 0}, {0, 1}},
		[][]int{cycleOrder(2, 0), cycleOrder(2, 1), cycleOrder(2, 2), cycleOrder(2, 3)}, "two targets")
	for n := 2; n <= 4; n++ {
		place := map[[2]int]int{}
		follows := map[[2]int]int{}
		for cycle := range 2 * n {
			order := cycleOrder(n, cycle)
			require.ElementsMatch(t, cycleOrder(n, 0), order, "n=%d cycle %d: a permutation", n, cycle)
			for k, i := range order {
				place[[2]int{i, k}]++
				if k > 0 {
					follows[[2]int{order[k-1], i}]++
				}
			}
		}
		for i := range n {
			for k := range n {
				assert.Equal(t, 2, place[[2]int{i, k}], "n=%d: target %d in place %d", n, i, k)
				if n <= 3 && i != k {
					assert.Equal(t, 2, follows[[2]int{i, k}], "n=%d: %d followed by %d", n, i, k)
				}
			}
		}
	}
}

func TestMedianCI(t *testing.T) {
	values := make([]float64, 48)
	for i := range values {
		values[i] = float64(i)
	}
	assert.Equal(t, "23.50 [17.00-30.00]", medianCI(values, "%.2f"), "48 values")
	assert.Equal(t, "1.00 [1.00-1.00]", medianCI([]float64{1}, "%.2f"), "one value")
	assert.Equal(t, "-", medianCI(nil, "%.2f"), "none")
}

func TestThousands(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 1234567.6: "1,234,568"} {
		assert.Equal(t, want, thousands(v), fmt.Sprint(v))
	}
}

// TestPairedRatios divides slices of the same cycle, skipping those without
// a value.
func TestPairedRatios(t *testing.T) {
	target := []phase{{slices: []slice{{records: 10, seconds: 1}, {records: 30, seconds: 1}, {records: 5, seconds: 0}}}}
	ceiling := []phase{{slices: []slice{{records: 20, seconds: 1}, {records: 20, seconds: 1}, {records: 5, seconds: 1}}}}
	assert.Equal(t, []float64{0.5, 1.5}, pairedRatios(target, ceiling, slice.rate))
}
