package egdi

import (
	"fmt"
	"math"
	"strings"
)

// ModuleShare is one module's part of a score: Share is the points of its
// answered items over the points available (an unanswered item counts as
// not met, 0 points), Weight the module's weight in the total.
type ModuleShare struct {
	Code     string  `json:"code"`
	Share    float64 `json:"share"`
	Weight   float64 `json:"weight"`
	Answered int     `json:"answered"`
	Items    int     `json:"items"`
}

// Shares is the raw score of a set of answers: the module shares and their
// weighted total Raw = Σₘ wₘ·shareₘ, in [0,1] (0 when nothing is met, 1
// when everything is).
type Shares struct {
	Modules  []ModuleShare `json:"modules"`
	Raw      float64       `json:"raw"`
	Answered int           `json:"answered"`
	Items    int           `json:"items"`
}

// Module returns the share of a module, or nil.
func (s *Shares) Module(code string) *ModuleShare {
	for k := range s.Modules {
		if s.Modules[k].Code == code {
			return &s.Modules[k]
		}
	}
	return nil
}

// Shares scores answers (item code → value, as [Assessment.Values] gives):
// each item's points (in [0,1], the chosen answer's), summed per module
// and divided by the module's item count, then weighted. Every item is
// worth at most one point, so a module's share is its items' mean points.
// Errors: EINVALID for an unknown item or a value not allowed, naming it.
func (q *Questionnaire) Shares(values map[string]string) (Shares, error) {
	s := Shares{Modules: make([]ModuleShare, len(q.Modules))}
	found := 0
	for m, mod := range q.Modules {
		pts := 0.0
		ms := ModuleShare{Code: mod.Code, Weight: mod.Weight, Items: len(mod.Items)}
		for k := range mod.Items {
			it := &mod.Items[k]
			v, ok := values[it.Code]
			if !ok {
				continue
			}
			found++
			p, ok := it.Points(v)
			if !ok {
				return Shares{}, Errorf(EINVALID, "Item %s: answer %q is not allowed (allowed: %s).", it.Code, v, strings.Join(it.Values(), ", "))
			}
			ms.Answered++
			pts += p
		}
		ms.Share = pts / float64(len(mod.Items))
		s.Modules[m] = ms
		s.Raw += mod.Weight * ms.Share
		s.Answered += ms.Answered
		s.Items += ms.Items
	}
	if found != len(values) {
		for code := range values {
			if it, _ := q.Item(code); it == nil || it.Code != code {
				return Shares{}, Errorf(EINVALID, "Item %s is not in questionnaire %s.", code, q.ID)
			}
		}
	}
	s.Raw = min(max(s.Raw, 0), 1)
	return s, nil
}

// Estimate is an estimated index value with its range.
type Estimate struct {
	Estimate float64 `json:"estimate"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
}

// Reference is a reference assessment: a country assessed with the same
// questionnaire whose index value in the edition is published.
type Reference struct {
	Name      string  `json:"name"`
	Country   ISO3    `json:"country"`
	Raw       float64 `json:"raw"`       // the assessment's raw score (weighted total, or module share)
	Published float64 `json:"published"` // the index the UN published for the country
}

// Calibration is the linear map from a raw score to an index value:
//
//	estimate = clamp₀¹(Intercept + Slope·raw),  range = estimate ± HalfWidth (clamped to [0,1])
//
// The UN's OSI and EPI are min–max rescaled over the 193 countries, so a
// raw share of features met is not the published value; the map is fitted
// on reference assessments (n countries assessed with the same
// questionnaire, their published values known):
//
//   - n = 0: the default map, estimate = raw (the top country meets every
//     feature and the bottom one none), with the widest range, h₀ = 0.15;
//   - n = 1: the line through the origin and the reference, Slope =
//     published/raw (a portal with nothing scores 0, as the UN's bottom
//     country does);
//   - n ≥ 2: least squares, Slope = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², Intercept = ȳ − Slope·x̄.
//
// The half-width is HalfWidth = √(h₀²/(n+1) + s²), where s is the
// residual standard error √(Σe²/(n−2)) of the fit for n ≥ 3 (0 below: two
// points fit exactly): the default's uncertainty shrinks as 1/√(n+1) as
// references are added, and a poor fit widens it again. h₀ = 0.15 is a
// best guess: about the spread between the equal-weight and the
// 10/5/45/35/5 readings of the 2024 subindex weights for mid-table
// countries (OSI-QUESTIONNAIRE §2.2).
type Calibration struct {
	Index      string      `json:"index"`
	Intercept  float64     `json:"intercept"`
	Slope      float64     `json:"slope"`
	HalfWidth  float64     `json:"half_width"`
	Residual   float64     `json:"residual"`
	References []Reference `json:"references"`
}

// DefaultHalfWidth is h₀ of [Calibration].
const DefaultHalfWidth = 0.15

// DefaultCalibration returns the map used without references.
func DefaultCalibration(index string) Calibration {
	return Calibration{Index: index, Slope: 1, HalfWidth: DefaultHalfWidth, References: []Reference{}}
}

// Calibrate fits the map of an index on reference assessments (see
// [Calibration]). Errors: EINVALID for a reference outside [0,1], a single
// reference with raw score 0, references that all have the same raw
// score, or a fit that lowers the index as the raw score rises (the
// references disagree with each other).
func Calibrate(index string, refs []Reference) (Calibration, error) {
	c := DefaultCalibration(index)
	n := len(refs)
	for _, r := range refs {
		if !(r.Raw >= 0 && r.Raw <= 1) || !(r.Published >= 0 && r.Published <= 1) {
			return c, Errorf(EINVALID, "Reference %s: raw score %g or published %s %g is not in [0,1].", r.Name, r.Raw, index, r.Published)
		}
	}
	switch {
	case n == 0:
		return c, nil
	case n == 1:
		if refs[0].Raw == 0 {
			return c, Errorf(EINVALID, "Reference %s meets no item: it cannot calibrate %s; add a reference that meets some.", refs[0].Name, index)
		}
		c.Slope = refs[0].Published / refs[0].Raw
	default:
		var mx, my float64
		for _, r := range refs {
			mx += r.Raw
			my += r.Published
		}
		mx /= float64(n)
		my /= float64(n)
		var sxy, sxx float64
		for _, r := range refs {
			sxy += (r.Raw - mx) * (r.Published - my)
			sxx += (r.Raw - mx) * (r.Raw - mx)
		}
		if sxx < 1e-12 {
			return c, Errorf(EINVALID, "The %d references for %s have the same raw score: add one that differs.", n, index)
		}
		c.Slope = sxy / sxx
		c.Intercept = my - c.Slope*mx
		if n >= 3 {
			var se float64
			for _, r := range refs {
				e := r.Published - (c.Intercept + c.Slope*r.Raw)
				se += e * e
			}
			c.Residual = math.Sqrt(se / float64(n-2))
		}
	}
	if !(c.Slope > 0) {
		return c, Errorf(EINVALID, "The references for %s disagree: a higher raw score gives a lower published value (slope %.3f). Check their answers.", index, c.Slope)
	}
	c.HalfWidth = math.Sqrt(DefaultHalfWidth*DefaultHalfWidth/float64(n+1) + c.Residual*c.Residual)
	c.References = append([]Reference{}, refs...)
	return c, nil
}

// Estimate maps a raw score to an index value with its range.
func (c Calibration) Estimate(raw float64) Estimate {
	v := c.Intercept + c.Slope*raw
	cl := func(x float64) float64 { return min(max(x, 0), 1) }
	return Estimate{Estimate: cl(v), Low: cl(v - c.HalfWidth), High: cl(v + c.HalfWidth)}
}

// BestGuess describes the map as a best guess, for score outputs.
func (c Calibration) BestGuess() Guess {
	if len(c.References) == 0 {
		return Guess{Name: c.Index + "_calibration",
			EN: fmt.Sprintf("no reference assessments: %s estimate = raw score (top country meets every item, bottom none), range ±%.2f", strings.ToUpper(c.Index), c.HalfWidth),
			AR: fmt.Sprintf("دون تقييمات مرجعية: تقدير %s = الدرجة الخام (البلد الأول يستوفي كل البنود والأخير لا شيء)، والمدى ±%.2f", strings.ToUpper(c.Index), c.HalfWidth)}
	}
	return Guess{Name: c.Index + "_calibration",
		EN: fmt.Sprintf("%s = %.4f + %.4f × raw, fitted on %d reference assessments, range ±%.3f", strings.ToUpper(c.Index), c.Intercept, c.Slope, len(c.References), c.HalfWidth),
		AR: fmt.Sprintf("%s = %.4f + %.4f × الدرجة الخام، مُعايَرة على %d من التقييمات المرجعية، والمدى ±%.3f", strings.ToUpper(c.Index), c.Intercept, c.Slope, len(c.References), c.HalfWidth)}
}

// SelfScore is the score of an assessment: module shares, the estimates of
// the questionnaire's indices and, carried into an edition, the country's
// EGDI, rank (with the ranks at the ends of the OSI range: RankLow is the
// best rank, at the OSI's high end, RankHigh the worst, at its low end),
// group and class. BestGuesses lists every unknown the score rests on.
type SelfScore struct {
	Assessment    string        `json:"assessment"`
	Questionnaire string        `json:"questionnaire"`
	Country       ISO3          `json:"country"`
	City          string        `json:"city,omitempty"`
	Answered      int           `json:"answered"`
	Total         int           `json:"total"` // items in the questionnaire
	Raw           float64       `json:"raw"`   // weighted total of the module shares
	Modules       []ModuleShare `json:"modules"`
	OSI           *Estimate     `json:"osi,omitempty"`
	EPI           *Estimate     `json:"epi,omitempty"`
	LOSI          *Estimate     `json:"losi,omitempty"`
	EGL           *Estimate     `json:"egl,omitempty"`
	Edition       int           `json:"edition"`
	EGDI          float64       `json:"egdi"`
	Rank          int           `json:"rank"`
	RankLow       int           `json:"rank_low"`
	RankHigh      int           `json:"rank_high"`
	Group         Group         `json:"group"`
	Class         string        `json:"class,omitempty"`
	BestGuesses   []Guess       `json:"best_guesses"`
	Notes         []string      `json:"notes,omitempty"`
}

// EPIModule is the OSI module whose share is the E-Participation subindex,
// from which an OSI questionnaire also estimates the EPI.
const EPIModule = "EPART"

// Calibrations holds the map of each index (osi, epi, egl, losi); an
// index without one uses [DefaultCalibration].
type Calibrations map[string]Calibration

func (cs Calibrations) of(index string) Calibration {
	if c, ok := cs[index]; ok {
		return c
	}
	return DefaultCalibration(index)
}

// RawFor returns the raw score an index is estimated from: the weighted
// total for the questionnaire's own index, the E-Participation module's
// share for the EPI of an OSI questionnaire; ok is false when the
// questionnaire does not estimate the index.
func (q *Questionnaire) RawFor(s *Shares, index string) (float64, bool) {
	if index == q.Index {
		return s.Raw, true
	}
	if index == IndexEPI && q.Index == IndexOSI {
		if m := s.Module(EPIModule); m != nil {
			return m.Share, true
		}
	}
	return 0, false
}

// Score scores an assessment and, when b is not nil, carries the estimate
// into b's edition: the country's OSI (and EPI) set to the estimates, the
// whole edition recomputed through [Base.Apply] (the what-if path), so the
// EGDI, rank, group and class are the engine's. Rank bounds come from the
// OSI at the ends of its range. An EGL or LOSI estimate does not enter the
// EGDI (the 2024 HCI's e-government literacy is not modelled; LOSI is a
// city index): the country's standing is then its baseline.
// Errors: EINVALID for answers the questionnaire does not allow;
// ENOTFOUND when the country is not in the edition.
func (q *Questionnaire) Score(a *Assessment, cal Calibrations, b *Base) (*SelfScore, error) {
	sh, err := q.Shares(a.Values())
	if err != nil {
		return nil, err
	}
	s := &SelfScore{Assessment: a.Name, Questionnaire: q.ID, Country: a.Country, City: a.City, Answered: sh.Answered,
		Total: sh.Items, Raw: sh.Raw, Modules: sh.Modules, BestGuesses: append([]Guess{}, q.BestGuesses...)}
	for _, idx := range []string{IndexOSI, IndexEPI, IndexLOSI, IndexEGL} {
		raw, ok := q.RawFor(&sh, idx)
		if !ok {
			continue
		}
		c := cal.of(idx)
		e := c.Estimate(raw)
		switch idx {
		case IndexOSI:
			s.OSI = &e
		case IndexEPI:
			s.EPI = &e
		case IndexLOSI:
			s.LOSI = &e
		case IndexEGL:
			s.EGL = &e
		}
		s.BestGuesses = append(s.BestGuesses, c.BestGuess())
	}
	if b == nil {
		return s, nil
	}
	return s, s.carry(b)
}

// Sets returns the what-if changes that carry the estimates (or, with
// at = −1 or +1, the low or high ends of the ranges) into an edition.
func (s *SelfScore) Sets(at int) []Set {
	var sets []Set
	pick := func(e *Estimate) float64 {
		switch at {
		case -1:
			return e.Low
		case 1:
			return e.High
		}
		return e.Estimate
	}
	if s.OSI != nil {
		sets = append(sets, Set{ISO3: s.Country, Indicator: OSI, Value: pick(s.OSI)})
	}
	if s.EPI != nil {
		sets = append(sets, Set{ISO3: s.Country, Indicator: EPI, Value: pick(s.EPI)})
	}
	return sets
}

// carry fills the edition fields of s from b.
func (s *SelfScore) carry(b *Base) error {
	i := b.Index(s.Country)
	if i < 0 {
		return Errorf(ENOTFOUND, "%s was not assessed in edition %d.", s.Country, b.Edition)
	}
	s.Edition = b.Edition
	var ranks [3]int
	for k, at := range []int{0, -1, 1} {
		scores, _, err := b.Apply(s.Sets(at))
		if err != nil {
			return err
		}
		ranks[k] = scores[i].EGDIRank
		if at == 0 {
			sc := scores[i]
			s.EGDI, s.Rank, s.Group, s.Class = sc.EGDI, sc.EGDIRank, sc.Group, sc.RatingClass
		}
	}
	s.RankHigh, s.RankLow = ranks[1], ranks[2]
	if s.OSI == nil {
		s.Notes = append(s.Notes, fmt.Sprintf("the %s estimate does not enter the EGDI: rank and EGDI are %s's in edition %d", strings.ToUpper(s.indexOf()), s.Country, b.Edition))
	}
	return nil
}

func (s *SelfScore) indexOf() string {
	switch {
	case s.EPI != nil:
		return IndexEPI
	case s.LOSI != nil:
		return IndexLOSI
	}
	return IndexEGL
}

// CalibrateWith fits the maps of q's indices (OSI and, from an OSI
// questionnaire's E-Participation module, EPI; or EPI for an EPI
// questionnaire) on reference assessments: each must be of q, of a
// country assessed in edition year of d; its raw score is paired with
// the country's published value. No references: an empty set (the
// default maps). Errors: EINVALID for a reference of another
// questionnaire or a country without a published value, or a fit
// [Calibrate] refuses; and for references to an EGL or LOSI questionnaire,
// whose scores the UN does not rescale.
func (q *Questionnaire) CalibrateWith(refs []*Assessment, d *Dataset, year int) (Calibrations, error) {
	cal := Calibrations{}
	if len(refs) == 0 {
		return cal, nil
	}
	if q.Index != IndexOSI && q.Index != IndexEPI {
		return nil, Errorf(EINVALID, "References calibrate OSI and EPI estimates; questionnaire %s estimates the %s, which the UN does not rescale.", q.ID, strings.ToUpper(q.Index))
	}
	pub := map[ISO3]Record{}
	for _, r := range d.Published[year] {
		if r.Assessed {
			pub[r.ISO3] = r
		}
	}
	byIndex := map[string][]Reference{}
	for _, r := range refs {
		if r.Questionnaire != q.ID {
			return nil, Errorf(EINVALID, "Reference %s is of questionnaire %s, not %s.", r.Name, r.Questionnaire, q.ID)
		}
		rec, ok := pub[r.Country]
		if !ok {
			return nil, Errorf(EINVALID, "Reference %s: %s has no published value in edition %d.", r.Name, r.Country, year)
		}
		sh, err := q.Shares(r.Values())
		if err != nil {
			return nil, err
		}
		for _, idx := range []string{IndexOSI, IndexEPI} {
			raw, ok := q.RawFor(&sh, idx)
			if !ok {
				continue
			}
			v := rec.OSI
			if idx == IndexEPI {
				v = rec.EPI
			}
			byIndex[idx] = append(byIndex[idx], Reference{Name: r.Name, Country: r.Country, Raw: raw, Published: v})
		}
	}
	for idx, rs := range byIndex {
		c, err := Calibrate(idx, rs)
		if err != nil {
			return nil, err
		}
		cal[idx] = c
	}
	return cal, nil
}
