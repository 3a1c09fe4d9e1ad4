package egdi

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// ReferenceKernel evaluates a draw the plain way, written from
// [Method.Compute] for readability, not speed (88 µs a replication against
// the fast kernel's 6 µs, raw level 2022, every factor varied:
// BenchmarkReferenceReplication and internal/montecarlo/kernel
// BenchmarkReplication; the fast kernel is tested against this one): every
// buffer is allocated afresh, every function is the one Compute uses or
// the obvious loop. It is the definition the fast kernel
// must reproduce — ranks exactly, scores within 1e-12.
type ReferenceKernel struct {
	md       *Model
	scores   []float64
	rank     []int32
	veryHigh []bool
}

// Scores returns the unrounded EGDI of each place after the last Eval
// (offsets and the zero rule applied).
func (r *ReferenceKernel) Scores() []float64 { return r.scores }

// NewReferenceKernel returns the model's reference kernel.
func (md *Model) NewReferenceKernel() *ReferenceKernel { return &ReferenceKernel{md: md} }

// Eval recomputes the edition under d. The components are built in the
// noise's order (OSI, TII, HCI; see [NoiseStream]); then
//
//	EGDI = Σ_k w_k·c_k (arithmetic) or Π_k max(c_k, 0.01)^w_k (geometric),
//
// plus the place's offset, zeroed by the edition's zero rule; published
// as the edition cuts it ([Precision.Apply]); very high when the published
// value reaches the cut-off; ranked highest first by the unrounded value,
// competition ranks shared between equal published values (ordinal ranks
// in 2020: none shared).
func (r *ReferenceKernel) Eval(d *Draw) ([]int32, []bool) {
	md := r.md
	n := len(md.Order)
	var noise *NoiseStream
	if d.NoiseSeed != 0 && md.Options.Vary.Noise > 0 {
		s := NewNoiseStream(d.NoiseSeed)
		noise = &s
	}
	var c [3][]float64
	for ci := range md.Comp {
		c[ci] = md.referenceComponent(&md.Comp[ci], d, noise)
	}
	e := make([]float64, n)
	for p := range n {
		if d.Geometric {
			e[p] = 1
			for k := range 3 {
				e[p] *= math.Pow(max(c[k][p], 0.01), d.W[k])
			}
		} else {
			e[p] = d.W[0]*c[0][p] + d.W[1]*c[1][p] + d.W[2]*c[2][p]
		}
		e[p] += md.Offset[p]
		if md.Zero[p] {
			e[p] = 0
		}
	}
	pub := make([]float64, n)
	r.veryHigh = make([]bool, n)
	for p, x := range e {
		pub[p] = md.EGDIPrecision.Apply(x)
		r.veryHigh[p] = pub[p] >= md.VeryHigh
	}
	r.scores = e
	r.rank = referenceRanks(e, pub, md.Ordinal)
	return r.rank, r.veryHigh
}

// referenceComponent returns a component's value at each place under d.
func (md *Model) referenceComponent(mc *ModelComponent, d *Draw, noise *NoiseStream) []float64 {
	sigma := md.Options.Vary.Noise
	val := slices.Clone(mc.Given)
	if !mc.Raw {
		if noise != nil {
			for p, f := range noise.Factors(len(val), sigma) {
				val[p] = min(val[p]*f, 1)
			}
		}
		if md.NormGiven {
			// At component level the UN's choice keeps the published index.
			switch d.Norm {
			case NormMinMax:
				MinMax(val)
			case NormRank:
				val = rankShares(val)
			}
		}
		return val
	}
	if noise != nil {
		for x, f := range noise.Factors(len(mc.Carried), sigma) {
			p := mc.Carried[x]
			val[p] = min(val[p]*f, 1)
		}
	}
	r := len(mc.Rows)
	if r == 0 {
		return val
	}
	cp := 0.0
	if mc.Capped {
		cp = d.Cap
	}
	// As Method.composite: Σ_k w_k·norm(min(x_k, cap)), then min–max.
	sum := make([]float64, r)
	for k, w := range mc.W {
		x := slices.Clone(mc.X[k*r : (k+1)*r])
		if noise != nil {
			for j, f := range noise.Factors(r, sigma) {
				x[j] = min(x[j]*f, mc.Hi[k])
			}
		}
		switch d.Norm {
		case NormZMinMax:
			addZ(sum, x, w, cp, make([]float64, r), false)
		case NormMinMax, NormRank:
			for j := range x {
				if cp > 0 {
					x[j] = min(x[j], cp)
				}
			}
			if d.Norm == NormMinMax {
				MinMax(x)
			} else {
				x = rankShares(x)
			}
			for j := range x {
				sum[j] += w * x[j]
			}
		}
	}
	MinMax(sum)
	for j, p := range mc.Rows {
		val[p] = sum[j]
	}
	return val
}

// rankShares returns, for each value, the share of the others strictly
// below it: #{l: v_l < v_j}/(n − 1), so ties share a value, the best is 1
// when alone at the top and the worst 0 (all 0 for fewer than 2 values).
func rankShares(v []float64) []float64 {
	out := make([]float64, len(v))
	if len(v) < 2 {
		return out
	}
	sorted := slices.Sorted(slices.Values(v))
	// count·(1/(n − 1)) rather than count/(n − 1): these values are exact
	// rationals whose sums can fall exactly on a rounding boundary of the
	// published EGDI, so the fast kernel must compute them to the bit, and
	// it multiplies.
	f := 1 / float64(len(v)-1)
	for j, x := range v {
		out[j] = float64(sort.SearchFloat64s(sorted, x)) * f
	}
	return out
}

// referenceRanks ranks places by unrounded value e, highest first; values
// with one [TieKey] (within about 1e-12: float noise of a weighted mean,
// not a difference) keep the place order (ties by the baseline). Competition ranks are 1 +
// the number of places with a higher published value; ordinal ranks are
// positions.
func referenceRanks(e, pub []float64, ordinal bool) []int32 {
	n := len(e)
	rank := make([]int32, n)
	if !ordinal {
		for p := range n {
			r := int32(1)
			for q := range n {
				if pub[q] > pub[p] {
					r++
				}
			}
			rank[p] = r
		}
		return rank
	}
	// On the tie grid of OrdinalRanks ([TieKey]): values with one key are
	// tied and keep the place order.
	order := make([]int, n)
	for p := range order {
		order[p] = p
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(TieKey(e[b]), TieKey(e[a])) })
	for pos, p := range order {
		rank[p] = int32(pos + 1)
	}
	return rank
}
