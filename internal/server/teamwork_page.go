package server

// Pages of teamwork (en, ar), for members of a team assessment:
//
//	/{lang}/assessments/{name}/review     a reviewer's own answers, one form per item (blind)
//	/{lang}/assessments/{name}/reconcile  the coordinator's list of disagreements, one decision form each
//	/{lang}/assessments/{name}/audit      the assessment's audit trail
//
// Forms carry the session's CSRF token and the version read (optimistic
// locking: a stale form is refused, 409, with the current answer shown).

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// teamPageRoutes are the page routes (appended by teamRoutes).
func (s *Server) teamPageRoutes() []route {
	return []route{
		{"GET", "/{lang}/assessments/{name}/review", s.guard(false, memberMay(egdi.ActionReview), s.pageReview)},
		{"POST", "/{lang}/assessments/{name}/review", s.guard(false, memberMay(egdi.ActionReview), s.pageReviewPost)},
		{"GET", "/{lang}/assessments/{name}/reconcile", s.guard(false, memberMay(egdi.ActionReconcile), s.pageReconcile)},
		{"POST", "/{lang}/assessments/{name}/reconcile", s.guard(false, memberMay(egdi.ActionReconcile), s.pageReconcilePost)},
		{"GET", "/{lang}/assessments/{name}/audit", s.guard(false, memberMay(egdi.ActionReadAudit), s.pageTeamAudit)},
	}
}

// reviewItem is one item on the review page.
type reviewItem struct {
	Code, Text, Evidence string
	Values               []string
	Answer               *egdi.Answer
	Version              int
}

type reviewPage struct {
	acctBase
	Name      string
	Items     []reviewItem
	Submitted bool
	Role      egdi.MemberRole
}

func (s *Server) pageReview(w http.ResponseWriter, r *http.Request) {
	s.renderReview(w, r, http.StatusOK, "")
}

func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, msg string) {
	c, role := callerOf(r)
	name := r.PathValue("name")
	a, err := s.assessments().Assessment(r.Context(), name)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q, err := questionnaireByID(a.Questionnaire)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	mine, err := s.deps.Accounts.ReviewAnswers(r.Context(), name, c.User.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	ms, err := s.deps.Accounts.Members(r.Context(), name)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := reviewPage{acctBase: s.newAcctBase(r, c, "team.review"), Name: name, Role: role}
	for _, m := range ms {
		p.Submitted = p.Submitted || (m.UserID == c.User.ID && m.Submitted != nil)
	}
	byItem := map[string]*egdi.Answer{}
	for k := range mine {
		byItem[mine[k].Item] = &mine[k]
	}
	lang := p.Lang
	for _, m := range q.Modules {
		for _, it := range m.Items {
			ri := reviewItem{Code: it.Code, Text: it.Text.In(lang), Evidence: it.Evidence.In(lang), Answer: byItem[it.Code]}
			for _, ch := range it.Answers {
				ri.Values = append(ri.Values, ch.Value)
			}
			if ri.Answer != nil {
				ri.Version = ri.Answer.Version
			}
			p.Items = append(p.Items, ri)
		}
	}
	if status >= 400 {
		p.base.Error = msg
	} else {
		p.Message = msg
	}
	s.renderPrivate(w, r, status, "review", &p)
}

func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

func (s *Server) pageReviewPost(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	name := r.PathValue("name")
	if r.PostFormValue("op") == "submit" {
		if err := s.deps.Accounts.SubmitReview(r.Context(), name, c.User); err != nil {
			s.renderReview(w, r, statusOf(err), egdi.ErrorMessage(err))
			return
		}
		s.renderReview(w, r, http.StatusOK, tr(pageLang(r), "team.submitted"))
		return
	}
	ans := egdi.Answer{Item: r.PostFormValue("item"), Value: r.PostFormValue("value"), Evidence: strings.TrimSpace(r.PostFormValue("evidence"))}
	r.SetPathValue("item", ans.Item)
	if err := s.checkItem(r, &ans); err != nil {
		s.renderReview(w, r, statusOf(err), egdi.ErrorMessage(err))
		return
	}
	if _, err := s.deps.Accounts.SaveReviewAnswer(r.Context(), name, c.User, ans, formVersion(r)); err != nil {
		s.renderReview(w, r, statusOf(err), egdi.ErrorMessage(err))
		return
	}
	s.renderReview(w, r, http.StatusOK, tr(pageLang(r), "acct.saved"))
}

type reconcileRow struct {
	egdi.Disagreement
	Text    string
	Values  []string
	Current *egdi.Answer
	Version int
}

type reconcilePage struct {
	acctBase
	Name    string
	Waiting int // reviewers who submitted, when fewer than 2
	Rows    []reconcileRow
	Agreed  []reconcileRow // items both answered alike, not yet decided
}

func (s *Server) pageReconcile(w http.ResponseWriter, r *http.Request) {
	s.renderReconcile(w, r, http.StatusOK, "")
}

func (s *Server) renderReconcile(w http.ResponseWriter, r *http.Request, status int, msg string) {
	c, _ := callerOf(r)
	name := r.PathValue("name")
	p := reconcilePage{acctBase: s.newAcctBase(r, c, "team.reconcile"), Name: name}
	if status >= 400 {
		p.base.Error = msg
	} else {
		p.Message = msg
	}
	a, err := s.assessments().Assessment(r.Context(), name)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q, err := questionnaireByID(a.Questionnaire)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	ms, err := s.deps.Accounts.Members(r.Context(), name)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var done []egdi.Member
	for _, m := range ms {
		if m.Role == egdi.MemberReviewer && m.Submitted != nil {
			done = append(done, m)
		}
	}
	if len(done) < 2 {
		p.Waiting = len(done)
		s.renderPrivate(w, r, status, "reconcile", &p)
		return
	}
	if done[1].Submitted.Before(*done[0].Submitted) {
		done[0], done[1] = done[1], done[0]
	}
	x, err1 := s.deps.Accounts.ReviewAnswers(r.Context(), name, done[0].UserID)
	y, err2 := s.deps.Accounts.ReviewAnswers(r.Context(), name, done[1].UserID)
	if err := cmpErr(err1, err2); err != nil {
		s.pageError(w, r, err)
		return
	}
	items := map[string]egdi.Item{}
	for _, m := range q.Modules {
		for _, it := range m.Items {
			items[it.Code] = it
		}
	}
	row := func(d egdi.Disagreement) reconcileRow {
		it := items[d.Item]
		rr := reconcileRow{Disagreement: d, Text: it.Text.In(p.Lang), Current: a.Answer(d.Item)}
		for _, ch := range it.Answers {
			rr.Values = append(rr.Values, ch.Value)
		}
		if rr.Current != nil {
			rr.Version = rr.Current.Version
		}
		return rr
	}
	for _, d := range egdi.Disagreements(done[0].Email, x, done[1].Email, y) {
		p.Rows = append(p.Rows, row(d))
	}
	ym := map[string]*egdi.Answer{}
	for k := range y {
		ym[y[k].Item] = &y[k]
	}
	for k := range x {
		if o := ym[x[k].Item]; o != nil && o.Value == x[k].Value && a.Answer(x[k].Item) == nil {
			p.Agreed = append(p.Agreed, row(egdi.Disagreement{Item: x[k].Item, A: &x[k], B: o, AuthorA: done[0].Email, AuthorB: done[1].Email}))
		}
	}
	s.renderPrivate(w, r, status, "reconcile", &p)
}

func cmpErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (s *Server) pageReconcilePost(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	ans := egdi.Answer{Item: r.PostFormValue("item"), Value: r.PostFormValue("value"), Evidence: strings.TrimSpace(r.PostFormValue("evidence"))}
	if err := s.checkItem(r, &ans); err != nil {
		s.renderReconcile(w, r, statusOf(err), egdi.ErrorMessage(err))
		return
	}
	if _, err := s.deps.Accounts.Reconcile(r.Context(), r.PathValue("name"), ans, formVersion(r), egdi.Actor(c.User.Email),
		strings.TrimSpace(r.PostFormValue("reason"))); err != nil {
		s.renderReconcile(w, r, statusOf(err), egdi.ErrorMessage(err))
		return
	}
	s.renderReconcile(w, r, http.StatusOK, tr(pageLang(r), "acct.saved"))
}

func (s *Server) pageTeamAudit(w http.ResponseWriter, r *http.Request) {
	c, _ := callerOf(r)
	es, err := s.deps.Accounts.Audit(r.Context(), r.PathValue("name"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "audit", &struct {
		acctBase
		Entries []*egdi.AuditEntry
		Scope   string
	}{s.newAcctBase(r, c, "acct.audit"), es, r.PathValue("name")})
}
