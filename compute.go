package egdi

import (
	"math"
)

// Results are the indices of one edition computed for a set of countries.
// The slices are parallel to Countries. Values are unrounded; [Results.Scores]
// holds the published form.
type Results struct {
	Method    *Method
	Countries []ISO3
	OSI       []float64
	TII       []float64
	HCI       []float64
	EPI       []float64 // NaN when the inputs had no EPI
	EGDI      []float64
	// Sources says how each component was obtained.
	Sources Sources
	Scores  []Score
}

// Compute computes every index of the edition for the countries in in,
// then rounds, ranks, groups and classes them as the edition did.
//
// Each component is taken as given when its index column is present,
// otherwise computed: OSI and EPI as minmax(points); TII and HCI as
// minmax(Σ w_k·z(min(x_k, cap))) from 2012, or Σ w_k·min(x_k, cap)/100
// before (see [Composite]). EGDI = w_OSI·OSI + w_TII·TII + w_HCI·HCI, then
// the edition's zero rule.
func (m *Method) Compute(in *Inputs) (*Results, error) {
	n := in.Len()
	if n == 0 {
		return nil, Errorf(EINVALID, "No countries to compute.")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	so, st, sh, se, err := m.plan(in)
	if err != nil {
		return nil, err
	}
	r := &Results{Method: m, Countries: in.Countries,
		Sources: Sources{OSI: so.String(), TII: st.String(), HCI: sh.String(), EPI: se.String()}}
	buf := make([]float64, 5*n)
	r.OSI, r.TII, r.HCI, r.EPI, r.EGDI = buf[:n:n], buf[n:2*n:2*n], buf[2*n:3*n:3*n], buf[3*n:4*n:4*n], buf[4*n:5*n:5*n]
	sc := getScratch(n)
	defer scratchPool.Put(sc)
	tmp := sc.f[:n]

	if err := m.questionnaire(in, r.OSI, so, OSI, OSIPoints, false); err != nil {
		return nil, err
	}
	if err := m.questionnaire(in, r.EPI, se, EPI, EPIPoints, true); err != nil {
		return nil, err
	}
	if err := m.composite(in, r.TII, st, TII, &m.TII, tmp, false); err != nil {
		return nil, err
	}
	if err := m.composite(in, r.HCI, sh, HCI, &m.HCI, tmp, m.ZeroRule == ZeroIfHCI); err != nil {
		return nil, err
	}
	m.egdi(r.EGDI, r.OSI, r.TII, r.HCI)
	r.Scores = m.Score(r.Countries, r.OSI, r.TII, r.HCI, r.EPI, r.EGDI, nil)
	return r, nil
}

// Sources says how each component of a computation was obtained: "index"
// (given), "points" (min–max of questionnaire points), "raw" (built from
// indicators) or "absent".
type Sources struct {
	OSI string `json:"osi"`
	TII string `json:"tii"`
	HCI string `json:"hci"`
	EPI string `json:"epi"`
}

// questionnaire fills dst with OSI or EPI.
func (m *Method) questionnaire(in *Inputs, dst []float64, s source, index, points Indicator, optional bool) error {
	switch s {
	case fromIndex:
		copy(dst, in.Values[index])
	case fromPoints:
		copy(dst, in.Values[points])
		MinMax(dst)
	default:
		for i := range dst {
			dst[i] = math.NaN()
		}
		return nil
	}
	for i, v := range dst {
		if math.IsNaN(v) {
			ind := index
			if s == fromPoints {
				ind = points
			}
			return errMissing(m, in.Countries[i], ind)
		}
	}
	return nil
}

// composite fills dst with TII or HCI. allowMissing lets a missing value
// through as NaN (HCI 2008–2010, whose countries without data got EGDI 0).
func (m *Method) composite(in *Inputs, dst []float64, s source, index Indicator, c *Composite, tmp []float64, allowMissing bool) error {
	if s == fromIndex {
		copy(dst, in.Values[index])
		for i, v := range dst {
			if math.IsNaN(v) && !allowMissing {
				return errMissing(m, in.Countries[i], index)
			}
		}
		return nil
	}
	clear(dst)
	for k, ind := range c.Inputs {
		var bad int
		switch c.Standardisation {
		case ZScore:
			bad = addZ(dst, in.Values[ind], c.Weight(k), c.Cap, tmp, allowMissing)
		default:
			bad = addGoalpost(dst, in.Values[ind], c.Weight(k), c.Cap, allowMissing)
		}
		if bad >= 0 {
			return errMissing(m, in.Countries[bad], ind)
		}
	}
	if c.Rescale {
		MinMax(dst)
	}
	return nil
}

// egdi fills dst with the weighted mean and applies the zero rule.
func (m *Method) egdi(dst, osi, tii, hci []float64) {
	w := m.Weights
	for i := range dst {
		e := w.OSI*osi[i] + w.TII*tii[i] + w.HCI*hci[i]
		switch m.ZeroRule {
		case ZeroIfOSI:
			if osi[i] == 0 {
				e = 0
			}
		case ZeroIfHCI:
			if math.IsNaN(hci[i]) || hci[i] == 0 {
				e = 0
			}
		}
		dst[i] = e
	}
}

// EGDIOf returns the EGDI of one country from its component indices, with
// the edition's weights and zero rule.
func (m *Method) EGDIOf(osi, tii, hci float64) float64 {
	var out [1]float64
	m.egdi(out[:], []float64{osi}, []float64{tii}, []float64{hci})
	return out[0]
}
