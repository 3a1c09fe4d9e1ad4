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
//     band = 0.1 by default: each weight in [0.233, 0.533]; or, as chosen
//     in [Vary], the edition's weights with uniform noise (rescaled to sum
//     1), or one of the user's weight sets;
//   - normalisation of each indicator: z-score then min–max of the
//     composite (the UN's), min–max, or rank (the share of countries with a
//     lower value), one of three with equal chance, or of a subset with
//     the chances given ([Vary].NormalisationP). At raw level it acts on
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
//
// A replication is evaluated by an [Evaluator]: [ReferenceKernel]
// (reference.go) is the definition, the fast kernel (package
// internal/montecarlo/kernel) what runs; [Worker] draws the choices and
// keeps the tally, whichever evaluates.

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
	Weights bool `json:"weights"`
	// The weight model: the band (the default), else WeightNoise, else
	// WeightSets (at most one of the three is set).
	//  - band B: (w_OSI, w_TII, w_HCI) uniform on the part of the simplex
	//    where every weight is at least 1/3 − B;
	//  - noise F: each of the edition's weights times 1 + F·(2u − 1), u
	//    uniform, then all three divided by their sum (COINr's
	//    get_noisy_weights, whose weights the arithmetic mean divides by
	//    their sum);
	//  - sets: one of the given (w_OSI, w_TII, w_HCI), each summing to 1,
	//    with equal chance.
	WeightBand  float64      `json:"weight_band,omitempty"`
	WeightNoise float64      `json:"weight_noise,omitempty"`
	WeightSets  [][3]float64 `json:"weight_sets,omitempty"`
	// Normalisation varies it; NormalisationP, when set, are the chances
	// of z-scores, min–max and rank (summing to 1; a zero leaves a choice
	// out), else each has a third.
	Normalisation  bool      `json:"normalisation"`
	NormalisationP []float64 `json:"normalisation_p,omitempty"`
	Cap            bool      `json:"cap"`
	Noise          float64   `json:"noise"` // σ of the multiplicative noise; 0 = none
	Aggregation    bool      `json:"aggregation"`
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

// dimsOf is factorDims for these options: the weights take 2 uniforms
// under the band, 3 under noise, 1 for a set.
func (v *Vary) dimsOf(f Factor) int {
	if f == FactorWeights {
		switch {
		case len(v.WeightSets) > 0:
			return 1
		case v.WeightNoise > 0:
			return 3
		}
	}
	return factorDims[f]
}

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
	// Quantiles are the rank quantiles reported besides the median and
	// the 5–95 % interval (each in (0, 1)); none by default.
	Quantiles []float64 `json:"quantiles,omitempty"`
	// Force allows more than MaxReplications.
	Force bool `json:"-"`
}

// MaxSobolBase is the largest Saltelli base size N (SensitivityRows).
const MaxSobolBase = 1 << 24

// Validate checks the options: EINVALID for N ≤ 0, N > MaxReplications
// without Force, or a sensitivity without a varied factor.
func (o *UncertaintyOptions) Validate() error {
	switch {
	case o.Replications <= 0:
		return Errorf(EINVALID, "--replications must be at least 1, not %d.", o.Replications)
	case o.Replications > MaxReplications && !o.Force:
		return Errorf(EINVALID, "--replications %d is more than %d: pass --force if you mean it (each costs about 5–15 µs of one core).",
			o.Replications, MaxReplications)
	case o.SensitivityRows < 0 || o.SensitivityRows > MaxSobolBase:
		return Errorf(EINVALID, "--sobol-base must be between 1 and %d, not %d.", MaxSobolBase, o.SensitivityRows)
	case o.Vary.Noise < 0 || o.Vary.Noise > 0.5 || math.IsNaN(o.Vary.Noise):
		return Errorf(EINVALID, "The noise must be between 0 and 0.5, not %g.", o.Vary.Noise)
	}
	if err := o.Vary.checkWeights(); err != nil {
		return err
	}
	if p := o.Vary.NormalisationP; p != nil {
		if err := checkNormP(p); err != nil {
			return err
		}
	}
	for _, q := range o.Quantiles {
		if !(q > 0 && q < 1) {
			return Errorf(EINVALID, "Bad --quantiles %g: each must be above 0 and below 1.", q)
		}
	}
	if o.Sensitivity && len(o.factors()) == 0 {
		return Errorf(EINVALID, "--sensitivity needs at least one varied factor (--vary).")
	}
	if !o.Sensitivity && len(o.Countries) > 0 {
		return Errorf(EINVALID, "--countries selects the countries of --sensitivity: add --sensitivity.")
	}
	return nil
}

// checkWeights checks the weight model.
func (v *Vary) checkWeights() error {
	if !v.Weights {
		if v.WeightNoise != 0 || len(v.WeightSets) > 0 {
			return Errorf(EINVALID, "A weight model is given but the weights are not varied.")
		}
		return nil
	}
	models := 0
	for _, on := range []bool{v.WeightBand != 0, v.WeightNoise != 0, len(v.WeightSets) > 0} {
		if on {
			models++
		}
	}
	switch {
	case models > 1:
		return Errorf(EINVALID, "Choose one weight model: band=B, noise=F or a file of weight sets.")
	case v.WeightNoise != 0 && !(v.WeightNoise > 0 && v.WeightNoise < 1):
		return Errorf(EINVALID, "Bad --weights noise=%g: give a number above 0 and below 1.", v.WeightNoise)
	case len(v.WeightSets) > 0:
		for i, w := range v.WeightSets {
			if err := checkWeightSet(w); err != nil {
				return Errorf(EINVALID, "Weight set %d: %s", i+1, ErrorMessage(err))
			}
		}
	case v.WeightNoise == 0 && !(v.WeightBand > 0 && v.WeightBand <= 1.0/3):
		return Errorf(EINVALID, "The weight band must be above 0 and at most 1/3, not %g.", v.WeightBand)
	}
	return nil
}

// checkWeightSet checks one set of EGDI weights: none negative, summing
// to 1 within 1e-6.
func checkWeightSet(w [3]float64) error {
	for k, x := range w {
		if !(x >= 0 && x <= 1) {
			return Errorf(EINVALID, "the %s weight %g is not between 0 and 1.", [3]string{"OSI", "TII", "HCI"}[k], x)
		}
	}
	if s := w[0] + w[1] + w[2]; math.Abs(s-1) > 1e-6 {
		return Errorf(EINVALID, "the weights sum to %g, not 1.", s)
	}
	return nil
}

// CheckWeightSet checks one set of EGDI weights (w_OSI, w_TII, w_HCI):
// none negative or above 1, summing to 1 within 1e-6; EINVALID otherwise.
func CheckWeightSet(w [3]float64) error { return checkWeightSet(w) }

func checkNormP(p []float64) error {
	if len(p) != 3 {
		return Errorf(EINVALID, "Give three normalisation chances (z-scores, min–max, rank), not %d.", len(p))
	}
	s := 0.0
	for _, x := range p {
		if !(x >= 0 && x <= 1) {
			return Errorf(EINVALID, "Bad --normalisation chance %g: each must be between 0 and 1.", x)
		}
		s += x
	}
	if math.Abs(s-1) > 1e-9 {
		return Errorf(EINVALID, "The --normalisation chances sum to %g, not 1.", s)
	}
	return nil
}

// ParseNormalisation reads the normalisations a replication draws from:
// a list of zscore (the UN's: z-scores, then min–max of the composite),
// minmax and rank, each with its chance ("zscore=0.5,rank=0.5") or none
// (equal chances: "zscore,rank"). It returns the chances of the three, in
// that order.
func ParseNormalisation(s string) ([]float64, error) {
	p := make([]float64, 3)
	seen := [3]bool{}
	withP, withoutP := 0, 0
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(strings.ToLower(part))
		if part == "" {
			continue
		}
		name, val, hasVal := strings.Cut(part, "=")
		var k int
		switch strings.TrimSpace(name) {
		case "zscore", "z-score", "z-minmax", "z":
			k = 0
		case "minmax", "min-max":
			k = 1
		case "rank":
			k = 2
		default:
			return nil, Errorf(EINVALID, "Unknown --normalisation %q: choose from zscore, minmax, rank.", name)
		}
		if seen[k] {
			return nil, Errorf(EINVALID, "--normalisation names %s twice.", name)
		}
		seen[k] = true
		if !hasVal {
			withoutP++
			p[k] = 1
			continue
		}
		withP++
		x, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || !(x >= 0 && x <= 1) {
			return nil, Errorf(EINVALID, "Bad --normalisation %s=%s: give a chance between 0 and 1.", name, val)
		}
		p[k] = x
	}
	switch {
	case withP+withoutP == 0:
		return nil, Errorf(EINVALID, "--normalisation is empty: choose from zscore, minmax, rank.")
	case withP > 0 && withoutP > 0:
		return nil, Errorf(EINVALID, "--normalisation: give a chance to every choice or to none (%q).", s)
	case withoutP > 0:
		for k := range p {
			p[k] /= float64(withoutP)
		}
	}
	if err := checkNormP(p); err != nil {
		return nil, err
	}
	return p, nil
}

// ParseWeightModel reads a weight model given as text: "band=B" (B in
// (0, 1/3]) or "noise=F" (F in (0, 1)), and sets it in v, which then varies
// the weights (weight sets come as numbers, not text: [Vary.WeightSets]).
func ParseWeightModel(s string, v *Vary) error {
	name, val, ok := strings.Cut(strings.TrimSpace(s), "=")
	name = strings.TrimSpace(strings.ToLower(name))
	x, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
	switch {
	case !ok || name != "band" && name != "noise":
		return Errorf(EINVALID, "Unknown --weights %q: give band=B, noise=F or a CSV file of weight sets.", s)
	case name == "band" && (err != nil || !(x > 0 && x <= 1.0/3)):
		return Errorf(EINVALID, "Bad --weights %s: give band=B with B above 0 and at most 1/3.", s)
	case name == "noise" && (err != nil || !(x > 0 && x < 1)):
		return Errorf(EINVALID, "Bad --weights %s: give noise=F with F above 0 and below 1.", s)
	}
	v.Weights = true
	v.WeightBand, v.WeightNoise, v.WeightSets = 0, 0, nil
	if name == "band" {
		v.WeightBand = x
	} else {
		v.WeightNoise = x
	}
	return nil
}

// ParseQuantiles reads a list of rank quantiles such as
// "0.05,0.25,0.5,0.75,0.95".
func ParseQuantiles(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		x, err := strconv.ParseFloat(part, 64)
		if err != nil || !(x > 0 && x < 1) {
			return nil, Errorf(EINVALID, "Bad --quantiles %q: each must be a number above 0 and below 1.", part)
		}
		out = append(out, x)
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "--quantiles is empty: give numbers such as 0.05,0.5,0.95.")
	}
	return out, nil
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

// ModelComponent is one component of a [Model], its countries numbered by
// their place in the baseline ranking: given as an index, or, at raw level,
// rebuilt from raw inputs for the places of raw countries.
type ModelComponent struct {
	Raw     bool
	Rows    []int32   // place of each raw row
	X       []float64 // raw inputs, input-major: X[k*len(Rows)+j]
	Hi      []float64 // upper bound of each raw input (the noise's clamp)
	W       []float64 // weight of each raw input in the composite
	Capped  bool      // the cap acts on this composite's inputs (the TII)
	Cap     float64   // the edition's cap (0 = none)
	Given   []float64 // per place: the index (NaN for raw rows)
	Carried []int32   // places of a raw composite that keep their given index
}

// Model is an edition prepared for uncertainty analysis. Countries are
// numbered by their place p in the baseline ranking (ties in the order the
// base lists them): the country at place p is Base's country Order[p], so
// the country ranked just below is p+1 and ties of unrounded values are
// broken by p. Kernels read the exported fields and never write them; a
// Model is safe for concurrent use.
type Model struct {
	Base    *Base
	Options UncertaintyOptions

	Comp          [3]ModelComponent // OSI, TII, HCI
	NormGiven     bool              // the normalisation also acts on given indices (component level)
	Weights       [3]float64        // the edition's EGDI weights
	Zero          []bool            // the edition's zero rule applies to the place's country
	Offset        []float64         // published EGDI − recomputed, where they disagree (component level)
	EGDIPrecision Precision
	VeryHigh      float64 // the very-high cut-off of a published EGDI
	Ordinal       bool    // no shared ranks (2020)
	Order         []int32 // base country of each place
	BaseRank      []int32 // baseline rank of each place

	factors []Factor
	dims    int   // uniforms per draw
	sens    []int // places with their own Sobol indices
	rows    int   // Saltelli rows
	sobol   *SobolPoints
}

// NewModel prepares a base for an uncertainty analysis. The base's level
// decides how components are recomputed: at raw level composites with raw
// inputs are rebuilt in every replication (carried countries keep their
// given index, with noise); at component level every index is given.
func NewModel(b *Base, o UncertaintyOptions) (*Model, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Vary.Weights && o.Vary.WeightBand == 0 && o.Vary.WeightNoise == 0 && len(o.Vary.WeightSets) == 0 {
		o.Vary.WeightBand = DefaultWeightBand
	}
	m := b.Method
	n := len(b.Scores)
	md := &Model{Base: b, Options: o, factors: o.factors(), NormGiven: b.Level == ComponentLevel,
		Weights: [3]float64{m.Weights.OSI, m.Weights.TII, m.Weights.HCI}, Zero: make([]bool, n),
		EGDIPrecision: m.EGDIPrecision, VeryHigh: m.Cutoffs[2], Ordinal: m.Ties == Ordinal, BaseRank: make([]int32, n)}
	for _, f := range md.factors {
		md.dims += o.Vary.dimsOf(f)
	}
	if o.Vary.Cap && b.Level != RawLevel {
		md.Options.Vary.Cap = false
		md.factors = slices.DeleteFunc(md.factors, func(f Factor) bool { return f == FactorCap })
		md.dims--
	}
	md.Order = make([]int32, n)
	for i := range md.Order {
		md.Order[i] = int32(i)
	}
	slices.SortStableFunc(md.Order, func(a, c int32) int { return b.Scores[a].EGDIRank - b.Scores[c].EGDIRank })
	in := b.Inputs
	at := func(ind Indicator, p int) float64 { return in.Get(ind, int(md.Order[p])) }
	for p, i := range md.Order {
		md.BaseRank[p] = int32(b.Scores[i].EGDIRank)
	}
	for ci, c := range []struct {
		index Indicator
		comp  *Composite
	}{{OSI, nil}, {TII, &m.TII}, {HCI, &m.HCI}} {
		mc := &md.Comp[ci]
		mc.Given = make([]float64, n)
		mc.Raw = b.Level == RawLevel && c.comp != nil && b.Raw[c.index]
		for p := range n {
			v := at(c.index, p)
			if math.IsNaN(v) {
				v = 0 // a missing HCI (2008–2010) is shown and zeroed as 0
			}
			mc.Given[p] = v
		}
		if !mc.Raw {
			continue
		}
		mc.Capped, mc.Cap = c.index == TII, c.comp.Cap
		for p, i := range md.Order {
			if complete(in, c.comp.Inputs, int(i)) {
				mc.Rows = append(mc.Rows, int32(p))
				mc.Given[p] = math.NaN()
			} else {
				mc.Carried = append(mc.Carried, int32(p))
			}
		}
		r := len(mc.Rows)
		mc.X = make([]float64, len(c.comp.Inputs)*r)
		for k, ind := range c.comp.Inputs {
			for j, p := range mc.Rows {
				mc.X[k*r+j] = at(ind, int(p))
			}
			_, hi := ind.Bounds()
			mc.Hi = append(mc.Hi, hi)
			mc.W = append(mc.W, c.comp.Weight(k))
		}
	}
	for p := range n {
		switch m.ZeroRule {
		case ZeroIfOSI:
			md.Zero[p] = at(OSI, p) == 0
		case ZeroIfHCI:
			h := at(HCI, p)
			md.Zero[p] = math.IsNaN(h) || h == 0
		}
	}
	// At component level the baseline is the published ranking. Where a
	// published EGDI is not the edition's cut of the weighted mean of the
	// published components (2008: Cameroon and Cambodia, Q11; 2024: EGDI
	// from unpublished component values, Q6; truncation of truncated
	// components elsewhere), the country carries the difference as a
	// fixed offset, so that with nothing varied its EGDI is the published one.
	md.Offset = make([]float64, n)
	if b.Level == ComponentLevel && b.Published != nil {
		for p, i := range md.Order {
			c := [3]float64{md.Comp[0].Given[p], md.Comp[1].Given[p], md.Comp[2].Given[p]}
			e := md.Weights[0]*c[0] + md.Weights[1]*c[1] + md.Weights[2]*c[2]
			if !md.Zero[p] && m.EGDIPrecision.Apply(e) != b.Published[i] {
				md.Offset[p] = b.Published[i] - e
			}
		}
	}
	if o.Sensitivity {
		for _, c := range o.Countries {
			i := b.Index(c)
			if i < 0 {
				return nil, Errorf(ENOTFOUND, "%s was not assessed in edition %d.", c, b.Edition)
			}
			p := slices.Index(md.Order, int32(i))
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

// Countries returns the number of countries.
func (md *Model) Countries() int { return len(md.Order) }

// SensitivityRows returns N of the Saltelli design (0 without sensitivity).
func (md *Model) SensitivityRows() int { return md.rows }

// Factors returns the varied factors.
func (md *Model) Factors() []Factor { return md.factors }

// draw turns uniforms into choices, factor by factor.
func (md *Model) draw(u []float64, noise uint64) Draw {
	d := Draw{W: md.Weights, Norm: NormZMinMax}
	if md.Comp[1].Raw {
		d.Cap = md.Comp[1].Cap
	}
	k := 0
	for _, f := range md.factors {
		switch f {
		case FactorWeights:
			v := &md.Options.Vary
			switch {
			case len(v.WeightSets) > 0:
				d.W = v.WeightSets[min(len(v.WeightSets)-1, int(u[k]*float64(len(v.WeightSets))))]
			case v.WeightNoise > 0:
				// w_k·(1 + F·(2u_k − 1)), divided by the sum.
				var s float64
				for j := range d.W {
					d.W[j] = md.Weights[j] * (1 + v.WeightNoise*(2*u[k+j]-1))
					s += d.W[j]
				}
				for j := range d.W {
					d.W[j] /= s
				}
			default:
				// Fold the unit square onto the triangle x + y ≤ 1 (measure
				// preserving), giving s uniform on the simplex, then shrink it
				// to the band: w = (1/3 − band) + 3·band·s.
				x, y := u[k], u[k+1]
				if x+y > 1 {
					x, y = 1-x, 1-y
				}
				lo, span := 1.0/3-v.WeightBand, 3*v.WeightBand
				d.W = [3]float64{lo + span*x, lo + span*y, lo + span*(1-x-y)}
			}
		case FactorNormalisation:
			if p := md.Options.Vary.NormalisationP; p != nil {
				// The first choice whose cumulative chance exceeds u (a
				// choice of chance 0 is never drawn).
				d.Norm = NormRank
				for j, c := 0, 0.0; j < 2; j++ {
					if c += p[j]; u[k] < c {
						d.Norm = Normalisation(j)
						break
					}
				}
				for d.Norm > 0 && p[d.Norm] == 0 {
					d.Norm--
				}
			} else {
				d.Norm = Normalisation(min(2, int(u[k]*3)))
			}
		case FactorCap:
			d.Cap = Caps[min(3, int(u[k]*4))]
		case FactorNoise:
			d.NoiseSeed = noise | 1
		case FactorAggregation:
			d.Geometric = u[k] >= 0.5
		}
		k += md.Options.Vary.dimsOf(f)
	}
	return d
}

// DrawReplication returns the choices of replication i: its uniforms,
// then its noise seed, from its own generator PCG(Seed, i).
func (md *Model) DrawReplication(i uint64) Draw {
	r := rand.New(rand.NewPCG(md.Options.Seed, i))
	u := make([]float64, md.dims)
	for d := range u {
		u[d] = r.Float64()
	}
	return md.draw(u, r.Uint64())
}

// Evaluator recomputes the edition under a draw: [ReferenceKernel] here,
// the fast kernel in internal/montecarlo/kernel. Eval returns the rank
// and the very-high flag of each place, Scores the unrounded EGDI of each
// place after the last Eval: slices of the evaluator's own, valid until
// the next Eval.
type Evaluator interface {
	Eval(d *Draw) (rank []int32, veryHigh []bool)
	Scores() []float64
}

// Worker runs replications and Saltelli rows on one evaluator and keeps
// their tally and Sobol sums. With a fast evaluator it allocates nothing
// per replication. A Worker is not safe for concurrent use; make one per
// goroutine.
type Worker struct {
	md      *Model
	ev      Evaluator
	pcg     *rand.PCG
	rng     *rand.Rand
	u       []float64
	d, a, b Draw

	rank  []int32   // of the last replication
	ab    [][]int32 // sensitivity: outputs per run
	yab   []int64
	pw    [SobolBootstrap]uint8 // Poisson weights of the current row
	Tally *Tally
	Sobol []SobolSums[int64] // [0] mean |rank shift| (as a sum), then each country
	// Boot[o][b] are the sums of output o in bootstrap replicate b.
	Boot [][]SobolSums[int64]
}

// SobolBootstrap is the number of bootstrap replicates behind the Sobol
// indices' intervals. The bootstrap is Poisson's (Hanley & MacGibbon,
// "Creating non-parametric bootstrap samples using Poisson frequencies",
// Computer Methods and Programs in Biomedicine 83, 2006): each replicate
// counts row j m_jb times, m_jb ~ Poisson(1) drawn from (Seed, j, b), which
// approximates resampling the N rows with replacement and can be summed
// row by row, on any number of workers, in bounded memory.
const SobolBootstrap = 200

// poisson1 is the cumulative distribution of Poisson(1): P(X ≤ k).
var poisson1 = func() (c [12]float64) {
	p, s := math.Exp(-1), 0.0
	for k := range c {
		s += p
		c[k] = s
		p /= float64(k + 1)
	}
	return c
}()

// poissonWeights fills w with the Poisson(1) counts of row j, one per
// bootstrap replicate.
func poissonWeights(w []uint8, seed, j uint64) {
	x := splitmix(seed ^ 0xb0075 ^ j*0x9e3779b97f4a7c15)
	for b := range w {
		x = splitmix(x)
		u := float64(x>>11) / (1 << 53)
		k := 0
		for k < len(poisson1)-1 && u >= poisson1[k] {
			k++
		}
		w[b] = uint8(k)
	}
}

// NewWorker returns a worker on ev with its own tally.
func (md *Model) NewWorker(ev Evaluator) *Worker {
	w := &Worker{md: md, ev: ev, Tally: md.NewTally(), pcg: rand.NewPCG(0, 0), u: make([]float64, 2*md.dims+1)}
	w.rng = rand.New(w.pcg)
	if md.sobol != nil {
		nf := len(md.factors)
		w.Sobol = make([]SobolSums[int64], 1+len(md.sens))
		for i := range w.Sobol {
			w.Sobol[i] = NewSobolSums[int64](nf)
		}
		w.Boot = make([][]SobolSums[int64], 1+len(md.sens))
		for i := range w.Boot {
			w.Boot[i] = make([]SobolSums[int64], SobolBootstrap)
			for b := range w.Boot[i] {
				w.Boot[i][b] = NewSobolSums[int64](nf)
			}
		}
		w.yab = make([]int64, nf)
		w.ab = make([][]int32, nf+2)
		for i := range w.ab {
			w.ab[i] = make([]int32, 1+len(md.sens))
		}
	}
	return w
}

// Replicate runs replication i (seeded from (Seed, i), as
// [Model.DrawReplication]) and adds it to the worker's tally.
func (w *Worker) Replicate(i uint64) {
	md := w.md
	w.pcg.Seed(md.Options.Seed, i)
	for d := range md.dims {
		w.u[d] = w.rng.Float64()
	}
	w.d = md.draw(w.u[:md.dims], w.rng.Uint64())
	rank, vh := w.ev.Eval(&w.d)
	w.Tally.add(rank, vh)
	w.rank = rank
}

// Last returns the draw, the unrounded EGDI and the rank of each place of
// the last replication (valid until the next call of Replicate or
// SensitivityRow).
func (w *Worker) Last() (*Draw, []float64, []int32) { return &w.d, w.ev.Scores(), w.rank }

// SensitivityRow runs row j of the Saltelli design: the model on A, on B
// and on A_B^(f) for each varied factor f, and adds the outputs to the
// worker's Sobol sums.
func (w *Worker) SensitivityRow(j uint64) {
	md := w.md
	nd := md.dims
	u := w.u[:2*nd]
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
		k0 += md.Options.Vary.dimsOf(f)
	}
	var na, nb uint64
	if noiseDim >= 0 {
		na, nb = noiseOf(noiseDim), noiseOf(nd+noiseDim)
	}
	w.a = md.draw(u[:nd], na)
	w.b = md.draw(u[nd:], nb)
	w.outputs(w.ab[0], &w.a)
	w.outputs(w.ab[1], &w.b)
	for fi, f := range md.factors {
		w.d = w.a
		switch f {
		case FactorWeights:
			w.d.W = w.b.W
		case FactorNormalisation:
			w.d.Norm = w.b.Norm
		case FactorCap:
			w.d.Cap = w.b.Cap
		case FactorNoise:
			w.d.NoiseSeed = w.b.NoiseSeed
		case FactorAggregation:
			w.d.Geometric = w.b.Geometric
		}
		w.outputs(w.ab[2+fi], &w.d)
	}
	for o := range w.Sobol {
		for fi := range md.factors {
			w.yab[fi] = int64(w.ab[2+fi][o])
		}
		w.Sobol[o].Add(int64(w.ab[0][o]), int64(w.ab[1][o]), w.yab)
	}
	poissonWeights(w.pw[:], md.Options.Seed, j)
	for o := range w.Boot {
		for fi := range md.factors {
			w.yab[fi] = int64(w.ab[2+fi][o])
		}
		fa, fb := int64(w.ab[0][o]), int64(w.ab[1][o])
		for b, m := range w.pw {
			if m > 0 {
				w.Boot[o][b].AddN(int64(m), fa, fb, w.yab)
			}
		}
	}
}

// Merge adds the tally and sums of o into w.
func (w *Worker) Merge(o *Worker) {
	w.Tally.Merge(o.Tally)
	for i := range w.Sobol {
		w.Sobol[i].Merge(&o.Sobol[i])
		for b := range w.Boot[i] {
			w.Boot[i][b].Merge(&o.Boot[i][b])
		}
	}
}

// outputs evaluates d and writes its outputs: Σ|rank − base rank|, then
// the rank of each sensitivity country.
func (w *Worker) outputs(dst []int32, d *Draw) {
	rank, _ := w.ev.Eval(d)
	var s int32
	for i, r := range rank {
		d := r - w.md.BaseRank[i]
		if d < 0 {
			d = -d
		}
		s += d
	}
	dst[0] = s
	for x, i := range w.md.sens {
		dst[1+x] = rank[i]
	}
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// TieKey is the point of the tie grid of [OrdinalRanks] nearest x: values
// with one key are tied (differences below about 1e-12 are float noise of
// a weighted mean). The kernels rank unrounded EGDI on it.
func TieKey(x float64) float64 { return tieKey(x) }

// ByCountry returns ranks by place as ranks by country, in the order of
// the base's countries.
func (md *Model) ByCountry(rank []int32) []int {
	out := make([]int, len(md.Order))
	for p, i := range md.Order {
		out[i] = int(rank[p])
	}
	return out
}

// The noise. Every input value x (a raw input or a given index) becomes
// x·f with f = 1 + σ√3·(2u − 1), u = (q + ½)/4096 and q a 12-bit draw:
// uniform on a 4096-level grid, mean 1 and standard deviation σ (to 1e-7
// relative). The grid's step, 2σ√3/4096 (8.5e-5 of x at σ = 0.05), is far
// below any difference that matters to a rank. The draws of one Eval
// come from one stream seeded by the draw's NoiseSeed, in this order:
// for each component (OSI, TII, HCI), a given one's places in order, or
// for a raw one first its carried places, then each raw input over its
// rows. Each such run of k values takes ⌈k/5⌉ 64-bit numbers of the
// stream, five 12-bit draws from each, low bits first.

// NoiseGrid is the number of levels of the noise's uniform u.
const NoiseGrid = 1 << 12

// NoiseStream is the noise's generator: Wang Yi's wyrand, a Weyl sequence
// mixed by one 64×64→128-bit multiplication (it passes BigCrush and
// PractRand). Its state advances by an addition, so successive draws do
// not wait on each other, and one costs about a third of a PCG-DXSM draw.
type NoiseStream uint64

// NewNoiseStream returns the stream of a draw's NoiseSeed.
func NewNoiseStream(seed uint64) NoiseStream {
	return NoiseStream(splitmix(seed ^ 0x6e6f697365)) // "noise"
}

// Next returns the stream's next 64-bit number.
func (s *NoiseStream) Next() uint64 {
	*s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(uint64(*s), uint64(*s^0xe7037ed1a0b428db))
	return hi ^ lo
}

// Factors returns k noise factors of standard deviation sigma: one run of
// the stream (see above).
func (s *NoiseStream) Factors(k int, sigma float64) []float64 {
	f := make([]float64, k)
	a := sigma * math.Sqrt(3)
	var b uint64
	for j := range f {
		if j%5 == 0 {
			b = s.Next()
		}
		q := b >> (12 * (j % 5)) & (NoiseGrid - 1)
		u := (float64(q) + 0.5) / NoiseGrid
		f[j] = 1 + a*(2*u-1)
	}
	return f
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
	n := len(md.Order)
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

func (t *Tally) add(rank []int32, vh []bool) {
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
	// RankMean is the mean rank over the replications; RankQuantiles the
	// ranks at the options' Quantiles, in their order.
	RankMean      float64 `json:"rank_mean"`
	RankQuantiles []int   `json:"rank_quantiles,omitempty"`
	// Next is the country ranked just below in the baseline, PAheadNext the
	// share of replications in which the country stays strictly ahead of it.
	Next       ISO3    `json:"next,omitempty"`
	PAheadNext float64 `json:"p_ahead_next"`
}

// SensitivityResult holds the Sobol indices of each varied factor.
type SensitivityResult struct {
	Rows        int   `json:"rows"`        // N of the Saltelli design (the base size)
	Evaluations int64 `json:"evaluations"` // N·(k+2)
	// Bootstrap is the number of Poisson bootstrap replicates behind each
	// index's 95 % interval.
	Bootstrap int `json:"bootstrap"`
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
	Quantiles    []float64            `json:"quantiles,omitempty"`
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

// Result summarises a worker's tally and, with sensitivity, its Sobol
// sums (merge every worker into one first, [Worker.Merge]).
func (md *Model) Result(w *Worker) *UncertaintyResult {
	t := w.Tally
	t.Flush()
	b := md.Base
	o := md.Options
	res := &UncertaintyResult{Edition: b.Edition, Level: b.Level, Replications: int(t.N), Seed: o.Seed, Vary: o.Vary,
		Quantiles: o.Quantiles, Countries: make([]UncertaintyCountry, 0, len(md.Order)), Notes: slices.Clone(b.Notes)}
	if !res.Vary.Weights {
		res.Vary.WeightBand = 0
	}
	if o.Vary.Cap && !md.Options.Vary.Cap {
		res.Notes = append(res.Notes, "cap not varied: it acts on raw subscriptions, and this is the component level")
	}
	if len(md.factors) == 0 {
		res.Notes = append(res.Notes, "nothing varied: every replication is the baseline")
	}
	if k := len(md.Offset) - countZeros(md.Offset); k > 0 {
		res.Notes = append(res.Notes, strconv.Itoa(k)+" countries' published EGDI is not the cut of their published components' mean: they keep the difference as an offset")
	}
	N := float64(t.N)
	n := len(md.Order)
	for p, i := range md.Order {
		h := t.Hist[p*n : (p+1)*n]
		c := UncertaintyCountry{ISO3: b.Inputs.Countries[i], Rank: int(md.BaseRank[p]),
			RankMedian: quantile(h, t.N, 0.5), RankP05: quantile(h, t.N, 0.05), RankP95: quantile(h, t.N, 0.95),
			PVeryHigh: float64(t.VH[p]) / N, PTop10: float64(t.Top10[p]) / N, PAheadNext: float64(t.Ahead[p]) / N}
		var sum uint64
		for r, x := range h {
			sum += uint64(r+1) * x
		}
		c.RankMean = float64(sum) / N
		for _, q := range o.Quantiles {
			c.RankQuantiles = append(c.RankQuantiles, quantile(h, t.N, q))
		}
		if p+1 < n {
			c.Next = b.Inputs.Countries[md.Order[p+1]]
		}
		res.Countries = append(res.Countries, c)
	}
	if w.Sobol != nil && md.rows > 0 {
		names := make([]string, len(md.factors))
		for i, f := range md.factors {
			names[i] = f.String()
		}
		sobol := w.Sobol
		s := &SensitivityResult{Rows: int(sobol[0].N), Evaluations: sobol[0].N * int64(len(md.factors)+2),
			Bootstrap: SobolBootstrap, MeanAbsRankShift: withIntervals(&sobol[0], w.Boot[0], names)}
		for x, p := range md.sens {
			s.Countries = append(s.Countries, CountrySensitivity{ISO3: b.Inputs.Countries[md.Order[p]],
				Indices: withIntervals(&sobol[1+x], w.Boot[1+x], names)})
		}
		res.Sensitivity = s
		res.Notes = append(res.Notes, sobolCaveats("mean |rank shift|", s.MeanAbsRankShift, s.Rows)...)
		for _, c := range s.Countries {
			res.Notes = append(res.Notes, sobolCaveats("rank of "+string(c.ISO3), c.Indices, s.Rows)...)
		}
	}
	return res
}

// withIntervals returns the indices of s with the 2.5 and 97.5 percentiles
// of their bootstrap replicates as 95 % intervals.
func withIntervals(s *SobolSums[int64], boot []SobolSums[int64], names []string) []SobolIndex {
	out := s.Indices(names)
	if len(boot) == 0 {
		return out
	}
	reps := make([][]SobolIndex, len(boot))
	for b := range boot {
		reps[b] = boot[b].Indices(names)
	}
	v := make([]float64, len(boot))
	pct := func(lo bool) float64 {
		slices.Sort(v)
		if lo {
			return v[int(0.025*float64(len(v)-1))]
		}
		return v[int(math.Ceil(0.975*float64(len(v)-1)))]
	}
	for i := range out {
		for b := range reps {
			v[b] = reps[b][i].First
		}
		out[i].FirstCI = [2]float64{pct(true), pct(false)}
		for b := range reps {
			v[b] = reps[b][i].Total
		}
		out[i].TotalCI = [2]float64{pct(true), pct(false)}
	}
	return out
}

// sobolCaveats says where an estimate cannot be read at face value: a
// negative index (an estimator's sampling error; the true index is ≥ 0),
// or a total index below the first-order one by more than the total's
// interval allows (the true total is ≥ the first-order).
func sobolCaveats(output string, idx []SobolIndex, rows int) []string {
	var out []string
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
	for _, x := range idx {
		for _, e := range []struct {
			name string
			v    float64
			ci   [2]float64
		}{{"first-order", x.First, x.FirstCI}, {"total", x.Total, x.TotalCI}} {
			switch {
			case e.v >= 0:
			case e.ci[1] >= 0:
				out = append(out, "Sobol caveat: "+output+", "+x.Factor+": "+e.name+" estimate "+f(e.v)+" is negative, but its 95 % interval ("+
					f(e.ci[0])+" to "+f(e.ci[1])+") includes 0: read it as about 0 (sampling error at N = "+strconv.Itoa(rows)+")")
			default:
				out = append(out, "Sobol caveat: "+output+", "+x.Factor+": "+e.name+" estimate "+f(e.v)+" is negative beyond its 95 % interval ("+
					f(e.ci[0])+" to "+f(e.ci[1])+"): the estimator is unreliable at N = "+strconv.Itoa(rows)+"; increase --sobol-base")
			}
		}
		if x.TotalCI[1] < x.First {
			out = append(out, "Sobol caveat: "+output+", "+x.Factor+": total "+f(x.Total)+" is below first-order "+f(x.First)+
				" beyond the total's 95 % interval ("+f(x.TotalCI[0])+" to "+f(x.TotalCI[1])+"): the estimates are unreliable at N = "+strconv.Itoa(rows)+"; increase --sobol-base")
		}
	}
	return out
}
