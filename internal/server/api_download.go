package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/api"
	"github.com/egdi-project/egdi/internal/tabular"
)

// handleSpec serves the OpenAPI document.
func (s *Server) handleSpec(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, "spec", func() ([]byte, string, string, error) {
		return api.Spec, "application/yaml; charset=utf-8", "", nil
	})
}

// downloadName is the file name of a ranking view, e.g. egdi-2024-gcc-by-osi.csv.
func downloadName(p rankingParams, ext string) string {
	name := fmt.Sprintf("egdi-%d", p.Edition)
	for _, part := range []string{p.Region, p.Subregion, p.Group} {
		if part != "" {
			name += "-" + slug(part)
		}
	}
	if p.By != "egdi" {
		name += "-by-" + p.By
	}
	if p.Lang == "ar" {
		name += "-ar"
	}
	return name + "." + ext
}

func slug(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case len(b) > 0 && b[len(b)-1] != '_':
			b = append(b, '_')
		}
	}
	return string(bytes.Trim(b, "_"))
}

// renderDownload writes a ranking view with the project's exporters
// (package tabular): CSV and XLSX in the UN E-Government Data Center layout
// plus iso3, region and subregion (XLSX with an Arabic sheet), holding the
// view's countries in EGDI order; JSON as `egdi rank --format json` prints
// the same view (rows with rank_within, in the view's order and language).
func renderDownload(d *egdi.Dataset, rk *ranking, format string) ([]byte, string, error) {
	var buf bytes.Buffer
	if format == "json" {
		if err := tabular.EncodeJSON(&buf, rk.Rows); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), jsonType, nil
	}
	in := make(map[egdi.ISO3]bool, len(rk.Rows))
	t := &tabular.Table{Edition: strconv.Itoa(rk.Edition), Method: rk.method, Countries: d.Countries, Lang: rk.Lang}
	for _, r := range rk.Rows {
		t.Scores = append(t.Scores, r.Score)
		in[r.ISO3] = true
	}
	for _, rec := range d.Published[rk.Edition] {
		if in[rec.ISO3] {
			t.Records = append(t.Records, rec)
		}
	}
	if err := t.Write(&buf, format); err != nil {
		return nil, "", err
	}
	if format == "xlsx" {
		return buf.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", nil
	}
	return buf.Bytes(), "text/csv; charset=utf-8", nil
}

// handleRankingsDownload answers GET /api/v1/rankings/download: the same
// view as /api/v1/rankings as a CSV, XLSX or JSON file.
func (s *Server) handleRankingsDownload(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	p := parseRanking(q)
	format := q.oneOf("format", "csv", []string{"csv", "xlsx", "json"})
	d, v, ok := s.queryData(w, r, q, s.writeError)
	if !ok {
		return
	}
	s.serveCached(w, r, cacheKey(r, ""), func() ([]byte, string, string, error) {
		rk, err := rankingOf(d, v, p)
		if err != nil {
			return nil, "", "", err
		}
		b, ct, err := renderDownload(d, rk, format)
		return b, ct, `attachment; filename="` + downloadName(p, format) + `"`, err
	})
}

// itoa0 writes n, or nothing for 0 (an absent rank or limit).
func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
