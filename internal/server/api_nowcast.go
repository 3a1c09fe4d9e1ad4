package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// nowcastRoutes is the nowcast of the next edition (api/openapi.yaml, tag
// analysis).
func (s *Server) nowcastRoutes() []route {
	return []route{{"GET", "/api/v1/nowcast", s.handleNowcast}}
}

// handleNowcast answers GET /api/v1/nowcast?edition=&interval=&osi=ISO3:V
// (&backtest=true): the JSON of `egdi nowcast --format json`. osi may be
// repeated or comma-separated; edition defaults to the first edition after
// the latest published one.
func (s *Server) handleNowcast(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	ed := q.str("edition")
	interval := 0.9
	if v, ok := q.float("interval", 0, 1); ok {
		interval = v
	}
	backtest := q.oneOf("backtest", "false", []string{"true", "false"}) == "true"
	var pairs []string
	if q.err == nil {
		for _, v := range q.v["osi"] {
			pairs = append(pairs, strings.Split(v, ",")...)
		}
	}
	d, _, ok := s.queryData(w, r, q, s.writeError)
	if !ok {
		return
	}
	opt := egdi.NowcastOptions{Edition: d.NextEdition(), Interval: interval, Backtest: backtest}
	if ed != "" {
		y, err := strconv.Atoi(ed)
		if err != nil {
			s.writeError(w, r, egdi.Errorf(egdi.EINVALID, "Parameter edition must be a year, not %q.", trunc(ed)))
			return
		}
		opt.Edition = y
	}
	osi, err := parseOSIPairs(d, pairs)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	opt.OSI = osi
	s.serveCachedJSON(w, r, cacheKey(r, ""), func() (any, error) { return d.Nowcast(opt) })
}

// parseOSIPairs reads ISO3:V pairs; the range of V is checked by the
// nowcast itself.
func parseOSIPairs(d *egdi.Dataset, pairs []string) (map[egdi.ISO3]float64, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := make(map[egdi.ISO3]float64, len(pairs))
	for _, p := range pairs {
		iso, val, ok := strings.Cut(strings.TrimSpace(p), ":")
		if !ok {
			return nil, egdi.Errorf(egdi.EINVALID, "Parameter osi %q: write ISO3:V, e.g. osi=BHR:0.95.", trunc(p))
		}
		c, err := parseISO3(d, iso)
		if err != nil {
			return nil, egdi.Errorf(egdi.EINVALID, "Parameter osi: %s", egdi.ErrorMessage(err))
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return nil, egdi.Errorf(egdi.EINVALID, "Parameter osi %s: %q is not a number.", c.ISO3, trunc(val))
		}
		if _, dup := out[c.ISO3]; dup {
			return nil, egdi.Errorf(egdi.EINVALID, "Parameter osi: %s is given twice.", c.ISO3)
		}
		out[c.ISO3] = v
	}
	return out, nil
}
