package server

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

// nowcastBlock is the country page's panel on the next edition: the
// nowcast rank, its likely range and the caveats in plain words.
type nowcastBlock struct {
	Lang, Dir string
	Title     string
	Plain     string
	EGDILabel string
	EGDI      string
	Rank      int
	Low, High int
	RangeWord string
	RankLabel string
	Caveats   []string
	API       string
	APILabel  string
}

// nowcastPartial is assets/templates/partials/nowcast.html, parsed once
// (embedded and immutable, like ui).
var nowcastPartial = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(assetFS, "assets/templates/partials/nowcast.html"))
})

// countryNowcast renders the nowcast panel of a country for the next
// edition, or nothing when the country has no nowcast (not assessed in the
// latest edition) or the nowcast fails (it is a side panel: the page stays).
func (s *Server) countryNowcast(d *egdi.Dataset, lang string, c *egdi.Country) template.HTML {
	n, err := d.Nowcast(egdi.NowcastOptions{Edition: d.NextEdition(), Interval: 0.9})
	if err != nil {
		return ""
	}
	row := n.Row(c.ISO3)
	if row == nil {
		return ""
	}
	t := func(key string, vars ...string) string {
		s := tr(lang, key)
		for i := 0; i+1 < len(vars); i += 2 {
			s = strings.ReplaceAll(s, "{"+vars[i]+"}", vars[i+1])
		}
		return s
	}
	ed, from := strconv.Itoa(n.Edition), strconv.Itoa(n.From)
	cal := ""
	if k := len(n.Calibration); k > 0 {
		cal = strconv.Itoa(n.Calibration[0]) + "–" + strconv.Itoa(n.Calibration[k-1])
	}
	b := nowcastBlock{Lang: lang, Dir: i18n.Dir(lang), Rank: row.Rank, Low: row.RankLow, High: row.RankHigh,
		Title:     t("nowcast.page_title", "edition", ed, "country", c.Name(lang)),
		Plain:     t("nowcast.page_plain", "edition", ed, "country", c.Name(lang), "rank", strconv.Itoa(row.Rank), "n", strconv.Itoa(len(n.Countries)), "lo", strconv.Itoa(row.RankLow), "hi", strconv.Itoa(row.RankHigh), "from", from),
		EGDILabel: t("nowcast.page_egdi"), EGDI: strconv.FormatFloat(row.EGDI, 'f', 4, 64),
		RangeWord: t("nowcast.interval"), RankLabel: t("nowcast.page_rank"),
		API: "/api/v1/nowcast?edition=" + ed, APILabel: t("nowcast.page_api")}
	b.Caveats = append(b.Caveats, t("nowcast.interval_note", "pct", "90", "editions", cal))
	for _, k := range n.Risk {
		b.Caveats = append(b.Caveats, t(k))
	}
	var buf bytes.Buffer
	if err := nowcastPartial().Execute(&buf, b); err != nil {
		s.log.Error("nowcast partial", "err", err)
		return ""
	}
	return template.HTML(buf.String()) // produced by html/template: escaped
}
