package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/egdi-project/egdi/internal/report"
)

// latinAllowed are the Latin words an Arabic report may show: the
// abbreviations the UN's Arabic edition keeps or that name an organisation
// or a standard (M49, UN-OHRLLS, ITU), units, and the names of the
// typefaces' licence holder. ISO3 codes and web addresses are allowed too
// (see [latinOK]).
var latinAllowed = map[string]bool{
	"EGDI": true, "OSI": true, "TII": true, "HCI": true, "EPI": true, "LOSI": true,
	"UN": true, "DESA": true, "OHRLLS": true, "M49": true, "ITU": true, "UNDP": true, "UNESCO": true,
	"SIL": true, "PDF": true, "HTML": true, "egdi": true, "pt": true, "kB": true, "UN-OHRLLS": true,
	"test-data": true, // the data version of the test renderer (a release name)
}

// latinOK reports whether a Latin word is allowed in Arabic text.
func latinOK(w string, iso3 map[string]bool) bool {
	switch {
	case latinAllowed[w], iso3[w]:
		return true
	case strings.Contains(w, ".") || strings.Contains(w, "/"): // a web address, a file or version name
		return true
	}
	return false
}

// TestArabicReportText walks the text nodes of the Arabic reports (and the
// text of their charts) and fails on a Latin word outside [latinAllowed],
// and on a Latin comma or semicolon between Arabic words (Arabic uses
// U+060C and U+061B).
func TestArabicReportText(t *testing.T) {
	r, d := newRenderer(t), dataset(t)
	iso3 := map[string]bool{}
	for _, c := range d.Countries.All() {
		iso3[string(c.ISO3)] = true
	}
	latinWord := regexp.MustCompile(`[A-Za-z][A-Za-z0-9\-]*(?:[./][A-Za-z0-9\-]+)*`)
	latinPunct := regexp.MustCompile(`\p{Arabic}[\p{Mn}\s]*[,;]\s*\p{Arabic}`)
	signed := regexp.MustCompile(`[+\x{2212}-][0-9]`)
	for _, tc := range []struct {
		name string
		q    report.Request
	}{
		{"country_BHR", report.Request{Country: "BHR", Lang: "ar"}},
		{"country_TUR", report.Request{Country: "TUR", Lang: "ar"}},
		{"country_BHR_vs_ARE_target_10", report.Request{Country: "BHR", Vs: "ARE", Target: 10, Lang: "ar"}},
		{"country_KEN_2020", report.Request{Country: "KEN", Edition: 2020, Lang: "ar"}},
		{"country_BHR_2010", report.Request{Country: "BHR", Edition: 2010, Lang: "ar"}},
		{"group_gcc", report.Request{Group: "gcc", Lang: "ar"}},
		{"subregion_western_asia", report.Request{Subregion: "Western Asia", Lang: "ar"}},
		{"brief_BHR_vs_ARE", report.Request{Country: "BHR", Vs: "ARE", Brief: true}}, // its Arabic half
		{"brief_KEN", report.Request{Country: "KEN", Brief: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := r.HTML(&b, d, tc.q); err != nil {
				t.Fatal(err)
			}
			root, err := html.Parse(&b)
			if err != nil {
				t.Fatal(err)
			}
			if tc.q.Brief {
				// A brief has an English and an Arabic half: walk the Arabic one.
				for n := range root.Descendants() {
					if n.Type == html.ElementNode && n.Data == "section" && slicesContains(attrs(n), "lang=ar") {
						root = n
						break
					}
				}
				if root.Data != "section" {
					t.Fatal("brief has no Arabic half")
				}
			}
			bad := map[string]int{}
			nodes := 0
			for n := range root.Descendants() {
				if n.Type != html.TextNode || n.Parent == nil || n.Parent.Data == "style" || n.Parent.Data == "script" {
					continue
				}
				s := n.Data
				if strings.TrimSpace(s) == "" {
					continue
				}
				nodes++
				for _, w := range latinWord.FindAllString(s, -1) {
					if !latinOK(w, iso3) {
						bad[w]++
					}
				}
				// A signed figure (+36, −12) must sit in a left-to-right
				// run (span.n or a td.num cell), or an Arabic line shows
				// it as "36+" or "(12−)".
				if signed.MatchString(s) && !inLTR(n) {
					t.Errorf("signed figure outside a left-to-right run: %q", s)
				}
				if m := latinPunct.FindString(s); m != "" {
					t.Errorf("Latin comma or semicolon between Arabic words: %q in %q", m, s)
				}
			}
			if least := map[bool]int{false: 100, true: 40}[tc.q.Brief]; nodes < least {
				t.Fatalf("only %d text nodes: the walk is not reading the report", nodes)
			}
			for w, k := range bad {
				t.Errorf("Latin word %q (%d times) in the Arabic report", w, k)
			}
		})
	}
}

// TestArabicTextCheck makes sure the checks of TestArabicReportText can
// fail: a Latin word and a Latin comma are caught, the allowed ones pass.
func TestArabicTextCheck(t *testing.T) {
	latinPunct := regexp.MustCompile(`\p{Arabic}[\p{Mn}\s]*[,;]\s*\p{Arabic}`)
	if !latinPunct.MatchString("البحرين, 2024 والكويت, قطر") {
		t.Error("Latin comma between Arabic words not caught")
	}
	if latinPunct.MatchString("البحرين، قطر؛ عمان") {
		t.Error("Arabic comma taken for a Latin one")
	}
	if latinOK("down", map[string]bool{}) || latinOK("VH", map[string]bool{}) {
		t.Error("an English word passes the allow-list")
	}
	if !latinOK("BHR", map[string]bool{"BHR": true}) || !latinOK("EGDI", nil) {
		t.Error("an ISO3 code or an index abbreviation fails the allow-list")
	}
	doc, err := html.Parse(strings.NewReader(`<p>تقدّم (−46)</p><p>تقدّم <span class="n">(−46)</span></p>`))
	if err != nil {
		t.Fatal(err)
	}
	var ltr []bool
	for n := range doc.Descendants() {
		if n.Type == html.TextNode && strings.Contains(n.Data, "46") {
			ltr = append(ltr, inLTR(n))
		}
	}
	if len(ltr) != 2 || ltr[0] || !ltr[1] {
		t.Errorf("inLTR = %v, want [false true]", ltr)
	}
}

// inLTR reports whether a text node is inside a left-to-right run: an
// element of class n or num, an element with dir="ltr", or a chart (SVG
// text is placed by the chart, each label its own run).
func inLTR(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type != html.ElementNode {
			continue
		}
		if p.Data == "svg" || hasClass(p, "n") || hasClass(p, "num") {
			return true
		}
		for _, a := range p.Attr {
			if a.Key == "dir" && a.Val == "ltr" {
				return true
			}
		}
	}
	return false
}

// attrs lists an element's attributes as key=value.
func attrs(n *html.Node) []string {
	var out []string
	for _, a := range n.Attr {
		out = append(out, a.Key+"="+a.Val)
	}
	return out
}
