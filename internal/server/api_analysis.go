package server

import (
	"math"
	"net/http"
	"slices"

	"github.com/egdi-project/egdi"
)

// The analysis endpoints: what-if, target and explain. They work on the
// published component indices of one edition.
//
// NOTE: the analysis issue adds root files whatif.go, target.go and
// explain.go; the computations below are the server's own minimal versions
// on component indices and are to be replaced by those once they land.

// whatIfRequest is the body of POST /api/v1/whatif: a country, an edition
// and new values for some of its component indices (absent = as published).
type whatIfRequest struct {
	ISO3    string   `json:"iso3"`
	Edition int      `json:"edition"`
	OSI     *float64 `json:"osi"`
	TII     *float64 `json:"tii"`
	HCI     *float64 `json:"hci"`
}

// position is a country's components, EGDI, rank and group.
type position struct {
	OSI      float64    `json:"osi"`
	TII      float64    `json:"tii"`
	HCI      float64    `json:"hci"`
	EGDI     float64    `json:"egdi"`
	EGDIRank int        `json:"egdi_rank"`
	Group    egdi.Group `json:"group"`
}

type whatIfResponse struct {
	ISO3       egdi.ISO3 `json:"iso3"`
	Edition    int       `json:"edition"`
	Published  position  `json:"published"`
	WhatIf     position  `json:"whatif"`
	EGDIChange float64   `json:"egdi_change"`
	// RankChange is positive when the country moves up (a smaller rank).
	RankChange int `json:"rank_change"`
}

// analysisBase resolves the country and edition of an analysis request and
// returns the edition's method, its scores and the country's score.
func (s *Server) analysisBase(r *http.Request, iso string, edition int) (*egdi.Method, []egdi.Score, *egdi.Score, error) {
	if edition == 0 {
		edition = egdi.LatestEdition
	}
	if !slices.Contains(egdi.Editions, edition) {
		return nil, nil, nil, egdi.Errorf(egdi.EINVALID, "Unknown edition %d: choose one of %s.", edition, editionList())
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		return nil, nil, nil, err
	}
	if iso == "" {
		return nil, nil, nil, egdi.Errorf(egdi.EINVALID, "Give the country: iso3, e.g. BHR.")
	}
	c, err := parseISO3(d, iso)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := egdi.MethodFor(edition)
	if err != nil {
		return nil, nil, nil, err
	}
	scores, err := v.scores(edition)
	if err != nil {
		return nil, nil, nil, err
	}
	sc := scoreOf(scores, c.ISO3)
	if sc == nil {
		return nil, nil, nil, egdi.Errorf(egdi.ENOTFOUND, "%s was not assessed in edition %d.", c.ISO3, edition)
	}
	return m, scores, sc, nil
}

// rankAmong is the competition rank a published EGDI value would have
// among the other countries: 1 + the number of them strictly higher.
func rankAmong(scores []egdi.Score, self egdi.ISO3, v float64) int {
	r := 1
	for _, s := range scores {
		if s.ISO3 != self && s.EGDI > v {
			r++
		}
	}
	return r
}

func checkComponent(name string, ind egdi.Indicator, v *float64) error {
	if v == nil {
		return nil
	}
	if err := ind.CheckValue(*v); err != nil {
		return egdi.Errorf(egdi.EINVALID, "%s: %v.", name, err)
	}
	return nil
}

// handleWhatIf answers POST /api/v1/whatif.
func (s *Server) handleWhatIf(w http.ResponseWriter, r *http.Request) {
	var req whatIfRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, c := range []struct {
		name string
		ind  egdi.Indicator
		v    *float64
	}{{"osi", egdi.OSI, req.OSI}, {"tii", egdi.TII, req.TII}, {"hci", egdi.HCI, req.HCI}} {
		if err := checkComponent(c.name, c.ind, c.v); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	m, scores, sc, err := s.analysisBase(r, req.ISO3, req.Edition)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, whatIfOf(m, scores, sc, req))
}

// whatIfOf recomputes a country's EGDI, rank and group with new component
// values: EGDI = w_OSI·OSI + w_TII·TII + w_HCI·HCI with the edition's
// weights and zero rule, cut to its published precision, ranked against
// the other countries' published values.
func whatIfOf(m *egdi.Method, scores []egdi.Score, sc *egdi.Score, req whatIfRequest) whatIfResponse {
	pub := position{OSI: sc.OSI, TII: sc.TII, HCI: sc.HCI, EGDI: sc.EGDI, EGDIRank: sc.EGDIRank, Group: sc.Group}
	nw := pub
	if req.OSI != nil {
		nw.OSI = *req.OSI
	}
	if req.TII != nil {
		nw.TII = *req.TII
	}
	if req.HCI != nil {
		nw.HCI = *req.HCI
	}
	nw.EGDI = m.EGDIPrecision.Apply(m.EGDIOf(nw.OSI, nw.TII, nw.HCI))
	if nw.OSI == pub.OSI && nw.TII == pub.TII && nw.HCI == pub.HCI {
		nw.EGDI = pub.EGDI // nothing changed: keep the published value as is
	}
	nw.EGDIRank = rankAmong(scores, sc.ISO3, nw.EGDI)
	if nw.EGDI == pub.EGDI {
		nw.EGDIRank = pub.EGDIRank
	}
	nw.Group = m.GroupOf(nw.EGDI)
	return whatIfResponse{ISO3: sc.ISO3, Edition: m.Edition, Published: pub, WhatIf: nw,
		EGDIChange: math.Round((nw.EGDI-pub.EGDI)*1e12) / 1e12, RankChange: pub.EGDIRank - nw.EGDIRank}
}

// targetRequest is the body of POST /api/v1/target: the rank (or EGDI) a
// country aims at in an edition.
type targetRequest struct {
	ISO3    string   `json:"iso3"`
	Edition int      `json:"edition"`
	Rank    int      `json:"rank"`
	EGDI    *float64 `json:"egdi"`
}

// targetPath is one way to reach the target: raise one component alone
// (component osi, tii or hci) or all three by the same amount ("all").
type targetPath struct {
	Component string  `json:"component"`
	Increase  float64 `json:"increase"`
	// Value is the component's value after the increase (for "all", the
	// increase applies to each component).
	Value    float64 `json:"value,omitempty"`
	Feasible bool    `json:"feasible"` // every index stays within [0, 1]
}

type targetResponse struct {
	ISO3       egdi.ISO3    `json:"iso3"`
	Edition    int          `json:"edition"`
	Current    position     `json:"current"`
	TargetRank int          `json:"target_rank"`
	TargetEGDI float64      `json:"target_egdi"`
	Gap        float64      `json:"gap"`
	Reached    bool         `json:"reached"`
	Paths      []targetPath `json:"paths"`
}

// handleTarget answers POST /api/v1/target: the EGDI needed for a rank and
// how much each component would have to rise, alone, to get there.
func (s *Server) handleTarget(w http.ResponseWriter, r *http.Request) {
	var req targetRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if (req.Rank == 0) == (req.EGDI == nil) {
		s.writeError(w, r, egdi.Errorf(egdi.EINVALID, "Give either a target rank or a target egdi."))
		return
	}
	if req.EGDI != nil {
		if err := checkComponent("egdi", egdi.OSI, req.EGDI); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	m, scores, sc, err := s.analysisBase(r, req.ISO3, req.Edition)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := targetOf(m, scores, sc, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// targetOf finds the EGDI a country needs for a target rank (or the rank a
// target EGDI gives) and how much each component must rise to get there.
func targetOf(m *egdi.Method, scores []egdi.Score, sc *egdi.Score, req targetRequest) (*targetResponse, error) {
	if req.Rank != 0 && (req.Rank < 1 || req.Rank > len(scores)) {
		return nil, egdi.Errorf(egdi.EINVALID, "rank must be from 1 to %d in edition %d, not %d.", len(scores), m.Edition, req.Rank)
	}
	out := &targetResponse{ISO3: sc.ISO3, Edition: m.Edition,
		Current: position{OSI: sc.OSI, TII: sc.TII, HCI: sc.HCI, EGDI: sc.EGDI, EGDIRank: sc.EGDIRank, Group: sc.Group}}
	if req.EGDI != nil {
		out.TargetEGDI = m.EGDIPrecision.Apply(*req.EGDI)
		out.TargetRank = rankAmong(scores, sc.ISO3, out.TargetEGDI)
	} else {
		// To rank N under competition ranking, the EGDI must equal the
		// N-th highest value among the other countries (a tie shares N).
		var others []float64
		for _, o := range scores {
			if o.ISO3 != sc.ISO3 {
				others = append(others, o.EGDI)
			}
		}
		slices.SortFunc(others, func(a, b float64) int { return -cmpFloat(a, b) })
		out.TargetRank = req.Rank
		out.TargetEGDI = 0
		if req.Rank-1 < len(others) {
			out.TargetEGDI = others[req.Rank-1]
		}
	}
	out.Gap = math.Round((out.TargetEGDI-sc.EGDI)*1e12) / 1e12
	out.Reached = out.Gap <= 0
	// ΔEGDI = w_k·ΔC_k for one component alone, so ΔC_k = gap / w_k; the
	// weights sum to 1, so raising all three by gap raises the EGDI by gap.
	up := math.Max(out.Gap, 0)
	u := m.EGDIPrecision.Unit()
	ceil := func(x float64) float64 { return math.Ceil(x/u-1e-9) * u }
	for _, c := range []struct {
		name string
		w, v float64
	}{{"osi", m.Weights.OSI, sc.OSI}, {"tii", m.Weights.TII, sc.TII}, {"hci", m.Weights.HCI, sc.HCI}} {
		inc := ceil(up / c.w)
		out.Paths = append(out.Paths, targetPath{Component: c.name, Increase: inc, Value: roundTo(c.v+inc, u),
			Feasible: c.v+inc <= 1})
	}
	inc := ceil(up)
	out.Paths = append(out.Paths, targetPath{Component: "all", Increase: inc,
		Feasible: sc.OSI+inc <= 1 && sc.TII+inc <= 1 && sc.HCI+inc <= 1})
	return out, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func roundTo(x, u float64) float64 { return math.Round(x/u) * u }

// contribution is one component's share of an EGDI change:
// w_new·C_new − w_old·C_old.
type contribution struct {
	Component    string  `json:"component"`
	From         float64 `json:"from"`
	To           float64 `json:"to"`
	Change       float64 `json:"change"`
	Contribution float64 `json:"contribution"`
}

type explanation struct {
	ISO3          egdi.ISO3      `json:"iso3"`
	Edition       int            `json:"edition"`
	From          int            `json:"from"`
	EGDIFrom      float64        `json:"egdi_from"`
	EGDITo        float64        `json:"egdi_to"`
	EGDIChange    float64        `json:"egdi_change"`
	RankFrom      int            `json:"rank_from"`
	RankTo        int            `json:"rank_to"`
	RankChange    int            `json:"rank_change"`
	Contributions []contribution `json:"contributions"`
	// Residual is the part of the published change the components do not
	// explain: rounding of published values and the zero rules.
	Residual float64 `json:"residual"`
	// Main names the component whose contribution is largest in size.
	Main string `json:"main"`
}

// explainOf explains a country's EGDI change between the previous assessed
// edition and edition: ΔEGDI = Σ_k (w_k'·C_k' − w_k·C_k) + residual.
func explainOf(v *derived, c egdi.ISO3, edition int) (*explanation, error) {
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
	a, b := h[i-1], h[i]
	ma, err := egdi.MethodFor(a.Edition)
	if err != nil {
		return nil, err
	}
	mb, err := egdi.MethodFor(b.Edition)
	if err != nil {
		return nil, err
	}
	r12 := func(x float64) float64 { return math.Round(x*1e12) / 1e12 }
	e := &explanation{ISO3: c, Edition: b.Edition, From: a.Edition, EGDIFrom: a.EGDI, EGDITo: b.EGDI,
		EGDIChange: r12(b.EGDI - a.EGDI), RankFrom: a.EGDIRank, RankTo: b.EGDIRank, RankChange: a.EGDIRank - b.EGDIRank}
	sum := 0.0
	best := 0.0
	for _, k := range []struct {
		name           string
		wa, wb, ca, cb float64
	}{{"osi", ma.Weights.OSI, mb.Weights.OSI, a.OSI, b.OSI}, {"tii", ma.Weights.TII, mb.Weights.TII, a.TII, b.TII},
		{"hci", ma.Weights.HCI, mb.Weights.HCI, a.HCI, b.HCI}} {
		ct := k.wb*k.cb - k.wa*k.ca
		sum += ct
		e.Contributions = append(e.Contributions, contribution{Component: k.name, From: k.ca, To: k.cb,
			Change: r12(k.cb - k.ca), Contribution: r12(ct)})
		if math.Abs(ct) > math.Abs(best) {
			best, e.Main = ct, k.name
		}
	}
	e.Residual = r12(e.EGDIChange - sum)
	return e, nil
}

// handleExplain answers GET /api/v1/explain?iso3=&edition=.
func (s *Server) handleExplain(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	iso := q.str("iso3")
	edition := q.edition("edition")
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		s.writeError(w, r, err)
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
	s.serveCached(w, r, cacheKey(r, ""), func() ([]byte, string, string, error) {
		e, err := explainOf(v, c.ISO3, edition)
		if err != nil {
			return nil, "", "", err
		}
		b, err := marshal(e)
		return b, "application/json; charset=utf-8", "", err
	})
}
