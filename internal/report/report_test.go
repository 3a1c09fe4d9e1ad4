package report_test

import (
	"bytes"
	"flag"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixedNow is the clock of every test: goldens must not change with the date.
func fixedNow() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }

func newRenderer(t testing.TB) *report.Renderer {
	t.Helper()
	// Fonts linked, not inlined, so that goldens stay readable; the
	// inline mode is tested on its own.
	r := report.New(report.Config{Now: fixedNow, DataVersion: "test-data", FontBase: "fonts/"})
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func dataset(t testing.TB) *egdi.Dataset {
	t.Helper()
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestGoldenHTML(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	for _, tc := range []struct {
		name string
		q    report.Request
	}{
		{"country_BHR_en", report.Request{Country: "BHR", Lang: "en"}},
		{"country_BHR_ar", report.Request{Country: "BHR", Lang: "ar"}},
		{"group_gcc_en", report.Request{Group: "gcc", Lang: "en"}},
		{"group_gcc_ar", report.Request{Group: "gcc", Lang: "ar"}},
		{"country_KEN_2020_en", report.Request{Country: "Kenya", Edition: 2020, Lang: "en"}},
		{"subregion_western_asia_ar", report.Request{Subregion: "Western Asia", Lang: "ar"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := r.HTML(&b, d, tc.q); err != nil {
				t.Fatal(err)
			}
			checkHTML(t, b.String(), tc.q.Lang)
			golden(t, filepath.Join("testdata", tc.name+".html"), b.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./internal/report -update and review the diff)", path)
	}
}

// checkHTML asserts what every report must be: in its language and
// direction, with no glossary key left untranslated, no NaN, no template
// error marker.
func checkHTML(t *testing.T, s, lang string) {
	t.Helper()
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	if !strings.Contains(s, `<html lang="`+lang+`" dir="`+dir+`">`) {
		t.Errorf("no <html lang=%q dir=%q>", lang, dir)
	}
	if m := regexp.MustCompile(`report\.[a-z_]+\.?[a-z_.]*`).FindString(stripStyle(s)); m != "" {
		t.Errorf("untranslated glossary key %q in the page", m)
	}
	if m := regexp.MustCompile(`\bNaN\b|[+-]Inf\b|ZgotmplZ|%!|<no value>`).FindString(s); m != "" {
		t.Errorf("%q in the page", m)
	}
}

func stripStyle(s string) string {
	return regexp.MustCompile(`(?s)<style>.*?</style>`).ReplaceAllString(s, "")
}

// TestEveryCountryHTML renders the report of each of the 193 Member States
// in both languages, and every group, region and sub-region report.
func TestEveryCountryHTML(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	if n := d.Countries.Len(); n != 193 {
		t.Fatalf("%d countries in the built-in data, want the 193 Member States", n)
	}
	var b bytes.Buffer
	for _, c := range d.Countries.All() {
		for _, lang := range []string{"en", "ar"} {
			b.Reset()
			if err := r.HTML(&b, d, report.Request{Country: string(c.ISO3), Lang: lang}); err != nil {
				t.Errorf("%s %s: %v", c.ISO3, lang, err)
				continue
			}
			s := b.String()
			checkHTML(t, s, lang)
			if name := template.HTMLEscapeString(c.Name(lang)); !strings.Contains(s, "<h1>"+name+"</h1>") {
				t.Errorf("%s %s: title is not the UN name %q", c.ISO3, lang, c.Name(lang))
			}
		}
	}
	var groups []report.Request
	for _, g := range egdi.GroupNames {
		groups = append(groups, report.Request{Group: g})
	}
	for _, reg := range d.Countries.Regions() {
		groups = append(groups, report.Request{Region: reg})
	}
	for _, sub := range d.Countries.Subregions() {
		groups = append(groups, report.Request{Subregion: sub})
	}
	for _, q := range groups {
		for _, lang := range []string{"en", "ar"} {
			q.Lang = lang
			b.Reset()
			if err := r.HTML(&b, d, q); err != nil {
				t.Errorf("%+v: %v", q, err)
				continue
			}
			checkHTML(t, b.String(), lang)
		}
	}
}

// TestEveryEdition renders a country report of each edition: the history,
// method notes and peers of old editions (zero-EGDI countries, no rating
// classes, 191 countries) must render too.
func TestEveryEdition(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	for _, y := range d.Years() {
		for _, q := range []report.Request{{Country: "BHR", Edition: y, Lang: "ar"}, {Country: "IRQ", Edition: y, Lang: "en"}, {Group: "ldc", Edition: y, Lang: "en"}} {
			var b bytes.Buffer
			if err := r.HTML(&b, d, q); err != nil {
				t.Errorf("%+v: %v", q, err)
				continue
			}
			checkHTML(t, b.String(), q.Lang)
		}
	}
}

func TestBadRequests(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	for _, tc := range []struct {
		name string
		q    report.Request
		code string
	}{
		{"ErrNoSubject", report.Request{Lang: "en"}, egdi.EINVALID},
		{"ErrTwoSubjects", report.Request{Country: "BHR", Group: "gcc", Lang: "en"}, egdi.EINVALID},
		{"ErrLang", report.Request{Country: "BHR", Lang: "fr"}, egdi.EINVALID},
		{"ErrCountry", report.Request{Country: "XXX", Lang: "en"}, egdi.ENOTFOUND},
		{"ErrEdition", report.Request{Country: "BHR", Edition: 2001, Lang: "en"}, egdi.ENOTFOUND},
		{"ErrNegativeEdition", report.Request{Country: "BHR", Edition: -1, Lang: "en"}, egdi.EINVALID},
		{"ErrNotAssessed", report.Request{Country: "SSD", Edition: 2010, Lang: "en"}, egdi.ENOTFOUND},
		{"ErrGroup", report.Request{Group: "g77", Lang: "en"}, egdi.EINVALID},
		{"ErrRegion", report.Request{Region: "Atlantis", Lang: "ar"}, egdi.EINVALID},
		{"ErrSubregion", report.Request{Subregion: "Nowhere", Lang: "ar"}, egdi.EINVALID},
		{"ErrNilDataset", report.Request{Country: "BHR", Lang: "en"}, egdi.EUNAVAILABLE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := d
			if tc.name == "ErrNilDataset" {
				ds = nil
			}
			var b bytes.Buffer
			err := r.HTML(&b, ds, tc.q)
			if got := egdi.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if b.Len() != 0 {
				t.Errorf("%d bytes written on error, want none", b.Len())
			}
		})
	}
}

// TestInlineFonts checks the default HTML: a saved file carries its fonts.
func TestInlineFonts(t *testing.T) {
	r := report.New(report.Config{Now: fixedNow})
	var b bytes.Buffer
	if err := r.HTML(&b, dataset(t), report.Request{Country: "BHR", Lang: "ar"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(b.String(), "src:url(data:font/woff2;base64,"); got != 4 {
		t.Errorf("%d inline fonts, want 4 (Arabic and Latin, regular and bold)", got)
	}
}

// TestNumerals pins the numeral policy: Western digits only, in both
// languages, and the generation date from the injected clock.
func TestNumerals(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	var b bytes.Buffer
	if err := r.HTML(&b, d, report.Request{Country: "SAU", Lang: "ar"}); err != nil {
		t.Fatal(err)
	}
	s := stripStyle(b.String())
	if i := strings.IndexFunc(s, func(r rune) bool { return r >= '٠' && r <= '٩' || r >= '۰' && r <= '۹' }); i >= 0 {
		t.Errorf("Arabic-Indic digit in an Arabic report: %q", s[max(0, i-40):i+10])
	}
	if !strings.Contains(s, `<span class="n">2026-11-26</span>`) {
		t.Errorf("generation date is not the injected clock's 2026-11-26")
	}
}

// TestPeerAndTarget checks the sections a request adds: the gap to a peer
// (--vs, egdi.ExplainGap) and the plan to a target rank (--target), and the
// errors on the user's own input.
func TestPeerAndTarget(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	for _, tc := range []struct {
		name string
		q    report.Request
		code string   // expected error code, "" for none
		want []string // substrings of the HTML
	}{
		{"VsTarget", report.Request{Country: "BHR", Vs: "ARE", Target: 10, Lang: "en"}, "",
			[]string{"The gap to United Arab Emirates", "Target plan: rank <span class=\"n\">10</span>", "Least effort (any index)"}},
		{"Turkiye", report.Request{Country: "TUR", Vs: "GRC", Lang: "en"}, "",
			[]string{"<h1>Türkiye</h1>", "Greece"}}, // the UN's name since 2022, shared with the dashboard (egdi.Country.Name)
		{"VsArabic", report.Request{Country: "BHR", Vs: "Saudi Arabia", Lang: "ar"}, "",
			[]string{"الفجوة مع المملكة العربية السعودية", "حصته من الفجوة"}},
		{"ErrVsSelf", report.Request{Country: "BHR", Vs: "BHR", Lang: "en"}, egdi.EINVALID, nil},
		{"ErrVsUnknown", report.Request{Country: "BHR", Vs: "XXX", Lang: "en"}, egdi.ENOTFOUND, nil},
		{"ErrTargetNotBetter", report.Request{Country: "BHR", Target: 19, Lang: "en"}, egdi.EINVALID, nil},
		{"ErrTargetRange", report.Request{Country: "BHR", Target: 400, Lang: "en"}, egdi.EINVALID, nil},
		{"ErrTargetNegative", report.Request{Country: "BHR", Target: -1, Lang: "en"}, egdi.EINVALID, nil},
		{"ErrGroupVs", report.Request{Group: "gcc", Vs: "ARE", Lang: "en"}, egdi.EINVALID, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := r.HTML(&b, d, tc.q)
			if got := egdi.ErrorCode(err); tc.code != "" || err != nil {
				if got != tc.code {
					t.Fatalf("code %q (%v), want %q", got, err, tc.code)
				}
				if b.Len() != 0 {
					t.Errorf("%d bytes written on error", b.Len())
				}
				return
			}
			s := b.String()
			checkHTML(t, s, tc.q.Lang)
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("no %q in the report", w)
				}
			}
		})
	}
}

// TestBriefHTML pins the brief of Bahrain against the UAE (golden) and
// checks that it carries both languages.
func TestBriefHTML(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	var b bytes.Buffer
	if err := r.HTML(&b, d, report.Request{Country: "BHR", Vs: "ARE", Brief: true}); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, w := range []string{`<section class="half" lang="en" dir="ltr">`, `<section class="half" lang="ar" dir="rtl">`,
		"The gap to United Arab Emirates", "الفجوة مع الإمارات العربية المتحدة", "The cheapest plan", "الخطة الأقل كلفة",
		"The change and why", "التغير وأسبابه"} {
		if !strings.Contains(s, w) {
			t.Errorf("brief lacks %q", w)
		}
	}
	golden(t, filepath.Join("testdata", "brief_BHR_vs_ARE.html"), b.Bytes())
	// Without --vs the peer is the country just above in the peer area.
	b.Reset()
	if err := r.HTML(&b, d, report.Request{Country: "KEN", Brief: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "The gap to") {
		t.Error("brief without --vs has no gap section")
	}
}

// TestArabicNoDiacritics checks that the Arabic reports carry no tashkeel
// (U+064B–U+0652), which breaks words in the PDF's text.
func TestArabicNoDiacritics(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	for _, q := range []report.Request{{Country: "BHR", Lang: "ar"}, {Country: "BHR", Vs: "ARE", Target: 10, Lang: "ar"}, {Group: "gcc", Lang: "ar"}} {
		var b bytes.Buffer
		if err := r.HTML(&b, d, q); err != nil {
			t.Fatal(err)
		}
		s := stripStyle(b.String())
		if i := strings.IndexFunc(s, func(r rune) bool { return r >= '\u064b' && r <= '\u0652' }); i >= 0 {
			t.Errorf("%+v: diacritic in %q", q, s[max(0, i-30):min(len(s), i+30)])
		}
	}
}
