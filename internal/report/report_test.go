package report_test

import (
	"bytes"
	"flag"
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
