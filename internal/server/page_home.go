package server

import (
	"html/template"
	"math"
	"net/http"
	"strconv"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/chart"
	"github.com/egdi-project/egdi/internal/i18n"
	"github.com/egdi-project/egdi/internal/worldmap"
)

// option is one entry of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

// editionOptions lists the editions, newest first: the built-in ones and
// any later edition imported into the store.
func editionOptions(d *egdi.Dataset, sel int) []option {
	var out []option
	ms := d.Methods()
	for i := len(ms) - 1; i >= 0; i-- {
		y := ms[i].Edition
		out = append(out, option{strconv.Itoa(y), strconv.Itoa(y), y == sel})
	}
	return out
}

func indexOptions(lang, sel string) []option {
	var out []option
	for _, ix := range egdi.Indices {
		out = append(out, option{ix, i18n.T(lang, ix), ix == sel})
	}
	return out
}

// mapClass is the fill class of an index value: the four EGDI groups by
// the cut-offs 0.25, 0.50 and 0.75, applied to any index in [0, 1].
func mapClass(m *egdi.Method, v float64) string {
	if math.IsNaN(v) {
		return "nd"
	}
	return "g-" + string(m.GroupOf(v))
}

type homePage struct {
	base
	Edition   int
	Index     string
	Method    *egdi.Method
	Editions  []option
	Indices   []option
	Map       template.HTML
	Summary   *summary
	Groups    []groupCount
	Leaders   []rankingRow
	Averages  template.HTML
	AvgRows   []avgRow
	MapRows   []rankingRow
	IndexName string
}

type groupCount struct {
	Group egdi.Group
	Label string
	Count int
	Href  string
}

type avgRow struct {
	Label string
	Count int
	EGDI  string
	Href  string
}

// pageHome renders the home page: the world map of an index in an
// edition, and the edition's headline figures.
func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) {
	if s.pageCached(w, r) {
		return
	}
	b := s.newBase(r, "home", "site_title")
	q := newQuery(r)
	edition := q.edition("edition")
	index := q.oneOf("index", "egdi", egdi.Indices)
	d, v, ok := s.queryData(w, r, q, s.pageError)
	if !ok {
		return
	}
	m, _ := egdi.MethodFor(edition)
	sum, err := v.summary(edition, 10)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	rk, err := rankingOf(d, v, rankingParams{Edition: edition, By: index, Lang: b.Lang})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := &homePage{base: b, Edition: edition, Index: index, Method: m, Summary: sum,
		Editions: editionOptions(d, edition), Indices: indexOptions(b.Lang, index), IndexName: i18n.T(b.Lang, index)}
	prec := m.Precision(indicatorOf(index))
	var mc []worldmap.Country
	for _, row := range rk.Rows {
		c := d.Countries.Get(row.ISO3)
		if c == nil {
			continue
		}
		val := row.ValueOf(index)
		label := c.Name(b.Lang) + ": " + p.T(index+".abbr") + " " + prec.Format(val) + b.Comma() + p.T("rank") + " " + strconv.Itoa(row.RankBy(index))
		mc = append(mc, worldmap.Country{M49: c.M49, ISO3: string(c.ISO3), Class: mapClass(m, val), Label: label,
			Href: b.URL("/countries/" + string(c.ISO3) + "?edition=" + strconv.Itoa(edition))})
	}
	p.MapRows = rk.Rows
	p.Map = worldmap.Render(worldmap.Options{Title: p.IndexName + b.Comma() + strconv.Itoa(edition), Desc: p.T("map_desc"), Lang: b.Lang}, mc)
	for _, g := range egdi.Groups {
		p.Groups = append(p.Groups, groupCount{Group: g, Label: i18n.T(b.Lang, string(g)), Count: sum.GroupCounts[g],
			Href: b.URL(withQuery("/rankings", "edition", strconv.Itoa(edition)))})
	}
	lead, err := rankingOf(d, v, rankingParams{Edition: edition, By: "egdi", Lang: b.Lang, Filter: egdi.Filter{Top: 10}})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.Leaders = lead.Rows
	var bars []chart.Bar
	for _, a := range sum.Averages {
		label := i18n.T(b.Lang, a.Key)
		href := ""
		switch a.Kind {
		case "region":
			href = b.URL(withQuery("/rankings", "edition", strconv.Itoa(edition), "region", a.Key))
		case "group":
			href = b.URL(withQuery("/rankings", "edition", strconv.Itoa(edition), "group", a.Key))
		default:
			href = b.URL(withQuery("/rankings", "edition", strconv.Itoa(edition)))
		}
		p.AvgRows = append(p.AvgRows, avgRow{Label: label, Count: a.Count, EGDI: m.EGDIPrecision.Format(a.EGDI), Href: href})
		bars = append(bars, chart.Bar{Label: label, Value: a.EGDI, Highlight: a.Kind == "world"})
	}
	p.Averages = boxed(chart.Bars(chart.Options{Title: p.T("averages_title") + b.Comma() + strconv.Itoa(edition), Desc: p.T("averages_desc"),
		Lang: b.Lang, YMin: 0, YMax: 1, Digits: 4, Width: 400, Class: "w400"}, bars), p.T("averages_title"))
	s.render(w, r, http.StatusOK, "home", p)
}

// indicatorOf maps an index name to its indicator, for its precision.
func indicatorOf(index string) egdi.Indicator {
	switch index {
	case "osi":
		return egdi.OSI
	case "tii":
		return egdi.TII
	case "hci":
		return egdi.HCI
	case "epi":
		return egdi.EPI
	}
	return egdi.NumIndicators // the EGDI precision
}
