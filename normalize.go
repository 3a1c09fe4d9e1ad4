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
// mean and population σ over the non-missing values. A zero σ (every
// country equal) contributes nothing. It returns the first country whose
// value is missing, or −1; with allowMissing a missing value is skipped by
// the moments and makes that country's sum NaN. tmp holds len(x). Three
// passes: the capped values and their sum ([CapSum]), the squared
// deviations ([SqDev]), the weighted z-scores. The uncertainty kernel
// rebuilds composites with the same functions, so that with nothing varied
// its values are Compute's to the bit.
func addZ(dst, x []float64, w, cap float64, tmp []float64, allowMissing bool) int {
	tmp = tmp[:len(x)]
	var mean, sd float64
	s, bad := CapSum(tmp, x, cap)
	switch {
	case bad < 0:
		mean = s / float64(len(x))
		sd = math.Sqrt(SqDev(tmp, mean) / float64(len(x)))
	case !allowMissing:
		return bad
	default:
		// Missing values (HCI 2008–2010): the moments of the others.
		for i, v := range x {
			if cap > 0 && v > cap {
				v = cap
			}
			tmp[i] = v
		}
		var n int
		mean, sd, n = MeanStd(tmp)
		if n == 0 {
			return -1
		}
	}
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

// CapSum (exported so that the Monte Carlo kernel, internal/montecarlo/kernel,
// sums exactly as Method.Compute does, bit for bit) writes min(x_i, cap) (x_i itself when cap ≤ 0) into dst and
// returns their sum, or stops at the first NaN and returns its index (−1
// when there is none). The sum is kept in four running partial sums, one
// per residue of i mod 4, added as (s0 + s1) + (s2 + s3) and then the
// remaining values in order: four independent chains of additions instead
// of one (the additions' latency, not their number, bounds the loop).
func CapSum(dst, x []float64, cap float64) (sum float64, nan int) {
	dst = dst[:len(x)]
	if cap <= 0 {
		cap = math.Inf(1)
	}
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v, d := x[i:i+4:i+4], dst[i:i+4:i+4]
		v0, v1, v2, v3 := v[0], v[1], v[2], v[3]
		if v0 != v0 || v1 != v1 || v2 != v2 || v3 != v3 {
			break
		}
		if v0 > cap {
			v0 = cap
		}
		if v1 > cap {
			v1 = cap
		}
		if v2 > cap {
			v2 = cap
		}
		if v3 > cap {
			v3 = cap
		}
		d[0], d[1], d[2], d[3] = v0, v1, v2, v3
		s0, s1, s2, s3 = s0+v0, s1+v1, s2+v2, s3+v3
	}
	sum = (s0 + s1) + (s2 + s3)
	for ; i < len(x); i++ {
		v := x[i]
		if v != v {
			return 0, i
		}
		if v > cap {
			v = cap
		}
		dst[i] = v
		sum += v
	}
	return sum, -1
}

// SqDev returns Σ(v_i − mean)², with CapSum's four partial sums.
func SqDev(v []float64, mean float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		x := v[i : i+4 : i+4]
		d0, d1, d2, d3 := x[0]-mean, x[1]-mean, x[2]-mean, x[3]-mean
		s0, s1, s2, s3 = s0+d0*d0, s1+d1*d1, s2+d2*d2, s3+d3*d3
	}
	s := (s0 + s1) + (s2 + s3)
	for ; i < len(v); i++ {
		d := v[i] - mean
		s += d * d
	}
	return s
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
