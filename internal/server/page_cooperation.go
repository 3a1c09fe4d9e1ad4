package server

import (
	"bytes"
	"context"
	"html/template"
	"strings"
	"sync"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

// cooperationBlock is the country page's panel of the international
// cooperation the country took part in, beside its EGDI history.
type cooperationBlock struct {
	Lang, Dir string
	Title     string
	Records   []coopRow
	All       string
	AllLabel  string
	Parties   string
}

// cooperationPartial is assets/templates/partials/cooperation.html.
var cooperationPartial = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(assetFS, "assets/templates/partials/cooperation.html"))
})

// countryCooperation renders the cooperation timeline of a country, or
// nothing when the server has no tracker store, the country has no record,
// or the store cannot be read (a side panel: the page stays).
func (s *Server) countryCooperation(ctx context.Context, d *egdi.Dataset, lang string, c *egdi.Country) template.HTML {
	if s.deps.Tracker == nil {
		return ""
	}
	rs, err := s.deps.Tracker.Cooperation(ctx, c.ISO3)
	if err != nil {
		s.log.Error("cooperation partial", "err", err)
		return ""
	}
	if len(rs) == 0 {
		return ""
	}
	b := base{Lang: lang, Dir: i18n.Dir(lang)}
	blk := cooperationBlock{Lang: lang, Dir: b.Dir, Records: coopRows(d, &b, rs),
		Title: strings.ReplaceAll(tr(lang, "tracker.cooperation_of"), "{country}", c.Name(lang)),
		All:   b.URL("/cooperation?country=" + string(c.ISO3)), AllLabel: tr(lang, "tracker.all_records"),
		Parties: tr(lang, "tracker.parties")}
	var buf bytes.Buffer
	if err := cooperationPartial().Execute(&buf, blk); err != nil {
		s.log.Error("cooperation partial", "err", err)
		return ""
	}
	return template.HTML(buf.String()) // produced by html/template: escaped
}
