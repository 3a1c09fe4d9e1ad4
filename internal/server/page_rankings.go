package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

type rankingsPage struct {
	base
	P          rankingParams
	Method     *egdi.Method
	Rows       []rankingRow
	Editions   []option
	Indices    []option
	Regions    []option
	Subregions []option
	Groups     []option
	Sort       []sortLink // column headers that re-rank the view
	Downloads  []option   // Value = URL, Label = format
	Filtered   bool
	Report     string // the peer-group report of this view, when it has one filter
}

// filterOptions is the <select> of a filter: "all" (no value) first, then
// names in lang; sel is the one selected ("" for all).
func filterOptions(lang string, names []string, sel string) []option {
	out := []option{{"", tr(lang, "all"), sel == ""}}
	for _, x := range names {
		out = append(out, option{x, i18n.T(lang, x), x == sel})
	}
	return out
}

type sortLink struct {
	Index, Label, Href string
	Active             bool
}

// pageRankings renders a ranking view with its filters, sortable by each
// index, and links to download the same view.
func (s *Server) pageRankings(w http.ResponseWriter, r *http.Request) {
	if s.pageCached(w, r) {
		return
	}
	b := s.newBase(r, "rankings", "rankings")
	q := newQuery(r)
	p := parseRanking(q)
	p.Lang = b.Lang
	d, v, ok := s.queryData(w, r, q, s.pageError)
	if !ok {
		return
	}
	rk, err := rankingOf(d, v, p)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	pg := &rankingsPage{base: b, P: p, Method: rk.method, Rows: rk.Rows, Editions: editionOptions(d, p.Edition),
		Indices: indexOptions(b.Lang, p.By), Filtered: p.Region != "" || p.Subregion != "" || p.Group != ""}
	pg.Regions = filterOptions(b.Lang, d.Countries.Regions(), p.Region)
	pg.Subregions = filterOptions(b.Lang, d.Countries.Subregions(), p.Subregion)
	pg.Groups = filterOptions(b.Lang, egdi.GroupNames, p.Group)
	view := func(by string) []string {
		return []string{"edition", strconv.Itoa(p.Edition), "by", by, "region", p.Region, "subregion", p.Subregion,
			"group", p.Group, "top", itoa0(p.Top)}
	}
	for _, ix := range egdi.Indices {
		pg.Sort = append(pg.Sort, sortLink{Index: ix, Label: b.T(ix + ".abbr"), Href: b.URL(withQuery("/rankings", view(ix)...)), Active: ix == p.By})
	}
	for _, f := range []string{"csv", "xlsx", "json"} {
		pg.Downloads = append(pg.Downloads, option{Value: withQuery("/api/v1/rankings/download",
			append(view(p.By), "lang", b.Lang, "format", f)...), Label: strings.ToUpper(f)})
	}
	// A peer-group report covers one group, region or sub-region.
	switch {
	case p.Group != "" && p.Region == "" && p.Subregion == "":
		pg.Report = withQuery("/api/v1/reports/groups", "group", p.Group, "edition", strconv.Itoa(p.Edition), "lang", b.Lang)
	case p.Region != "" && p.Group == "" && p.Subregion == "":
		pg.Report = withQuery("/api/v1/reports/groups", "region", p.Region, "edition", strconv.Itoa(p.Edition), "lang", b.Lang)
	case p.Subregion != "" && p.Group == "" && p.Region == "":
		pg.Report = withQuery("/api/v1/reports/groups", "subregion", p.Subregion, "edition", strconv.Itoa(p.Edition), "lang", b.Lang)
	}
	s.render(w, r, http.StatusOK, "rankings", pg)
}
