package report

import (
	"html/template"
	"math"
	"slices"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/chart"
)

// kpi is one of the figures of a report's headline band.
type kpi struct {
	Label string
	Value template.HTML // a figure from num, or escaped text
	Text  bool          // Value is words, not a figure: set smaller
	Note  template.HTML
}

// componentRow is one index of a country in the report's edition.
type componentRow struct {
	Key, Name, Short     string
	Value, Rank, Change  string
	PeerAvg, WorldAvg    string
	Chart                template.HTML
	ChartTitle, RankNote string
}

// histRow is one edition of a country's history.
type histRow struct {
	Edition, Rank, Change, EGDI, OSI, TII, HCI, EPI, Group, Class string
}

// peerRow is one country in a comparison table.
type peerRow struct {
	Rank, Within, Name, EGDI, OSI, TII, HCI, EPI, Group, Class, Change string
	Highlight                                                          bool
}

// peerBlock is one comparison: the country among the members of a region
// or group.
type peerBlock struct {
	Title      string
	Intro      template.HTML
	Chart      template.HTML
	ChartTitle string
	Rows       []peerRow
	Average    peerRow
}

// countryView is everything a country report shows.
type countryView struct {
	Name, ISO3, Where string
	Edition, Prev     int
	Headline, Change  template.HTML
	KPIs              []kpi
	Components        []componentRow
	PeerName          string
	History           []histRow
	HistoryChart      template.HTML
	HistoryChartTitle string
	RankChart         template.HTML
	RankChartTitle    string
	Peers             []peerBlock
	Explain           *analysis
	Target            *analysis
	TargetTitle       template.HTML // the plan section's heading
	Gap               *analysis     // the gap to the peer of Request.Vs
	GapTitle          template.HTML
	Cheapest          *analysis // the brief's plan: the cheapest only
	Uncertainty       *analysis
	UncertaintyChart  template.HTML
	UncertaintyTitle  string
	HistoryYears      []int
}

// analysis is one of the analytical sections (explanation, target plan,
// uncertainty): sentences and a table. A nil *analysis renders as "not
// available in this build".
type analysis struct {
	Lines      []template.HTML
	Head       []string
	Rows       [][]string        // plain cells
	HTMLRows   [][]template.HTML // cells with figures already marked up
	NumCols    []bool            // which columns hold figures
	Highlight  []bool            // which Rows are the country's
	NotesTitle template.HTML     // heading of Notes
	Notes      []template.HTML   // a list under the table
	Note       template.HTML     // a closing remark
}

// Num reports whether column i holds figures.
func (a *analysis) Num(i int) bool { return i < len(a.NumCols) && a.NumCols[i] }

// HL reports whether row i is the country's own.
func (a *analysis) HL(i int) bool { return i < len(a.Highlight) && a.Highlight[i] }

// peerArea returns the area a country is compared with: its M49
// intermediate region where there is one (Eastern Africa, South America:
// the UN Survey's own regional tables), else its sub-region.
func peerArea(c *egdi.Country) (name string, keep func(*egdi.Country) bool) {
	if c.IntermediateRegion != "" {
		return c.IntermediateRegion, func(o *egdi.Country) bool { return o != nil && o.IntermediateRegion == c.IntermediateRegion }
	}
	return c.Subregion, func(o *egdi.Country) bool { return o != nil && o.Subregion == c.Subregion }
}

// buildCountry makes the view of a country report.
func buildCountry(x *data, q Request, w words) (*countryView, error) {
	c, err := x.d.Countries.Lookup(q.Country)
	if err != nil {
		return nil, err
	}
	y, err := x.edition(q.Edition)
	if err != nil {
		return nil, err
	}
	s := x.score(y, c.ISO3)
	if s == nil {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "%s was not assessed in the %d edition.", c.NameEN, y)
	}
	h, err := x.d.History(c.ISO3)
	if err != nil {
		return nil, err
	}
	// The history up to the report's edition.
	entries := slices.DeleteFunc(slices.Clone(h.Entries), func(e egdi.HistoryEntry) bool { return e.Edition > y })
	v := &countryView{Name: c.Name(w.lang), ISO3: string(c.ISO3), Edition: y}
	area, inArea := peerArea(c)
	v.PeerName = w.T(area)
	v.Where = w.T(c.Region) + " · " + w.T(c.Subregion)
	if c.IntermediateRegion != "" {
		v.Where += " · " + w.T(c.IntermediateRegion)
	}
	n := len(x.editions[y])
	var last *egdi.HistoryEntry
	if k := len(entries); k > 0 {
		last = &entries[k-1]
	}

	// Headline.
	v.Headline = w.S("report.headline", "country", v.Name, "rank", w.ordinal(s.EGDIRank), "n", n, "edition", y, "egdi", num(f4(s.EGDI)))
	if s.RatingClass != "" {
		v.Headline += " " + w.S("report.group_class", "group", w.T(string(s.Group)), "class", w.classHTML(s.RatingClass))
	} else {
		v.Headline += " " + w.S("report.group_only", "group", w.T(string(s.Group)))
	}
	changeNote := template.HTML("")
	if last != nil && last.Change != nil {
		ch := last.Change
		v.Prev = ch.From
		prev := x.score(ch.From, c.ISO3)
		prevRank := 0
		if prev != nil {
			prevRank = prev.EGDIRank
		}
		switch {
		case ch.RankChange > 0:
			v.Change = w.S("report.up", "places", w.places(ch.RankChange), "prev", ch.From, "prevrank", prevRank)
		case ch.RankChange < 0:
			v.Change = w.S("report.down", "places", w.places(-ch.RankChange), "prev", ch.From, "prevrank", prevRank)
		default:
			v.Change = w.S("report.same", "prev", ch.From, "prevrank", prevRank)
		}
		v.Change += " " + w.S("report.egdi_change", "delta", num(signed4(ch.EGDIChange)), "prev", ch.From)
		changeNote = w.S("report.since", "prev", ch.From)
	} else {
		v.Change = w.S("report.first")
	}
	rankChange := "–"
	if last != nil && last.Change != nil {
		rankChange = signedInt(last.Change.RankChange)
	}
	v.KPIs = []kpi{
		{Label: w.T("report.kpi.rank"), Value: num(itoa(s.EGDIRank)), Note: w.S("report.of_n", "n", n)},
		{Label: w.T("report.kpi.egdi"), Value: num(f4(s.EGDI)), Note: w.S("report.world_avg_is", "v", num(f4(x.world[y].EGDI)))},
		{Label: w.T("report.kpi.group"), Value: text(w.T(string(s.Group))), Text: true, Note: w.S("report.class_is", "class", w.classHTML(s.RatingClass))},
		{Label: w.T("report.kpi.change"), Value: num(rankChange), Note: changeNote},
	}

	// Components, each against the peer area and the world.
	areaMembers := x.members(y, inArea)
	areaMean, world := meanOf(areaMembers), x.world[y]
	var prevScore *egdi.Score
	if v.Prev > 0 {
		prevScore = x.score(v.Prev, c.ISO3)
	}
	for _, idx := range []string{"egdi", "osi", "tii", "hci", "epi"} {
		val := s.ValueOf(idx)
		row := componentRow{Key: idx, Name: w.T(idx), Short: w.short(idx), Value: f4(val), Rank: rankText(s.RankBy(idx)),
			PeerAvg: f4(areaMean.of(idx)), WorldAvg: f4(world.of(idx)), Change: "–"}
		if prevScore != nil {
			if pv := prevScore.ValueOf(idx); !math.IsNaN(pv) && !math.IsNaN(val) {
				row.Change = signed4(round12(val - pv))
			}
		}
		row.ChartTitle = w.T(idx)
		row.Chart = chart.Bars(chart.Options{Title: row.ChartTitle, Lang: w.lang, YMin: 0, YMax: 1, Digits: 4, Width: 400, Height: 140,
			Desc: w.T("report.chart.component_desc")}, []chart.Bar{
			{Label: v.Name, Value: val, Highlight: true},
			{Label: v.PeerName, Value: areaMean.of(idx)},
			{Label: w.T("world"), Value: world.of(idx)},
		})
		v.Components = append(v.Components, row)
	}

	// History.
	var egdiPts, worldPts, rankPts []chart.Point
	for _, e := range entries {
		r := histRow{Edition: itoa(e.Edition), Rank: rankText(e.EGDIRank), Change: "–", EGDI: f4(e.EGDI), OSI: f4(e.OSI),
			TII: f4(e.TII), HCI: f4(e.HCI), EPI: "–", Group: w.T(string(e.Group)), Class: w.class(e.RatingClass)}
		if e.EPI != nil {
			r.EPI = f4(*e.EPI)
		}
		if e.Change != nil {
			r.Change = signedInt(e.Change.RankChange)
		}
		v.History = append(v.History, r)
		v.HistoryYears = append(v.HistoryYears, e.Edition)
		yr := itoa(e.Edition)
		egdiPts = append(egdiPts, chart.Point{X: yr, Y: e.EGDI})
		worldPts = append(worldPts, chart.Point{X: yr, Y: x.world[e.Edition].EGDI})
		rankPts = append(rankPts, chart.Point{X: yr, Y: float64(e.EGDIRank)})
	}
	if len(entries) > 0 {
		span := itoa(entries[0].Edition) + "–" + itoa(y)
		v.HistoryChartTitle = w.T("report.chart.egdi_history") + " " + span
		v.HistoryChart = chart.Line(chart.Options{Title: v.HistoryChartTitle, Lang: w.lang, YMin: 0, YMax: 1, Digits: 2, Height: 280,
			Desc: w.T("report.chart.egdi_history_desc")},
			chart.Series{Name: w.T("world_average"), Points: worldPts},
			chart.Series{Name: v.Name, Points: egdiPts, Highlight: true})
		v.RankChartTitle = w.T("report.chart.rank_history") + " " + span
		v.RankChart = chart.Line(chart.Options{Title: v.RankChartTitle, Lang: w.lang, InvertY: true, Height: 240,
			Desc: w.T("report.chart.rank_history_desc")},
			chart.Series{Name: v.Name, Points: rankPts, Highlight: true})
	}

	// Peers: the area, and the GCC and the Arab States where they apply.
	v.Peers = append(v.Peers, peerCompare(x, w, y, c, v.PeerName, inArea))
	for _, g := range []string{"gcc", "arab"} {
		if in, _ := c.In(g); in {
			v.Peers = append(v.Peers, peerCompare(x, w, y, c, w.T(g), func(o *egdi.Country) bool {
				if o == nil {
					return false
				}
				in, _ := o.In(g)
				return in
			}))
		}
	}
	return v, nil
}

// peerCompare ranks the members of a peer set in edition y, the country
// highlighted, with the set's average.
func peerCompare(x *data, w words, y int, c *egdi.Country, name string, keep func(*egdi.Country) bool) peerBlock {
	ms := x.members(y, keep)
	b := peerBlock{Title: name}
	pos := 0
	bars := make([]chart.Bar, 0, len(ms))
	prev := x.previous(y)
	for i, s := range ms {
		o := x.d.Countries.Get(s.ISO3)
		row := peerScoreRow(x, w, s, o, prev)
		row.Within = itoa(i + 1)
		if i > 0 && ms[i-1].EGDIRank == s.EGDIRank {
			row.Within = b.Rows[i-1].Within
		}
		if s.ISO3 == c.ISO3 {
			row.Highlight = true
			pos = i + 1
		}
		b.Rows = append(b.Rows, row)
		bars = append(bars, chart.Bar{Label: o.Name(w.lang), Value: s.EGDI, Highlight: s.ISO3 == c.ISO3,
			Note: w.T("report.rank_abbr") + " " + itoa(s.EGDIRank)})
	}
	m := meanOf(ms)
	b.Average = peerRow{Name: w.T("average"), EGDI: f4(m.EGDI), OSI: f4(m.OSI), TII: f4(m.TII), HCI: f4(m.HCI), EPI: f4(m.EPI)}
	b.Intro = w.S("report.peer_intro", "country", c.Name(w.lang), "pos", w.ordinal(pos), "n", len(ms), "peers", name, "avg", num(f4(m.EGDI)))
	b.ChartTitle = w.T("report.chart.peers") + " — " + name + " " + itoa(y)
	b.Chart = chart.Bars(chart.Options{Title: b.ChartTitle, Lang: w.lang, YMin: 0, YMax: 1, Digits: 4, Width: peerChartWidth,
		Desc: w.T("report.chart.peers_desc"), Height: barsHeight(len(bars))}, bars)
	return b
}

// peerScoreRow formats one country's scores for a comparison table.
func peerScoreRow(x *data, w words, s *egdi.Score, o *egdi.Country, prev int) peerRow {
	row := peerRow{Rank: rankText(s.EGDIRank), Name: o.Name(w.lang), EGDI: f4(s.EGDI), OSI: f4(s.OSI), TII: f4(s.TII), HCI: f4(s.HCI),
		EPI: "–", Group: w.T(string(s.Group)), Class: w.class(s.RatingClass), Change: "–"}
	if s.EPI != nil {
		row.EPI = f4(*s.EPI)
	}
	if prev > 0 {
		if p := x.score(prev, s.ISO3); p != nil && p.EGDIRank > 0 && s.EGDIRank > 0 {
			row.Change = signedInt(p.EGDIRank - s.EGDIRank)
		}
	}
	return row
}

// barsHeight sizes a bar chart: 24 units a bar, at most 900 so that the
// chart fits on an A4 page; 0 lets the chart choose for short lists.
func barsHeight(n int) int {
	if n*24+60 > 900 {
		return 900
	}
	return 0
}

// round12 removes float noise from a difference of published values.
func round12(v float64) float64 { return math.Round(v*1e12) / 1e12 }

// peerChartWidth is the viewBox width of the charts with a row per country
// (peers, rank intervals): wider than the default 640, so that on an A4 page
// (180 mm) a row is 5.5 mm instead of 6.8 and a chart of 18 to 22 countries
// leaves room for its table on the same page; text is set at about 8 pt.
const peerChartWidth = 780
