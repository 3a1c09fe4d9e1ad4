package egdi

import (
	"math"
	"regexp"
	"slices"
	"strings"
)

// A Questionnaire is a portal questionnaire as data: the UN's list of
// features for one index (OSI, EPI, LOSI or the e-government literacy part
// of the HCI) in one edition, grouped in modules (the OSI subindices, the
// EPI levels, the LOSI criteria), each item a yes/no or graded question
// with a weight and a default effort. The files live in
// internal/questionnaire/data (one JSON file a questionnaire, format in
// /work/briefs/questionnaire-format.md); the items are written in our own
// words, the structure and codes come from OSI-QUESTIONNAIRE.md.
//
// What the UN has not published (subindex weights, item points, which items
// count for the EPI levels) is a named best guess in BestGuesses and shown
// wherever a score is shown.
type Questionnaire struct {
	ID          string   `json:"id"`
	Edition     int      `json:"edition"`
	Index       string   `json:"index"` // osi | epi | egl | losi
	Title       Text     `json:"title"`
	Source      string   `json:"source"`
	Status      string   `json:"status"` // established | derived | inferred
	BestGuesses []Guess  `json:"best_guesses"`
	Modules     []Module `json:"modules"`
}

// Text is a text in English and Arabic.
type Text struct {
	EN string `json:"en"`
	AR string `json:"ar"`
}

// In returns the text in the language ("ar" or anything else for English).
func (t Text) In(lang string) string {
	if lang == "ar" && t.AR != "" {
		return t.AR
	}
	return t.EN
}

// Guess is a named unknown of a questionnaire and what is assumed.
type Guess struct {
	Name string `json:"name"`
	EN   string `json:"en"`
	AR   string `json:"ar"`
}

// Module is a part of a questionnaire (an OSI subindex, an EPI level, a
// LOSI criterion). Its share is the points of its items over the points
// available; Weight is the weight of that share in the questionnaire's
// total (the weights of a questionnaire sum to 1).
type Module struct {
	Code         string  `json:"code"`
	Name         Text    `json:"name"`
	Weight       float64 `json:"weight"`
	WeightStatus string  `json:"weight_status"` // established | derived | best_guess
	Items        []Item  `json:"items"`
}

// Item is one feature assessed.
type Item struct {
	Code     string   `json:"code"`    // MODULE-<UN code>, e.g. SP-095a; unique in the questionnaire
	UNCode   string   `json:"un_code"` // the UN toolkit's code ("#095"), "" when none
	Text     Text     `json:"text"`
	Evidence Text     `json:"evidence"` // what counts as evidence
	Answers  []Choice `json:"answers"`
	Effort   float64  `json:"effort"` // default effort to implement, 1 (small) … 5 (very large); a best guess
	Level    string   `json:"level"`  // EPI items: e-information | e-consultation | e-decision-making; "" otherwise
}

// Choice is one allowed answer to an item and its points in [0,1].
type Choice struct {
	Value  string  `json:"value"`
	Points float64 `json:"points"`
}

// Points returns the points of an answer value and whether it is allowed.
func (it *Item) Points(value string) (float64, bool) {
	for _, c := range it.Answers {
		if c.Value == value {
			return c.Points, true
		}
	}
	return 0, false
}

// Met returns the answer with the most points (the first of them): the
// answer a plan moves an item to.
func (it *Item) Met() string {
	best := 0
	for k, c := range it.Answers {
		if c.Points > it.Answers[best].Points {
			best = k
		}
	}
	return it.Answers[best].Value
}

// Unmet returns the answer with zero points: what an unanswered item counts as.
func (it *Item) Unmet() string {
	for _, c := range it.Answers {
		if c.Points == 0 {
			return c.Value
		}
	}
	return ""
}

// Values returns the allowed answer values in order.
func (it *Item) Values() []string {
	vs := make([]string, len(it.Answers))
	for k, c := range it.Answers {
		vs[k] = c.Value
	}
	return vs
}

// Item returns the item with the given code (case-insensitive) and the
// index of its module, or nil.
func (q *Questionnaire) Item(code string) (*Item, int) {
	for m := range q.Modules {
		for k := range q.Modules[m].Items {
			if strings.EqualFold(q.Modules[m].Items[k].Code, code) {
				return &q.Modules[m].Items[k], m
			}
		}
	}
	return nil, -1
}

// NumItems returns the number of items.
func (q *Questionnaire) NumItems() int {
	n := 0
	for _, m := range q.Modules {
		n += len(m.Items)
	}
	return n
}

// Questionnaire indices (what a questionnaire's score estimates).
const (
	IndexOSI  = "osi"
	IndexEPI  = "epi"
	IndexEGL  = "egl"
	IndexLOSI = "losi"
)

var (
	questionnaireID = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	moduleCode      = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,9}$`)
	itemCode        = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,9}-[0-9A-Za-z]{1,8}$`)
	answerValue     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// EPI levels of an item.
var epiLevels = []string{"", "e-information", "e-consultation", "e-decision-making"}

// Validate checks a questionnaire: an id, a known index, unique module and
// item codes, module weights ≥ 0 that sum to 1 (within 1e-6), at least one
// item a module, English and Arabic text for every title, module, item and
// evidence rule, allowed answers with distinct values and points in [0,1]
// (exactly one answer worth 0, at least one worth 1), efforts in [1,5]
// and a known EPI level. Errors are EINVALID and name the item.
func (q *Questionnaire) Validate() error {
	bad := func(format string, args ...any) error {
		return Errorf(EINVALID, "Questionnaire %s: "+format, append([]any{q.ID}, args...)...)
	}
	if !questionnaireID.MatchString(q.ID) {
		return Errorf(EINVALID, "Questionnaire id %q is not a lower-case name such as osi-2024.", q.ID)
	}
	if q.Edition < 2001 || q.Edition > 2100 {
		return bad("edition %d is not a survey year.", q.Edition)
	}
	switch q.Index {
	case IndexOSI, IndexEPI, IndexEGL, IndexLOSI:
	default:
		return bad("unknown index %q: osi, epi, egl or losi.", q.Index)
	}
	if q.Title.EN == "" || q.Title.AR == "" {
		return bad("the title needs English and Arabic.")
	}
	for _, g := range q.BestGuesses {
		if g.Name == "" || g.EN == "" || g.AR == "" {
			return bad("best guess %q needs a name, English and Arabic.", g.Name)
		}
	}
	if len(q.Modules) == 0 {
		return bad("no modules.")
	}
	mods := map[string]bool{}
	items := map[string]bool{}
	sum := 0.0
	for _, m := range q.Modules {
		if !moduleCode.MatchString(m.Code) {
			return bad("module code %q is not upper-case letters and digits.", m.Code)
		}
		if mods[m.Code] {
			return bad("module %s appears twice.", m.Code)
		}
		mods[m.Code] = true
		if m.Name.EN == "" || m.Name.AR == "" {
			return bad("module %s needs an English and an Arabic name.", m.Code)
		}
		if math.IsNaN(m.Weight) || m.Weight < 0 || m.Weight > 1 {
			return bad("module %s: weight %g is not in [0,1].", m.Code, m.Weight)
		}
		sum += m.Weight
		if len(m.Items) == 0 {
			return bad("module %s has no items.", m.Code)
		}
		for _, it := range m.Items {
			if err := q.validateItem(&it); err != nil {
				return err
			}
			key := strings.ToUpper(it.Code)
			if items[key] {
				return bad("item %s appears twice.", it.Code)
			}
			items[key] = true
		}
	}
	if math.Abs(sum-1) > 1e-6 {
		return bad("module weights sum to %g, not 1.", sum)
	}
	return nil
}

func (q *Questionnaire) validateItem(it *Item) error {
	bad := func(format string, args ...any) error {
		return Errorf(EINVALID, "Questionnaire %s, item %s: "+format, append([]any{q.ID, it.Code}, args...)...)
	}
	if !itemCode.MatchString(it.Code) {
		return Errorf(EINVALID, "Questionnaire %s: item code %q is not MODULE-CODE (e.g. SP-095a).", q.ID, it.Code)
	}
	if it.Text.EN == "" || it.Text.AR == "" {
		return bad("the question needs English and Arabic.")
	}
	if it.Evidence.EN == "" || it.Evidence.AR == "" {
		return bad("the evidence rule needs English and Arabic.")
	}
	if len(it.Answers) < 2 {
		return bad("fewer than two answers.")
	}
	zeros, ones := 0, 0
	seen := map[string]bool{}
	for _, c := range it.Answers {
		if !answerValue.MatchString(c.Value) {
			return bad("answer %q is not a lower-case word (letters, digits, _).", c.Value)
		}
		if seen[c.Value] {
			return bad("answer %q appears twice.", c.Value)
		}
		seen[c.Value] = true
		if math.IsNaN(c.Points) || c.Points < 0 || c.Points > 1 {
			return bad("answer %q: points %g are not in [0,1].", c.Value, c.Points)
		}
		if c.Points == 0 {
			zeros++
		}
		if c.Points == 1 {
			ones++
		}
	}
	if zeros != 1 || ones < 1 {
		return bad("needs exactly one answer worth 0 points and at least one worth 1.")
	}
	if math.IsNaN(it.Effort) || it.Effort < 1 || it.Effort > 5 {
		return bad("effort %g is not in [1,5].", it.Effort)
	}
	if !slices.Contains(epiLevels, it.Level) {
		return bad("unknown level %q.", it.Level)
	}
	return nil
}
