package egdi

import (
	"slices"
	"strings"
)

// Filter selects countries for a ranking view. Empty fields select all.
type Filter struct {
	Region    string // M49 region, e.g. "Asia"
	Subregion string // M49 sub-region, e.g. "Western Asia"
	Group     string // ldc, lldc, sids, gcc, arab or an income group
	Top       int    // keep the first Top rows (0 = all)
}

// Ranked is a score inside a filtered view: RankWithin is its competition
// rank among the countries the filter kept, by the view's index.
type Ranked struct {
	Score
	RankWithin int `json:"rank_within"`
}

// Validate checks the filter's names against the countries.
func (f Filter) Validate(cs *Countries) error {
	if f.Top < 0 {
		return Errorf(EINVALID, "--top must be 0 or more, not %d.", f.Top)
	}
	if f.Region != "" && !slices.Contains(cs.Regions(), f.Region) && matchFold(cs.Regions(), f.Region) == "" {
		return Errorf(EINVALID, "Unknown region %q: choose one of %s.", f.Region, strings.Join(cs.Regions(), ", "))
	}
	if f.Subregion != "" && matchFold(cs.Subregions(), f.Subregion) == "" {
		return Errorf(EINVALID, "Unknown sub-region %q: choose one of %s.", f.Subregion, strings.Join(cs.Subregions(), ", "))
	}
	if f.Group != "" {
		if _, ok := (&Country{}).In(f.Group); !ok {
			return Errorf(EINVALID, "Unknown group %q: choose one of %s.", f.Group, strings.Join(GroupNames, ", "))
		}
	}
	return nil
}

// Keep reports whether the filter keeps the country (Top aside).
func (f Filter) Keep(c *Country) bool {
	if c == nil {
		return false
	}
	if f.Region != "" && !strings.EqualFold(c.Region, f.Region) {
		return false
	}
	if f.Subregion != "" && !strings.EqualFold(c.Subregion, f.Subregion) {
		return false
	}
	if f.Group != "" {
		if in, _ := c.In(f.Group); !in {
			return false
		}
	}
	return true
}

// Apply returns the scores the filter keeps, ordered by the rank of the
// index by (egdi, osi, tii, hci, epi), each with its rank within the view.
func (f Filter) Apply(cs *Countries, scores []Score, by string) ([]Ranked, error) {
	if !slices.Contains(Indices, by) {
		return nil, Errorf(EINVALID, "Unknown index %q: choose one of %s.", by, strings.Join(Indices, ", "))
	}
	if err := f.Validate(cs); err != nil {
		return nil, err
	}
	kept := make([]Score, 0, len(scores))
	for _, s := range scores {
		if f.Keep(cs.Get(s.ISO3)) && s.RankBy(by) > 0 {
			kept = append(kept, s)
		}
	}
	SortByRank(kept, by)
	out := make([]Ranked, len(kept))
	for i, s := range kept {
		out[i] = Ranked{Score: s, RankWithin: i + 1}
		if i > 0 && s.RankBy(by) == kept[i-1].RankBy(by) {
			out[i].RankWithin = out[i-1].RankWithin
		}
	}
	if f.Top > 0 && len(out) > f.Top {
		out = out[:f.Top]
	}
	return out, nil
}

func matchFold(list []string, s string) string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return x
		}
	}
	return ""
}

// Regions returns the distinct M49 regions, sorted.
func (cs *Countries) Regions() []string {
	return cs.distinct(func(c *Country) string { return c.Region })
}

// Subregions returns the distinct M49 sub-regions, sorted.
func (cs *Countries) Subregions() []string {
	return cs.distinct(func(c *Country) string { return c.Subregion })
}

func (cs *Countries) distinct(f func(*Country) string) []string {
	var out []string
	for i := range cs.list {
		if v := f(&cs.list[i]); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}
