package report

import (
	"html/template"
	"strings"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/chart"
)

// groupView is everything a peer-group report shows.
type groupView struct {
	Name          string
	Edition, Prev int
	Headline      template.HTML
	Movers        template.HTML
	KPIs          []kpi
	Rows          []peerRow
	Chart         template.HTML
	ChartTitle    string
	Averages      []avgRow
	AvgChart      template.HTML
	AvgChartTitle string
	Moves         []moveRow
	MoveChart     template.HTML
	MoveTitle     string
}

// avgRow is one index: the group's mean against the world's.
type avgRow struct{ Name, Group, World, Diff string }

// moveRow is one member's movement between two editions.
type moveRow struct {
	Name, PrevRank, Rank, Change, EGDIChange string
	Up, Down                                 bool
}

// subjectName returns the display name of a group request, in the
// dataset's own spelling for regions.
func subjectName(cs *egdi.Countries, f egdi.Filter, w words) string {
	switch {
	case f.Group != "":
		return w.T(f.Group)
	case f.Region != "":
		return w.T(canonical(cs.Regions(), f.Region))
	}
	return w.T(canonical(cs.Subregions(), f.Subregion))
}

func canonical(list []string, s string) string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return x
		}
	}
	return s
}

// buildGroup makes the view of a peer-group report.
func buildGroup(x *data, q Request, w words) (*groupView, error) {
	f := q.filter()
	if err := f.Validate(x.d.Countries); err != nil {
		return nil, err
	}
	y, err := x.edition(q.Edition)
	if err != nil {
		return nil, err
	}
	keep := func(c *egdi.Country) bool { return f.Keep(c) }
	ms := x.members(y, keep)
	v := &groupView{Name: subjectName(x.d.Countries, f, w), Edition: y, Prev: x.previous(y)}
	if len(ms) == 0 {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No country of this group was assessed in the %d edition.", y)
	}
	m, world := meanOf(ms), x.world[y]

	// Ranking of the members.
	bars := make([]chart.Bar, 0, len(ms))
	vh := 0
	for i, s := range ms {
		c := x.d.Countries.Get(s.ISO3)
		row := peerScoreRow(x, w, s, c, v.Prev)
		row.Within = itoa(i + 1)
		if i > 0 && ms[i-1].EGDIRank == s.EGDIRank {
			row.Within = v.Rows[i-1].Within
		}
		v.Rows = append(v.Rows, row)
		bars = append(bars, chart.Bar{Label: c.Name(w.lang), Value: s.EGDI, Highlight: s.EGDI >= world.EGDI,
			Note: w.T("report.rank_abbr") + " " + itoa(s.EGDIRank)})
		if s.Group == egdi.VeryHigh {
			vh++
		}
	}
	v.ChartTitle = w.T("report.chart.members") + " — " + v.Name + " " + itoa(y)
	v.Chart = chart.Bars(chart.Options{Title: v.ChartTitle, Lang: w.lang, YMin: 0, YMax: 1, Digits: 4,
		Desc: w.T("report.chart.members_desc"), Height: barsHeight(len(bars))}, bars)

	// Averages against the world.
	var avgBars []chart.Bar
	for _, idx := range []string{"egdi", "osi", "tii", "hci", "epi"} {
		g, wd := m.of(idx), world.of(idx)
		v.Averages = append(v.Averages, avgRow{Name: w.T(idx), Group: f4(g), World: f4(wd), Diff: signed4(round12(g - wd))})
		avgBars = append(avgBars,
			chart.Bar{Label: w.short(idx), Value: g, Highlight: true},
			chart.Bar{Label: w.T("world"), Value: wd})
	}
	v.AvgChartTitle = w.T("report.chart.averages") + " " + itoa(y)
	v.AvgChart = chart.Bars(chart.Options{Title: v.AvgChartTitle, Lang: w.lang, YMin: 0, YMax: 1, Digits: 4,
		Desc: string(w.S("report.chart.averages_desc", "group", v.Name))}, avgBars)

	// Movement since the previous edition.
	best := x.d.Countries.Get(ms[0].ISO3)
	v.Headline = w.S("report.group_headline", "n", len(ms), "group", v.Name, "edition", y, "avg", num(f4(m.EGDI)),
		"world", num(f4(world.EGDI)), "best", best.Name(w.lang), "rank", ms[0].EGDIRank)
	v.KPIs = []kpi{
		{Label: w.T("members"), Value: num(itoa(len(ms))), Note: w.S("report.assessed_in", "edition", y)},
		{Label: w.T("report.kpi.avg_egdi"), Value: num(f4(m.EGDI)), Note: w.S("report.world_avg_is", "v", num(f4(world.EGDI)))},
		{Label: w.T("report.kpi.best"), Value: text(best.Name(w.lang)), Text: true, Note: w.S("report.rank_is", "rank", ms[0].EGDIRank)},
		{Label: w.T("report.kpi.very_high"), Value: num(itoa(vh)), Note: w.S("report.of_n_members", "n", len(ms))},
	}
	if v.Prev > 0 {
		var moveBars []chart.Bar
		var up, down *moveRow
		upN, downN := 0, 0
		for _, s := range ms {
			c := x.d.Countries.Get(s.ISO3)
			r := moveRow{Name: c.Name(w.lang), Rank: rankText(s.EGDIRank), PrevRank: "–", Change: "–", EGDIChange: "–"}
			p := x.score(v.Prev, s.ISO3)
			if p != nil && p.EGDIRank > 0 {
				d := p.EGDIRank - s.EGDIRank
				r.PrevRank, r.Change, r.EGDIChange = rankText(p.EGDIRank), signedInt(d), signed4(round12(s.EGDI-p.EGDI))
				r.Up, r.Down = d > 0, d < 0
				moveBars = append(moveBars, chart.Bar{Label: r.Name, Value: float64(d), Highlight: d > 0,
					Note: w.T("report.from_rank") + " " + rankText(p.EGDIRank)})
				if d > upN {
					upN, up = d, &r
				}
				if -d > downN {
					downN, down = -d, &r
				}
			} else {
				moveBars = append(moveBars, chart.Bar{Label: r.Name, Value: nan(), Note: w.T("report.not_assessed")})
			}
			v.Moves = append(v.Moves, r)
		}
		v.MoveTitle = w.T("report.chart.moves") + " " + itoa(v.Prev) + "–" + itoa(y)
		v.MoveChart = chart.Bars(chart.Options{Title: v.MoveTitle, Lang: w.lang, Digits: 0,
			Desc: w.T("report.chart.moves_desc"), Height: barsHeight(len(moveBars))}, moveBars)
		if up != nil {
			v.Movers = w.S("report.biggest_rise", "country", up.Name, "places", w.places(upN), "prev", v.Prev)
		}
		if down != nil {
			if v.Movers != "" {
				v.Movers += " "
			}
			v.Movers += w.S("report.biggest_fall", "country", down.Name, "places", w.places(downN))
		}
	}
	return v, nil
}
