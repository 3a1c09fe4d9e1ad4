package server

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// TestNowcastAPI sends GET /api/v1/nowcast its good and bad requests and
// checks every exchange against the OpenAPI document.
func TestNowcastAPI(t *testing.T) {
	h := newTestServer(t).handler()
	sp := loadSpec(t)
	for _, tt := range []struct {
		name, target string
		status       int
		want         string // substring of the body (message for errors)
	}{
		{"next edition", "/api/v1/nowcast", 200, `"edition":2026,"backtest":false,"interval":0.9`},
		{"with osi", "/api/v1/nowcast?edition=2026&interval=0.8&osi=BHR:0.99&osi=ARE:0.5,SAU:0.4", 200, `"interval":0.8`},
		{"backtest", "/api/v1/nowcast?edition=2022&backtest=true", 200, `"metrics":{"median_abs_rank_error":4`},
		{"published without backtest", "/api/v1/nowcast?edition=2024", 400, "Edition 2024 is published"},
		{"unknown country", "/api/v1/nowcast?osi=XYZ:0.5", 400, "Unknown country XYZ"},
		{"osi out of range", "/api/v1/nowcast?osi=BHR:1.5", 400, "an OSI is between 0 and 1"},
		{"osi malformed", "/api/v1/nowcast?osi=BHR", 400, "write ISO3:V"},
		{"interval out of range", "/api/v1/nowcast?interval=2", 400, "interval must be a number"},
		{"interval 1", "/api/v1/nowcast?interval=1", 400, "not a coverage"},
		{"edition not a year", "/api/v1/nowcast?edition=next", 400, "must be a year"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.target, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tt.status, rec.Body.String())
			}
			if rec.Code >= 400 {
				e := errorOf(t, rec)
				if e.Error.Code != egdi.EINVALID || !strings.Contains(e.Error.Message, tt.want) {
					t.Errorf("error %q %q, want invalid with %q", e.Error.Code, e.Error.Message, tt.want)
				}
			} else if !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("body lacks %q: %.300s", tt.want, rec.Body.String())
			}
			sp.check(t, req, nil, rec)
		})
	}
}

// TestCountryNowcastPanel: the country page shows the next edition's
// likely range and the caveat in plain words, in both languages.
func TestCountryNowcastPanel(t *testing.T) {
	h := newTestServer(t).handler()
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{`id="nowcast"`, "The next edition (2026): where Bahrain may land", "would most likely rank about", "not a UN figure", "Method-change risk", "/api/v1/nowcast?edition=2026"}},
		{"ar", []string{`id="nowcast"`, "الإصدار المقبل (2026): أين قد يقع البحرين", "فالأرجح أن يحل البحرين", "خطر تغيّر المنهجية", "تنبيه"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			rec := do(h, "GET", "/"+tc.lang+"/countries/BHR", "")
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			body := rec.Body.String()
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if tc.lang == "ar" && strings.Contains(body, "nowcast.") {
				t.Error("a glossary key leaks into the Arabic page")
			}
		})
	}
}

// FuzzParseOSIPairs: any osi parameter either fails with EINVALID or gives
// known countries, each once.
func FuzzParseOSIPairs(f *testing.F) {
	d := builtin.MustDataset()
	for _, s := range []string{"BHR:0.95", "bhr:1", "XYZ:0.5", "BHR", "BHR:", ":0.5", "BHR:NaN", "BH:1", "BHR:0.5:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pairs := strings.Split(s, ",")
		m, err := parseOSIPairs(d, pairs)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("%q: %v is not EINVALID", s, err)
			}
			return
		}
		if len(m) != len(pairs) {
			t.Fatalf("%q: %d countries from %d pairs", s, len(m), len(pairs))
		}
		for c := range m {
			if d.Countries.Get(c) == nil {
				t.Fatalf("unknown country %s accepted", c)
			}
		}
	})
}
