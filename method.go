package egdi

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Editions lists the years of every built-in edition of the Survey. The
// editions a dataset holds are [Dataset.Years]: a later edition imported
// from its UN Data Center file joins them with the [AssumedMethod].
var Editions = []int{2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024}

// LatestEdition is the newest published edition.
const LatestEdition = 2024

// Status says how well a methodological detail is known. Sources and tags
// are those of METHODOLOGY.md (V2, V1, D, B).
const (
	Established = "established" // stated by a source and reproduced from published numbers
	Derived     = "derived"     // reproduced from the published numbers only
	BestGuess   = "best guess"  // not published: the documented best guess
)

// AssumedFrom returns the status of a parameter an edition that is not
// built in inherits from the built-in edition from: "assumed from 2024".
func AssumedFrom(from int) string { return "assumed from " + strconv.Itoa(from) }

// IsAssumed reports whether a status is an [AssumedFrom] status.
func IsAssumed(status string) bool { return strings.HasPrefix(status, "assumed from ") }

// MaxEdition is the last year an edition may have.
const MaxEdition = 2100

// IsBuiltin reports whether year is a built-in edition.
func IsBuiltin(year int) bool { return slices.Contains(Editions, year) }

// IsLaterEdition reports whether year can be an edition published after
// the built-in ones: an even year after [LatestEdition], up to
// [MaxEdition] (the Survey has been biennial since 2008). Such an edition
// exists once its UN Data Center file is imported.
func IsLaterEdition(year int) bool {
	return year > LatestEdition && year <= MaxEdition && year%2 == 0
}

// IsEditionYear reports whether year is a built-in or a later edition.
func IsEditionYear(year int) bool { return IsBuiltin(year) || IsLaterEdition(year) }

// RoundMode is how published values were cut to their digits.
type RoundMode string

// Round modes.
const (
	Round    RoundMode = "round"    // to nearest, half away from zero
	Truncate RoundMode = "truncate" // towards zero (2003–2014 5-dp values sit just below k/R)
	AsGiven  RoundMode = "as given" // taken from another publication as printed (HCI 2003–2005)
)

// Precision is the number of decimals an index is published with and how
// it was cut.
type Precision struct {
	Digits int       `json:"digits"`
	Mode   RoundMode `json:"mode"`
}

// Apply cuts v to the precision.
func (p Precision) Apply(v float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	s := math.Pow10(p.Digits)
	switch p.Mode {
	case Truncate:
		// The 1e-9 guard keeps an exact k/10^d, computed as k/10^d − ε,
		// from dropping a digit.
		return math.Floor(v*s+1e-9) / s
	default:
		return math.Round(v*s) / s
	}
}

// Unit returns one unit in the last published digit.
func (p Precision) Unit() float64 { return math.Pow10(-p.Digits) }

// MaxError returns the largest difference between a value and its
// published form: half a unit when rounded, a unit when truncated, zero
// when the published value is the one used.
func (p Precision) MaxError() float64 {
	switch p.Mode {
	case Truncate:
		return p.Unit()
	case AsGiven:
		return 0
	}
	return p.Unit() / 2
}

// Format writes v with the precision's digits.
func (p Precision) Format(v float64) string {
	return strconv.FormatFloat(p.Apply(v), 'f', p.Digits, 64)
}

// TieRule is how equal EGDI values are ranked.
type TieRule string

// Tie rules.
const (
	// Competition ranking ("1-2-2-4") on published values: rank = 1 + the
	// number of countries with a strictly higher published value.
	Competition TieRule = "competition"
	// Ordinal ranking on unrounded values: equal published values get
	// distinct ranks (2020).
	Ordinal TieRule = "ordinal"
)

// ZeroRule names the rule that sets a country's EGDI to zero.
type ZeroRule string

// Zero rules.
const (
	NoZeroRule ZeroRule = "none"
	ZeroIfOSI  ZeroRule = "osi=0"       // no online presence ⇒ EGDI 0 (2003–2005, 2012)
	ZeroIfHCI  ZeroRule = "hci missing" // no HCI data ⇒ EGDI 0 (2008, 2010; HCI shown as 0)
)

// Standardisation is how a composite's indicators are put on one scale.
type Standardisation string

// Standardisations.
const (
	ZScore   Standardisation = "z-score"  // (x − mean)/σ, population σ over countries with data
	Goalpost Standardisation = "goalpost" // min(x, cap)/100: the UNDP education-index style
)

// Composite is how TII or HCI is built from its indicators.
type Composite struct {
	// Indicators are the indicators in the published description, in words.
	Indicators []string `json:"indicators"`
	// Inputs are the indicators the raw computation uses; nil when it is
	// not possible (an input no longer published, or a method not known).
	Inputs []Indicator `json:"-"`
	// Weights of the standardised inputs; nil means equal weights.
	Weights []float64 `json:"weights,omitempty"`
	// Cap is applied to each input before standardisation (0 = none):
	// min(x, Cap). TII from 2020: 120 per 100 inhabitants.
	Cap             float64         `json:"cap,omitempty"`
	Standardisation Standardisation `json:"standardisation"`
	// Rescale applies min–max to the composite, so the best country gets
	// 1 and the worst 0 (from 2012).
	Rescale bool `json:"rescaled"`
	// Status of the raw method (see the constants).
	Status string `json:"status"`
	// Note says why raw computation is not possible, or what is guessed.
	Note string `json:"note,omitempty"`
}

// CanCompute reports whether the composite can be computed from raw inputs.
func (c *Composite) CanCompute() bool { return len(c.Inputs) > 0 }

// Weight returns the weight of input i.
func (c *Composite) Weight(i int) float64 {
	if c.Weights == nil {
		return 1 / float64(len(c.Inputs))
	}
	return c.Weights[i]
}

// Weights are the weights of OSI, TII and HCI in the EGDI.
type Weights struct {
	OSI float64 `json:"osi"`
	TII float64 `json:"tii"`
	HCI float64 `json:"hci"`
}

// Param is one named methodological parameter, with how well it is known.
type Param struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
}

// Method holds everything that differs between editions.
type Method struct {
	Edition   int    `json:"edition"`
	Title     string `json:"title"`
	IndexName string `json:"index_name"`

	Weights Weights   `json:"weights"`
	TII     Composite `json:"tii"`
	HCI     Composite `json:"hci"`
	// OSI and EPI are min–max rescaled questionnaire points:
	// (points − min)/(max − min).

	EGDIPrecision Precision `json:"egdi_precision"`
	OSIPrecision  Precision `json:"osi_precision"`
	TIIPrecision  Precision `json:"tii_precision"`
	HCIPrecision  Precision `json:"hci_precision"`
	EPIPrecision  Precision `json:"epi_precision"`

	Ties     TieRule  `json:"ties"`
	ZeroRule ZeroRule `json:"zero_rule"`
	// Cutoffs are the lower bounds of the middle, high and very high
	// groups; a value equal to a cut-off belongs to the upper group.
	Cutoffs [3]float64 `json:"cutoffs"`
	// RatingClasses is true from 2020: each group is split into four
	// classes by count.
	RatingClasses bool `json:"rating_classes"`
	// DataYear is the year of the raw data the edition used (survey − 2),
	// 0 where not known.
	DataYear int `json:"data_year,omitempty"`
	// TieBreaks records, for the ordinal rule, the published order of
	// countries whose EGDI is equal even when recomputed from the published
	// components: the UN's unrounded values are not published, so the
	// order is data (2020: Peru before North Macedonia, Rep. of Moldova
	// before Andorra, Tajikistan before Timor-Leste; Croatia before Hungary
	// follows from the components).
	TieBreaks [][2]ISO3 `json:"tie_breaks,omitempty"`
	// Params lists the parameters that are guessed or disputed, by name;
	// for an edition that is not built in, every inherited parameter.
	Params []Param `json:"params"`
	// MethodFrom is the built-in edition whose method an edition that is
	// not built in inherits (0 for a built-in edition).
	MethodFrom int `json:"method_from,omitempty"`
}

// Precision returns the published precision of an index (OSI, TII, HCI,
// EPI); for any other indicator it returns the EGDI precision.
func (m *Method) Precision(i Indicator) Precision {
	switch i {
	case OSI, OSIPoints:
		return m.OSIPrecision
	case TII:
		return m.TIIPrecision
	case HCI:
		return m.HCIPrecision
	case EPI, EPIPoints:
		return m.EPIPrecision
	}
	return m.EGDIPrecision
}

// MethodFor returns the method of an edition: the built-in method of a
// built-in edition, the [AssumedMethod] of a later one (whether its data
// are in a dataset is the dataset's business, see [Dataset.Edition]).
func MethodFor(edition int) (*Method, error) {
	for i := range methods {
		if methods[i].Edition == edition {
			m := methods[i] // a copy: callers may not change the table
			return &m, nil
		}
	}
	if IsLaterEdition(edition) {
		return AssumedMethod(edition), nil
	}
	return nil, Errorf(ENOTFOUND, "Unknown edition %d: the Survey was published in %s (a later edition, an even year, joins them when its UN Data Center file is imported).", edition, editionList())
}

// MethodsFor returns the method of each edition year, oldest first,
// leaving out years that are not editions.
func MethodsFor(years []int) []Method {
	ys := slices.Sorted(slices.Values(years))
	out := make([]Method, 0, len(ys))
	for _, y := range slices.Compact(ys) {
		if m, err := MethodFor(y); err == nil {
			out = append(out, *m)
		}
	}
	return out
}

// AssumedMethod returns the method of an edition that is not built in:
// the method of the latest built-in edition, with the edition's own data
// year (two years before it), no title (the file has none) and every
// inherited parameter listed with the status "assumed from 2024". Two
// facts of the 2024 publication itself are not inherited: its tie breaks
// (none in 2024) and the gap between its EGDI and its published
// components (Q6), which `egdi edition check` tests afresh.
func AssumedMethod(edition int) *Method {
	base := methods[len(methods)-1]
	m := base
	m.Edition, m.MethodFrom, m.Title = edition, base.Edition, ""
	m.DataYear = edition - 2
	m.TieBreaks = nil
	st := AssumedFrom(base.Edition)
	m.TII.Status, m.HCI.Status = st, st
	m.Params = assumedParams(&base, &m, st)
	return &m
}

// assumedParams lists every parameter m inherits from base, with the
// status st and, as the note, how well it was known in base.
func assumedParams(base, m *Method, st string) []Param {
	from := strconv.Itoa(base.Edition)
	was := func(status, note string) string {
		s := from + ": " + status
		if note != "" {
			s += "; " + note
		}
		return s
	}
	ws := fmt.Sprintf("OSI %s, TII %s, HCI %s", fracString(m.Weights.OSI), fracString(m.Weights.TII), fracString(m.Weights.HCI))
	cut := fmt.Sprintf("middle %g, high %g, very high %g", m.Cutoffs[0], m.Cutoffs[1], m.Cutoffs[2])
	ps := []Param{
		{Name: "egdi_weights", Value: ws, Status: st, Note: was(Established, "")},
		{Name: "tii_method", Value: strings.Join(base.TII.Indicators, ", ") + "; cap " + strconv.FormatFloat(base.TII.Cap, 'f', -1, 64) +
			"; " + string(base.TII.Standardisation) + ", then min–max", Status: st, Note: was(base.TII.Status, base.TII.Note)},
		{Name: "hci_method", Value: strings.Join(base.HCI.Indicators, ", ") + "; " + string(base.HCI.Standardisation) + ", then min–max",
			Status: st, Note: was(base.HCI.Status, base.HCI.Note)},
		{Name: "precision", Value: fmt.Sprintf("EGDI %d dp, OSI %d, TII %d, HCI %d, EPI %d, %s", m.EGDIPrecision.Digits, m.OSIPrecision.Digits,
			m.TIIPrecision.Digits, m.HCIPrecision.Digits, m.EPIPrecision.Digits, m.EGDIPrecision.Mode), Status: st, Note: was(Derived, "")},
		{Name: "ties", Value: string(m.Ties), Status: st, Note: was(Derived, "")},
		{Name: "zero_rule", Value: string(m.ZeroRule), Status: st, Note: was(Derived, "")},
		{Name: "cutoffs", Value: cut, Status: st, Note: was(Established, "")},
	}
	for _, p := range base.Params {
		switch p.Name {
		case "egdi_2024_components", "tie_breaks", "tii_method", "hci_method", "rounding":
			continue // facts of the base publication, or listed above
		case "gap_filling":
			p.Value = "raw data of year " + strconv.Itoa(m.DataYear) + "; a missing value is filled by the latest of the " +
				strconv.Itoa(GapYears) + " years before"
		}
		p.Note = was(p.Status, p.Note)
		p.Status = st
		ps = append(ps, p)
	}
	return ps
}

// fracString writes a weight: 1/3 as a fraction, others as decimals.
func fracString(w float64) string {
	if math.Abs(w-1.0/3) < 1e-12 {
		return "1/3"
	}
	return strconv.FormatFloat(w, 'f', -1, 64)
}

// Methods returns the methods of every published edition, oldest first.
func Methods() []Method {
	out := make([]Method, len(methods))
	copy(out, methods)
	return out
}

func editionList() string {
	s := ""
	for i, y := range Editions {
		if i > 0 {
			s += ", "
		}
		s += strconv.Itoa(y)
	}
	return s
}

// Indicator lists of the TII in words, per period (METHODOLOGY §4.1).
var (
	tii2003 = []string{"Internet users", "online population", "PCs", "mobile-cellular subscriptions", "fixed telephone lines", "TVs"}
	tii2008 = []string{"Internet users", "PCs", "fixed telephone lines", "mobile-cellular subscriptions", "fixed broadband"}
	tii2012 = []string{"Internet users", "fixed telephone", "mobile-cellular", "fixed Internet subscriptions", "fixed broadband"}
	tii2014 = []string{"Internet users", "fixed telephone", "mobile-cellular", "fixed broadband", "wireless broadband"}
	tii2018 = []string{"Internet users", "fixed telephone", "mobile-cellular", "fixed broadband", "active mobile broadband"}
	tii2020 = []string{"Internet users", "mobile-cellular", "active mobile broadband", "fixed broadband"}
	tii2024 = []string{"Internet users", "mobile-cellular", "active mobile broadband", "affordability (mobile and fixed-broadband price baskets)"}

	hci2003 = []string{"adult literacy (2/3)", "combined gross enrolment (1/3)"}
	hci2014 = []string{"adult literacy (1/3)", "gross enrolment (2/9)", "expected years of schooling (2/9)", "mean years of schooling (2/9)"}
	hci2024 = []string{"adult literacy", "gross enrolment", "expected years of schooling", "mean years of schooling", "e-government literacy"}
)

func precisions(m *Method, egdi, osi, tii, hci, epi int, mode RoundMode) {
	m.EGDIPrecision = Precision{egdi, mode}
	m.OSIPrecision = Precision{osi, mode}
	m.TIIPrecision = Precision{tii, mode}
	m.HCIPrecision = Precision{hci, mode}
	m.EPIPrecision = Precision{epi, mode}
}

// methods is the methodology of every edition, as data. Sources: UN
// E-Government Survey annexes; facts tagged in METHODOLOGY.md §3.
var methods = buildMethods()

func buildMethods() []Method {
	equal := Weights{OSI: 1.0 / 3, TII: 1.0 / 3, HCI: 1.0 / 3}
	cut := [3]float64{0.25, 0.50, 0.75}
	ms := make([]Method, 0, len(Editions))
	for _, y := range Editions {
		m := Method{Edition: y, IndexName: "E-Government Development Index", Weights: equal,
			Ties: Competition, ZeroRule: NoZeroRule, Cutoffs: cut}
		if y >= 2012 {
			m.DataYear = y - 2
		}
		switch {
		case y <= 2005:
			m.IndexName = "E-Government Readiness Index"
			m.ZeroRule = ZeroIfOSI
			precisions(&m, 5, 5, 5, 3, 5, Truncate)
			m.HCIPrecision.Mode = AsGiven
			if y == 2003 {
				m.EPIPrecision.Digits = 4
			}
			m.TII = Composite{Indicators: tii2003, Standardisation: Goalpost, Status: Derived,
				Note: "per-indicator normalisation of PCs, TVs and online population not published (Q2); give tii"}
			m.HCI = Composite{Indicators: hci2003, Inputs: []Indicator{AdultLiteracy, GrossEnrolment},
				Weights: []float64{2.0 / 3, 1.0 / 3}, Cap: 100, Standardisation: Goalpost, Status: BestGuess,
				Note: "UNDP education index (2/3·literacy + 1/3·GER, /100); the edition printed UNDP's 2–3 dp values"}
		case y <= 2010:
			m.Weights = Weights{OSI: 0.34, TII: 0.33, HCI: 0.33}
			m.ZeroRule = ZeroIfHCI
			if y == 2008 {
				precisions(&m, 4, 5, 5, 5, 5, Truncate)
				m.EGDIPrecision.Mode = Round
			} else {
				precisions(&m, 5, 5, 5, 5, 5, Truncate)
			}
			m.TII = Composite{Indicators: tii2008, Standardisation: Goalpost, Status: Derived,
				Note: "per-indicator normalisation not published and PCs no longer collected (Q2); give tii"}
			m.HCI = Composite{Indicators: hci2003, Inputs: []Indicator{AdultLiteracy, GrossEnrolment},
				Weights: []float64{2.0 / 3, 1.0 / 3}, Cap: 100, Standardisation: Goalpost, Status: Established,
				Note: "2/3·literacy/100 + 1/3·min(GER,100)/100, not rescaled"}
		case y == 2012:
			m.ZeroRule = ZeroIfOSI
			precisions(&m, 5, 5, 5, 5, 4, Truncate)
			m.TII = Composite{Indicators: tii2012, Standardisation: ZScore, Rescale: true, Status: Derived,
				Note: "fixed Internet subscriptions are no longer published by the ITU; give tii"}
			m.HCI = Composite{Indicators: hci2003, Inputs: []Indicator{AdultLiteracy, GrossEnrolment},
				Weights: []float64{2.0 / 3, 1.0 / 3}, Standardisation: ZScore, Rescale: true, Status: BestGuess,
				Note: "weights 2/3 and 1/3 on z-scores, then min–max"}
		default:
			mode := Round
			if y == 2014 {
				mode = Truncate
			}
			switch y {
			case 2014:
				precisions(&m, 5, 5, 5, 4, 5, mode)
			case 2016:
				precisions(&m, 5, 5, 5, 5, 5, mode)
			case 2018, 2020, 2022:
				precisions(&m, 4, 4, 4, 4, 4, mode)
			case 2024:
				precisions(&m, 5, 5, 5, 5, 4, mode)
			}
			m.HCI = Composite{Indicators: hci2014,
				Inputs:          []Indicator{AdultLiteracy, GrossEnrolment, ExpectedSchooling, MeanSchooling},
				Weights:         []float64{1.0 / 3, 2.0 / 9, 2.0 / 9, 2.0 / 9},
				Standardisation: ZScore, Rescale: true, Status: BestGuess,
				Note: "weights 1/3, 2/9, 2/9, 2/9 on z-scores, then min–max; no caps (Q3)"}
			tii := Composite{Standardisation: ZScore, Rescale: true, Status: Established}
			switch {
			case y <= 2016:
				tii.Indicators = tii2014
				tii.Inputs = []Indicator{InternetUsers, FixedTelephone, MobileSubscriptions, FixedBroadband, WirelessBroadband}
				tii.Status = Derived
			case y == 2018:
				tii.Indicators = tii2018
				tii.Inputs = []Indicator{InternetUsers, FixedTelephone, MobileSubscriptions, FixedBroadband, ActiveMobileBroadband}
			default:
				tii.Indicators = tii2020
				tii.Inputs = []Indicator{InternetUsers, MobileSubscriptions, ActiveMobileBroadband, FixedBroadband}
				tii.Cap = 120
			}
			if y == 2024 {
				tii.Indicators = tii2024
				tii.Status = BestGuess
				tii.Note = "affordability baskets not modelled (Q7): the 2022 rule is used"
				m.HCI.Indicators = hci2024
				m.HCI.Note = "e-government literacy not modelled (Q7): the 2014–2022 rule is used"
			}
			m.TII = tii
		}
		if y >= 2020 {
			m.RatingClasses = true
		}
		if y == 2020 {
			m.Ties = Ordinal
			m.TieBreaks = [][2]ISO3{{"PER", "MKD"}, {"MDA", "AND"}, {"TJK", "TLS"}}
		}
		m.Title = titles[y]
		m.Params = params(&m)
		ms = append(ms, m)
	}
	return ms
}

var titles = map[int]string{
	2003: "E-Government at the Crossroads",
	2004: "Towards Access for Opportunity",
	2005: "From E-Government to E-Inclusion",
	2008: "From E-Government to Connected Governance",
	2010: "Leveraging E-Government at a Time of Financial and Economic Crisis",
	2012: "E-Government for the People",
	2014: "E-Government for the Future We Want",
	2016: "E-Government in Support of Sustainable Development",
	2018: "Gearing E-Government to Support Transformation towards Sustainable and Resilient Societies",
	2020: "Digital Government in the Decade of Action for Sustainable Development",
	2022: "The Future of Digital Government",
	2024: "Accelerating Digital Transformation for Sustainable Development",
}

// params lists the named parameters whose value is a guess or disputed, so
// that `egdi editions` can show them as such.
func params(m *Method) []Param {
	ps := []Param{{
		Name: "group_boundary", Value: "a value equal to a cut-off is in the upper group", Status: BestGuess,
		Note: "no country has sat exactly on 0.25/0.50/0.75 (Q4)"}}
	if m.RatingClasses {
		ps = append(ps, Param{Name: "rating_class_quartiles",
			Value: "class boundaries at floor(k·n/4), k = 1, 2, 3, by rank inside the group", Status: BestGuess,
			Note: "reproduces the published top classes of 2020 (14) and 2022 (15) (Q5)"})
	}
	if m.Edition == 2008 || m.Edition == 2010 {
		ps = append(ps, Param{Name: "egdi_weights", Value: "OSI 0.34, HCI 0.33, TII 0.33", Status: Derived,
			Note: "fitted on every published value; one blog says equal weights (S27)"})
	}
	if m.HCI.Status == BestGuess {
		ps = append(ps, Param{Name: "hci_method", Value: m.HCI.Note, Status: BestGuess})
	}
	if m.TII.Status == BestGuess {
		ps = append(ps, Param{Name: "tii_method", Value: m.TII.Note, Status: BestGuess})
	}
	if m.DataYear > 0 {
		ps = append(ps, Param{Name: "gap_filling", Value: "raw data of year " + strconv.Itoa(m.DataYear) +
			"; a missing value is filled by the latest of the " + strconv.Itoa(GapYears) + " years before", Status: BestGuess,
			Note: "the UN fills gaps from the World Bank, then older ITU values (S5, Q10)"})
	}
	if len(m.TieBreaks) > 0 {
		ps = append(ps, Param{Name: "tie_breaks", Value: "Peru > North Macedonia, Rep. of Moldova > Andorra, Tajikistan > Timor-Leste",
			Status: Derived, Note: "equal published EGDI and equal mean of published components: order taken from the published ranks"})
	}
	if m.Edition == 2024 {
		ps = append(ps, Param{Name: "egdi_2024_components", Value: "EGDI differs from the mean of the published components by up to 3.7e-5",
			Status: Derived, Note: "the EGDI used unpublished component values (Q6)"})
	}
	if m.EGDIPrecision.Mode == Truncate {
		ps = append(ps, Param{Name: "rounding", Value: "truncated to " + strconv.Itoa(m.EGDIPrecision.Digits) + " dp",
			Status: Derived, Note: "published values sit just below exact k/R fractions"})
	}
	return ps
}

// String returns a one-line description, for logs.
func (m *Method) String() string {
	return fmt.Sprintf("EGDI %d (weights %.2f/%.2f/%.2f, ties %s)", m.Edition, m.Weights.OSI, m.Weights.TII, m.Weights.HCI, m.Ties)
}
