// Package kernel is the fast replication kernel of the uncertainty
// analysis: it evaluates an [egdi.Draw] on an [egdi.Model] to the same
// ranks as [egdi.ReferenceKernel] (scores within 1e-12), about fifty
// times faster, and allocates nothing per replication. It implements
// [egdi.Evaluator]; package montecarlo runs it on every core.
//
// Where the time goes and what is done about it (each trick's invariant
// is stated next to it): precomputed components when nothing is noisy;
// noise five draws to a 64-bit number with factors built in a float's
// mantissa; min, max and clamp as integer operations on the bits of
// non-negative floats; table logarithm and exponential for the geometric
// mean (1e-11); bucket sorts for rank shares and the ranking; one-pass
// moments for noisy z-scores, whose composite is min–max rescaled anyway.
// The property test in kernel_test.go compares it with the reference
// kernel over random options, draws and seeds.
package kernel

import (
	"math"
	"slices"

	"github.com/egdi-project/egdi"
)

// Caps are the TII caps a replication can draw (egdi.Caps).
var caps = egdi.Caps

// composite is one component of the model with the kernel's precomputed
// vectors: without noise a component depends only on the normalisation
// and, for the TII, the cap: pres[norm][c] is the vector for cap capVals[c].
type composite struct {
	*egdi.ModelComponent
	capVals []float64
	pres    [3][][]float64
}

// pre returns the precomputed component for a normalisation and cap, or
// nil when that cap was not precomputed.
func (mc *composite) pre(norm egdi.Normalisation, cp float64) []float64 {
	for c, x := range mc.capVals {
		if x == cp {
			return mc.pres[norm][c]
		}
	}
	return nil
}

// Model is an [egdi.Model] prepared for the fast kernel: the precomputed
// components and the tables. It is read only, safe for concurrent use by
// many [Kernel]s.
type Model struct {
	md        *egdi.Model
	n         int
	comp      [3]composite
	logExp    *logExp
	egdiMode  egdi.RoundMode
	egdiPow   float64 // 10^digits
	veryHighQ float64 // the very-high cut-off in units of the last published digit
}

// New prepares md for the fast kernel.
func New(md *egdi.Model) *Model {
	km := &Model{md: md, n: len(md.Order), logExp: newLogExp(), egdiMode: md.EGDIPrecision.Mode,
		egdiPow: math.Pow10(md.EGDIPrecision.Digits)}
	for c := range km.comp {
		km.comp[c].ModelComponent = &md.Comp[c]
	}
	// A published value q/10^d is very high when q ≥ veryHighQ.
	km.veryHighQ = math.Ceil(md.VeryHigh * km.egdiPow)
	for (km.veryHighQ-1)/km.egdiPow >= md.VeryHigh {
		km.veryHighQ--
	}
	for km.veryHighQ/km.egdiPow < md.VeryHigh {
		km.veryHighQ++
	}
	km.precompute()
	return km
}

// precompute fills each component's vectors without noise: for every
// normalisation, and for the TII at raw level every cap a replication can
// draw (and the edition's).
func (md *Model) precompute() {
	k := md.newScratch()
	for ci := range md.comp {
		mc := &md.comp[ci]
		mc.capVals = []float64{0}
		if mc.Raw && mc.Capped {
			mc.capVals = append(slices.Clone(caps[:]), mc.Cap)
		}
		for norm := range mc.pres {
			mc.pres[norm] = make([][]float64, len(mc.capVals))
			for c, cp := range mc.capVals {
				val := slices.Clone(mc.Given)
				switch {
				case mc.Raw:
					k.composite(mc, egdi.Normalisation(norm), cp, false, val)
				case !md.md.NormGiven:
				case egdi.Normalisation(norm) == egdi.NormMinMax:
					egdi.MinMax(val)
				case egdi.Normalisation(norm) == egdi.NormRank:
					rankShare(val, val, k.order, k.sv, k.bk, k.cnt)
				}
				mc.pres[norm][c] = val
			}
		}
	}
}

// Kernel is one worker's evaluator: preallocated buffers, so that an Eval
// allocates nothing. A Kernel is
// not safe for concurrent use; make one per goroutine.
type Kernel struct {
	md    *Model
	noise egdi.NoiseStream // the noise stream of the current Eval
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

	val  [3][]float64 // component values per country
	v    []float64    // one raw input, per row
	s    []float64    // composite sum, per row
	egdi []float64
	pub  []float64
	rank []int32
	vh   []bool
}

// NewKernel returns a kernel of its own buffers.
func (km *Model) NewKernel() *Kernel {
	k := km.newScratch()
	if a := km.md.Options.Vary.Noise * math.Sqrt(3); a > 0 {
		k.noiseOn = true
		// 1 − a + a/4096 + (2a/4096)·q = nf0 + nf1·(1 + q/4096).
		k.nf1 = 2 * a
		k.nf0 = 1 - a + a/noiseGrid - k.nf1
	}
	return k
}

// newScratch returns a kernel with its buffers only.
func (md *Model) newScratch() *Kernel {
	n := md.n
	rmax := 0
	for _, c := range md.comp {
		rmax = max(rmax, len(c.Rows))
	}
	k := &Kernel{md: md,
		v: make([]float64, max(rmax, n)), s: make([]float64, max(rmax, n)), order: make([]int32, max(rmax, n)),
		bk: make([]uint16, max(rmax, n)), bk8: make([]uint8, n), cnt: make([]int32, max(ascBuckets, sortBuckets)), fac: make([]float64, max(rmax, n)),
		sv:   make([]float64, max(rmax, n)),
		egdi: make([]float64, n), pub: make([]float64, n), rank: make([]int32, n), vh: make([]bool, n)}
	for c := range k.val {
		k.val[c] = make([]float64, n)
	}
	return k
}

// Ranks returns the ranks of the last Eval, by place.
func (k *Kernel) Ranks() []int32 { return k.rank }

// Scores returns the unrounded EGDI of each place after the last Eval.
func (k *Kernel) Scores() []float64 { return k.egdi }

// noiseGrid is the number of levels of the noise's uniform u: 12 bits, so
// that five draws come from one 64-bit number (egdi.NoiseGrid).
const noiseGrid = egdi.NoiseGrid

// factors fills f with draws of the multiplicative noise factor, five
// from each 64-bit number of the noise stream (12 bits each).
func (k *Kernel) factors(f []float64) {
	f0, f1 := k.nf0, k.nf1
	st := k.noise
	// m(q) = 1 + q/4096: q in the top 12 bits of the mantissa of 1.
	const one = 1023 << 52
	j := 0
	for ; j+5 <= len(f); j += 5 {
		b := st.Next()
		d := f[j : j+5 : j+5]
		d[0] = f0 + f1*math.Float64frombits(one|(b&(noiseGrid-1))<<40)
		d[1] = f0 + f1*math.Float64frombits(one|(b>>12&(noiseGrid-1))<<40)
		d[2] = f0 + f1*math.Float64frombits(one|(b>>24&(noiseGrid-1))<<40)
		d[3] = f0 + f1*math.Float64frombits(one|(b>>36&(noiseGrid-1))<<40)
		d[4] = f0 + f1*math.Float64frombits(one|(b>>48&(noiseGrid-1))<<40)
	}
	if j < len(f) {
		b := st.Next()
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
		b := st.Next()
		d, x := dst[j:j+5:j+5], src[j:j+5:j+5]
		d[0] = clamp(x[0]*nfac(f0, f1, b), hk)
		d[1] = clamp(x[1]*nfac(f0, f1, b>>12), hk)
		d[2] = clamp(x[2]*nfac(f0, f1, b>>24), hk)
		d[3] = clamp(x[3]*nfac(f0, f1, b>>36), hk)
		d[4] = clamp(x[4]*nfac(f0, f1, b>>48), hk)
	}
	if j < len(src) {
		b := st.Next()
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
		b := st.Next()
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
		b := st.Next()
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
		b := st.Next()
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
		b := st.Next()
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

// Eval recomputes the edition under d and returns the rank and very-high
// flag of each place (its own buffers, valid until the next Eval). It
// allocates nothing. Without noise the components depend only
// on the normalisation and the cap, so they come from the model's
// precomputed vectors; with noise they are rebuilt.
func (k *Kernel) Eval(d *egdi.Draw) (rank []int32, veryHigh []bool) {
	md := k.md
	noise := d.NoiseSeed != 0 && k.noiseOn
	if noise {
		k.noise = egdi.NewNoiseStream(d.NoiseSeed)
	}
	var cur [3][]float64
	for ci := range md.comp {
		mc := &md.comp[ci]
		cp := 0.0
		if mc.Capped {
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
		if mc.Raw {
			if noise {
				k.noisyAt(val, mc.Given, mc.Carried, 1)
			} else {
				for _, i := range mc.Carried {
					val[i] = mc.Given[i]
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
			k.noisy(val, mc.Given, 1)
		} else {
			copy(val, mc.Given)
		}
		if md.md.NormGiven {
			switch d.Norm {
			case egdi.NormMinMax:
				egdi.MinMax(val)
			case egdi.NormRank:
				rankShare(val, val, k.order, k.sv, k.bk, k.cnt)
			}
		}
	}
	k.aggregate(d, cur[0], cur[1], cur[2])
	lo, hi := k.publish()
	k.rankEGDI(lo, hi)
	return k.rank, k.vh
}

// aggregate writes into k.egdi the weighted mean of the components under
// d, arithmetic or geometric. Its own function (as publish), so that the
// compiler allocates the registers of its loops alone, not among all of
// Eval's values: fewer spills in the hot loops.
func (k *Kernel) aggregate(d *egdi.Draw, osi, tii, hci []float64) {
	md := k.md
	n := md.n
	osi, tii, hci = osi[:n], tii[:n], hci[:n]
	w := d.W
	egdi := k.egdi[:n]
	if d.Geometric {
		for c, src := range [3][]float64{osi, tii, hci} {
			if w[c] == 1 {
				// Weight 1 on one component (a user's weight set): the
				// mean is that component, exactly, as x¹·y⁰·z⁰ is. The
				// tables would be within 1e-13 of it, enough to move a
				// published value that sits exactly on a rounding
				// boundary (an index given to the published digits).
				for i, x := range src {
					egdi[i] = floor01(x)
				}
				return
			}
		}
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
	e0 := k.egdi[:n]
	pow := md.egdiPow
	offset, zero := md.md.Offset[:n], md.md.Zero[:n]
	pub, vh := k.pub[:n], k.vh[:n]
	vhq, trunc := md.veryHighQ, md.egdiMode == egdi.Truncate
	l, h := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range n {
		e := e0[i] + offset[i]
		if zero[i] {
			e = 0
		}
		e0[i] = e
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
// the arithmetic is that of addZ (CapSum, SqDev), operation for operation, so
// that with nothing varied the result is [Method.Compute]'s to the bit.
func (k *Kernel) composite(mc *composite, norm egdi.Normalisation, cp float64, noise bool, val []float64) {
	r := len(mc.Rows)
	if r == 0 {
		return
	}
	s := k.s[:r]
	clear(s)
	v := k.v[:r]
	for in := range mc.W {
		x := mc.X[in*r : (in+1)*r]
		hi := mc.Hi[in]
		src := x
		if noise {
			k.noisy(v, x, hi)
			src = v
		}
		// The raw rows have no missing value.
		sum, _ := egdi.CapSum(v, src, cp)
		wk := mc.W[in]
		switch norm {
		case egdi.NormZMinMax:
			// As addZ: s += (w/σ)·(x − mean), population σ.
			mean := sum / float64(r)
			sd := math.Sqrt(egdi.SqDev(v, mean) / float64(r))
			if !(sd > 0) {
				continue
			}
			f := wk / sd
			for j, xj := range v {
				s[j] += f * (xj - mean)
			}
		case egdi.NormMinMax:
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
		case egdi.NormRank:
			rankShare(v, v, k.order, k.sv, k.bk, k.cnt)
			for j, xj := range v {
				s[j] += wk * xj
			}
		}
	}
	egdi.MinMax(s)
	for j, i := range mc.Rows {
		val[i] = s[j]
	}
}

// compositeNoisy is composite with noise, by a shorter road: since the
// composite is min–max rescaled at the end, adding a constant to every
// country changes nothing, so each standardised input only needs its
// scale, w/σ for z-scores (σ from one pass of Σx and Σx²) and w/(max − min)
// for min–max. Two passes per input instead of three, and no clearing.
func (k *Kernel) compositeNoisy(mc *composite, norm egdi.Normalisation, cp float64, val []float64) {
	r := len(mc.Rows)
	if r == 0 {
		return
	}
	s, v := k.s[:r], k.v[:r]
	fr := float64(r)
	for in, wk := range mc.W {
		// Noise, then the cap: one clamp at the lower of the bound and the cap.
		bound := mc.Hi[in]
		if cp > 0 && cp < bound {
			bound = cp
		}
		f := 0.0
		switch norm {
		case egdi.NormZMinMax:
			sum, sq := k.noisyMoments(v, mc.X[in*r:(in+1)*r], bound)
			mean := sum / fr
			if vr := sq/fr - mean*mean; vr > 0 {
				f = wk / math.Sqrt(vr)
			}
		case egdi.NormMinMax:
			lo, top := k.noisyRange(v, mc.X[in*r:(in+1)*r], bound)
			if top > lo {
				f = wk / (top - lo)
			}
		case egdi.NormRank:
			if r >= 2 {
				// The rank shares go straight into s, as the loops below
				// would add them.
				lo, top := k.noisyRange(v, mc.X[in*r:(in+1)*r], bound)
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
	for j, i := range mc.Rows {
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
// OrdinalRanks: values with one tie key ([egdi.TieKey]: within about
// 1e-12, float noise of a weighted mean, not a difference) are tied and
// keep the index order, whichever buckets they fall in. The order compares
// keys (tie key, then index), so it is a strict weak order. Buckets are
// sortBuckets equal-width buckets of (hi − x)·f, monotone in x, so the
// insertion pass only fixes order within a bucket and across neighbouring
// ones. sv holds −TieKey(x), sorted ascending.
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
		order[p], sv[p] = int32(j), -egdi.TieKey(vals[j])
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

// rankEGDI ranks the places (EGDI in [lo, hi], the least and greatest),
// highest first. Competition ranks are 1 + the number of places with a
// higher published value, so the sort is of the published values (in
// units of the last digit: integers, [cut] of lo and hi the least and
// greatest), and which of two equal ones comes first does not matter.
// Sorting the unrounded values instead would, for two of them within the
// sort's 1e-12 on either side of a rounding boundary, keep them in
// baseline order and could rank the lower published value ahead (rank
// shares make such values: sums of k/(n − 1)). Ordinal ranks (2020) are
// positions by unrounded value on the tie grid of OrdinalRanks, tied
// values in baseline order.
func (k *Kernel) rankEGDI(lo, hi float64) {
	md := k.md
	n := md.n
	order := k.order[:n]
	rank, pub := k.rank[:n], k.pub[:n]
	if md.md.Ordinal {
		sortDesc(k.egdi[:n], lo, hi, order, k.sv, k.bk8, k.cnt)
		for p, i := range order {
			rank[i] = int32(p + 1)
		}
		return
	}
	sortDesc(pub, md.cut(lo), md.cut(hi), order, k.sv, k.bk8, k.cnt)
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

// cut returns e's published value in units of the last digit, as
// Precision.Apply cuts it (before its division): non-decreasing in e.
func (km *Model) cut(e float64) float64 {
	if km.egdiMode == egdi.Truncate {
		return math.Floor(e*km.egdiPow + 1e-9)
	}
	return roundHalfAway(e * km.egdiPow)
}
