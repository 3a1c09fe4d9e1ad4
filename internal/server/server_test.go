package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/api"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/i18n"
	"github.com/egdi-project/egdi/internal/sqlite"
	"github.com/egdi-project/egdi/internal/tabular"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// newTestServer returns the server on the built-in data, logging to the
// test's output.
func newTestServer(tb testing.TB) *Server {
	tb.Helper()
	var logger *slog.Logger
	if t, ok := tb.(*testing.T); ok {
		logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	} else {
		logger = slog.New(slog.DiscardHandler)
	}
	return newServer(logger, Deps{Dataset: func(context.Context) (*egdi.Dataset, error) { return builtin.Dataset() },
		Version: "test", Hosts: []string{"example.com"}})
}

// newJobServer is newTestServer with a SQLite store for its jobs, whose
// worker runs until the test ends. set, when not nil, changes the
// dependencies first.
func newJobServer(t *testing.T, set func(*Deps)) (*Server, *sqlite.DB) {
	t.Helper()
	st := openJobStore(t)
	s := newTestServer(t)
	s.deps.Jobs = st
	s.deps.JobPoll = 20 * time.Millisecond
	if set != nil {
		set(&s.deps)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Work(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return s, st
}

func openJobStore(t testing.TB) *sqlite.DB {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "egdi.db"),
		Builtin: builtin.MustDataset(), BuiltinVersion: builtin.Version})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// spec is the OpenAPI document and a router over it (used only to match
// requests to operations).
type spec struct {
	doc    *openapi3.T
	router routers.Router
}

func loadSpec(tb testing.TB) *spec {
	tb.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Spec)
	if err != nil {
		tb.Fatalf("openapi.yaml does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		tb.Fatalf("openapi.yaml is not valid: %v", err)
	}
	rt, err := gorillamux.NewRouter(doc)
	if err != nil {
		tb.Fatalf("router: %v", err)
	}
	return &spec{doc: doc, router: rt}
}

// check validates a request and its recorded response against the spec.
func (sp *spec) check(t *testing.T, req *http.Request, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	// The router matches on the full URL; the spec's server is "/".
	r2 := req.Clone(context.Background())
	r2.URL.Scheme, r2.URL.Host = "http", "example.com"
	r2.Host = "example.com"
	if body != nil {
		r2.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, params, err := sp.router.FindRoute(r2)
	if err != nil {
		t.Errorf("%s %s: not in the spec: %v", req.Method, req.URL, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r2, PathParams: params, Route: route,
		Options: &openapi3filter.Options{ExcludeRequestBody: rec.Code >= 400, ExcludeRequestQueryParams: rec.Code >= 400,
			MultiError: true}}
	if rec.Code < 400 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s: request does not match the spec: %v", req.Method, req.URL, err)
		}
	}
	respBody := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		respBody = gunzip(t, respBody)
	}
	h := rec.Header().Clone()
	h.Del("Content-Encoding")
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: h,
		Body: io.NopCloser(bytes.NewReader(respBody)), Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
	if strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		out.Options.ExcludeResponseBody = true
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s → %d: response does not match the spec: %v", req.Method, req.URL, rec.Code, err)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return out
}

// do sends one request through the whole handler (middleware included).
func do(h http.Handler, method, target, body string, hdr ...string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// errorOf decodes a JSON error body, failing when it is not one.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) errorBody {
	t.Helper()
	var e errorBody
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type = %q, want application/json", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %q is not {\"error\":{…}}: %v", rec.Body.String(), err)
	}
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body %q lacks code or message", rec.Body.String())
	}
	return e
}

// TestAPI sends every endpoint its good and bad requests, checks the status,
// the JSON error body of every error, and every exchange against the
// OpenAPI document.
func TestAPI(t *testing.T) {
	s := newTestServer(t)
	h := s.handler()
	sp := loadSpec(t)
	big := `{"iso3":"BHR","pad":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	tests := []struct {
		name, method, target, body string
		status                     int
		code                       string // error code for 4xx
		check                      func(t *testing.T, body []byte)
	}{
		{name: "health", method: "GET", target: "/healthz", status: 200},
		{name: "spec", method: "GET", target: "/api/v1/openapi.yaml", status: 200, check: func(t *testing.T, b []byte) {
			if !bytes.Equal(b, api.Spec) {
				t.Error("served spec differs from the embedded one")
			}
		}},
		{name: "editions", method: "GET", target: "/api/v1/editions", status: 200, check: func(t *testing.T, b []byte) {
			var v struct{ Editions []editionJSON }
			mustJSON(t, b, &v)
			if len(v.Editions) != len(egdi.Editions) {
				t.Errorf("got %d editions, want %d", len(v.Editions), len(egdi.Editions))
			}
		}},
		{name: "edition", method: "GET", target: "/api/v1/editions/2024", status: 200, check: func(t *testing.T, b []byte) {
			var v struct{ Summary summary }
			mustJSON(t, b, &v)
			n := 0
			for _, c := range v.Summary.GroupCounts {
				n += c
			}
			if n != v.Summary.Assessed || n != 193 {
				t.Errorf("group counts add to %d, assessed %d, want 193", n, v.Summary.Assessed)
			}
			if len(v.Summary.Leaders) != 10 || v.Summary.Leaders[0].EGDIRank != 1 {
				t.Errorf("leaders = %d, first rank %d", len(v.Summary.Leaders), v.Summary.Leaders[0].EGDIRank)
			}
		}},
		{name: "edition leaders", method: "GET", target: "/api/v1/editions/2003?leaders=3", status: 200},
		{name: "edition unknown", method: "GET", target: "/api/v1/editions/2006", status: 404, code: egdi.ENOTFOUND},
		{name: "edition not a year", method: "GET", target: "/api/v1/editions/abc", status: 400, code: egdi.EINVALID},
		{name: "edition bad leaders", method: "GET", target: "/api/v1/editions/2024?leaders=-1", status: 400, code: egdi.EINVALID},
		{name: "countries", method: "GET", target: "/api/v1/countries", status: 200, check: func(t *testing.T, b []byte) {
			var v struct{ Count int }
			mustJSON(t, b, &v)
			if v.Count != 193 {
				t.Errorf("count = %d, want 193", v.Count)
			}
		}},
		{name: "countries gcc", method: "GET", target: "/api/v1/countries?group=gcc", status: 200, check: func(t *testing.T, b []byte) {
			var v struct{ Count int }
			mustJSON(t, b, &v)
			if v.Count != len(egdi.GCC) {
				t.Errorf("count = %d, want %d", v.Count, len(egdi.GCC))
			}
		}},
		{name: "countries bad group", method: "GET", target: "/api/v1/countries?group=nato", status: 400, code: egdi.EINVALID},
		{name: "country", method: "GET", target: "/api/v1/countries/BHR", status: 200, check: func(t *testing.T, b []byte) {
			var v struct {
				ISO3    string
				NameAR  string `json:"name_ar"`
				History []egdi.HistoryEntry
			}
			mustJSON(t, b, &v)
			if v.ISO3 != "BHR" || v.NameAR != "البحرين" || len(v.History) != len(egdi.Editions) {
				t.Errorf("got %s %q with %d editions", v.ISO3, v.NameAR, len(v.History))
			}
		}},
		{name: "country lower case", method: "GET", target: "/api/v1/countries/bhr", status: 200},
		{name: "country unknown", method: "GET", target: "/api/v1/countries/XXX", status: 404, code: egdi.ENOTFOUND},
		{name: "country malformed", method: "GET", target: "/api/v1/countries/B1", status: 400, code: egdi.EINVALID},
		{name: "rankings", method: "GET", target: "/api/v1/rankings?edition=2024", status: 200, check: func(t *testing.T, b []byte) {
			var v ranking
			mustJSON(t, b, &v)
			if v.Count != 193 || v.Rows[0].RankWithin != 1 || v.Rows[0].EGDIRank != 1 {
				t.Errorf("count %d, first row %+v", v.Count, v.Rows[0].Ranked)
			}
		}},
		{name: "rankings filtered", method: "GET", target: "/api/v1/rankings?edition=2018&by=tii&subregion=Western+Asia&group=gcc&top=3&lang=ar", status: 200,
			check: func(t *testing.T, b []byte) {
				var v ranking
				mustJSON(t, b, &v)
				if v.Count != 3 || v.Rows[0].RankWithin != 1 || !strings.ContainsFunc(v.Rows[0].Name, isArabic) {
					t.Errorf("got %d rows, first %+v", v.Count, v.Rows[0])
				}
				for i := 1; i < len(v.Rows); i++ {
					if v.Rows[i].TIIRank < v.Rows[i-1].TIIRank {
						t.Errorf("rows not ordered by tii rank: %d after %d", v.Rows[i].TIIRank, v.Rows[i-1].TIIRank)
					}
				}
			}},
		{name: "rankings region", method: "GET", target: "/api/v1/rankings?region=Africa", status: 200},
		{name: "rankings empty view", method: "GET", target: "/api/v1/rankings?region=Europe&group=ldc", status: 200},
		{name: "rankings bad edition", method: "GET", target: "/api/v1/rankings?edition=1999", status: 400, code: egdi.EINVALID},
		{name: "rankings edition not a number", method: "GET", target: "/api/v1/rankings?edition=x", status: 400, code: egdi.EINVALID},
		{name: "rankings bad by", method: "GET", target: "/api/v1/rankings?by=gdp", status: 400, code: egdi.EINVALID},
		{name: "rankings bad region", method: "GET", target: "/api/v1/rankings?region=Atlantis", status: 400, code: egdi.EINVALID},
		{name: "rankings bad subregion", method: "GET", target: "/api/v1/rankings?subregion=Mars", status: 400, code: egdi.EINVALID},
		{name: "rankings bad group", method: "GET", target: "/api/v1/rankings?group=g7", status: 400, code: egdi.EINVALID},
		{name: "rankings bad top", method: "GET", target: "/api/v1/rankings?top=-2", status: 400, code: egdi.EINVALID},
		{name: "rankings bad lang", method: "GET", target: "/api/v1/rankings?lang=fr", status: 400, code: egdi.EINVALID},
		{name: "rankings twice", method: "GET", target: "/api/v1/rankings?edition=2024&edition=2022", status: 400, code: egdi.EINVALID},
		{name: "rankings bad escape", method: "GET", target: "/api/v1/rankings?edition=%zz", status: 400, code: egdi.EINVALID},
		{name: "download csv", method: "GET", target: "/api/v1/rankings/download?group=gcc&format=csv", status: 200, check: func(t *testing.T, b []byte) {
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(lines) != 1+len(egdi.GCC) || !strings.HasPrefix(lines[0], "\ufeffSurvey Year,Country Name,") {
				t.Errorf("csv has %d lines, header %q", len(lines), lines[0])
			}
		}},
		{name: "download xlsx", method: "GET", target: "/api/v1/rankings/download?format=xlsx&lang=ar", status: 200, check: func(t *testing.T, b []byte) {
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("xlsx: %v", err)
			}
			defer func() { _ = f.Close() }()
			// lang=ar: the Arabic sheet first, and open.
			_, ar := tabular.XLSXSheets("2024")
			if sh := f.GetSheetList(); len(sh) != 2 || sh[0] != ar || f.GetActiveSheetIndex() != 0 {
				t.Errorf("sheets %q (active %d), want %q first and open", sh, f.GetActiveSheetIndex(), ar)
			}
		}},
		{name: "download csv ar", method: "GET", target: "/api/v1/rankings/download?group=gcc&format=csv&lang=ar", status: 200, check: func(t *testing.T, b []byte) {
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(lines) != 1+len(egdi.GCC) || !strings.HasPrefix(lines[0], "\ufeff"+i18n.T("ar", "edition")+","+i18n.T("ar", "country")+",") ||
				!strings.Contains(string(b), "البحرين") || strings.Contains(string(b), "Bahrain") || strings.Contains(string(b), "Western Asia") {
				t.Errorf("Arabic csv:\n%s", b)
			}
		}},
		{name: "download json", method: "GET", target: "/api/v1/rankings/download?format=json&top=5", status: 200, check: func(t *testing.T, b []byte) {
			var rows []rankingRow
			mustJSON(t, b, &rows)
			if len(rows) != 5 || rows[4].RankWithin != 5 {
				t.Errorf("json rows = %d", len(rows))
			}
		}},
		{name: "download bad format", method: "GET", target: "/api/v1/rankings/download?format=pdf", status: 400, code: egdi.EINVALID},
		{name: "compare", method: "GET", target: "/api/v1/compare?countries=BHR,ARE,SAU&edition=2018", status: 200, check: func(t *testing.T, b []byte) {
			var v comparison
			mustJSON(t, b, &v)
			if len(v.Rows) != 3 || len(v.History) != 3 || v.Rows[0].RankWithin != 1 {
				t.Errorf("rows %d, history %d", len(v.Rows), len(v.History))
			}
		}},
		{name: "compare not assessed", method: "GET", target: "/api/v1/compare?countries=SSD,BHR&edition=2010", status: 200, check: func(t *testing.T, b []byte) {
			var v comparison
			mustJSON(t, b, &v)
			if !slices.Equal(v.NotAssessed, []egdi.ISO3{"SSD"}) {
				t.Errorf("not assessed = %v, want [SSD]", v.NotAssessed)
			}
		}},
		{name: "compare none", method: "GET", target: "/api/v1/compare", status: 400, code: egdi.EINVALID},
		{name: "compare too many", method: "GET", target: "/api/v1/compare?countries=BHR,ARE,SAU,QAT,KWT,OMN,EGY,JOR,MAR", status: 400, code: egdi.EINVALID},
		{name: "compare twice", method: "GET", target: "/api/v1/compare?countries=BHR,bhr", status: 400, code: egdi.EINVALID},
		{name: "compare unknown", method: "GET", target: "/api/v1/compare?countries=BHR,XXX", status: 404, code: egdi.ENOTFOUND},
		{name: "whatif", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"BHR","edition":2024,"osi":1,"tii":1,"hci":1}`, status: 200,
			check: func(t *testing.T, b []byte) {
				var v whatIfResponse
				mustJSON(t, b, &v)
				// EGDI = (1+1+1)/3 = 1, above every published value: rank 1.
				if v.WhatIf.EGDI != 1 || v.WhatIf.EGDIRank != 1 || v.RankChange != v.Published.EGDIRank-1 {
					t.Errorf("what-if = %+v, change %d", v.WhatIf, v.RankChange)
				}
			}},
		{name: "whatif nothing changed", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"BHR"}`, status: 200, check: func(t *testing.T, b []byte) {
			var v whatIfResponse
			mustJSON(t, b, &v)
			if v.WhatIf != v.Published || v.RankChange != 0 {
				t.Errorf("unchanged what-if moved: %+v → %+v", v.Published, v.WhatIf)
			}
		}},
		{name: "whatif out of bounds", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"BHR","osi":1.2}`, status: 400, code: egdi.EINVALID},
		{name: "whatif negative", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"BHR","hci":-0.1}`, status: 400, code: egdi.EINVALID},
		{name: "whatif others move", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"AFG","edition":2022,"osi":1,"tii":1,"hci":1}`, status: 200,
			check: func(t *testing.T, b []byte) {
				var v whatIfResponse
				mustJSON(t, b, &v)
				if v.WhatIf.EGDIRank != 1 || len(v.Moved) == 0 {
					t.Errorf("AFG at 1/1/1: rank %d, %d others moved", v.WhatIf.EGDIRank, len(v.Moved))
				}
			}},
		{name: "whatif unknown country", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"ZZZ","osi":0.5}`, status: 404, code: egdi.ENOTFOUND},
		{name: "whatif no country", method: "POST", target: "/api/v1/whatif", body: `{"osi":0.5}`, status: 400, code: egdi.EINVALID},
		{name: "whatif not assessed", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"SSD","edition":2010}`, status: 404, code: egdi.ENOTFOUND},
		{name: "whatif bad edition", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"BHR","edition":2023}`, status: 400, code: egdi.EINVALID},
		{name: "whatif malformed", method: "POST", target: "/api/v1/whatif", body: `{"iso3":`, status: 400, code: egdi.EINVALID},
		{name: "whatif wrong type", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"BHR","osi":"high"}`, status: 400, code: egdi.EINVALID},
		{name: "whatif unknown field", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"BHR","gdp":3}`, status: 400, code: egdi.EINVALID},
		{name: "whatif two objects", method: "POST", target: "/api/v1/whatif", body: `{"iso3":"BHR"}{"iso3":"ARE"}`, status: 400, code: egdi.EINVALID},
		{name: "whatif oversize", method: "POST", target: "/api/v1/whatif", body: big, status: 413, code: egdi.EINVALID},
		{name: "whatif wrong method", method: "GET", target: "/api/v1/whatif", status: 405, code: egdi.EINVALID},
		{name: "target rank", method: "POST", target: "/api/v1/target", body: `{"iso3":"BHR","edition":2024,"rank":5}`, status: 200,
			check: func(t *testing.T, b []byte) {
				var v egdi.TargetResult
				mustJSON(t, b, &v)
				if v.Target.Rank != 5 || v.Rank != 18 || !v.Reachable || len(v.Plans) == 0 {
					t.Fatalf("target = %+v", v)
				}
				for _, p := range v.Plans {
					if p.Reached && p.Rank > 5 {
						t.Errorf("plan %s says reached at rank %d > 5", p.Name, p.Rank)
					}
				}
			}},
		{name: "target group", method: "POST", target: "/api/v1/target", body: `{"iso3":"AFG","group":"middle"}`, status: 200},
		{name: "target beat", method: "POST", target: "/api/v1/target", body: `{"iso3":"BHR","beat":"SAU"}`, status: 200},
		{name: "target class", method: "POST", target: "/api/v1/target", body: `{"iso3":"OMN","class":"VH"}`, status: 200},
		{name: "target neither", method: "POST", target: "/api/v1/target", body: `{"iso3":"BHR"}`, status: 400, code: egdi.EINVALID},
		{name: "target both", method: "POST", target: "/api/v1/target", body: `{"iso3":"BHR","rank":3,"group":"high"}`, status: 400, code: egdi.EINVALID},
		{name: "target rank too big", method: "POST", target: "/api/v1/target", body: `{"iso3":"BHR","rank":500}`, status: 400, code: egdi.EINVALID},
		{name: "target empty body", method: "POST", target: "/api/v1/target", status: 400, code: egdi.EINVALID},
		{name: "explain", method: "GET", target: "/api/v1/explain?iso3=BHR&edition=2024", status: 200, check: func(t *testing.T, b []byte) {
			var v egdi.Explanation
			mustJSON(t, b, &v)
			// The contributions add up to the change (to 1e-9), and the rank
			// change to its own and others' parts exactly.
			if v.From != 2022 || abs(v.Contributions.Sum()-v.EGDIChange) > 1e-9 || v.OwnEffect+v.OthersEffect != v.RankChange {
				t.Errorf("explain from %d: Σ = %g, change %g, rank %d = %d + %d", v.From, v.Contributions.Sum(), v.EGDIChange,
					v.RankChange, v.OwnEffect, v.OthersEffect)
			}
		}},
		{name: "explain vs", method: "GET", target: "/api/v1/explain?iso3=BHR&edition=2024&vs=ARE", status: 200, check: func(t *testing.T, b []byte) {
			var g egdi.Gap
			mustJSON(t, b, &g)
			// The peer gap of egdi explain --vs: contributions add up to the
			// EGDI gap (to 1e-9), the rank gap is the difference of the
			// published ranks, and the countries between are that many less one.
			if g.ISO3 != "BHR" || g.Vs != "ARE" || g.Edition != 2024 || abs(g.Contributions.Sum()-g.EGDIGap) > 1e-9 ||
				abs(g.EGDIPeer-g.EGDI-g.EGDIGap) > 1e-12 || g.RankGap != g.Rank-g.RankPeer || g.RankGap <= 0 || len(g.Between) != g.RankGap-1 {
				t.Errorf("gap %+v", g)
			}
		}},
		{name: "explain vs unknown", method: "GET", target: "/api/v1/explain?iso3=BHR&vs=QQQ", status: 404, code: egdi.ENOTFOUND},
		{name: "explain vs self", method: "GET", target: "/api/v1/explain?iso3=BHR&vs=BHR", status: 400, code: egdi.EINVALID},
		{name: "explain vs and from", method: "GET", target: "/api/v1/explain?iso3=BHR&vs=ARE&from=2022", status: 400, code: egdi.EINVALID},
		{name: "explain from", method: "GET", target: "/api/v1/explain?iso3=BHR&edition=2024&from=2010", status: 200},
		{name: "explain bad from", method: "GET", target: "/api/v1/explain?iso3=BHR&from=2011", status: 400, code: egdi.EINVALID},
		{name: "explain first edition", method: "GET", target: "/api/v1/explain?iso3=BHR&edition=2003", status: 404, code: egdi.ENOTFOUND},
		{name: "explain no country", method: "GET", target: "/api/v1/explain", status: 400, code: egdi.EINVALID},
		{name: "explain unknown", method: "GET", target: "/api/v1/explain?iso3=QQQ", status: 404, code: egdi.ENOTFOUND},
		{name: "uncertainty bad edition", method: "POST", target: "/api/v1/uncertainty", body: `{"edition":1990}`, status: 400, code: egdi.EINVALID},
		{name: "uncertainty bad replications", method: "POST", target: "/api/v1/uncertainty", body: `{"replications":5}`, status: 400, code: egdi.EINVALID},
		{name: "uncertainty bad vary", method: "POST", target: "/api/v1/uncertainty", body: `{"vary":"everything"}`, status: 400, code: egdi.EINVALID},
		{name: "uncertainty bad group", method: "POST", target: "/api/v1/uncertainty", body: `{"group":"eu"}`, status: 400, code: egdi.EINVALID},
		{name: "uncertainty text body", method: "POST", target: "/api/v1/uncertainty", body: `edition=2024`, status: 400, code: egdi.EINVALID},
		{name: "job unknown", method: "GET", target: "/api/v1/uncertainty/nope", status: 404, code: egdi.ENOTFOUND},
		{name: "job cancel unknown", method: "DELETE", target: "/api/v1/uncertainty/nope", status: 404, code: egdi.ENOTFOUND},
		{name: "api unknown path", method: "GET", target: "/api/v1/nothing", status: 404, code: egdi.ENOTFOUND},
		{name: "api wrong method", method: "DELETE", target: "/api/v1/rankings", status: 405, code: egdi.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tt.name == "uncertainty text body" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %.300s", rec.Code, tt.status, rec.Body.String())
			}
			if rec.Code >= 400 {
				if e := errorOf(t, rec); e.Error.Code != tt.code {
					t.Errorf("error code = %q, want %q (%s)", e.Error.Code, tt.code, e.Error.Message)
				}
			}
			if tt.status != 405 && !strings.HasPrefix(tt.target, "/api/v1/nothing") {
				sp.check(t, req, []byte(tt.body), rec)
			}
			if tt.check != nil {
				tt.check(t, rec.Body.Bytes())
			}
		})
	}
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("bad JSON: %v\n%.300s", err, b)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func isArabic(r rune) bool { return r >= 0x0600 && r <= 0x06FF }

// TestRoutesMatchSpec fails when a route of the table is not in the
// OpenAPI document, or a path of the document has no route.
func TestRoutesMatchSpec(t *testing.T) {
	s := newTestServer(t)
	sp := loadSpec(t)
	inTable := map[string]bool{}
	for _, rt := range s.routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/") && rt.Pattern != "/healthz" {
			continue
		}
		key := rt.Method + " " + rt.Pattern
		inTable[key] = true
		item := sp.doc.Paths.Find(rt.Pattern)
		if item == nil || item.GetOperation(rt.Method) == nil {
			t.Errorf("route %s is not described in api/openapi.yaml", key)
		}
	}
	for path, item := range sp.doc.Paths.Map() {
		for method := range item.Operations() {
			if !inTable[method+" "+path] {
				t.Errorf("api/openapi.yaml describes %s %s, which no route serves", method, path)
			}
		}
	}
}

// TestUncertaintyJob runs a job to its end, and cancels another, with the
// SQLite store's job table (what several processes share) and the worker.
func TestUncertaintyJob(t *testing.T) {
	s, _ := newJobServer(t, nil)
	h := s.handler()
	sp := loadSpec(t)
	body := `{"edition":2024,"group":"gcc","replications":2000,"seed":7}`
	req := httptest.NewRequest("POST", "/api/v1/uncertainty", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST status = %d, want 202: %s", rec.Code, rec.Body)
	}
	sp.check(t, req, []byte(body), rec)
	var j jobResponse
	mustJSON(t, rec.Body.Bytes(), &j)
	if rec.Header().Get("Location") != j.URL || !strings.HasPrefix(j.URL, "/api/v1/uncertainty/") {
		t.Fatalf("Location %q, url %q", rec.Header().Get("Location"), j.URL)
	}
	deadline := time.Now().Add(20 * time.Second)
	for j.Status != JobDone {
		if time.Now().After(deadline) || j.Status == JobFailed || j.Status == JobCanceled {
			t.Fatalf("job did not finish: %+v", j.Job)
		}
		time.Sleep(20 * time.Millisecond)
		req = httptest.NewRequest("GET", j.URL, nil)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("GET status %d", rec.Code)
		}
		j = jobResponse{}
		mustJSON(t, rec.Body.Bytes(), &j)
	}
	sp.check(t, req, nil, rec)
	var res uncertaintyResult
	mustJSON(t, j.Result, &res)
	if len(res.Rows) != len(egdi.GCC) {
		t.Fatalf("rows = %d, want %d", len(res.Rows), len(egdi.GCC))
	}
	for _, r := range res.Rows {
		if !(r.RankP05 <= r.RankMedian && r.RankMedian <= r.RankP95) || r.RankP05 < 1 || r.RankP95 > 193 {
			t.Errorf("%s: interval %d–%d–%d out of order or range", r.ISO3, r.RankP05, r.RankMedian, r.RankP95)
		}
	}

	// Cancel a long job at once.
	rec = do(h, "POST", "/api/v1/uncertainty", `{"replications":200000}`)
	mustJSON(t, rec.Body.Bytes(), &j)
	rec = do(h, "DELETE", j.URL, "")
	if rec.Code != 200 {
		t.Fatalf("DELETE status %d", rec.Code)
	}
	for range 200 {
		rec = do(h, "GET", j.URL, "")
		j = jobResponse{}
		mustJSON(t, rec.Body.Bytes(), &j)
		if j.Status == JobCanceled {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("job not canceled: %s", j.Status)
}

// TestUncertaintySeed pins reproducibility: the same seed gives the same
// intervals, another seed other ones.
func TestUncertaintySeed(t *testing.T) {
	d := builtin.MustDataset()
	b, err := egdi.NewBase(d, 2024, egdi.ComponentLevel)
	if err != nil {
		t.Fatal(err)
	}
	req := uncertaintyRequest{Edition: ptr(2024), Group: "arab", Replications: ptr(2000), Seed: 42}
	vary, err := req.check(d.Countries)
	if err != nil {
		t.Fatal(err)
	}
	none := func(float64) error { return nil }
	x, err := runUncertainty(t.Context(), d, b, req, vary, none)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Rows) != len(egdi.Arab) {
		t.Fatalf("rows = %d, want the %d Arab States", len(x.Rows), len(egdi.Arab))
	}
	y, _ := runUncertainty(t.Context(), d, b, req, vary, none)
	if !slices.Equal(x.Rows, y.Rows) {
		t.Error("same seed, different intervals")
	}
	req.Seed = 43
	z, _ := runUncertainty(t.Context(), d, b, req, vary, none)
	if slices.Equal(x.Rows, z.Rows) {
		t.Error("different seeds, identical results: the seed is not used")
	}
	// A cancellation seen in the job store stops the run with ECANCELED.
	req.Replications = ptr(maxReplications)
	_, err = runUncertainty(t.Context(), d, b, req, vary, func(float64) error { return egdi.Errorf(egdi.ECANCELED, "Canceled.") })
	if egdi.ErrorCode(err) != egdi.ECANCELED {
		t.Errorf("canceled run: %v, want ECANCELED", err)
	}
}

// TestProductionHeaders checks security headers, gzip, ETag and 304, and
// cache headers.
func TestProductionHeaders(t *testing.T) {
	h := newTestServer(t).handler()
	rec := do(h, "GET", "/api/v1/rankings?edition=2024", "", "Accept-Encoding", "gzip")
	hd := rec.Header()
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Content-Encoding":       "gzip",
		"Cache-Control":          "public, max-age=300",
	} {
		if got := hd.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	cspv := hd.Get("Content-Security-Policy")
	for _, part := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
		if !strings.Contains(cspv, part) {
			t.Errorf("CSP %q lacks %q", cspv, part)
		}
	}
	if strings.Contains(cspv, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", cspv)
	}
	plain := gunzip(t, rec.Body.Bytes())
	if !json.Valid(plain) {
		t.Error("gzip body is not JSON")
	}
	etag := hd.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	rec = do(h, "GET", "/api/v1/rankings?edition=2024", "", "If-None-Match", etag)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: status %d, %d bytes, want 304 and none", rec.Code, rec.Body.Len())
	}
	// Same view, parameters in another order: same entity.
	rec = do(h, "GET", "/api/v1/rankings?lang=en&edition=2024", "")
	if rec.Header().Get("ETag") == etag {
		t.Log("note: a different query is a different entity unless it renders identically")
	}
	rec = do(h, "GET", "/static/style.css?v="+staticFiles()["style.css"].hash, "")
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("hashed asset Cache-Control = %q, want immutable", cc)
	}
	rec = do(h, "GET", "/static/missing.css", "")
	if rec.Code != 404 {
		t.Errorf("missing asset: %d", rec.Code)
	}
	rec = do(h, "GET", "/en/", "")
	if rec.Header().Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
}

// TestRootLanguage checks that / picks the language by Accept-Language.
func TestRootLanguage(t *testing.T) {
	h := newTestServer(t).handler()
	for _, tt := range []struct{ name, accept, want string }{
		{"none", "", "/en/"},
		{"arabic", "ar-BH,ar;q=0.9,en;q=0.8", "/ar/"},
		{"english first", "en-GB,en;q=0.9,ar;q=0.5", "/en/"},
		{"arabic weighted higher", "en;q=0.4, ar;q=0.8", "/ar/"},
		{"other language", "fr-FR", "/en/"},
		{"refused arabic", "ar;q=0", "/en/"},
		{"garbage", ";;q=x,,", "/en/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, "GET", "/", "", "Accept-Language", tt.accept)
			if rec.Code != http.StatusFound || rec.Header().Get("Location") != tt.want {
				t.Errorf("got %d → %q, want 302 → %q", rec.Code, rec.Header().Get("Location"), tt.want)
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept-Language") {
				t.Error("no Vary: Accept-Language")
			}
		})
	}
}

// TestPages renders every page in both languages.
func TestPages(t *testing.T) {
	h := newTestServer(t).handler()
	tests := []struct {
		name, path string
		status     int
		want       []string // substrings of the English page
		wantAR     []string // substrings of the Arabic page
	}{
		{"home", "/", 200, []string{`class="worldmap"`, `data-iso="BHR"`, "Denmark"}, []string{"الدانمرك", "البحرين"}},
		{"home tii 2010", "/?edition=2010&index=tii", 200, []string{"Telecommunication Infrastructure Index, 2010"}, nil},
		{"home bad edition", "/?edition=1", 400, []string{`class="error"`}, []string{`class="error"`, "في هذا العنوان قيمة غير صالحة"}},
		{"rankings", "/rankings?group=gcc&by=osi", 200, []string{`aria-sort="ascending"`, "Bahrain", "/api/v1/rankings/download?"}, []string{"البحرين"}},
		{"rankings bad", "/rankings?region=Mars", 400, []string{"Unknown region"}, nil},
		{"country", "/countries/BHR", 200, []string{"Bahrain", `id="whatif-form"`, `id="wi-osi"`, "Why it changed", "Gulf Cooperation Council"}, []string{"البحرين", "ماذا لو"}},
		{"country old edition", "/countries/BHR?edition=2003", 200, []string{"Bahrain"}, nil},
		{"country not assessed", "/countries/SSD?edition=2008", 200, []string{"not assessed"}, nil},
		{"country whatif", "/countries/BHR?osi=1&tii=1&hci=1", 200, []string{`id="wi-rank">1<`}, nil},
		{"country target", "/countries/BHR?target=5", 200, []string{"Ways to close the gap"}, nil},
		{"country bad slider", "/countries/BHR?osi=2", 400, nil, nil},
		// Finding 7: the web's words, not the CLI's flags.
		{"country target beyond", "/countries/BHR?target=500", 400, []string{"The target rank must be a whole number from 1 to 193.", `value="500"`}, []string{"يجب أن تكون المرتبة المستهدفة عدداً صحيحاً من 1 إلى 193."}},
		{"country unknown", "/countries/XXX", 404, nil, nil},
		{"country malformed", "/countries/12", 400, nil, nil},
		{"compare empty", "/compare", 200, []string{`name="add"`, `<datalist id="country-list">`}, nil},
		{"compare add by name", "/compare?c=BHR&add=Oman", 200, []string{`name="c" value="OMN"`, "Oman"}, nil},
		{"compare add arabic name", "/compare?c=BHR&add=%D8%B9%D9%85%D8%A7%D9%86", 200, []string{`name="c" value="OMN"`}, []string{"عمان"}},
		{"compare add unknown", "/compare?c=BHR&add=Atlantis", 400, []string{`class="formerror"`, "No Member State matches “Atlantis”", `value="Atlantis"`, "Bahrain"}, []string{"لا توجد دولة عضو تطابق «Atlantis»"}},
		{"compare focus", "/compare?c=BHR&c=OMN&focus=OMN", 200, []string{`class="pill focus" href="/en/compare?c=BHR&amp;c=OMN&amp;edition=2024&amp;focus=OMN"`}, nil},
		{"compare", "/compare?c=BHR&c=ARE&c=SAU", 200, []string{"EGDI across editions", "Saudi Arabia"}, []string{"المملكة العربية السعودية"}},
		{"compare too many", "/compare?countries=BHR,ARE,SAU,QAT,KWT,OMN,EGY,JOR,MAR", 400,
			[]string{"Compare shows at most 8 countries; you chose 9.", `name="c" value="MAR"`, `id="compare-form"`}, []string{"تعرض المقارنة 8 بلدان على الأكثر، وقد اخترت 9."}},
		{"country target 19", "/countries/BHR?target=19", 400, []string{"Rank 19 is not an improvement: Bahrain is already ranked 18.", `value="19"`, `id="whatif-form"`, `aria-invalid="true"`},
			[]string{"المرتبة 19 ليست تحسّناً: البحرين في المرتبة 18 بالفعل.", `id="whatif-form"`}},
		{"country target 18", "/countries/BHR?target=18", 400, []string{"Rank 18 is not an improvement"}, nil},
		{"country target 193", "/countries/BHR?target=193", 400, []string{"Rank 193 is not an improvement"}, nil},
		{"country target 0", "/countries/BHR?target=0", 400, []string{"The target rank must be a whole number from 1 to 193."}, []string{"يجب أن تكون المرتبة المستهدفة عدداً صحيحاً من 1 إلى 193."}},
		{"country target words", "/countries/BHR?target=ten", 400, []string{"The target rank must be a whole number", `value="ten"`}, nil},
		{"country gap", "/countries/BHR?vs=ARE", 200, []string{`id="gap"`, "United Arab Emirates", "/api/v1/explain?edition=2024&amp;iso3=BHR&amp;vs=ARE"}, []string{"الإمارات العربية المتحدة"}},
		{"country gap by name", "/countries/BHR?vs=Oman", 200, []string{`value="Oman"`, "Oman is behind by"}, nil},
		{"country gap unknown", "/countries/BHR?vs=XYZ", 400, []string{"No Member State matches “XYZ”.", `id="whatif-form"`}, nil},
		{"country gap self", "/countries/BHR?vs=BHR", 400, []string{"Choose a peer other than the country itself."}, nil},
		{"turkiye", "/countries/TUR", 200, []string{"Türkiye"}, nil},
		{"uncertainty", "/uncertainty", 200, []string{`method="post"`}, []string{`method="post"`}},
		{"uncertainty unknown job", "/uncertainty?job=zzz", 404, nil, nil},
		{"methodology", "/methodology", 200, []string{"one third", "Best guesses"}, []string{"المنهجية"}},
		{"not found", "/nope", 404, nil, nil},
	}
	for _, tt := range tests {
		for _, lang := range []string{"en", "ar"} {
			t.Run(tt.name+"/"+lang, func(t *testing.T) {
				path := "/" + lang + tt.path
				if tt.name == "not found" {
					path = "/" + lang + "/nope"
				}
				rec := do(h, "GET", path, "")
				if rec.Code != tt.status {
					t.Fatalf("GET %s: status %d, want %d: %.300s", path, rec.Code, tt.status, rec.Body.String())
				}
				body := rec.Body.String()
				if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
					t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
				}
				wantDir := `<html lang="en" dir="ltr">`
				want := tt.want
				if lang == "ar" {
					wantDir, want = `<html lang="ar" dir="rtl">`, tt.wantAR
				}
				if !strings.Contains(body, wantDir) {
					t.Errorf("page lacks %s", wantDir)
				}
				for _, w := range want {
					if !strings.Contains(body, w) {
						t.Errorf("page lacks %q", w)
					}
				}
				if strings.Contains(body, "--rank") || strings.Contains(body, `name="run"`) {
					t.Error("the page speaks the CLI's words (--rank) or starts jobs by GET (run)")
				}
				if strings.Contains(body, "<script>") || strings.Contains(body, " onclick=") || strings.Contains(body, "javascript:") {
					t.Error("inline script in the page: the CSP forbids it")
				}
			})
		}
	}
}

// TestPageGolden pins the text of a page people read, in both languages
// (go test -update rewrites it). The methodology page is left out: its
// text comes from the method table, which other work extends.
func TestPageGolden(t *testing.T) {
	h := newTestServer(t).handler()
	for _, tt := range []struct{ name, path string }{
		{"rankings_gcc", "/rankings?edition=2024&group=gcc"},
	} {
		for _, lang := range []string{"en", "ar"} {
			t.Run(tt.name+"_"+lang, func(t *testing.T) {
				rec := do(h, "GET", "/"+lang+tt.path, "")
				if rec.Code != 200 {
					t.Fatalf("status %d", rec.Code)
				}
				// Asset hashes change with every CSS edit: not part of the page's text.
				got := assetHash.ReplaceAllString(rec.Body.String(), "?v=HASH")
				file := filepath.Join("testdata", tt.name+"_"+lang+".html")
				if *update {
					if err := os.MkdirAll("testdata", 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s (run go test -update and review the diff)", "/"+lang+tt.path, file)
				}
			})
		}
	}
}

// TestReportLinks follows the report links of the country and rankings
// pages: each answers (the HTML report; PDFs need the browser and are the
// report package's tests).
func TestReportLinks(t *testing.T) {
	h := newTestServer(t).handler()
	link := regexp.MustCompile(`href="(/api/v1/reports/[^"]+)" data-format="(?:html|report-html)"`)
	for _, page := range []string{"/en/countries/BHR", "/ar/rankings?group=gcc"} {
		body := do(h, "GET", page, "").Body.String()
		m := link.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("%s has no report link", page)
			continue
		}
		u := strings.ReplaceAll(m[1], "&amp;", "&")
		if rec := do(h, "GET", u, ""); rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s → %s: %d %s", page, u, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

// TestUITranslations fails when an interface word lacks a language.
func TestUITranslations(t *testing.T) {
	for k, v := range ui() {
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			t.Errorf("ui.csv: %q lacks a translation: %q", k, v)
		}
		if !strings.ContainsFunc(v[1], isArabic) && !strings.ContainsAny(v[1], "0123456789") && k != "api" {
			t.Errorf("ui.csv: the Arabic of %q has no Arabic letter: %q", k, v[1])
		}
	}
}

// TestServeShutdown starts the real server on a loopback port, answers a
// request, and shuts down when the context ends (as on SIGTERM).
func TestServeShutdown(t *testing.T) {
	ln, err := netListen(t)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, newTestServer(t).handler(), nil) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the context ended")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// TestDatasetUnavailable: a store that cannot be reached gives 503 with
// the JSON error, never a panic, and the connection details (host, port,
// database, user, the driver's words) go to the log, never to the client
// (finding 6).
func TestDatasetUnavailable(t *testing.T) {
	const detail = "Cannot reach the database db.internal:5432/egdi (user egdi): dial tcp 10.0.0.5:5432: connect: connection refused."
	var logs bytes.Buffer
	s := newServer(slog.New(slog.NewTextHandler(&logs, nil)), Deps{Hosts: []string{"example.com"},
		Dataset: func(context.Context) (*egdi.Dataset, error) { return nil, egdi.Errorf(egdi.EUNAVAILABLE, "%s", detail) }})
	h := s.handler()
	for _, path := range []string{"/api/v1/rankings", "/en/rankings", "/healthz"} {
		rec := do(h, "GET", path, "")
		if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: status %d, headers %v", path, rec.Code, rec.Header())
		}
		if path == "/api/v1/rankings" && errorOf(t, rec).Error.Code != egdi.EUNAVAILABLE {
			t.Errorf("%s: code %q", path, errorOf(t, rec).Error.Code)
		}
		for _, secret := range []string{"db.internal", "5432", "10.0.0.5", "user egdi", "refused"} {
			if strings.Contains(rec.Body.String(), secret) {
				t.Errorf("%s: the answer tells the client %q: %s", path, secret, rec.Body)
			}
		}
	}
	if !strings.Contains(logs.String(), "db.internal:5432") {
		t.Errorf("the log lacks the connection details:\n%s", logs.String())
	}
}
