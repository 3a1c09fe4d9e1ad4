package egdi

import (
	"math"
	"slices"
	"sort"
)

// Record is one country's row in a published edition, as the UN published
// it. A country the UN did not assess that year (Montenegro 2003–2005,
// South Sudan 2003–2010) has Assessed false and no values — never zeros.
type Record struct {
	Edition  int     `json:"edition"`
	ISO3     ISO3    `json:"iso3"`
	Name     string  `json:"name_published"` // the name in the published file
	Assessed bool    `json:"assessed"`
	Rank     int     `json:"egdi_rank,omitempty"`
	EGDI     float64 `json:"egdi"`
	OSI      float64 `json:"osi"`
	TII      float64 `json:"tii"`
	HCI      float64 `json:"hci"`
	EPI      float64 `json:"epi"`
}

// Dataset is a body of data the engine works on: the countries, the
// published editions and raw indicator observations. The built-in dataset
// comes from package internal/builtin; stores return the same type.
type Dataset struct {
	Countries    *Countries
	Published    map[int][]Record // by edition year
	Observations []Observation
}

// Edition returns the published scores of an edition: the published values
// and EGDI ranks, with component ranks, groups and rating classes computed
// by the edition's rules. Only assessed countries are included, in the
// order of the published rank.
func (d *Dataset) Edition(year int) ([]Score, error) {
	m, err := MethodFor(year)
	if err != nil {
		return nil, err
	}
	recs := d.Published[year]
	if len(recs) == 0 {
		if !IsBuiltin(year) {
			return nil, Errorf(ENOTFOUND, "Edition %d is not in the store: import its UN Data Center file first (egdi import FILE).", year)
		}
		return nil, Errorf(ENOTFOUND, "No published data for edition %d.", year)
	}
	in, pub := PublishedInputs(recs)
	egdi := make([]float64, in.Len())
	m.egdi(egdi, in.Values[OSI], in.Values[TII], in.Values[HCI])
	scores := m.Score(in.Countries, in.Values[OSI], in.Values[TII], in.Values[HCI], in.Values[EPI], egdi, pub)
	// The published rank is the record; the recomputed one equals it (tested).
	rank := make(map[ISO3]int, len(recs))
	for _, r := range recs {
		rank[r.ISO3] = r.Rank
	}
	for i := range scores {
		if r := rank[scores[i].ISO3]; r > 0 {
			scores[i].EGDIRank = r
		}
	}
	if m.RatingClasses {
		AssignClasses(scores)
	}
	SortByRank(scores, "egdi")
	return scores, nil
}

// PublishedInputs returns the component indices of the assessed records as
// inputs (columns osi, tii, hci, epi) and their published EGDI values.
func PublishedInputs(recs []Record) (*Inputs, []float64) {
	var cs []ISO3
	for _, r := range recs {
		if r.Assessed {
			cs = append(cs, r.ISO3)
		}
	}
	in := NewInputs(cs)
	pub := make([]float64, 0, len(cs))
	i := 0
	for _, r := range recs {
		if !r.Assessed {
			continue
		}
		in.Set(OSI, i, r.OSI)
		in.Set(TII, i, r.TII)
		in.Set(HCI, i, r.HCI)
		in.Set(EPI, i, r.EPI)
		pub = append(pub, r.EGDI)
		i++
	}
	return in, pub
}

// SortByRank sorts scores by the rank of an index (egdi, osi, tii, hci,
// epi), best first, ties by code.
func SortByRank(scores []Score, by string) {
	sort.SliceStable(scores, func(i, j int) bool {
		a, b := scores[i].RankBy(by), scores[j].RankBy(by)
		if a == 0 {
			a = math.MaxInt
		}
		if b == 0 {
			b = math.MaxInt
		}
		if a != b {
			return a < b
		}
		return scores[i].ISO3 < scores[j].ISO3
	})
}

// Indices lists the index names a ranking can be by.
var Indices = []string{"egdi", "osi", "tii", "hci", "epi"}

// RankBy returns the rank of the named index (0 when absent).
func (s *Score) RankBy(by string) int {
	switch by {
	case "osi":
		return s.OSIRank
	case "tii":
		return s.TIIRank
	case "hci":
		return s.HCIRank
	case "epi":
		return s.EPIRank
	}
	return s.EGDIRank
}

// ValueOf returns the value of the named index (NaN when absent).
func (s *Score) ValueOf(by string) float64 {
	switch by {
	case "osi":
		return s.OSI
	case "tii":
		return s.TII
	case "hci":
		return s.HCI
	case "epi":
		if s.EPI == nil {
			return math.NaN()
		}
		return *s.EPI
	}
	return s.EGDI
}

// Change is the movement of a country between two editions.
type Change struct {
	From       int     `json:"from"`
	EGDIChange float64 `json:"egdi_change"`
	// RankChange is positive when the country moved up (a smaller rank).
	RankChange int `json:"rank_change"`
}

// History is a country's scores in every edition where it was assessed,
// oldest first, each with its change from the previous assessed edition.
type History struct {
	Country *Country
	Entries []HistoryEntry
}

// HistoryEntry is one edition of a [History].
type HistoryEntry struct {
	Score
	Change *Change `json:"change,omitempty"`
}

// History returns a country's history across every published edition.
// Editions are computed once each; callers that need many countries
// should use [Dataset.Edition] directly.
func (d *Dataset) History(c ISO3) (*History, error) {
	country := d.Countries.Get(c)
	if country == nil {
		return nil, Errorf(ENOTFOUND, "Unknown country %s.", c)
	}
	h := &History{Country: country}
	years := make([]int, 0, len(d.Published))
	for y := range d.Published {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		scores, err := d.Edition(y)
		if err != nil {
			return nil, err
		}
		for _, s := range scores {
			if s.ISO3 != c {
				continue
			}
			e := HistoryEntry{Score: s}
			if k := len(h.Entries); k > 0 {
				p := h.Entries[k-1]
				e.Change = &Change{From: p.Edition, EGDIChange: round12(s.EGDI - p.EGDI), RankChange: p.EGDIRank - s.EGDIRank}
			}
			h.Entries = append(h.Entries, e)
		}
	}
	return h, nil
}

// round12 removes float noise from differences of published values.
func round12(v float64) float64 { return math.Round(v*1e12) / 1e12 }

// Years returns the editions present in the dataset, oldest first.
func (d *Dataset) Years() []int {
	ys := make([]int, 0, len(d.Published))
	for y := range d.Published {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Methods returns the method of every edition, oldest first: the built-in
// editions and any later edition the dataset holds (imported from its UN
// file, with the [AssumedMethod]). The edition set is the data's, not a
// fixed list.
func (d *Dataset) Methods() []Method {
	return MethodsFor(append(slices.Clone(Editions), d.Years()...))
}
