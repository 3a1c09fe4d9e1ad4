package egdi

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Scenarios: user-defined editions.

// Origins of a scenario's values.
const (
	OriginRaw     = "raw"     // the latest stored observation up to the data year
	OriginCarried = "carried" // the --like edition's published index
	OriginSet     = "set"     // given by the user (--set)
)

// InputValue is one input of a scenario or of a stored result: a value of
// an indicator (raw or a component index) for a country, and where it
// came from.
type InputValue struct {
	ISO3      ISO3      `json:"iso3"`
	Indicator Indicator `json:"-"`
	Value     float64   `json:"value"`
	Origin    string    `json:"origin"` // raw, carried or set
	// Year is the data year of a raw value, the edition of a carried one.
	Year int `json:"year,omitempty"`
	// Source is the observation's source and vintage for a raw value.
	Source string `json:"source,omitempty"`
}

// MarshalJSON writes the indicator by name.
func (v InputValue) MarshalJSON() ([]byte, error) {
	type plain InputValue
	return json.Marshal(struct {
		Indicator string `json:"indicator"`
		plain
	}{v.Indicator.String(), plain(v)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (v *InputValue) UnmarshalJSON(b []byte) error {
	type plain InputValue
	var w struct {
		Indicator string `json:"indicator"`
		plain
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	ind, ok := ParseIndicator(w.Indicator)
	if !ok {
		return fmt.Errorf("unknown indicator %q", w.Indicator)
	}
	*v = InputValue(w.plain)
	v.Indicator = ind
	return nil
}

// Set is one override of a scenario: `--set ISO3.indicator=value`.
type Set struct {
	ISO3      ISO3
	Indicator Indicator
	Value     float64
}

// Scenario is a user-defined edition: the inputs of one computation, built
// from stored raw data and the published indices of an edition it is like,
// computed with that edition's method.
type Scenario struct {
	Name      string       `json:"name"`
	Like      int          `json:"like"`      // the edition whose method and published indices it uses
	DataYear  int          `json:"data_year"` // raw values are the latest up to this year
	Values    []InputValue `json:"values"`    // sorted by country, then indicator
	CreatedAt time.Time    `json:"created_at"`
}

var scenarioName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// CheckScenarioName returns an EINVALID error unless name can name a
// scenario: a letter, then up to 63 letters, digits, '_', '.', '-'. A
// name never looks like a year, so `--edition 2022` and `--edition
// my-2026` cannot be confused.
func CheckScenarioName(name string) error {
	if !scenarioName.MatchString(name) {
		return Errorf(EINVALID, "%q cannot name an edition: use a letter, then letters, digits, '_', '.' or '-' (at most 64).", name)
	}
	return nil
}

// Countries returns the scenario's countries, in code order.
func (s *Scenario) Countries() []ISO3 {
	var cs []ISO3
	for _, v := range s.Values {
		if len(cs) == 0 || cs[len(cs)-1] != v.ISO3 {
			cs = append(cs, v.ISO3)
		}
	}
	slices.Sort(cs)
	return slices.Compact(cs)
}

// Count returns how many values have the origin, by component: for raw
// and set values the component an indicator feeds (tii, hci) or the index
// itself.
func (s *Scenario) Count(origin string) map[string]int {
	out := map[string]int{}
	for _, v := range s.Values {
		if v.Origin == origin {
			out[v.Indicator.String()]++
		}
	}
	return out
}

// Inputs returns the scenario's values as inputs: one column per
// indicator present, NaN where a country has no value.
func (s *Scenario) Inputs() *Inputs {
	in := NewInputs(s.Countries())
	pos := make(map[ISO3]int, in.Len())
	for i, c := range in.Countries {
		pos[c] = i
	}
	for _, v := range s.Values {
		in.Set(v.Indicator, pos[v.ISO3], v.Value)
	}
	return in
}

// ScenarioReport says how a scenario was built: for each component, which
// countries got it from raw data and which carried the --like edition's
// published index, and why.
type ScenarioReport struct {
	Rule    string            `json:"rule"`
	Raw     map[string][]ISO3 `json:"raw"`     // component → countries computed from raw data
	Carried map[string][]ISO3 `json:"carried"` // component → countries carrying the published index
	Set     []Set             `json:"-"`
	Missing map[ISO3][]string `json:"missing,omitempty"` // country → raw inputs it lacks
}

// GapRule describes the gap-filling rule of scenarios in words.
func GapRule(dataYear int) string {
	return fmt.Sprintf("each raw input is the latest stored value from %d to %d (a missing year is filled by the most recent earlier one, at most %d years back; nothing is interpolated or taken from a later year); imported values come before built-in ones of the same year",
		dataYear-GapYears, dataYear, GapYears)
}

// NewScenario builds a scenario like an edition from a dataset:
//
//   - the countries are those the --like edition assessed;
//   - each raw input of the TII and the HCI is the latest observation up
//     to dataYear, at most [GapYears] older ([LatestInputs]);
//   - a country's TII (HCI) is computed from raw data when it has every
//     input of the --like method's TII (HCI); otherwise its published TII
//     (HCI) in the --like edition is carried;
//   - OSI and EPI come from questionnaires no raw data replace: they are
//     always carried;
//   - sets replace a raw value or give an index directly (an index given
//     wins over its inputs).
//
// Errors: EINVALID for a bad name, data year or set; ENOTFOUND for an
// edition without published data or a set naming a country the edition
// did not assess.
func NewScenario(name string, like, dataYear int, d *Dataset, sets []Set, now time.Time) (*Scenario, *ScenarioReport, error) {
	if err := CheckScenarioName(name); err != nil {
		return nil, nil, err
	}
	m, err := MethodFor(like)
	if err != nil {
		return nil, nil, err
	}
	if dataYear < 1990 || dataYear > 2100 {
		return nil, nil, Errorf(EINVALID, "Data year %d is outside 1990–2100.", dataYear)
	}
	recs := d.Published[like]
	pub := map[ISO3]Record{}
	var cs []ISO3
	for _, r := range recs {
		if r.Assessed {
			pub[r.ISO3] = r
			cs = append(cs, r.ISO3)
		}
	}
	if len(cs) == 0 {
		return nil, nil, Errorf(ENOTFOUND, "No published data for edition %d.", like)
	}
	slices.Sort(cs)
	setOf := map[ISO3]map[Indicator]float64{}
	for _, st := range sets {
		if _, ok := pub[st.ISO3]; !ok {
			return nil, nil, Errorf(ENOTFOUND, "--set %s.%s: %s was not assessed in edition %d.", st.ISO3, st.Indicator, st.ISO3, like)
		}
		if setOf[st.ISO3] == nil {
			setOf[st.ISO3] = map[Indicator]float64{}
		}
		setOf[st.ISO3][st.Indicator] = st.Value // the last --set of a key wins
	}
	var raw []Indicator
	raw = append(raw, m.TII.Inputs...)
	raw = append(raw, m.HCI.Inputs...)
	latest := latestObservations(d.Observations, cs, raw, dataYear, GapYears)

	s := &Scenario{Name: name, Like: like, DataYear: dataYear, CreatedAt: now}
	rep := &ScenarioReport{Rule: GapRule(dataYear), Raw: map[string][]ISO3{}, Carried: map[string][]ISO3{},
		Missing: map[ISO3][]string{}}
	for _, c := range cs {
		r := pub[c]
		set := setOf[c]
		index := func(ind Indicator, published float64) {
			if v, ok := set[ind]; ok {
				s.Values = append(s.Values, InputValue{ISO3: c, Indicator: ind, Value: v, Origin: OriginSet})
				return
			}
			s.Values = append(s.Values, InputValue{ISO3: c, Indicator: ind, Value: published, Origin: OriginCarried, Year: like})
			rep.Carried[ind.String()] = append(rep.Carried[ind.String()], c)
		}
		composite := func(ind Indicator, comp *Composite, published float64) {
			var vals []InputValue
			complete := comp.CanCompute()
			for _, x := range comp.Inputs {
				if v, ok := set[x]; ok {
					vals = append(vals, InputValue{ISO3: c, Indicator: x, Value: v, Origin: OriginSet})
					continue
				}
				o, ok := latest[obsKey{c, x}]
				if !ok {
					complete = false
					rep.Missing[c] = append(rep.Missing[c], x.String())
					continue
				}
				vals = append(vals, InputValue{ISO3: c, Indicator: x, Value: o.Value, Origin: OriginRaw, Year: o.Year,
					Source: strings.TrimSpace(o.Source + " " + o.Vintage)})
			}
			_, given := set[ind]
			if complete && !given {
				s.Values = append(s.Values, vals...)
				rep.Raw[ind.String()] = append(rep.Raw[ind.String()], c)
				return
			}
			// Set inputs are kept even when the index is carried, so that
			// the scenario shows what the user gave.
			for _, v := range vals {
				if v.Origin == OriginSet {
					s.Values = append(s.Values, v)
				}
			}
			index(ind, published)
		}
		index(OSI, r.OSI)
		composite(TII, &m.TII, r.TII)
		composite(HCI, &m.HCI, r.HCI)
		index(EPI, r.EPI)
	}
	for c, ms := range rep.Missing {
		rep.Missing[c] = slices.Compact(ms)
	}
	rep.Set = append(rep.Set, sets...)
	SortValues(s.Values)
	return s, rep, nil
}

// SortValues sorts values by country, then indicator.
func SortValues(vs []InputValue) {
	slices.SortStableFunc(vs, func(a, b InputValue) int {
		if a.ISO3 != b.ISO3 {
			return strings.Compare(string(a.ISO3), string(b.ISO3))
		}
		return int(a.Indicator) - int(b.Indicator)
	})
}

type obsKey struct {
	c   ISO3
	ind Indicator
}

// latestObservations applies the rule of [LatestInputs] and keeps the
// observation chosen, so that its year and source can be shown.
func latestObservations(obs []Observation, countries []ISO3, inds []Indicator, dataYear, maxAge int) map[obsKey]Observation {
	want := map[ISO3]bool{}
	for _, c := range countries {
		want[c] = true
	}
	wantInd := [NumIndicators]bool{}
	for _, i := range inds {
		wantInd[i] = true
	}
	out := map[obsKey]Observation{}
	for _, o := range obs {
		if !want[o.ISO3] || o.Indicator < 0 || o.Indicator >= NumIndicators || !wantInd[o.Indicator] || o.Year > dataYear ||
			(maxAge > 0 && o.Year < dataYear-maxAge) {
			continue
		}
		k := obsKey{o.ISO3, o.Indicator}
		if p, seen := out[k]; seen && p.Year >= o.Year {
			continue
		}
		out[k] = o
	}
	return out
}

// Compute computes the scenario with its --like edition's method. A
// country's TII (HCI) is its index value when the scenario holds one,
// otherwise it is computed from its raw inputs among all the countries
// computed that way (z-scores over those countries, capped, weighted,
// then min–max rescaled, as [Method.Compute] does). Then OSI, TII, HCI
// and EPI go through [Method.Compute] as indices: EGDI, rounding, ranks,
// groups and rating classes. Errors: EINVALID when a country has neither
// an index nor all its inputs.
func (s *Scenario) Compute() (*Results, error) {
	m, err := MethodFor(s.Like)
	if err != nil {
		return nil, err
	}
	in := s.Inputs()
	n := in.Len()
	if n == 0 {
		return nil, Errorf(EINVALID, "Edition %s holds no values.", s.Name)
	}
	final := NewInputs(in.Countries)
	for _, ind := range []Indicator{OSI, EPI} {
		if !in.Has(ind) {
			continue
		}
		copy(final.Column(ind), in.Values[ind])
	}
	for _, comp := range []struct {
		ind Indicator
		c   *Composite
	}{{TII, &m.TII}, {HCI, &m.HCI}} {
		col := final.Column(comp.ind)
		var rawIdx []int
		for i := range n {
			if v := in.Get(comp.ind, i); !math.IsNaN(v) {
				col[i] = v
				continue
			}
			for _, x := range comp.c.Inputs {
				if math.IsNaN(in.Get(x, i)) {
					return nil, Errorf(EINVALID, "Edition %s: %s has neither %s nor %s.", s.Name, in.Countries[i], comp.ind, x)
				}
			}
			if !comp.c.CanCompute() {
				return nil, Errorf(EINVALID, "Edition %s: %s has no %s, and edition %d cannot compute it: %s.",
					s.Name, in.Countries[i], comp.ind, m.Edition, comp.c.Note)
			}
			rawIdx = append(rawIdx, i)
		}
		if len(rawIdx) == 0 {
			continue
		}
		k := 0
		sub := in.Subset(func(i int) bool {
			if k < len(rawIdx) && rawIdx[k] == i {
				k++
				return true
			}
			return false
		})
		dst := make([]float64, sub.Len())
		tmp := make([]float64, sub.Len())
		if err := m.composite(sub, dst, fromRaw, comp.ind, comp.c, tmp, false); err != nil {
			return nil, err
		}
		for j, i := range rawIdx {
			col[i] = dst[j]
		}
	}
	return m.Compute(final)
}

// Results: computations kept with what produced them.
