package server

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
	"github.com/egdi-project/egdi/internal/report"
)

// The tracker's pages: the strategies, one strategy with its KPIs (status,
// chart against the targets, forms to add an initiative and a KPI), and
// the cooperation timeline. They read the store on every request and are
// not kept in the page cache.

// trackerPages are the tracker's templates, each parsed with layout.html.
var trackerPages = sync.OnceValue(func() map[string]*template.Template {
	funcs := template.FuncMap{"asset": assetURL}
	out := map[string]*template.Template{}
	for _, p := range []string{"strategies", "strategy", "cooperation"} {
		out[p] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assetFS,
			"assets/templates/layout.html", "assets/templates/"+p+".html"))
	}
	return out
})

// renderTracker renders a tracker page (never cached: the store changes
// without the dataset changing).
func (s *Server) renderTracker(w http.ResponseWriter, r *http.Request, page string, data any) {
	var buf bytes.Buffer
	if err := trackerPages()[page].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.log.ErrorContext(r.Context(), "template", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

type strategyCard struct {
	Name, Title, Href, Scope                  string
	Sample                                    bool
	KPIs, OnTrack, AtRisk, OffTrack, NoTarget int
}

type strategiesPage struct {
	base
	Strategies []strategyCard
}

func localized(lang, en, ar string) string {
	if lang == "ar" && ar != "" {
		return ar
	}
	return en
}

func (s *Server) pageStrategies(w http.ResponseWriter, r *http.Request) {
	b := s.newBase(r, "strategies", "tracker.strategies")
	vs, err := s.strategyViews(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := &strategiesPage{base: b}
	for _, v := range vs {
		sum := summarize(v)
		p.Strategies = append(p.Strategies, strategyCard{Name: v.Name, Title: localized(b.Lang, v.Title, v.TitleAR),
			Href: b.URL("/strategies/" + url.PathEscape(v.Name)), Scope: v.Scope, Sample: v.Sample, KPIs: sum.KPIs,
			OnTrack: sum.Status["on_track"], AtRisk: sum.Status["at_risk"], OffTrack: sum.Status["off_track"], NoTarget: sum.Status["no_target"]})
	}
	s.renderTracker(w, r, "strategies", p)
}

type kpiCard struct {
	ID, Name, Binding, Baseline, Latest, Targets string
	Status, StatusKey                            string
	Chart                                        template.HTML
	Values                                       []egdi.Point
}

type initiativeBlock struct {
	Key               string // the initiative's name as stored (what the API takes)
	Name, Wave, Owner string
	KPIs              []kpiCard
}

type waveRow struct {
	Name, Years string
	Priorities  []string
}

type strategyPage struct {
	base
	Name, Description, Source, Scope, Owner string
	Sample                                  bool
	CSRF                                    string // the session's, sent as X-CSRF-Token by tracker.js
	Waves                                   []waveRow
	Initiatives                             []initiativeBlock
	WaveNames                               []string
	Measures                                []option
	API                                     string
	Report                                  string // the progress report's URL, without its format
}

func pointText(p *egdi.Point) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(p.Value, 'g', 6, 64) + " (" + strconv.Itoa(p.Year) + ")"
}

// measureOptions lists the measures a KPI can be bound to, by name.
func measureOptions(lang string) []option {
	var out []option
	for _, ix := range egdi.Indices {
		out = append(out, option{Value: ix, Label: i18n.T(lang, ix)})
	}
	for _, ix := range egdi.Indices {
		out = append(out, option{Value: ix + "_rank", Label: i18n.T(lang, ix) + " · " + i18n.T(lang, "rank")})
	}
	for _, ind := range []egdi.Indicator{egdi.InternetUsers, egdi.MobileSubscriptions, egdi.ActiveMobileBroadband, egdi.FixedBroadband,
		egdi.FixedTelephone, egdi.AdultLiteracy, egdi.GrossEnrolment, egdi.ExpectedSchooling, egdi.MeanSchooling} {
		out = append(out, option{Value: ind.String(), Label: i18n.T(lang, ind.String())})
	}
	return out
}

func (s *Server) pageStrategy(w http.ResponseWriter, r *http.Request) {
	b := s.newBase(r, "strategies", "tracker.strategy")
	v, err := s.strategyView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	b.Title = localized(b.Lang, v.Title, v.TitleAR)
	if b.Title == "" {
		b.Title = v.Name
	}
	p := &strategyPage{base: b, Name: v.Name, Description: localized(b.Lang, v.Description, v.DescriptionAR), Source: v.Source, Scope: v.Scope, Owner: v.Owner,
		Sample: v.Sample, Measures: measureOptions(b.Lang), API: "/api/v1/strategies/" + url.PathEscape(v.Name),
		Report: "/api/v1/reports/strategies/" + url.PathEscape(v.Name) + "?lang=" + b.Lang}
	if c, _ := s.identify(r); c != nil && c.Session != nil {
		p.CSRF = c.Session.CSRF
	}
	for _, wv := range v.Waves {
		row := waveRow{Name: localized(b.Lang, wv.Name, wv.NameAR), Priorities: wv.Priorities}
		if wv.From > 0 {
			row.Years = strconv.Itoa(wv.From)
			if wv.To > 0 && wv.To != wv.From {
				row.Years += "–" + strconv.Itoa(wv.To)
			}
		}
		p.Waves = append(p.Waves, row)
		p.WaveNames = append(p.WaveNames, wv.Name)
	}
	byID := map[string]egdi.KPIView{}
	for _, k := range v.KPIs {
		byID[k.ID] = k
	}
	for _, in := range v.Initiatives {
		blk := initiativeBlock{Key: in.Name, Name: localized(b.Lang, in.Name, in.NameAR), Wave: in.Wave, Owner: in.Owner}
		for _, k := range in.KPIs {
			kv := byID[k.ID]
			bind := b.T("tracker.by_hand")
			if kv.Binding != nil {
				bind = kv.Binding.ISO3 + " · " + kv.Binding.Measure
			}
			var latest *egdi.Point
			if n := len(kv.Values); n > 0 {
				latest = &kv.Values[n-1]
			}
			var ts []string
			for _, t := range kv.Targets {
				ts = append(ts, pointText(&t))
			}
			blk.KPIs = append(blk.KPIs, kpiCard{ID: kv.ID, Name: localized(b.Lang, kv.Name, kv.NameAR), Binding: bind,
				Baseline: pointText(kv.Baseline), Latest: pointText(latest), Targets: strings.Join(ts, ", "),
				Status: b.T("tracker.status." + string(kv.Status)), StatusKey: string(kv.Status),
				Chart: report.KPIChart(kv, b.Lang), Values: kv.Values})
		}
		p.Initiatives = append(p.Initiatives, blk)
	}
	s.renderTracker(w, r, "strategy", p)
}

// coopRow is a cooperation record as the timeline shows it.
type coopRow struct {
	Date, Kind, KindKey, Title, Topic string
	Parties                           []option // Value = href ("" for an organisation), Label = name
	Outcomes, Documents               []string
}

func coopRows(d *egdi.Dataset, b *base, rs []*egdi.Cooperation) []coopRow {
	out := make([]coopRow, 0, len(rs))
	for _, c := range rs {
		row := coopRow{Date: c.Date, Kind: b.T("tracker.kind." + string(c.Kind)), KindKey: string(c.Kind),
			Title: localized(b.Lang, c.Title, c.TitleAR), Topic: localized(b.Lang, c.Topic, c.TopicAR),
			Outcomes: c.Outcomes, Documents: c.Documents}
		if b.Lang == "ar" && len(c.OutcomesAR) > 0 {
			row.Outcomes = c.OutcomesAR
		}
		if b.Lang == "ar" && len(c.DocumentsAR) > 0 {
			row.Documents = c.DocumentsAR
		}
		if row.Date == "" {
			row.Date = b.T("tracker.undated")
		}
		for _, p := range c.Parties {
			if ct := d.Countries.Get(egdi.ISO3(p)); ct != nil {
				row.Parties = append(row.Parties, option{Value: b.URL("/countries/" + p), Label: ct.Name(b.Lang)})
			} else {
				row.Parties = append(row.Parties, option{Label: p})
			}
		}
		out = append(out, row)
	}
	return out
}

type cooperationPage struct {
	base
	Heading   string
	Records   []coopRow
	Countries []option
	Country   string
}

func (s *Server) pageCooperation(w http.ResponseWriter, r *http.Request) {
	b := s.newBase(r, "cooperation", "tracker.cooperation")
	q := newQuery(r)
	c := q.str("country")
	d, _, ok := s.queryData(w, r, q, s.pageError)
	if !ok {
		return
	}
	var iso egdi.ISO3
	p := &cooperationPage{base: b, Heading: b.T("tracker.cooperation")}
	if c != "" {
		ct, err := parseISO3(d, c)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		iso = ct.ISO3
		p.Country = string(iso)
		p.Heading = strings.ReplaceAll(b.T("tracker.cooperation_of"), "{country}", ct.Name(b.Lang))
	}
	t, err := s.tracker()
	var rs []*egdi.Cooperation
	if err == nil {
		rs, err = t.Cooperation(r.Context(), iso)
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.Records = coopRows(d, &b, rs)
	all, err := t.Cooperation(r.Context(), "")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	seen := map[egdi.ISO3]bool{}
	for _, rec := range all {
		for _, x := range rec.Countries() {
			if !seen[x] {
				seen[x] = true
				if ct := d.Countries.Get(x); ct != nil {
					p.Countries = append(p.Countries, option{Value: string(x), Label: ct.Name(b.Lang), Selected: x == iso})
				}
			}
		}
	}
	s.renderTracker(w, r, "cooperation", p)
}
