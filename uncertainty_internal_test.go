package egdi

import (
	"math"
	"testing"
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
