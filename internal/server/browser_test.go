package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/testenv"
)

// chromiumPath is Debian's browser; CI installs it (.ci/run).
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts headless Chromium for a test, or skips the test with a
// message when the browser is not installed.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath(chromiumPath)
	testenv.Chromium(t, err)
	// Flags: headless, no sandbox (root in containers; it only loads our
	// own pages from loopback), and nothing that reaches for the network,
	// which this machine does not have (Chromium stalls without them).
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(1280, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); acancel() })
	// The first action starts the browser; a timer (not a timeout context,
	// which would end the browser with it) bounds the start.
	timer := time.AfterFunc(60*time.Second, cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	timer.Stop()
	return ctx
}

// step runs browser actions with a time limit, failing the test on error.
func step(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	timer := time.AfterFunc(30*time.Second, func() { t.Errorf("%s: timed out", what) })
	defer timer.Stop()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// screenshot saves the whole page as a PNG in the test's artifact folder
// (go test -artifacts keeps it; otherwise a temporary folder).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(t.ArtifactDir(), name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}

// securityLog collects the browser's log entries about security (CSP
// violations) from now on; the returned func reports them.
func securityLog(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var got []string
	events := chromedp.Events(ctx, cdplog.EntryAdded) // subscribed from here on
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("log domain: %v", err)
	}
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			if e := ev.Entry; e != nil && (e.Source == cdplog.EntrySourceSecurity || strings.Contains(e.Text, "Content Security Policy")) {
				mu.Lock()
				got = append(got, e.Text+" ("+e.URL+")")
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// TestBrowser walks the dashboard as a person would, in headless Chromium:
// open /en/, switch to Arabic, open Bahrain from the rankings, move a
// what-if control and see the rank change, download a CSV.
func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	srv := httptest.NewServer(newTestServer(t).handler())
	defer srv.Close()

	violations := securityLog(t, ctx)
	defer func() {
		for _, v := range violations() {
			t.Errorf("security log: %s", v)
		}
	}()

	// 1. The English home page, with the map.
	step(t, ctx, "open /en/", chromedp.Navigate(srv.URL+"/en/"), chromedp.WaitVisible(chromedp.CSS("svg.worldmap")))
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "ltr" {
		t.Errorf("/en/ dir = %q, want ltr", dir)
	}
	if n := eval[int](t, ctx, `new Set(Array.from(document.querySelectorAll("svg.worldmap a[data-iso]"), a => a.dataset.iso)).size`); n != 193 {
		t.Errorf("map links = %d, want 193 (every Member State)", n)
	}
	screenshot(t, ctx, "01_home_en")

	// 2. The language switch: same page in Arabic, right to left, Arabic names.
	step(t, ctx, "switch to Arabic", chromedp.Click(chromedp.CSS("#lang-switch")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="ar"] svg.worldmap`)))
	if dir := eval[string](t, ctx, `document.documentElement.getAttribute("dir")`); dir != "rtl" {
		t.Errorf("Arabic page dir = %q, want rtl", dir)
	}
	if !eval[bool](t, ctx, `document.body.innerText.includes("الدانمرك")`) {
		t.Error("Arabic page lacks the Arabic name of Denmark (الدانمرك)")
	}
	if !strings.HasSuffix(eval[string](t, ctx, `location.pathname`), "/ar/") {
		t.Error("language switch did not keep the page")
	}
	screenshot(t, ctx, "02_home_ar")

	// 3. Rankings → Bahrain.
	step(t, ctx, "open Bahrain from the rankings", chromedp.Navigate(srv.URL+"/en/rankings?edition=2024"),
		chromedp.WaitVisible(chromedp.CSS("#ranking")), chromedp.Click(chromedp.CSS(`#ranking a[data-iso="BHR"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#country-name[data-iso="BHR"]`)))
	if h1 := eval[string](t, ctx, `document.getElementById("country-name").textContent`); !strings.Contains(h1, "Bahrain") {
		t.Errorf("country heading = %q", h1)
	}
	screenshot(t, ctx, "03_country_bhr")

	// 4. What-if: move the OSI control to its end with the keyboard.
	before := eval[string](t, ctx, `document.getElementById("wi-rank").textContent`)
	step(t, ctx, "move the OSI control", chromedp.Focus(chromedp.CSS("#wi-osi")), chromedp.SendKeys(chromedp.CSS("#wi-osi"), kb.End))
	step(t, ctx, "wait for the new rank", chromedp.Poll[chromedp.Void](
		`document.getElementById("wi-rank").textContent !== `+strconv.Quote(before), chromedp.WithPollingTimeout(10*time.Second)))
	after := eval[string](t, ctx, `document.getElementById("wi-rank").textContent`)
	b, _ := strconv.Atoi(before)
	a, _ := strconv.Atoi(after)
	if !(a >= 1 && a < b) {
		t.Errorf("what-if rank went %s → %s, want a better rank with OSI = 1", before, after)
	}
	if v := eval[string](t, ctx, `document.getElementById("wi-osi").value`); v != "1" {
		t.Errorf("OSI control = %s, want 1", v)
	}
	step(t, ctx, "scroll to the panel", chromedp.ScrollIntoView(chromedp.CSS("#whatif")))
	screenshot(t, ctx, "04_whatif")

	// 5. Download the current ranking view as CSV.
	dl := t.TempDir()
	step(t, ctx, "open the GCC view", chromedp.Navigate(srv.URL+"/en/rankings?edition=2024&group=gcc"),
		chromedp.WaitVisible(chromedp.CSS(`a.download[data-format="csv"]`)))
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	step(t, ctx, "download the CSV", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: new(true)})
		return err
	}), chromedp.Click(chromedp.CSS(`a.download[data-format="csv"]`)))
	deadline := time.AfterFunc(20*time.Second, func() { t.Error("download did not complete") })
	var guid string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download events: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download canceled")
		}
	}
	deadline.Stop()
	csvBytes, err := os.ReadFile(filepath.Join(dl, guid))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(csvBytes), "\ufeff")), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "Survey Year,Country Name,") || !strings.Contains(string(csvBytes), "Bahrain") {
		t.Errorf("downloaded CSV (%d lines):\n%s", len(lines), csvBytes)
	}
	_ = os.WriteFile(filepath.Join(t.ArtifactDir(), "05_download_gcc.csv"), csvBytes, 0o644)
	screenshot(t, ctx, "05_rankings_gcc")
}

// TestBrowserPages takes a screenshot of every page in both languages, for
// people to look at (go test -run TestBrowserPages -artifacts).
func TestBrowserPages(t *testing.T) {
	if testing.Short() {
		t.Skip("screenshots of every page: not in -short")
	}
	ctx := newBrowser(t)
	js, _ := newJobServer(t, nil)
	srv := httptest.NewServer(js.handler())
	defer srv.Close()
	for _, lang := range []string{"en", "ar"} {
		// An uncertainty run: the form starts a job, the page refreshes
		// itself until the intervals are drawn.
		step(t, ctx, "uncertainty run/"+lang, chromedp.Navigate(srv.URL+"/"+lang+"/uncertainty?edition=2024&group=gcc"),
			chromedp.WaitVisible(chromedp.CSS(`form.controls button[type="submit"]`)),
			chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("figure.chart svg")))
		if n := eval[int](t, ctx, `document.querySelectorAll("table.data tbody tr").length`); n != 6 {
			t.Errorf("uncertainty table rows = %d, want the 6 GCC states", n)
		}
		screenshot(t, ctx, "uncertainty_result_"+lang)
	}
	for _, p := range []struct{ name, path string }{
		{"rankings", "/rankings?edition=2024&region=Asia"},
		{"country", "/countries/BHR?target=10"},
		{"compare", "/compare?countries=BHR,ARE,SAU,QAT,KWT,OMN"},
		{"methodology", "/methodology"},
		{"uncertainty", "/uncertainty"},
	} {
		for _, lang := range []string{"en", "ar"} {
			step(t, ctx, p.name+"/"+lang, chromedp.Navigate(srv.URL+"/"+lang+p.path), chromedp.WaitReady(chromedp.CSS("footer")))
			screenshot(t, ctx, p.name+"_"+lang)
		}
	}
}

// seen records the method, path and status of every request a handler
// answers.
type seen struct {
	mu   sync.Mutex
	reqs []string
}

func (s *seen) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Method+" "+r.URL.Path+" "+strconv.Itoa(sw.status))
		s.mu.Unlock()
	})
}

func (s *seen) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

// TestBrowserCrossSite (finding 1): a page of another site, open in the
// user's browser, tries to start analyses on the loopback server by form
// (to the API, as text/plain JSON, and to the page's own form handler) and
// by fetch (no-cors text/plain, and JSON, which needs a preflight): the
// server refuses each POST that reaches it (403) and no job is stored. The
// server's own form, from its own page, still starts one.
func TestBrowserCrossSite(t *testing.T) {
	ctx := newBrowser(t)
	js, st := newJobServer(t, nil)
	var rec seen
	egdiSrv := httptest.NewServer(rec.wrap(js.handler()))
	defer egdiSrv.Close()
	target := egdiSrv.URL // http://127.0.0.1:port
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, `<!doctype html><title>elsewhere</title>
<iframe name="a"></iframe><iframe name="b"></iframe>
<form id="api" method="post" action="%[1]s/api/v1/uncertainty" enctype="text/plain" target="a"><input name='{"replications":100,"x":"' value='"}'></form>
<form id="page" method="post" action="%[1]s/en/uncertainty" target="b"><input name="edition" value="2024"></form>
<script>
window.done = [];
document.getElementById("api").submit();
document.getElementById("page").submit();
fetch("%[1]s/api/v1/uncertainty", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: '{"replications":100}'})
  .then(function () { done.push("no-cors"); }, function () { done.push("no-cors refused"); });
fetch("%[1]s/api/v1/uncertainty", {method: "POST", headers: {"Content-Type": "application/json"}, body: '{"replications":100}'})
  .then(function () { done.push("json"); }, function () { done.push("json refused"); });
</script>`, target)
	}))
	defer evil.Close()
	// Another site: localhost is another host than 127.0.0.1.
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)
	step(t, ctx, "open the other site's page", chromedp.Navigate(evilURL+"/"),
		chromedp.Poll[chromedp.Void](`window.done && window.done.length === 2`, chromedp.WithPollingTimeout(15*time.Second)))
	// Wait until the three POSTs the browser may send have reached the server.
	posts := func() (out []string) {
		for _, r := range rec.list() {
			if strings.HasPrefix(r, "POST ") {
				out = append(out, r)
			}
		}
		return out
	}
	for deadline := time.Now().Add(10 * time.Second); len(posts()) < 3 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	got := posts()
	if len(got) != 3 {
		t.Errorf("POSTs that reached the server: %q, want the two forms and the no-cors fetch", got)
	}
	for _, r := range got {
		if !strings.HasSuffix(r, " 403") {
			t.Errorf("cross-site %s: want 403", r)
		}
	}
	for _, r := range rec.list() {
		if strings.HasPrefix(r, "POST ") && strings.Contains(r, "/api/v1/uncertainty") && strings.HasSuffix(r, " 202") {
			t.Errorf("cross-site request accepted: %s", r)
		}
	}
	if jobs, err := st.Jobs(t.Context(), "", "", 0); err != nil || len(jobs) != 0 {
		t.Fatalf("the other site started %d jobs (%v); requests seen: %q", len(jobs), err, rec.list())
	}
	t.Logf("requests seen: %q; the page's fetches: %v", rec.list(), eval[[]string](t, ctx, `window.done`))

	// The server's own page: its form starts a job and shows the result.
	step(t, ctx, "run from the server's own page", chromedp.Navigate(target+"/en/uncertainty?edition=2024&group=gcc"),
		chromedp.WaitVisible(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.Click(chromedp.CSS(`form.controls button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("figure.chart svg")))
	if jobs, err := st.Jobs(t.Context(), "", "", 0); err != nil || len(jobs) != 1 || jobs[0].Status != egdi.JobDone {
		t.Fatalf("the server's own form: %d jobs (%v), want 1 done", len(jobs), err)
	}
}
