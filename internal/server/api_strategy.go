package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/report"
)

// The strategy and cooperation tracker's API: strategies with their KPIs
// (values computed from the current dataset), and cooperation records.
// Writes are same-origin JSON: a POST must carry Content-Type
// application/json (a cross-site HTML form cannot send it without a CORS
// preflight, which this server never grants) and, when the browser sends
// an Origin header, one equal to the server's own.

// trackerRoutes are the tracker's API routes and pages (routes.go adds
// them with one line).
func (s *Server) trackerRoutes() []route {
	return []route{
		{"GET", "/api/v1/strategies", s.handleStrategies},
		{"POST", "/api/v1/strategies", s.trackerWrite(s.handleStrategyCreate)},
		{"GET", "/api/v1/strategies/{name}", s.handleStrategy},
		{"POST", "/api/v1/strategies/{name}/initiatives", s.trackerWrite(s.handleInitiativeAdd)},
		{"POST", "/api/v1/strategies/{name}/kpis", s.trackerWrite(s.handleKPIAdd)},
		{"GET", "/api/v1/cooperation", s.handleCooperation},
		{"POST", "/api/v1/cooperation", s.trackerWrite(s.handleCooperationAdd)},
		{"GET", "/api/v1/reports/strategies/{name}", s.handleStrategyReport},

		{"GET", "/{lang}/strategies", s.pageStrategies},
		{"GET", "/{lang}/strategies/{name}", s.pageStrategy},
		{"GET", "/{lang}/cooperation", s.pageCooperation},
	}
}

// trackerWrite guards a tracker write. With accounts (Deps.Accounts, as
// the assessment routes decide it) the caller must be signed in (401),
// pass the CSRF check of a session (403) and hold a role that may edit
// the tracker, coordinator or admin (egdi.ActionEditTracker; else 403).
// The handler finds the caller with callerOf, for the audit entry.
// Without accounts the write is open, as on a single-user store.
func (s *Server) trackerWrite(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.deps.Accounts == nil {
			h(w, r)
			return
		}
		c, ok := s.authorize(w, r, true, func(u *egdi.User) bool { return egdi.Can(u, egdi.ActionEditTracker) })
		if !ok {
			return
		}
		h(w, r.WithContext(withCaller(r.Context(), c, "")))
	}
}

// trackerAudit is the audit entry of a tracker write made by r's caller
// ("anonymous" on a server without accounts). old and new are encoded as
// JSON (nil: "").
func trackerAudit(r *http.Request, action, item string, old, new any) egdi.AuditEntry {
	who := "anonymous"
	if c, _ := callerOf(r); c != nil {
		who = c.User.Email
	}
	return egdi.AuditEntry{User: who, Action: action, Item: item, Old: auditJSON(old), New: auditJSON(new)}
}

func auditJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// tracker returns the tracker store, or EUNAVAILABLE when the server runs
// without one (built-in data only).
func (s *Server) tracker() (egdi.TrackerStore, error) {
	if s.deps.Tracker == nil {
		return nil, egdi.Errorf(egdi.EUNAVAILABLE, "This server has no store for strategies and cooperation records: run egdi serve with a database.")
	}
	return s.deps.Tracker, nil
}

// checkWrite refuses a write that is not a same-origin JSON request.
func checkWrite(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, _ := strings.Cut(ct, ";"); strings.TrimSpace(strings.ToLower(mt)) != "application/json" {
		return egdi.Errorf(egdi.EINVALID, "Send the request body as application/json.")
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return egdi.Errorf(egdi.EINVALID, "Cross-origin writes are refused.")
		}
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return egdi.Errorf(egdi.EINVALID, "Cross-origin writes are refused.")
	}
	return nil
}

// strategySummary is an item of GET /api/v1/strategies.
type strategySummary struct {
	Name        string         `json:"name"`
	Title       string         `json:"title,omitempty"`
	TitleAR     string         `json:"title_ar,omitempty"`
	Scope       string         `json:"scope,omitempty"`
	Sample      bool           `json:"sample"`
	Initiatives int            `json:"initiatives"`
	KPIs        int            `json:"kpis"`
	Status      map[string]int `json:"status"`
}

// strategyViews returns every strategy with its KPIs computed.
func (s *Server) strategyViews(r *http.Request) ([]*egdi.StrategyView, error) {
	t, err := s.tracker()
	if err != nil {
		return nil, err
	}
	d, _, err := s.dataset(r.Context())
	if err != nil {
		return nil, err
	}
	ss, err := t.Strategies(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]*egdi.StrategyView, 0, len(ss))
	for _, st := range ss {
		v, err := st.View(d)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func summarize(v *egdi.StrategyView) strategySummary {
	sum := strategySummary{Name: v.Name, Title: v.Title, TitleAR: v.TitleAR, Scope: v.Scope, Sample: v.Sample,
		Initiatives: len(v.Initiatives), KPIs: len(v.KPIs), Status: map[string]int{}}
	for _, k := range v.KPIs {
		sum.Status[string(k.Status)]++
	}
	return sum
}

func (s *Server) handleStrategies(w http.ResponseWriter, r *http.Request) {
	vs, err := s.strategyViews(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]strategySummary, len(vs))
	for i, v := range vs {
		out[i] = summarize(v)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// strategyView returns the named strategy with its KPIs computed.
func (s *Server) strategyView(r *http.Request) (*egdi.StrategyView, error) {
	t, err := s.tracker()
	if err != nil {
		return nil, err
	}
	st, err := t.Strategy(r.Context(), r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	d, _, err := s.dataset(r.Context())
	if err != nil {
		return nil, err
	}
	return st.View(d)
}

func (s *Server) handleStrategy(w http.ResponseWriter, r *http.Request) {
	v, err := s.strategyView(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, v)
}

// saveStrategy stores one strategy and drops the cached pages (country
// pages show cooperation; strategy pages are never cached).
func (s *Server) saveTracker(r *http.Request, tr *egdi.Tracker) error {
	t, err := s.tracker()
	if err != nil {
		return err
	}
	if err := t.SaveTracker(r.Context(), tr); err != nil {
		return err
	}
	s.pageCache.reset()
	return nil
}

// handleStrategyCreate answers POST /api/v1/strategies: a new strategy
// (201); ECONFLICT (409) when the name is taken.
func (s *Server) handleStrategyCreate(w http.ResponseWriter, r *http.Request) {
	var st egdi.Strategy
	err := checkWrite(r)
	if err == nil {
		err = decodeBody(w, r, &st)
	}
	if err == nil {
		st.Sample = false
		var t egdi.TrackerStore
		if t, err = s.tracker(); err == nil {
			if _, e := t.Strategy(r.Context(), st.Name); e == nil {
				err = egdi.Errorf(egdi.ECONFLICT, "A strategy named %q exists.", st.Name)
			} else if egdi.ErrorCode(e) != egdi.ENOTFOUND {
				err = e
			}
		}
	}
	if err == nil {
		err = s.saveTracker(r, &egdi.Tracker{Strategies: []*egdi.Strategy{&st},
			Audit: []egdi.AuditEntry{trackerAudit(r, egdi.AuditStrategyCreate, st.Name, nil, &st)}})
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/strategies/"+url.PathEscape(st.Name))
	writeJSON(w, http.StatusCreated, &st)
}

// modifyStrategy reads the named strategy, applies fn and stores it.
// Two concurrent modifications of one strategy: the last one wins.
// fn returns the audit entry of the change.
func (s *Server) modifyStrategy(w http.ResponseWriter, r *http.Request, body any, fn func(st *egdi.Strategy) (egdi.AuditEntry, error)) {
	err := checkWrite(r)
	if err == nil {
		err = decodeBody(w, r, body)
	}
	var st *egdi.Strategy
	if err == nil {
		var t egdi.TrackerStore
		if t, err = s.tracker(); err == nil {
			st, err = t.Strategy(r.Context(), r.PathValue("name"))
		}
	}
	var entry egdi.AuditEntry
	if err == nil {
		entry, err = fn(st)
	}
	if err == nil {
		err = s.saveTracker(r, &egdi.Tracker{Strategies: []*egdi.Strategy{st}, Audit: []egdi.AuditEntry{entry}})
	}
	var v *egdi.StrategyView
	if err == nil {
		v, err = s.strategyView(r)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

// handleInitiativeAdd answers POST /api/v1/strategies/{name}/initiatives
// with the strategy after the initiative is added (201).
func (s *Server) handleInitiativeAdd(w http.ResponseWriter, r *http.Request) {
	var in egdi.Initiative
	s.modifyStrategy(w, r, &in, func(st *egdi.Strategy) (egdi.AuditEntry, error) {
		in.KPIs = nil // KPIs are added one by one, below
		st.Initiatives = append(st.Initiatives, in)
		return trackerAudit(r, egdi.AuditInitiativeAdd, st.Name+"/"+in.Name, nil, &in), nil
	})
}

// kpiRequest is the body of POST /api/v1/strategies/{name}/kpis.
type kpiRequest struct {
	Initiative string   `json:"initiative"`
	KPI        egdi.KPI `json:"kpi"`
}

// handleKPIAdd answers POST /api/v1/strategies/{name}/kpis with the
// strategy after the KPI is added to its initiative (201).
func (s *Server) handleKPIAdd(w http.ResponseWriter, r *http.Request) {
	var req kpiRequest
	s.modifyStrategy(w, r, &req, func(st *egdi.Strategy) (egdi.AuditEntry, error) {
		for i := range st.Initiatives {
			if st.Initiatives[i].Name == req.Initiative {
				if req.KPI.Binding != nil {
					req.KPI.Binding.ISO3 = strings.ToUpper(strings.TrimSpace(req.KPI.Binding.ISO3))
				}
				st.Initiatives[i].KPIs = append(st.Initiatives[i].KPIs, req.KPI)
				return trackerAudit(r, egdi.AuditKPIAdd, st.Name+"/"+req.Initiative, nil, &req.KPI), nil
			}
		}
		return egdi.AuditEntry{}, egdi.Errorf(egdi.ENOTFOUND, "Strategy %s has no initiative %q.", st.Name, req.Initiative)
	})
}

// handleCooperation answers GET /api/v1/cooperation?country=ISO3.
func (s *Server) handleCooperation(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	c := q.str("country")
	d, _, ok := s.queryData(w, r, q, s.writeError)
	if !ok {
		return
	}
	var iso egdi.ISO3
	if c != "" {
		ct, err := parseISO3(d, c)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		iso = ct.ISO3
	}
	t, err := s.tracker()
	var rs []*egdi.Cooperation
	if err == nil {
		rs, err = t.Cooperation(r.Context(), iso)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, rs)
}

// handleCooperationAdd answers POST /api/v1/cooperation: the record is
// stored (replacing one of the same kind, date and title), 201.
func (s *Server) handleCooperationAdd(w http.ResponseWriter, r *http.Request) {
	var c egdi.Cooperation
	err := checkWrite(r)
	if err == nil {
		err = decodeBody(w, r, &c)
	}
	if err == nil {
		c.ID, c.Sample = 0, false
		var old *egdi.Cooperation
		if old, err = s.storedCooperation(r, &c); err == nil {
			var before any
			if old != nil {
				before = old
			}
			err = s.saveTracker(r, &egdi.Tracker{Cooperation: []*egdi.Cooperation{&c},
				Audit: []egdi.AuditEntry{trackerAudit(r, egdi.AuditCooperationSave, cooperationKey(&c), before, &c)}})
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, &c)
}

// storedCooperation returns the stored record that c would replace (same
// kind, date and title), or nil.
func (s *Server) storedCooperation(r *http.Request, c *egdi.Cooperation) (*egdi.Cooperation, error) {
	t, err := s.tracker()
	if err != nil {
		return nil, err
	}
	rs, err := t.Cooperation(r.Context(), "")
	if err != nil {
		return nil, err
	}
	for _, x := range rs {
		if x.Kind == c.Kind && x.Date == c.Date && x.Title == c.Title {
			x.ID = 0
			return x, nil
		}
	}
	return nil, nil
}

// cooperationKey is a record's audit item: "kind date title".
func cooperationKey(c *egdi.Cooperation) string {
	return fmt.Sprintf("%s %s %s", c.Kind, c.Date, c.Title)
}

// handleStrategyReport answers GET /api/v1/reports/strategies/{name}:
// the progress report, ?lang (en, ar), ?format (html, the default, or
// pdf). The server keeps no earlier report, so "what changed" has nothing
// to compare with here; egdi strategy report --previous has.
func (s *Server) handleStrategyReport(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	lang := q.lang()
	format := q.oneOf("format", report.HTML, []string{report.HTML, report.PDF})
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	v, err := s.strategyView(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rd := s.renderer()
	var b bytes.Buffer
	rq := report.StrategyRequest{View: v, Lang: lang}
	if format == report.PDF {
		err = rd.StrategyPDF(r.Context(), &b, rq)
	} else {
		err = rd.StrategyHTML(&b, rq)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	name := "strategy-" + url.PathEscape(v.Name) + "-" + lang + "." + format
	if format == report.PDF {
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	} else {
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Disposition", `inline; filename="`+name+`"`)
		h.Set("Content-Security-Policy", reportCSP)
	}
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}
