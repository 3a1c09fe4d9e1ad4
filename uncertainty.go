package egdi

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Rank uncertainty: how much of a ranking is the data and how much the
// choices of the method. Each replication recomputes the whole edition —
// at raw level where raw inputs exist (the TII from ITU data), else at
// component level — under choices drawn at random:
//
//   - weights: (w_OSI, w_TII, w_HCI) uniform on the part of the simplex
//     where every weight is at least 1/3 − band (so at most 1/3 + 2·band);
//     band = 0.1 by default: each weight in [0.233, 0.533];
//   - normalisation of each indicator: z-score then min–max of the
//     composite (the UN's), min–max, or rank (the share of countries with a
//     lower value), one of three with equal chance. At raw level it acts on
//     the raw inputs of the composites rebuilt (the TII's), and the indices
//     given as published (OSI, HCI) keep the UN's normalisation, which
//     made them. At component level, where every index is given, an index
//     stays as published under the UN's choice, is min–max rescaled under
//     min–max and replaced by its rank share under rank;
//   - TII cap: none, 100, 120 or 150 per 100 inhabitants, equal chance
//     (raw level only: it acts on raw subscriptions);
//   - noise: every input value x (raw input or given index) becomes
//     x·(1 + σ·√3·(2u − 1)), u uniform: a multiplicative error of standard
//     deviation σ (default 0.05), uniform rather than normal because it is
//     five times cheaper to draw and bounded; then clamped to the input's
//     bounds (an index to [0, 1]);
//   - aggregation: arithmetic Σ w_k·c_k (the UN's) or geometric
//     Π max(c_k, 0.01)^w_k, equal chance (the 0.01 floor keeps the worst
//     country of one component, at 0 after min–max, from being zeroed).
//
// Choices not varied stay the edition's. The edition's zero rule keeps
// applying to the countries it applied to. At component level a country
// whose published EGDI is not the cut of its published components' mean
// keeps the difference as an offset (see [NewModel]). EGDI values are cut to the
// edition's precision and ranked by its tie rule, ties in unrounded values
// broken by the baseline order. With nothing varied every replication is
// the baseline: the base's own ranking.

// Normalisation is how a replication puts indicators on one scale.
type Normalisation uint8

// Normalisations.
const (
	NormZMinMax Normalisation = iota // z-scores, weighted sum, min–max (the UN's)
	NormMinMax                       // min–max of each indicator, weighted sum, min–max
	NormRank                         // rank share of each indicator, weighted sum, min–max
)

// String returns the normalisation's name.
func (n Normalisation) String() string {
	return [...]string{"z-minmax", "minmax", "rank"}[n]
}

// Caps are the TII caps a replication draws from (0 = none).
var Caps = [4]float64{0, 100, 120, 150}

// Defaults of [Vary].
const (
	DefaultWeightBand = 0.1
	DefaultNoise      = 0.05
	// MaxReplications is the most replications allowed without Force.
	MaxReplications = 100_000_000
	// DefaultSensitivityRows is the number of Saltelli rows used when
	// Sensitivity is on and SensitivityRows is 0 (capped at Replications).
	DefaultSensitivityRows = 1 << 13
)

// Vary says which choices each replication draws.
type Vary struct {
	Weights       bool    `json:"weights"`
	WeightBand    float64 `json:"weight_band,omitempty"`
	Normalisation bool    `json:"normalisation"`
	Cap           bool    `json:"cap"`
	Noise         float64 `json:"noise"` // σ of the multiplicative noise; 0 = none
	Aggregation   bool    `json:"aggregation"`
}

// DefaultVary varies everything, with the default band and noise.
var DefaultVary = Vary{Weights: true, WeightBand: DefaultWeightBand, Normalisation: true, Cap: true,
	Noise: DefaultNoise, Aggregation: true}

// ParseVary reads a list such as "weights,normalisation,cap,noise=0.05,
// aggregation"; weights may carry the band ("weights=0.15") and noise its
// σ ("noise" alone is 0.05). "none" varies nothing.
func ParseVary(s string) (Vary, error) {
	var v Vary
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(strings.ToLower(part))
		name, val, hasVal := strings.Cut(part, "=")
		num := func(def, lo, hi float64) (float64, error) {
			if !hasVal {
				return def, nil
			}
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || !(x > lo && x <= hi) {
				return 0, Errorf(EINVALID, "Bad --vary %s=%s: give a number above %g and at most %g.", name, val, lo, hi)
			}
			return x, nil
		}
		var err error
		switch name {
		case "", "none":
		case "weights":
			v.Weights = true
			v.WeightBand, err = num(DefaultWeightBand, 0, 1.0/3)
		case "normalisation", "normalization":
			v.Normalisation = true
		case "cap":
			v.Cap = true
		case "noise":
			v.Noise, err = num(DefaultNoise, 0, 0.5)
		case "aggregation":
			v.Aggregation = true
		default:
			err = Errorf(EINVALID, "Unknown --vary %q: choose from weights, normalisation, cap, noise=σ, aggregation, none.", part)
		}
		if err != nil {
			return Vary{}, err
		}
		if hasVal && name != "weights" && name != "noise" {
			return Vary{}, Errorf(EINVALID, "--vary %s takes no value.", name)
		}
	}
	return v, nil
}

// Factor is one choice a replication draws; the factors of a sensitivity
// analysis.
type Factor uint8

// Factors, in the order of [Vary].
const (
	FactorWeights Factor = iota
	FactorNormalisation
	FactorCap
	FactorNoise
	FactorAggregation
	numFactors
)

var factorNames = [numFactors]string{"weights", "normalisation", "cap", "noise", "aggregation"}

// String returns the factor's name.
func (f Factor) String() string { return factorNames[f] }

// dims is the number of uniform numbers a factor's draw uses.
var factorDims = [numFactors]int{2, 1, 1, 1, 1}

// UncertaintyOptions configure an uncertainty analysis.
type UncertaintyOptions struct {
	Replications int    `json:"replications"`
	Seed         uint64 `json:"seed"`
	Vary         Vary   `json:"vary"`
	// Countries whose rank gets its own Sobol indices (with Sensitivity).
	Countries []ISO3 `json:"countries,omitempty"`
	// Sensitivity adds first-order and total Sobol indices of each varied
	// factor for the mean absolute rank shift and each of Countries.
	Sensitivity bool `json:"sensitivity"`
	// SensitivityRows is N of the Saltelli design, which costs N·(k+2)
	// more recomputations for k factors; 0 means min(Replications,
	// DefaultSensitivityRows).
	SensitivityRows int `json:"sensitivity_rows,omitempty"`
	// Force allows more than MaxReplications.
	Force bool `json:"-"`
}

// Validate checks the options: EINVALID for N ≤ 0, N > MaxReplications
// without Force, or a sensitivity without a varied factor.
func (o *UncertaintyOptions) Validate() error {
	switch {
	case o.Replications <= 0:
		return Errorf(EINVALID, "--replications must be at least 1, not %d.", o.Replications)
	case o.Replications > MaxReplications && !o.Force:
		return Errorf(EINVALID, "--replications %d is more than %d: pass --force if you mean it (each costs about 5–15 µs of one core).",
			o.Replications, MaxReplications)
	case o.SensitivityRows < 0 || o.SensitivityRows > MaxReplications:
		return Errorf(EINVALID, "--sensitivity-rows must be between 0 and %d.", MaxReplications)
	case o.Vary.Weights && !(o.Vary.WeightBand > 0 && o.Vary.WeightBand <= 1.0/3):
		return Errorf(EINVALID, "The weight band must be above 0 and at most 1/3, not %g.", o.Vary.WeightBand)
	case o.Vary.Noise < 0 || o.Vary.Noise > 0.5 || math.IsNaN(o.Vary.Noise):
		return Errorf(EINVALID, "The noise must be between 0 and 0.5, not %g.", o.Vary.Noise)
	}
	if o.Sensitivity && len(o.factors()) == 0 {
		return Errorf(EINVALID, "--sensitivity needs at least one varied factor (--vary).")
	}
	if !o.Sensitivity && len(o.Countries) > 0 {
		return Errorf(EINVALID, "--countries selects the countries of --sensitivity: add --sensitivity.")
	}
	return nil
}

// factors returns the varied factors, in order.
func (o *UncertaintyOptions) factors() []Factor {
	var out []Factor
	v := o.Vary
	for f, on := range [numFactors]bool{v.Weights, v.Normalisation, v.Cap, v.Noise > 0, v.Aggregation} {
		if on {
			out = append(out, Factor(f))
		}
	}
	return out
}

// Draw is the choices of one replication.
type Draw struct {
	W         [3]float64
	Norm      Normalisation
	Cap       float64
	Geometric bool
	NoiseSeed uint64 // 0: no noise
}

// composite is one component of the model: recomputed from raw inputs for
// the rows of raw countries, or given as an index.
type composite struct {
	raw     bool
	rows    []int32   // country index of each raw row
	x       []float64 // raw inputs, input-major: x[k*len(rows)+j]
	hi      []float64 // upper bound of each raw input (noise clamp)
	w       []float64 // weight of each raw input in the composite
	capped  bool      // the cap acts on this composite's inputs (TII)
	cap     float64   // the edition's cap (0 = none)
	given   []float64 // per country: the index (NaN for raw rows)
	carried []int32   // countries of a raw composite that keep their given index
	// Without noise a component depends only on the normalisation and, for
	// the TII, the cap: pres[norm][c] is the vector for cap capVals[c].
	capVals []float64
	pres    [3][][]float64
}

// pre returns the precomputed component for a normalisation and cap, or
// nil when that cap was not precomputed.
func (mc *composite) pre(norm Normalisation, cp float64) []float64 {
	for c, x := range mc.capVals {
		if x == cp {
			return mc.pres[norm][c]
		}
	}
	return nil
}

// Model is an edition prepared for uncertainty analysis: flat arrays the
// replication kernel reads and never writes. It is safe for concurrent
// use by many [Kernel]s.
type Model struct {
	Base    *Base
	Options UncertaintyOptions
	factors []Factor
	logExp  *logExp
	dims    int // uniforms per draw

	n         int
	comp      [3]composite // OSI, TII, HCI
	normGiven bool         // the normalisation also acts on given indices (component level only)
	weights   [3]float64   // the edition's EGDI weights
	zero      []bool       // the edition's zero rule applies to the country
	offset    []float64    // published EGDI − recomputed, where they disagree (component level)
	egdiMode  RoundMode
	egdiPow   float64 // 10^digits
	veryHighQ float64 // the very-high cut-off in units of the last published digit
	ordinal   bool
	posBits   uint    // bits of a country's position in a sort key
	order     []int32 // countries in baseline rank order
	baseRank  []int32
	sens      []int // countries with their own Sobol indices
	rows      int   // Saltelli rows
	sobol     *SobolPoints
}

// NewModel prepares a base for an uncertainty analysis. The base's level
// decides how components are recomputed: at raw level composites with raw
// inputs are rebuilt in every replication (carried countries keep their
// given index, with noise); at component level every index is given.
func NewModel(b *Base, o UncertaintyOptions) (*Model, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Vary.Weights && o.Vary.WeightBand == 0 {
		o.Vary.WeightBand = DefaultWeightBand
	}
	m := b.Method
	n := len(b.Scores)
	md := &Model{Base: b, Options: o, factors: o.factors(), n: n, logExp: newLogExp(), normGiven: b.Level == ComponentLevel,
		weights: [3]float64{m.Weights.OSI, m.Weights.TII, m.Weights.HCI}, zero: make([]bool, n),
		egdiMode: m.EGDIPrecision.Mode, egdiPow: math.Pow10(m.EGDIPrecision.Digits),
		ordinal: m.Ties == Ordinal, posBits: uint(bits.Len(uint(n))), baseRank: make([]int32, n)}
	for _, f := range md.factors {
		md.dims += factorDims[f]
	}
	if o.Vary.Cap && b.Level != RawLevel {
		md.Options.Vary.Cap = false
		md.factors = slices.DeleteFunc(md.factors, func(f Factor) bool { return f == FactorCap })
		md.dims--
	}
	// The kernel numbers countries by their place in the baseline ranking
	// (ties in the order the base lists them): the country at place p is
	// order[p]. Sorting by EGDI then breaks ties of unrounded values by the
	// baseline order, the country ranked just below is p+1, and the arrays
	// are read in rank order.
	md.order = make([]int32, n)
	for i := range md.order {
		md.order[i] = int32(i)
	}
	slices.SortStableFunc(md.order, func(a, c int32) int { return b.Scores[a].EGDIRank - b.Scores[c].EGDIRank })
	in := b.Inputs
	at := func(ind Indicator, p int) float64 { return in.Get(ind, int(md.order[p])) }
	for p, i := range md.order {
		md.baseRank[p] = int32(b.Scores[i].EGDIRank)
	}
	for ci, c := range []struct {
		index Indicator
		comp  *Composite
	}{{OSI, nil}, {TII, &m.TII}, {HCI, &m.HCI}} {
		mc := &md.comp[ci]
		mc.given = make([]float64, n)
		mc.raw = b.Level == RawLevel && c.comp != nil && b.Raw[c.index]
		for p := range n {
			v := at(c.index, p)
			if math.IsNaN(v) {
				v = 0 // a missing HCI (2008–2010) is shown and zeroed as 0
			}
			mc.given[p] = v
		}
		if !mc.raw {
			continue
		}
		mc.capped, mc.cap = c.index == TII, c.comp.Cap
		for p, i := range md.order {
			if complete(in, c.comp.Inputs, int(i)) {
				mc.rows = append(mc.rows, int32(p))
				mc.given[p] = math.NaN()
			} else {
				mc.carried = append(mc.carried, int32(p))
			}
		}
		r := len(mc.rows)
		mc.x = make([]float64, len(c.comp.Inputs)*r)
		for k, ind := range c.comp.Inputs {
			for j, p := range mc.rows {
				mc.x[k*r+j] = at(ind, int(p))
			}
			_, hi := ind.Bounds()
			mc.hi = append(mc.hi, hi)
			mc.w = append(mc.w, c.comp.Weight(k))
		}
	}
	for p := range n {
		switch m.ZeroRule {
		case ZeroIfOSI:
			md.zero[p] = at(OSI, p) == 0
		case ZeroIfHCI:
			h := at(HCI, p)
			md.zero[p] = math.IsNaN(h) || h == 0
		}
	}
	// A published value q/10^d is very high when q ≥ veryHighQ.
	md.veryHighQ = math.Ceil(m.Cutoffs[2] * md.egdiPow)
	for (md.veryHighQ-1)/md.egdiPow >= m.Cutoffs[2] {
		md.veryHighQ--
	}
	for md.veryHighQ/md.egdiPow < m.Cutoffs[2] {
		md.veryHighQ++
	}
	md.precompute()
	// At component level the baseline is the published ranking. Where a
	// published EGDI is not the edition's cut of the weighted mean of the
	// published components (2008: Cameroon and Cambodia, Q11; 2024: EGDI
	// from unpublished component values, Q6; truncation of truncated
	// components elsewhere), the country carries the difference as a
	// fixed offset, so that with nothing varied its EGDI is the published one.
	md.offset = make([]float64, n)
	if b.Level == ComponentLevel && b.Published != nil {
		for p, i := range md.order {
			c := [3]float64{md.comp[0].given[p], md.comp[1].given[p], md.comp[2].given[p]}
			e := md.weights[0]*c[0] + md.weights[1]*c[1] + md.weights[2]*c[2]
			if !md.zero[p] && m.EGDIPrecision.Apply(e) != b.Published[i] {
				md.offset[p] = b.Published[i] - e
			}
		}
	}
	if o.Sensitivity {
		for _, c := range o.Countries {
			i := b.Index(c)
			if i < 0 {
				return nil, Errorf(ENOTFOUND, "%s was not assessed in edition %d.", c, b.Edition)
			}
			p := slices.Index(md.order, int32(i))
			if slices.Contains(md.sens, p) {
				return nil, Errorf(EINVALID, "%s is named twice in --countries.", c)
			}
			md.sens = append(md.sens, p)
		}
		md.rows = o.SensitivityRows
		if md.rows == 0 {
			md.rows = min(o.Replications, DefaultSensitivityRows)
		}
		r := rand.New(rand.NewPCG(o.Seed, 1<<62))
		md.sobol = NewSobolPoints(2*md.dims, r.Uint32)
	}
	return md, nil
}

// precompute fills each component's vectors without noise: for every
// normalisation, and for the TII at raw level every cap a replication can
// draw (and the edition's).
func (md *Model) precompute() {
	k := md.newScratch()
	for ci := range md.comp {
		mc := &md.comp[ci]
		mc.capVals = []float64{0}
		if mc.raw && mc.capped {
			mc.capVals = append(slices.Clone(Caps[:]), mc.cap)
		}
		for norm := range mc.pres {
			mc.pres[norm] = make([][]float64, len(mc.capVals))
			for c, cp := range mc.capVals {
				val := slices.Clone(mc.given)
				switch {
				case mc.raw:
					k.composite(mc, Normalisation(norm), cp, false, val)
				case !md.normGiven:
				case Normalisation(norm) == NormMinMax:
					MinMax(val)
				case Normalisation(norm) == NormRank:
					rankShare(val, val, k.order, k.sv, k.bk, k.cnt)
				}
				mc.pres[norm][c] = val
			}
		}
	}
}

// Countries returns the number of countries.
func (md *Model) Countries() int { return md.n }

// SensitivityRows returns N of the Saltelli design (0 without sensitivity).
func (md *Model) SensitivityRows() int { return md.rows }

// Factors returns the varied factors.
func (md *Model) Factors() []Factor { return md.factors }

// draw turns uniforms into choices, factor by factor.
func (md *Model) draw(u []float64, noise uint64) Draw {
	d := Draw{W: md.weights, Norm: NormZMinMax}
	if md.comp[1].raw {
		d.Cap = md.comp[1].cap
	}
	k := 0
	for _, f := range md.factors {
		switch f {
		case FactorWeights:
			// Fold the unit square onto the triangle x + y ≤ 1 (measure
			// preserving), giving s uniform on the simplex, then shrink it
			// to the band: w = (1/3 − band) + 3·band·s.
			x, y := u[k], u[k+1]
			if x+y > 1 {
				x, y = 1-x, 1-y
			}
			lo, span := 1.0/3-md.Options.Vary.WeightBand, 3*md.Options.Vary.WeightBand
			d.W = [3]float64{lo + span*x, lo + span*y, lo + span*(1-x-y)}
		case FactorNormalisation:
			d.Norm = Normalisation(min(2, int(u[k]*3)))
		case FactorCap:
			d.Cap = Caps[min(3, int(u[k]*4))]
		case FactorNoise:
			d.NoiseSeed = noise | 1
		case FactorAggregation:
			d.Geometric = u[k] >= 0.5
		}
		k += factorDims[f]
	}
	return d
}

// Kernel is one worker's replication machinery: preallocated buffers and
// its own generators, so that a replication allocates nothing. A Kernel is
// not safe for concurrent use; make one per goroutine.
type Kernel struct {
	md    *Model
	pcg   *rand.PCG
	rng   *rand.Rand
	noise wyrand // the noise stream of the current Eval
	// The noise factor of a 12-bit draw q is 1 + σ√3·(2u − 1) with u =
	// (q + ½)/4096, computed as nf0 + nf1·m with m = 1 + q/4096 made by
	// putting q in the top of a float's mantissa (no conversion from
	// integer; arithmetic is cheaper than a 32 KB table, which would fill
	// the L1 cache).
	nf0, nf1 float64
	fac      []float64 // noise factors of one input
	noiseOn  bool
	cnt      []int32   // bucket counts of the sorts
	bk       []uint16  // bucket of each value, in the ascending sorts
	bk8      []uint8   // … in the descending one
	order    []int32   // sorted indices
	sv       []float64 // sorted values (negated for a descending sort)

	u    []float64
	val  [3][]float64 // component values per country
	v    []float64    // one raw input, per row
	s    []float64    // composite sum, per row
	egdi []float64
	pub  []float64
	rank []int32
	vh   []bool

	ab    [][]int32 // sensitivity: outputs per run
	yab   []int64
	Tally *Tally
	Sobol []SobolSums[int64] // [0] mean |rank shift| (as a sum), then each country
}

// NewKernel returns a kernel with its own tally.
func (md *Model) NewKernel() *Kernel {
	k := md.newScratch()
	k.Tally = md.NewTally()
	k.pcg = rand.NewPCG(0, 0)
	k.rng = rand.New(k.pcg)
	if a := md.Options.Vary.Noise * math.Sqrt(3); a > 0 {
		k.noiseOn = true
		// 1 − a + a/4096 + (2a/4096)·q = nf0 + nf1·(1 + q/4096).
		k.nf1 = 2 * a
		k.nf0 = 1 - a + a/noiseGrid - k.nf1
	}
	if md.sobol != nil {
		nf := len(md.factors)
		k.Sobol = make([]SobolSums[int64], 1+len(md.sens))
		for i := range k.Sobol {
			k.Sobol[i] = NewSobolSums[int64](nf)
		}
		k.yab = make([]int64, nf)
		k.ab = make([][]int32, nf+2)
		for i := range k.ab {
			k.ab[i] = make([]int32, 1+len(md.sens))
		}
	}
	return k
}

// newScratch returns a kernel with its buffers only.
func (md *Model) newScratch() *Kernel {
	n := md.n
	rmax := 0
	for _, c := range md.comp {
		rmax = max(rmax, len(c.rows))
	}
	k := &Kernel{md: md, u: make([]float64, 2*md.dims+1),
		v: make([]float64, max(rmax, n)), s: make([]float64, max(rmax, n)), order: make([]int32, max(rmax, n)),
		bk: make([]uint16, max(rmax, n)), bk8: make([]uint8, n), cnt: make([]int32, max(ascBuckets, sortBuckets)), fac: make([]float64, max(rmax, n)),
		sv:   make([]float64, max(rmax, n)),
		egdi: make([]float64, n), pub: make([]float64, n), rank: make([]int32, n), vh: make([]bool, n)}
	for c := range k.val {
		k.val[c] = make([]float64, n)
	}
	return k
}

// Replicate runs replication i (seeded from (Seed, i)) and adds it to the
// kernel's tally.
func (k *Kernel) Replicate(i uint64) {
	md := k.md
	k.pcg.Seed(md.Options.Seed, i)
	for d := range md.dims {
		k.u[d] = k.rng.Float64()
	}
	d := md.draw(k.u[:md.dims], k.rng.Uint64())
	k.Eval(&d)
	k.Tally.add(md, k.rank, k.vh)
}

// SensitivityRow runs row j of the Saltelli design: the model on A, on B
// and on A_B^(f) for each varied factor f, and adds the outputs to the
// kernel's Sobol sums.
func (k *Kernel) SensitivityRow(j uint64) {
	md := k.md
	nd := md.dims
	u := k.u[:2*nd]
	md.sobol.Point(j+1, u)
	// A noise seed is the coordinate's bits, mixed with the seed.
	noiseOf := func(dim int) uint64 {
		return splitmix(md.Options.Seed ^ uint64(md.sobol.Bits(j+1, dim))<<20 ^ uint64(dim))
	}
	noiseDim := -1
	k0 := 0
	for _, f := range md.factors {
		if f == FactorNoise {
			noiseDim = k0
		}
		k0 += factorDims[f]
	}
	var na, nb uint64
	if noiseDim >= 0 {
		na, nb = noiseOf(noiseDim), noiseOf(nd+noiseDim)
	}
	a := md.draw(u[:nd], na)
	b := md.draw(u[nd:], nb)
	k.Eval(&a)
	k.outputs(k.ab[0])
	k.Eval(&b)
	k.outputs(k.ab[1])
	for fi, f := range md.factors {
		ab := a
		switch f {
		case FactorWeights:
			ab.W = b.W
		case FactorNormalisation:
			ab.Norm = b.Norm
		case FactorCap:
			ab.Cap = b.Cap
		case FactorNoise:
			ab.NoiseSeed = b.NoiseSeed
		case FactorAggregation:
			ab.Geometric = b.Geometric
		}
		k.Eval(&ab)
		k.outputs(k.ab[2+fi])
	}
	for o := range k.Sobol {
		for fi := range md.factors {
			k.yab[fi] = int64(k.ab[2+fi][o])
		}
		k.Sobol[o].Add(int64(k.ab[0][o]), int64(k.ab[1][o]), k.yab)
	}
}

// outputs writes the outputs of the last Eval: Σ|rank − base rank|, then
// the rank of each sensitivity country.
func (k *Kernel) outputs(dst []int32) {
	var s int32
	for i, r := range k.rank {
		d := r - k.md.baseRank[i]
		if d < 0 {
			d = -d
		}
		s += d
	}
	dst[0] = s
	for x, i := range k.md.sens {
		dst[1+x] = k.rank[i]
	}
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Ranks returns the ranks of the last Eval, by country in the order of
// the base's countries.
func (k *Kernel) Ranks() []int {
	out := make([]int, k.md.n)
	for p, i := range k.md.order {
		out[i] = int(k.rank[p])
	}
	return out
}

// noiseGrid is the number of levels of the noise's uniform u: 12 bits, so
// that five draws come from one 64-bit number. The grid's step, 2σ√3/4096 (8.5e-5 of x at σ = 0.05), is far
// below any difference that matters to a rank.
const noiseGrid = 1 << 12

// wyrand is the noise stream: Wang Yi's wyrand, a Weyl sequence mixed by
// one 64×64→128-bit multiplication (it passes BigCrush and PractRand).
// Its state advances by an addition, so successive draws do not wait on
// each other, and one costs about a third of a PCG-DXSM draw.
type wyrand uint64

func (s *wyrand) next() uint64 {
	*s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(uint64(*s), uint64(*s^0xe7037ed1a0b428db))
	return hi ^ lo
}

// factors fills f with draws of the multiplicative noise factor, five
// from each 64-bit number of the noise stream (12 bits each).
func (k *Kernel) factors(f []float64) {
	f0, f1 := k.nf0, k.nf1
	st := k.noise
	// m(q) = 1 + q/4096: q in the top 12 bits of the mantissa of 1.
	const one = 1023 << 52
	j := 0
	for ; j+5 <= len(f); j += 5 {
		b := st.next()
		d := f[j : j+5 : j+5]
		d[0] = f0 + f1*math.Float64frombits(one|(b&(noiseGrid-1))<<40)
		d[1] = f0 + f1*math.Float64frombits(one|(b>>12&(noiseGrid-1))<<40)
		d[2] = f0 + f1*math.Float64frombits(one|(b>>24&(noiseGrid-1))<<40)
		d[3] = f0 + f1*math.Float64frombits(one|(b>>36&(noiseGrid-1))<<40)
		d[4] = f0 + f1*math.Float64frombits(one|(b>>48&(noiseGrid-1))<<40)
	}
	if j < len(f) {
		b := st.next()
		for ; j < len(f); j, b = j+1, b>>12 {
			f[j] = f0 + f1*math.Float64frombits(one|(b&(noiseGrid-1))<<40)
		}
	}
	k.noise = st
}

// nfac returns the noise factor of the low 12 bits of b.
func nfac(f0, f1 float64, b uint64) float64 {
	return f0 + f1*math.Float64frombits(1023<<52|(b&(noiseGrid-1))<<40)
}

// clampKey is fkey(min(y, hi)) for y ≥ 0 (or −0) and hi > 0, hk =
// fkey(hi): an integer min (one compare and conditional move) where the
// float min spends about five instructions on NaN and the sign of zero.
func clampKey(y float64, hk int64) int64 { return min(fkey(y), hk) }

// clamp is min(y, hi) by clampKey.
func clamp(y float64, hk int64) float64 { return math.Float64frombits(uint64(clampKey(y, hk))) }

// noisy writes into dst each value of src times one draw of the
// multiplicative noise, clamped to [0, hi]; five draws come from each
// 64-bit number of the noise stream, the same as factors. dst may be src.
// x ≥ 0 and every factor is above 0 (σ ≤ 0.5, so σ√3 < 1): only the upper
// bound can be passed, and clamp does it without a branch.
func (k *Kernel) noisy(dst, src []float64, hi float64) {
	f0, f1, st := k.nf0, k.nf1, k.noise
	hk := fkey(hi)
	dst = dst[:len(src)]
	j := 0
	for ; j+5 <= len(src); j += 5 {
		b := st.next()
		d, x := dst[j:j+5:j+5], src[j:j+5:j+5]
		d[0] = clamp(x[0]*nfac(f0, f1, b), hk)
		d[1] = clamp(x[1]*nfac(f0, f1, b>>12), hk)
		d[2] = clamp(x[2]*nfac(f0, f1, b>>24), hk)
		d[3] = clamp(x[3]*nfac(f0, f1, b>>36), hk)
		d[4] = clamp(x[4]*nfac(f0, f1, b>>48), hk)
	}
	if j < len(src) {
		b := st.next()
		for ; j < len(src); j, b = j+1, b>>12 {
			dst[j] = clamp(src[j]*nfac(f0, f1, b), hk)
		}
	}
	k.noise = st
}

// noisyMoments is noisy that also returns Σ dst and Σ dst².
func (k *Kernel) noisyMoments(dst, src []float64, hi float64) (sum, sq float64) {
	f0, f1, st := k.nf0, k.nf1, k.noise
	hk := fkey(hi)
	dst = dst[:len(src)]
	j := 0
	for ; j+5 <= len(src); j += 5 {
		b := st.next()
		d, x := dst[j:j+5:j+5], src[j:j+5:j+5]
		y0 := clamp(x[0]*nfac(f0, f1, b), hk)
		y1 := clamp(x[1]*nfac(f0, f1, b>>12), hk)
		y2 := clamp(x[2]*nfac(f0, f1, b>>24), hk)
		y3 := clamp(x[3]*nfac(f0, f1, b>>36), hk)
		y4 := clamp(x[4]*nfac(f0, f1, b>>48), hk)
		d[0], d[1], d[2], d[3], d[4] = y0, y1, y2, y3, y4
		sum += (y0 + y1) + (y2 + y3) + y4
		sq += (y0*y0 + y1*y1) + (y2*y2 + y3*y3) + y4*y4
	}
	if j < len(src) {
		b := st.next()
		for ; j < len(src); j, b = j+1, b>>12 {
			y := clamp(src[j]*nfac(f0, f1, b), hk)
			dst[j] = y
			sum += y
			sq += y * y
		}
	}
	k.noise = st
	return sum, sq
}

// noisyRange is noisy that also returns the least and greatest of dst
// (src not empty), found in the same pass. Every value is ≥ 0 (x ≥ 0, the
// factor > 0, the bound > 0), so the order of the values is that of their
// bits read as integers (see fkey).
func (k *Kernel) noisyRange(dst, src []float64, hi float64) (lo, top float64) {
	f0, f1, st := k.nf0, k.nf1, k.noise
	hk := fkey(hi)
	dst = dst[:len(src)]
	l, h := int64(math.MaxInt64), int64(math.MinInt64)
	j := 0
	for ; j+5 <= len(src); j += 5 {
		b := st.next()
		d, x := dst[j:j+5:j+5], src[j:j+5:j+5]
		k0 := clampKey(x[0]*nfac(f0, f1, b), hk)
		k1 := clampKey(x[1]*nfac(f0, f1, b>>12), hk)
		k2 := clampKey(x[2]*nfac(f0, f1, b>>24), hk)
		k3 := clampKey(x[3]*nfac(f0, f1, b>>36), hk)
		k4 := clampKey(x[4]*nfac(f0, f1, b>>48), hk)
		d[0], d[1], d[2] = math.Float64frombits(uint64(k0)), math.Float64frombits(uint64(k1)), math.Float64frombits(uint64(k2))
		d[3], d[4] = math.Float64frombits(uint64(k3)), math.Float64frombits(uint64(k4))
		l = min(l, min(k0, k1), min(k2, k3), k4)
		h = max(h, max(k0, k1), max(k2, k3), k4)
	}
	if j < len(src) {
		b := st.next()
		for ; j < len(src); j, b = j+1, b>>12 {
			y := clampKey(src[j]*nfac(f0, f1, b), hk)
			dst[j] = math.Float64frombits(uint64(y))
			l, h = min(l, y), max(h, y)
		}
	}
	k.noise = st
	return math.Float64frombits(uint64(l)), math.Float64frombits(uint64(h))
}

// fkey is the bits of x ≥ 0 (or −0) as a signed integer: for such values
// the integers are in the order of the floats (IEEE 754 puts the exponent
// above the mantissa, both biased to be non-negative; −0 has the sign bit
// and so is the least, as Go's min takes it), and an integer min or max
// is one compare and conditional move, where the float builtins spend
// about six instructions on NaN and the sign of zero.
func fkey(x float64) int64 { return int64(math.Float64bits(x)) }

// spanNonNeg returns the least and greatest of v (not empty, every value ≥
// 0 or −0, no NaN), as min and max would, by integer min and max of fkey.
// Four running minima and maxima keep the chains of dependent
// instructions short.
func spanNonNeg(v []float64) (lo, hi float64) {
	l0 := fkey(v[0])
	l1, l2, l3 := l0, l0, l0
	h0, h1, h2, h3 := l0, l0, l0, l0
	j := 0
	for ; j+4 <= len(v); j += 4 {
		x := v[j : j+4 : j+4]
		k0, k1, k2, k3 := fkey(x[0]), fkey(x[1]), fkey(x[2]), fkey(x[3])
		l0, h0 = min(l0, k0), max(h0, k0)
		l1, h1 = min(l1, k1), max(h1, k1)
		l2, h2 = min(l2, k2), max(h2, k2)
		l3, h3 = min(l3, k3), max(h3, k3)
	}
	for ; j < len(v); j++ {
		k0 := fkey(v[j])
		l0, h0 = min(l0, k0), max(h0, k0)
	}
	return math.Float64frombits(uint64(min(l0, l1, l2, l3))), math.Float64frombits(uint64(max(h0, h1, h2, h3)))
}

// skey is the bits of x (not NaN, any sign) as an integer in the order
// of the floats: flipping all but the sign bit of a negative value
// reverses the order of the negatives (a larger magnitude has larger
// bits) and keeps them below the non-negatives; −0 becomes −1, below +0,
// as Go's min takes it. For x ≥ 0 it is fkey(x).
func skey(x float64) int64 {
	b := int64(math.Float64bits(x))
	return b ^ (b >> 63 & math.MaxInt64)
}

// skeyFloat is the float of a key of skey (the same flip undoes it).
func skeyFloat(k int64) float64 { return math.Float64frombits(uint64(k ^ (k >> 63 & math.MaxInt64))) }

// noisyAt is noisy for the countries listed in idx only.
func (k *Kernel) noisyAt(dst, src []float64, idx []int32, hi float64) {
	f := k.fac[:len(idx)]
	k.factors(f)
	hk := fkey(hi)
	for x, i := range idx {
		dst[i] = clamp(src[i]*f[x], hk)
	}
}

// logExp holds the tables of the geometric mean's logarithm and
// exponential: for i = 0 … 255, ln(1 + i/256) − 1023·ln 2 (the exponent's
// bias folded in), 1/(1 + i/256) and 2^(i/256); and lnE, the first
// sum of log for the biased exponents e of [2⁻⁷, 2) (lnLo ≤ e < lnLo + 8,
// which holds the geometric mean's components, floored at 0.01 and at
// most 1): lnE[(e − lnLo)·256 + i] = e·ln 2 + ln[i], the same operations.
type logExp struct {
	ln, inv, exp2 [256]float64
	lnE           [8 * 256]float64
}

// lnLo is the least biased exponent of logExp.lnE: that of 2⁻⁷.
const lnLo = 1023 - 7

func newLogExp() *logExp {
	t := &logExp{}
	for i := range 256 {
		m := 1 + float64(i)/256
		t.ln[i], t.inv[i], t.exp2[i] = math.Log(m)-1023*math.Ln2, 1/m, math.Exp2(float64(i)/256)
	}
	for j := range t.lnE {
		e, i := uint64(lnLo+j/256), j%256
		t.lnE[j] = float64(int64(e))*math.Ln2 + t.ln[i]
	}
	return t
}

// log returns ln x for 0.01 ≤ x < 2 (lnE's range: the components are at
// most 1) to within 1e-11: x = 2^e·m, m in [1, 2); m = m_i·(1 + δ) with m_i = 1 + i/256 from the top
// eight bits of the mantissa, so 0 ≤ δ < 1/256; ln m = ln m_i + ln(1 + δ)
// with ln(1 + δ) = δ − δ²/2 + δ³/3 − δ⁴/4 (error below δ⁵/5 < 2e-13). The
// biased exponent times ln 2 plus the table's ln m_i − 1023·ln 2 adds
// rounding error below 709·2⁻⁵² < 2e-13. No division, no branch, and small
// enough for the compiler to inline (the geometric mean calls it three
// times per country).
func (t *logExp) log(x float64) float64 {
	b := math.Float64bits(x)
	i := (b >> 44) & 0xff
	d := math.Float64frombits(b&(1<<52-1)|1023<<52)*t.inv[i] - 1
	// e·ln 2 + ln[i] from lnE (b>>44 is e and i), where the conversion
	// of e and its product are the slow part of the sum.
	return t.lnE[(b>>44-lnLo<<8)%uint64(len(t.lnE))] + d*(1-d*(0.5-d*(1.0/3-d*0.25)))
}

// exp returns e^x for x in [−16, 1] to within 1e-12 relative: y =
// 256·x·log₂e = 256·k + i + g, k and i integers, 0 ≤ i < 256, |g| ≤ ½
// (y rounded to the nearest integer N = 256·k + i by adding and
// subtracting 1.5·2⁵², which leaves N in the low bits of the sum: no
// conversion between float and integer); e^x = 2^k·2^(i/256)·e^u with
// u = g·ln 2/256, |u| < 0.00136, e^u by its series to u³/6 (error below
// u⁴/24 < 2e-13). Small enough for the compiler to inline.
func (t *logExp) exp(x float64) float64 {
	const magic = 0x1.8p52
	y := x * (256 * math.Log2E)
	r := y + magic
	// The bits of r are those of 1.5·2⁵² plus N, whose low 8 and top 12
	// bits are 0: n&0xff is i and n>>8<<52 is k in the exponent, mod 2⁶⁴.
	n := math.Float64bits(r)
	g := y - (r - magic)
	// e^u = 1 + u + u²/2 + u³/6 with u = c·g, c = ln 2/256.
	const c = math.Ln2 / 256
	p := t.exp2[n&0xff] * (1 + g*(c+g*(c*c/2+g*(c*c*c/6))))
	return math.Float64frombits(math.Float64bits(p) + n>>8<<52)
}

// Eval recomputes the edition under d and writes the ranks and very-high
// flags. It allocates nothing. Without noise the components depend only
// on the normalisation and the cap, so they come from the model's
// precomputed vectors; with noise they are rebuilt.
func (k *Kernel) Eval(d *Draw) {
	md := k.md
	noise := d.NoiseSeed != 0 && k.noiseOn
	if noise {
		k.noise = wyrand(splitmix(d.NoiseSeed ^ 0x6e6f697365)) // "noise"
	}
	var cur [3][]float64
	for ci := range md.comp {
		mc := &md.comp[ci]
		cp := 0.0
		if mc.capped {
			cp = d.Cap
		}
		if !noise {
			if v := mc.pre(d.Norm, cp); v != nil {
				cur[ci] = v
				continue
			}
		}
		val := k.val[ci]
		cur[ci] = val
		if mc.raw {
			if noise {
				k.noisyAt(val, mc.given, mc.carried, 1)
			} else {
				for _, i := range mc.carried {
					val[i] = mc.given[i]
				}
			}
			if noise {
				k.compositeNoisy(mc, d.Norm, cp, val)
			} else {
				k.composite(mc, d.Norm, cp, false, val)
			}
			continue
		}
		if noise {
			k.noisy(val, mc.given, 1)
		} else {
			copy(val, mc.given)
		}
		if md.normGiven {
			switch d.Norm {
			case NormMinMax:
				MinMax(val)
			case NormRank:
				rankShare(val, val, k.order, k.sv, k.bk, k.cnt)
			}
		}
	}
	k.aggregate(d, cur[0], cur[1], cur[2])
	lo, hi := k.publish()
	k.rankEGDI(lo, hi)
}

// aggregate writes into k.egdi the weighted mean of the components under
// d, arithmetic or geometric. Its own function (as publish), so that the
// compiler allocates the registers of its loops alone, not among all of
// Eval's values: fewer spills in the hot loops.
func (k *Kernel) aggregate(d *Draw, osi, tii, hci []float64) {
	md := k.md
	n := md.n
	osi, tii, hci = osi[:n], tii[:n], hci[:n]
	w := d.W
	egdi := k.egdi[:n]
	if d.Geometric {
		// One short loop per step rather than one long chain per country:
		// the iterations of each are independent, so many are in flight.
		le := md.logExp
		w0, w1, w2 := w[0], w[1], w[2]
		for i, x := range osi {
			egdi[i] = w0 * le.log(floor01(x))
		}
		for i, x := range tii {
			egdi[i] += w1 * le.log(floor01(x))
		}
		for i, x := range hci {
			egdi[i] += w2 * le.log(floor01(x))
		}
		for i, x := range egdi {
			egdi[i] = le.exp(x)
		}
	} else {
		for i := range n {
			egdi[i] = w[0]*osi[i] + w[1]*tii[i] + w[2]*hci[i]
		}
	}
}

// publish applies the offsets and the zero rule to k.egdi, writes each
// country's published value and very-high flag, and returns the least and
// greatest EGDI, for the sort: found here rather than in a pass of their
// own (by skey: e may be negative at component level, with an offset).
func (k *Kernel) publish() (lo, hi float64) {
	md := k.md
	n := md.n
	egdi := k.egdi[:n]
	pow := md.egdiPow
	offset, zero := md.offset[:n], md.zero[:n]
	pub, vh := k.pub[:n], k.vh[:n]
	vhq, trunc := md.veryHighQ, md.egdiMode == Truncate
	l, h := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range n {
		e := egdi[i] + offset[i]
		if zero[i] {
			e = 0
		}
		egdi[i] = e
		ke := skey(e)
		l, h = min(l, ke), max(h, ke)
		// The published value in units of the last digit, as
		// Precision.Apply cuts it (before its division).
		var q float64
		if trunc {
			q = math.Floor(e*pow + 1e-9)
		} else {
			q = roundHalfAway(e * pow)
		}
		pub[i] = q
		vh[i] = q >= vhq
	}
	return skeyFloat(l), skeyFloat(h)
}

// composite rebuilds one composite from its raw inputs for the raw rows,
// writing the values into val: each input (with noise) capped at cp and
// normalised, summed with its weight, the sum min–max rescaled. For z-scores
// the arithmetic is that of addZ (capSum, sqDev), operation for operation, so
// that with nothing varied the result is [Method.Compute]'s to the bit.
func (k *Kernel) composite(mc *composite, norm Normalisation, cp float64, noise bool, val []float64) {
	r := len(mc.rows)
	if r == 0 {
		return
	}
	s := k.s[:r]
	clear(s)
	v := k.v[:r]
	for in := range mc.w {
		x := mc.x[in*r : (in+1)*r]
		hi := mc.hi[in]
		src := x
		if noise {
			k.noisy(v, x, hi)
			src = v
		}
		// The raw rows have no missing value.
		sum, _ := capSum(v, src, cp)
		wk := mc.w[in]
		switch norm {
		case NormZMinMax:
			// As addZ: s += (w/σ)·(x − mean), population σ.
			mean := sum / float64(r)
			sd := math.Sqrt(sqDev(v, mean) / float64(r))
			if !(sd > 0) {
				continue
			}
			f := wk / sd
			for j, xj := range v {
				s[j] += f * (xj - mean)
			}
		case NormMinMax:
			lo, top := v[0], v[0]
			for _, xj := range v {
				if xj < lo {
					lo = xj
				}
				if xj > top {
					top = xj
				}
			}
			if top > lo {
				f := wk / (top - lo)
				for j, xj := range v {
					s[j] += f * (xj - lo)
				}
			}
		case NormRank:
			rankShare(v, v, k.order, k.sv, k.bk, k.cnt)
			for j, xj := range v {
				s[j] += wk * xj
			}
		}
	}
	MinMax(s)
	for j, i := range mc.rows {
		val[i] = s[j]
	}
}

// compositeNoisy is composite with noise, by a shorter road: since the
// composite is min–max rescaled at the end, adding a constant to every
// country changes nothing, so each standardised input only needs its
// scale, w/σ for z-scores (σ from one pass of Σx and Σx²) and w/(max − min)
// for min–max. Two passes per input instead of three, and no clearing.
func (k *Kernel) compositeNoisy(mc *composite, norm Normalisation, cp float64, val []float64) {
	r := len(mc.rows)
	if r == 0 {
		return
	}
	s, v := k.s[:r], k.v[:r]
	fr := float64(r)
	for in, wk := range mc.w {
		// Noise, then the cap: one clamp at the lower of the bound and the cap.
		bound := mc.hi[in]
		if cp > 0 && cp < bound {
			bound = cp
		}
		f := 0.0
		switch norm {
		case NormZMinMax:
			sum, sq := k.noisyMoments(v, mc.x[in*r:(in+1)*r], bound)
			mean := sum / fr
			if vr := sq/fr - mean*mean; vr > 0 {
				f = wk / math.Sqrt(vr)
			}
		case NormMinMax:
			lo, top := k.noisyRange(v, mc.x[in*r:(in+1)*r], bound)
			if top > lo {
				f = wk / (top - lo)
			}
		case NormRank:
			if r >= 2 {
				// The rank shares go straight into s, as the loops below
				// would add them.
				lo, top := k.noisyRange(v, mc.x[in*r:(in+1)*r], bound)
				k.addRankShares(s, v, wk, in == 0, lo, top)
				continue
			}
			clear(v)
			f = wk
		}
		if in == 0 {
			for j, xj := range v {
				s[j] = f * xj
			}
		} else {
			for j, xj := range v {
				s[j] += f * xj
			}
		}
	}
	// Every s[j] is Σ f·x with f ≥ 0 and x ≥ 0.
	lo, top := spanNonNeg(s)
	scale := 0.0
	if top > lo {
		scale = 1 / (top - lo)
	}
	for j, i := range mc.rows {
		val[i] = (s[j] - lo) * scale
	}
}

// floor01 returns max(x, 0.01) for x ≥ 0 (the geometric mean's floor),
// without a branch: an integer max of the bits (see fkey), one compare
// and conditional move, where the float max takes about eight
// instructions; a negative x or −0 also gives 0.01, as max does.
func floor01(x float64) float64 {
	return math.Float64frombits(uint64(max(fkey(x), fkey(0.01))))
}

// roundHalfAway is math.Round (half away from zero), to the bit, for a
// finite y: |y| = t + f with t = trunc(|y|) and the fraction f = |y| − t
// exact (the bits of a double below its units are a double), so 2f is
// exact and trunc(2f) is 1 where f ≥ ½, else 0; t + trunc(2f) is exact
// (t < 2⁵³, or f = 0); then the sign of y (−0 stays −0). math.Trunc is
// one ROUNDSD instruction (SSE4.1, checked at run time): no branch on a
// fraction that is a coin toss, where math.Round spends about twenty
// instructions and two branches.
func roundHalfAway(y float64) float64 {
	a := math.Abs(y)
	t := math.Trunc(a)
	f := a - t
	return math.Copysign(t+math.Trunc(f+f), y)
}

// rankShare writes into dst, for each value of v (≥ 0), the share of the
// other values strictly below it: (#{l: v_l < v_j})/(n − 1), so ties share
// a value, the best is 1 (when alone) and the worst 0. dst may be v;
// order, sv, bk and cnt are sortAsc's scratch space.
func rankShare(v, dst []float64, order []int32, sv []float64, bk []uint16, cnt []int32) {
	n := len(v)
	if n < 2 {
		for j := range dst {
			dst[j] = 0
		}
		return
	}
	lo, hi := v[0], v[0]
	for _, x := range v {
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	rankShareIn(v, dst, lo, hi, order, sv, bk, cnt)
}

// rankShareIn is rankShare for values known to lie in [lo, hi] (len(v) ≥ 2).
func rankShareIn(v, dst []float64, lo, hi float64, order []int32, sv []float64, bk []uint16, cnt []int32) {
	n := len(v)
	order = order[:n]
	sortAsc(v, lo, hi, order, sv, bk, cnt)
	f := 1 / float64(n-1)
	prev, share := math.Inf(-1), 0.0
	sv = sv[:n]
	for p, j := range order {
		x := sv[p] // v[j], sorted (dst[j] may be v[j])
		if x != prev {
			prev, share = x, float64(p)*f
		}
		dst[j] = share
	}
}

// addRankShares is rankShareIn for the composite sum: it sets s[j] to
// w·share_j when set, else adds w·share_j, share_j the rank share of v[j]
// (len(v) ≥ 2, values in [lo, hi]): the same operations, in the same
// order, as writing the shares into v and summing them, without the pass
// over v.
func (k *Kernel) addRankShares(s, v []float64, w float64, set bool, lo, hi float64) {
	n := len(v)
	order := k.order[:n]
	sortAsc(v, lo, hi, order, k.sv, k.bk, k.cnt)
	f := 1 / float64(n-1)
	prev, share := math.Inf(-1), 0.0
	sv := k.sv[:n]
	s = s[:n]
	if set {
		for p, j := range order {
			if x := sv[p]; x != prev {
				prev, share = x, float64(p)*f
			}
			s[j] = w * share
		}
		return
	}
	for p, j := range order {
		if x := sv[p]; x != prev {
			prev, share = x, float64(p)*f
		}
		s[j] += w * share
	}
}

// sortBuckets is the number of buckets of the kernel's descending sort,
// ascBuckets that of its ascending one.
const (
	sortBuckets = 256
	ascBuckets  = 512
)

// sortAsc writes into order the indices of vals (values in [lo, hi])
// sorted by value, ascending, with equal values by index from the highest
// (the cheaper order: values come in baseline rank order, roughly
// descending), and into sv the sorted values. A pass of bucket sort on
// the value (ascBuckets equal-width buckets, indices kept in that order
// within a bucket), then an insertion sort, which only moves indices
// within their bucket: O(n) for values spread like indicators, against
// O(n log n) for a comparison sort. Any increasing bucketing gives this
// result; with 512 buckets rather than 256 for about 190 values, fewer
// values share a bucket, and the insertion sort's mispredicted branches
// (one or two for each value it moves) are about halved, for 256 more
// counters to clear and sum: the sort of a rank normalisation's input
// takes about a third less time. bk (len(vals)) and cnt (ascBuckets) are
// scratch space.
func sortAsc(vals []float64, lo, hi float64, order []int32, sv []float64, bk []uint16, cnt []int32) {
	n := len(vals)
	cnt = cnt[:ascBuckets]
	clear(cnt)
	bk = bk[:n]
	// Bucket b holds (x − lo)·f in [b, b+1).
	f := 0.0
	if hi > lo {
		f = (ascBuckets - 1e-9) / (hi - lo)
	}
	for j, x := range vals {
		b := uint16(int32((x - lo) * f))
		bk[j] = b
		cnt[b]++
	}
	// Exclusive prefix sums: the position of each bucket's first value,
	// the running total in a register (adding cnt[b-1] in place would wait
	// on the store of the previous step), four buckets a step, on an
	// array, whose length the compiler knows (no bounds checks).
	c := (*[ascBuckets]int32)(cnt)
	sum := int32(0)
	for b := 0; b < ascBuckets; b += 4 {
		c0, c1, c2, c3 := c[b], c[b+1], c[b+2], c[b+3]
		c[b], c[b+1], c[b+2], c[b+3] = sum, sum+c0, sum+c0+c1, sum+c0+c1+c2
		sum += c0 + c1 + c2 + c3
	}
	order, sv = order[:n], sv[:n]
	// The values travel with their indices, so the insertion pass compares
	// sv[q] without an indirection.
	for j := n - 1; j >= 0; j-- {
		b := bk[j]
		p := cnt[b]
		order[p], sv[p] = int32(j), vals[j]
		cnt[b]++
	}
	for p := 1; p < n; p++ {
		vx := sv[p]
		if !(sv[p-1] > vx) {
			continue // in place: the common case, one predictable branch
		}
		x := order[p]
		q := p - 1
		for q >= 0 && sv[q] > vx {
			order[q+1], sv[q+1] = order[q], sv[q]
			q--
		}
		order[q+1], sv[q+1] = x, vx
	}
}

// sortDesc is sortAsc descending for the EGDI, on the tie grid of
// OrdinalRanks: values with one [tieKey] (within about 1e-12: float noise
// of a weighted mean, not a difference) are tied and keep the index order,
// whichever buckets they fall in. The order compares keys (tie key, then
// index), so it is a strict weak order. Buckets are sortBuckets
// equal-width buckets of (hi − x)·f, monotone in x, so the insertion pass
// only fixes order within a bucket and across neighbouring ones. sv holds
// −tieKey(x), sorted ascending.
func sortDesc(vals []float64, lo, hi float64, order []int32, sv []float64, bk []uint8, cnt []int32) {
	n := len(vals)
	cnt = cnt[:sortBuckets]
	clear(cnt)
	bk = bk[:n]
	f := 0.0
	if hi > lo {
		f = (sortBuckets - 1e-9) / (hi - lo)
	}
	f = -f
	for j, x := range vals {
		b := uint8(int32((x - hi) * f))
		bk[j] = b
		cnt[b]++
	}
	c := (*[sortBuckets]int32)(cnt) // prefix sums, as sortAsc
	sum := int32(0)
	for b := 0; b < sortBuckets; b += 4 {
		c0, c1, c2, c3 := c[b], c[b+1], c[b+2], c[b+3]
		c[b], c[b+1], c[b+2], c[b+3] = sum, sum+c0, sum+c0+c1, sum+c0+c1+c2
		sum += c0 + c1 + c2 + c3
	}
	order, sv = order[:n], sv[:n]
	for j, b := range bk {
		p := cnt[b]
		order[p], sv[p] = int32(j), -tieKey(vals[j])
		cnt[b]++
	}
	for p := 1; p < n; p++ {
		vx, x := sv[p], order[p]
		if sv[p-1] < vx || sv[p-1] == vx && order[p-1] < x {
			continue // in place: the common case
		}
		q := p - 1
		for q >= 0 && (sv[q] > vx || sv[q] == vx && order[q] > x) {
			order[q+1], sv[q+1] = order[q], sv[q]
			q--
		}
		order[q+1], sv[q+1] = x, vx
	}
}

// rankEGDI ranks k.egdi (in [lo, hi], the least and greatest): by
// unrounded value, highest first, ties by the baseline order; competition
// ranks share a rank between equal published values, ordinal ranks do not.
func (k *Kernel) rankEGDI(lo, hi float64) {
	md := k.md
	n := md.n
	e := k.egdi[:n]
	order := k.order[:n]
	sortDesc(e, lo, hi, order, k.sv, k.bk8, k.cnt)
	rank, pub := k.rank[:n], k.pub[:n]
	if md.ordinal {
		for p, i := range order {
			rank[i] = int32(p + 1)
		}
		return
	}
	// The previous country's published value and rank stay in registers;
	// NaN equals nothing, so the first country is ranked 1.
	pp, rp := math.NaN(), int32(0)
	for p, i := range order {
		q, r := pub[i], int32(p+1)
		if q == pp {
			r = rp
		}
		rank[i] = r
		pp, rp = q, r
	}
}

// Tally is the streaming summary of replications: per country a histogram
// of ranks and three counters. Its size is n²+3n counters whatever the
// number of replications, and merging tallies is adding counts, so the
// result does not depend on how replications were split between workers.
type Tally struct {
	N    int64
	n    int
	Hist []uint64 // Hist[i*n + rank−1], complete after Flush
	// hist is the working histogram: 16-bit counters take a quarter of the
	// cache of Hist (74 KB for 193 countries); they are added into Hist
	// every 65535 replications and at Flush, so they never overflow.
	hist  []uint16
	since int64
	VH    []uint64 // replications with the country in the very high group
	Top10 []uint64 // … ranked 10th or better
	Ahead []uint64 // … ranked strictly ahead of the country below it in the baseline
}

// NewTally returns an empty tally.
func (md *Model) NewTally() *Tally {
	n := md.n
	c := make([]uint64, n*n+3*n)
	return &Tally{n: n, Hist: c[:n*n], VH: c[n*n : n*n+n], Top10: c[n*n+n : n*n+2*n], Ahead: c[n*n+2*n:],
		hist: make([]uint16, n*n)}
}

// Flush adds the working histogram into Hist, and its first ten ranks
// into Top10: a country is ranked 10th or better in as many replications
// as its histogram counts at ranks 1 to 10, so add need not count them.
func (t *Tally) Flush() {
	n := t.n
	for i := range n {
		var c uint64
		for _, x := range t.hist[i*n : i*n+min(10, n)] {
			c += uint64(x)
		}
		t.Top10[i] += c
	}
	for i, c := range t.hist {
		t.Hist[i] += uint64(c)
	}
	clear(t.hist)
	t.since = 0
}

func (t *Tally) add(md *Model, rank []int32, vh []bool) {
	t.N++
	if t.since++; t.since == 1<<16-1 {
		t.Flush()
	}
	n := t.n
	hist := t.hist[:n*n]
	rank, vh = rank[:n], vh[:n]
	vhs, ahead := t.VH[:n], t.Ahead[:n]
	// Counters add 0 or 1 rather than branch: whether a country stays
	// ahead of the next one is a coin toss the branch predictor loses.
	// Country i's histogram row starts at i·n − 1 (ranks count from 1).
	// One loop for all counters: the last country has no next one.
	row := -1
	for i, r := range rank[:n-1] {
		hist[row+int(r)]++
		row += n
		vhs[i] += b2u(vh[i])
		ahead[i] += b2u(r < rank[i+1])
	}
	hist[row+int(rank[n-1])]++
	vhs[n-1] += b2u(vh[n-1])
}

// b2u is 1 for true, 0 for false (compiled to a SETcc, no branch).
func b2u(b bool) uint64 {
	var x uint64
	if b {
		x = 1
	}
	return x
}

// Merge adds the counts of o (both flushed first).
func (t *Tally) Merge(o *Tally) {
	t.Flush()
	o.Flush()
	t.N += o.N
	for i := range t.Hist {
		t.Hist[i] += o.Hist[i]
	}
	for i := range t.VH {
		t.VH[i] += o.VH[i]
		t.Top10[i] += o.Top10[i]
		t.Ahead[i] += o.Ahead[i]
	}
}

// UncertaintyCountry is one country's rank distribution.
type UncertaintyCountry struct {
	ISO3       ISO3    `json:"iso3"`
	Rank       int     `json:"rank"` // in the baseline
	RankMedian int     `json:"rank_median"`
	RankP05    int     `json:"rank_p05"`
	RankP95    int     `json:"rank_p95"`
	PVeryHigh  float64 `json:"p_very_high"`
	PTop10     float64 `json:"p_top10"`
	// Next is the country ranked just below in the baseline, PAheadNext the
	// share of replications in which the country stays strictly ahead of it.
	Next       ISO3    `json:"next,omitempty"`
	PAheadNext float64 `json:"p_ahead_next"`
}

// SensitivityResult holds the Sobol indices of each varied factor.
type SensitivityResult struct {
	Rows        int   `json:"rows"`        // N of the Saltelli design
	Evaluations int64 `json:"evaluations"` // N·(k+2)
	// MeanAbsRankShift: the output is (1/n)·Σ_i |rank_i − baseline rank_i|.
	MeanAbsRankShift []SobolIndex         `json:"mean_abs_rank_shift"`
	Countries        []CountrySensitivity `json:"countries,omitempty"`
}

// CountrySensitivity holds the Sobol indices of one country's rank.
type CountrySensitivity struct {
	ISO3    ISO3         `json:"iso3"`
	Indices []SobolIndex `json:"indices"`
}

// UncertaintyResult is the summary of an uncertainty analysis.
type UncertaintyResult struct {
	Edition      int                  `json:"edition"`
	Level        Level                `json:"level"`
	Replications int                  `json:"replications"`
	Seed         uint64               `json:"seed"`
	Vary         Vary                 `json:"vary"`
	Countries    []UncertaintyCountry `json:"countries"`
	Sensitivity  *SensitivityResult   `json:"sensitivity,omitempty"`
	Notes        []string             `json:"notes,omitempty"`
}

func countZeros(v []float64) int {
	n := 0
	for _, x := range v {
		if x == 0 {
			n++
		}
	}
	return n
}

// quantile returns the smallest rank whose cumulative count reaches p·N
// (the inverse of the empirical distribution function).
func quantile(h []uint64, total int64, p float64) int {
	need := uint64(math.Ceil(p * float64(total)))
	need = max(need, 1)
	var c uint64
	for r, x := range h {
		c += x
		if c >= need {
			return r + 1
		}
	}
	return len(h)
}

// Result summarises a tally (and, with sensitivity, the Sobol sums merged
// from every kernel; nil otherwise).
func (md *Model) Result(t *Tally, sobol []SobolSums[int64]) *UncertaintyResult {
	t.Flush()
	b := md.Base
	o := md.Options
	res := &UncertaintyResult{Edition: b.Edition, Level: b.Level, Replications: int(t.N), Seed: o.Seed, Vary: o.Vary,
		Countries: make([]UncertaintyCountry, 0, md.n), Notes: slices.Clone(b.Notes)}
	if !res.Vary.Weights {
		res.Vary.WeightBand = 0
	}
	if o.Vary.Cap && !md.Options.Vary.Cap {
		res.Notes = append(res.Notes, "cap not varied: it acts on raw subscriptions, and this is the component level")
	}
	if len(md.factors) == 0 {
		res.Notes = append(res.Notes, "nothing varied: every replication is the baseline")
	}
	if k := len(md.offset) - countZeros(md.offset); k > 0 {
		res.Notes = append(res.Notes, strconv.Itoa(k)+" countries' published EGDI is not the cut of their published components' mean: they keep the difference as an offset")
	}
	N := float64(t.N)
	for p, i := range md.order {
		h := t.Hist[p*md.n : (p+1)*md.n]
		c := UncertaintyCountry{ISO3: b.Inputs.Countries[i], Rank: int(md.baseRank[p]),
			RankMedian: quantile(h, t.N, 0.5), RankP05: quantile(h, t.N, 0.05), RankP95: quantile(h, t.N, 0.95),
			PVeryHigh: float64(t.VH[p]) / N, PTop10: float64(t.Top10[p]) / N, PAheadNext: float64(t.Ahead[p]) / N}
		if p+1 < md.n {
			c.Next = b.Inputs.Countries[md.order[p+1]]
		}
		res.Countries = append(res.Countries, c)
	}
	if sobol != nil {
		names := make([]string, len(md.factors))
		for i, f := range md.factors {
			names[i] = f.String()
		}
		s := &SensitivityResult{Rows: int(sobol[0].N), Evaluations: sobol[0].N * int64(len(md.factors)+2),
			MeanAbsRankShift: sobol[0].Indices(names)}
		for x, p := range md.sens {
			s.Countries = append(s.Countries, CountrySensitivity{ISO3: b.Inputs.Countries[md.order[p]], Indices: sobol[1+x].Indices(names)})
		}
		res.Sensitivity = s
	}
	return res
}
