package egdi

import (
	"math"
	"testing"
)

// TestFastLogExp pins the accuracy the geometric mean relies on.
func TestFastLogExp(t *testing.T) {
	for _, x := range []float64{0.01, 0.0123, 0.1, 0.25, 0.5, 0.70710678, 0.75, 0.999999, 1, 1.2} {
		if got, want := fastLog(x), math.Log(x); math.Abs(got-want) > 1e-9 {
			t.Errorf("fastLog(%v) = %.15f, want %.15f (±1e-9)", x, got, want)
		}
	}
	for _, x := range []float64{-10, -4.6, -1, -0.3466, -0.1, 0, 0.3, 1} {
		if got, want := fastExp(x), math.Exp(x); math.Abs(got-want) > 1e-9*want {
			t.Errorf("fastExp(%v) = %.15g, want %.15g (±1e-9 relative)", x, got, want)
		}
	}
}
