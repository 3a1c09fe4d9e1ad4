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
	C           *egdi.Country
	Region      string
	Subregion   string
	Groups      []option // Value = href, Label = group name
	Edition     int
	Editions    []option
	Method      *egdi.Method
	Score       *egdi.Score
	History     []historyRow
	EGDIChart   template.HTML
	RankChart   template.HTML
	CompChart   template.HTML
	Comps       []compRow
	Peers       []peerBlock
	Explain     *egdi.Explanation
	ExplainRows []explainRow
	ExplainMain string
	WhatIf      *whatIfResponse
	Sliders     []slider
	Target      *egdi.TargetResult
	Plans       []planRow
	// TargetReachedNow is true when the country already meets the target.
	TargetReachedNow bool
	TargetIn         string // the target rank as typed, kept in the form
	TargetErr        string // why the target cannot be planned, in the page's language
	Assessed         int
	// Gap is the peer gap (?vs=ISO3); VsIn is the peer as typed and
	// VsErr why it cannot be shown.
	Gap         *gapView
	VsIn, VsErr string
	Peers193    []option // every Member State for the peer picker (Value = ISO3)
	// Precision says how many decimals the UN published (the dashboard
	// shows them so; reports round to 4).
	Precision string
	// MethodChanges are the method changes in sentences of the page's language.
	MethodChanges []string
	// GroupLabels name the groups for the what-if script (Value = key).
	GroupLabels []option
	Nowcast     template.HTML // the next edition's nowcast panel (page_nowcast.go)
	Cooperation template.HTML // the country's cooperation timeline (page_cooperation.go)
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
	Up, Down                      bool
}

// planRow is one plan of the target planner, in words.
type planRow struct {
	Name, EGDI, Group, Cost string
	Reached                 bool
	Rank                    int
	Changes                 []planChange
}

// planChange is one change of a plan: the indicator in the page's
// language, then its value from → to (written left to right, kept on
// one line, after the label in either direction).
type planChange struct{ Label, From, To string }

// slider is one what-if control: a component index in [0, 1]. Value and
// Orig are written in full precision; Shown as the edition published it.
type slider struct {
	Key, Label  string
	Value, Orig string
	Shown       string
}

// pageCountry renders a country: its EGDI and rank across editions, its
// components, group and class, peers, the explanation of its last change,
// the what-if panel and the target planner.
func (s *Server) pageCountry(w http.ResponseWriter, r *http.Request) {
	if s.pageCached(w, r) {
		return
	}
	b := s.newBase(r, "", "country") // no navigation entry is this page
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
	targetIn := q.str("target")
	vsIn := q.str("vs")
	d, v, c, ok := s.queryCountry(w, r, q, s.pageError)
	if !ok {
		return
	}
	if string(c.ISO3) != r.PathValue("iso3") {
		// One URL per country: /en/countries/bhr → /en/countries/BHR.
		http.Redirect(w, r, b.URL(withQuery("/countries/"+string(c.ISO3)))+queryTail(r), http.StatusMovedPermanently)
		return
	}
	b.Title = c.Name(b.Lang)
	p := &countryPage{base: b, C: c, Edition: edition, Editions: editionOptions(d, edition),
		Region: i18n.T(b.Lang, c.Region), Subregion: i18n.T(b.Lang, c.Subregion), TargetIn: targetIn, VsIn: vsIn}
	p.Nowcast = s.countryNowcast(d, b.Lang, c)
	p.Cooperation = s.countryCooperation(r.Context(), d, b.Lang, c)
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
			Group: i18n.T(b.Lang, string(e.Group)), Class: classLabel(b.Lang, e.RatingClass), OSIRank: e.OSIRank, TIIRank: e.TIIRank,
			HCIRank: e.HCIRank, EPIRank: e.EPIRank}
		if e.EPI != nil {
			row.EPI = m.EPIPrecision.Format(*e.EPI)
		}
		if e.Change != nil {
			row.RankChange = signedInt(e.Change.RankChange)
			row.EGDIChange = signedFloat(e.Change.EGDIChange, m.EGDIPrecision.Digits)
			row.Up, row.Down = e.Change.RankChange > 0, e.Change.RankChange < 0
		}
		p.History = append(p.History, row)
		x := strconv.Itoa(e.Edition)
		egdiPts = append(egdiPts, chart.Point{X: x, Y: e.EGDI})
		rankPts = append(rankPts, chart.Point{X: x, Y: float64(e.EGDIRank)})
	}
	name := c.Name(b.Lang)
	p.EGDIChart = boxed(chart.Line(chart.Options{Title: b.T("egdi_history") + ": " + name, Desc: b.T("egdi_history_desc"),
		Lang: b.Lang, YMin: 0, YMax: 1, Digits: 3, Class: "w640"}, chart.Series{Name: name, Points: egdiPts, Highlight: true}), b.T("egdi_history"))
	p.RankChart = boxed(chart.Line(chart.Options{Title: b.T("rank_history") + ": " + name, Desc: b.T("rank_history_desc"),
		Lang: b.Lang, InvertY: true, Digits: 0, Class: "w640"}, chart.Series{Name: name, Points: rankPts, Highlight: true}), b.T("rank_history"))

	m, _ := egdi.MethodFor(edition)
	p.Method = m
	p.Precision = b.F("precision_note", "n", m.EGDIPrecision.Digits, "edition", edition)
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
			row.Weight = i18n.Weight(w)
		}
		p.Comps = append(p.Comps, row)
		bars = append(bars, chart.Bar{Label: b.T(ix + ".abbr"), Value: val, Highlight: ix == "egdi",
			Note: b.T("rank") + " " + strconv.Itoa(sc.RankBy(ix))})
	}
	p.CompChart = boxed(chart.Bars(chart.Options{Title: b.T("components_title") + ": " + name + b.Comma() + strconv.Itoa(edition),
		Desc: b.T("components_desc"), Lang: b.Lang, YMin: 0, YMax: 1, Digits: m.EGDIPrecision.Digits, Width: 360, Class: "w360"}, bars),
		b.T("components_title"))

	// Peers: the sub-region, and the GCC and the Arab States where the country belongs.
	type peerSet struct {
		title string
		f     egdi.Filter
		param []string
	}
	peerSets := []peerSet{{i18n.T(b.Lang, c.Subregion), egdi.Filter{Subregion: c.Subregion}, []string{"subregion", c.Subregion}}}
	for _, g := range []string{"gcc", "arab"} {
		if in, _ := c.In(g); in {
			peerSets = append(peerSets, peerSet{i18n.T(b.Lang, g), egdi.Filter{Group: g}, []string{"group", g}})
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
			Chart: boxed(chart.Bars(chart.Options{Title: b.T("peers") + ": " + ps.title + b.Comma() + strconv.Itoa(edition),
				Desc: b.T("peers_desc"), Lang: b.Lang, YMin: 0, YMax: 1, Digits: m.EGDIPrecision.Digits, Width: 400, Class: "w400"}, pb),
				b.T("peers")+": "+ps.title),
			Rows: rk.Rows})
	}

	if e, err := explainOf(v, c.ISO3, 0, edition); err == nil {
		p.Explain = e
		for _, mc := range e.MethodChanges {
			p.MethodChanges = append(p.MethodChanges, methodChangeSentence(mc, b.Lang))
		}
		mf, _ := egdi.MethodFor(e.From)
		var prev, cur *egdi.HistoryEntry
		for i := range hist {
			switch hist[i].Edition {
			case e.From:
				prev = &hist[i]
			case e.To:
				cur = &hist[i]
			}
		}
		ct := e.Contributions
		for _, k := range []struct {
			key          string
			from, to, by float64
		}{{"osi", prev.OSI, cur.OSI, ct.OSI}, {"tii", prev.TII, cur.TII, ct.TII}, {"hci", prev.HCI, cur.HCI, ct.HCI}} {
			p.ExplainRows = append(p.ExplainRows, explainRow{Label: i18n.T(b.Lang, k.key),
				From: mf.Precision(indicatorOf(k.key)).Format(k.from), To: m.Precision(indicatorOf(k.key)).Format(k.to),
				Contribution: signedFloat(k.by, 6), Up: k.by > 0, Down: k.by < 0})
		}
		for _, k := range []struct {
			key string
			by  float64
		}{{"weights", ct.Weights}, {"zero_rule", ct.ZeroRule}, {"rounding", ct.Rounding}} {
			if k.by != 0 || k.key == "rounding" {
				p.ExplainRows = append(p.ExplainRows, explainRow{Label: b.T("contrib_" + k.key),
					Contribution: signedFloat(k.by, 6), Up: k.by > 0, Down: k.by < 0})
			}
		}
		best := 0.0
		for _, k := range []struct {
			key string
			by  float64
		}{{"osi", ct.OSI}, {"tii", ct.TII}, {"hci", ct.HCI}} {
			if math.Abs(k.by) > math.Abs(best) {
				best, p.ExplainMain = k.by, i18n.T(b.Lang, k.key)
			}
		}
	}

	for _, g := range egdi.Groups {
		p.GroupLabels = append(p.GroupLabels, option{Value: string(g), Label: i18n.T(b.Lang, string(g))})
	}
	base, err := v.base(edition)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	res, err := whatIfOf(base, c.ISO3, wi)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.WhatIf = res
	for _, k := range []struct {
		key string
		cur *float64
		v   float64
	}{{"osi", wi.OSI, sc.OSI}, {"tii", wi.TII, sc.TII}, {"hci", wi.HCI, sc.HCI}} {
		val := k.v
		if k.cur != nil {
			val = *k.cur
		}
		// Full precision, so that a control the reader has not moved sends
		// the published value itself (0.86804, not 0.868): the panel then
		// agrees with the planner and the API to the last digit.
		p.Sliders = append(p.Sliders, slider{Key: k.key, Label: i18n.T(b.Lang, k.key),
			Value: strconv.FormatFloat(math.Min(val, 1), 'f', -1, 64), Orig: strconv.FormatFloat(math.Min(k.v, 1), 'f', -1, 64),
			Shown: m.Precision(indicatorOf(k.key)).Format(math.Min(val, 1))})
	}
	p.Peers193 = countryOptions(d, b.Lang, vsIn)
	if vsIn != "" {
		p.Gap, p.VsErr = s.peerGap(d, base, c, vsIn, b)
	}
	targetRank := 0
	if targetIn != "" {
		targetRank, p.TargetErr = checkTarget(targetIn, sc, len(scores), name, b)
	}
	if targetRank > 0 {
		t, err := base.Plan(c.ISO3, egdi.Target{Rank: targetRank}, egdi.DefaultCosts(base))
		if err != nil {
			p.TargetErr = b.T("error") + ": " + egdi.ErrorMessage(err)
			s.render(w, r, http.StatusBadRequest, "country", p)
			return
		}
		p.Target = t
		p.TargetReachedNow = t.Rank <= targetRank
		for _, pl := range t.Plans {
			row := planRow{Name: b.T("plan_" + pl.Name), Reached: pl.Reached, EGDI: m.EGDIPrecision.Format(pl.EGDI),
				Rank: pl.Rank, Group: i18n.T(b.Lang, string(pl.Group)), Cost: strconv.FormatFloat(pl.Cost, 'f', 2, 64)}
			for _, ch := range pl.Changes {
				ind, _ := egdi.ParseIndicator(ch.Indicator)
				prec := m.Precision(ind)
				label := i18n.T(b.Lang, ch.Indicator)
				if ind.IsIndex() {
					row.Changes = append(row.Changes, planChange{label, prec.Format(ch.From), prec.Format(ch.To)})
				} else {
					row.Changes = append(row.Changes, planChange{label, strconv.FormatFloat(ch.From, 'f', 2, 64), strconv.FormatFloat(ch.To, 'f', 2, 64)})
				}
			}
			p.Plans = append(p.Plans, row)
		}
	}
	status := http.StatusOK
	if p.TargetErr != "" || p.VsErr != "" {
		status = http.StatusBadRequest // the whole page, the error beside the form that caused it
	}
	s.render(w, r, status, "country", p)
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
