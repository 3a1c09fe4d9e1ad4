package egdi

import "math"

// Inputs holds the values one computation starts from: for each country,
// raw indicators and/or component indices. Values are stored by column;
// a missing value is NaN and an absent column is nil.
type Inputs struct {
	Countries []ISO3
	Values    [NumIndicators][]float64
}

// NewInputs returns empty inputs for the given countries.
func NewInputs(countries []ISO3) *Inputs {
	return &Inputs{Countries: countries}
}

// Len returns the number of countries.
func (in *Inputs) Len() int { return len(in.Countries) }

// Has reports whether the indicator's column is present.
func (in *Inputs) Has(ind Indicator) bool { return in.Values[ind] != nil }

// Column returns the indicator's column, creating it (all NaN) if absent.
func (in *Inputs) Column(ind Indicator) []float64 {
	if in.Values[ind] == nil {
		c := make([]float64, len(in.Countries))
		for i := range c {
			c[i] = math.NaN()
		}
		in.Values[ind] = c
	}
	return in.Values[ind]
}

// Set sets one value.
func (in *Inputs) Set(ind Indicator, country int, v float64) { in.Column(ind)[country] = v }

// Get returns one value, NaN when absent.
func (in *Inputs) Get(ind Indicator, country int) float64 {
	if c := in.Values[ind]; c != nil {
		return c[country]
	}
	return math.NaN()
}

// Index returns the position of a country, or −1.
func (in *Inputs) Index(c ISO3) int {
	for i, x := range in.Countries {
		if x == c {
			return i
		}
	}
	return -1
}

// Clone returns a deep copy.
func (in *Inputs) Clone() *Inputs {
	out := &Inputs{Countries: append([]ISO3(nil), in.Countries...)}
	for i, c := range in.Values {
		if c != nil {
			out.Values[i] = append([]float64(nil), c...)
		}
	}
	return out
}

// Subset returns the inputs of the countries for which keep is true.
func (in *Inputs) Subset(keep func(i int) bool) *Inputs {
	var idx []int
	for i := range in.Countries {
		if keep(i) {
			idx = append(idx, i)
		}
	}
	out := &Inputs{Countries: make([]ISO3, len(idx))}
	for j, i := range idx {
		out.Countries[j] = in.Countries[i]
	}
	for k, c := range in.Values {
		if c == nil {
			continue
		}
		nc := make([]float64, len(idx))
		for j, i := range idx {
			nc[j] = c[i]
		}
		out.Values[k] = nc
	}
	return out
}

// Validate checks every present value against its indicator's bounds and
// that no country appears twice.
func (in *Inputs) Validate() error {
	// A bit per possible code (26³), so the check allocates nothing.
	var seen [(26*26*26 + 63) / 64]uint64
	for _, c := range in.Countries {
		if !c.Valid() {
			return Errorf(EINVALID, "%q is not an ISO3 country code.", c)
		}
		k := (int(c[0]-'A')*26+int(c[1]-'A'))*26 + int(c[2]-'A')
		if seen[k/64]&(1<<(k%64)) != 0 {
			return Errorf(EINVALID, "Country %s appears twice.", c)
		}
		seen[k/64] |= 1 << (k % 64)
	}
	for k, col := range in.Values {
		lo, hi := Indicator(k).Bounds()
		for i, v := range col {
			// NaN is a missing value; ±Inf is refused even where the
			// upper bound is +Inf (points): v − v is 0 only when finite.
			if v >= lo && v <= hi && v-v == 0 || v != v {
				continue
			}
			return Errorf(EINVALID, "%s: %w.", in.Countries[i], Indicator(k).CheckValue(v))
		}
	}
	return nil
}

// need describes how a component will be obtained by Compute.
type source int

const (
	fromIndex source = iota
	fromPoints
	fromRaw
	absent
)

func (s source) String() string {
	return [...]string{"index", "points", "raw", "absent"}[s]
}

// plan decides, for each component, whether it is given as an index,
// computed from questionnaire points or built from raw indicators, and
// checks that everything the method needs is there.
func (m *Method) plan(in *Inputs) (osi, tii, hci, epi source, err error) {
	pick := func(name string, index, points Indicator, c *Composite, optional bool) (source, error) {
		switch {
		case in.Has(index):
			return fromIndex, nil
		case points >= 0 && in.Has(points):
			return fromPoints, nil
		case c != nil && c.CanCompute():
			for _, ind := range c.Inputs {
				if !in.Has(ind) {
					return absent, Errorf(EINVALID, "Edition %d needs %s or its inputs %s: column %s is missing.",
						m.Edition, index, inputNames(c.Inputs), ind)
				}
			}
			return fromRaw, nil
		case optional:
			return absent, nil
		case c != nil:
			return absent, Errorf(EINVALID, "Edition %d needs the column %s: %s.", m.Edition, index, c.Note)
		}
		return absent, Errorf(EINVALID, "Edition %d needs the column %s or %s.", m.Edition, index, points)
	}
	if osi, err = pick("OSI", OSI, OSIPoints, nil, false); err != nil {
		return
	}
	if tii, err = pick("TII", TII, -1, &m.TII, false); err != nil {
		return
	}
	if hci, err = pick("HCI", HCI, -1, &m.HCI, false); err != nil {
		return
	}
	epi, err = pick("EPI", EPI, EPIPoints, nil, true)
	return
}

func inputNames(is []Indicator) string {
	s := ""
	for i, ind := range is {
		if i > 0 {
			s += ", "
		}
		s += ind.String()
	}
	return s
}

// Needs returns the columns a computation of the edition needs for a
// component, in the order of the method.
func (m *Method) Needs() []Indicator {
	var out []Indicator
	out = append(out, m.TII.Inputs...)
	out = append(out, m.HCI.Inputs...)
	return out
}

// errMissing describes a missing value.
func errMissing(m *Method, c ISO3, ind Indicator) error {
	return Errorf(EINVALID, "%s: %s is missing, and edition %d needs it.", c, ind, m.Edition)
}

// Required returns the columns a computation of the edition will read
// from in, given the columns present: for each component its index, its
// points or its raw inputs. It fails like [Method.Compute] when something
// needed is absent.
func (m *Method) Required(in *Inputs) ([]Indicator, error) {
	so, st, sh, se, err := m.plan(in)
	if err != nil {
		return nil, err
	}
	var out []Indicator
	add := func(s source, index, points Indicator, c *Composite) {
		switch s {
		case fromIndex:
			out = append(out, index)
		case fromPoints:
			out = append(out, points)
		case fromRaw:
			out = append(out, c.Inputs...)
		}
	}
	add(so, OSI, OSIPoints, nil)
	add(st, TII, -1, &m.TII)
	add(sh, HCI, -1, &m.HCI)
	add(se, EPI, EPIPoints, nil)
	return out, nil
}

// GapYears is how far back the gap-filling rule looks: a value older than
// GapYears before the data year is not used (a best guess: with it the
// 2022 TII rebuild covers the 188 countries METHODOLOGY §4.1 reports; the
// UN's own imputation — World Bank, then older ITU values — is not
// published in detail, Q10).
const GapYears = 5

// LatestInputs builds raw inputs from observations: for each country and
// indicator, the value of the latest year from dataYear−maxAge to dataYear
// (the gap-filling rule: a missing year is filled by the most recent
// earlier one; nothing is interpolated or taken from a later year; maxAge
// 0 means no limit). Countries with no such observation get NaN.
func LatestInputs(obs []Observation, countries []ISO3, inds []Indicator, dataYear, maxAge int) *Inputs {
	in := NewInputs(countries)
	pos := make(map[ISO3]int, len(countries))
	for i, c := range countries {
		pos[c] = i
	}
	want := [NumIndicators]bool{}
	for _, ind := range inds {
		want[ind] = true
		in.Column(ind)
	}
	year := make(map[[2]int]int)
	for _, o := range obs {
		i, ok := pos[o.ISO3]
		if !ok || o.Indicator < 0 || o.Indicator >= NumIndicators || !want[o.Indicator] || o.Year > dataYear ||
			(maxAge > 0 && o.Year < dataYear-maxAge) {
			continue
		}
		k := [2]int{i, int(o.Indicator)}
		if y, seen := year[k]; seen && y >= o.Year {
			continue
		}
		year[k] = o.Year
		in.Values[o.Indicator][i] = o.Value
	}
	return in
}
