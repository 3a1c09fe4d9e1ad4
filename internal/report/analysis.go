package report

import (
	"context"
	"html/template"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/chart"
	"github.com/egdi-project/egdi/internal/i18n"
	"github.com/egdi-project/egdi/internal/montecarlo"
)

// The uncertainty analysis of a report: the defaults of `egdi uncertainty`
// (every choice varied: weights each in [1/3 − 0.1, 1/3 + 0.2], the
// normalisation, the aggregation, 5 % noise on every value), at component
// level, with a fixed seed so that a report is reproducible.
const (
	uncertaintyReplications = 10_000
	uncertaintySeed         = 1
)

// analyse fills the three analytical sections of a country report — the
// explanation of the last change ([egdi.Explain]), the target plan to the
// next rating class or group ([egdi.Base.Plan]) and the uncertainty
// interval of the rank ([egdi.Model], run by package montecarlo). A section
// that cannot be computed stays nil and renders as "not available": the
// report never shows a number it did not compute.
func (r *Renderer) analyse(x *data, v *countryView, w words) {
	c := egdi.ISO3(v.ISO3)
	if b, err := x.base(v.Edition); err == nil {
		if v.Prev > 0 {
			if a, err := x.base(v.Prev); err == nil {
				if e, err := egdi.Explain(a, b, c); err == nil {
					v.Explain = explainSection(e, w, v.Name)
				}
			}
		}
		v.Target = targetSection(b, c, w)
	}
	if res, err := x.uncertainty(v.Edition); err == nil {
		v.Uncertainty, v.UncertaintyChart = uncertaintySection(x, res, c, v, w)
	}
}

// requested adds what a request asks for beyond the standard report: the
// gap to a peer (Request.Vs, [egdi.ExplainGap]) and the plan to a target
// rank (Request.Target, [egdi.Base.Plan]). Unlike [Renderer.analyse] it
// returns the errors, since they answer the user's own input: a peer not
// assessed, a rank that is no improvement.
func (r *Renderer) requested(x *data, v *countryView, q Request, w words) error {
	v.TargetTitle = text(w.T("report.sec.target"))
	if q.Vs == "" && q.Target == 0 && !q.Brief {
		return nil
	}
	b, err := x.base(v.Edition)
	if err != nil {
		return err
	}
	c := egdi.ISO3(v.ISO3)
	vs := q.Vs
	if vs == "" && q.Brief {
		vs = string(defaultPeer(x, b, c))
	}
	if vs != "" {
		p, err := x.d.Countries.Lookup(vs)
		if err != nil {
			return err
		}
		if p.ISO3 == c {
			return egdi.Errorf(egdi.EINVALID, "--vs names the country itself (%s): name a peer.", c)
		}
		g, err := egdi.ExplainGap(b, c, p.ISO3)
		if err != nil {
			return err
		}
		v.Gap = gapSection(x, g, w, v.Name, p.Name(w.lang))
		v.GapTitle = w.S("report.sec.gap", "peer", p.Name(w.lang))
	}
	if q.Target > 0 {
		s := b.Score(c)
		if n := len(b.Scores); q.Target > n {
			return egdi.Errorf(egdi.EINVALID, "--target %d is not a rank of edition %d: give a rank from 1 to %d.", q.Target, v.Edition, n)
		}
		if s != nil && s.EGDIRank <= q.Target {
			return egdi.Errorf(egdi.EINVALID, "%s is already ranked %d in %d: --target %d is not an improvement; choose a rank from 1 to %d.",
				c, s.EGDIRank, v.Edition, q.Target, max(1, s.EGDIRank-1))
		}
		a, err := planSection(b, c, egdi.Target{Rank: q.Target}, w)
		if err != nil {
			return err
		}
		v.Target = a
		v.TargetTitle = w.S("report.sec.target_rank", "rank", q.Target)
	}
	if q.Brief {
		v.Cheapest = cheapestOnly(v.Target)
	}
	return nil
}

// defaultPeer is the brief's peer when none is named: the country ranked
// just above in the peer area, else just above in the world, else (for the
// world's first) the one just below.
func defaultPeer(x *data, b *egdi.Base, c egdi.ISO3) egdi.ISO3 {
	c0 := x.d.Countries.Get(c)
	_, inArea := peerArea(c0)
	ms := x.members(b.Edition, inArea)
	for i, s := range ms {
		if s.ISO3 == c && i > 0 {
			return ms[i-1].ISO3
		}
	}
	s := b.Score(c)
	var above, below egdi.ISO3
	for _, o := range b.Scores {
		switch {
		case o.EGDIRank < s.EGDIRank && (above == "" || o.EGDIRank > b.Score(above).EGDIRank):
			above = o.ISO3
		case o.ISO3 != c && o.EGDIRank >= s.EGDIRank && (below == "" || o.EGDIRank < b.Score(below).EGDIRank):
			below = o.ISO3
		}
	}
	if above != "" {
		return above
	}
	return below
}

// gapSection explains the gap from a country to a peer in one edition: the
// ranks, the EGDI difference and the part of it each component makes
// (w·(peer − country), METHODOLOGY §3), and the countries in between.
func gapSection(x *data, g *egdi.Gap, w words, name, peer string) *analysis {
	a := &analysis{}
	key := "report.gap.ahead"
	if g.RankGap < 0 {
		key = "report.gap.behind"
	}
	a.Lines = append(a.Lines, w.S(key, "peer", peer, "country", name, "rankpeer", g.RankPeer, "rank", g.Rank,
		"places", w.places(abs(g.RankGap)), "gap", num(signed4(g.EGDIGap)), "edition", g.Edition))
	parts := []struct {
		key string
		v   float64
	}{{"osi", g.Contributions.OSI}, {"tii", g.Contributions.TII}, {"hci", g.Contributions.HCI}}
	big := slices.MaxFunc(parts, func(p, q struct {
		key string
		v   float64
	}) int {
		return cmpAbs(p.v, q.v)
	})
	if big.v != 0 {
		a.Lines = append(a.Lines, w.S("report.gap.largest", "index", w.T(big.key), "v", num(signed4(big.v))))
	}
	a.Head = []string{w.T("report.col.source"), string(w.S("report.col.gap_part", "peer", peer))}
	a.NumCols = []bool{false, true}
	for _, p := range parts {
		a.Rows = append(a.Rows, []string{w.T(p.key), signed4(p.v)})
	}
	if r := g.Contributions.ZeroRule + g.Contributions.Rounding + g.Contributions.Weights; math.Abs(r) >= 5e-5 {
		a.Rows = append(a.Rows, []string{w.T("report.contrib.rounding"), signed4(r)})
	}
	a.Rows = append(a.Rows, []string{w.T("report.contrib.total"), signed4(g.EGDIGap)})
	if n := len(g.Between); n > 0 {
		var names []string
		for _, c := range g.Between {
			if o := x.d.Countries.Get(c); o != nil {
				names = append(names, o.Name(w.lang))
			}
		}
		if n > 6 {
			names = append(names[:6], "…")
		}
		a.Note = w.S("report.gap.between", "n", n, "list", i18n.Join(w.lang, names))
	}
	return a
}

func abs(n int) int { return max(n, -n) }

// cheapestOnly keeps the first plan (the cheapest) of a plan section.
func cheapestOnly(a *analysis) *analysis {
	if a == nil {
		return nil
	}
	c := *a
	if len(c.HTMLRows) > 1 {
		c.HTMLRows = c.HTMLRows[:1]
	}
	c.Note = "" // the full report carries the effort model's caveat
	return &c
}

// base returns the component-level analysis base of an edition, built once.
func (x *data) base(y int) (*egdi.Base, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if b, ok := x.bases[y]; ok {
		return b, nil
	}
	b, err := egdi.NewBase(x.d, y, egdi.ComponentLevel)
	if err != nil {
		return nil, err
	}
	x.bases[y] = b
	return b, nil
}

// uncertainty returns the rank uncertainty of an edition, computed once
// for every country.
func (x *data) uncertainty(y int) (*egdi.UncertaintyResult, error) {
	b, err := x.base(y)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if res, ok := x.unc[y]; ok {
		return res, nil
	}
	md, err := egdi.NewModel(b, egdi.UncertaintyOptions{Replications: uncertaintyReplications, Seed: uncertaintySeed, Vary: egdi.DefaultVary})
	if err != nil {
		return nil, err
	}
	// Background: a report's HTML has no caller context, and the run takes
	// tens of milliseconds (about 5 µs a replication per core).
	res, err := montecarlo.Run(context.Background(), md, montecarlo.Options{})
	if err != nil {
		return nil, err
	}
	x.unc[y] = res
	return res, nil
}

// explainSection turns an explanation into sentences and a table of the
// contributions to the EGDI change.
func explainSection(e *egdi.Explanation, w words, name string) *analysis {
	a := &analysis{}
	a.Lines = append(a.Lines, w.S("report.explain.summary", "country", name, "from", e.From, "to", e.To,
		"delta", num(signed4(e.EGDIChange)), "rankfrom", e.RankFrom, "rankto", e.RankTo))
	a.Lines = append(a.Lines, w.S("report.explain.rank", "own", num(signedInt(e.OwnEffect)), "others", num(signedInt(e.OthersEffect)),
		"rankown", e.RankOwn, "from", e.From))
	// The largest contribution, in words.
	parts := []struct {
		key string
		v   float64
	}{{"osi", e.Contributions.OSI}, {"tii", e.Contributions.TII}, {"hci", e.Contributions.HCI}}
	big := slices.MaxFunc(parts, func(p, q struct {
		key string
		v   float64
	}) int {
		return cmpAbs(p.v, q.v)
	})
	if big.v != 0 {
		a.Lines = append(a.Lines, w.S("report.explain.largest", "index", w.T(big.key), "v", num(signed4(big.v))))
	}
	a.Head = []string{w.T("report.col.source"), strings.NewReplacer("{from}", itoa(e.From), "{to}", itoa(e.To)).Replace(w.T("report.col.contribution"))}
	add := func(label string, v float64, always bool) {
		if always || math.Abs(v) >= 5e-5 {
			a.Rows = append(a.Rows, []string{label, signed4(v)})
		}
	}
	add(w.T("osi"), e.Contributions.OSI, true)
	add(w.T("tii"), e.Contributions.TII, true)
	add(w.T("hci"), e.Contributions.HCI, true)
	add(w.T("report.contrib.weights"), e.Contributions.Weights, false)
	add(w.T("report.contrib.zero_rule"), e.Contributions.ZeroRule, false)
	add(w.T("report.contrib.rounding"), e.Contributions.Rounding, false)
	a.Rows = append(a.Rows, []string{w.T("report.contrib.total"), signed4(e.EGDIChange)})
	a.NumCols = []bool{false, true}
	for _, mc := range e.MethodChanges {
		if strings.HasSuffix(mc.Field, "_precision") {
			continue // a change of published digits moves no rank worth a minister's time
		}
		a.Notes = append(a.Notes, methodChangeText(mc, w))
	}
	if len(a.Notes) > 0 {
		a.NotesTitle = w.S("report.explain.method_changes", "from", e.From, "to", e.To)
	}
	return a
}

func cmpAbs(a, b float64) int {
	switch {
	case math.Abs(a) < math.Abs(b):
		return -1
	case math.Abs(a) > math.Abs(b):
		return 1
	}
	return 0
}

var (
	reDigits = regexp.MustCompile(`^(\d+) dp$`)
	reWeight = regexp.MustCompile(`^(OSI|TII|HCI) ([0-9.]+)$`)
)

// methodChangeText writes a change of method for the reader: the analysis
// engine's own sentence in English; in Arabic, the field's name with its
// old and new values, each term translated through the glossary.
func methodChangeText(mc egdi.MethodChange, w words) template.HTML {
	if w.lang != "ar" {
		return text(mc.Text)
	}
	return w.S("report.mc.change", "field", w.T("report.mc."+mc.Field), "from", methodValue(mc.From, w), "to", methodValue(mc.To, w))
}

// methodValue translates a method value such as "Internet users, PCs" or
// "5 dp, truncate" term by term; figures stay as they are.
func methodValue(v string, w words) template.HTML {
	var out []string
	for _, t := range strings.Split(v, ", ") {
		switch {
		case reDigits.MatchString(t):
			out = append(out, string(w.S("report.mc.digits", "n", num(reDigits.FindStringSubmatch(t)[1]))))
		case reWeight.MatchString(t):
			m := reWeight.FindStringSubmatch(t)
			out = append(out, template.HTMLEscapeString(w.short(strings.ToLower(m[1])))+" "+string(num(m[2])))
		case i18n.Has(t):
			out = append(out, template.HTMLEscapeString(w.T(t)))
		case i18n.Has("report.mcv." + t):
			out = append(out, template.HTMLEscapeString(w.T("report.mcv."+t)))
		default:
			out = append(out, string(num(t)))
		}
	}
	return template.HTML(strings.Join(out, "، "))
}

// nextTarget is the next step up for a country: the next rating class
// where the edition has classes, else the next group; ok is false at the top.
func nextTarget(m *egdi.Method, s *egdi.Score) (t egdi.Target, ok bool) {
	if m.RatingClasses && s.RatingClass != "" {
		cr := egdi.ClassRank(s.RatingClass)
		if cr <= 0 {
			return t, false
		}
		return egdi.Target{Class: egdi.RatingClasses[egdi.Groups[(cr-1)/4]][(cr-1)%4]}, true
	}
	gi := slices.Index(egdi.Groups, s.Group)
	if gi <= 0 {
		return t, false
	}
	return egdi.Target{Group: egdi.Groups[gi-1]}, true
}

// targetSection plans the least-effort way to the next rating class (or
// group) and lists the plans of each family.
func targetSection(b *egdi.Base, c egdi.ISO3, w words) *analysis {
	s := b.Score(c)
	if s == nil {
		return nil
	}
	a := &analysis{}
	t, ok := nextTarget(b.Method, s)
	if !ok {
		// In the top class already: plan to the next round rank (10, 5,
		// 1) rather than say there is nothing to plan.
		if s.EGDIRank <= 1 {
			a.Lines = append(a.Lines, w.S("report.target.top"))
			return a
		}
		t = egdi.Target{Rank: nextRoundRank(s.EGDIRank)}
	}
	p, err := planSection(b, c, t, w)
	if err != nil {
		return nil
	}
	if !ok {
		p.Lines = append([]template.HTML{w.S("report.target.top_next", "rank", t.Rank)}, p.Lines...)
	}
	return p
}

// nextRoundRank is the next round rank above rank: 10, then 5, then 1.
func nextRoundRank(rank int) int {
	switch {
	case rank > 10:
		return 10
	case rank > 5:
		return 5
	}
	return 1
}

// planSection plans the ways to a target and lists them, cheapest first.
func planSection(b *egdi.Base, c egdi.ISO3, t egdi.Target, w words) (*analysis, error) {
	a := &analysis{}
	res, err := b.Plan(c, t, egdi.DefaultCosts(b))
	if err != nil {
		return nil, err
	}
	goal := w.S("report.target.class", "class", w.classHTML(t.Class))
	switch {
	case t.Group != "":
		goal = w.S("report.target.group", "group", w.T(string(t.Group)))
	case t.Rank > 0:
		goal = w.S("report.target.rank", "rank", t.Rank)
	}
	a.Lines = append(a.Lines, w.S("report.target.intro", "goal", goal, "edition", b.Edition))
	if !res.Reachable {
		a.Lines = append(a.Lines, w.S("report.target.unreachable", "best", res.BestRank))
	}
	a.Head = []string{w.T("report.col.plan"), w.T("report.col.changes"), w.T("egdi.short"), w.T("rank"), w.T("report.col.class")}
	a.NumCols = []bool{false, false, true, true, w.lang != "ar"} // an Arabic class is words
	for _, p := range res.Plans {
		var ch []string
		for _, x := range p.Changes {
			ch = append(ch, string(w.S("report.target.change", "index", w.short(x.Indicator), "from", num(f4(x.From)), "to", num(f4(x.To)))))
		}
		class := w.class(p.Class)
		if p.Class == "" {
			class = w.T(string(p.Group))
		}
		if !p.Reached {
			class += " (" + w.T("report.target.not_reached") + ")"
		}
		a.HTMLRows = append(a.HTMLRows, []template.HTML{text(w.T("report.plan." + p.Name)), template.HTML(strings.Join(ch, "<br>")),
			num(f4(p.EGDI)), num(itoa(p.Rank)), text(class)})
	}
	a.Note = w.S("report.target.note")
	return a, nil
}

// uncertaintySection reports the country's rank interval and draws those of
// its peer area.
func uncertaintySection(x *data, res *egdi.UncertaintyResult, c egdi.ISO3, v *countryView, w words) (*analysis, template.HTML) {
	byISO := make(map[egdi.ISO3]*egdi.UncertaintyCountry, len(res.Countries))
	for i := range res.Countries {
		byISO[res.Countries[i].ISO3] = &res.Countries[i]
	}
	u := byISO[c]
	if u == nil {
		return nil, ""
	}
	a := &analysis{}
	a.Lines = append(a.Lines, w.S("report.unc.summary", "country", v.Name, "lo", u.RankP05, "hi", u.RankP95, "median", u.RankMedian,
		"rank", u.Rank))
	a.Lines = append(a.Lines, w.S("report.unc.groups", "pvh", num(pct(u.PVeryHigh)), "ptop10", num(pct(u.PTop10))))
	a.Head = []string{w.T("country"), w.T("rank"), w.T("report.col.p05"), w.T("report.col.median"), w.T("report.col.p95"), w.T("report.col.pvh")}
	a.NumCols = []bool{false, true, true, true, true, true}
	var rows []chart.IntervalRow
	c0 := x.d.Countries.Get(c)
	_, inArea := peerArea(c0)
	hi := 0
	for _, s := range x.members(v.Edition, inArea) {
		uc := byISO[s.ISO3]
		if uc == nil {
			continue
		}
		o := x.d.Countries.Get(s.ISO3)
		a.Rows = append(a.Rows, []string{o.Name(w.lang), itoa(uc.Rank), itoa(uc.RankP05), itoa(uc.RankMedian), itoa(uc.RankP95), pct(uc.PVeryHigh)})
		a.Highlight = append(a.Highlight, s.ISO3 == c)
		rows = append(rows, chart.IntervalRow{Label: o.Name(w.lang), Lo: float64(uc.RankP05), Mid: float64(uc.RankMedian), Hi: float64(uc.RankP95),
			Highlight: s.ISO3 == c})
		hi = max(hi, uc.RankP95)
	}
	a.Note = w.S("report.unc.note", "n", res.Replications, "seed", num(strconv.FormatUint(res.Seed, 10)))
	v.UncertaintyTitle = w.T("report.chart.uncertainty") + " — " + v.PeerName + " " + itoa(v.Edition)
	ch := chart.Intervals(chart.Options{Title: v.UncertaintyTitle, Lang: w.lang, YMin: 0, YMax: float64(niceCeil(hi)), Width: peerChartWidth,
		Desc: w.T("report.chart.uncertainty_desc"), Height: barsHeight(len(rows))}, rows)
	return a, ch
}

// pct writes a probability as a whole percentage.
func pct(p float64) string { return strconv.Itoa(int(math.Round(p*100))) + "%" }

// niceCeil rounds a rank up to a multiple of 10 (at least 10), for an axis.
func niceCeil(n int) int { return max(10, (n+9)/10*10) }

// MethodChangeText writes a change of method for a reader in lang: the
// analysis engine's sentence in English; in Arabic the field's name with
// its old and new values, each term translated through the glossary. The
// dashboard uses it too, so both say the same thing.
func MethodChangeText(mc egdi.MethodChange, lang string) template.HTML {
	return methodChangeText(mc, words{lang: lang})
}
