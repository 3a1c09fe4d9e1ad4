package egdi

// Variance-based sensitivity analysis: Saltelli's sampling design with
// Jansen's estimators (A. Saltelli et al., "Variance based sensitivity
// analysis of model output. Design and estimator for the total sensitivity
// index", Computer Physics Communications 181, 2010, Table 2 (b) and (f);
// M. J. W. Jansen, "Analysis of variance designs for model output",
// Computer Physics Communications 117, 1999).
//
// The design draws two independent samples A and B of N rows of the k
// factors. For each factor i, A_B^(i) is A with the column of factor i
// taken from B. The model is run on A, B and every A_B^(i): N·(k+2) runs.
// With V the variance of the output over A and B,
//
//	first-order  S_i  = (V − 1/(2N)·Σ_j (f(B)_j − f(A_B^(i))_j)²) / V
//	total        ST_i = (1/(2N)·Σ_j (f(A)_j − f(A_B^(i))_j)²) / V
//
// A factor need not be a number: any independent draw works (a weight
// vector, a choice, a seed for a noise field), because the design only
// swaps whole factor values between the rows of A and B.

// SobolIndex is the sensitivity of an output to one factor.
type SobolIndex struct {
	Factor string  `json:"factor"`
	First  float64 `json:"first"` // share of the variance due to the factor alone
	Total  float64 `json:"total"` // share due to the factor and its interactions
	// FirstCI and TotalCI are 95 % intervals (Poisson bootstrap of the
	// design's rows, percentile method); zero when not computed.
	FirstCI [2]float64 `json:"first_ci"`
	TotalCI [2]float64 `json:"total_ci"`
}

// sobolNumber is what sums can be kept in: int64 for integer outputs
// (ranks), whose sums are then exact and independent of the order in which
// rows are added — so the result does not depend on the number of cores.
type sobolNumber interface{ ~int64 | ~float64 }

// SobolSums are the running sums of the design for one output.
type SobolSums[T sobolNumber] struct {
	N            int64
	SumA, SumB   T
	SumA2, SumB2 T
	// DA2[i] = Σ (f(A) − f(A_B^(i)))², DB2[i] = Σ (f(B) − f(A_B^(i)))².
	DA2, DB2 []T
}

// NewSobolSums returns empty sums for k factors.
func NewSobolSums[T sobolNumber](k int) SobolSums[T] {
	return SobolSums[T]{DA2: make([]T, k), DB2: make([]T, k)}
}

// Add adds one row: the outputs on A, on B and on each A_B^(i).
func (s *SobolSums[T]) Add(fA, fB T, fAB []T) {
	s.N++
	s.SumA += fA
	s.SumB += fB
	s.SumA2 += fA * fA
	s.SumB2 += fB * fB
	for i, f := range fAB {
		da, db := fA-f, fB-f
		s.DA2[i] += da * da
		s.DB2[i] += db * db
	}
}

// AddN adds one row counted m times (a bootstrap replicate's weight).
func (s *SobolSums[T]) AddN(m T, fA, fB T, fAB []T) {
	s.N += int64(m)
	s.SumA += m * fA
	s.SumB += m * fB
	s.SumA2 += m * fA * fA
	s.SumB2 += m * fB * fB
	for i, f := range fAB {
		da, db := fA-f, fB-f
		s.DA2[i] += m * da * da
		s.DB2[i] += m * db * db
	}
}

// Merge adds the sums of o.
func (s *SobolSums[T]) Merge(o *SobolSums[T]) {
	s.N += o.N
	s.SumA += o.SumA
	s.SumB += o.SumB
	s.SumA2 += o.SumA2
	s.SumB2 += o.SumB2
	for i := range s.DA2 {
		s.DA2[i] += o.DA2[i]
		s.DB2[i] += o.DB2[i]
	}
}

// Variance returns V, the variance of the output over the 2N runs of A and B.
func (s *SobolSums[T]) Variance() float64 {
	if s.N == 0 {
		return 0
	}
	n2 := 2 * float64(s.N)
	mean := (float64(s.SumA) + float64(s.SumB)) / n2
	return (float64(s.SumA2)+float64(s.SumB2))/n2 - mean*mean
}

// Indices returns the first-order and total indices of each factor,
// named by names. With no variance (V ≤ 0) every index is 0.
func (s *SobolSums[T]) Indices(names []string) []SobolIndex {
	out := make([]SobolIndex, len(s.DA2))
	v := s.Variance()
	n2 := 2 * float64(s.N)
	for i := range out {
		out[i].Factor = names[i]
		if v <= 0 || s.N == 0 {
			continue
		}
		out[i].First = (v - float64(s.DB2[i])/n2) / v
		out[i].Total = float64(s.DA2[i]) / n2 / v
	}
	return out
}

// The design samples A and B from one Sobol' low-discrepancy sequence of
// 2k dimensions (A the first k, B the next k), as Saltelli does: at equal
// N it estimates the indices far more precisely than independent random
// rows. The sequence is randomised by a digital shift (each coordinate's
// bits XORed with a seed-derived mask), which keeps its equidistribution
// and makes each seed an independent replicate of the design.

// joeKuo are the primitive polynomials and initial direction numbers of
// dimensions 2–20 of S. Joe and F. Y. Kuo, "Constructing Sobol sequences
// with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2008
// (file new-joe-kuo-6.21201): degree s, coefficients a, and m_1 … m_s.
var joeKuo = []struct {
	s, a uint32
	m    []uint32
}{
	{1, 0, []uint32{1}},
	{2, 1, []uint32{1, 3}},
	{3, 1, []uint32{1, 3, 1}},
	{3, 2, []uint32{1, 1, 1}},
	{4, 1, []uint32{1, 1, 3, 3}},
	{4, 4, []uint32{1, 3, 5, 13}},
	{5, 2, []uint32{1, 1, 5, 5, 17}},
	{5, 4, []uint32{1, 1, 5, 5, 5}},
	{5, 7, []uint32{1, 1, 7, 11, 19}},
	{5, 11, []uint32{1, 1, 5, 1, 1}},
	{5, 13, []uint32{1, 1, 1, 3, 11}},
	{5, 14, []uint32{1, 3, 5, 5, 31}},
	{6, 1, []uint32{1, 3, 3, 9, 7, 49}},
	{6, 13, []uint32{1, 1, 1, 15, 21, 21}},
	{6, 16, []uint32{1, 3, 1, 13, 27, 49}},
	{6, 19, []uint32{1, 1, 1, 15, 7, 5}},
	{6, 22, []uint32{1, 3, 1, 15, 13, 25}},
	{6, 25, []uint32{1, 1, 5, 5, 19, 61}},
	{7, 1, []uint32{1, 3, 7, 11, 23, 15, 103}},
}

// MaxSobolDims is the number of dimensions [SobolPoints] provides.
const MaxSobolDims = 20

// SobolPoints is a digitally shifted Sobol' sequence of up to
// [MaxSobolDims] dimensions, with 32-bit resolution and random access.
type SobolPoints struct {
	v     [][32]uint32 // direction numbers, v[d][b] for bit b of the Gray code
	shift []uint32
}

// NewSobolPoints returns the sequence in dims dimensions, shifted by masks
// drawn from shift (nil: no shift, the plain sequence).
func NewSobolPoints(dims int, shift func() uint32) *SobolPoints {
	if dims < 1 || dims > MaxSobolDims {
		panic("egdi: Sobol' dimensions out of range")
	}
	p := &SobolPoints{v: make([][32]uint32, dims), shift: make([]uint32, dims)}
	for b := range 32 {
		p.v[0][b] = 1 << (31 - b) // dimension 1: the van der Corput sequence
	}
	for d := 1; d < dims; d++ {
		jk := joeKuo[d-1]
		v := &p.v[d]
		for b := uint32(0); b < 32; b++ {
			if b < jk.s {
				v[b] = jk.m[b] << (31 - b)
				continue
			}
			x := v[b-jk.s] ^ (v[b-jk.s] >> jk.s)
			for k := uint32(1); k < jk.s; k++ {
				if (jk.a>>(jk.s-1-k))&1 == 1 {
					x ^= v[b-k]
				}
			}
			v[b] = x
		}
	}
	if shift != nil {
		for d := range p.shift {
			p.shift[d] = shift()
		}
	}
	return p
}

// Bits returns coordinate d of point j as a 32-bit fraction: the XOR of
// the direction numbers of the set bits of the Gray code of j, shifted.
func (p *SobolPoints) Bits(j uint64, d int) uint32 {
	g := j ^ (j >> 1)
	var x uint32
	for b := 0; g != 0 && b < 32; b, g = b+1, g>>1 {
		if g&1 == 1 {
			x ^= p.v[d][b]
		}
	}
	return x ^ p.shift[d]
}

// Point writes point j into dst (one value in [0,1) per dimension; the
// midpoint of its 2^-32 cell, so never 0).
func (p *SobolPoints) Point(j uint64, dst []float64) {
	for d := range dst {
		dst[d] = (float64(p.Bits(j, d)) + 0.5) / (1 << 32)
	}
}
