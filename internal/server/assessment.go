package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/questionnaire"
)

// The self-assessment: the questionnaires, assessments kept in
// Deps.Assessments, their scores and feature plans, as API endpoints
// (api/openapi.yaml, tag self-assessment) and as pages (/{lang}/assessments).

// assessmentRoutes are the self-assessment's routes (routes.go appends them).
func (s *Server) assessmentRoutes() []route {
	return []route{
		{"GET", "/api/v1/questionnaires", s.handleQuestionnaires},
		{"GET", "/api/v1/questionnaires/{id}", s.handleQuestionnaire},
		{"GET", "/api/v1/assessments", s.handleAssessments},
		{"POST", "/api/v1/assessments", s.handleAssessmentCreate},
		{"GET", "/api/v1/assessments/{name}", s.handleAssessment},
		{"DELETE", "/api/v1/assessments/{name}", s.handleAssessmentDelete},
		{"POST", "/api/v1/assessments/{name}/answers", s.handleAssessmentAnswers},
		{"GET", "/api/v1/assessments/{name}/score", s.handleAssessmentScore},
		{"POST", "/api/v1/assessments/{name}/target", s.handleAssessmentTarget},
		{"GET", "/api/v1/assessments/{name}/files/{item}", s.handleEvidenceFile},
		{"GET", "/{lang}/assessments", s.pageAssessments},
		{"POST", "/{lang}/assessments", s.pageAssessmentCreate},
		{"GET", "/{lang}/assessments/{name}", s.pageAssessment},
		{"POST", "/{lang}/assessments/{name}", s.pageAssessmentAnswer},
	}
}

// assessments returns the store of assessments.
func (s *Server) assessments() egdi.AssessmentStore { return s.deps.Assessments }

func questionnaireByID(id string) (*egdi.Questionnaire, error) {
	set, err := questionnaire.Builtin()
	if err != nil {
		return nil, err
	}
	return set.Get(id)
}

// questionnaireJSON is a questionnaire in one language, as `egdi
// questionnaire show --format json` prints it.
type questionnaireJSON struct {
	ID          string       `json:"id"`
	Edition     int          `json:"edition"`
	Index       string       `json:"index"`
	Title       string       `json:"title"`
	Items       int          `json:"items"`
	Modules     []moduleJSON `json:"modules"`
	BestGuesses []egdi.Guess `json:"best_guesses"`
}

type moduleJSON struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Weight float64    `json:"weight"`
	Items  []itemJSON `json:"items"`
}

type itemJSON struct {
	Code     string   `json:"code"`
	Text     string   `json:"text"`
	Answers  []string `json:"answers"`
	Evidence string   `json:"evidence"`
	Effort   float64  `json:"effort"`
}

func questionnaireIn(q *egdi.Questionnaire, lang string, items bool) questionnaireJSON {
	v := questionnaireJSON{ID: q.ID, Edition: q.Edition, Index: q.Index, Title: q.Title.In(lang), Items: q.NumItems(),
		Modules: []moduleJSON{}, BestGuesses: q.BestGuesses}
	for _, m := range q.Modules {
		mj := moduleJSON{Code: m.Code, Name: m.Name.In(lang), Weight: m.Weight, Items: []itemJSON{}}
		if items {
			for _, it := range m.Items {
				mj.Items = append(mj.Items, itemJSON{Code: it.Code, Text: it.Text.In(lang), Answers: it.Values(),
					Evidence: it.Evidence.In(lang), Effort: it.Effort})
			}
		}
		v.Modules = append(v.Modules, mj)
	}
	return v
}

// handleQuestionnaires answers GET /api/v1/questionnaires?lang=.
func (s *Server) handleQuestionnaires(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	lang := q.lang()
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	set, err := questionnaire.Builtin()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []questionnaireJSON{}
	for _, x := range set.All() {
		out = append(out, questionnaireIn(x, lang, false))
	}
	writeJSON(w, http.StatusOK, out)
}

// handleQuestionnaire answers GET /api/v1/questionnaires/{id}?lang=.
func (s *Server) handleQuestionnaire(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	lang := q.lang()
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	x, err := questionnaireByID(r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, questionnaireIn(x, lang, true))
}

// handleAssessments answers GET /api/v1/assessments.
func (s *Server) handleAssessments(w http.ResponseWriter, r *http.Request) {
	all, err := s.assessments().Assessments(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if all == nil {
		all = []*egdi.Assessment{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, all)
}

// createRequest is the body of POST /api/v1/assessments.
type createRequest struct {
	Name          string        `json:"name"`
	Questionnaire string        `json:"questionnaire"`
	Country       string        `json:"country"`
	City          string        `json:"city"`
	Answers       []egdi.Answer `json:"answers"`
}

// createAssessment checks and stores a new assessment.
func (s *Server) createAssessment(ctx context.Context, req createRequest) (*egdi.Assessment, error) {
	q, err := questionnaireByID(req.Questionnaire)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "%s", egdi.ErrorMessage(err))
	}
	d, _, err := s.dataset(ctx)
	if err != nil {
		return nil, err
	}
	c, err := parseISO3(d, req.Country)
	if err != nil {
		return nil, err
	}
	a := &egdi.Assessment{Name: strings.TrimSpace(req.Name), Questionnaire: q.ID, Country: c.ISO3, City: strings.TrimSpace(req.City),
		Answers: req.Answers}
	for k := range a.Answers {
		a.Answers[k].Version, a.Answers[k].At = 0, time.Time{}
		if a.Answers[k].Author == "" {
			a.Answers[k].Author = "owner"
		}
	}
	if err := q.Check(a); err != nil {
		return nil, err
	}
	if err := s.assessments().CreateAssessment(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// handleAssessmentCreate answers POST /api/v1/assessments with 201.
func (s *Server) handleAssessmentCreate(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.createAssessment(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/assessments/"+url.PathEscape(a.Name))
	writeJSON(w, http.StatusCreated, a)
}

// handleAssessment answers GET /api/v1/assessments/{name}.
func (s *Server) handleAssessment(w http.ResponseWriter, r *http.Request) {
	a, err := s.assessments().Assessment(r.Context(), r.PathValue("name"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, a)
}

// handleAssessmentDelete answers DELETE /api/v1/assessments/{name} with 204.
func (s *Server) handleAssessmentDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.assessments().DeleteAssessment(r.Context(), r.PathValue("name")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// answersRequest is the body of POST /api/v1/assessments/{name}/answers.
type answersRequest struct {
	Answers []egdi.Answer `json:"answers"`
}

// saveAnswers checks answers against the assessment's questionnaire and
// stores them, all or nothing.
func (s *Server) saveAnswers(ctx context.Context, name string, answers []egdi.Answer) (*egdi.Assessment, error) {
	a, err := s.assessments().Assessment(ctx, name)
	if err != nil {
		return nil, err
	}
	q, err := questionnaireByID(a.Questionnaire)
	if err != nil {
		return nil, err
	}
	if len(answers) == 0 {
		return nil, egdi.Errorf(egdi.EINVALID, "No answers: send {\"answers\":[{\"item\":\"SP-095a\",\"value\":\"yes\"}]}.")
	}
	for k := range answers {
		x := &answers[k]
		x.Version, x.At = 0, time.Time{} // a file from JSON has no data: the store keeps what it has
		if x.Author == "" {
			x.Author = "owner"
		}
		if err := q.CheckAnswer(x); err != nil {
			return nil, err
		}
	}
	return s.assessments().SaveAnswers(ctx, name, answers)
}

// handleAssessmentAnswers answers POST /api/v1/assessments/{name}/answers.
func (s *Server) handleAssessmentAnswers(w http.ResponseWriter, r *http.Request) {
	var req answersRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.saveAnswers(r.Context(), r.PathValue("name"), req.Answers)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// score scores a stored assessment in an edition (0: the questionnaire's),
// calibrated on the named reference assessments.
func (s *Server) score(ctx context.Context, name string, edition int, refs []string) (*egdi.SelfScore, *egdi.Assessment, *egdi.Questionnaire, egdi.Calibrations, *egdi.Base, error) {
	a, err := s.assessments().Assessment(ctx, name)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	q, err := questionnaireByID(a.Questionnaire)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	if edition == 0 {
		edition = q.Edition
	}
	if !slices.Contains(egdi.Editions, edition) {
		return nil, nil, nil, nil, nil, egdi.Errorf(egdi.EINVALID, "Unknown edition %d: choose one of %s.", edition, editionList())
	}
	d, v, err := s.dataset(ctx)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	var ras []*egdi.Assessment
	for _, rn := range refs {
		ra, err := s.assessments().Assessment(ctx, rn)
		if err != nil {
			return nil, nil, nil, nil, nil, egdi.Errorf(egdi.EINVALID, "Reference: %s", egdi.ErrorMessage(err))
		}
		ras = append(ras, ra)
	}
	cal, err := q.CalibrateWith(ras, d, edition)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	b, err := v.base(edition)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	sc, err := q.Score(a, cal, b)
	return sc, a, q, cal, b, err
}

// handleAssessmentScore answers GET /api/v1/assessments/{name}/score?edition=&reference=.
func (s *Server) handleAssessmentScore(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	edition := q.intRange("edition", 0, 2001, 2100)
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	sc, _, _, _, _, err := s.score(r.Context(), r.PathValue("name"), edition, q.v["reference"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, sc)
}

// assessmentTargetRequest is the body of POST /api/v1/assessments/{name}/target.
type assessmentTargetRequest struct {
	Edition    int      `json:"edition"`
	References []string `json:"references"`
	egdi.Target
}

// plan makes the feature plans of an assessment.
func (s *Server) plan(ctx context.Context, name string, req assessmentTargetRequest) (*egdi.FeatureTargetResult, error) {
	_, a, q, cal, b, err := s.score(ctx, name, req.Edition, req.References)
	if err != nil {
		return nil, err
	}
	c, ok := cal[egdi.IndexOSI]
	if !ok {
		c = egdi.DefaultCalibration(egdi.IndexOSI)
	}
	return q.Plan(a, c, b, req.Target, nil)
}

// handleAssessmentTarget answers POST /api/v1/assessments/{name}/target
// with the feature plans (200 also when the target is unreachable:
// reachable is false and best_rank says how far the country can get).
func (s *Server) handleAssessmentTarget(w http.ResponseWriter, r *http.Request) {
	var req assessmentTargetRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.plan(r.Context(), r.PathValue("name"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// handleEvidenceFile answers GET /api/v1/assessments/{name}/files/{item}:
// the evidence file of an answer, as an attachment (never rendered by the
// browser as a page of this site).
func (s *Server) handleEvidenceFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.assessments().EvidenceFile(r.Context(), r.PathValue("name"), r.PathValue("item"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	h.Set("Cache-Control", "no-store")
	if f.SHA256 != "" {
		h.Set("ETag", `"`+f.SHA256+`"`)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.Data)
}

// ---------------------------------------------------------------------------
// An in-process AssessmentStore, for a server without a database (tests,
// and egdi.Store-less embedding): kept in memory, lost on exit.

// MemAssessments is an egdi.AssessmentStore in memory.
type MemAssessments struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]*egdi.Assessment
	f   map[[2]string]egdi.EvidenceFile
}

var _ egdi.AssessmentStore = (*MemAssessments)(nil)

// NewMemAssessments returns an empty in-memory store.
func NewMemAssessments(now func() time.Time) *MemAssessments {
	if now == nil {
		now = time.Now
	}
	return &MemAssessments{now: now, m: map[string]*egdi.Assessment{}, f: map[[2]string]egdi.EvidenceFile{}}
}

func clone(a *egdi.Assessment) *egdi.Assessment {
	c := *a
	c.Answers = slices.Clone(a.Answers)
	for k := range c.Answers {
		if f := c.Answers[k].File; f != nil {
			g := *f
			g.Data = nil
			c.Answers[k].File = &g
		}
	}
	return &c
}

// CreateAssessment implements egdi.AssessmentStore.
func (m *MemAssessments) CreateAssessment(_ context.Context, a *egdi.Assessment) error {
	if err := egdi.CheckAssessmentName(a.Name); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[a.Name]; ok {
		return egdi.Errorf(egdi.ECONFLICT, "An assessment named %s exists already.", a.Name)
	}
	now := egdi.StoreTime(m.now())
	merged, _, err := egdi.MergeAnswers(nil, a.Answers, now)
	if err != nil {
		return err
	}
	a.Answers, a.CreatedAt, a.UpdatedAt = merged, now, now
	m.keepFiles(a.Name, merged)
	m.m[a.Name] = clone(a)
	*a = *clone(a)
	return nil
}

func (m *MemAssessments) keepFiles(name string, as []egdi.Answer) {
	for _, x := range as {
		if x.File != nil && x.File.Data != nil {
			m.f[[2]string{name, x.Item}] = *x.File
		}
	}
}

// Assessment implements egdi.AssessmentStore.
func (m *MemAssessments) Assessment(_ context.Context, name string) (*egdi.Assessment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.m[name]
	if !ok {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s.", name)
	}
	return clone(a), nil
}

// Assessments implements egdi.AssessmentStore.
func (m *MemAssessments) Assessments(_ context.Context) ([]*egdi.Assessment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*egdi.Assessment
	for _, a := range m.m {
		out = append(out, clone(a))
	}
	slices.SortFunc(out, func(x, y *egdi.Assessment) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

// SaveAnswers implements egdi.AssessmentStore.
func (m *MemAssessments) SaveAnswers(_ context.Context, name string, answers []egdi.Answer) (*egdi.Assessment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.m[name]
	if !ok {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s.", name)
	}
	now := egdi.StoreTime(m.now())
	merged, changed, err := egdi.MergeAnswers(a.Answers, answers, now)
	if err != nil {
		return nil, err
	}
	m.keepFiles(name, changed)
	c := clone(a)
	c.Answers = merged
	if len(changed) > 0 {
		c.UpdatedAt = now
	}
	m.m[name] = clone(c)
	return clone(c), nil
}

// EvidenceFile implements egdi.AssessmentStore.
func (m *MemAssessments) EvidenceFile(_ context.Context, name, item string) (*egdi.EvidenceFile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.f[[2]string{name, item}]
	if !ok {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "Assessment %s has no evidence file for item %s.", name, item)
	}
	return &f, nil
}

// DeleteAssessment implements egdi.AssessmentStore.
func (m *MemAssessments) DeleteAssessment(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[name]; !ok {
		return egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s.", name)
	}
	delete(m.m, name)
	for k := range m.f {
		if k[0] == name {
			delete(m.f, k)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Pages.

type assessmentsPage struct {
	base
	List           []*egdi.Assessment
	Questionnaires []option
	Form           createRequest
}

// option is declared in page code elsewhere (Value, Label, Selected).

func (s *Server) questionnaireOptions(lang, chosen string) []option {
	set, err := questionnaire.Builtin()
	if err != nil {
		return nil
	}
	var out []option
	for _, q := range set.All() {
		out = append(out, option{Value: q.ID, Label: q.ID + " · " + q.Title.In(lang), Selected: q.ID == chosen})
	}
	return out
}

// renderFresh renders a page that depends on the assessments store: never
// kept in the page cache.
func (s *Server) renderFresh(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.log.ErrorContext(r.Context(), "template", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// pageAssessments lists the assessments with a form to create one.
func (s *Server) pageAssessments(w http.ResponseWriter, r *http.Request) {
	s.assessmentsPageWith(w, r, http.StatusOK, createRequest{Questionnaire: "osi-2024"}, "")
}

func (s *Server) assessmentsPageWith(w http.ResponseWriter, r *http.Request, status int, form createRequest, msg string) {
	b := s.newBase(r, "assessments", "sa.title")
	b.Error = msg
	all, err := s.assessments().Assessments(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := &assessmentsPage{base: b, List: all, Questionnaires: s.questionnaireOptions(b.Lang, form.Questionnaire), Form: form}
	s.renderFresh(w, r, status, "assessments", p)
}

// sameOrigin refuses a form posted from another site (a page elsewhere
// cannot make the owner's browser change the store).
func sameOrigin(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return egdi.Errorf(egdi.EINVALID, "Forms are accepted from this site only.")
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return egdi.Errorf(egdi.EINVALID, "Forms are accepted from this site only.")
		}
	}
	return nil
}

// pageAssessmentCreate handles the creation form, then shows the new
// assessment (post, redirect, get).
func (s *Server) pageAssessmentCreate(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.assessmentsPageWith(w, r, http.StatusBadRequest, createRequest{}, "Bad form.")
		return
	}
	req := createRequest{Name: r.PostForm.Get("name"), Questionnaire: r.PostForm.Get("questionnaire"),
		Country: r.PostForm.Get("country"), City: r.PostForm.Get("city")}
	if err := sameOrigin(r); err != nil {
		s.assessmentsPageWith(w, r, http.StatusForbidden, req, egdi.ErrorMessage(err))
		return
	}
	a, err := s.createAssessment(r.Context(), req)
	if err != nil {
		s.assessmentsPageWith(w, r, statusOf(err), req, egdi.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/"+lang+"/assessments/"+url.PathEscape(a.Name), http.StatusSeeOther)
}

type saItemRow struct {
	Code, Text, How string
	Options         []option
	Evidence, Note  string
	Version         int
	Met             bool
	File            string // the stored evidence file's name
}

type saModuleRow struct {
	Code, Name      string
	Answered, Items int
	Share, Weight   float64
	Rows            []saItemRow
}

type featurePlanRow struct {
	Name    string
	Plan    egdi.FeaturePlan
	Changes []featureChange
}

type featureChange struct {
	Item, Text, From, To string
	Effort               float64
}

type assessmentPage struct {
	base
	A          *egdi.Assessment
	Q          *egdi.Questionnaire
	QTitle     string
	Score      *egdi.SelfScore
	Modules    []saModuleRow
	Guesses    []string
	Target     int
	Plan       *egdi.FeatureTargetResult
	Plans      []featurePlanRow
	PlanErr    string
	Progress   int // per cent of items answered
	GroupLabel string
}

// pageAssessment shows an assessment: its score with range and estimated
// rank, the questionnaire by module with progress and answer forms, and
// the feature plan for ?rank=N.
func (s *Server) pageAssessment(w http.ResponseWriter, r *http.Request) {
	s.assessmentPageWith(w, r, http.StatusOK, "")
}

func (s *Server) assessmentPageWith(w http.ResponseWriter, r *http.Request, status int, msg string) {
	b := s.newBase(r, "assessments", "sa.title")
	name := r.PathValue("name")
	sc, a, q, _, _, err := s.score(r.Context(), name, 0, nil)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	b.Error = msg
	b.Title = name + " · " + b.T("sa.title")
	p := &assessmentPage{base: b, A: a, Q: q, QTitle: q.Title.In(b.Lang), Score: sc, GroupLabel: tr(b.Lang, string(sc.Group))}
	if sc.Total > 0 {
		p.Progress = sc.Answered * 100 / sc.Total
	}
	for _, g := range sc.BestGuesses {
		p.Guesses = append(p.Guesses, g.Name+": "+textIn(b.Lang, g.EN, g.AR))
	}
	for k, m := range q.Modules {
		mr := saModuleRow{Code: m.Code, Name: m.Name.In(b.Lang), Answered: sc.Modules[k].Answered, Items: len(m.Items),
			Share: sc.Modules[k].Share, Weight: m.Weight}
		for _, it := range m.Items {
			row := saItemRow{Code: it.Code, Text: it.Text.In(b.Lang), How: it.Evidence.In(b.Lang)}
			cur := ""
			if x := a.Answer(it.Code); x != nil {
				cur, row.Evidence, row.Note, row.Version = x.Value, x.Evidence, x.Note, x.Version
				if x.File != nil {
					row.File = x.File.Name
				}
				pts, _ := it.Points(x.Value)
				row.Met = pts == 1
			}
			row.Options = append(row.Options, option{Value: "", Label: "—", Selected: cur == ""})
			for _, v := range it.Values() {
				row.Options = append(row.Options, option{Value: v, Label: tr(b.Lang, "sa.answer."+v), Selected: v == cur})
			}
			mr.Rows = append(mr.Rows, row)
		}
		p.Modules = append(p.Modules, mr)
	}
	if rk := r.URL.Query().Get("rank"); rk != "" && q.Index == egdi.IndexOSI {
		n, err := strconv.Atoi(rk)
		if err != nil {
			p.PlanErr = "--rank: " + rk
		} else {
			p.Target = n
			res, err := s.plan(r.Context(), name, assessmentTargetRequest{Target: egdi.Target{Rank: n}})
			if err != nil {
				p.PlanErr = egdi.ErrorMessage(err)
			} else {
				p.Plan = res
				for _, pl := range res.Plans {
					pr := featurePlanRow{Name: tr(b.Lang, "sa.plan."+pl.Name), Plan: pl}
					if strings.HasPrefix(pl.Name, "module_") {
						pr.Name = strings.TrimPrefix(pl.Name, "module_")
					}
					for _, ch := range pl.Changes {
						text := ""
						if it, _ := q.Item(ch.Item); it != nil {
							text = it.Text.In(b.Lang)
						}
						from := "—"
						if ch.From != "" {
							from = tr(b.Lang, "sa.answer."+ch.From)
						}
						pr.Changes = append(pr.Changes, featureChange{Item: ch.Item, Text: text, From: from, To: tr(b.Lang, "sa.answer."+ch.To), Effort: ch.Effort})
					}
					p.Plans = append(p.Plans, pr)
				}
			}
		}
	}
	s.renderFresh(w, r, status, "assessment", p)
}

// formFile returns the evidence file uploaded in field name, or nil.
func formFile(r *http.Request, name string) (*egdi.EvidenceFile, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[name]) == 0 {
		return nil, nil
	}
	h := r.MultipartForm.File[name][0]
	if h.Filename == "" && h.Size == 0 {
		return nil, nil
	}
	if h.Size > egdi.MaxEvidenceFile {
		return nil, fmt.Errorf("the evidence file %s is %d bytes, over the limit of %d bytes (5 MiB)", h.Filename, h.Size, egdi.MaxEvidenceFile)
	}
	f, err := h.Open()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, egdi.MaxEvidenceFile+1))
	_ = f.Close() // read-only: the data are read or the error is reported
	if err != nil {
		return nil, err
	}
	base := h.Filename
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	if base == "" {
		base = "evidence"
	}
	return &egdi.EvidenceFile{Name: base, Data: data}, nil
}

func textIn(lang, en, ar string) string {
	if lang == "ar" && ar != "" {
		return ar
	}
	return en
}

// pageAssessmentAnswer stores the answers of one module's form: a.CODE
// (the answer; empty = leave as it is), e.CODE (evidence URL), n.CODE
// (note). A bad answer shows the page again with the message naming the
// item and changes nothing.
func (s *Server) pageAssessmentAnswer(w http.ResponseWriter, r *http.Request) {
	lang, name := r.PathValue("lang"), r.PathValue("name")
	r.Body = http.MaxBytesReader(w, r.Body, egdi.MaxEvidenceFile+1<<20)
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		msg := "Bad form."
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			msg = fmt.Sprintf("The upload is over %d bytes: an evidence file may have at most %d bytes (5 MiB).", egdi.MaxEvidenceFile+1<<20, egdi.MaxEvidenceFile)
		}
		s.assessmentPageWith(w, r, http.StatusBadRequest, msg)
		return
	}
	if err := sameOrigin(r); err != nil {
		s.assessmentPageWith(w, r, http.StatusForbidden, egdi.ErrorMessage(err))
		return
	}
	var answers []egdi.Answer
	keys := make([]string, 0, len(r.PostForm))
	for k := range r.PostForm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		item, ok := strings.CutPrefix(k, "a.")
		if !ok {
			continue
		}
		v := strings.TrimSpace(r.PostForm.Get(k))
		if v == "" {
			continue
		}
		x := egdi.Answer{Item: item, Value: v, Evidence: strings.TrimSpace(r.PostForm.Get("e." + item)),
			Note: strings.TrimSpace(r.PostForm.Get("n." + item))}
		if f, err := formFile(r, "f."+item); err != nil {
			s.assessmentPageWith(w, r, http.StatusBadRequest, fmt.Sprintf("Item %s: %s", item, err))
			return
		} else if f != nil {
			x.File = f
		}
		answers = append(answers, x)
	}
	if len(answers) > 0 {
		if _, err := s.saveAnswers(r.Context(), name, answers); err != nil {
			s.assessmentPageWith(w, r, statusOf(err), egdi.ErrorMessage(err))
			return
		}
	}
	u := "/" + lang + "/assessments/" + url.PathEscape(name)
	if m := r.PostForm.Get("module"); m != "" {
		u += "#m-" + url.PathEscape(m)
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}
