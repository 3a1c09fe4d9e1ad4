package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi/api"
)

// handleSpec serves the OpenAPI document.
func (s *Server) handleSpec(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, "spec", func() ([]byte, string, string, error) {
		return api.Spec, "application/yaml; charset=utf-8", "", nil
	})
}

// downloadHead are the columns of a downloaded ranking: the field names of
// the JSON rows (and of `egdi rank --format csv`).
var downloadHead = []string{"iso3", "name", "edition", "egdi", "egdi_rank", "osi", "osi_rank", "tii", "tii_rank",
	"hci", "hci_rank", "epi", "epi_rank", "group", "rating_class", "region", "subregion", "rank_within"}

func itoa0(i int) string {
	if i == 0 {
		return ""
	}
	return strconv.Itoa(i)
}

// downloadRows lays out a ranking as text cells, each index at its
// edition's published precision.
func downloadRows(rk *ranking) [][]string {
	m := rk.method
	out := make([][]string, len(rk.Rows))
	for i, r := range rk.Rows {
		epi := ""
		if r.EPI != nil {
			epi = m.EPIPrecision.Format(*r.EPI)
		}
		out[i] = []string{string(r.ISO3), r.Name, strconv.Itoa(r.Edition), m.EGDIPrecision.Format(r.EGDI), itoa0(r.EGDIRank),
			m.OSIPrecision.Format(r.OSI), itoa0(r.OSIRank), m.TIIPrecision.Format(r.TII), itoa0(r.TIIRank),
			m.HCIPrecision.Format(r.HCI), itoa0(r.HCIRank), epi, itoa0(r.EPIRank), string(r.Group), r.RatingClass,
			r.Region, r.Subregion, itoa0(r.RankWithin)}
	}
	return out
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

// renderDownload writes a ranking in a download format.
func renderDownload(rk *ranking, format string) ([]byte, string, error) {
	switch format {
	case "json":
		b, err := marshal(rk)
		return b, "application/json; charset=utf-8", err
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		sheet := "EGDI " + strconv.Itoa(rk.Edition)
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return nil, "", err
		}
		if rk.Lang == "ar" {
			rtl := true
			if err := f.SetSheetView(sheet, 0, &excelize.ViewOptions{RightToLeft: &rtl}); err != nil {
				return nil, "", err
			}
		}
		head := make([]any, len(downloadHead))
		for i, h := range downloadHead {
			head[i] = h
		}
		if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
			return nil, "", err
		}
		for i, r := range downloadRows(rk) {
			cells := make([]any, len(r))
			for j, c := range r {
				// Figures as numbers, so that a spreadsheet can sort and sum them.
				if v, err := strconv.ParseFloat(c, 64); err == nil && j != 1 {
					cells[j] = v
				} else {
					cells[j] = c
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
				return nil, "", err
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", nil
	default:
		var buf bytes.Buffer
		buf.WriteString("\ufeff") // a BOM, so that spreadsheets read Arabic names as UTF-8
		cw := csv.NewWriter(&buf)
		_ = cw.Write(downloadHead)
		_ = cw.WriteAll(downloadRows(rk))
		return buf.Bytes(), "text/csv; charset=utf-8", cw.Error()
	}
}

// handleRankingsDownload answers GET /api/v1/rankings/download: the same
// view as /api/v1/rankings as a CSV, XLSX or JSON file.
func (s *Server) handleRankingsDownload(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	p := parseRanking(q)
	format := q.oneOf("format", "csv", []string{"csv", "xlsx", "json"})
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.serveCached(w, r, cacheKey(r, ""), func() ([]byte, string, string, error) {
		rk, err := rankingOf(d, v, p)
		if err != nil {
			return nil, "", "", err
		}
		b, ct, err := renderDownload(rk, format)
		return b, ct, `attachment; filename="` + downloadName(p, format) + `"`, err
	})
}
