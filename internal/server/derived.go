package server

import (
	"math"
	"slices"
	"sync"

	"github.com/egdi-project/egdi"
)

// derived holds what is computed from one dataset and reused by every
// request: each edition's scores and summary. The scores are shared and
// must not be modified by callers.
type derived struct {
	d *egdi.Dataset

	mu       sync.Mutex
	editions map[int]editionView
	bases    map[int]baseView
}

type baseView struct {
	b   *egdi.Base
	err error
}

// base returns the component-level analysis base of an edition (built
// once; a Base serves concurrent callers).
func (v *derived) base(year int) (*egdi.Base, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if e, ok := v.bases[year]; ok {
		return e.b, e.err
	}
	b, err := egdi.NewBase(v.d, year, egdi.ComponentLevel)
	v.bases[year] = baseView{b, err}
	return b, err
}

type editionView struct {
	scores []egdi.Score
	err    error
}

func newDerived(d *egdi.Dataset) *derived {
	return &derived{d: d, editions: map[int]editionView{}, bases: map[int]baseView{}}
}

// scores returns the published scores of an edition (see egdi.Dataset.Edition).
func (v *derived) scores(year int) ([]egdi.Score, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if e, ok := v.editions[year]; ok {
		return e.scores, e.err
	}
	s, err := v.d.Edition(year)
	v.editions[year] = editionView{s, err}
	return s, err
}

// history returns a country's scores in every edition, oldest first, with
// the change from the previous assessed edition (as egdi.Dataset.History,
// from the cached editions).
func (v *derived) history(c egdi.ISO3) ([]egdi.HistoryEntry, error) {
	var out []egdi.HistoryEntry
	for _, y := range v.d.Years() {
		scores, err := v.scores(y)
		if err != nil {
			return nil, err
		}
		for _, s := range scores {
			if s.ISO3 != c {
				continue
			}
			e := egdi.HistoryEntry{Score: s}
			if k := len(out); k > 0 {
				p := out[k-1]
				// Differences of published values: rounded to 1e-12 to drop float noise.
				e.Change = &egdi.Change{From: p.Edition, EGDIChange: math.Round((s.EGDI-p.EGDI)*1e12) / 1e12,
					RankChange: p.EGDIRank - s.EGDIRank}
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// summary is the headline view of an edition: how many countries in each
// group, the leaders and the mean EGDI of each region and peer group.
type summary struct {
	Edition     int                `json:"edition"`
	Assessed    int                `json:"assessed"`
	GroupCounts map[egdi.Group]int `json:"group_counts"`
	Leaders     []egdi.Score       `json:"leaders"`
	// Averages are unweighted means of the published EGDI of the members
	// assessed in the edition: Σ EGDI_i / n.
	Averages []average `json:"averages"`
}

type average struct {
	Key   string  `json:"key"`  // a region name, "gcc", "arab" or "world"
	Kind  string  `json:"kind"` // "world", "region" or "group"
	Count int     `json:"count"`
	EGDI  float64 `json:"egdi"`
}

func (v *derived) summary(year int, leaders int) (*summary, error) {
	scores, err := v.scores(year)
	if err != nil {
		return nil, err
	}
	m, err := egdi.MethodFor(year)
	if err != nil {
		return nil, err
	}
	s := &summary{Edition: year, Assessed: len(scores), GroupCounts: map[egdi.Group]int{}}
	for _, g := range egdi.Groups {
		s.GroupCounts[g] = 0
	}
	for _, sc := range scores {
		s.GroupCounts[sc.Group]++
	}
	s.Leaders = scores[:min(leaders, len(scores))]
	mean := func(kind, key string, keep func(*egdi.Country) bool) {
		var sum float64
		n := 0
		for _, sc := range scores {
			if keep(v.d.Countries.Get(sc.ISO3)) {
				sum += sc.EGDI
				n++
			}
		}
		if n > 0 {
			// Shown at the edition's EGDI precision, rounded (a mean is ours, not the UN's).
			p := egdi.Precision{Digits: m.EGDIPrecision.Digits, Mode: egdi.Round}
			s.Averages = append(s.Averages, average{Key: key, Kind: kind, Count: n, EGDI: p.Apply(sum / float64(n))})
		}
	}
	mean("world", "world", func(c *egdi.Country) bool { return c != nil })
	for _, r := range v.d.Countries.Regions() {
		mean("region", r, func(c *egdi.Country) bool { return c != nil && c.Region == r })
	}
	for _, g := range []string{"gcc", "arab", "ldc", "lldc", "sids"} {
		mean("group", g, func(c *egdi.Country) bool {
			if c == nil {
				return false
			}
			in, _ := c.In(g)
			return in
		})
	}
	return s, nil
}

// scoreOf returns a country's score in an edition, or nil.
func scoreOf(scores []egdi.Score, c egdi.ISO3) *egdi.Score {
	i := slices.IndexFunc(scores, func(s egdi.Score) bool { return s.ISO3 == c })
	if i < 0 {
		return nil
	}
	return &scores[i]
}
