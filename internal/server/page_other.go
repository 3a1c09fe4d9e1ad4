package server

import (
	"html/template"
	"net/http"
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
	Countries []option // every member, the chosen ones selected
	Presets   []option // Value = href
	Chosen    []option // Value = this view without the country
	Cmp       *comparison
	Method    *egdi.Method
	Chart     template.HTML
	RankChart template.HTML
	Years     []int
	Table     [][]string // history table: one row per country, one column per edition
	Max       int
}

// pageCompare renders up to eight countries side by side: this edition's
// scores and their EGDI across editions.
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
	list := q.v["c"]
	if len(list) == 0 {
		if s := q.str("countries"); s != "" {
			list = strings.Split(s, ",")
		}
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := &comparePage{base: b, Edition: edition, Editions: editionOptions(d, edition), Max: maxCompare}
	var chosen []*egdi.Country
	if len(list) > 0 {
		if chosen, err = parseCountryList(d, strings.Join(list, ",")); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	all := d.Countries.All()
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return strings.Compare(all[i].Name(b.Lang), all[j].Name(b.Lang)) })
	for _, i := range idx {
		c := &all[i]
		p.Countries = append(p.Countries, option{string(c.ISO3), c.Name(b.Lang),
			slices.ContainsFunc(chosen, func(x *egdi.Country) bool { return x.ISO3 == c.ISO3 })})
	}
	for _, c := range chosen {
		var rest []string
		for _, o := range chosen {
			if o.ISO3 != c.ISO3 {
				rest = append(rest, string(o.ISO3))
			}
		}
		p.Chosen = append(p.Chosen, option{Value: b.URL(withQuery("/compare", "edition", strconv.Itoa(edition),
			"countries", strings.Join(rest, ","))), Label: c.Name(b.Lang)})
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
		p.Presets = append(p.Presets, option{Value: b.URL(withQuery("/compare", "edition", strconv.Itoa(edition), "countries", g[1])),
			Label: b.T("preset_" + g[0])})
	}
	if len(chosen) == 0 {
		s.render(w, r, http.StatusOK, "compare", p)
		return
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
		row := []string{h.Name}
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
			row = append(row, cell)
		}
		p.Table = append(p.Table, row)
		series = append(series, chart.Series{Name: h.Name, Points: pts, Highlight: len(cmp.History) == 1})
		rankSeries = append(rankSeries, chart.Series{Name: h.Name, Points: rpts, Highlight: len(cmp.History) == 1})
	}
	p.Chart = chart.Line(chart.Options{Title: b.T("compare_chart"), Desc: b.T("compare_chart_desc"), Lang: b.Lang,
		YMin: 0, YMax: 1, Digits: 3, Height: 360}, series...)
	p.RankChart = chart.Line(chart.Options{Title: b.T("rank_history"), Desc: b.T("rank_history_desc"), Lang: b.Lang,
		InvertY: true, Digits: 0, Height: 360}, rankSeries...)
	s.render(w, r, http.StatusOK, "compare", p)
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
	d, _, ok := s.queryData(w, r, q, s.pageError)
	if !ok {
		return
	}
	p := &uncertaintyPage{base: b, Edition: edition, Editions: editionOptions(d, edition)}
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
					Hi: float64(row.RankP95)})
			}
			title := b.T("intervals_title") + ", " + strconv.Itoa(res.Edition)
			if res.Group != "" {
				title += ", " + i18n.T(b.Lang, res.Group)
			}
			if res.Region != "" {
				title += ", " + i18n.T(b.Lang, res.Region)
			}
			p.Chart = chart.Intervals(chart.Options{Title: title, Desc: b.T("intervals_desc"), Lang: b.Lang, Digits: 0}, rows)
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
	Edition                         int
	Title, Index, Weights, TII, HCI string
	Precision, Ties, ZeroRule, Cap  string
	Classes                         bool
	Guesses                         []egdi.Param
	Assessed                        int

	// Assumed names the parameters a later edition inherits, and
	// AssumedLabel says from which edition ("assumed from 2024").
	Assumed      []string
	AssumedLabel string
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
	// The built-in editions and any later edition in the store.
	for _, m := range d.Methods() {
		row := methodRow{Edition: m.Edition, Title: m.Title, Index: m.IndexName,
			Weights: strconv.FormatFloat(m.Weights.OSI, 'f', 2, 64) + " / " + strconv.FormatFloat(m.Weights.TII, 'f', 2, 64) +
				" / " + strconv.FormatFloat(m.Weights.HCI, 'f', 2, 64),
			TII: strings.Join(m.TII.Indicators, ", "), HCI: strings.Join(m.HCI.Indicators, ", "),
			Precision: strconv.Itoa(m.EGDIPrecision.Digits) + " (" + b.T("mode_"+strings.ReplaceAll(string(m.EGDIPrecision.Mode), " ", "_")) + ")",
			Ties:      b.T("ties_" + string(m.Ties)), ZeroRule: b.T("zero_" + zeroKey(m.ZeroRule)), Classes: m.RatingClasses}
		if m.TII.Cap > 0 {
			row.Cap = strconv.FormatFloat(m.TII.Cap, 'f', -1, 64)
		}
		for _, prm := range m.Params {
			if prm.Status == egdi.BestGuess {
				row.Guesses = append(row.Guesses, prm)
			}
			if egdi.IsAssumed(prm.Status) {
				row.Assumed = append(row.Assumed, i18n.T(b.Lang, "param."+prm.Name))
			}
		}
		if sc, err := v.scores(m.Edition); err == nil {
			row.Assessed = len(sc)
		}
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
