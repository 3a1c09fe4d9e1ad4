package server

import (
	"math"
	"net/http"
	"slices"

	"github.com/egdi-project/egdi"
)

// The analysis endpoints: what-if, target and explain. They run the
// engine's analyses (egdi.Base.WhatIf, egdi.Base.Plan, egdi.Explain) on the
// component level of a published edition: the published indices are the
// baseline, so an unchanged country keeps its published EGDI and rank.

// whatIfRequest is the body of POST /api/v1/whatif: a country, an edition
// and new values for some of its component indices (absent = as published).
type whatIfRequest struct {
	ISO3    string   `json:"iso3"`
	Edition int      `json:"edition"`
	OSI     *float64 `json:"osi"`
	TII     *float64 `json:"tii"`
	HCI     *float64 `json:"hci"`
	EPI     *float64 `json:"epi"`
}

// position is a country's components, EGDI, rank, group and class.
type position struct {
	OSI         float64    `json:"osi"`
	TII         float64    `json:"tii"`
	HCI         float64    `json:"hci"`
	EGDI        float64    `json:"egdi"`
	EGDIRank    int        `json:"egdi_rank"`
	Group       egdi.Group `json:"group"`
	RatingClass string     `json:"rating_class,omitempty"`
}

type whatIfResponse struct {
	ISO3       egdi.ISO3 `json:"iso3"`
	Edition    int       `json:"edition"`
	Published  position  `json:"published"`
	WhatIf     position  `json:"whatif"`
	EGDIChange float64   `json:"egdi_change"`
	// RankChange is positive when the country moves up (a smaller rank).
	RankChange int `json:"rank_change"`
	// Moved lists the other countries whose rank, group or class moved.
	Moved []egdi.WhatIfCountry `json:"moved"`
}

// analysisBase resolves the country and edition of an analysis request and
// returns the edition's component-level base.
func (s *Server) analysisBase(r *http.Request, iso string, edition int) (*egdi.Base, *egdi.Country, error) {
	if edition == 0 {
		edition = egdi.LatestEdition
	}
	if !egdi.IsEditionYear(edition) {
		return nil, nil, egdi.Errorf(egdi.EINVALID, "Unknown edition %d: choose one of %s.", edition, editionList())
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		return nil, nil, err
	}
	if iso == "" {
		return nil, nil, egdi.Errorf(egdi.EINVALID, "Give the country: iso3, e.g. BHR.")
	}
	c, err := parseISO3(d, iso)
	if err != nil {
		return nil, nil, err
	}
	b, err := v.base(edition)
	if err != nil {
		return nil, nil, err
	}
	if b.Score(c.ISO3) == nil {
		return nil, nil, egdi.Errorf(egdi.ENOTFOUND, "%s was not assessed in edition %d.", c.ISO3, edition)
	}
	return b, c, nil
}

// handleWhatIf answers POST /api/v1/whatif.
func (s *Server) handleWhatIf(w http.ResponseWriter, r *http.Request) {
	var req whatIfRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	b, c, err := s.analysisBase(r, req.ISO3, req.Edition)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := whatIfOf(b, c.ISO3, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// whatIfOf recomputes the edition with the country's new component values
// (egdi.Base.WhatIf: the edition's weights, zero rule, rounding and tie
// rule) and reports the country before and after, and who else moved.
func whatIfOf(b *egdi.Base, c egdi.ISO3, req whatIfRequest) (*whatIfResponse, error) {
	var sets []egdi.Set
	for _, x := range []struct {
		ind egdi.Indicator
		v   *float64
	}{{egdi.OSI, req.OSI}, {egdi.TII, req.TII}, {egdi.HCI, req.HCI}, {egdi.EPI, req.EPI}} {
		if x.v != nil {
			sets = append(sets, egdi.Set{ISO3: c, Indicator: x.ind, Value: *x.v})
		}
	}
	res, err := b.WhatIf(sets)
	if err != nil {
		return nil, err
	}
	sc := b.Score(c)
	pub := position{OSI: sc.OSI, TII: sc.TII, HCI: sc.HCI, EGDI: sc.EGDI, EGDIRank: sc.EGDIRank, Group: sc.Group,
		RatingClass: sc.RatingClass}
	out := &whatIfResponse{ISO3: c, Edition: b.Edition, Published: pub, WhatIf: pub, Moved: []egdi.WhatIfCountry{}}
	for _, st := range sets {
		switch st.Indicator {
		case egdi.OSI:
			out.WhatIf.OSI = st.Value
		case egdi.TII:
			out.WhatIf.TII = st.Value
		case egdi.HCI:
			out.WhatIf.HCI = st.Value
		}
	}
	for _, x := range res.Countries {
		if x.ISO3 != c {
			out.Moved = append(out.Moved, x)
			continue
		}
		out.WhatIf.EGDI, out.WhatIf.EGDIRank, out.WhatIf.Group, out.WhatIf.RatingClass = x.EGDIAfter, x.RankAfter, x.GroupAfter, x.ClassAfter
	}
	out.EGDIChange = math.Round((out.WhatIf.EGDI-pub.EGDI)*1e12) / 1e12
	out.RankChange = pub.EGDIRank - out.WhatIf.EGDIRank
	return out, nil
}

// targetRequest is the body of POST /api/v1/target: what a country aims
// for in an edition, one of a rank, a group, a rating class or a country
// to overtake.
type targetRequest struct {
	ISO3    string `json:"iso3"`
	Edition int    `json:"edition"`
	egdi.Target
}

// handleTarget answers POST /api/v1/target with the engine's plans
// (egdi.Base.Plan with the default effort model): the cheapest way and one
// per component family, each verified by recomputing the edition.
func (s *Server) handleTarget(w http.ResponseWriter, r *http.Request) {
	var req targetRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	b, c, err := s.analysisBase(r, req.ISO3, req.Edition)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := b.Plan(c.ISO3, req.Target, egdi.DefaultCosts(b))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// explainOf explains a country's change from edition from (0: the previous
// edition in which it was assessed) to edition (egdi.Explain).
func explainOf(v *derived, c egdi.ISO3, from, edition int) (*egdi.Explanation, error) {
	if from == 0 {
		h, err := v.history(c)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(h, func(e egdi.HistoryEntry) bool { return e.Edition == edition })
		if i < 0 {
			return nil, egdi.Errorf(egdi.ENOTFOUND, "%s was not assessed in edition %d.", c, edition)
		}
		if i == 0 {
			return nil, egdi.Errorf(egdi.ENOTFOUND, "%s has no earlier edition to compare %d with.", c, edition)
		}
		from = h[i-1].Edition
	}
	a, err := v.base(from)
	if err != nil {
		return nil, err
	}
	b, err := v.base(edition)
	if err != nil {
		return nil, err
	}
	return egdi.Explain(a, b, c)
}

// handleExplain answers GET /api/v1/explain?iso3=&edition=&from=.
func (s *Server) handleExplain(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	iso := q.str("iso3")
	edition := q.edition("edition")
	from := 0
	if q.str("from") != "" {
		from = q.edition("from")
	}
	vs := q.str("vs")
	d, v, ok := s.queryData(w, r, q, s.writeError)
	if !ok {
		return
	}
	if iso == "" {
		s.writeError(w, r, egdi.Errorf(egdi.EINVALID, "Give the country: iso3=BHR."))
		return
	}
	c, err := parseISO3(d, iso)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if vs != "" {
		// The gap to a peer in one edition (egdi explain --vs).
		if from != 0 {
			s.writeError(w, r, egdi.Errorf(egdi.EINVALID, "Parameter vs explains a gap in one edition: drop from."))
			return
		}
		peer, err := parseISO3(d, vs)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.serveCachedJSON(w, r, cacheKey(r, ""), func() (any, error) {
			b, err := v.base(edition)
			if err != nil {
				return nil, err
			}
			return egdi.ExplainGap(b, c.ISO3, peer.ISO3)
		})
		return
	}
	s.serveCachedJSON(w, r, cacheKey(r, ""), func() (any, error) {
		return explainOf(v, c.ISO3, from, edition)
	})
}
