package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// editionJSON is one edition: its method and how many countries it assessed.
type editionJSON struct {
	egdi.Method
	Assessed int `json:"assessed"`
}

func editionsOf(v *derived) ([]editionJSON, error) {
	var out []editionJSON
	for _, m := range v.d.Methods() {
		if len(v.d.Published[m.Edition]) == 0 {
			continue
		}
		scores, err := v.scores(m.Edition)
		if err != nil {
			return nil, err
		}
		out = append(out, editionJSON{Method: m, Assessed: len(scores)})
	}
	return out, nil
}

// handleEditions answers GET /api/v1/editions.
func (s *Server) handleEditions(w http.ResponseWriter, r *http.Request) {
	_, v, err := s.dataset(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.serveCachedJSON(w, r, cacheKey(r, ""), func() (any, error) {
		es, err := editionsOf(v)
		if err != nil {
			return nil, err
		}
		return struct {
			Latest   int           `json:"latest"`
			Editions []editionJSON `json:"editions"`
		}{egdi.LatestEdition, es}, nil
	})
}

// handleEdition answers GET /api/v1/editions/{year}: the method and the
// headline figures (group counts, leaders, regional averages).
func (s *Server) handleEdition(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	leaders := q.intRange("leaders", 10, 0, 193)
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.writeError(w, r, egdi.Errorf(egdi.EINVALID, "%q is not an edition year: choose one of %s.", trunc(r.PathValue("year")), editionList()))
		return
	}
	m, err := egdi.MethodFor(y)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	_, v, err := s.dataset(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.serveCachedJSON(w, r, cacheKey(r, ""), func() (any, error) {
		sum, err := v.summary(y, leaders)
		if err != nil {
			return nil, err
		}
		return struct {
			editionJSON
			Summary *summary `json:"summary"`
		}{editionJSON{Method: *m, Assessed: sum.Assessed}, sum}, nil
	})
}

// countryJSON is a country with the names of the groups it belongs to.
type countryJSON struct {
	egdi.Country
	Groups []string `json:"groups"`
}

func newCountryJSON(c *egdi.Country) countryJSON {
	g := c.Groups()
	if g == nil {
		g = []string{}
	}
	return countryJSON{Country: *c, Groups: g}
}

// handleCountries answers GET /api/v1/countries.
func (s *Server) handleCountries(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	f := q.filter()
	d, _, ok := s.queryData(w, r, q, s.writeError)
	if !ok {
		return
	}
	s.serveCachedJSON(w, r, cacheKey(r, ""), func() (any, error) {
		if err := f.Validate(d.Countries); err != nil {
			return nil, err
		}
		out := []countryJSON{}
		for i := range d.Countries.All() {
			c := &d.Countries.All()[i]
			if f.Keep(c) {
				out = append(out, newCountryJSON(c))
			}
		}
		return struct {
			Count     int           `json:"count"`
			Countries []countryJSON `json:"countries"`
		}{len(out), out}, nil
	})
}

// handleCountry answers GET /api/v1/countries/{iso3}: the country and its
// scores in every edition, oldest first.
func (s *Server) handleCountry(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	_, v, c, ok := s.queryCountry(w, r, q, s.writeError)
	if !ok {
		return
	}
	s.serveCachedJSON(w, r, "country:"+string(c.ISO3), func() (any, error) {
		h, err := v.history(c.ISO3)
		if err != nil {
			return nil, err
		}
		if h == nil {
			h = []egdi.HistoryEntry{}
		}
		return struct {
			countryJSON
			History []egdi.HistoryEntry `json:"history"`
		}{newCountryJSON(c), h}, nil
	})
}

// comparison is the answer of GET /api/v1/compare.
type comparison struct {
	Edition     int           `json:"edition"`
	By          string        `json:"by"`
	Lang        string        `json:"lang"`
	Rows        []rankingRow  `json:"rows"`
	NotAssessed []egdi.ISO3   `json:"not_assessed"`
	History     []historyLine `json:"history"`

	method *egdi.Method
}

// historyLine is one country's EGDI and rank across editions.
type historyLine struct {
	ISO3    egdi.ISO3      `json:"iso3"`
	Name    string         `json:"name"`
	Entries []historyPoint `json:"entries"`
}

type historyPoint struct {
	Edition  int     `json:"edition"`
	EGDI     float64 `json:"egdi"`
	EGDIRank int     `json:"egdi_rank"`
}

// parseCountryList reads a comma-separated list of ISO3 codes: 1 to
// maxCompare distinct Member States.
func parseCountryList(d *egdi.Dataset, s string) ([]*egdi.Country, error) {
	if strings.TrimSpace(s) == "" {
		return nil, egdi.Errorf(egdi.EINVALID, "Give the countries to compare: countries=BHR,ARE,SAU (up to %d).", maxCompare)
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxCompare {
		return nil, egdi.Errorf(egdi.EINVALID, "Too many countries (%d): compare up to %d.", len(parts), maxCompare)
	}
	var out []*egdi.Country
	seen := map[egdi.ISO3]bool{}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		c, err := parseISO3(d, p)
		if err != nil {
			return nil, err
		}
		if seen[c.ISO3] {
			return nil, egdi.Errorf(egdi.EINVALID, "%s is named twice.", c.ISO3)
		}
		seen[c.ISO3] = true
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, egdi.Errorf(egdi.EINVALID, "Give the countries to compare: countries=BHR,ARE,SAU (up to %d).", maxCompare)
	}
	return out, nil
}

func compareOf(d *egdi.Dataset, v *derived, cs []*egdi.Country, edition int, by, lang string) (*comparison, error) {
	m, err := egdi.MethodFor(edition)
	if err != nil {
		return nil, err
	}
	scores, err := v.scores(edition)
	if err != nil {
		return nil, err
	}
	out := &comparison{Edition: edition, By: by, Lang: lang, NotAssessed: []egdi.ISO3{}, method: m}
	var kept []egdi.Score
	for _, c := range cs {
		if sc := scoreOf(scores, c.ISO3); sc != nil {
			kept = append(kept, *sc)
		} else {
			out.NotAssessed = append(out.NotAssessed, c.ISO3)
		}
		h, err := v.history(c.ISO3)
		if err != nil {
			return nil, err
		}
		line := historyLine{ISO3: c.ISO3, Name: c.Name(lang), Entries: []historyPoint{}}
		for _, e := range h {
			line.Entries = append(line.Entries, historyPoint{e.Edition, e.EGDI, e.EGDIRank})
		}
		out.History = append(out.History, line)
	}
	ranked, err := egdi.Filter{}.Apply(d.Countries, kept, by)
	if err != nil {
		return nil, err
	}
	out.Rows = make([]rankingRow, len(ranked))
	for i, r := range ranked {
		out.Rows[i] = newRankingRow(d.Countries, r, lang)
	}
	return out, nil
}

// handleCompare answers GET /api/v1/compare.
func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	list := q.str("countries")
	edition := q.edition("edition")
	by := q.oneOf("by", "egdi", egdi.Indices)
	lang := q.lang()
	d, v, ok := s.queryData(w, r, q, s.writeError)
	if !ok {
		return
	}
	cs, err := parseCountryList(d, list)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.serveCachedJSON(w, r, cacheKey(r, ""), func() (any, error) {
		return compareOf(d, v, cs, edition, by, lang)
	})
}

// handleHealth answers GET /healthz: 200 when the data can be read.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	d, _, err := s.dataset(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Status    string `json:"status"`
		Version   string `json:"version,omitempty"`
		Countries int    `json:"countries"`
		Editions  int    `json:"editions"`
	}{"ok", s.deps.Version, d.Countries.Len(), len(d.Published)})
}

func trunc(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
