package report_test

import (
	"bytes"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/report"
)

// FuzzRequest feeds arbitrary requests (as a URL or flags would give them)
// to the HTML renderer: it must never panic, and a refusal must be an
// EINVALID or ENOTFOUND error that writes nothing.
func FuzzRequest(f *testing.F) {
	f.Add("BHR", "", "", "", 0, "ar")
	f.Add("", "gcc", "", "", 2020, "en")
	f.Add("", "", "Asia", "", 2003, "en")
	f.Add("", "", "", "Western Asia", 2024, "ar")
	f.Add("Côte d'Ivoire", "", "", "", 2012, "en")
	f.Add("<script>", "ldc\x00", "", "", -5, "xx")
	r := report.New(report.Config{Now: fixedNow, FontBase: "fonts/"})
	d := dataset(f)
	f.Fuzz(func(t *testing.T, country, group, region, subregion string, edition int, lang string) {
		q := report.Request{Country: country, Group: group, Region: region, Subregion: subregion, Edition: edition, Lang: lang}
		var b bytes.Buffer
		err := r.HTML(&b, d, q)
		if err == nil {
			checkHTML(t, b.String(), lang)
			return
		}
		if c := egdi.ErrorCode(err); c != egdi.EINVALID && c != egdi.ENOTFOUND {
			t.Fatalf("%+v: error code %q (%v), want invalid or not_found", q, c, err)
		}
		if b.Len() != 0 {
			t.Fatalf("%+v: %d bytes written with an error", q, b.Len())
		}
	})
}

// FuzzPeerRequest feeds arbitrary --vs, --target and --brief values: never a
// panic, a refusal is EINVALID or ENOTFOUND and writes nothing.
func FuzzPeerRequest(f *testing.F) {
	f.Add("BHR", "ARE", 10, false, "en")
	f.Add("BHR", "BHR", 0, true, "")
	f.Add("KEN", "", 500, false, "ar")
	f.Add("TUV", "Atlantis", -1, true, "ar")
	f.Add("DNK", "USA", 1, false, "en")
	r := report.New(report.Config{Now: fixedNow, FontBase: "fonts/"})
	d := dataset(f)
	f.Fuzz(func(t *testing.T, country, vs string, target int, brief bool, lang string) {
		q := report.Request{Country: country, Vs: vs, Target: target, Brief: brief, Lang: lang}
		var b bytes.Buffer
		err := r.HTML(&b, d, q)
		if err == nil {
			if brief {
				lang = "en" // a brief's page is English first, with an Arabic half
			}
			checkHTML(t, b.String(), lang)
			return
		}
		if c := egdi.ErrorCode(err); c != egdi.EINVALID && c != egdi.ENOTFOUND {
			t.Fatalf("%+v: error code %q (%v), want invalid or not_found", q, c, err)
		}
		if b.Len() != 0 {
			t.Fatalf("%+v: %d bytes written with an error", q, b.Len())
		}
	})
}
