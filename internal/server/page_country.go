package server

import (
	"html/template"
	"math"
	"net/http"
	"strconv"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/chart"
	"github.com/egdi-project/egdi/internal/i18n"
)

type countryPage struct {
	base
	C         *egdi.Country
	Region    string
	Subregion string
	Groups    []option // Value = href, Label = group name
	Edition   int
	Editions  []option
	Method    *egdi.Method
	Score     *egdi.Score
	History   []historyRow
	EGDIChart template.HTML
	RankChart template.HTML
	CompChart template.HTML
	Comps     []compRow
	Peers     []peerBlock
	Explain   *explanation
	ExplainEN []explainRow
	WhatIf    *whatIfResponse
	Sliders   []slider
	Target    *targetResponse
	TargetIn  int
	Assessed  int
	// GroupLabels name the groups for the what-if script (Value = key).
	GroupLabels []option
}

type historyRow struct {
	Edition                   int
	EGDI, OSI, TII, HCI, EPI  string
	Rank, RankChange          string
	Group, Class, EGDIChange  string
	Up, Down                  bool
	OSIRank, TIIRank, HCIRank int
	EPIRank                   int
}

type compRow struct {
	Key, Label, Value string
	Rank              int
	Weight            string
}

type peerBlock struct {
	Title string
	Href  string
	Chart template.HTML
	Rows  []rankingRow
}

type explainRow struct {
	Label, From, To, Contribution string
	Up                            bool
}

// slider is one what-if control: a component index in [0, 1].
type slider struct {
	Key, Label  string
	Value, Orig string
}

// pageCountry renders a country: its EGDI and rank across editions, its
// components, group and class, peers, the explanation of its last change,
// the what-if panel and the target planner.
func (s *Server) pageCountry(w http.ResponseWriter, r *http.Request) {
	if s.pageCached(w, r) {
		return
	}
	b := s.newBase(r, "rankings", "country")
	q := newQuery(r)
	edition := q.edition("edition")
	var wi whatIfRequest
	if v, ok := q.float("osi", 0, 1); ok {
		wi.OSI = &v
	}
	if v, ok := q.float("tii", 0, 1); ok {
		wi.TII = &v
	}
	if v, ok := q.float("hci", 0, 1.5); ok {
		wi.HCI = &v
	}
	targetRank := q.intRange("target", 0, 0, 1000)
	if q.err != nil {
		s.pageError(w, r, q.err)
		return
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	c, err := parseISO3(d, r.PathValue("iso3"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if string(c.ISO3) != r.PathValue("iso3") {
		// One URL per country: /en/countries/bhr → /en/countries/BHR.
		http.Redirect(w, r, b.URL(withQuery("/countries/"+string(c.ISO3)))+queryTail(r), http.StatusMovedPermanently)
		return
	}
	b.Title = c.Name(b.Lang)
	p := &countryPage{base: b, C: c, Edition: edition, Editions: editionOptions(edition),
		Region: i18n.T(b.Lang, c.Region), Subregion: i18n.T(b.Lang, c.Subregion), TargetIn: targetRank}
	for _, g := range c.Groups() {
		p.Groups = append(p.Groups, option{Value: b.URL(withQuery("/rankings", "edition", strconv.Itoa(edition), "group", g)), Label: i18n.T(b.Lang, g)})
	}
	hist, err := v.history(c.ISO3)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var egdiPts, rankPts []chart.Point
	for _, e := range hist {
		m, _ := egdi.MethodFor(e.Edition)
		row := historyRow{Edition: e.Edition, EGDI: m.EGDIPrecision.Format(e.EGDI), OSI: m.OSIPrecision.Format(e.OSI),
			TII: m.TIIPrecision.Format(e.TII), HCI: m.HCIPrecision.Format(e.HCI), Rank: strconv.Itoa(e.EGDIRank),
			Group: i18n.T(b.Lang, string(e.Group)), Class: e.RatingClass, OSIRank: e.OSIRank, TIIRank: e.TIIRank,
			HCIRank: e.HCIRank, EPIRank: e.EPIRank}
		if e.EPI != nil {
			row.EPI = m.EPIPrecision.Format(*e.EPI)
		}
		if e.Change != nil {
			row.RankChange = signedInt(e.Change.RankChange)
			row.EGDIChange = strconv.FormatFloat(e.Change.EGDIChange, 'f', m.EGDIPrecision.Digits, 64)
			if e.Change.EGDIChange >= 0 {
				row.EGDIChange = "+" + row.EGDIChange
			}
			row.Up, row.Down = e.Change.RankChange > 0, e.Change.RankChange < 0
		}
		p.History = append(p.History, row)
		x := strconv.Itoa(e.Edition)
		egdiPts = append(egdiPts, chart.Point{X: x, Y: e.EGDI})
		rankPts = append(rankPts, chart.Point{X: x, Y: float64(e.EGDIRank)})
	}
	name := c.Name(b.Lang)
	p.EGDIChart = chart.Line(chart.Options{Title: b.T("egdi_history") + ": " + name, Desc: b.T("egdi_history_desc"),
		Lang: b.Lang, YMin: 0, YMax: 1, Digits: 3}, chart.Series{Name: name, Points: egdiPts, Highlight: true})
	p.RankChart = chart.Line(chart.Options{Title: b.T("rank_history") + ": " + name, Desc: b.T("rank_history_desc"),
		Lang: b.Lang, InvertY: true, Digits: 0}, chart.Series{Name: name, Points: rankPts, Highlight: true})

	m, _ := egdi.MethodFor(edition)
	p.Method = m
	scores, err := v.scores(edition)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.Assessed = len(scores)
	p.Score = scoreOf(scores, c.ISO3)
	if p.Score == nil {
		s.render(w, r, http.StatusOK, "country", p)
		return
	}
	sc := p.Score
	ws := map[string]float64{"osi": m.Weights.OSI, "tii": m.Weights.TII, "hci": m.Weights.HCI}
	var bars []chart.Bar
	for _, ix := range egdi.Indices {
		val := sc.ValueOf(ix)
		if math.IsNaN(val) {
			continue
		}
		row := compRow{Key: ix, Label: i18n.T(b.Lang, ix), Value: m.Precision(indicatorOf(ix)).Format(val), Rank: sc.RankBy(ix)}
		if w, ok := ws[ix]; ok {
			row.Weight = strconv.FormatFloat(w, 'f', 2, 64)
		}
		p.Comps = append(p.Comps, row)
		bars = append(bars, chart.Bar{Label: b.T(ix + ".abbr"), Value: val, Highlight: ix == "egdi",
			Note: b.T("rank") + " " + strconv.Itoa(sc.RankBy(ix))})
	}
	p.CompChart = chart.Bars(chart.Options{Title: b.T("components_title") + ": " + name + ", " + strconv.Itoa(edition),
		Desc: b.T("components_desc"), Lang: b.Lang, YMin: 0, YMax: 1, Digits: m.EGDIPrecision.Digits}, bars)

	// Peers: the sub-region, and the GCC and the Arab States where the country belongs.
	peerSets := []struct {
		title string
		f     egdi.Filter
		param []string
	}{{i18n.T(b.Lang, c.Subregion), egdi.Filter{Subregion: c.Subregion}, []string{"subregion", c.Subregion}}}
	for _, g := range []string{"gcc", "arab"} {
		if in, _ := c.In(g); in {
			peerSets = append(peerSets, struct {
				title string
				f     egdi.Filter
				param []string
			}{i18n.T(b.Lang, g), egdi.Filter{Group: g}, []string{"group", g}})
		}
	}
	for _, ps := range peerSets {
		rk, err := rankingOf(d, v, rankingParams{Edition: edition, By: "egdi", Lang: b.Lang, Filter: ps.f})
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		var pb []chart.Bar
		for _, row := range rk.Rows {
			pb = append(pb, chart.Bar{Label: row.Name, Value: row.EGDI, Highlight: row.ISO3 == c.ISO3,
				Note: "#" + strconv.Itoa(row.EGDIRank)})
		}
		p.Peers = append(p.Peers, peerBlock{Title: ps.title,
			Href: b.URL(withQuery("/rankings", append([]string{"edition", strconv.Itoa(edition)}, ps.param...)...)),
			Chart: chart.Bars(chart.Options{Title: b.T("peers") + ": " + ps.title + ", " + strconv.Itoa(edition),
				Desc: b.T("peers_desc"), Lang: b.Lang, YMin: 0, YMax: 1, Digits: m.EGDIPrecision.Digits}, pb),
			Rows: rk.Rows})
	}

	if e, err := explainOf(v, c.ISO3, edition); err == nil {
		p.Explain = e
		mf, _ := egdi.MethodFor(e.From)
		for _, ct := range e.Contributions {
			prec := m.Precision(indicatorOf(ct.Component))
			p.ExplainEN = append(p.ExplainEN, explainRow{Label: i18n.T(b.Lang, ct.Component),
				From: mf.Precision(indicatorOf(ct.Component)).Format(ct.From), To: prec.Format(ct.To),
				Contribution: signedFloat(ct.Contribution, m.EGDIPrecision.Digits), Up: ct.Contribution > 0})
		}
	}

	for _, g := range egdi.Groups {
		p.GroupLabels = append(p.GroupLabels, option{Value: string(g), Label: i18n.T(b.Lang, string(g))})
	}
	res := whatIfOf(m, scores, sc, wi)
	p.WhatIf = &res
	for _, k := range []struct {
		key string
		cur *float64
		v   float64
	}{{"osi", wi.OSI, sc.OSI}, {"tii", wi.TII, sc.TII}, {"hci", wi.HCI, sc.HCI}} {
		val := k.v
		if k.cur != nil {
			val = *k.cur
		}
		p.Sliders = append(p.Sliders, slider{Key: k.key, Label: i18n.T(b.Lang, k.key),
			Value: strconv.FormatFloat(math.Min(val, 1), 'f', 4, 64), Orig: strconv.FormatFloat(math.Min(k.v, 1), 'f', 4, 64)})
	}
	if targetRank > 0 {
		t, err := targetOf(m, scores, sc, targetRequest{Rank: targetRank})
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		p.Target = t
	}
	s.render(w, r, http.StatusOK, "country", p)
}

func signedFloat(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if v >= 0 {
		return "+" + s
	}
	return s
}

func queryTail(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}
