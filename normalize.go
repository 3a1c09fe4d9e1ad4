package egdi

import "math"

// MinMax rescales v in place to [0,1]: (v − min)/(max − min) over the
// non-NaN values. The best value becomes 1 and the worst 0. When every value
// is equal the range is zero and all become 0 (METHODOLOGY §8: never divide
// by zero). NaN values stay NaN.
func MinMax(v []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	r := hi - lo
	for i, x := range v {
		if math.IsNaN(x) {
			continue
		}
		if r > 0 {
			v[i] = (x - lo) / r
		} else {
			v[i] = 0
		}
	}
}

// MeanStd returns the mean and the population standard deviation
// σ = sqrt(Σ(x − mean)²/n) of the non-NaN values of v, and their count.
// Population and sample σ give the same index once the composite is
// min–max rescaled (METHODOLOGY §2.1); the Survey states population σ.
func MeanStd(v []float64) (mean, sd float64, n int) {
	var s float64
	for _, x := range v {
		if !math.IsNaN(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean = s / float64(n)
	var ss float64
	for _, x := range v {
		if !math.IsNaN(x) {
			d := x - mean
			ss += d * d
		}
	}
	return mean, math.Sqrt(ss / float64(n)), n
}

// addZ adds w·z(x) to dst for each country, where z(x) = (min(x,cap) − mean)/σ.
// A zero σ (every country equal) contributes nothing.
func addZ(dst, x []float64, w, cap float64, tmp []float64) {
	copy(tmp, x)
	if cap > 0 {
		for i, v := range tmp {
			if v > cap {
				tmp[i] = cap
			}
		}
	}
	mean, sd, _ := MeanStd(tmp)
	if !(sd > 0) {
		return
	}
	k := w / sd
	for i, v := range tmp {
		dst[i] += k * (v - mean)
	}
}

// addGoalpost adds w·min(x,cap)/100 to dst: the UNDP education-index
// normalisation used for HCI before 2012 (percentages to fractions).
func addGoalpost(dst, x []float64, w, cap float64) {
	for i, v := range x {
		if cap > 0 && v > cap {
			v = cap
		}
		dst[i] += w * v / 100
	}
}
