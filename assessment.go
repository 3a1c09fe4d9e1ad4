package egdi

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// An Assessment is one filling-in of a questionnaire for a country (or a
// city, for LOSI): its answers, each with evidence, author, time and
// version. Answers carry an author and a version so that several
// assessors and a reviewer can work on one assessment later (a next
// version of egdi); today the store's owner is the one author.
type Assessment struct {
	Name          string    `json:"name"`
	Questionnaire string    `json:"questionnaire"`
	Country       ISO3      `json:"country"`
	City          string    `json:"city,omitempty"`
	Answers       []Answer  `json:"answers"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Answer is the answer to one item.
type Answer struct {
	Item     string        `json:"item"`
	Value    string        `json:"value"`
	Evidence string        `json:"evidence,omitempty"` // an http or https URL
	Note     string        `json:"note,omitempty"`
	File     *EvidenceFile `json:"file,omitempty"`
	Author   string        `json:"author,omitempty"`
	At       time.Time     `json:"at"`
	// Version counts the times the item was answered: 1 for the first
	// answer, +1 on each change. Stores set it.
	Version int `json:"version"`
}

// EvidenceFile is a file kept as evidence of an answer (a screenshot, a
// saved page). Data is the content: set when saving, returned only by
// [AssessmentStore.EvidenceFile].
type EvidenceFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Data   []byte `json:"-"`
}

// MaxEvidenceFile is the largest evidence file a store keeps: 5 MiB, enough
// for a full-page screenshot, small enough that a database stays small.
const MaxEvidenceFile = 5 << 20

// Limits on the text of an answer.
const (
	maxNote     = 4000
	maxURL      = 2000
	maxFileName = 200
)

var assessmentName = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,63}$`)

// CheckAssessmentName returns EINVALID unless name is 1–64 letters, digits,
// '_', '.' or '-', starting with a letter or digit.
func CheckAssessmentName(name string) error {
	if !assessmentName.MatchString(name) {
		return Errorf(EINVALID, "Assessment name %q: use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit.", name)
	}
	return nil
}

// CheckEvidenceURL returns EINVALID unless s is empty or an absolute http
// or https URL: the scheme, then a host of letters, digits, '.', '-', ':'
// (a port) or brackets (IPv6), no user name, no white space or control
// characters, at most 2000 bytes. (Parsed by hand: the domain imports no
// net package.)
func CheckEvidenceURL(s string) error {
	if s == "" {
		return nil
	}
	bad := Errorf(EINVALID, "evidence %q is not an http(s) URL", s)
	if len(s) > maxURL || !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return bad
	}
	lower := strings.ToLower(s)
	rest, ok := strings.CutPrefix(lower, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(lower, "http://"); !ok {
			return bad
		}
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if host == "" || strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]") != "" || host[0] == ':' || host[0] == '.' {
		return bad
	}
	return nil
}

// CheckAnswer checks an answer's own fields, without a questionnaire: an
// item code, a value, an http(s) evidence URL, a note of at most 4000
// characters and a file within [MaxEvidenceFile]. Errors are EINVALID and
// name the item. Stores call it before any write.
func CheckAnswer(a *Answer) error {
	bad := func(format string, args ...any) error {
		return Errorf(EINVALID, "Item %s: "+format+".", append([]any{a.Item}, args...)...)
	}
	if a.Item == "" || len(a.Item) > 20 {
		return Errorf(EINVALID, "An answer has no item code (or one longer than 20 characters).")
	}
	if a.Value == "" {
		return bad("no answer")
	}
	if err := CheckEvidenceURL(a.Evidence); err != nil {
		return bad("%s", err.(*Error).Message)
	}
	if utf8.RuneCountInString(a.Note) > maxNote || !utf8.ValidString(a.Note) {
		return bad("the note is longer than %d characters or not UTF-8", maxNote)
	}
	if f := a.File; f != nil {
		if f.Name == "" || len(f.Name) > maxFileName || strings.ContainsAny(f.Name, "/\\\x00") {
			return bad("the evidence file needs a plain file name (no path), at most %d bytes", maxFileName)
		}
		if f.Size > MaxEvidenceFile || int64(len(f.Data)) > MaxEvidenceFile {
			return bad("the evidence file %s is %d bytes, over the limit of %d bytes (5 MiB)", f.Name, max(f.Size, int64(len(f.Data))), MaxEvidenceFile)
		}
	}
	return nil
}

// CheckAnswer checks an answer against the questionnaire: a known item and
// an allowed value, besides the checks of the package-level [CheckAnswer].
// It canonicalises the item code's case and the value's case and spaces.
func (q *Questionnaire) CheckAnswer(a *Answer) error {
	if err := CheckAnswer(a); err != nil {
		return err
	}
	it, _ := q.Item(a.Item)
	if it == nil {
		return Errorf(EINVALID, "Item %s is not in questionnaire %s.", a.Item, q.ID)
	}
	a.Item = it.Code
	v := strings.ToLower(strings.TrimSpace(a.Value))
	if _, ok := it.Points(v); !ok {
		return Errorf(EINVALID, "Item %s: answer %q is not allowed (allowed: %s).", it.Code, a.Value, strings.Join(it.Values(), ", "))
	}
	a.Value = v
	return nil
}

// Check checks an assessment against its questionnaire: name, country,
// a city only (and always) for LOSI, every answer (see
// [Questionnaire.CheckAnswer]) and at most one answer an item.
func (q *Questionnaire) Check(a *Assessment) error {
	if err := CheckAssessmentName(a.Name); err != nil {
		return err
	}
	if a.Questionnaire != q.ID {
		return Errorf(EINVALID, "Assessment %s is of questionnaire %q, not %s.", a.Name, a.Questionnaire, q.ID)
	}
	if len(a.Country) != 3 || strings.ToUpper(string(a.Country)) != string(a.Country) {
		return Errorf(EINVALID, "Assessment %s: country %q is not an ISO3 code.", a.Name, a.Country)
	}
	if q.Index == IndexLOSI && a.City == "" {
		return Errorf(EINVALID, "Assessment %s: questionnaire %s assesses a city: give --city NAME.", a.Name, q.ID)
	}
	if q.Index != IndexLOSI && a.City != "" {
		return Errorf(EINVALID, "Assessment %s: questionnaire %s assesses a country, not a city.", a.Name, q.ID)
	}
	seen := map[string]bool{}
	for k := range a.Answers {
		if err := q.CheckAnswer(&a.Answers[k]); err != nil {
			return err
		}
		if seen[a.Answers[k].Item] {
			return Errorf(EINVALID, "Item %s is answered twice.", a.Answers[k].Item)
		}
		seen[a.Answers[k].Item] = true
	}
	return nil
}

// Answer returns the answer to an item, or nil.
func (a *Assessment) Answer(item string) *Answer {
	for k := range a.Answers {
		if strings.EqualFold(a.Answers[k].Item, item) {
			return &a.Answers[k]
		}
	}
	return nil
}

// Values returns the answers as a map from item code to value.
func (a *Assessment) Values() map[string]string {
	m := make(map[string]string, len(a.Answers))
	for _, x := range a.Answers {
		m[x.Item] = x.Value
	}
	return m
}
