package egdi

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Strategies: a national or group (e.g. GCC) e-government strategy, its
// waves (or annual priorities), its initiatives and their KPIs. A KPI is
// either bound to egdi's data (a country's or a group's index, rank or raw
// input: its values are computed from the Dataset each time, so they move
// when a new edition or an ITU, World Bank or UNDP file is imported) or
// entered by hand with evidence.

// Strategy is an e-government strategy. Name is its key (what `egdi
// strategy show NAME` takes); Scope is the country (ISO3) or group (gcc,
// arab, …) it belongs to. Sample marks the built-in sample (egdi sample
// load), which is never mixed into a user's data unasked.
type Strategy struct {
	Name          string       `json:"name"`
	Title         string       `json:"title,omitempty"`
	TitleAR       string       `json:"title_ar,omitempty"`
	Scope         string       `json:"scope,omitempty"`
	Owner         string       `json:"owner,omitempty"`
	Description   string       `json:"description,omitempty"`
	DescriptionAR string       `json:"description_ar,omitempty"`
	Source        string       `json:"source,omitempty"` // where the facts come from
	Sample        bool         `json:"sample,omitempty"`
	Waves         []Wave       `json:"waves,omitempty"`
	Initiatives   []Initiative `json:"initiatives,omitempty"`
}

// Wave is a stage of a strategy's implementation, or one year's
// priorities. From and To are years (0 when the source gives none).
type Wave struct {
	Name       string   `json:"name"`
	NameAR     string   `json:"name_ar,omitempty"`
	From       int      `json:"from,omitempty"`
	To         int      `json:"to,omitempty"`
	Priorities []string `json:"priorities,omitempty"`
}

// Initiative is a piece of work of a strategy, in a wave (Wave names one
// of the strategy's waves, or is empty when the initiative belongs to no
// known wave), with its KPIs.
type Initiative struct {
	Name        string `json:"name"`
	NameAR      string `json:"name_ar,omitempty"`
	Wave        string `json:"wave,omitempty"`
	Owner       string `json:"owner,omitempty"`
	Description string `json:"description,omitempty"`
	KPIs        []KPI  `json:"kpis,omitempty"`
}

// KPI is a key performance indicator. Exactly one of Binding and Entries
// gives its values: Binding for a value measured from egdi's data, Entries
// for values entered by hand (each with its evidence). Baseline is the
// starting point (for a bound KPI without one, the first measured value);
// Targets are the values aimed for, by year.
type KPI struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	NameAR   string   `json:"name_ar,omitempty"`
	Owner    string   `json:"owner,omitempty"`
	Binding  *Binding `json:"binding"`
	Baseline *Point   `json:"baseline,omitempty"`
	Targets  []Point  `json:"targets"`
	Entries  []Entry  `json:"entries,omitempty"`
	// Lower is true when a lower value is better; bound KPIs take it from
	// their measure (ranks), hand-entered ones from this field.
	Lower bool `json:"lower_is_better,omitempty"`
}

// Binding ties a KPI to egdi's data: a country (ISO3) or a group (GCC,
// ARAB, LDC, … — the group filters of [Country.In], upper case) and a
// measure (see [ParseMeasure]).
type Binding struct {
	ISO3    string `json:"iso3"`
	Measure string `json:"measure"`
}

// Point is a value in a year.
type Point struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// Entry is a value entered by hand, with the evidence for it (a document,
// a link, a source).
type Entry struct {
	Year     int     `json:"year"`
	Value    float64 `json:"value"`
	Evidence string  `json:"evidence"`
}

// Measure is what a binding measures: an index value (egdi, osi, tii, hci,
// epi; published editions, by survey year), an index rank (egdi_rank, …;
// lower is better), or a raw input of the TII or HCI (internet_users,
// fixed_broadband, …; observations by data year, imported before built-in).
type Measure struct {
	Name  string
	Index string    // "egdi", "osi", … for an index value or rank
	Rank  bool      // a rank, not a value
	Raw   Indicator // a raw input when Index is ""
}

// ParseMeasure returns the measure with the given name. Errors: EINVALID.
func ParseMeasure(s string) (Measure, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if idx, ok := strings.CutSuffix(s, "_rank"); ok && slices.Contains(Indices, idx) {
		return Measure{Name: s, Index: idx, Rank: true}, nil
	}
	if slices.Contains(Indices, s) {
		return Measure{Name: s, Index: s}, nil
	}
	if ind, ok := ParseIndicator(s); ok && !ind.IsIndex() && ind != OSIPoints && ind != EPIPoints {
		return Measure{Name: s, Raw: ind}, nil
	}
	return Measure{}, Errorf(EINVALID, "Unknown measure %q: use egdi, osi, tii, hci, epi, a rank (egdi_rank, tii_rank, …) or a raw input (internet_users, fixed_broadband, …).", s)
}

// Members returns the countries a binding covers: one country, or every
// member of a group. Errors: EINVALID for an unknown code or group.
func (b Binding) Members(cs *Countries) ([]ISO3, error) {
	code := strings.ToUpper(strings.TrimSpace(b.ISO3))
	if c := cs.Get(ISO3(code)); c != nil {
		return []ISO3{c.ISO3}, nil
	}
	var out []ISO3
	known := false
	for _, c := range cs.All() {
		in, ok := c.In(code)
		known = known || ok
		if in {
			out = append(out, c.ISO3)
		}
	}
	if !known {
		return nil, Errorf(EINVALID, "Unknown country or group %q in a KPI binding: use an ISO3 code or one of %s.", b.ISO3, strings.ToUpper(strings.Join(GroupNames, ", ")))
	}
	return out, nil
}

// Values returns the binding's values, oldest first. For one country:
// its value in each edition (indices, ranks) or data year (raw inputs).
// For a group: the arithmetic mean over the members that have a value
// that year (Σ vᵢ / n, the mean rank for a rank measure), rounded to
// 1e-9 to drop float noise (one country's values are as stored). Only what is in d is used, so the values
// change when data are imported.
func (b Binding) Values(d *Dataset) ([]Point, error) {
	m, err := ParseMeasure(b.Measure)
	if err != nil {
		return nil, err
	}
	members, err := b.Members(d.Countries)
	if err != nil {
		return nil, err
	}
	in := make(map[ISO3]bool, len(members))
	for _, c := range members {
		in[c] = true
	}
	sum := map[int]float64{}
	n := map[int]int{}
	if m.Index != "" {
		for _, y := range d.Years() {
			scores, err := d.Edition(y)
			if err != nil {
				return nil, err
			}
			for i := range scores {
				s := &scores[i]
				if !in[s.ISO3] {
					continue
				}
				v := s.ValueOf(m.Index)
				if m.Rank {
					r := s.RankBy(m.Index)
					if r == 0 {
						continue
					}
					v = float64(r)
				}
				if math.IsNaN(v) {
					continue
				}
				sum[y] += v
				n[y]++
			}
		}
	} else {
		// Observations come imported first: the first value of a
		// (country, year) is the one used.
		type key struct {
			c ISO3
			y int
		}
		seen := map[key]bool{}
		for _, o := range d.Observations {
			k := key{o.ISO3, o.Year}
			if o.Indicator != m.Raw || !in[o.ISO3] || seen[k] {
				continue
			}
			seen[k] = true
			sum[o.Year] += o.Value
			n[o.Year]++
		}
	}
	out := make([]Point, 0, len(sum))
	for y, s := range sum {
		v := s
		if n[y] > 1 {
			v = math.Round(s/float64(n[y])*1e9) / 1e9
		}
		out = append(out, Point{Year: y, Value: v})
	}
	slices.SortFunc(out, func(a, b Point) int { return cmp.Compare(a.Year, b.Year) })
	return out, nil
}

// LowerIsBetter reports whether a lower value of the KPI is better.
func (k *KPI) LowerIsBetter() bool {
	if k.Binding != nil {
		if m, err := ParseMeasure(k.Binding.Measure); err == nil {
			return m.Rank
		}
	}
	return k.Lower
}

// Values returns the KPI's values, oldest first: measured from d for a
// bound KPI, the entries for a hand-entered one.
func (k *KPI) Values(d *Dataset) ([]Point, error) {
	if k.Binding != nil {
		return k.Binding.Values(d)
	}
	out := make([]Point, len(k.Entries))
	for i, e := range k.Entries {
		out[i] = Point{e.Year, e.Value}
	}
	slices.SortFunc(out, func(a, b Point) int { return cmp.Compare(a.Year, b.Year) })
	return out, nil
}

// Status is how a KPI stands against its targets.
type Status string

// Statuses; see [KPIStatus] for the rule.
const (
	OnTrack   Status = "on_track"
	AtRisk    Status = "at_risk"
	OffTrack  Status = "off_track"
	NoTarget  Status = "no_target" // no target set
	NoData    Status = "no_data"   // no value yet, or no baseline
	AtRiskTol        = 0.10        // the at-risk band, a share of the planned change
)

// KPIStatus returns a KPI's status from its baseline, targets and values.
// The rule:
//
//  1. No target → no_target. No value → no_data. Without a baseline the
//     first value is the baseline.
//  2. Take the latest value v (year y). The expected value e at y is read
//     off the planned path, the straight line from the baseline (b, year
//     y₀) through each target in year order; before y₀ it is b, after the
//     last target year it is the last target.
//  3. The target T that y is on the way to is the first target of year ≥ y
//     (the last target when y is past them all); the planned change is
//     |T − b|.
//  4. The shortfall is s = e − v when higher is better, v − e when lower
//     is better. s ≤ 0 → on_track; 0 < s ≤ 10 % of the planned change →
//     at_risk; otherwise off_track (so with no planned change any
//     shortfall is off_track).
func KPIStatus(baseline *Point, targets, values []Point, lower bool) Status {
	if len(targets) == 0 {
		return NoTarget
	}
	if len(values) == 0 {
		return NoData
	}
	vs := slices.Clone(values)
	slices.SortFunc(vs, func(a, b Point) int { return cmp.Compare(a.Year, b.Year) })
	b := vs[0]
	if baseline != nil {
		b = *baseline
	}
	ts := slices.Clone(targets)
	slices.SortFunc(ts, func(a, b Point) int { return cmp.Compare(a.Year, b.Year) })
	v := vs[len(vs)-1]
	// The planned path: baseline, then the targets after it.
	path := []Point{b}
	for _, t := range ts {
		if t.Year > b.Year {
			path = append(path, t)
		}
	}
	e := path[len(path)-1].Value
	switch {
	case v.Year <= path[0].Year:
		e = path[0].Value
	default:
		for i := 1; i < len(path); i++ {
			if v.Year <= path[i].Year {
				p, q := path[i-1], path[i]
				e = p.Value + (q.Value-p.Value)*float64(v.Year-p.Year)/float64(q.Year-p.Year)
				break
			}
		}
	}
	T := ts[len(ts)-1]
	for _, t := range ts {
		if t.Year >= v.Year {
			T = t
			break
		}
	}
	planned := math.Abs(T.Value - b.Value)
	s := e - v.Value
	if lower {
		s = -s
	}
	// Float noise from the interpolation must not turn a value exactly on
	// the path into a shortfall.
	const eps = 1e-9
	switch {
	case s <= eps:
		return OnTrack
	case s <= AtRiskTol*planned+eps:
		return AtRisk
	}
	return OffTrack
}

// KPIView is a KPI with its values and status, as `egdi strategy show`
// prints it.
type KPIView struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	NameAR     string   `json:"name_ar,omitempty"`
	Initiative string   `json:"initiative"`
	Owner      string   `json:"owner,omitempty"`
	Binding    *Binding `json:"binding"`
	Baseline   *Point   `json:"baseline,omitempty"`
	Values     []Point  `json:"values"`
	Targets    []Point  `json:"targets"`
	Status     Status   `json:"status"`
	Lower      bool     `json:"lower_is_better"`
	Entries    []Entry  `json:"entries,omitempty"`
}

// StrategyView is a strategy with every KPI's values and status.
type StrategyView struct {
	*Strategy
	KPIs []KPIView `json:"kpis"`
}

// View computes the values and status of every KPI of s from d.
func (s *Strategy) View(d *Dataset) (*StrategyView, error) {
	v := &StrategyView{Strategy: s, KPIs: []KPIView{}}
	for _, in := range s.Initiatives {
		for i := range in.KPIs {
			k := &in.KPIs[i]
			vals, err := k.Values(d)
			if err != nil {
				return nil, err
			}
			base := k.Baseline
			if base == nil && len(vals) > 0 {
				b := vals[0]
				base = &b
			}
			v.KPIs = append(v.KPIs, KPIView{
				ID: k.ID, Name: k.Name, NameAR: k.NameAR, Initiative: in.Name, Owner: k.Owner,
				Binding: k.Binding, Baseline: base, Values: nonNil(vals), Targets: nonNil(k.Targets),
				Status: KPIStatus(base, k.Targets, vals, k.LowerIsBetter()), Lower: k.LowerIsBetter(),
				Entries: k.Entries,
			})
		}
	}
	return v, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

var kpiID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// validText refuses empty names, control characters and over-long text.
func validText(what, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(EINVALID, "%s is empty.", what)
	}
	if len(s) > max {
		return Errorf(EINVALID, "%s is longer than %d bytes.", what, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return Errorf(EINVALID, "%s contains a control or invalid character.", what)
		}
	}
	return nil
}

// Validate checks a strategy against the countries: a name, a scope that
// is a country (ISO3) or a group (GCC, ARAB, …) when given, wave and
// initiative names unique, initiatives in known waves, KPI ids unique and
// of the form [a-z0-9][a-z0-9._-]*, each KPI bound (to a known country or
// group and a known measure) or hand-entered (then without a binding,
// every entry with evidence), years in 1900–2100, one target per year,
// finite values. Errors: EINVALID naming the item.
func (s *Strategy) Validate(cs *Countries) error {
	if err := validText("The strategy's name", s.Name, 200); err != nil {
		return err
	}
	if strings.ContainsAny(s.Name, "/\\?#%") || strings.TrimSpace(s.Name) != s.Name {
		// The name is a path segment of the API and the dashboard.
		return Errorf(EINVALID, "Strategy name %q: no /, \\, ?, # or %% and no leading or trailing space.", s.Name)
	}
	optional := func(what, v string) error {
		if v == "" {
			return nil
		}
		return validText(what, v, 2000)
	}
	for what, v := range map[string]string{"title": s.Title, "title_ar": s.TitleAR, "scope": s.Scope, "owner": s.Owner, "source": s.Source} {
		if err := optional("Strategy "+s.Name+": "+what, v); err != nil {
			return err
		}
	}
	if s.Scope != "" {
		if _, err := (Binding{ISO3: s.Scope}).Members(cs); err != nil {
			return Errorf(EINVALID, "Strategy %s: scope: %s", s.Name, ErrorMessage(err))
		}
	}
	if len(s.Description) > 10000 || len(s.DescriptionAR) > 10000 {
		return Errorf(EINVALID, "Strategy %s: the description is longer than 10000 bytes.", s.Name)
	}
	waves := map[string]bool{}
	for i, w := range s.Waves {
		if err := validText("Strategy "+s.Name+": the name of wave "+itoa(i+1), w.Name, 200); err != nil {
			return err
		}
		if waves[w.Name] {
			return Errorf(EINVALID, "Strategy %s: wave %q appears twice.", s.Name, w.Name)
		}
		waves[w.Name] = true
		if (w.From != 0 && !validYear(w.From)) || (w.To != 0 && !validYear(w.To)) || (w.From != 0 && w.To != 0 && w.To < w.From) {
			return Errorf(EINVALID, "Strategy %s, wave %s: years %d–%d are not a range of years in 1900–2100.", s.Name, w.Name, w.From, w.To)
		}
	}
	inits := map[string]bool{}
	ids := map[string]bool{}
	for i, in := range s.Initiatives {
		if err := validText("Strategy "+s.Name+": the name of initiative "+itoa(i+1), in.Name, 300); err != nil {
			return err
		}
		if inits[in.Name] {
			return Errorf(EINVALID, "Strategy %s: initiative %q appears twice.", s.Name, in.Name)
		}
		inits[in.Name] = true
		if in.Wave != "" && !waves[in.Wave] {
			return Errorf(EINVALID, "Strategy %s, initiative %s: unknown wave %q.", s.Name, in.Name, in.Wave)
		}
		for j := range in.KPIs {
			k := &in.KPIs[j]
			if !kpiID.MatchString(k.ID) {
				return Errorf(EINVALID, "Strategy %s, initiative %s: KPI id %q must be 1–64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.", s.Name, in.Name, k.ID)
			}
			if ids[k.ID] {
				return Errorf(EINVALID, "Strategy %s: KPI id %q appears twice.", s.Name, k.ID)
			}
			ids[k.ID] = true
			if err := k.validate(cs); err != nil {
				return Errorf(EINVALID, "Strategy %s, KPI %s: %s", s.Name, k.ID, ErrorMessage(err))
			}
		}
	}
	return nil
}

func (k *KPI) validate(cs *Countries) error {
	if err := validText("the name", k.Name, 300); err != nil {
		return err
	}
	if k.Binding != nil {
		if len(k.Entries) > 0 {
			return Errorf(EINVALID, "a KPI bound to data takes no hand entries.")
		}
		if _, err := ParseMeasure(k.Binding.Measure); err != nil {
			return err
		}
		if _, err := k.Binding.Members(cs); err != nil {
			return err
		}
	}
	checkPoint := func(what string, p Point) error {
		if !validYear(p.Year) {
			return Errorf(EINVALID, "%s year %d is not in 1900–2100.", what, p.Year)
		}
		if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
			return Errorf(EINVALID, "%s value of %d is not a finite number.", what, p.Year)
		}
		return nil
	}
	if k.Baseline != nil {
		if err := checkPoint("the baseline", *k.Baseline); err != nil {
			return err
		}
	}
	years := map[int]bool{}
	for _, t := range k.Targets {
		if err := checkPoint("a target", t); err != nil {
			return err
		}
		if years[t.Year] {
			return Errorf(EINVALID, "two targets for %d.", t.Year)
		}
		years[t.Year] = true
	}
	years = map[int]bool{}
	for _, e := range k.Entries {
		if err := checkPoint("an entry", Point{e.Year, e.Value}); err != nil {
			return err
		}
		if years[e.Year] {
			return Errorf(EINVALID, "two entries for %d.", e.Year)
		}
		years[e.Year] = true
		if err := validText("the evidence of the entry of "+itoa(e.Year), e.Evidence, 2000); err != nil {
			return err
		}
	}
	return nil
}

func validYear(y int) bool { return y >= 1900 && y <= 2100 }

// KPIsFromPlan turns a target plan into KPIs: one bound to the country's
// EGDI rank with the target rank (when the target is a rank), and one per
// change of the plan, bound to the changed input with its value in the
// plan's edition as baseline and the plan's value as the target of year.
// A raw-level change binds to the raw input; a component-level change to
// the index.
func KPIsFromPlan(res *TargetResult, plan string, year int) ([]KPI, error) {
	if !validYear(year) {
		return nil, Errorf(EINVALID, "Target year %d is not in 1900–2100.", year)
	}
	var p *Plan
	for i := range res.Plans {
		if res.Plans[i].Name == plan {
			p = &res.Plans[i]
		}
	}
	if p == nil {
		return nil, Errorf(ENOTFOUND, "No plan %q for %s: the plans are cheapest, online_services, infrastructure, human_capital.", plan, res.ISO3)
	}
	if !p.Reached {
		return nil, Errorf(EINVALID, "Plan %s does not reach %s for %s.", plan, res.Target, res.ISO3)
	}
	iso := string(res.ISO3)
	low := strings.ToLower(iso)
	var out []KPI
	if res.Target.Rank > 0 {
		out = append(out, KPI{
			ID: low + "-egdi_rank", Name: iso + " EGDI rank",
			Binding:  &Binding{ISO3: iso, Measure: "egdi_rank"},
			Baseline: &Point{res.Edition, float64(res.Rank)},
			Targets:  []Point{{year, float64(res.Target.Rank)}},
		})
	}
	for _, c := range p.Changes {
		out = append(out, KPI{
			ID: low + "-" + c.Indicator, Name: iso + " " + c.Indicator,
			Binding:  &Binding{ISO3: iso, Measure: c.Indicator},
			Baseline: &Point{res.Edition, c.From},
			Targets:  []Point{{year, c.To}},
		})
	}
	return out, nil
}

// FindKPI returns the initiative and KPI with the given id, or nils.
func (s *Strategy) FindKPI(id string) (*Initiative, *KPI) {
	for i := range s.Initiatives {
		for j := range s.Initiatives[i].KPIs {
			if s.Initiatives[i].KPIs[j].ID == id {
				return &s.Initiatives[i], &s.Initiatives[i].KPIs[j]
			}
		}
	}
	return nil, nil
}

// KPIChange is what changed for a KPI between two views of a strategy
// (two progress reports): a new latest value, a new status, or a KPI
// that is new.
type KPIChange struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	New        bool    `json:"new,omitempty"`
	FromYear   int     `json:"from_year,omitempty"`
	FromValue  float64 `json:"from_value,omitempty"`
	ToYear     int     `json:"to_year,omitempty"`
	ToValue    float64 `json:"to_value,omitempty"`
	FromStatus Status  `json:"from_status,omitempty"`
	ToStatus   Status  `json:"to_status"`
}

// Changes lists the KPIs of cur whose latest value or status differs from
// prev (the view of the last report), and the KPIs prev did not have, in
// cur's order. A nil prev gives nil: nothing to compare with.
func Changes(prev, cur *StrategyView) []KPIChange {
	if prev == nil {
		return nil
	}
	old := map[string]*KPIView{}
	for i := range prev.KPIs {
		old[prev.KPIs[i].ID] = &prev.KPIs[i]
	}
	last := func(ps []Point) (Point, bool) {
		if len(ps) == 0 {
			return Point{}, false
		}
		return ps[len(ps)-1], true
	}
	out := []KPIChange{}
	for _, k := range cur.KPIs {
		c := KPIChange{ID: k.ID, Name: k.Name, ToStatus: k.Status}
		lv, okv := last(k.Values)
		if okv {
			c.ToYear, c.ToValue = lv.Year, lv.Value
		}
		p := old[k.ID]
		if p == nil {
			c.New = true
			out = append(out, c)
			continue
		}
		pv, okp := last(p.Values)
		if okp {
			c.FromYear, c.FromValue = pv.Year, pv.Value
		}
		if okp != okv || pv != lv || p.Status != k.Status {
			c.FromStatus = p.Status
			out = append(out, c)
		}
	}
	return out
}
