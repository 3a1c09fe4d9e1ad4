package server

// Teamwork on assessments when the server has accounts (Deps.Accounts):
// every assessment route needs a signed-in member (admins see all), a
// non-member gets 404 as for an assessment that does not exist, and
// writes go through blind review and reconciliation (teamwork.go in the
// domain), each audited. Answers carry versions: PUT with If-Match: "N"
// (the ETag of the version read; absent = not answered yet) answers 412
// with the current answer when another write came first.
//
// Without accounts (tests, an in-memory server) the self-assessment
// routes stay as assessment.go serves them.

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// teamRoutes returns the route table with the self-assessment routes
// guarded and the teamwork routes added (routes.go calls it last).
func (s *Server) teamRoutes(rs []route) []route {
	for k, rt := range rs {
		if s.deps.Accounts == nil {
			break // the new routes below answer 401: no accounts
		}
		key := rt.Method + " " + rt.Pattern
		switch {
		case key == "GET /api/v1/assessments":
			rs[k].Handler = s.handleTeamAssessments
		case key == "POST /api/v1/assessments":
			rs[k].Handler = s.handleTeamCreate
		case key == "POST /api/v1/assessments/{name}/answers" || key == "DELETE /api/v1/assessments/{name}":
			rs[k].Handler = s.refuseWithTeam(true)
		case key == "POST /{lang}/assessments" || key == "POST /{lang}/assessments/{name}":
			rs[k].Handler = s.refuseWithTeam(false)
		case key == "GET /{lang}/assessments":
			rs[k].Handler = s.guard(false, func(c *caller, _ egdi.MemberRole) bool { return egdi.Can(c.User, egdi.ActionReadAllAssessment) }, rt.Handler)
		case strings.HasPrefix(rt.Pattern, "/api/v1/assessments/{name}"):
			rs[k].Handler = s.guard(true, memberMay(egdi.ActionRead), rt.Handler)
		case strings.HasPrefix(rt.Pattern, "/{lang}/assessments/{name}"):
			rs[k].Handler = s.guard(false, memberMay(egdi.ActionRead), rt.Handler)
		}
	}
	return append(append(rs,
		route{"GET", "/api/v1/assessments/{name}/audit", s.guard(true, memberMay(egdi.ActionReadAudit), s.handleTeamAudit)},
		route{"GET", "/api/v1/assessments/{name}/members", s.guard(true, memberMay(egdi.ActionRead), s.handleMembers)},
		route{"PUT", "/api/v1/assessments/{name}/members/{email}", s.guard(true, memberMay(egdi.ActionManage), s.handleMemberSet)},
		route{"DELETE", "/api/v1/assessments/{name}/members/{email}", s.guard(true, memberMay(egdi.ActionManage), s.handleMemberRemove)},
		route{"GET", "/api/v1/assessments/{name}/review", s.guard(true, memberMay(egdi.ActionReview), s.handleReview)},
		route{"PUT", "/api/v1/assessments/{name}/review/{item}", s.guard(true, memberMay(egdi.ActionReview), s.handleReviewAnswer)},
		route{"POST", "/api/v1/assessments/{name}/review/submit", s.guard(true, memberMay(egdi.ActionReview), s.handleReviewSubmit)},
		route{"GET", "/api/v1/assessments/{name}/disagreements", s.guard(true, memberMay(egdi.ActionReconcile), s.handleDisagreements)},
		route{"PUT", "/api/v1/assessments/{name}/reconcile/{item}", s.guard(true, memberMay(egdi.ActionReconcile), s.handleReconcile)},
	), s.teamPageRoutes()...)
}

// memberMay is the check of a route on one assessment.
func memberMay(a egdi.Action) func(*caller, egdi.MemberRole) bool {
	return func(c *caller, m egdi.MemberRole) bool { return egdi.CanOn(c.User, m, a) }
}

// guard wraps a handler of one assessment: signed in (401), CSRF for
// writes (403), the assessment visible to the caller (404 otherwise,
// exactly as for a name that does not exist), then allow (403 for a
// member without the right).
func (s *Server) guard(api bool, allow func(*caller, egdi.MemberRole) bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.authorize(w, r, api, nil)
		if !ok {
			return
		}
		fail := s.pageError
		if api {
			fail = s.writeError
		}
		name := r.PathValue("name")
		var role egdi.MemberRole
		if name != "" {
			ms, err := s.deps.Accounts.Memberships(r.Context(), c.User.ID)
			if err != nil {
				fail(w, r, err)
				return
			}
			role = ms[name]
			if role == "" && !egdi.Can(c.User, egdi.ActionReadAllAssessment) {
				fail(w, r, egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s.", name))
				return
			}
			if _, err := s.assessments().Assessment(r.Context(), name); err != nil {
				fail(w, r, err)
				return
			}
		}
		if !allow(c, role) {
			fail(w, r, egdi.Errorf(egdi.EFORBIDDEN, "Your role in this assessment (%s) does not allow this.", roleName(role, c.User)))
			return
		}
		r = r.WithContext(withCaller(r.Context(), c, role))
		h(w, r)
	}
}

func roleName(m egdi.MemberRole, u *egdi.User) string {
	if m == "" {
		return string(u.Role)
	}
	return string(m)
}

func (s *Server) refuseWithTeam(api bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fail := s.pageError
		if api {
			fail = s.writeError
		}
		if _, ok := s.authorize(w, r, api, nil); !ok {
			return
		}
		fail(w, r, egdi.Errorf(egdi.EFORBIDDEN, "On a server with accounts, answers are given by the assigned reviewers (PUT …/review/{item}) and decided by the coordinator (PUT …/reconcile/{item}); assessments are not deleted (their audit trail stays)."))
	}
}

// handleTeamAssessments is GET /api/v1/assessments: what the caller may see.
func (s *Server) handleTeamAssessments(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authorize(w, r, true, nil)
	if !ok {
		return
	}
	all, err := s.assessments().Assessments(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ms, err := s.deps.Accounts.Memberships(r.Context(), c.User.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []*egdi.Assessment{}
	for _, a := range all {
		if ms[a.Name] != "" || egdi.Can(c.User, egdi.ActionReadAllAssessment) {
			out = append(out, a)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// handleTeamCreate is POST /api/v1/assessments: a coordinator (or admin)
// creates an assessment and becomes its coordinator.
func (s *Server) handleTeamCreate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authorize(w, r, true, func(u *egdi.User) bool { return egdi.Can(u, egdi.ActionCreateAssessment) })
	if !ok {
		return
	}
	var req createRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(req.Answers) > 0 {
		s.writeError(w, r, egdi.Errorf(egdi.EINVALID, "A team assessment starts without answers: the reviewers give them."))
		return
	}
	q, err := questionnaireByID(req.Questionnaire)
	if err != nil {
		s.writeError(w, r, egdi.Errorf(egdi.EINVALID, "%s", egdi.ErrorMessage(err)))
		return
	}
	d, _, err := s.dataset(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ct, err := parseISO3(d, req.Country)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a := &egdi.Assessment{Name: strings.TrimSpace(req.Name), Questionnaire: q.ID, Country: ct.ISO3, City: strings.TrimSpace(req.City)}
	if err := s.deps.Accounts.CreateTeamAssessment(r.Context(), a, c.User, ""); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/assessments/"+a.Name)
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) handleTeamAudit(w http.ResponseWriter, r *http.Request) {
	es, err := s.deps.Accounts.Audit(r.Context(), r.PathValue("name"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}

func (s *Server) handleMembers(w http.ResponseWriter, r *http.Request) {
	ms, err := s.deps.Accounts.Members(r.Context(), r.PathValue("name"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if ms == nil {
		ms = []egdi.Member{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"members": ms})
}

func (s *Server) handleMemberSet(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	var req struct {
		Role   string `json:"role"`
		Reason string `json:"reason"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	role, err := egdi.ParseMemberRole(req.Role)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.deps.Accounts.User(r.Context(), r.PathValue("email"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.deps.Accounts.SetMember(r.Context(), r.PathValue("name"), u.ID, role, egdi.Actor(c.User.Email), req.Reason); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.handleMembers(w, r)
}

func (s *Server) handleMemberRemove(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	u, err := s.deps.Accounts.User(r.Context(), r.PathValue("email"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.deps.Accounts.RemoveMember(r.Context(), r.PathValue("name"), u.ID, egdi.Actor(c.User.Email), r.URL.Query().Get("reason")); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.handleMembers(w, r)
}

// handleReview is GET …/review: the caller's own answers (never another
// reviewer's) and whether they submitted.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	as, err := s.deps.Accounts.ReviewAnswers(r.Context(), r.PathValue("name"), c.User.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ms, err := s.deps.Accounts.Members(r.Context(), r.PathValue("name"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	submitted := false
	for _, m := range ms {
		submitted = submitted || (m.UserID == c.User.ID && m.Submitted != nil)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"answers": as, "submitted": submitted})
}

// answerRequest is the body of PUT …/review/{item} and …/reconcile/{item}.
type answerRequest struct {
	Value    string `json:"value"`
	Evidence string `json:"evidence"`
	Note     string `json:"note"`
	Reason   string `json:"reason"`
}

// ifMatch reads If-Match: "N" (the version read); absent is 0 (not
// answered yet). Errors: EINVALID.
func ifMatch(r *http.Request) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || n < 0 {
		return 0, egdi.Errorf(egdi.EINVALID, "Bad If-Match %q: send the ETag of the answer you read, e.g. \"3\".", trunc(h))
	}
	return n, nil
}

// checkItem checks an answer against the assessment's questionnaire.
func (s *Server) checkItem(r *http.Request, a *egdi.Answer) error {
	as, err := s.assessments().Assessment(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	q, err := questionnaireByID(as.Questionnaire)
	if err != nil {
		return err
	}
	return q.CheckAnswer(a)
}

// writeVersioned answers a versioned write: 200 with the answer and its
// ETag, or 412 with the current answer when the version did not match.
func (s *Server) writeVersioned(w http.ResponseWriter, r *http.Request, a *egdi.Answer, err error) {
	if vc, ok := err.(*egdi.VersionConflict); ok {
		v := 0
		if vc.Current != nil {
			v = vc.Current.Version
		}
		w.Header().Set("ETag", `"`+strconv.Itoa(v)+`"`)
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusPreconditionFailed, map[string]any{
			"error":   map[string]string{"code": egdi.ECONFLICT, "message": vc.Error()},
			"current": vc.Current,
		})
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", `"`+strconv.Itoa(a.Version)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) readAnswer(w http.ResponseWriter, r *http.Request) (egdi.Answer, string, int, bool) {
	var req answerRequest
	v, err := ifMatch(r)
	if err == nil {
		err = decodeBody(w, r, &req)
	}
	a := egdi.Answer{Item: r.PathValue("item"), Value: req.Value, Evidence: req.Evidence, Note: req.Note}
	if err == nil {
		err = s.checkItem(r, &a)
	}
	if err != nil {
		s.writeError(w, r, err)
		return a, "", 0, false
	}
	return a, req.Reason, v, true
}

func (s *Server) handleReviewAnswer(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	a, _, v, ok := s.readAnswer(w, r)
	if !ok {
		return
	}
	got, err := s.deps.Accounts.SaveReviewAnswer(r.Context(), r.PathValue("name"), c.User, a, v)
	s.writeVersioned(w, r, got, err)
}

func (s *Server) handleReviewSubmit(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	if err := s.deps.Accounts.SubmitReview(r.Context(), r.PathValue("name"), c.User); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.handleReview(w, r)
}

// handleDisagreements is GET …/disagreements: once two reviewers have
// submitted, the items they answered differently (the first two
// reviewers to submit). 409 before.
func (s *Server) handleDisagreements(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ms, err := s.deps.Accounts.Members(r.Context(), name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var done []egdi.Member
	for _, m := range ms {
		if m.Role == egdi.MemberReviewer && m.Submitted != nil {
			done = append(done, m)
		}
	}
	if len(done) < 2 {
		s.writeError(w, r, egdi.Errorf(egdi.ECONFLICT, "The disagreements are shown once two reviewers have submitted (%d so far).", len(done)))
		return
	}
	if done[1].Submitted.Before(*done[0].Submitted) {
		done[0], done[1] = done[1], done[0]
	}
	a, err := s.deps.Accounts.ReviewAnswers(r.Context(), name, done[0].UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.deps.Accounts.ReviewAnswers(r.Context(), name, done[1].UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ds := egdi.Disagreements(done[0].Email, a, done[1].Email, b)
	if ds == nil {
		ds = []egdi.Disagreement{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"disagreements": ds})
}

func (s *Server) handleReconcile(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	a, reason, v, ok := s.readAnswer(w, r)
	if !ok {
		return
	}
	got, err := s.deps.Accounts.Reconcile(r.Context(), r.PathValue("name"), a, v, egdi.Actor(c.User.Email), reason)
	s.writeVersioned(w, r, got, err)
}

type callerKey struct{}

type callerCtx struct {
	c    *caller
	role egdi.MemberRole
}

func withCaller(ctx context.Context, c *caller, role egdi.MemberRole) context.Context {
	return context.WithValue(ctx, callerKey{}, callerCtx{c, role})
}

// callerOf returns the caller guard identified.
func callerOf(r *http.Request) (*caller, egdi.MemberRole) {
	v, _ := r.Context().Value(callerKey{}).(callerCtx)
	return v.c, v.role
}
