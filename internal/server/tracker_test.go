package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/sqlite"
)

// trackerServer is a server on an SQLite store with the sample loaded.
func trackerServer(t *testing.T) (*Server, *sqlite.DB) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "egdi.db"),
		Builtin: builtin.MustDataset(), BuiltinVersion: builtin.Version})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	tr, err := builtin.SampleTracker()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveTracker(t.Context(), tr); err != nil {
		t.Fatal(err)
	}
	s := newServer(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Deps{Dataset: st.Dataset, Version: "test", Tracker: st, Hosts: []string{"example.com"}})
	return s, st
}

// TestTrackerAPI exercises the tracker's API against the OpenAPI document.
func TestTrackerAPI(t *testing.T) {
	s, _ := trackerServer(t)
	h := s.handler()
	sp := loadSpec(t)
	// The report is an HTML page (as in api_reports_test.go).
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	send := func(method, target, body string, hdr ...string) *httptest.ResponseRecorder {
		rec := do(h, method, target, body, hdr...)
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		var b []byte
		if body != "" {
			b = []byte(body)
		}
		sp.check(t, req, b, rec)
		return rec
	}
	for _, tt := range []struct {
		name, method, target, body string
		hdr                        []string
		status                     int
		want                       string
	}{
		{"list", "GET", "/api/v1/strategies", "", nil, 200, `"name":"gcc-egov"`},
		{"show", "GET", "/api/v1/strategies/gcc-egov", "", nil, 200, `"binding":{"iso3":"BHR","measure":"tii_rank"}`},
		{"ErrShowUnknown", "GET", "/api/v1/strategies/nope", "", nil, 404, ""},
		{"add initiative", "POST", "/api/v1/strategies/gcc-egov/initiatives", `{"name":"Cloud first","name_ar":"السحابة أولاً"}`, nil, 201, `"Cloud first"`},
		{"add KPI", "POST", "/api/v1/strategies/gcc-egov/kpis",
			`{"initiative":"Cloud first","kpi":{"id":"bhr-tii","name":"TII rank","binding":{"iso3":"bhr","measure":"tii_rank"},"baseline":{"year":2022,"value":65},"targets":[{"year":2026,"value":10}]}}`,
			nil, 201, `"status":"on_track"`},
		{"add KPI by hand", "POST", "/api/v1/strategies/gcc-egov/kpis",
			`{"initiative":"Cloud first","kpi":{"id":"svc","name":"services","binding":null,"entries":[{"year":2024,"value":50,"evidence":"report"}],"baseline":{"year":2022,"value":60},"targets":[{"year":2026,"value":80}]}}`,
			nil, 201, `"status":"off_track"`},
		{"ErrKPIUnknownInitiative", "POST", "/api/v1/strategies/gcc-egov/kpis", `{"initiative":"none","kpi":{"id":"x","name":"x"}}`, nil, 404, ""},
		{"ErrKPIDuplicate", "POST", "/api/v1/strategies/gcc-egov/kpis", `{"initiative":"Cloud first","kpi":{"id":"bhr-tii","name":"again"}}`, nil, 400, ""},
		{"ErrKPIBadMeasure", "POST", "/api/v1/strategies/gcc-egov/kpis", `{"initiative":"Cloud first","kpi":{"id":"z","name":"z","binding":{"iso3":"BHR","measure":"speed"}}}`, nil, 400, ""},
		{"ErrNotJSON", "POST", "/api/v1/strategies/gcc-egov/initiatives", `{"name":"x"}`, []string{"Content-Type", "text/plain"}, 400, ""},
		{"ErrCrossOrigin", "POST", "/api/v1/strategies/gcc-egov/initiatives", `{"name":"x"}`, []string{"Origin", "http://evil.example"}, 400, ""},
		{"create strategy", "POST", "/api/v1/strategies", `{"name":"bahrain","scope":"BHR"}`, nil, 201, `"name":"bahrain"`},
		{"ErrCreateTaken", "POST", "/api/v1/strategies", `{"name":"bahrain"}`, nil, 409, ""},
		{"cooperation TKM", "GET", "/api/v1/cooperation?country=TKM", "", nil, 200, `"date":"2019-09"`},
		{"ErrCooperationCountry", "GET", "/api/v1/cooperation?country=XYZ", "", nil, 404, ""},
		{"add cooperation", "POST", "/api/v1/cooperation", `{"kind":"visit","date":"2025-05","parties":["BHR","OMN"],"title":"Oman delegation"}`, nil, 201, `"Oman delegation"`},
		{"report html ar", "GET", "/api/v1/reports/strategies/gcc-egov?lang=ar", "", nil, 200, "تقرير التقدم"},
		{"ErrReportUnknown", "GET", "/api/v1/reports/strategies/nope", "", nil, 404, ""},
		{"ErrReportFormat", "GET", "/api/v1/reports/strategies/gcc-egov?format=doc", "", nil, 400, ""},
		{"ErrCooperationDate", "POST", "/api/v1/cooperation", `{"kind":"visit","date":"May 2025","parties":["BHR"],"title":"x"}`, nil, 400, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(tt.method, tt.target, tt.body, tt.hdr...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status >= 400 {
				errorOf(t, rec)
			}
			if tt.want != "" && !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("body lacks %s: %s", tt.want, rec.Body)
			}
		})
	}
	// The sample KPI reads Bahrain's TII rank from the editions.
	var v struct {
		KPIs []struct {
			ID     string       `json:"id"`
			Values []egdi.Point `json:"values"`
		} `json:"kpis"`
	}
	if err := json.Unmarshal(do(h, "GET", "/api/v1/strategies/gcc-egov", "").Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range v.KPIs {
		if k.ID == "bhr-tii-rank" {
			found = true
			got := map[int]float64{}
			for _, p := range k.Values {
				got[p.Year] = p.Value
			}
			// E-Government Survey 2022 and 2024, exact.
			if got[2022] != 65 || got[2024] != 10 {
				t.Errorf("TII rank 2022 %v, 2024 %v; want 65 and 10", got[2022], got[2024])
			}
		}
	}
	if !found {
		t.Error("no bhr-tii-rank KPI")
	}
	// Without a store the tracker answers 503.
	bare := newTestServer(t).handler()
	if rec := do(bare, "GET", "/api/v1/strategies", ""); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("no store: %d", rec.Code)
	}
}

// TestTrackerPages: the sample renders on the dashboard and on the BHR,
// KWT and TKM country pages, in both languages.
func TestTrackerPages(t *testing.T) {
	s, _ := trackerServer(t)
	h := s.handler()
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/en/strategies", []string{"GCC e-government strategy", "On track"}},
		{"/ar/strategies", []string{"استراتيجية الحكومة الإلكترونية لدول مجلس التعاون الخليجي", "على المسار"}},
		{"/en/strategies/gcc-egov", []string{"Wave 1", "Bahrain TII rank", "<svg", `id="kpi-form"`, "No target"}},
		{"/ar/strategies/gcc-egov", []string{"الموجة الأولى", "ترتيب البحرين في مؤشر البنية التحتية للاتصالات", "لا يوجد مستهدف", `dir="rtl"`}},
		{"/en/cooperation", []string{"UN Public Service Forum and Awards 2013", "2019-09"}},
		{"/ar/cooperation?country=KWT", []string{"الهيئة العامة للاتصالات وتقنية المعلومات", "الحوسبة السحابية"}},
		{"/en/countries/BHR", []string{`id="cooperation"`, "UN Public Service Awards 2014 (2 categories)", "International cooperation of Bahrain"}},
		{"/ar/countries/BHR", []string{`id="cooperation"`, "جوائز الأمم المتحدة للخدمة العامة 2014 (فئتان)"}},
		{"/en/countries/KWT", []string{`id="cooperation"`, "MoU with Kuwait's CITRA on cloud computing"}},
		{"/ar/countries/KWT", []string{`id="cooperation"`, "مذكرة تفاهم مع الهيئة العامة للاتصالات"}},
		{"/en/countries/TKM", []string{`id="cooperation"`, "Turkmenistan delegation (Ministry of Industry and Communication)", "2019-09"}},
		{"/ar/countries/TKM", []string{`id="cooperation"`, "زيارة وفد تركمانستان من وزارة الصناعة والاتصال"}},
	} {
		t.Run(tt.path, func(t *testing.T) {
			rec := do(h, "GET", tt.path, "")
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			body := rec.Body.String()
			if rec.Header().Get("Content-Encoding") == "gzip" {
				body = string(gunzip(t, rec.Body.Bytes()))
			}
			for _, w := range tt.want {
				if !strings.Contains(body, strings.ReplaceAll(w, "'", "&#39;")) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
	// A country without records shows no panel; a server without a store neither.
	if body := do(h, "GET", "/en/countries/FRA", "").Body.String(); strings.Contains(body, `id="cooperation"`) {
		t.Error("France has a cooperation panel")
	}
	if body := do(newTestServer(t).handler(), "GET", "/en/countries/BHR", "").Body.String(); strings.Contains(body, `id="cooperation"`) {
		t.Error("a server without a store shows a cooperation panel")
	}
}

// TestBrowserTracker: in Arabic, add an initiative and a KPI through the
// dashboard's forms and see the KPI's status; the sample renders on the
// strategy page and the country pages.
func TestBrowserTracker(t *testing.T) {
	ctx := newBrowser(t)
	s, _ := trackerServer(t)
	srv := httptest.NewServer(s.handler())
	defer srv.Close()
	violations := securityLog(t, ctx)
	defer func() {
		for _, v := range violations() {
			t.Errorf("security log: %s", v)
		}
	}()
	step(t, ctx, "open the strategy in Arabic", chromedp.Navigate(srv.URL+"/ar/strategies/gcc-egov"),
		chromedp.WaitVisible(chromedp.CSS("#initiative-form")))
	if dir := eval[string](t, ctx, `document.documentElement.getAttribute("dir")`); dir != "rtl" {
		t.Errorf("dir = %q", dir)
	}
	step(t, ctx, "add an initiative",
		chromedp.SendKeys(chromedp.CSS(`#initiative-form input[name="name"]`), "Connectivity"),
		chromedp.SendKeys(chromedp.CSS(`#initiative-form input[name="name_ar"]`), "الاتصال"),
		chromedp.Click(chromedp.CSS(`#initiative-form button`)))
	waitFor(t, ctx, `Array.from(document.querySelectorAll("article.initiative h3")).some(h => h.textContent === "الاتصال")`)
	step(t, ctx, "the page after the reload", chromedp.WaitVisible(chromedp.CSS("#kpi-form")))
	step(t, ctx, "add a KPI bound to Bahrain's TII rank",
		chromedp.SetValue(chromedp.CSS(`#kpi-form select[name="initiative"]`), "Connectivity"),
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.id"]`), "bhr-tii-2026"),
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.name"]`), "ترتيب البنية التحتية"),
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.binding.iso3"]`), "BHR"),
		chromedp.SetValue(chromedp.CSS(`#kpi-form select[name="kpi.binding.measure"]`), "tii_rank"),
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.baseline.year"]`), "2022"),
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.baseline.value"]`), "65"),
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.targets.0.year"]`), "2026"),
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.targets.0.value"]`), "10"),
		chromedp.Click(chromedp.CSS(`#kpi-form button`)))
	waitFor(t, ctx, `document.querySelector("#kpi-bhr-tii-2026 [data-status]") !== null`)
	step(t, ctx, "the page after the reload", chromedp.WaitVisible(chromedp.CSS("#kpi-form")))
	// 65 in 2022 → 10 in 2026: the path expects 37.5 in 2024; Bahrain is 10th.
	if st := eval[string](t, ctx, `document.querySelector("#kpi-bhr-tii-2026 [data-status]").dataset.status`); st != "on_track" {
		t.Errorf("status %q, want on_track", st)
	}
	if txt := eval[string](t, ctx, `document.querySelector("#kpi-bhr-tii-2026 [data-status]").textContent`); txt != "على المسار" {
		t.Errorf("status text %q, want على المسار", txt)
	}
	if !eval[bool](t, ctx, `document.querySelector("#kpi-bhr-tii-2026 svg") !== null`) {
		t.Error("the new KPI has no chart")
	}
	step(t, ctx, "scroll to the KPI", chromedp.ScrollIntoView(chromedp.CSS("#kpi-bhr-tii-2026")))
	screenshot(t, ctx, "tracker_kpi_ar")
	// A bad KPI shows the API's message and adds nothing.
	step(t, ctx, "a KPI with a taken id",
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.id"]`), "bhr-tii-2026"),
		chromedp.SendKeys(chromedp.CSS(`#kpi-form input[name="kpi.name"]`), "x"),
		chromedp.Click(chromedp.CSS(`#kpi-form button`)),
		chromedp.Poll[chromedp.Void](`document.querySelector(".form-status.error") !== null`, chromedp.WithPollingTimeout(10*time.Second)))
	for _, p := range []struct{ path, want string }{
		{"/ar/countries/BHR", "جوائز الأمم المتحدة للخدمة العامة 2014"},
		{"/ar/countries/KWT", "مذكرة تفاهم مع الهيئة العامة للاتصالات"},
		{"/en/countries/TKM", "Turkmenistan delegation"},
		{"/en/strategies", "GCC e-government strategy"},
	} {
		step(t, ctx, p.path, chromedp.Navigate(srv.URL+p.path), chromedp.WaitReady(chromedp.CSS("footer")))
		if !eval[bool](t, ctx, `document.body.innerText.includes(`+jsString(p.want)+`)`) {
			t.Errorf("%s lacks %q", p.path, p.want)
		}
		screenshot(t, ctx, "tracker"+strings.ReplaceAll(p.path, "/", "_"))
	}
	// 390 px wide: the strategy page does not scroll sideways.
	step(t, ctx, "narrow", chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.URL+"/ar/strategies/gcc-egov"),
		chromedp.WaitReady(chromedp.CSS("footer")))
	if over := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`); over {
		t.Errorf("the Arabic strategy page is wider than 390 px: %d", eval[int](t, ctx, `document.documentElement.scrollWidth`))
	}
	screenshot(t, ctx, "tracker_strategy_ar_390")
}

// waitFor evaluates expr until it is true, across the page reloads a
// form submission causes (an evaluation during one fails and is retried).
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", expr)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
