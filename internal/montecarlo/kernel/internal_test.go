package kernel

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/egdi-project/egdi"
)

// TestLogExp pins the accuracy the geometric mean relies on, over the
// range it uses (components floored at 0.01; exponents of weighted means
// of their logarithms).
func TestLogExp(t *testing.T) {
	le := newLogExp()
	for _, x := range []float64{0.01, 0.0123, 0.1, 0.25, 0.5, 0.70710678, 0.75, 0.99609375, 0.999999, 1, 1.2} {
		if got, want := le.log(x), math.Log(x); math.Abs(got-want) > 1e-11 {
			t.Errorf("log(%v) = %.15f, want %.15f (±1e-11)", x, got, want)
		}
	}
	for _, x := range []float64{-16, -4.6, -1, -0.3466, -0.1, -1e-9, 0, 0.3, 1} {
		if got, want := le.exp(x), math.Exp(x); math.Abs(got-want) > 1e-12*want {
			t.Errorf("exp(%v) = %.15g, want %.15g (±1e-12 relative)", x, got, want)
		}
	}
	for i := range 1000 {
		x := 0.01 + float64(i)*0.00099
		if got, want := le.exp(le.log(x)), x; math.Abs(got-want) > 1e-12 {
			t.Errorf("exp(log(%v)) = %v", x, got)
		}
	}
}

// TestNoiseFactors: the multiplicative noise is uniform on [1 − σ√3,
// 1 + σ√3] (on a 4096-level grid), so mean 1 and standard deviation σ; the
// wyrand stream and the mantissa construction of the factors keep both.
func TestNoiseFactors(t *testing.T) {
	const sigma, n = 0.05, 1 << 17
	k := &Kernel{noiseOn: true}
	a := sigma * math.Sqrt(3)
	k.nf1 = 2 * a
	k.nf0 = 1 - a + a/noiseGrid - k.nf1
	k.noise = egdi.NewNoiseStream(42)
	f := make([]float64, n)
	src := make([]float64, n)
	for i := range src {
		src[i] = 1
	}
	k.noisy(f, src, math.Inf(1))
	var sum, sq float64
	levels := map[float64]bool{}
	for _, x := range f {
		if x < 1-a || x > 1+a {
			t.Fatalf("factor %v outside [%v, %v]", x, 1-a, 1+a)
		}
		sum += x
		sq += (x - 1) * (x - 1)
		levels[x] = true
	}
	mean, sd := sum/n, math.Sqrt(sq/n)
	// Tolerances: 5 standard errors of the mean (σ/√n = 1.4e-4) and 2 %
	// of σ for the standard deviation (its standard error is 0.4 %).
	if math.Abs(mean-1) > 5*sigma/math.Sqrt(n) {
		t.Errorf("mean factor %v, want 1 ± %v", mean, 5*sigma/math.Sqrt(n))
	}
	if math.Abs(sd-sigma) > 0.02*sigma {
		t.Errorf("standard deviation %v, want %v ± 2%%", sd, sigma)
	}
	if len(levels) != noiseGrid {
		t.Errorf("%d distinct factors, want all %d levels", len(levels), noiseGrid)
	}
	// The same values, drawn through noisyMoments, and its moments.
	k.noise = egdi.NewNoiseStream(42)
	g := make([]float64, n)
	s, q := k.noisyMoments(g, src, math.Inf(1))
	for i := range f {
		if f[i] != g[i] {
			t.Fatalf("noisyMoments draws %v at %d, noisy %v", g[i], i, f[i])
		}
	}
	if math.Abs(s-sum) > 1e-9*n || math.Abs(q/n-(sd*sd+2*mean-1)) > 1e-9 {
		t.Errorf("moments %v, %v; want %v, %v", s, q, sum, (sd*sd+2*mean-1)*n)
	}
	// The same factors as the reference's plain formula, 1 + σ√3·(2u − 1)
	// with u = (q + ½)/4096, within 4 ulps (the mantissa construction
	// rounds differently).
	st := egdi.NewNoiseStream(42)
	ref := st.Factors(n, sigma)
	for i := range f {
		if math.Abs(f[i]-ref[i]) > 1e-15 {
			t.Fatalf("factor %d: kernel %v, reference %v", i, f[i], ref[i])
		}
	}
}

// TestRoundHalfAway: the kernel's rounding is math.Round to the bit, at
// ties, next to ties, at zero of either sign, for large values.
func TestRoundHalfAway(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 0.5000000000000001,
		1<<52 - 0.5, 1 << 52, 1<<52 + 1, 1<<53 + 2, math.MaxFloat64, math.SmallestNonzeroFloat64}
	for i := range 100000 {
		x := float64(i) * 0.5 // ties and integers
		xs = append(xs, x, -x, math.Nextafter(x, 0), math.Nextafter(x, 1e9), float64(i)*0.123457)
	}
	for _, x := range xs {
		if got, want := roundHalfAway(x), math.Round(x); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("roundHalfAway(%v) = %v, want %v", x, got, want)
		}
	}
	for _, x := range []float64{0, math.Copysign(0, -1), -1, 0.001, 0.00999, 0.01, 0.0100001, 0.5, 1} {
		if got, want := floor01(x), max(x, 0.01); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("floor01(%v) = %v, want %v", x, got, want)
		}
	}
}

// TestSortDesc: the EGDI sort's order is that of the comparator (tie key,
// highest first, then index), whatever buckets the values fall in (the
// comparator's strict weak order is checked in the root package, with
// OrdinalRanks').
func TestSortDesc(t *testing.T) {
	nearTies := func(t *rapid.T, n int, label string) []float64 {
		centres := []float64{0.5, 0.91234, 0.91235, 0.333333333333, 0.4999999999995, 1e-12}
		steps := []float64{0, 1e-13, 3e-13, 5e-13, 7e-13, 1e-12, 1.5e-12, 2e-12, 1e-5}
		v := make([]float64, n)
		for i := range v {
			v[i] = rapid.SampledFrom(centres).Draw(t, label+"c") + float64(rapid.IntRange(-3, 3).Draw(t, label+"k"))*rapid.SampledFrom(steps).Draw(t, label+"s")
		}
		return v
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 300).Draw(t, "n")
		v := nearTies(t, n, "v")
		kernelCmp := func(a, b int) int {
			if c := cmp.Compare(egdi.TieKey(v[b]), egdi.TieKey(v[a])); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
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
}
