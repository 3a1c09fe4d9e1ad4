package data

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The local mirror of the file format (questionnaire-format contract). The
// decoder rejects unknown fields, so a typo in a key fails here.
type (
	text struct {
		En string `json:"en"`
		Ar string `json:"ar"`
	}
	guess struct {
		Name string `json:"name"`
		En   string `json:"en"`
		Ar   string `json:"ar"`
	}
	answer struct {
		Value  string  `json:"value"`
		Points float64 `json:"points"`
	}
	item struct {
		Code     string   `json:"code"`
		UNCode   string   `json:"un_code"`
		Text     text     `json:"text"`
		Evidence text     `json:"evidence"`
		Answers  []answer `json:"answers"`
		Effort   int      `json:"effort"`
		Level    string   `json:"level"`
	}
	module struct {
		Code         string  `json:"code"`
		Name         text    `json:"name"`
		Weight       float64 `json:"weight"`
		WeightStatus string  `json:"weight_status"`
		Items        []item  `json:"items"`
	}
	questionnaire struct {
		ID          string   `json:"id"`
		Edition     int      `json:"edition"`
		Index       string   `json:"index"`
		Title       text     `json:"title"`
		Source      string   `json:"source"`
		Status      string   `json:"status"`
		BestGuesses []guess  `json:"best_guesses"`
		Modules     []module `json:"modules"`
	}
)

// want is what each file must hold. Counts are those of OSI-QUESTIONNAIRE.md:
// osi-2024 §3.1–§3.6 (IF 26, CP 8, SP 59, E-Participation 56, TEC 16),
// egl-2024 §3.7 (18), epi-2024 §4 (the 56 E-Participation items split by
// level 25/18/13), losi-2024 §5.1 (95), losi-2022 §5 (86).
type want struct {
	file    string
	edition int
	index   string
	modules []string // codes, in file order
	counts  []int    // items per module, same order
	prefix  string   // item code prefix when it is not the module code ("" = module code)
	guesses []string // best guesses that must be named
	byCount bool     // module weight = its share of the items (every item weighs the same)
	binary  bool     // every item is yes/no (LOSI: "1 if found, 0 if absent", OSI-QUESTIONNAIRE §5)
}

var wants = []want{
	{file: "osi-2024.json", edition: 2024, index: "osi",
		modules: []string{"IF", "CP", "SP", "EPART", "TEC"}, counts: []int{26, 8, 59, 56, 16},
		guesses: []string{"subindex_weights", "item_list"}},
	{file: "egl-2024.json", edition: 2024, index: "egl",
		modules: []string{"EGL"}, counts: []int{18},
		guesses: []string{"item_list", "scaling"}},
	{file: "epi-2024.json", edition: 2024, index: "epi",
		modules: []string{"EINF", "ECON", "EDEC"}, counts: []int{25, 18, 13}, prefix: "EPART",
		guesses: []string{"epi_levels", "module_weights"}, byCount: true},
	{file: "losi-2024.json", edition: 2024, index: "losi",
		modules: []string{"IF", "CP", "SP", "PE", "EGL", "TEC"}, counts: []int{6, 30, 22, 15, 10, 12},
		guesses: []string{"item_list", "module_weights"}, byCount: true, binary: true},
	{file: "losi-2022.json", edition: 2022, index: "losi",
		modules: []string{"IF", "CP", "SP", "PE", "TEC"}, counts: []int{8, 25, 18, 17, 18},
		guesses: []string{"item_list", "module_weights"}, byCount: true, binary: true},
}

// latinAllowed are the Latin tokens an Arabic string may carry: acronyms and
// standards with no usual Arabic form.
var latinAllowed = map[string]bool{
	"URL": true, "PDF": true, "HTTPS": true, "HTTP": true, "SMS": true, "CSS": true, "HTML": true,
	"W3C": true, "WCAG": true, "AA": true, "AI": true, "GIS": true, "ID": true, "FAQ": true,
	"VAT": true, "GST": true, "API": true, "CSV": true, "JSON": true, "XML": true, "IoT": true,
	"XLSX": true, "Wi": true, "Fi": true, "CIO": true, "SDG": true, "UN": true, "Word": true, "Excel": true,
}

var (
	latinWord  = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*`)
	itemRef    = regexp.MustCompile(`\b[A-Z]{2,5}-[0-9]{2,3}[a-z]?\b`) // an item code cited in a text, e.g. CP-028
	unCodeForm = regexp.MustCompile(`^#[0-9]{2,3}[a-z]?$`)
	valueForm  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	moduleForm = regexp.MustCompile(`^[A-Z]{2,5}$`)
)

var levels = map[string]string{"EINF": "e-information", "ECON": "e-consultation", "EDEC": "e-decision-making"}

func load(t *testing.T, name string) questionnaire {
	t.Helper()
	b, err := fs.ReadFile(FS, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var q questionnaire
	if err := dec.Decode(&q); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if dec.More() {
		t.Fatalf("%s: data after the JSON object", name)
	}
	return q
}

// checkArabic reports what is wrong with an Arabic string: no Arabic letters,
// Latin words outside the allow-list, Latin punctuation, Eastern digits.
func checkArabic(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x0621 && r <= 0x064A }) {
		return "no Arabic letters"
	}
	for _, w := range latinWord.FindAllString(itemRef.ReplaceAllString(s, ""), -1) {
		if !latinAllowed[w] {
			return "Latin word " + w
		}
	}
	if i := strings.IndexAny(s, ",;?"); i >= 0 {
		return "Latin punctuation " + s[i:i+1] + " (use ، ؛ ؟)"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r >= 0x0660 && r <= 0x0669 }) {
		return "Arabic-Indic digits (use 0–9)"
	}
	return ""
}

func checkText(t *testing.T, where string, x text) {
	t.Helper()
	if strings.TrimSpace(x.En) == "" {
		t.Errorf("%s: empty en", where)
	}
	if strings.ContainsFunc(x.En, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
		t.Errorf("%s: en contains Arabic: %q", where, x.En)
	}
	if msg := checkArabic(x.Ar); msg != "" {
		t.Errorf("%s: ar: %s: %q", where, msg, x.Ar)
	}
}

func TestQuestionnaires(t *testing.T) {
	for _, w := range wants {
		t.Run(w.file, func(t *testing.T) {
			q := load(t, w.file)
			if q.ID != strings.TrimSuffix(w.file, ".json") || q.Edition != w.edition || q.Index != w.index {
				t.Errorf("id/edition/index = %q/%d/%q, want %q/%d/%q", q.ID, q.Edition, q.Index,
					strings.TrimSuffix(w.file, ".json"), w.edition, w.index)
			}
			checkText(t, "title", q.Title)
			if strings.TrimSpace(q.Source) == "" {
				t.Error("empty source")
			}
			if !slices.Contains([]string{"established", "derived", "inferred"}, q.Status) {
				t.Errorf("status %q", q.Status)
			}
			names := map[string]bool{}
			for _, g := range q.BestGuesses {
				if g.Name == "" || names[g.Name] {
					t.Errorf("best guess name %q empty or repeated", g.Name)
				}
				names[g.Name] = true
				checkText(t, "best guess "+g.Name, text{g.En, g.Ar})
			}
			for _, n := range w.guesses {
				if !names[n] {
					t.Errorf("best guess %q not named", n)
				}
			}

			var got []string
			var counts []int
			var sum float64
			codes := map[string]bool{}
			for _, m := range q.Modules {
				got = append(got, m.Code)
				counts = append(counts, len(m.Items))
				sum += m.Weight
				if !moduleForm.MatchString(m.Code) {
					t.Errorf("module code %q", m.Code)
				}
				checkText(t, "module "+m.Code, m.Name)
				if m.Weight <= 0 || m.Weight > 1 {
					t.Errorf("module %s: weight %v", m.Code, m.Weight)
				}
				if !slices.Contains([]string{"established", "derived", "best_guess"}, m.WeightStatus) {
					t.Errorf("module %s: weight_status %q", m.Code, m.WeightStatus)
				}
				prefix := m.Code + "-"
				if w.prefix != "" {
					prefix = w.prefix + "-"
				}
				for _, it := range m.Items {
					checkItem(t, q.Index, m.Code, prefix, it)
					if codes[it.Code] {
						t.Errorf("item %s repeated", it.Code)
					}
					codes[it.Code] = true
				}
			}
			if !slices.Equal(got, w.modules) || !slices.Equal(counts, w.counts) {
				t.Errorf("modules %v with %v items, want %v with %v", got, counts, w.modules, w.counts)
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("module weights sum to %v, want 1 (±1e-9)", sum)
			}
			total := 0
			for _, n := range counts {
				total += n
			}
			for _, m := range q.Modules {
				if w.byCount && math.Abs(m.Weight-float64(len(m.Items))/float64(total)) > 1e-12 {
					t.Errorf("module %s: weight %v, want its item share %d/%d", m.Code, m.Weight, len(m.Items), total)
				}
				for _, it := range m.Items {
					if w.binary && !slices.Equal(it.Answers, []answer{{"yes", 1}, {"no", 0}}) {
						t.Errorf("%s: answers %v, want yes=1, no=0", it.Code, it.Answers)
					}
				}
			}
		})
	}
}

func checkItem(t *testing.T, index, mod, prefix string, it item) {
	t.Helper()
	where := mod + "/" + it.Code
	if !strings.HasPrefix(it.Code, prefix) || len(it.Code) == len(prefix) {
		t.Errorf("%s: code does not start with %q", where, prefix)
	}
	if it.UNCode != "" {
		if !unCodeForm.MatchString(it.UNCode) {
			t.Errorf("%s: un_code %q", where, it.UNCode)
		}
		if it.Code != prefix+it.UNCode[1:] {
			t.Errorf("%s: code does not carry un_code %s", where, it.UNCode)
		}
	}
	checkText(t, where+" text", it.Text)
	checkText(t, where+" evidence", it.Evidence)
	if !strings.HasSuffix(it.Text.En, "?") || !strings.HasSuffix(it.Text.Ar, "؟") {
		t.Errorf("%s: text is not a question: %q / %q", where, it.Text.En, it.Text.Ar)
	}
	zeros, ones := 0, 0
	values := map[string]bool{}
	for _, a := range it.Answers {
		if !valueForm.MatchString(a.Value) || values[a.Value] {
			t.Errorf("%s: answer value %q malformed or repeated", where, a.Value)
		}
		values[a.Value] = true
		if a.Points < 0 || a.Points > 1 || math.IsNaN(a.Points) {
			t.Errorf("%s: answer %s: points %v outside [0,1]", where, a.Value, a.Points)
		}
		if a.Points == 0 {
			zeros++
		}
		if a.Points == 1 {
			ones++
		}
	}
	if len(it.Answers) < 2 || zeros != 1 || ones < 1 {
		t.Errorf("%s: answers %v: want ≥2, exactly one worth 0 and at least one worth 1", where, it.Answers)
	}
	if it.Effort < 1 || it.Effort > 5 {
		t.Errorf("%s: effort %d outside 1–5", where, it.Effort)
	}
	// EPI items carry their level: in epi-2024 the module says which; in
	// osi-2024 the E-Participation items carry the same level, so an OSI
	// assessment also gives the EPI breakdown. Other items have none.
	switch {
	case index == "epi" && it.Level != levels[mod]:
		t.Errorf("%s: level %q, want %q", where, it.Level, levels[mod])
	case index == "osi" && mod == "EPART" && !slices.Contains(slices.Collect(maps.Values(levels)), it.Level):
		t.Errorf("%s: level %q, want one of %v", where, it.Level, slices.Collect(maps.Values(levels)))
	case index != "epi" && mod != "EPART" && it.Level != "":
		t.Errorf("%s: level %q outside the e-participation items", where, it.Level)
	}
}

// TestEveryFileChecked: a questionnaire file added without a row in wants
// would escape every check above.
func TestEveryFileChecked(t *testing.T) {
	files, err := fs.Glob(FS, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, w := range wants {
		listed = append(listed, w.file)
	}
	slices.Sort(listed)
	if !slices.Equal(files, listed) {
		t.Errorf("embedded files %v, checked files %v", files, listed)
	}
}

// TestCanonicalForm: each file is exactly what re-encoding its content gives
// (keys in the contract's order, 2-space indent, no HTML escaping), so files
// stay readable and diffs stay small.
func TestCanonicalForm(t *testing.T) {
	for _, w := range wants {
		t.Run(w.file, func(t *testing.T) {
			b, err := fs.ReadFile(FS, w.file)
			if err != nil {
				t.Fatal(err)
			}
			q := load(t, w.file)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(q); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), b) {
				a, c := strings.Split(buf.String(), "\n"), strings.Split(string(b), "\n")
				for i := range min(len(a), len(c)) {
					if a[i] != c[i] {
						t.Fatalf("line %d: %q, canonical %q", i+1, c[i], a[i])
					}
				}
				t.Fatalf("length %d lines, canonical %d", len(c), len(a))
			}
		})
	}
}

// TestEPIMatchesOSI: epi-2024 holds exactly the E-Participation items of
// osi-2024 (same codes, wording, answers, effort and level), so one
// assessment's answers can be scored against both.
func TestEPIMatchesOSI(t *testing.T) {
	osi, epi := load(t, "osi-2024.json"), load(t, "epi-2024.json")
	want := map[string]item{}
	for _, m := range osi.Modules {
		if m.Code == "EPART" {
			for _, it := range m.Items {
				want[it.Code] = it
			}
		}
	}
	n := 0
	for _, m := range epi.Modules {
		for _, it := range m.Items {
			n++
			w, ok := want[it.Code]
			switch {
			case !ok:
				t.Errorf("%s: not an E-Participation item of osi-2024", it.Code)
			case it.UNCode != w.UNCode || it.Text != w.Text || it.Evidence != w.Evidence ||
				!slices.Equal(it.Answers, w.Answers) || it.Effort != w.Effort || it.Level != w.Level:
				t.Errorf("%s differs from osi-2024's item", it.Code)
			}
		}
	}
	if n != len(want) {
		t.Errorf("epi-2024 has %d items, osi-2024 EPART %d", n, len(want))
	}
}
