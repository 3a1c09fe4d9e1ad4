package egdi

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestIntRanks checks the bucket-and-insertion ranking, and its radix
// fallback for values bunched into few buckets, against the definition of
// competition ranks: 1 + the number of strictly higher values (−1, a
// missing value, ranks last with the other missing values).
func TestIntRanks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 400).Draw(t, "n")
		// Spread values (one or two to a bucket), bunched values (the
		// fallback) and values with many ties.
		span := rapid.SampledFrom([]int64{1, 3, 40, 1000, 10000, 1 << 39}).Draw(t, "span")
		ints := make([]int64, n)
		for i := range ints {
			ints[i] = rapid.Int64Range(-1, span).Draw(t, "v")
		}
		if rapid.Bool().Draw(t, "outlier") {
			ints[0] = 1<<40 - 1 // the rest bunch into the lowest bucket
		}
		ranks, keys := make([]int, n), make([]uint64, 2*n)
		intRanks(ints, slices.Min(ints), slices.Max(ints), ranks, keys)
		for i, x := range ints {
			want := 1
			for _, y := range ints {
				if y > x {
					want++
				}
			}
			if ranks[i] != want {
				t.Fatalf("value %d (index %d of %v): rank %d, want %d", x, i, ints, ranks[i], want)
			}
		}
	})
}
