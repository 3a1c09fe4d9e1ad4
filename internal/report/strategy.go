package report

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"slices"
	"strconv"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/assets"
	"github.com/egdi-project/egdi/internal/chart"
	"github.com/egdi-project/egdi/internal/i18n"
)

// The strategy progress report: every KPI of a strategy with its chart
// against the targets, its status, and what changed since the last report.

// KPIChart draws a KPI's measured values and its targets (and baseline)
// as two lines over the union of their years: ranks with rank 1 at the
// top. Used by the report and the dashboard.
func KPIChart(k egdi.KPIView, lang string) template.HTML {
	name := k.Name
	if lang == "ar" && k.NameAR != "" {
		name = k.NameAR
	}
	plan := slices.Clone(k.Targets)
	if k.Baseline != nil {
		plan = append(plan, *k.Baseline)
	}
	years := map[int]bool{}
	for _, p := range append(slices.Clone(k.Values), plan...) {
		years[p.Year] = true
	}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	series := func(label string, ps []egdi.Point, hl bool) chart.Series {
		s := chart.Series{Name: label, Highlight: hl}
		by := map[int]float64{}
		for _, p := range ps {
			by[p.Year] = p.Value
		}
		for _, y := range ys {
			v, ok := by[y]
			s.Points = append(s.Points, chart.Point{X: strconv.Itoa(y), Y: v, Missing: !ok})
		}
		return s
	}
	// The planned path: straight lines from the baseline through the
	// targets (the path the status rule reads), drawn at every year of the
	// chart between its ends.
	slices.SortFunc(plan, func(a, b egdi.Point) int { return a.Year - b.Year })
	var path []egdi.Point
	for _, y := range ys {
		for i := 0; i+1 < len(plan); i++ {
			p, q := plan[i], plan[i+1]
			if y >= p.Year && y <= q.Year && q.Year > p.Year {
				path = append(path, egdi.Point{Year: y, Value: p.Value + (q.Value-p.Value)*float64(y-p.Year)/float64(q.Year-p.Year)})
				break
			}
		}
	}
	if len(plan) == 1 {
		path = plan
	}
	w := words{lang}
	digits := 4
	if k.Lower || isWhole(k.Values) {
		digits = 0
	}
	o := chart.Options{Title: replaceVar(i18n.T(lang, "tracker.chart_title"), "kpi", name), Lang: lang, Width: 560, Height: 240,
		InvertY: k.Lower, Digits: digits}
	return chart.Line(o, series(w.T("tracker.measured"), k.Values, true), series(w.T("tracker.targets"), path, false))
}

func replaceVar(s, name, v string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte("{"+name+"}"), []byte(v)))
}

func isWhole(ps []egdi.Point) bool {
	for _, p := range ps {
		if p.Value != float64(int64(p.Value)) {
			return false
		}
	}
	return true
}

// StrategyRequest asks for a strategy progress report: the view of the
// strategy now and, when there was one, the view of the last report.
type StrategyRequest struct {
	View     *egdi.StrategyView
	Previous *egdi.StrategyView
	Lang     string
}

type strategyPage struct {
	words
	Dir, Title, Subtitle, Footer string
	Generated, DataVersion       string
	FontCSS, Style               template.CSS
	Sample                       bool
	Source                       string
	First                        bool
	Changes                      []changeRow
	KPIs                         []kpiRow
}

type kpiRow struct {
	ID, Name, Initiative, Binding, Baseline, Latest, Targets string
	Status, StatusKey                                        string
	Chart                                                    template.HTML
}

type changeRow struct {
	Name, From, To, FromStatus, ToStatus string
	New                                  bool
}

func pointStr(p *egdi.Point) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(p.Value, 'g', 6, 64) + " (" + strconv.Itoa(p.Year) + ")"
}

// StrategyHTML writes the progress report as one self-contained HTML page.
func (r *Renderer) StrategyHTML(w io.Writer, q StrategyRequest) error {
	return r.strategyHTML(w, q, r.cfg.FontBase)
}

func (r *Renderer) strategyHTML(w io.Writer, q StrategyRequest, fontBase string) error {
	if q.Lang != "en" && q.Lang != "ar" {
		return egdi.Errorf(egdi.EINVALID, "Unknown language %q: choose en or ar.", q.Lang)
	}
	if q.View == nil || q.View.Strategy == nil {
		return egdi.Errorf(egdi.EINVALID, "No strategy to report on.")
	}
	ws := words{q.Lang}
	s := q.View.Strategy
	title := s.Title
	if q.Lang == "ar" && s.TitleAR != "" {
		title = s.TitleAR
	}
	if title == "" {
		title = s.Name
	}
	p := &strategyPage{words: ws, Dir: "ltr", Title: title, DataVersion: r.cfg.DataVersion, Sample: s.Sample, Source: s.Source,
		Generated: r.cfg.Now().UTC().Format("2006-01-02"), First: q.Previous == nil}
	if q.Lang == "ar" {
		p.Dir = "rtl"
	}
	p.Subtitle = ws.T("tracker.report")
	p.Footer = title + " · " + p.Subtitle
	for _, k := range q.View.KPIs {
		name := k.Name
		if q.Lang == "ar" && k.NameAR != "" {
			name = k.NameAR
		}
		b := ws.T("tracker.by_hand")
		if k.Binding != nil {
			b = k.Binding.ISO3 + " · " + k.Binding.Measure
		}
		var latest *egdi.Point
		if n := len(k.Values); n > 0 {
			latest = &k.Values[n-1]
		}
		var ts []string
		for _, t := range k.Targets {
			ts = append(ts, pointStr(&t))
		}
		tgt := "–"
		if len(ts) > 0 {
			tgt = joinComma(ts)
		}
		p.KPIs = append(p.KPIs, kpiRow{ID: k.ID, Name: name, Initiative: k.Initiative, Binding: b, Baseline: pointStr(k.Baseline),
			Latest: pointStr(latest), Targets: tgt, Status: ws.T("tracker.status." + string(k.Status)), StatusKey: string(k.Status),
			Chart: KPIChart(k, q.Lang)})
	}
	for _, c := range egdi.Changes(q.Previous, q.View) {
		name := c.Name
		for _, k := range q.View.KPIs {
			if k.ID == c.ID && q.Lang == "ar" && k.NameAR != "" {
				name = k.NameAR
			}
		}
		row := changeRow{Name: name, New: c.New, ToStatus: ws.T("tracker.status." + string(c.ToStatus))}
		if c.ToYear > 0 {
			row.To = pointStr(&egdi.Point{Year: c.ToYear, Value: c.ToValue})
		}
		if c.FromYear > 0 {
			row.From = pointStr(&egdi.Point{Year: c.FromYear, Value: c.FromValue})
		}
		if c.FromStatus != "" {
			row.FromStatus = ws.T("tracker.status." + string(c.FromStatus))
		}
		p.Changes = append(p.Changes, row)
	}
	css, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		return err
	}
	p.FontCSS = template.CSS(assets.PrintFontFaceCSS(fontBase)) // our own embedded CSS, not user input
	p.Style = template.CSS(css)
	var buf bytes.Buffer
	if err := r.tmpl.ExecuteTemplate(&buf, "strategy.html", p); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func joinComma(ss []string) string {
	var b bytes.Buffer
	for i, s := range ss {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// StrategyPDF prints the progress report as a PDF with the renderer's
// browser (the pipeline of the country reports: fonts inlined, A4).
func (r *Renderer) StrategyPDF(ctx context.Context, w io.Writer, q StrategyRequest) error {
	var html bytes.Buffer
	started := make(chan error, 1)
	go func() { started <- r.start() }()
	err := r.strategyHTML(&html, q, "/fonts/")
	if serr := <-started; err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		return err
	}
	pdf, err := r.Print(ctx, html.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(pdf)
	return err
}
