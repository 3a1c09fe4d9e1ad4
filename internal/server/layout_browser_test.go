package server

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axe-core 4.14.1 (MPL-2.0, Deque Systems), vendored from npm (`npm pack
// axe-core`) so that the accessibility test runs offline; see NOTICE and
// testdata/axe/LICENSE.
//
//go:embed testdata/axe/axe.min.js
var axeJS string

// layoutPages are the page types an analyst opens, each in a state that
// shows its widest content: the country page with a plan, a what-if and a
// peer gap; compare with the six GCC states; an uncertainty result.
var layoutPages = []struct{ name, path, wait string }{
	{"home", "/", "svg.worldmap"},
	{"rankings", "/rankings?edition=2024", "#ranking"},
	{"country", "/countries/BHR?edition=2024&target=10&osi=1&vs=ARE", "#whatif"},
	{"compare", "/compare?c=BHR&c=ARE&c=SAU&c=QAT&c=KWT&c=OMN", "table.ranking"},
	{"uncertainty", "/uncertainty?job={job}&edition=2024&group=gcc&focus=BHR", "figure.chart svg"}, // {job}: see layoutServer
	{"methodology", "/methodology", "table.methods"},
	{"uncertainty_form", "/uncertainty", "form.controls"},
	{"country_errors", "/countries/BHR?edition=2024&target=19&vs=XYZ", "#target-error"},
	{"compare_errors", "/compare?countries=BHR,ARE,SAU,QAT,KWT,OMN,EGY,JOR,MAR", "#compare-error"},
	{"notfound", "/nope", "main"},
}

// clippedJS lists text a reader cannot see whole: a text node that sticks
// out of an ancestor which hides its overflow (or out of the page), and SVG
// text outside its chart; a scroll container ends the search, since its
// content is reached by scrolling. It also lists chart text drawn smaller
// than 9.5 CSS pixels (the dashboard's charts draw their 12-unit text at
// 10.4 px or more, their 11-unit notes at 9.5 px or more). The result is a
// list of short descriptions.
const clippedJS = `(() => {
  const out = [];
  const clip = v => v === "hidden" || v === "clip";
  const scroll = v => v === "auto" || v === "scroll";
  const desc = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const text = n.textContent.trim();
    if (!text) continue;
    const el = n.parentElement;
    if (!el || el.closest("svg, script, style, select, .skip, [hidden]")) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue; // not rendered (closed <details>, display:none)
    let boxed = false;
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (scroll(s.overflowX) || scroll(s.overflowY)) { boxed = true; break; }
      if (clip(s.overflowX) || clip(s.overflowY)) {
        const b = a.getBoundingClientRect();
        const left = b.left + a.clientLeft, top = b.top + a.clientTop;
        const right = left + a.clientWidth, bottom = top + a.clientHeight;
        if ((clip(s.overflowX) && (r.left < left - 1 || r.right > right + 1)) ||
            (clip(s.overflowY) && (r.top < top - 1 || r.bottom > bottom + 1))) {
          out.push("clipped by " + desc(a) + ": " + JSON.stringify(text.slice(0, 60)));
          break;
        }
      }
    }
    if (!boxed && (r.left < -1 || r.right > innerWidth + 1)) {
      out.push("off the page (" + Math.round(r.left) + "–" + Math.round(r.right) + " px): " + JSON.stringify(text.slice(0, 60)));
    }
  }
  for (const t of document.querySelectorAll("svg.chart text")) {
    const svg = t.ownerSVGElement;
    const s = svg.getBoundingClientRect(), r = t.getBoundingClientRect();
    if (!t.textContent.trim() || r.width === 0) continue;
    // Vertically the box is the line box, which for Arabic fonts reaches a
    // few pixels above the glyphs: 4 px of slack there, 1 px across.
    if (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 4 || r.bottom > s.bottom + 4) {
      out.push("chart text outside its chart (" + [r.left, r.right, r.top, r.bottom].map(Math.round) + " in " + [s.left, s.right, s.top, s.bottom].map(Math.round) + "): " + JSON.stringify(t.textContent.trim().slice(0, 60)));
    }
    const vb = svg.viewBox.baseVal;
    const px = parseFloat(getComputedStyle(t).fontSize) * (vb && vb.width ? s.width / vb.width : 1);
    if (px < 9.5) {
      out.push("chart text at " + px.toFixed(1) + " px: " + JSON.stringify(t.textContent.trim().slice(0, 40)));
    }
  }
  return out.slice(0, 20);
})()`

// latinJS walks the text of an Arabic page (text nodes, and the
// aria-label, title, alt and placeholder attributes) and lists Latin words
// outside the allow-list and Latin commas or semicolons between Arabic
// words. The allow-list: ISO 3166 alpha-3 codes, the index abbreviations
// the UN's Arabic edition keeps, file formats named on buttons, and the
// names of the map's sources, the methodology's question numbers (Q3, Q7)
// and the letters of the one formula it quotes (floor(k·n/4)). Text marked
// translate="no" (only the build's version string) is not checked.
const latinJS = `(() => {
  const allow = new Set(["EGDI", "OSI", "TII", "HCI", "EPI", "LOSI", "UN", "DESA", "CSV", "XLSX", "JSON", "HTML", "PDF", "SVG", "PNG",
    "Natural", "Earth", "world-atlas", "English", "OHRLLS", "ITU", "UNDP", "ISO", "M49", "UN-OHRLLS", "p05", "p95"]);
  const iso = /^([A-Z]{3}|Q[0-9]+|floor|k|n)$/;
  const out = [];
  const check = (s, where) => {
    for (const w of s.match(/[A-Za-z][A-Za-z0-9-]*/g) || []) {
      if (!allow.has(w) && !iso.test(w)) out.push("Latin word " + JSON.stringify(w) + " in " + where + ": " + JSON.stringify(s.trim().slice(0, 80)));
    }
    if (/[\u0600-\u06FF][\s\u200e\u200f)]*[,;][\s\u200e\u200f(]*[\u0600-\u06FF]/.test(s)) out.push("Latin comma or semicolon in " + where + ": " + JSON.stringify(s.trim().slice(0, 80)));
  };
  // The same across elements: a text node starting with a Latin comma or
  // semicolon followed by Arabic ("0.91958</strong>; الترتيب").
  const lead = /^[\s\u200e\u200f]*[,;][\s\u200e\u200f]*[\u0600-\u06FF]/;
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const el = n.parentElement;
    if (!el || el.closest("script, style, [translate=no]")) continue;
    check(n.textContent, el.tagName.toLowerCase());
    if (lead.test(n.textContent)) out.push("Latin comma or semicolon after an element in " + el.tagName.toLowerCase() + ": " + JSON.stringify(n.textContent.trim().slice(0, 80)));
  }
  for (const el of document.querySelectorAll("[aria-label], [title], [alt], [placeholder]")) {
    for (const a of ["aria-label", "title", "alt", "placeholder"]) {
      if (el.hasAttribute(a)) check(el.getAttribute(a), el.tagName.toLowerCase() + "@" + a);
    }
  }
  return [...new Set(out)].slice(0, 25);
})()`

// axeRunJS runs axe-core on the page (WCAG 2.1 A and AA rules and axe's
// best practices) and lists the violations with their first nodes.
const axeRunJS = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v =>
  v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")))`

// TestBrowserLayout opens every page type in both languages on a phone
// (390 px) and a laptop (1366 px) and checks what a reader sees: the page
// no wider than the window (so Arabic opens at its right edge), no text
// clipped by its container or drawn too small in a chart, no Latin words or
// commas in the Arabic pages, and no axe-core violation. Screenshots go to
// the test's artifact folder (go test -artifacts keeps them).
func TestBrowserLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("layout of every page at two widths: not in -short")
	}
	ctx := newBrowser(t)
	srv, pages := layoutServer(t)
	for _, width := range []int64{390, 1366} {
		step(t, ctx, fmt.Sprint("viewport ", width), chromedp.EmulateViewport(width, 844))
		for _, p := range pages {
			for _, lang := range []string{"en", "ar"} {
				name := fmt.Sprintf("%s_%s_%d", p.name, lang, width)
				t.Run(name, func(t *testing.T) {
					step(t, ctx, "open "+name, chromedp.Navigate(srv.URL+"/"+lang+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
					waitFonts(t, ctx)
					if sw, iw := eval[int](t, ctx, `document.scrollingElement.scrollWidth`), eval[int](t, ctx, `innerWidth`); sw > iw {
						t.Errorf("page is %d px wide in a %d px window", sw, iw)
					}
					if x := eval[float64](t, ctx, `scrollX`); x != 0 {
						t.Errorf("page opens scrolled by %v px", x)
					}
					if width == 1366 && (p.name == "methodology" || p.name == "compare") {
						// On a laptop these tables fit: no column waits behind a scroll.
						if wide := eval[[]string](t, ctx, `[...document.querySelectorAll(".tablewrap")].filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute("aria-label") + " " + w.scrollWidth + "/" + w.clientWidth)`); len(wide) > 0 {
							t.Errorf("tables wider than their box at 1366 px: %v", wide)
						}
					}
					for _, c := range eval[[]string](t, ctx, clippedJS) {
						t.Errorf("%s", c)
					}
					if lang == "ar" {
						for _, c := range eval[[]string](t, ctx, latinJS) {
							t.Errorf("%s", c)
						}
					}
					screenshot(t, ctx, name)
				})
			}
		}
	}
}

// TestBrowserAxe runs axe-core on every page type in both languages.
func TestBrowserAxe(t *testing.T) {
	if testing.Short() {
		t.Skip("axe-core on every page: not in -short")
	}
	ctx := newBrowser(t)
	srv, pages := layoutServer(t)
	for _, width := range []int64{390, 1366} {
		step(t, ctx, fmt.Sprint("viewport ", width), chromedp.EmulateViewport(width, 844))
		for _, p := range pages {
			for _, lang := range []string{"en", "ar"} {
				name := fmt.Sprintf("%s_%s_%d", p.name, lang, width)
				t.Run(name, func(t *testing.T) {
					step(t, ctx, "open "+name, chromedp.Navigate(srv.URL+"/"+lang+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
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

// waitFonts waits until the page's web fonts are loaded, so that text is
// measured in the font it is read in.
func waitFonts(t *testing.T, ctx context.Context) {
	t.Helper()
	timer := time.AfterFunc(10*time.Second, func() { t.Errorf("fonts did not load") })
	defer timer.Stop()
	_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise))
}

// download clicks sel and returns the file the browser saved.
func download(t *testing.T, ctx context.Context, sel string) []byte {
	t.Helper()
	dir := t.TempDir()
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	step(t, ctx, "download "+sel, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)})
		return err
	}), chromedp.Click(chromedp.CSS(sel)))
	deadline := time.AfterFunc(20*time.Second, func() { t.Error("download did not complete") })
	defer deadline.Stop()
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download events: %v", err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		case browser.DownloadProgressStateCanceled:
			t.Fatal("download canceled")
		}
	}
	return nil
}

// TestBrowserChartDownloads: every chart offers SVG and PNG; the SVG is a
// standalone SVG document and the PNG a PNG image twice the chart's size.
func TestBrowserChartDownloads(t *testing.T) {
	ctx := newBrowser(t)
	srv := httptest.NewServer(newTestServer(t).handler())
	defer srv.Close()
	violations := securityLog(t, ctx)
	step(t, ctx, "open Bahrain", chromedp.Navigate(srv.URL+"/ar/countries/BHR?edition=2024"),
		chromedp.WaitVisible(chromedp.CSS(`figure.chart .chart-download[data-format="png"]`)))
	charts := eval[int](t, ctx, `document.querySelectorAll("figure.chart svg.chart").length`)
	buttons := eval[int](t, ctx, `document.querySelectorAll("figure.chart .chart-download").length`)
	if charts < 4 || buttons != 2*charts {
		t.Errorf("%d charts, %d download buttons: want two per chart", charts, buttons)
	}
	svg := download(t, ctx, `figure.chart .chart-download[data-format="svg"]`)
	if !bytes.HasPrefix(svg, []byte("<?xml")) || !bytes.Contains(svg, []byte(`<svg xmlns="http://www.w3.org/2000/svg"`)) || !bytes.Contains(svg, []byte("البحرين")) {
		t.Errorf("SVG download: %.200s", svg)
	}
	pngb := download(t, ctx, `figure.chart .chart-download[data-format="png"]`)
	img, err := png.Decode(bytes.NewReader(pngb))
	if err != nil {
		t.Fatalf("PNG download: %v", err)
	}
	// The first chart is the components chart, 360 units wide, drawn at 2×.
	if w := img.Bounds().Dx(); w != 720 {
		t.Errorf("PNG is %d px wide, want 720", w)
	}
	_ = os.WriteFile(filepath.Join(t.ArtifactDir(), "chart.png"), pngb, 0o644)
	_ = os.WriteFile(filepath.Join(t.ArtifactDir(), "chart.svg"), svg, 0o644)
	for _, v := range violations() {
		t.Errorf("security log: %s", v)
	}
}

// TestBrowserWhatIfPrecision: after a control moves, the panel shows what
// the API computes for the same change with the untouched components at
// their published values (0.86804, not 0.868) — the drift of
// 0.95191 against 0.95192.
func TestBrowserWhatIfPrecision(t *testing.T) {
	ctx := newBrowser(t)
	srv := httptest.NewServer(newTestServer(t).handler())
	defer srv.Close()
	step(t, ctx, "open Bahrain", chromedp.Navigate(srv.URL+"/en/countries/BHR?edition=2024"), chromedp.WaitVisible(chromedp.CSS("#whatif-form")))
	before := eval[string](t, ctx, `document.getElementById("wi-egdi").textContent`)
	step(t, ctx, "OSI to 1", chromedp.Focus(chromedp.CSS("#wi-osi")), chromedp.SendKeys(chromedp.CSS("#wi-osi"), kb.End))
	step(t, ctx, "wait for the panel", chromedp.Poll[chromedp.Void](
		`document.getElementById("wi-egdi").textContent !== `+strconv.Quote(before), chromedp.WithPollingTimeout(10*time.Second)))
	panel := eval[string](t, ctx, `document.getElementById("wi-egdi").textContent`)
	api, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/api/v1/whatif", {method: "POST", headers: {"Content-Type": "application/json"},
		body: JSON.stringify({iso3: "BHR", edition: 2024, osi: 1})}).then(r => r.json()).then(j => j.whatif.egdi.toFixed(5))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if panel != api {
		t.Errorf("panel EGDI %s, API %s for OSI = 1", panel, api)
	}
	if sent := eval[string](t, ctx, `document.getElementById("wi-hci").value`); sent != eval[string](t, ctx, `document.getElementById("wi-hci").dataset.orig`) || !strings.HasPrefix(sent, "0.868") || len(sent) < 7 {
		t.Errorf("HCI control holds %q: want the published value in full (0.86804…)", sent)
	}
}

// layoutServer serves the dashboard with a job store and a worker, runs
// one uncertainty job (GCC, 2024) through the API — a GET never starts a
// job — and returns the server and layoutPages with that job's id in the
// uncertainty result's path. The server is closed when the test ends.
func layoutServer(t *testing.T) (*httptest.Server, []struct{ name, path, wait string }) {
	t.Helper()
	s, _ := newJobServer(t, nil)
	srv := httptest.NewServer(s.handler())
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Post(srv.URL+"/api/v1/uncertainty", "application/json",
		strings.NewReader(`{"edition":2024,"group":"gcc","seed":1}`))
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	err = json.NewDecoder(resp.Body).Decode(&job)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusAccepted || job.ID == "" {
		t.Fatalf("starting the uncertainty job: %d %v", resp.StatusCode, err)
	}
	for deadline := time.Now().Add(2 * time.Minute); job.Status != "done"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("uncertainty job %s still %s after 2 minutes", job.ID, job.Status)
		}
		r, err := srv.Client().Get(srv.URL + "/api/v1/uncertainty/" + job.ID)
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(r.Body).Decode(&job)
		_ = r.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if job.Status == "failed" || job.Status == "canceled" {
			t.Fatalf("uncertainty job %s %s", job.ID, job.Status)
		}
	}
	pages := slices.Clone(layoutPages)
	for i := range pages {
		pages[i].path = strings.ReplaceAll(pages[i].path, "{job}", job.ID)
	}
	return srv, pages
}
