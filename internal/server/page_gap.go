package server

import (
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

// boxed wraps a chart in its scroll box: on a narrow screen a chart keeps
// its text readable and scrolls sideways (the box is focusable, so it
// scrolls from the keyboard too); app.js adds the SVG and PNG downloads.
func boxed(svg template.HTML, label string) template.HTML {
	return template.HTML(`<div class="chartscroll" tabindex="0" role="group" aria-label="`+
		template.HTMLEscapeString(label)+`">`) + svg + `</div>`
}

// countryOptions lists every Member State in lang, sorted by the
// language's collation (Arabic rules in Arabic), sel selected.
func countryOptions(d *egdi.Dataset, lang, sel string) []option {
	all := d.Countries.All()
	out := make([]option, 0, len(all))
	for i := range all {
		c := &all[i]
		out = append(out, option{string(c.ISO3), c.Name(lang), strings.EqualFold(sel, string(c.ISO3))})
	}
	i18n.Sort(lang, out, func(o option) string { return o.Label })
	return out
}

// checkTarget reads the target rank as typed: a whole number from 1 to the
// number assessed, better than the country's rank. The error is a sentence
// in the page's language, shown next to the form, which keeps the input.
func checkTarget(in string, sc *egdi.Score, assessed int, name string, b base) (int, string) {
	n, err := strconv.Atoi(strings.TrimSpace(in))
	if err != nil || n < 1 || n > assessed {
		return 0, b.F("err.target_range", "n", assessed)
	}
	if sc.EGDIRank == 1 {
		return 0, b.F("err.target_top", "country", name)
	}
	if n >= sc.EGDIRank {
		return 0, b.F("err.target_not_better", "target", n, "country", name, "rank", sc.EGDIRank, "best", sc.EGDIRank-1)
	}
	return n, ""
}

// gapView is the peer gap of the country page in words and figures.
type gapView struct {
	Peer     *egdi.Country
	PeerName string
	Gap      *egdi.Gap
	Lead     string
	Rows     []explainRow
	EGDIGap  string
	RankLine string
	Between  []string
	Href     string // the gap as JSON
}

// peerGap explains the gap from c to the peer named by vs (ISO3 or a name
// in either language) in the edition of base.
func (s *Server) peerGap(d *egdi.Dataset, base *egdi.Base, c *egdi.Country, vs string, b base) (*gapView, string) {
	peer, err := d.Countries.Lookup(vs)
	if err != nil {
		return nil, b.F("err.unknown_country", "q", vs)
	}
	if peer.ISO3 == c.ISO3 {
		return nil, b.T("err.vs_same")
	}
	g, err := egdi.ExplainGap(base, c.ISO3, peer.ISO3)
	if err != nil {
		return nil, b.F("err.vs_unassessed", "country", peer.Name(b.Lang), "edition", base.Edition)
	}
	m := base.Method
	name, pname := c.Name(b.Lang), peer.Name(b.Lang)
	v := &gapView{Peer: peer, PeerName: pname, Gap: g,
		Lead:    b.F("peer_gap_lead", "peer", pname, "country", name, "edition", base.Edition),
		EGDIGap: signedFloat(g.EGDIGap, m.EGDIPrecision.Digits),
		Href:    withQuery("/api/v1/explain", "iso3", string(c.ISO3), "edition", strconv.Itoa(base.Edition), "vs", string(peer.ISO3))}
	si, pi := base.Score(c.ISO3), base.Score(peer.ISO3)
	ct := g.Contributions
	for _, k := range []struct {
		key      string
		own, oth float64
		by       float64
	}{{"osi", si.OSI, pi.OSI, ct.OSI}, {"tii", si.TII, pi.TII, ct.TII}, {"hci", si.HCI, pi.HCI, ct.HCI}} {
		prec := m.Precision(indicatorOf(k.key))
		v.Rows = append(v.Rows, explainRow{Label: i18n.T(b.Lang, k.key), From: prec.Format(k.own), To: prec.Format(k.oth),
			Contribution: signedFloat(k.by, 6), Up: k.by > 0, Down: k.by < 0})
	}
	if ct.Rounding != 0 {
		v.Rows = append(v.Rows, explainRow{Label: b.T("contrib_rounding"), Contribution: signedFloat(ct.Rounding, 6)})
	}
	switch {
	case g.RankGap > 0:
		v.RankLine = b.F("gap_ahead", "peer", pname, "n", g.RankGap)
	case g.RankGap < 0:
		v.RankLine = b.F("gap_behind", "peer", pname, "n", -g.RankGap)
	default:
		v.RankLine = b.F("gap_same", "peer", pname)
	}
	for _, iso := range g.Between {
		if x := d.Countries.Get(iso); x != nil {
			v.Between = append(v.Between, x.Name(b.Lang))
		}
	}
	return v, ""
}

// methodChangeSentence writes one change of method as a sentence of lang,
// each term translated through the glossary (the dashboard lists them one
// per line, so that two changes never run into each other).
func methodChangeSentence(mc egdi.MethodChange, lang string) string {
	field := i18n.T(lang, "report.mc."+mc.Field)
	if ix, ok := strings.CutSuffix(mc.Field, "_precision"); ok {
		from, fmode, ok1 := parsePrecision(mc.From)
		to, tmode, ok2 := parsePrecision(mc.To)
		if ok1 && ok2 {
			name := i18n.T(lang, ix)
			if fmode == tmode {
				return i18n.F(lang, "method_change.precision", "index", name, "from", from, "to", to)
			}
			return i18n.F(lang, "method_change.precision_mode", "index", name, "from", from, "to", to,
				"frommode", i18n.T(lang, "report.mcv."+fmode), "tomode", i18n.T(lang, "report.mcv."+tmode))
		}
	}
	if ix, ok := strings.CutSuffix(mc.Field, "_indicators"); ok {
		a, bb := strings.Split(mc.From, ", "), strings.Split(mc.To, ", ")
		var parts []string
		if dropped := diff(a, bb); len(dropped) > 0 {
			parts = append(parts, i18n.F(lang, "method_change.dropped", "list", indicatorList(lang, dropped)))
		}
		if added := diff(bb, a); len(added) > 0 {
			parts = append(parts, i18n.F(lang, "method_change.added", "list", indicatorList(lang, added)))
		}
		return i18n.F(lang, "method_change.indicators", "index", i18n.T(lang, ix), "change", strings.Join(parts, i18n.Semicolon(lang)))
	}
	if mc.Field == "index_name" {
		return i18n.F(lang, "method_change.index_name", "from", i18n.T(lang, "ed.index:"+mc.From), "to", i18n.T(lang, "ed.index:"+mc.To))
	}
	return i18n.F(lang, "method_change.generic", "field", field, "from", methodTerm(lang, mc.From), "to", methodTerm(lang, mc.To))
}

var rePrecision = regexp.MustCompile(`^(\d+) dp, (.+)$`)

func parsePrecision(s string) (digits, mode string, ok bool) {
	m := rePrecision.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found && x != "" {
			out = append(out, x)
		}
	}
	return out
}

func indicatorList(lang string, xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = i18n.T(lang, "ind."+x)
		if out[i] == "ind."+x {
			out[i] = x
		}
	}
	return i18n.Join(lang, out)
}

var reWeightTerm = regexp.MustCompile(`^(OSI|TII|HCI) ([0-9.]+)$`)

// methodTerm translates a method value such as "OSI 0.34, TII 0.33, HCI
// 0.33" or "competition" term by term; figures stay as they are.
func methodTerm(lang, v string) string {
	var out []string
	for _, t := range strings.Split(v, ", ") {
		switch {
		case reWeightTerm.MatchString(t):
			m := reWeightTerm.FindStringSubmatch(t)
			out = append(out, tr(lang, strings.ToLower(m[1])+".abbr")+" "+m[2])
		case i18n.Has("report.mcv." + t):
			out = append(out, i18n.T(lang, "report.mcv."+t))
		case i18n.Has(t):
			out = append(out, i18n.T(lang, t))
		default:
			out = append(out, t)
		}
	}
	return i18n.Join(lang, out)
}

// noteSentence translates a technical note of the analysis engine (what-if
// and uncertainty) into lang by its pattern; figures are carried over.
func noteSentence(lang, note string) string {
	if lang != "ar" {
		return note
	}
	for _, p := range notePatterns {
		if m := p.re.FindStringSubmatch(note); m != nil {
			kv := make([]string, 0, 2*len(p.names))
			for i, n := range p.names {
				kv = append(kv, n, m[i+1])
			}
			return i18n.F(lang, p.key, kv...)
		}
	}
	return i18n.T(lang, "note.other")
}

// notePatterns match the notes of whatif.go and uncertainty.go (a test
// checks every note those produce for the built-in data is matched).
var notePatterns = []struct {
	re    *regexp.Regexp
	key   string
	names []string
}{
	{regexp.MustCompile(`^component level: the published indices of edition (\d+); unchanged countries keep their published EGDI$`), "note.component_level", []string{"year"}},
	{regexp.MustCompile(`^raw level: TII recomputed from the built-in ITU data of (\d+) \(gap-filled up to (\d+) years back\)`), "note.raw_level", []string{"year", "n"}},
	{regexp.MustCompile(`^cap not varied`), "note.cap_not_varied", nil},
	{regexp.MustCompile(`^nothing varied`), "note.nothing_varied", nil},
	{regexp.MustCompile(`^(\d+) countries' published EGDI is not the cut of their published components' mean`), "note.offset", []string{"n"}},
	{regexp.MustCompile(`^no raw inputs`), "note.no_raw", nil},
	{regexp.MustCompile(`^(\d+) countries lack a raw input and carry their published index: (.*)$`), "note.carried", []string{"n", "list"}},
}
