package server

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/chart"
	"github.com/egdi-project/egdi/internal/i18n"
)

type comparePage struct {
	base
	Edition   int
	Editions  []option
	Countries []option // every member, for the picker's list (Value = ISO3)
	Presets   []option // Value = href
	Chosen    []chosenCountry
	Focus     string // ISO3 of the highlighted country
	Add       string // the name or code as typed, kept on an error
	FormErr   []string
	Cmp       *comparison
	Method    *egdi.Method
	Chart     template.HTML
	RankChart template.HTML
	Years     []int
	Table     []compareRow // history table: one row per country, one cell per edition
	Max       int
}

// chosenCountry is one chosen country of the compare page, with the links
// that remove it or highlight it.
type chosenCountry struct {
	ISO3, Name, Remove, FocusHref string
	Focus                         bool
}

type compareRow struct {
	Name  string
	Focus bool
	Cells []string
}

// comparePalette tells up to eight compared countries apart: distinct hues
// (after Okabe and Ito's colour-blind-safe set), each at least 3:1 against
// white, and none the accent blue of the highlighted country.
var comparePalette = []string{"#d55e00", "#009e73", "#cc79a7", "#b07d00", "#5a9fd4", "#6a3d9a", "#8c564b", "#4d4d4d"}

// pageCompare renders up to eight countries side by side: this edition's
// scores and their EGDI across editions. Countries come as c=ISO3 (one per
// country), countries=A,B,C, or add=name (the picker: a name in either
// language or a code); focus=ISO3 picks the highlighted one (the first by
// default). A country that cannot be added, or one too many, is reported
// above the form, which keeps what was typed.
func (s *Server) pageCompare(w http.ResponseWriter, r *http.Request) {
	if s.pageCached(w, r) {
		return
	}
	b := s.newBase(r, "compare", "compare")
	q := newQuery(r)
	edition := q.edition("edition")
	if q.err != nil {
		s.pageError(w, r, q.err)
		return
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := &comparePage{base: b, Edition: edition, Editions: editionOptions(d, edition), Max: maxCompare}
	var items []string
	for _, x := range q.v["c"] {
		items = append(items, strings.Split(x, ",")...)
	}
	for _, x := range q.v["countries"] {
		items = append(items, strings.Split(x, ",")...)
	}
	add := ""
	if a := q.v["add"]; len(a) > 0 {
		add = strings.TrimSpace(a[0])
	}
	var chosen []*egdi.Country
	seen := map[egdi.ISO3]bool{}
	take := func(x string, typed bool) {
		x = strings.TrimSpace(x)
		if x == "" {
			return
		}
		c, err := d.Countries.Lookup(x)
		if err != nil {
			p.FormErr = append(p.FormErr, b.F("err.unknown_country", "q", x))
			if typed {
				p.Add = x
			}
			return
		}
		if !seen[c.ISO3] {
			seen[c.ISO3] = true
			chosen = append(chosen, c)
		}
	}
	for _, x := range items {
		take(x, false)
	}
	take(add, true)
	if len(chosen) > maxCompare {
		p.FormErr = append(p.FormErr, b.F("err.compare_max", "max", maxCompare, "n", len(chosen)))
	}
	focus := strings.ToUpper(q.str("focus"))
	if !seen[egdi.ISO3(focus)] && len(chosen) > 0 {
		focus = string(chosen[0].ISO3)
	}
	p.Focus = focus
	p.Countries = countryOptions(d, b.Lang, "")
	codes := make([]string, len(chosen))
	for i, c := range chosen {
		codes[i] = string(c.ISO3)
	}
	view := func(cs []string, f string) string {
		u := url.Values{"edition": {strconv.Itoa(edition)}}
		if len(cs) > 0 {
			u["c"] = cs
		}
		if f != "" && len(cs) > 1 {
			u.Set("focus", f)
		}
		return b.URL("/compare?" + u.Encode())
	}
	for i, c := range chosen {
		rest := slices.Delete(slices.Clone(codes), i, i+1)
		f := focus
		if f == codes[i] {
			f = ""
		}
		p.Chosen = append(p.Chosen, chosenCountry{ISO3: codes[i], Name: c.Name(b.Lang), Remove: view(rest, f),
			FocusHref: view(codes, codes[i]), Focus: codes[i] == focus})
	}
	for _, g := range [][]string{{"gcc", "ARE,BHR,KWT,OMN,QAT,SAU"}, {"leaders", ""}} {
		if g[1] == "" {
			lead, err := rankingOf(d, v, rankingParams{Edition: edition, By: "egdi", Lang: b.Lang, Filter: egdi.Filter{Top: 5}})
			if err != nil {
				s.pageError(w, r, err)
				return
			}
			var cs []string
			for _, row := range lead.Rows {
				cs = append(cs, string(row.ISO3))
			}
			g[1] = strings.Join(cs, ",")
		}
		p.Presets = append(p.Presets, option{Value: view(strings.Split(g[1], ","), ""), Label: b.T("preset_" + g[0])})
	}
	if len(chosen) == 0 || len(chosen) > maxCompare {
		status := http.StatusOK
		if len(p.FormErr) > 0 {
			status = http.StatusBadRequest // the page, with the error above its form
		}
		s.render(w, r, status, "compare", p)
		return
	}
	status := http.StatusOK
	if len(p.FormErr) > 0 {
		status = http.StatusBadRequest // an unknown name beside valid ones: compare those, say why
	}
	cmp, err := compareOf(d, v, chosen, edition, "egdi", b.Lang)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.Cmp, p.Method = cmp, cmp.method
	years := d.Years()
	p.Years = years
	var series, rankSeries []chart.Series
	for _, h := range cmp.History {
		pts := make([]chart.Point, len(years))
		rpts := make([]chart.Point, len(years))
		row := compareRow{Name: h.Name, Focus: string(h.ISO3) == focus}
		for i, y := range years {
			pts[i] = chart.Point{X: strconv.Itoa(y), Missing: true}
			rpts[i] = pts[i]
			cell := ""
			for _, e := range h.Entries {
				if e.Edition == y {
					pts[i] = chart.Point{X: strconv.Itoa(y), Y: e.EGDI}
					rpts[i] = chart.Point{X: strconv.Itoa(y), Y: float64(e.EGDIRank)}
					m, _ := egdi.MethodFor(y)
					cell = m.EGDIPrecision.Format(e.EGDI) + " (" + strconv.Itoa(e.EGDIRank) + ")"
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		p.Table = append(p.Table, row)
		series = append(series, chart.Series{Name: h.Name, Points: pts, Highlight: row.Focus})
		rankSeries = append(rankSeries, chart.Series{Name: h.Name, Points: rpts, Highlight: row.Focus})
	}
	p.Chart = boxed(chart.Line(chart.Options{Title: b.T("compare_chart"), Desc: b.T("compare_chart_desc"), Lang: b.Lang,
		YMin: 0, YMax: 1, Digits: 3, Height: 360, Class: "w640", Palette: comparePalette}, series...), b.T("compare_chart"))
	p.RankChart = boxed(chart.Line(chart.Options{Title: b.T("rank_history"), Desc: b.T("rank_history_desc"), Lang: b.Lang,
		InvertY: true, Digits: 0, Height: 360, Class: "w640", Palette: comparePalette}, rankSeries...), b.T("rank_history"))
	s.render(w, r, status, "compare", p)
}

type uncertaintyPage struct {
	base
	Edition   int
	Editions  []option
	Groups    []option
	Regions   []option
	Job       *Job
	Result    *uncertaintyResult
	Chart     template.HTML
	Refresh   bool
	Percent   string
	Method    string
	CancelURL string
	Focus     string   // ISO3 of the highlighted country (focus=)
	FocusOpts []option // the result's countries, for the highlight picker
	Varied    []string // what the run varied, in words
	Notes     []string // the engine's notes, in the page's language
	JobID     string
}

// pageUncertainty renders the rank-uncertainty page: its form, and the
// job named by ?job= (progress, then the result). A GET never starts a
// job (a link or an image from any page could); the form POSTs to
// [Server.pageUncertaintyStart].
func (s *Server) pageUncertainty(w http.ResponseWriter, r *http.Request) {
	b := s.newBase(r, "uncertainty", "uncertainty")
	q := newQuery(r)
	edition := q.edition("edition")
	group := strings.ToLower(q.str("group"))
	region := q.str("region")
	jobID := q.str("job")
	focus := strings.ToUpper(q.str("focus"))
	d, _, ok := s.queryData(w, r, q, s.pageError)
	if !ok {
		return
	}
	p := &uncertaintyPage{base: b, Edition: edition, Editions: editionOptions(d, edition), Focus: focus, JobID: jobID}
	p.Groups = filterOptions(b.Lang, egdi.GroupNames, group)
	p.Regions = filterOptions(b.Lang, d.Countries.Regions(), region)
	if jobID != "" {
		job, err := s.job(r.Context(), jobID)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		p.Job = job
		p.Percent = strconv.Itoa(int(job.Progress * 100))
		p.CancelURL = "/api/v1/uncertainty/" + job.ID
		switch job.Status {
		case JobQueued, JobRunning:
			p.Refresh = true
		case JobDone:
			var res uncertaintyResult
			if err := unmarshal(job.Result, &res); err != nil {
				s.pageError(w, r, err)
				return
			}
			p.Result = &res
			var rows []chart.IntervalRow
			for _, row := range res.Rows {
				name := row.Name
				if b.Lang == "ar" && row.NameAR != "" {
					name = row.NameAR
				}
				rows = append(rows, chart.IntervalRow{Label: name, Lo: float64(row.RankP05), Mid: float64(row.RankMedian),
					Hi: float64(row.RankP95), Highlight: string(row.ISO3) == focus})
				p.FocusOpts = append(p.FocusOpts, option{Value: string(row.ISO3), Label: name, Selected: string(row.ISO3) == focus})
			}
			i18n.Sort(b.Lang, p.FocusOpts, func(o option) string { return o.Label })
			title := b.T("intervals_title") + b.Comma() + strconv.Itoa(res.Edition)
			if res.Group != "" {
				title += b.Comma() + i18n.T(b.Lang, res.Group)
			}
			if res.Region != "" {
				title += b.Comma() + i18n.T(b.Lang, res.Region)
			}
			vy := res.Vary
			if vy.Weights {
				p.Varied = append(p.Varied, b.F("vary.weights", "band", strconv.FormatFloat(vy.WeightBand, 'f', -1, 64)))
			}
			if vy.Normalisation {
				p.Varied = append(p.Varied, b.T("vary.normalisation"))
			}
			if vy.Noise > 0 {
				p.Varied = append(p.Varied, b.F("vary.noise", "noise", strconv.FormatFloat(vy.Noise, 'f', -1, 64)))
			}
			if vy.Aggregation {
				p.Varied = append(p.Varied, b.T("vary.aggregation"))
			}
			for _, n := range res.Notes {
				p.Notes = append(p.Notes, noteSentence(b.Lang, n))
			}
			// A long chart (up to 193 rows) has its axis at the top and the
			// bottom, so that a value is read without scrolling back.
			p.Chart = boxed(chart.Intervals(chart.Options{Title: title, Desc: b.T("intervals_desc"), Lang: b.Lang, Digits: 0,
				AxisTop: len(rows) > 12, Class: "w640"}, rows), b.T("intervals_title"))
		}
	}
	s.render(w, r, http.StatusOK, "uncertainty", p)
}

// pageUncertaintyStart answers the page's form (POST /{lang}/uncertainty,
// same origin only: see crossOrigin): it queues the job and sends the
// browser to the page that follows it (303).
func (s *Server) pageUncertaintyStart(w http.ResponseWriter, r *http.Request) {
	b := s.newBase(r, "uncertainty", "uncertainty")
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, egdi.Errorf(egdi.EINVALID, "Malformed form: %v.", err))
		return
	}
	q := &query{v: r.PostForm}
	edition := q.edition("edition")
	group := strings.ToLower(q.str("group"))
	region := q.str("region")
	if q.err != nil {
		s.pageError(w, r, q.err)
		return
	}
	job, err := s.startUncertainty(r, uncertaintyRequest{Edition: &edition, Group: group, Region: region, Seed: 1})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, b.URL(withQuery("/uncertainty", "edition", strconv.Itoa(edition), "group", group,
		"region", region, "job", job.ID)), http.StatusSeeOther)
}

type methodologyPage struct {
	base
	Methods []methodRow
}

type methodRow struct {
	Edition                        int
	Title, Index, TII, HCI         string
	Weights                        []option // Value = weight, Label = index abbreviation
	Precision, Ties, ZeroRule, Cap string
	Classes                        bool
	Guesses                        []option // Label = parameter, Value = the guess, both in the page's language
	Assessed                       int

	// Assumed names the parameters a later edition inherits, and
	// AssumedLabel says from which edition ("assumed from 2024").
	Assumed      []string
	AssumedLabel string
	AssumedText  string // Assumed joined in the page's language
}

// pageMethodology renders the editions table in plain words, the sources
// and the attribution.
func (s *Server) pageMethodology(w http.ResponseWriter, r *http.Request) {
	if s.pageCached(w, r) {
		return
	}
	b := s.newBase(r, "methodology", "methodology")
	d, v, err := s.dataset(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := &methodologyPage{base: b}
	// The same terms as `egdi editions --lang ar` (the glossary's ed.*,
	// ind.*, param.* and guess.* rows, through i18n.Guess and i18n.Weight).
	term := func(prefix, en string) string {
		if b.Lang != "ar" {
			return en
		}
		if i18n.Has(prefix + en) {
			return i18n.T("ar", prefix+en)
		}
		return en
	}
	list := func(xs []string) string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = term("ind.", x)
		}
		return i18n.Join(b.Lang, out)
	}
	// The built-in editions and any later edition in the store.
	for _, m := range d.Methods() {
		row := methodRow{Edition: m.Edition, Title: b.EditionTitle(m.Edition), Index: term("ed.index:", m.IndexName),
			Weights: []option{{i18n.Weight(m.Weights.OSI), b.T("osi.abbr"), false}, {i18n.Weight(m.Weights.TII), b.T("tii.abbr"), false},
				{i18n.Weight(m.Weights.HCI), b.T("hci.abbr"), false}},
			TII: list(m.TII.Indicators), HCI: list(m.HCI.Indicators),
			Precision: strconv.Itoa(m.EGDIPrecision.Digits) + " (" + b.T("mode_"+strings.ReplaceAll(string(m.EGDIPrecision.Mode), " ", "_")) + ")",
			Ties:      b.T("ties_" + string(m.Ties)), ZeroRule: b.T("zero_" + zeroKey(m.ZeroRule)), Classes: m.RatingClasses}
		if m.TII.Cap > 0 {
			row.Cap = strconv.FormatFloat(m.TII.Cap, 'f', -1, 64)
		}
		for _, prm := range m.Params {
			if prm.Status == egdi.BestGuess {
				row.Guesses = append(row.Guesses, option{Label: term("param.", prm.Name),
					Value: i18n.Guess(b.Lang, prm.Name, prm.Value, m.DataYear, egdi.GapYears)})
			}
			if egdi.IsAssumed(prm.Status) {
				row.Assumed = append(row.Assumed, i18n.T(b.Lang, "param."+prm.Name))
			}
		}
		if sc, err := v.scores(m.Edition); err == nil {
			row.Assessed = len(sc)
		}
		row.AssumedText = i18n.Join(b.Lang, row.Assumed)
		if m.MethodFrom > 0 {
			row.AssumedLabel = strings.ReplaceAll(i18n.T(b.Lang, "status.assumed"), "{year}", strconv.Itoa(m.MethodFrom))
		}
		p.Methods = append(p.Methods, row)
	}
	s.render(w, r, http.StatusOK, "methodology", p)
}

func zeroKey(z egdi.ZeroRule) string {
	switch z {
	case egdi.ZeroIfOSI:
		return "osi"
	case egdi.ZeroIfHCI:
		return "hci"
	}
	return "none"
}
