package egdi

import (
	"cmp"
	"math"
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
func (m *Method) GroupOf(egdi float64) Group {
	switch {
	case egdi >= m.Cutoffs[2]:
		return VeryHigh
	case egdi >= m.Cutoffs[1]:
		return High
	case egdi >= m.Cutoffs[0]:
		return Middle
	}
	return Low
}

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
func (m *Method) Score(countries []ISO3, osi, tii, hci, epi, egdi, pubEGDI []float64) []Score {
	n := len(countries)
	out := make([]Score, n)
	// Published values (the EPI part backs the EPI pointers, so the array
	// is kept), their integer forms v·10^digits, and scratch space for the
	// rankings, reused across calls.
	pub := make([]float64, 5*n)
	sc := getScratch(n)
	defer scratchPool.Put(sc)
	ints, ranks, keys := sc.ints[:5*n], sc.ranks[:n], sc.keys[:2*n]
	precs := [5]Precision{m.OSIPrecision, m.TIIPrecision, m.HCIPrecision, m.EPIPrecision, m.EGDIPrecision}
	src := [5][]float64{osi, tii, hci, epi, egdi}
	var inexact [5]bool
	for c, p := range precs {
		scale := math.Pow10(p.Digits)
		dst, is := pub[c*n:(c+1)*n], ints[c*n:(c+1)*n]
		for i := range n {
			v := src[c][i]
			switch {
			case c == 4 && pubEGDI != nil:
				// Published values are used as they are; ranking by
				// integers needs them to sit on the precision's grid.
				v = pubEGDI[i]
				x := math.Round(v * scale)
				if math.Abs(x-v*scale) > 1e-6 || x < 0 || x >= 1<<40 {
					inexact[c] = true
				}
				dst[i], is[i] = v, int64(x)
				continue
			case c == 2 && v != v:
				v = 0 // HCI shown as 0 when missing (2008–2010)
			case v != v:
				dst[i], is[i] = v, -1
				continue
			}
			var x float64
			if p.Mode == Truncate {
				// The 1e-9 guard keeps an exact k/10^d, computed as
				// k/10^d − ε, from dropping a digit (see Precision.Apply).
				x = math.Floor(v*scale + 1e-9)
			} else {
				x = math.Round(v * scale)
			}
			if x < 0 || x >= 1<<40 {
				inexact[c] = true
			}
			dst[i], is[i] = x/scale, int64(x)
		}
	}
	po, pt, ph, pe, pg := pub[:n], pub[n:2*n], pub[2*n:3*n], pub[3*n:4*n], pub[4*n:]
	for i := range n {
		s := &out[i]
		s.ISO3, s.Edition, s.EGDI, s.OSI, s.TII, s.HCI = countries[i], m.Edition, pg[i], po[i], pt[i], ph[i]
		s.Group = m.GroupOf(pg[i])
		if pe[i] == pe[i] {
			s.EPI = &pe[i]
		}
	}
	for c := range precs {
		vals := pub[c*n : (c+1)*n]
		if c == 4 && m.Ties == Ordinal {
			OrdinalRanks(vals, egdi, countries, ranks, make([]int, n), m.TieBreaks)
		} else if inexact[c] {
			competitionRanks(vals, ranks, keys[:n])
		} else {
			intRanks(ints[c*n:(c+1)*n], ranks, keys)
		}
		for i := range out {
			s := &out[i]
			switch c {
			case 0:
				s.OSIRank = ranks[i]
			case 1:
				s.TIIRank = ranks[i]
			case 2:
				s.HCIRank = ranks[i]
			case 3:
				if s.EPI != nil {
					s.EPIRank = ranks[i]
				}
			case 4:
				s.EGDIRank = ranks[i]
			}
		}
	}
	if m.RatingClasses {
		AssignClasses(out)
	}
	return out
}

// scratch is working memory of Score, pooled: a Monte Carlo or target
// search calls Score many times, and fresh buffers made the garbage
// collector a quarter of the cost.
type scratch struct {
	ints  []int64
	ranks []int
	keys  []uint64
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch(n int) *scratch {
	sc := scratchPool.Get().(*scratch)
	if cap(sc.ranks) < n {
		sc.ints = make([]int64, 5*n)
		sc.ranks = make([]int, n)
		sc.keys = make([]uint64, 2*n)
	}
	return sc
}

// AssignClasses sets the rating class of each score from its group and its
// EGDI rank inside the group (quarters by count, see classOf). Countries
// sharing a rank share a class: the position of the first of them counts.
func AssignClasses(scores []Score) {
	n := len(scores)
	// Counting sort by EGDI rank (ranks are 1..n; 0 = unranked, last).
	count := make([]int, n+2)
	for i := range scores {
		count[min(max(scores[i].EGDIRank, 0), n+1)]++
	}
	for r, c := 1, 0; r <= n+1; r++ {
		c, count[r] = c+count[r], c
	}
	count[0] = 0
	order := make([]int, n)
	for i := range scores {
		r := min(max(scores[i].EGDIRank, 0), n+1)
		if r == 0 {
			r = n + 1
		}
		order[count[r]] = i
		count[r]++
	}
	var size, pos, firstPos, lastRank [4]int
	for i := range scores {
		size[groupIndex(scores[i].Group)]++
	}
	for g := range lastRank {
		lastRank[g] = -1
	}
	for _, i := range order {
		s := &scores[i]
		g := groupIndex(s.Group)
		if s.EGDIRank != lastRank[g] {
			firstPos[g], lastRank[g] = pos[g], s.EGDIRank
		}
		s.RatingClass = classNames[g][classOf(firstPos[g], size[g])]
		pos[g]++
	}
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
// the integers v·10^digits (−1 for a missing value, which ranks last): each
// integer is packed with its position into one key, the keys are sorted by
// value with a byte-wise radix sort (published values need two or three
// passes), and a walk from the top assigns the ranks. keys holds 2n.
func intRanks(ints []int64, ranks []int, keys []uint64) {
	n := len(ints)
	if n >= 1<<20 {
		panic("egdi: intRanks: too many values")
	}
	a, b := keys[:n], keys[n:2*n]
	var top uint64
	for i, x := range ints {
		v := uint64(x + 1)
		top |= v
		a[i] = v<<20 | uint64(i)
	}
	for shift := uint(20); top>>(shift-20) != 0; shift += 8 {
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
	keys = a
	rank, prev := 0, ^uint64(0)
	for p := n - 1; p >= 0; p-- {
		k := keys[p]
		if k>>20 != prev {
			rank, prev = n-p, k>>20
		}
		ranks[k&(1<<20-1)] = rank
	}
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
// countries share a rank.
func OrdinalRanks(pub, raw []float64, countries []ISO3, ranks, idx []int, breaks [][2]ISO3) {
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmpDesc(pub[a], pub[b]); c != 0 {
			return c
		}
		// Differences below 1e-12 are float noise of the weighted mean,
		// not a difference in the data.
		if raw != nil && math.Abs(raw[a]-raw[b]) > 1e-12 {
			if c := cmpDesc(raw[a], raw[b]); c != 0 {
				return c
			}
		}
		for _, p := range breaks {
			switch {
			case countries[a] == p[0] && countries[b] == p[1]:
				return -1
			case countries[a] == p[1] && countries[b] == p[0]:
				return 1
			}
		}
		return cmp.Compare(countries[a], countries[b])
	})
	for p, i := range idx {
		ranks[i] = p + 1
	}
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
