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

// addZ adds w·z(x) to dst for each country, where z(x) = (min(x,cap) − mean)/σ,
// mean and population σ over the non-missing values (as [MeanStd]). A zero
// σ (every country equal) contributes nothing. It returns the first
// country whose value is missing, or −1; with allowMissing a missing value
// is skipped by the moments and makes that country's sum NaN. tmp holds
// len(x). Three passes: the capped values and their sum, the squared
// deviations, the weighted z-scores; the arithmetic is MeanStd's, operation
// for operation (the uncertainty kernel repeats it to the bit).
func addZ(dst, x []float64, w, cap float64, tmp []float64, allowMissing bool) int {
	tmp = tmp[:len(x)]
	var s float64
	n := 0
	for i, v := range x {
		if v != v {
			if !allowMissing {
				return i
			}
			tmp[i] = v
			continue
		}
		if cap > 0 && v > cap {
			v = cap
		}
		tmp[i] = v
		s += v
		n++
	}
	if n == 0 {
		return -1
	}
	mean := s / float64(n)
	var ss float64
	for _, v := range tmp {
		if v == v {
			d := v - mean
			ss += d * d
		}
	}
	sd := math.Sqrt(ss / float64(n))
	if !(sd > 0) {
		return -1
	}
	k := w / sd
	dst = dst[:len(tmp)]
	for i, v := range tmp {
		dst[i] += k * (v - mean)
	}
	return -1
}

// addGoalpost adds w·min(x,cap)/100 to dst: the UNDP education-index
// normalisation used for HCI before 2012 (percentages to fractions). It
// returns the first country whose value is missing, or −1 (see addZ).
func addGoalpost(dst, x []float64, w, cap float64, allowMissing bool) int {
	for i, v := range x {
		if v != v && !allowMissing {
			return i
		}
		if cap > 0 && v > cap {
			v = cap
		}
		dst[i] += w * v / 100
	}
	return -1
}
