package egdi

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// Group is one of the four EGDI levels.
type Group string

// EGDI groups, by the cut-offs of [Method.Cutoffs] (0.25, 0.50, 0.75).
const (
	VeryHigh Group = "very_high"
	High     Group = "high"
	Middle   Group = "middle"
	Low      Group = "low"
)

// Groups lists the groups from the highest.
var Groups = []Group{VeryHigh, High, Middle, Low}

// ParseGroup returns the group with the given name.
func ParseGroup(s string) (Group, bool) {
	for _, g := range Groups {
		if string(g) == s {
			return g, true
		}
	}
	return "", false
}

// GroupOf returns the group of a published EGDI value. A value equal to a
// cut-off is in the upper group (the documented guess of Q4).
func (m *Method) GroupOf(egdi float64) Group { return Groups[m.groupIndexOf(egdi)] }

// RatingClasses names the four rating classes of each group, from the top
// quarter down (from the 2020 edition).
var RatingClasses = map[Group][4]string{
	VeryHigh: {"VH", "V3", "V2", "V1"},
	High:     {"HV", "H3", "H2", "H1"},
	Middle:   {"MH", "M3", "M2", "M1"},
	Low:      {"LM", "L3", "L2", "L1"},
}

// classNames is RatingClasses by group index, for the hot path.
var classNames = [4][4]string{RatingClasses[VeryHigh], RatingClasses[High], RatingClasses[Middle], RatingClasses[Low]}

// ClassRank orders rating classes from the best (0, VH) to the worst (15, L1);
// it returns −1 for an unknown name.
func ClassRank(class string) int {
	for gi, g := range Groups {
		for ci, c := range RatingClasses[g] {
			if c == class {
				return gi*4 + ci
			}
		}
	}
	return -1
}

// classOf returns the quarter (0 = top) of the p-th country (0-based, by
// rank) in a group of n: boundaries at floor(k·n/4), k = 1, 2, 3. For n = 57
// the quarters hold 14, 14, 14 and 15 countries; for n = 60, 15 each. A
// group of fewer than four countries fills the classes from the top, one
// country each.
func classOf(p, n int) int {
	if n < 4 {
		return p
	}
	q := 0
	for k := 1; k <= 3; k++ {
		if p >= k*n/4 {
			q = k
		}
	}
	return q
}

// Score is one country's published-form result in one edition: indices at
// the edition's precision, ranks, group and rating class.
type Score struct {
	ISO3        ISO3     `json:"iso3"`
	Edition     int      `json:"edition"`
	EGDI        float64  `json:"egdi"`
	EGDIRank    int      `json:"egdi_rank"`
	OSI         float64  `json:"osi"`
	OSIRank     int      `json:"osi_rank"`
	TII         float64  `json:"tii"`
	TIIRank     int      `json:"tii_rank"`
	HCI         float64  `json:"hci"`
	HCIRank     int      `json:"hci_rank"`
	EPI         *float64 `json:"epi,omitempty"`
	EPIRank     int      `json:"epi_rank,omitempty"`
	Group       Group    `json:"group"`
	RatingClass string   `json:"rating_class,omitempty"`
}

// Score rounds, ranks, groups and classes unrounded component values.
// pubEGDI, when not nil, holds published EGDI values to use as they are
// (the values egdi only breaks ties between, under the ordinal rule).
// epi may hold NaN: the country then has no EPI.
//
// The published value of an index is its integer count of units in the
// last digit, q = round(v·10^d) (or floor, for a truncating edition),
// shown as q/10^d; ranks are computed on q, which is exact where floats
// are not. All working memory comes from a pool, so a call allocates the
// result and the EPI values its pointers refer to, nothing else.
func (m *Method) Score(countries []ISO3, osi, tii, hci, epi, egdi, pubEGDI []float64) []Score {
	n := len(countries)
	out := make([]Score, n)
	sc := getScratch(n)
	defer scratchPool.Put(sc)
	pub, ints, ranks, keys, gi, cls := sc.pub[:5*n], sc.ints[:5*n], sc.ranks[:5*n], sc.keys[:2*n], sc.gi[:n], sc.cls[:n]
	precs := [5]Precision{m.OSIPrecision, m.TIIPrecision, m.HCIPrecision, m.EPIPrecision, m.EGDIPrecision}
	src := [5][]float64{osi, tii, hci, epi, egdi}
	var us [5]units
	for c, p := range precs {
		dst, is := pub[c*n:(c+1)*n], ints[c*n:(c+1)*n]
		switch {
		case c == 4 && pubEGDI != nil:
			us[c] = onGrid(dst, is, pubEGDI, p)
		default:
			// HCI is shown as 0 when missing (2008–2010); a missing OSI,
			// TII or EPI stays NaN and ranks last.
			us[c] = publish(dst, is, src[c], p, c == 2)
		}
	}
	// The EPI values outlive the call (Score.EPI points at them).
	var epiPub []float64
	for _, v := range pub[3*n : 4*n] {
		if v == v {
			epiPub = slices.Clone(pub[3*n : 4*n])
			break
		}
	}
	for c := range precs {
		vals, r := pub[c*n:(c+1)*n], ranks[c*n:(c+1)*n]
		switch {
		case c == 4 && m.Ties == Ordinal:
			OrdinalRanks(vals, egdi, countries, r, sc.idx[:n], m.TieBreaks)
		case us[c].inexact:
			competitionRanks(vals, r, keys[:n])
		default:
			intRanks(ints[c*n:(c+1)*n], us[c].lo, us[c].hi, r, keys)
		}
	}
	po, pt, ph, pg := pub[:n], pub[n:2*n], pub[2*n:3*n], pub[4*n:]
	ro, rt, rh, re, rg := ranks[:n], ranks[n:2*n], ranks[2*n:3*n], ranks[3*n:4*n], ranks[4*n:]
	for i, e := range pg {
		gi[i] = uint8(m.groupIndexOf(e))
	}
	if m.RatingClasses {
		classes(rg, gi, cls, sc.idx[:n+2], sc.order[:n])
	}
	// One pass writes each result whole.
	for i := range out {
		s := &out[i]
		g := gi[i] & 3
		s.ISO3, s.Edition = countries[i], m.Edition
		s.EGDI, s.EGDIRank, s.Group = pg[i], rg[i], Groups[g]
		s.OSI, s.OSIRank = po[i], ro[i]
		s.TII, s.TIIRank = pt[i], rt[i]
		s.HCI, s.HCIRank = ph[i], rh[i]
		if epiPub != nil && epiPub[i] == epiPub[i] {
			s.EPI, s.EPIRank = &epiPub[i], re[i]
		}
		if m.RatingClasses {
			s.RatingClass = classNames[g][cls[i]&3]
		}
	}
	return out
}

// units describes the counts of units of one index: their least and
// greatest (−1 stands for a missing value), and whether some value is off
// the precision's grid or outside what intRanks takes ([0, 2⁴⁰)).
type units struct {
	lo, hi  int64
	inexact bool
}

// publish writes the published form of each value of src into dst and its
// count of units into is (−1 for a missing value, or 0 with zeroMissing).
func publish(dst []float64, is []int64, src []float64, p Precision, zeroMissing bool) units {
	scale := math.Pow10(p.Digits)
	trunc := p.Mode == Truncate
	dst, is = dst[:len(src)], is[:len(src)]
	u := units{lo: math.MaxInt64, hi: -1}
	for i, v := range src {
		if v != v {
			if !zeroMissing {
				dst[i], is[i] = v, -1
				u.lo = -1
				continue
			}
			v = 0
		}
		var x float64
		if trunc {
			// The 1e-9 guard keeps an exact k/10^d, computed as k/10^d − ε,
			// from dropping a digit (see Precision.Apply).
			x = math.Floor(v*scale + 1e-9)
		} else {
			x = math.Round(v * scale)
		}
		if x < 0 || x >= 1<<40 {
			u.inexact = true
		}
		k := int64(x)
		u.lo, u.hi = min(u.lo, k), max(u.hi, k)
		dst[i], is[i] = x/scale, k
	}
	return u
}

// onGrid copies published values as they are into dst, with their counts
// of units into is, and reports whether some value is not on the
// precision's grid (ranking by integers needs them to be).
func onGrid(dst []float64, is []int64, src []float64, p Precision) units {
	scale := math.Pow10(p.Digits)
	u := units{lo: math.MaxInt64, hi: -1}
	for i, v := range src {
		x := math.Round(v * scale)
		if math.Abs(x-v*scale) > 1e-6 || x < 0 || x >= 1<<40 {
			u.inexact = true
		}
		k := int64(x)
		u.lo, u.hi = min(u.lo, k), max(u.hi, k)
		dst[i], is[i] = v, k
	}
	return u
}

// scratch is working memory of Score, pooled: a Monte Carlo or target
// search calls Score many times, and fresh buffers made the garbage
// collector a quarter of the cost.
type scratch struct {
	pub   []float64
	ints  []int64
	ranks []int
	keys  []uint64
	idx   []int
	order []int
	gi    []uint8
	cls   []uint8
	f     []float64
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch(n int) *scratch {
	sc := scratchPool.Get().(*scratch)
	if cap(sc.gi) < n {
		sc.pub = make([]float64, 5*n)
		sc.ints = make([]int64, 5*n)
		sc.ranks = make([]int, 5*n)
		sc.keys = make([]uint64, 2*n)
		sc.idx = make([]int, n+2)
		sc.order = make([]int, n)
		sc.gi = make([]uint8, n)
		sc.cls = make([]uint8, n)
		sc.f = make([]float64, n)
	}
	return sc
}

// AssignClasses sets the rating class of each score from its group and its
// EGDI rank inside the group (quarters by count, see classOf). Countries
// sharing a rank share a class: the position of the first of them counts.
func AssignClasses(scores []Score) {
	n := len(scores)
	rank, gi, cls := make([]int, n), make([]uint8, n), make([]uint8, n)
	for i := range scores {
		rank[i], gi[i] = scores[i].EGDIRank, uint8(groupIndex(scores[i].Group))
	}
	classes(rank, gi, cls, make([]int, n+2), make([]int, n))
	for i := range scores {
		scores[i].RatingClass = classNames[gi[i]&3][cls[i]&3]
	}
}

// classes writes into cls the rating class, as a quarter of its group
// (0 = top), of each country given its EGDI rank and group index, with
// scratch space count (n+2) and order (n).
func classes(rank []int, gi, cls []uint8, count, order []int) {
	n := len(rank)
	// Counting sort by EGDI rank (ranks are 1..n; 0 = unranked, last).
	clear(count)
	for _, r := range rank {
		count[min(max(r, 0), n+1)]++
	}
	for r, c := 1, 0; r <= n+1; r++ {
		c, count[r] = c+count[r], c
	}
	count[0] = 0
	for i, r := range rank {
		r = min(max(r, 0), n+1)
		if r == 0 {
			r = n + 1
		}
		order[count[r]] = i
		count[r]++
	}
	var size, pos, firstPos, lastRank [4]int
	for _, g := range gi {
		size[g&3]++
	}
	for g := range lastRank {
		lastRank[g] = -1
	}
	for _, i := range order {
		g := gi[i] & 3
		if rank[i] != lastRank[g] {
			firstPos[g], lastRank[g] = pos[g], rank[i]
		}
		cls[i] = uint8(classOf(firstPos[g], size[g]))
		pos[g]++
	}
}

// groupIndexOf is GroupOf as an index into Groups.
func (m *Method) groupIndexOf(egdi float64) int {
	switch {
	case egdi >= m.Cutoffs[2]:
		return 0
	case egdi >= m.Cutoffs[1]:
		return 1
	case egdi >= m.Cutoffs[0]:
		return 2
	}
	return 3
}

func groupIndex(g Group) int {
	switch g {
	case VeryHigh:
		return 0
	case High:
		return 1
	case Middle:
		return 2
	}
	return 3
}

// CompetitionRanks writes into ranks the standard competition rank
// ("1-2-2-4") of each value, highest first: 1 + the number of strictly
// higher values. NaN values rank last together. idx is scratch space of the
// same length.
func CompetitionRanks(vals []float64, ranks, idx []int) {
	competitionRanks(vals, ranks, make([]uint64, len(vals)))
}

// competitionRanks ranks through order-preserving integer keys: sort the
// keys (no comparison callback), then the rank of a value is 1 + the number
// of keys above its own, found by binary search.
func competitionRanks(vals []float64, ranks []int, keys []uint64) {
	for i, v := range vals {
		keys[i] = floatKey(v)
	}
	slices.Sort(keys)
	n := len(keys)
	for i, v := range vals {
		k := floatKey(v)
		// First position whose key is > k.
		lo, hi := 0, n
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if keys[m] <= k {
				lo = m + 1
			} else {
				hi = m
			}
		}
		ranks[i] = n - lo + 1
	}
}

// intRanks is competitionRanks for values on a precision's grid, given as
// the integers v·10^digits (−1 for a missing value, which ranks last), all
// in [lo, hi]. Each integer is packed with its position into one key,
// v<<20 | i. One pass of bucket sort on the top seven bits of v − lo (128
// buckets: 188 values spread like index values leave one to three to a
// bucket, and the buckets cost no more to count than the values), then an
// insertion sort that only moves keys within their bucket; a walk from the
// top assigns the ranks. Values bunched into few buckets (more than 16 in
// one) fall back to a byte-wise radix sort, so no input costs O(n²). keys
// holds 2n.
func intRanks(ints []int64, lo, hi int64, ranks []int, keys []uint64) {
	n := len(ints)
	if n == 0 {
		return
	}
	if n >= 1<<20 {
		panic("egdi: intRanks: too many values")
	}
	if hi-lo >= 1<<44 { // keys are v<<20 | i
		panic("egdi: intRanks: values out of range")
	}
	shift := uint(max(bits.Len64(uint64(hi-lo))-7, 0))
	a, b := keys[:n], keys[n:2*n]
	var count [128]int32
	for i, x := range ints {
		v := uint64(x - lo)
		a[i] = v<<20 | uint64(i)
		count[v>>shift&0x7f]++
	}
	// Exclusive prefix sums, the running total in a register; the largest
	// bucket decides between the insertion pass and the radix sort.
	var sum, most int32
	for d, c := range count {
		most = max(most, c)
		count[d] = sum
		sum += c
	}
	if most > 16 {
		a = radixKeys(a, b)
	} else {
		for _, k := range a {
			d := k >> 20 >> shift & 0x7f
			b[count[d]] = k
			count[d]++
		}
		for p := 1; p < n; p++ {
			k := b[p]
			if b[p-1] <= k {
				continue
			}
			q := p - 1
			for q >= 0 && b[q] > k {
				b[q+1] = b[q]
				q--
			}
			b[q+1] = k
		}
		a = b
	}
	rank, prev := 0, ^uint64(0)
	for p := n - 1; p >= 0; p-- {
		k := a[p]
		if k>>20 != prev {
			rank, prev = n-p, k>>20
		}
		ranks[k&(1<<20-1)] = rank
	}
}

// radixKeys sorts the keys of a by a least-significant-digit radix sort on
// bytes from bit 20 up, b being scratch of the same length, and returns
// whichever of the two holds the sorted keys.
func radixKeys(a, b []uint64) []uint64 {
	var top uint64
	for _, k := range a {
		top |= k
	}
	for shift := uint(20); top>>shift != 0; shift += 8 {
		var count [257]int
		for _, k := range a {
			count[(k>>shift)&0xff+1]++
		}
		for d := 1; d < 257; d++ {
			count[d] += count[d-1]
		}
		for _, k := range a {
			d := (k >> shift) & 0xff
			b[count[d]] = k
			count[d]++
		}
		a, b = b, a
	}
	return a
}

// floatKey maps a float64 to a uint64 with the same order (−0 = +0); NaN
// maps below every number, so NaN values rank last, together.
func floatKey(v float64) uint64 {
	if v != v {
		return 0
	}
	if v == 0 {
		v = 0
	}
	b := math.Float64bits(v)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// OrdinalRanks ranks by the published values pub and breaks their ties by
// the unrounded values raw (the 2020 rule), then by the edition's recorded
// tie breaks (first of a pair ahead), then by code, so that no two
// countries share a rank. The order is [ordinalCompare].
func OrdinalRanks(pub, raw []float64, countries []ISO3, ranks, idx []int, breaks [][2]ISO3) {
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return ordinalCompare(pub, raw, countries, breaks, a, b) })
	for p, i := range idx {
		ranks[i] = p + 1
	}
}

// ordinalCompare orders countries a and b for [OrdinalRanks]: published
// value, highest first; then the unrounded value on the tie grid (see
// [tieKey]), highest first; then the tie-break key (see [breakKey]). Each
// step compares keys, so the order is a strict weak order — a tolerance
// (|x − y| ≤ 1e-12 counts as equal) would not be: x ≈ y and y ≈ z do not
// make x ≈ z.
func ordinalCompare(pub, raw []float64, countries []ISO3, breaks [][2]ISO3, a, b int) int {
	if c := cmpDesc(pub[a], pub[b]); c != 0 {
		return c
	}
	if raw != nil {
		if c := cmpDesc(tieKey(raw[a]), tieKey(raw[b])); c != 0 {
			return c
		}
	}
	ka, sa := breakKey(countries[a], breaks)
	kb, sb := breakKey(countries[b], breaks)
	if c := cmp.Compare(ka, kb); c != 0 {
		return c
	}
	return sa - sb
}

// tieGrid is the grid on which unrounded EGDI values are compared:
// differences below 1e-12 are float noise of the weighted mean, not a
// difference in the data.
const tieGrid = 1e12

// tieKey is the point of the tie grid nearest x (halves up): values with
// one key are tied. NaN stays NaN, which cmpDesc puts last.
func tieKey(x float64) float64 { return math.Floor(x*tieGrid + 0.5) }

// breakKey is a country's key among tied countries: its code, except that
// the two countries of a recorded tie break (first ahead of second) take
// the smaller of their codes, with seq 0 for the first and 1 for the
// second, so they stay next to each other in the recorded order.
func breakKey(c ISO3, breaks [][2]ISO3) (key ISO3, seq int) {
	for _, p := range breaks {
		if c == p[0] || c == p[1] {
			key = min(p[0], p[1])
			if c == p[1] {
				seq = 1
			}
			return key, seq
		}
	}
	return c, 0
}

func cmpDesc(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(b, a)
}
