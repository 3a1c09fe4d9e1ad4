package egdi

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// checkStrictWeakOrder checks that c, a three-way comparison of the
// elements 0..n−1, is a strict weak order, as sorting needs: irreflexive,
// antisymmetric, and both "before" and "tied" transitive.
func checkStrictWeakOrder(t *rapid.T, n int, c func(a, b int) int) {
	sign := func(x int) int { return cmp.Compare(x, 0) }
	for a := range n {
		if c(a, a) != 0 {
			t.Fatalf("c(%d, %d) = %d, want 0", a, a, c(a, a))
		}
		for b := range n {
			if sign(c(a, b)) != -sign(c(b, a)) {
				t.Fatalf("c(%d, %d) = %d but c(%d, %d) = %d", a, b, c(a, b), b, a, c(b, a))
			}
			for x := range n {
				ab, bx, ax := c(a, b), c(b, x), c(a, x)
				if ab < 0 && bx < 0 && ax >= 0 {
					t.Fatalf("%d before %d before %d, but c(%d, %d) = %d", a, b, x, a, x, ax)
				}
				if ab == 0 && bx == 0 && ax != 0 {
					t.Fatalf("%d tied with %d tied with %d, but c(%d, %d) = %d", a, b, x, a, x, ax)
				}
			}
		}
	}
}

// nearTies draws n EGDI-like values bunched around a few centres, at
// distances around the 1e-12 tie grid (and its half points), with exact
// repeats and, when nan is set, missing values.
func nearTies(t *rapid.T, n int, nan bool, label string) []float64 {
	centres := []float64{0.5, 0.91234, 0.91235, 0.333333333333, 0.4999999999995, 1e-12}
	steps := []float64{0, 1e-13, 3e-13, 5e-13, 7e-13, 1e-12, 1.5e-12, 2e-12, 1e-5}
	v := make([]float64, n)
	for i := range v {
		v[i] = rapid.SampledFrom(centres).Draw(t, label+"c") + float64(rapid.IntRange(-3, 3).Draw(t, label+"k"))*rapid.SampledFrom(steps).Draw(t, label+"s")
		if nan && rapid.IntRange(0, 9).Draw(t, label+"nan") == 0 {
			v[i] = math.NaN()
		}
	}
	return v
}

// TestComparatorsStrictWeakOrder: every comparator with floating-point
// keys is a strict weak order on near-ties. (The former tolerance compare,
// |x − y| ≤ 1e-12 as equal, fails this: x ≈ y ≈ z with x ≉ z.)
func TestComparatorsStrictWeakOrder(t *testing.T) {
	t.Run("cmpDesc", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			v := nearTies(t, rapid.IntRange(1, 12).Draw(t, "n"), true, "v")
			checkStrictWeakOrder(t, len(v), func(a, b int) int { return cmpDesc(v[a], v[b]) })
		})
	})
	t.Run("ordinalCompare", func(t *testing.T) {
		codes := []ISO3{"AND", "BHR", "MDA", "MKD", "PER", "TJK", "TLS", "ZWE"}
		rapid.Check(t, func(t *rapid.T) {
			n := rapid.IntRange(1, len(codes)).Draw(t, "n")
			cs := rapid.Permutation(codes).Draw(t, "codes")[:n]
			raw := nearTies(t, n, true, "raw")
			pub := make([]float64, n)
			for i, x := range raw {
				pub[i] = math.Round(x*1e4) / 1e4 // published on a 4-digit grid
			}
			if rapid.Bool().Draw(t, "noRaw") {
				raw = nil
			}
			// Disjoint recorded pairs, in either code order.
			var breaks [][2]ISO3
			perm := rapid.Permutation(codes).Draw(t, "pairs")
			for k := rapid.IntRange(0, 3).Draw(t, "breaks"); k > 0; k-- {
				breaks = append(breaks, [2]ISO3{perm[2*k-2], perm[2*k-1]})
			}
			checkStrictWeakOrder(t, n, func(a, b int) int { return ordinalCompare(pub, raw, cs, breaks, a, b) })
			// A recorded pair tied on both keys is ranked as recorded.
			ranks, idx := make([]int, n), make([]int, n)
			OrdinalRanks(pub, raw, cs, ranks, idx, breaks)
			for _, p := range breaks {
				i, j := slices.Index(cs, p[0]), slices.Index(cs, p[1])
				if i < 0 || j < 0 || cmpDesc(pub[i], pub[j]) != 0 || raw != nil && cmpDesc(tieKey(raw[i]), tieKey(raw[j])) != 0 {
					continue
				}
				if ranks[i] > ranks[j] {
					t.Fatalf("tie break %v: ranks %d and %d", p, ranks[i], ranks[j])
				}
			}
		})
	})
	// The kernel's EGDI sort: its order is that of the comparator (tie key,
	// highest first, then index), whatever buckets the values fall in.
	t.Run("sortDesc", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			n := rapid.IntRange(1, 300).Draw(t, "n")
			v := nearTies(t, n, false, "v")
			kernelCmp := func(a, b int) int {
				if c := cmpDesc(tieKey(v[a]), tieKey(v[b])); c != 0 {
					return c
				}
				return cmp.Compare(a, b)
			}
			if n <= 12 {
				checkStrictWeakOrder(t, n, kernelCmp)
			}
			order, sv := make([]int32, n), make([]float64, n)
			sortDesc(v, slices.Min(v), slices.Max(v), order, sv, make([]uint8, n), make([]int32, sortBuckets))
			want := make([]int, n)
			for i := range want {
				want[i] = i
			}
			slices.SortFunc(want, kernelCmp)
			for p := range n {
				if int(order[p]) != want[p] {
					t.Fatalf("place %d: index %d (%v), want %d (%v)", p, order[p], v[order[p]], want[p], v[want[p]])
				}
			}
		})
	})
}
