package server

import (
	"net/http"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/tabular"
)

// rankingRow is one country in a ranking, as the CLI's `egdi rank --format
// json` prints it: the score, its rank within the view, the name in the
// view's language and the M49 region and sub-region (the shared row type
// of package tabular).
type rankingRow = tabular.Row

// rankingParams is a ranking view: an edition, an index to rank by and a
// filter, in a language.
type rankingParams struct {
	Edition int    `json:"edition"`
	By      string `json:"by"`
	Lang    string `json:"lang"`
	egdi.Filter
}

// ranking is the answer of GET /api/v1/rankings.
type ranking struct {
	Edition   int          `json:"edition"`
	By        string       `json:"by"`
	Lang      string       `json:"lang"`
	Region    string       `json:"region,omitempty"`
	Subregion string       `json:"subregion,omitempty"`
	Group     string       `json:"group,omitempty"`
	Top       int          `json:"top,omitempty"`
	Count     int          `json:"count"`
	Rows      []rankingRow `json:"rows"`

	method *egdi.Method
}

// parseRanking reads a ranking view from the query string.
func parseRanking(q *query) rankingParams {
	p := rankingParams{}
	p.Edition = q.edition("edition")
	p.By = q.oneOf("by", "egdi", egdi.Indices)
	p.Lang = q.lang()
	p.Filter = q.filter()
	p.Top = q.intRange("top", 0, 0, 1000)
	return p
}

// rankingOf computes a ranking view.
func rankingOf(d *egdi.Dataset, v *derived, p rankingParams) (*ranking, error) {
	m, err := egdi.MethodFor(p.Edition)
	if err != nil {
		return nil, err
	}
	scores, err := v.scores(p.Edition)
	if err != nil {
		return nil, err
	}
	ranked, err := p.Filter.Apply(d.Countries, scores, p.By)
	if err != nil {
		return nil, err
	}
	out := &ranking{Edition: p.Edition, By: p.By, Lang: p.Lang, Region: p.Region, Subregion: p.Subregion,
		Group: p.Group, Top: p.Top, Count: len(ranked), Rows: make([]rankingRow, len(ranked)), method: m}
	for i, r := range ranked {
		out.Rows[i] = newRankingRow(d.Countries, r, p.Lang)
	}
	return out, nil
}

func newRankingRow(cs *egdi.Countries, r egdi.Ranked, lang string) rankingRow {
	return tabular.NewRow(cs, r, lang)
}

// handleRankings answers GET /api/v1/rankings.
func (s *Server) handleRankings(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	p := parseRanking(q)
	d, v, ok := s.queryData(w, r, q, s.writeError)
	if !ok {
		return
	}
	s.serveCachedJSON(w, r, cacheKey(r, ""), func() (any, error) {
		return rankingOf(d, v, p)
	})
}
