package server

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/report"
)

// reportCSP is the Content-Security-Policy of a report page: a static
// document with its style and fonts inline, no script, nothing fetched.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// reportIdle is how long the report browser stays up after the last PDF.
const reportIdle = 2 * time.Minute

// reports holds the server's report renderer, built on the first report.
// Its browser starts on the first PDF and stops after reportIdle without
// one, so an idle server keeps no Chromium.
type reports struct {
	once sync.Once
	r    *report.Renderer
}

func (s *Server) renderer() *report.Renderer {
	s.reports.once.Do(func() {
		s.reports.r = report.New(report.Config{Now: s.deps.Now, DataVersion: s.deps.Version, Logger: s.log,
			IdleTimeout: reportIdle})
	})
	return s.reports.r
}

// reportRoutes are the report downloads (api/openapi.yaml, tag reports).
func (s *Server) reportRoutes() []route {
	return []route{
		{"GET", "/api/v1/reports/countries/{iso3}", s.handleCountryReport},
		{"GET", "/api/v1/reports/groups", s.handleGroupReport},
	}
}

// handleCountryReport answers a country report: ?edition, ?lang, ?format
// (html, the default, or pdf), ?vs, ?target, ?brief.
func (s *Server) handleCountryReport(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	rq := report.Request{Edition: q.edition("edition"), Lang: q.lang(),
		// ?vs=ISO3 adds the gap to a peer, ?target=N plans to rank N,
		// ?brief=true makes the one-page brief in both languages.
		Vs: q.str("vs"), Target: q.intRange("target", 0, 1, 1000), Brief: q.oneOf("brief", "false", []string{"true", "false"}) == "true"}
	format := q.oneOf("format", report.HTML, []string{report.HTML, report.PDF})
	d, _, c, ok := s.queryCountry(w, r, q, s.writeError)
	if !ok {
		return
	}
	rq.Country = string(c.ISO3)
	s.serveReport(w, r, d, rq, format)
}

// handleGroupReport answers a peer-group report: exactly one of ?group,
// ?region, ?subregion, with ?edition, ?lang, ?format.
func (s *Server) handleGroupReport(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	rq := report.Request{Group: q.str("group"), Region: q.str("region"), Subregion: q.str("subregion"),
		Edition: q.edition("edition"), Lang: q.lang()}
	format := q.oneOf("format", report.HTML, []string{report.HTML, report.PDF})
	if q.err == nil && rq.Group == "" && rq.Region == "" && rq.Subregion == "" {
		q.err = egdi.Errorf(egdi.EINVALID, "Give one of group, region or subregion.")
	}
	d, _, ok := s.queryData(w, r, q, s.writeError)
	if !ok {
		return
	}
	s.serveReport(w, r, d, rq, format)
}

// serveReport renders the whole report before answering, so that an error
// is a clean JSON error and never half a document.
func (s *Server) serveReport(w http.ResponseWriter, r *http.Request, d *egdi.Dataset, rq report.Request, format string) {
	rd := s.renderer()
	var b bytes.Buffer
	if err := rd.Render(r.Context(), &b, d, rq, format); err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	name := rd.Slug(d, rq) + "." + format
	if format == report.PDF {
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	} else {
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Disposition", `inline; filename="`+name+`"`)
		h.Set("Content-Security-Policy", reportCSP)
	}
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}
