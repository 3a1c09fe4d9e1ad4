package server

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// reportPages are the report pages as the API serves them (HTML): the
// country report, with a peer gap and a plan to a target rank, the group
// report, and the one-page brief (English and Arabic halves in one page,
// whatever ?lang says, so it is opened once).
var reportPages = []struct {
	name, path string
	langs      []string
}{
	{"report_country", "/api/v1/reports/countries/BHR?edition=2024", []string{"en", "ar"}},
	{"report_country_vs_target", "/api/v1/reports/countries/BHR?edition=2024&vs=ARE&target=10", []string{"en", "ar"}},
	{"report_group", "/api/v1/reports/groups?group=gcc&edition=2024", []string{"en", "ar"}},
	{"report_brief", "/api/v1/reports/countries/BHR?edition=2024&vs=ARE&brief=true", []string{"both"}},
}

// reportLatinJS is latinJS for a report: it walks root (the whole page, or
// the Arabic half of a brief) and also allows what the report's own text
// test allows (internal/report latinAllowed: web addresses and file or
// version names, the typefaces' licence holder SIL, UNESCO, units), and
// "test", the test server's data version (a release name, as "test-data"
// is for internal/report's test renderer).
func reportLatinJS(t *testing.T, root string) string {
	t.Helper()
	js := latinJS
	for _, r := range [][2]string{
		{`"p05", "p95"]);`, `"p05", "p95", "SIL", "UNESCO", "egdi", "pt", "kB", "test"]);`},
		{`if (!allow.has(w) && !iso.test(w))`, `if (!allow.has(w) && !iso.test(w) && !/^[A-Za-z0-9-]+([.\/][A-Za-z0-9-]+)+$/.test(w))`},
		{`s.match(/[A-Za-z][A-Za-z0-9-]*/g)`, `s.match(/[A-Za-z][A-Za-z0-9-]*(?:[.\/][A-Za-z0-9-]+)*/g)`},
		{`document.createTreeWalker(document.documentElement,`, `document.createTreeWalker(` + root + `,`},
		{`document.querySelectorAll("[aria-label], [title], [alt], [placeholder]")`, root + `.querySelectorAll("[aria-label], [title], [alt], [placeholder]")`},
	} {
		if !strings.Contains(js, r[0]) {
			t.Fatalf("latinJS changed: %q not found; update reportLatinJS", r[0])
		}
		js = strings.Replace(js, r[0], r[1], 1)
	}
	return js
}

// TestBrowserReportLayout opens the report pages (HTML) in both languages
// on a phone (390 px) and a laptop (1366 px) and checks what the dashboard
// pages are checked for (TestBrowserLayout, TestBrowserAxe): the page no
// wider than the window and not opened scrolled, no text clipped by its
// container or drawn too small in a chart, no Latin word or comma in the
// Arabic text, and no axe-core violation. Screenshots go to the test's
// artifact folder.
func TestBrowserReportLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("layout of the report pages at two widths: not in -short")
	}
	ctx := newBrowser(t)
	srv := httptest.NewServer(newTestServer(t).handler())
	t.Cleanup(srv.Close)
	for _, width := range []int64{390, 1366} {
		step(t, ctx, fmt.Sprint("viewport ", width), chromedp.EmulateViewport(width, 844))
		for _, p := range reportPages {
			for _, lang := range p.langs {
				name := fmt.Sprintf("%s_%s_%d", p.name, lang, width)
				t.Run(name, func(t *testing.T) {
					url := srv.URL + p.path
					if lang != "both" {
						url += "&lang=" + lang
					}
					step(t, ctx, "open "+name, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("main, section.half")))
					waitFonts(t, ctx)
					if sw, iw := eval[int](t, ctx, `document.scrollingElement.scrollWidth`), eval[int](t, ctx, `innerWidth`); sw > iw {
						t.Errorf("page is %d px wide in a %d px window", sw, iw)
					}
					if x := eval[float64](t, ctx, `scrollX`); x != 0 {
						t.Errorf("page opens scrolled by %v px", x)
					}
					if width == 1366 {
						// On a laptop every table and chart fits: nothing waits behind a scroll.
						if wide := eval[[]string](t, ctx, `[...document.querySelectorAll(".tablewrap, figure")].filter(w => w.scrollWidth > w.clientWidth + 1).map(w => (w.getAttribute("aria-label") || w.tagName) + " " + w.scrollWidth + "/" + w.clientWidth)`); len(wide) > 0 {
							t.Errorf("boxes wider than the page at 1366 px: %v", wide)
						}
					}
					for _, c := range eval[[]string](t, ctx, clippedJS) {
						t.Errorf("%s", c)
					}
					switch lang {
					case "ar":
						for _, c := range eval[[]string](t, ctx, reportLatinJS(t, "document.documentElement")) {
							t.Errorf("%s", c)
						}
					case "both":
						if n := eval[int](t, ctx, `document.querySelectorAll("section.half[lang=ar]").length`); n != 1 {
							t.Fatalf("brief has %d Arabic halves, want 1", n)
						}
						for _, c := range eval[[]string](t, ctx, reportLatinJS(t, `document.querySelector("section.half[lang=ar]")`)) {
							t.Errorf("%s", c)
						}
					}
					screenshot(t, ctx, name)
					// axe-core last: injecting it adds a script to the page.
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](axeJS+";0")); err != nil {
						t.Fatalf("injecting axe-core: %v", err)
					}
					res, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeRunJS, chromedp.EvalAwaitPromise))
					if err != nil {
						t.Fatalf("axe.run: %v", err)
					}
					for _, v := range res {
						t.Errorf("axe: %s", v)
					}
				})
			}
		}
	}
}
