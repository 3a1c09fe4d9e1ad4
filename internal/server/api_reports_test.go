package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/testenv"
)

func TestReportAPI(t *testing.T) {
	s := newTestServer(t)
	h := s.handler()
	sp := loadSpec(t)
	// kin-openapi decodes no text/html body by default: a report page is
	// checked as a plain string (the spec's schema for it).
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	for _, tc := range []struct {
		name, target string
		status       int
		want         string // in the body
	}{
		{"country_en", "/api/v1/reports/countries/bhr", 200, `<html lang="en" dir="ltr">`},
		{"country_ar_2022", "/api/v1/reports/countries/BHR?lang=ar&edition=2022", 200, `<html lang="ar" dir="rtl">`},
		{"group", "/api/v1/reports/groups?group=gcc&lang=ar", 200, "مجلس التعاون الخليجي"},
		{"subregion", "/api/v1/reports/groups?subregion=Western%20Asia", 200, "Western Asia"},
		{"ErrCountry", "/api/v1/reports/countries/XXX", 404, egdi.ENOTFOUND},
		{"ErrNotISO3", "/api/v1/reports/countries/Bahrain1", 400, egdi.EINVALID},
		{"ErrFormat", "/api/v1/reports/countries/BHR?format=docx", 400, egdi.EINVALID},
		{"country_vs_target", "/api/v1/reports/countries/BHR?vs=ARE&target=10", 200, "The gap to United Arab Emirates"},
		{"country_brief", "/api/v1/reports/countries/BHR?brief=true&vs=SAU", 200, `<section class="half" lang="ar" dir="rtl">`},
		{"ErrVsSelf", "/api/v1/reports/countries/BHR?vs=BHR", 400, egdi.EINVALID},
		{"ErrTargetNotBetter", "/api/v1/reports/countries/BHR?target=19", 400, egdi.EINVALID},
		{"ErrTargetNotNumber", "/api/v1/reports/countries/BHR?target=ten", 400, egdi.EINVALID},
		{"ErrBrief", "/api/v1/reports/countries/BHR?brief=maybe", 400, egdi.EINVALID},
		{"ErrLang", "/api/v1/reports/countries/BHR?lang=fr", 400, egdi.EINVALID},
		{"ErrEdition", "/api/v1/reports/countries/BHR?edition=2001", 400, egdi.EINVALID},
		{"ErrNoSubject", "/api/v1/reports/groups", 400, egdi.EINVALID},
		{"ErrTwoSubjects", "/api/v1/reports/groups?group=gcc&region=Asia", 400, egdi.EINVALID},
		{"ErrGroup", "/api/v1/reports/groups?group=g77", 400, egdi.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.target, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tc.status, rec.Body.String())
			}
			if !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("body lacks %q", tc.want)
			}
			if tc.status == 200 {
				if got := rec.Header().Get("Content-Security-Policy"); got != reportCSP {
					t.Errorf("CSP %q, want the report's own %q", got, reportCSP)
				}
				if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `inline; filename="`) {
					t.Errorf("Content-Disposition %q", cd)
				}
			}
			sp.check(t, req, nil, rec)
		})
	}
}

func TestReportAPIPDF(t *testing.T) {
	var err error
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if _, err = exec.LookPath(b); err == nil {
			break
		}
	}
	testenv.Chromium(t, err)
	s := newTestServer(t)
	t.Cleanup(func() { _ = s.renderer().Close() })
	h := s.handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/reports/countries/BHR?lang=ar&format=pdf", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="BHR-2024-ar.pdf"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
		t.Errorf("body is not a PDF: %q", rec.Body.Bytes()[:min(20, rec.Body.Len())])
	}
}
