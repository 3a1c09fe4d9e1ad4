package server

import (
	"regexp"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// latinWord finds Latin words other than the index abbreviations the UN's
// Arabic edition keeps.
var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z_-]*`)

func latinIn(s string) []string {
	var out []string
	for _, w := range latinWord.FindAllString(s, -1) {
		switch w {
		case "EGDI", "OSI", "TII", "HCI", "EPI":
		default:
			out = append(out, w)
		}
	}
	return out
}

// TestMethodChangeSentences: every change of method between two editions
// reads as one sentence in each language — in Arabic with no English term
// left, in English without the engine's "dp" shorthand — so that a list of
// them never runs together (the "…round OSI published to 5 dp…").
func TestMethodChangeSentences(t *testing.T) {
	ms := egdi.Methods()
	n := 0
	for i := 1; i < len(ms); i++ {
		for _, mc := range egdi.MethodChanges(&ms[i-1], &ms[i]) {
			n++
			en, ar := methodChangeSentence(mc, "en"), methodChangeSentence(mc, "ar")
			if !strings.HasSuffix(en, ".") || strings.Contains(en, " dp") || strings.Contains(en, "report.") || strings.Contains(en, "_") {
				t.Errorf("%d→%d %s: English %q", ms[i-1].Edition, ms[i].Edition, mc.Field, en)
			}
			if l := latinIn(ar); len(l) > 0 || !strings.HasSuffix(ar, ".") {
				t.Errorf("%d→%d %s: Arabic %q has Latin words %v", ms[i-1].Edition, ms[i].Edition, mc.Field, ar, l)
			}
			if strings.Contains(ar, ", ") || strings.Contains(ar, "; ") {
				t.Errorf("%d→%d %s: Arabic %q has a Latin comma or semicolon", ms[i-1].Edition, ms[i].Edition, mc.Field, ar)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d method changes across the editions", n)
	}
}

// TestNoteSentences: the notes the engine writes for the built-in data
// (what-if bases at both levels, an uncertainty run) all have an Arabic
// sentence, with no English left.
func TestNoteSentences(t *testing.T) {
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, tc := range []struct {
		year  int
		level egdi.Level
	}{{2024, egdi.ComponentLevel}, {2022, egdi.ComponentLevel}, {2022, egdi.RawLevel}, {2016, egdi.RawLevel}} {
		b, err := egdi.NewBase(d, tc.year, tc.level)
		if err != nil {
			t.Fatalf("%d %s: %v", tc.year, tc.level, err)
		}
		notes = append(notes, b.Notes...)
	}
	notes = append(notes, "cap not varied: it acts on raw subscriptions, and this is the component level",
		"nothing varied: every replication is the baseline",
		"153 countries' published EGDI is not the cut of their published components' mean: they keep the difference as an offset")
	for _, n := range notes {
		ar := noteSentence("ar", n)
		if ar == noteSentence("ar", "an unknown note") || len(latinIn(ar)) > 0 && !strings.Contains(n, "carry their published index") {
			t.Errorf("note %q → %q", n, ar)
		}
		if noteSentence("en", n) != n {
			t.Errorf("English note changed: %q", n)
		}
	}
}

// TestNavAndFavicon: a country page highlights no navigation entry (it is
// none of them), the rankings page its own; /favicon.ico is an icon.
func TestNavAndFavicon(t *testing.T) {
	h := newTestServer(t).handler()
	body := do(h, "GET", "/en/countries/BHR", "").Body.String()
	if strings.Contains(body, `aria-current="page"`) {
		t.Error("the country page marks a navigation entry as current")
	}
	if body := do(h, "GET", "/en/rankings", "").Body.String(); !strings.Contains(body, `href="/en/rankings" aria-current="page"`) {
		t.Error("the rankings page does not mark its navigation entry")
	}
	rec := do(h, "GET", "/favicon.ico", "")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/x-icon" || !strings.HasPrefix(rec.Body.String(), "\x00\x00\x01\x00") {
		t.Errorf("/favicon.ico: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}
