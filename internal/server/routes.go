package server

import (
	"net/http"
	"strings"
)

// route is one entry of the route table: a method, a ServeMux pattern and
// its handler. Patterns under /api/v1 are the API surface and each one is
// described in api/openapi.yaml (a test checks both ways). Page patterns
// contain {lang}: they are registered once per language (/en/…, /ar/…).
type route struct {
	Method  string
	Pattern string
	Handler http.HandlerFunc
}

// routes is the whole surface of the site, in one table.
func (s *Server) routes() []route {
	rs := []route{
		// JSON API: published data (cached, ETag).
		{"GET", "/api/v1/openapi.yaml", s.handleSpec},
		{"GET", "/api/v1/editions", s.handleEditions},
		{"GET", "/api/v1/editions/{year}", s.handleEdition},
		{"GET", "/api/v1/countries", s.handleCountries},
		{"GET", "/api/v1/countries/{iso3}", s.handleCountry},
		{"GET", "/api/v1/rankings", s.handleRankings},
		{"GET", "/api/v1/rankings/download", s.handleRankingsDownload},
		{"GET", "/api/v1/compare", s.handleCompare},

		// JSON API: analysis.
		{"POST", "/api/v1/whatif", s.handleWhatIf},
		{"POST", "/api/v1/target", s.handleTarget},
		{"GET", "/api/v1/explain", s.handleExplain},
		{"POST", "/api/v1/uncertainty", s.handleUncertaintyStart},
		{"GET", "/api/v1/uncertainty/{id}", s.handleUncertaintyGet},
		{"DELETE", "/api/v1/uncertainty/{id}", s.handleUncertaintyCancel},

		// ---- Reports: GET /api/v1/reports/... ----------------------------
		// The reports issue adds its routes here, from its own file
		// api_reports.go, with one line:
		//     rs = append(rs, s.reportRoutes()...)
		// (and describes them in api/openapi.yaml).
		// -----------------------------------------------------------------

		// Pages, in English and Arabic.
		{"GET", "/{lang}/{$}", s.pageHome},
		{"GET", "/{lang}/rankings", s.pageRankings},
		{"GET", "/{lang}/countries/{iso3}", s.pageCountry},
		{"GET", "/{lang}/compare", s.pageCompare},
		{"GET", "/{lang}/uncertainty", s.pageUncertainty},
		{"POST", "/{lang}/uncertainty", s.pageUncertaintyStart},
		{"GET", "/{lang}/methodology", s.pageMethodology},

		// Site.
		{"GET", "/{$}", s.handleRoot},
		{"GET", "/static/{path...}", s.handleStatic},
		{"GET", "/healthz", s.handleHealth},
		{"GET", "/favicon.ico", s.handleFavicon},
	}
	rs = append(rs, s.reportRoutes()...) // api_reports.go
	// The self-assessment (assessment.go).
	rs = append(rs, s.assessmentRoutes()...)
	// The nowcast of the next edition: api_nowcast.go.
	rs = append(rs, s.nowcastRoutes()...)
	rs = append(rs, s.trackerRoutes()...) // strategies and cooperation: api_strategy.go
	rs = append(rs, s.accountRoutes()...) // account.go: sign-in, users, audit
	rs = s.teamRoutes(rs)                 // teamwork.go: assessments guarded, review and reconciliation
	return rs
}

// addRoutes registers the table on the mux, expanding {lang}, plus the
// fallbacks: an unknown /api/ path answers a JSON 404, anything else the
// HTML 404 page.
func (s *Server) addRoutes() {
	for _, rt := range s.routes() {
		if strings.HasPrefix(rt.Pattern, "/{lang}/") {
			for _, lang := range []string{"en", "ar"} {
				s.mux.HandleFunc(rt.Method+" "+strings.Replace(rt.Pattern, "{lang}", lang, 1), withLang(lang, rt.Handler))
			}
			continue
		}
		s.mux.HandleFunc(rt.Method+" "+rt.Pattern, rt.Handler)
	}
	s.mux.HandleFunc("/api/", s.apiNotFound)
	s.mux.HandleFunc("/", s.pageNotFound)
}

// withLang gives a page handler its language as the path value "lang".
func withLang(lang string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.SetPathValue("lang", lang)
		h(w, r)
	}
}

// allowed returns the methods for which a route matches r's path, so that
// a fallback can answer 405 rather than 404.
func (s *Server) allowed(r *http.Request) []string {
	var out []string
	for _, m := range []string{"GET", "POST", "DELETE"} {
		if m == r.Method {
			continue
		}
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, p := s.mux.Handler(r2); p != "" && p != "/" && p != "/api/" {
			out = append(out, m)
		}
	}
	return out
}
