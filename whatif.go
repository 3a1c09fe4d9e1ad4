package egdi

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Level is what an analysis (what-if, target, uncertainty) changes and
// recomputes: the published component indices, or the raw inputs.
type Level string

// Levels.
const (
	// ComponentLevel works on the component indices (OSI, TII, HCI, EPI)
	// as published. The baseline is exactly the published ranking.
	ComponentLevel Level = "component"
	// RawLevel works on raw inputs where they exist and recomputes the
	// composites (z-scores, min–max) of every country. The baseline is the
	// raw recomputation, which differs slightly from the published indices.
	RawLevel Level = "raw"
)

// ParseLevel returns the level with the given name; "" means the default
// of the caller (component for published editions).
func ParseLevel(s string) (Level, error) {
	switch Level(strings.ToLower(strings.TrimSpace(s))) {
	case ComponentLevel:
		return ComponentLevel, nil
	case RawLevel:
		return RawLevel, nil
	case "":
		return "", nil
	}
	return "", Errorf(EINVALID, "Unknown level %q: choose component or raw.", s)
}

// Base is one edition made ready for analysis: its method, the inputs at
// one level and the baseline scores every change is measured against.
// Published editions get one from [NewBase]; scenario editions (a method
// and inputs of one's own) from [ComponentBase] or [RawBase].
//
// Countries are kept in ISO3 order. A Base is read-only once built: every
// analysis clones what it changes, so one Base serves concurrent callers.
type Base struct {
	Method  *Method `json:"-"`
	Edition int     `json:"edition"`
	Level   Level   `json:"level"`
	// Inputs holds, at component level, the columns osi, tii, hci and epi
	// (epi may be absent). At raw level it holds the raw inputs of each
	// composite computed from raw data (NaN for a country that lacks one),
	// the index columns osi, hci and epi, and the tii (or hci) column for
	// the countries whose index is carried rather than recomputed.
	Inputs *Inputs `json:"-"`
	// Published are the EGDI values an unchanged country keeps at component
	// level (the published values); nil for a scenario and at raw level.
	Published []float64 `json:"-"`
	// Raw[c] is true when composite c (TII, HCI) is recomputed from raw
	// inputs at raw level.
	Raw map[Indicator]bool `json:"-"`
	// Carried lists, at raw level, the countries that lack a raw input of a
	// recomputed composite and keep their published index for it.
	Carried []ISO3 `json:"carried,omitempty"`
	// Scores are the baseline, parallel to Inputs.Countries.
	Scores []Score `json:"-"`
	// Notes say how the base was built, for people.
	Notes []string `json:"notes,omitempty"`
}

// NewBase returns the base of a published edition at the given level ("" is
// the component level). At raw level the TII is recomputed from the
// dataset's ITU observations of the edition's data year (gap-filled by
// [LatestInputs] with [GapYears]) for every country that has all its
// inputs; the other countries carry their published TII, and OSI, HCI and
// EPI enter as their published indices (no raw data for them is built in).
func NewBase(d *Dataset, year int, level Level) (*Base, error) {
	m, err := MethodFor(year)
	if err != nil {
		return nil, err
	}
	recs := d.Published[year]
	if len(recs) == 0 {
		return nil, Errorf(ENOTFOUND, "No published data for edition %d.", year)
	}
	var cs []ISO3
	byISO := map[ISO3]Record{}
	for _, r := range recs {
		if r.Assessed {
			cs = append(cs, r.ISO3)
			byISO[r.ISO3] = r
		}
	}
	slices.Sort(cs)
	in := NewInputs(cs)
	pub := make([]float64, len(cs))
	for i, c := range cs {
		r := byISO[c]
		in.Set(OSI, i, r.OSI)
		in.Set(TII, i, r.TII)
		in.Set(HCI, i, r.HCI)
		in.Set(EPI, i, r.EPI)
		pub[i] = r.EGDI
	}
	switch level {
	case ComponentLevel, "":
		b, err := ComponentBase(m, in, pub)
		if err != nil {
			return nil, err
		}
		b.Notes = append(b.Notes, "component level: the published indices of edition "+strconv.Itoa(year)+
			"; unchanged countries keep their published EGDI")
		return b, nil
	case RawLevel:
		if !m.TII.CanCompute() || m.DataYear == 0 {
			return nil, Errorf(EINVALID, "Edition %d has no raw level: its TII cannot be recomputed from raw data (%s). Use --level component.",
				year, m.TII.Note)
		}
		raw := LatestInputs(d.Observations, cs, m.TII.Inputs, m.DataYear, GapYears)
		for _, ind := range m.TII.Inputs {
			in.Values[ind] = raw.Values[ind]
		}
		// The tii column stays only for the countries that lack an input.
		tii := in.Values[TII]
		for i := range cs {
			if complete(in, m.TII.Inputs, i) {
				tii[i] = math.NaN()
			}
		}
		b, err := RawBase(m, in)
		if err != nil {
			return nil, err
		}
		b.Notes = append(b.Notes, "raw level: TII recomputed from the built-in ITU data of "+strconv.Itoa(m.DataYear)+
			" (gap-filled up to "+strconv.Itoa(GapYears)+" years back); OSI, HCI and EPI as published; the baseline is this recomputation, not the published TII")
		return b, nil
	}
	return nil, Errorf(EINVALID, "Unknown level %q: choose component or raw.", level)
}

// ComponentBase returns a component-level base from the component indices
// in (columns osi, tii, hci; epi optional). published, when not nil, holds
// the EGDI values unchanged countries keep (a published edition); when nil
// every EGDI is computed from the components (a scenario).
func ComponentBase(m *Method, in *Inputs, published []float64) (*Base, error) {
	for _, ind := range []Indicator{OSI, TII, HCI} {
		if !in.Has(ind) {
			return nil, Errorf(EINVALID, "Edition %d at component level needs the column %s.", m.Edition, ind)
		}
	}
	if published != nil && len(published) != in.Len() {
		return nil, Errorf(EINVALID, "%d published EGDI values for %d countries.", len(published), in.Len())
	}
	in = sortedInputs(in, &published)
	if !in.Has(EPI) {
		in.Column(EPI)
	}
	b := &Base{Method: m, Edition: m.Edition, Level: ComponentLevel, Inputs: in, Published: published}
	scores, err := b.recompute(in, nil)
	if err != nil {
		return nil, err
	}
	b.Scores = scores
	return b, nil
}

// RawBase returns a raw-level base. For TII and HCI: when in holds every
// raw input of the method's composite, the composite is recomputed from
// them for the countries that have them all, and the others keep the index
// given in the composite's own column (which they must have). Otherwise the
// index column is used for everyone. OSI and EPI are taken as indices.
func RawBase(m *Method, in *Inputs) (*Base, error) {
	in = sortedInputs(in, nil)
	b := &Base{Method: m, Edition: m.Edition, Level: RawLevel, Inputs: in, Raw: map[Indicator]bool{}}
	if !in.Has(OSI) {
		return nil, Errorf(EINVALID, "Edition %d needs the column osi.", m.Edition)
	}
	if !in.Has(EPI) {
		in.Column(EPI)
	}
	carried := map[ISO3]bool{}
	for _, c := range []struct {
		index Indicator
		comp  *Composite
	}{{TII, &m.TII}, {HCI, &m.HCI}} {
		raw := c.comp.CanCompute()
		for _, ind := range c.comp.Inputs {
			raw = raw && in.Has(ind)
		}
		b.Raw[c.index] = raw
		for i, iso := range in.Countries {
			switch {
			case raw && complete(in, c.comp.Inputs, i):
			case math.IsNaN(in.Get(c.index, i)):
				if raw {
					return nil, Errorf(EINVALID, "%s lacks a raw input of %s and has no %s to carry.", iso, c.index, c.index)
				}
				return nil, Errorf(EINVALID, "%s: %s is missing, and edition %d needs it.", iso, c.index, m.Edition)
			case raw:
				carried[iso] = true
			}
		}
	}
	if !b.Raw[TII] && !b.Raw[HCI] {
		b.Notes = append(b.Notes, "no raw inputs: every index enters as given")
	}
	for _, c := range in.Countries {
		if carried[c] {
			b.Carried = append(b.Carried, c)
		}
	}
	if len(b.Carried) > 0 {
		b.Notes = append(b.Notes, strconv.Itoa(len(b.Carried))+" countries lack a raw input and carry their published index: "+
			joinISO(b.Carried))
	}
	scores, err := b.recompute(in, nil)
	if err != nil {
		return nil, err
	}
	b.Scores = scores
	return b, nil
}

// sortedInputs returns in with its countries in ISO3 order (a clone when
// they were not), permuting *pub along.
func sortedInputs(in *Inputs, pub *[]float64) *Inputs {
	if slices.IsSorted(in.Countries) {
		return in.Clone()
	}
	idx := make([]int, in.Len())
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(in.Countries[a], in.Countries[b]) })
	out := &Inputs{Countries: make([]ISO3, len(idx))}
	for j, i := range idx {
		out.Countries[j] = in.Countries[i]
	}
	for k, col := range in.Values {
		if col == nil {
			continue
		}
		nc := make([]float64, len(idx))
		for j, i := range idx {
			nc[j] = col[i]
		}
		out.Values[k] = nc
	}
	if pub != nil && *pub != nil {
		np := make([]float64, len(idx))
		for j, i := range idx {
			np[j] = (*pub)[i]
		}
		*pub = np
	}
	return out
}

func complete(in *Inputs, inds []Indicator, i int) bool {
	for _, ind := range inds {
		if math.IsNaN(in.Get(ind, i)) {
			return false
		}
	}
	return true
}

func joinISO(cs []ISO3) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// Index returns the position of a country in the base, or −1.
func (b *Base) Index(c ISO3) int {
	i, ok := slices.BinarySearch(b.Inputs.Countries, c)
	if !ok {
		return -1
	}
	return i
}

// Score returns the baseline score of a country, or nil.
func (b *Base) Score(c ISO3) *Score {
	if i := b.Index(c); i >= 0 {
		return &b.Scores[i]
	}
	return nil
}

// components returns the unrounded OSI, TII, HCI, EPI and EGDI of every
// country computed from in: at component level the columns as given, at
// raw level the composites recomputed from their raw inputs (z-scores and
// min–max over the countries that have every input, by the same code as
// [Method.Compute]) with the carried countries' indices merged in.
func (b *Base) components(in *Inputs) (osi, tii, hci, epi, egdi []float64, err error) {
	m := b.Method
	n := in.Len()
	buf := make([]float64, 5*n)
	osi, tii, hci, epi, egdi = buf[:n:n], buf[n:2*n:2*n], buf[2*n:3*n:3*n], buf[3*n:4*n:4*n], buf[4*n:]
	copy(osi, in.Values[OSI])
	copy(epi, in.Column(EPI))
	for _, c := range []struct {
		index Indicator
		comp  *Composite
		dst   []float64
	}{{TII, &m.TII, tii}, {HCI, &m.HCI, hci}} {
		if b.Level == RawLevel && b.Raw[c.index] {
			// The countries with every raw input, and only those columns.
			idx := make([]int, 0, n)
			for i := range n {
				if complete(in, c.comp.Inputs, i) {
					idx = append(idx, i)
				} else {
					c.dst[i] = in.Get(c.index, i)
				}
			}
			r := len(idx)
			sub := &Inputs{Countries: make([]ISO3, r)}
			for j, i := range idx {
				sub.Countries[j] = in.Countries[i]
			}
			cols := make([]float64, (len(c.comp.Inputs)+2)*r)
			for k, ind := range c.comp.Inputs {
				col := cols[k*r : (k+1)*r : (k+1)*r]
				for j, i := range idx {
					col[j] = in.Values[ind][i]
				}
				sub.Values[ind] = col
			}
			val, tmp := cols[len(c.comp.Inputs)*r:][:r:r], cols[(len(c.comp.Inputs)+1)*r:]
			if err := m.composite(sub, val, fromRaw, c.index, c.comp, tmp, false); err != nil {
				return nil, nil, nil, nil, nil, err
			}
			for j, i := range idx {
				c.dst[i] = val[j]
			}
		} else {
			copy(c.dst, in.Values[c.index])
		}
	}
	m.egdi(egdi, osi, tii, hci)
	return osi, tii, hci, epi, egdi, nil
}

// recompute scores the whole edition from in. At component level a country
// listed in changed keeps nothing published: its EGDI is the method's
// weighted mean of its components, zero rule applied, cut to the edition's
// precision; every other country keeps its published EGDI. Ranks, groups
// and classes come from [Method.Score].
func (b *Base) recompute(in *Inputs, changed []bool) ([]Score, error) {
	osi, tii, hci, epi, egdi, err := b.components(in)
	if err != nil {
		return nil, err
	}
	var pub []float64
	if b.Level == ComponentLevel && b.Published != nil {
		pub = slices.Clone(b.Published)
		for i := range pub {
			if changed != nil && changed[i] {
				pub[i] = b.Method.EGDIPrecision.Apply(egdi[i])
			}
		}
	}
	return b.Method.Score(in.Countries, osi, tii, hci, epi, egdi, pub), nil
}

// setString writes a set as the CLI's --set flag reads it (cliparse.ParseSet).
func setString(s Set) string {
	return string(s.ISO3) + "." + s.Indicator.String() + "=" + strconv.FormatFloat(s.Value, 'f', -1, 64)
}

// Settable returns the inputs a what-if may set for the country at the
// base's level: at component level the indices osi, tii, hci and epi; at
// raw level the raw inputs of each recomputed composite (the index itself
// for a country that carries it), and osi and epi (and hci or tii when not
// recomputed) as indices.
func (b *Base) Settable(c ISO3) []Indicator {
	i := b.Index(c)
	if b.Level == ComponentLevel {
		return []Indicator{OSI, TII, HCI, EPI}
	}
	out := []Indicator{OSI}
	for _, x := range []struct {
		index Indicator
		comp  *Composite
	}{{TII, &b.Method.TII}, {HCI, &b.Method.HCI}} {
		if b.Raw[x.index] && i >= 0 && complete(b.Inputs, x.comp.Inputs, i) {
			out = append(out, x.comp.Inputs...)
		} else {
			out = append(out, x.index)
		}
	}
	return append(out, EPI)
}

// check validates sets against the base.
func (b *Base) check(sets []Set) error {
	seen := map[Set]bool{}
	for _, s := range sets {
		i := b.Index(s.ISO3)
		if i < 0 {
			return Errorf(ENOTFOUND, "%s was not assessed in edition %d.", s.ISO3, b.Edition)
		}
		if s.Indicator < 0 || s.Indicator >= NumIndicators {
			return Errorf(EINVALID, "Unknown input %d.", int(s.Indicator))
		}
		if err := s.Indicator.CheckValue(s.Value); err != nil {
			return Errorf(EINVALID, "%s: %w.", s.ISO3, err)
		}
		if s.Indicator.IsIndex() && s.Value > 1 {
			return Errorf(EINVALID, "%s: %s = %g is above 1.", s.ISO3, s.Indicator, s.Value)
		}
		k := Set{ISO3: s.ISO3, Indicator: s.Indicator}
		if seen[k] {
			return Errorf(EINVALID, "%s.%s is set twice.", s.ISO3, s.Indicator)
		}
		seen[k] = true
		ok := slices.Contains(b.Settable(s.ISO3), s.Indicator)
		switch {
		case ok:
		case b.Level == ComponentLevel:
			return Errorf(EINVALID, "%s is a raw input, not defined at component level (the published indices): pass --level raw, or set osi, tii, hci or epi.", s.Indicator)
		case s.Indicator == TII || s.Indicator == HCI:
			return Errorf(EINVALID, "%s is recomputed from raw inputs at raw level: set one of its inputs (%s) instead.",
				s.Indicator, inputNames(b.Settable(s.ISO3)))
		default:
			return Errorf(EINVALID, "Edition %d at raw level does not use %s for %s: settable inputs are %s.",
				b.Edition, s.Indicator, s.ISO3, inputNames(b.Settable(s.ISO3)))
		}
	}
	return nil
}

// Apply returns the scores of the whole edition after the sets, parallel
// to the base's countries, and which countries were changed (a set equal
// to the current value changes nothing).
func (b *Base) Apply(sets []Set) (scores []Score, changed []bool, err error) {
	if err := b.check(sets); err != nil {
		return nil, nil, err
	}
	in := b.Inputs.Clone()
	changed = make([]bool, in.Len())
	for _, s := range sets {
		i := b.Index(s.ISO3)
		if in.Get(s.Indicator, i) != s.Value {
			in.Set(s.Indicator, i, s.Value)
			changed[i] = true
		}
	}
	scores, err = b.recompute(in, changed)
	return scores, changed, err
}

// WhatIfCountry is one country of a what-if result.
type WhatIfCountry struct {
	ISO3        ISO3    `json:"iso3"`
	EGDIBefore  float64 `json:"egdi_before"`
	EGDIAfter   float64 `json:"egdi_after"`
	RankBefore  int     `json:"rank_before"`
	RankAfter   int     `json:"rank_after"`
	GroupBefore Group   `json:"group_before"`
	GroupAfter  Group   `json:"group_after"`
	ClassBefore string  `json:"class_before"`
	ClassAfter  string  `json:"class_after"`
	Changed     bool    `json:"changed"` // an input of this country was set
}

// WhatIfResult lists the changed countries and every country whose rank,
// group or rating class moved, by rank after the change. (At raw level
// most countries' EGDI moves a little; only those whose standing moved
// are listed.)
type WhatIfResult struct {
	Edition   int             `json:"edition"`
	Level     Level           `json:"level"`
	Sets      []string        `json:"sets"`
	Countries []WhatIfCountry `json:"countries"`
	Carried   []ISO3          `json:"carried,omitempty"`
	Notes     []string        `json:"notes,omitempty"`
}

// WhatIf recomputes the whole edition with the sets applied and reports
// the countries that were changed or moved. With no sets it lists nothing:
// the edition is unchanged.
func (b *Base) WhatIf(sets []Set) (*WhatIfResult, error) {
	after, changed, err := b.Apply(sets)
	if err != nil {
		return nil, err
	}
	res := &WhatIfResult{Edition: b.Edition, Level: b.Level, Sets: make([]string, len(sets)),
		Countries: []WhatIfCountry{}, Carried: b.Carried, Notes: b.Notes}
	for i, s := range sets {
		res.Sets[i] = setString(s)
	}
	for i, a := range after {
		p := b.Scores[i]
		if !changed[i] && a.EGDIRank == p.EGDIRank && a.Group == p.Group && a.RatingClass == p.RatingClass {
			continue
		}
		res.Countries = append(res.Countries, WhatIfCountry{ISO3: a.ISO3, EGDIBefore: p.EGDI, EGDIAfter: a.EGDI,
			RankBefore: p.EGDIRank, RankAfter: a.EGDIRank, GroupBefore: p.Group, GroupAfter: a.Group,
			ClassBefore: p.RatingClass, ClassAfter: a.RatingClass, Changed: changed[i]})
	}
	slices.SortStableFunc(res.Countries, func(x, y WhatIfCountry) int {
		if c := cmp.Compare(x.RankAfter, y.RankAfter); c != 0 {
			return c
		}
		return cmp.Compare(x.ISO3, y.ISO3)
	})
	return res, nil
}
