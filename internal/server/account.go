package server

// Accounts on the server: sign-in with a password (a session kept in the
// store behind a cookie), personal tokens (Authorization: Bearer), CSRF
// protection of every state-changing request made with a session, login
// throttling, and the admin pages for users and the account audit log.
//
// Cookie: egdi_session (or __Host-egdi_session when Secure), HttpOnly,
// SameSite=Strict, Path=/, Secure when the request came over TLS or the
// server runs with --secure-cookies. Its value is a 256-bit random id;
// the store keeps its SHA-256 only. A new id is made at every sign-in
// (session fixation), and the old session, if any, is deleted.
//
// CSRF: a session has a random CSRF token; every POST/PUT/PATCH/DELETE
// made with the session cookie must carry it (form field "csrf" or header
// X-CSRF-Token) and must not come from another site (Sec-Fetch-Site,
// Origin: net/http.CrossOriginProtection). Requests with a Bearer token
// carry no ambient credential and need no CSRF token.

import (
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/auth"
)

// Session and throttle settings.
const (
	defaultSessionTTL = 12 * time.Hour // absolute lifetime of a session
	loginMaxFailures  = 5              // failed logins per account, and per client, …
	loginWindow       = 15 * time.Minute
	cookieName        = "egdi_session"
	secureCookieName  = "__Host-egdi_session" // a browser keeps it only if Secure, Path=/, no Domain
	csrfField         = "csrf"
	csrfHeader        = "X-CSRF-Token"
)

// accountPages are the templates of this file, parsed with layout.html.
var accountPages = []string{"login", "account", "users", "audit", "review", "reconcile"} // the last two: teamwork_page.go

// accounts is the server's account state, made once (s.acct()).
type accounts struct {
	throttle *auth.Throttle
	cop      *http.CrossOriginProtection
	pages    map[string]*template.Template
}

var acctOnce sync.Map // *Server → *accounts

func (s *Server) acct() *accounts {
	if a, ok := acctOnce.Load(s); ok {
		return a.(*accounts)
	}
	a := &accounts{throttle: auth.NewThrottle(loginMaxFailures, loginWindow, s.deps.Now), cop: http.NewCrossOriginProtection()}
	funcs := template.FuncMap{"asset": assetURL, "when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}}
	a.pages = map[string]*template.Template{}
	for _, p := range accountPages {
		a.pages[p] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assetFS,
			"assets/templates/layout.html", "assets/templates/"+p+".html"))
	}
	got, _ := acctOnce.LoadOrStore(s, a)
	return got.(*accounts)
}

// accountRoutes are the routes of accounts (routes.go appends them).
func (s *Server) accountRoutes() []route {
	s.acct()
	return []route{
		{"GET", "/api/v1/me", s.handleMe},
		{"GET", "/api/v1/users", s.handleUsers},
		{"GET", "/api/v1/audit", s.handleAudit},
		{"GET", "/{lang}/login", s.pageLogin},
		{"POST", "/{lang}/login", s.pageLoginPost},
		{"POST", "/{lang}/logout", s.pageLogout},
		{"GET", "/{lang}/account", s.pageAccount},
		{"GET", "/{lang}/users", s.pageUsers},
		{"POST", "/{lang}/users", s.pageUsersPost},
		{"GET", "/{lang}/audit", s.pageAudit},
	}
}

// caller is who makes a request: a user with a session or a token.
type caller struct {
	User    *egdi.User
	Session *egdi.Session // nil with a token
}

func (s *Server) cookieName(r *http.Request) string {
	if s.secure(r) {
		return secureCookieName
	}
	return cookieName
}

func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.deps.SecureCookies }

// identify returns the caller of r, nil for an anonymous request. A bad
// bearer token is EUNAUTHORIZED; a stale cookie is just anonymous.
func (s *Server) identify(r *http.Request) (*caller, error) {
	if s.deps.Accounts == nil {
		return nil, nil
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(tok, auth.TokenPrefix) {
			return nil, egdi.Errorf(egdi.EUNAUTHORIZED, "Bad Authorization header: send Authorization: Bearer TOKEN (egdi token create).")
		}
		_, u, err := s.deps.Accounts.TokenUser(r.Context(), auth.HashSecret(strings.TrimSpace(tok)))
		if egdi.ErrorCode(err) == egdi.ENOTFOUND {
			return nil, egdi.Errorf(egdi.EUNAUTHORIZED, "Unknown or revoked token.")
		}
		if err != nil {
			return nil, err
		}
		return &caller{User: u}, nil
	}
	for _, name := range []string{secureCookieName, cookieName} {
		ck, err := r.Cookie(name)
		if err != nil || ck.Value == "" {
			continue
		}
		sess, u, err := s.deps.Accounts.Session(r.Context(), auth.HashSecret(ck.Value), s.deps.Now())
		if egdi.ErrorCode(err) == egdi.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &caller{User: u, Session: sess}, nil
	}
	return nil, nil
}

// changesState says whether a method may change state.
func changesState(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// checkCSRF refuses a state-changing request made with a session that
// lacks the session's CSRF token or comes from another site. Errors:
// EFORBIDDEN.
func (s *Server) checkCSRF(r *http.Request, c *caller) error {
	if !changesState(r.Method) || c == nil || c.Session == nil {
		return nil
	}
	if err := s.acct().cop.Check(r); err != nil {
		return egdi.Errorf(egdi.EFORBIDDEN, "Cross-site request refused: %s %s is only accepted from this site's own pages.", r.Method, r.URL.Path)
	}
	tok := r.Header.Get(csrfHeader)
	if tok == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		tok = r.PostFormValue(csrfField)
	}
	if tok == "" || !auth.Equal(tok, c.Session.CSRF) {
		return egdi.Errorf(egdi.EFORBIDDEN, "Missing or wrong CSRF token: reload the page and try again.")
	}
	return nil
}

// authorize is the one gate of protected routes: it identifies the
// caller, checks CSRF for writes and asks allow (nil: any signed-in
// user). It answers the refusal itself (api: JSON; else a page or a
// redirect to the login page) and returns ok false.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, api bool, allow func(*egdi.User) bool) (*caller, bool) {
	fail := s.pageError
	if api {
		fail = s.writeError
	}
	if changesState(r.Method) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	}
	c, err := s.identify(r)
	if err != nil {
		fail(w, r, err)
		return nil, false
	}
	if c == nil {
		if !api && r.Method == http.MethodGet {
			http.Redirect(w, r, "/"+pageLang(r)+"/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil, false
		}
		msg := "Sign in first: this needs an account (a session or Authorization: Bearer TOKEN)."
		if s.deps.Accounts == nil {
			msg = "This server has no accounts: run egdi serve with a store (--db) and add users with egdi user add."
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="egdi"`)
		fail(w, r, egdi.Errorf(egdi.EUNAUTHORIZED, "%s", msg))
		return nil, false
	}
	if err := s.checkCSRF(r, c); err != nil {
		fail(w, r, err)
		return nil, false
	}
	if allow != nil && !allow(c.User) {
		fail(w, r, egdi.Errorf(egdi.EFORBIDDEN, "Your role (%s) does not allow this.", c.User.Role))
		return nil, false
	}
	return c, true
}

func pageLang(r *http.Request) string {
	if r.PathValue("lang") == "ar" || strings.HasPrefix(r.URL.Path, "/ar/") {
		return "ar"
	}
	return "en"
}

// clientIP is the address of the client as the server sees it; a proxy
// in front makes every client one (set the proxy's own rate limit).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// acctBase is what the account pages get.
type acctBase struct {
	base
	Me      *egdi.User
	CSRF    string
	Message string
}

func (s *Server) newAcctBase(r *http.Request, c *caller, title string) acctBase {
	b := acctBase{base: s.newBase(r, "", title)}
	if c != nil {
		b.Me = c.User
		if c.Session != nil {
			b.CSRF = c.Session.CSRF
		}
	}
	return b
}

// renderPrivate renders an account page: never cached, by the server or
// anyone else (it names the user, and may show a new password once).
func (s *Server) renderPrivate(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var sb strings.Builder
	if err := s.acct().pages[page].ExecuteTemplate(&sb, "layout.html", data); err != nil {
		s.log.ErrorContext(r.Context(), "template", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(sb.String()))
}

// loginPage is the data of login.html.
type loginPage struct {
	acctBase
	Email string
	Next  string
}

// safeNext keeps a post-login destination only if it is a path on this
// site (no open redirect).
func safeNext(lang, next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/" + lang + "/account"
	}
	return next
}

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) {
	c, _ := s.identify(r)
	p := loginPage{acctBase: s.newAcctBase(r, c, "acct.login"), Next: safeNext(pageLang(r), r.URL.Query().Get("next"))}
	s.renderPrivate(w, r, http.StatusOK, "login", &p)
}

// pageLoginPost signs in. Every failure (unknown e-mail, disabled user,
// wrong password) gets the same answer in about the same time; after
// loginMaxFailures failures in loginWindow for the account or the client,
// attempts are refused with 429 until the window moves on.
func (s *Server) pageLoginPost(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	p := loginPage{acctBase: s.newAcctBase(r, nil, "acct.login")}
	fail := func(status int, key string) {
		p.base.Error = tr(lang, key)
		s.renderPrivate(w, r, status, "login", &p)
	}
	if s.deps.Accounts == nil {
		fail(http.StatusServiceUnavailable, "acct.no_accounts")
		return
	}
	if err := s.acct().cop.Check(r); err != nil {
		fail(http.StatusForbidden, "acct.cross_site")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "acct.bad_form")
		return
	}
	email, pw := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	p.Email, p.Next = email, safeNext(lang, r.PostFormValue("next"))
	norm, _ := egdi.NormalizeEmail(email)
	keys := []string{"user:" + norm, "ip:" + clientIP(r)}
	th := s.acct().throttle
	if ok, wait := th.Allowed(keys...); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		fail(http.StatusTooManyRequests, "acct.throttled")
		return
	}
	u, err := s.deps.Accounts.User(r.Context(), email)
	if err != nil && egdi.ErrorCode(err) != egdi.ENOTFOUND {
		s.pageError(w, r, err)
		return
	}
	if err != nil || u.Disabled || u.PasswordHash == "" || len(pw) > 4*egdi.MaxPasswordLen {
		auth.BurnTime(pw)
		th.Fail(keys...)
		fail(http.StatusUnauthorized, "acct.bad_login")
		return
	}
	if !auth.VerifyPassword(pw, u.PasswordHash) {
		th.Fail(keys...)
		fail(http.StatusUnauthorized, "acct.bad_login")
		return
	}
	th.Succeed(keys[0])
	// A new session id at every sign-in; the one the browser had (which
	// someone may have planted) is deleted.
	if old, _ := s.identify(r); old != nil && old.Session != nil {
		_ = s.deps.Accounts.DeleteSession(r.Context(), old.Session.IDHash)
	}
	id := auth.Secret("s")
	now := s.deps.Now()
	ttl := s.deps.SessionTTL
	if ttl <= 0 {
		ttl = defaultSessionTTL
	}
	sess := &egdi.Session{IDHash: auth.HashSecret(id), UserID: u.ID, CSRF: auth.Secret("c"), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.deps.Accounts.CreateSession(r.Context(), sess); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r), Value: id, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(ttl.Seconds()), HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authorize(w, r, false, nil)
	if !ok {
		return
	}
	if c.Session != nil {
		if err := s.deps.Accounts.DeleteSession(r.Context(), c.Session.IDHash); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/"+pageLang(r)+"/login", http.StatusSeeOther)
}

func (s *Server) pageAccount(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authorize(w, r, false, nil)
	if !ok {
		return
	}
	b := s.newAcctBase(r, c, "acct.account")
	s.renderPrivate(w, r, http.StatusOK, "account", &struct {
		acctBase
		Admin bool
	}{b, egdi.Can(c.User, egdi.ActionManageUsers)})
}

// usersPage is the data of users.html.
type usersPage struct {
	acctBase
	Users    []*egdi.User
	Roles    []egdi.Role
	NewEmail string // a user just added, with the password shown once
	NewPW    string
}

func isAdmin(u *egdi.User) bool { return egdi.Can(u, egdi.ActionManageUsers) }

func (s *Server) pageUsers(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authorize(w, r, false, isAdmin)
	if !ok {
		return
	}
	s.renderUsers(w, r, c, http.StatusOK, "", "", "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, c *caller, status int, msg, newEmail, newPW string) {
	us, err := s.deps.Accounts.Users(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := usersPage{acctBase: s.newAcctBase(r, c, "acct.users"), Users: us, Roles: egdi.Roles, NewEmail: newEmail, NewPW: newPW}
	if status >= 400 {
		p.base.Error = msg
	} else {
		p.Message = msg
	}
	s.renderPrivate(w, r, status, "users", &p)
}

// pageUsersPost is every change of the users page, by its "op" field:
// add (email, role: a password is generated and shown once), role (email,
// role), disable, enable (email). Each is audited with the admin as actor.
func (s *Server) pageUsersPost(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authorize(w, r, false, isAdmin)
	if !ok {
		return
	}
	lang := pageLang(r)
	by := egdi.Actor(c.User.Email)
	email, reason := strings.TrimSpace(r.PostFormValue("email")), strings.TrimSpace(r.PostFormValue("reason"))
	failed := func(err error) {
		s.renderUsers(w, r, c, statusOf(err), egdi.ErrorMessage(err), "", "")
	}
	switch r.PostFormValue("op") {
	case "add":
		role, err := egdi.ParseRole(r.PostFormValue("role"))
		if err != nil {
			failed(err)
			return
		}
		pw := auth.Secret("")[:24]
		hash, err := auth.HashPassword(pw, auth.DefaultParams)
		if err != nil {
			failed(err)
			return
		}
		u, err := s.deps.Accounts.CreateUser(r.Context(), &egdi.User{Email: email, Role: role, PasswordHash: hash}, by, reason)
		if err != nil {
			failed(err)
			return
		}
		s.renderUsers(w, r, c, http.StatusOK, tr(lang, "acct.added"), u.Email, pw)
	case "role":
		role, err := egdi.ParseRole(r.PostFormValue("role"))
		if err != nil {
			failed(err)
			return
		}
		if _, err := s.deps.Accounts.UpdateUser(r.Context(), email, egdi.UserUpdate{Role: &role}, by, reason); err != nil {
			failed(err)
			return
		}
		s.renderUsers(w, r, c, http.StatusOK, tr(lang, "acct.saved"), "", "")
	case "disable", "enable":
		off := r.PostFormValue("op") == "disable"
		if off && strings.EqualFold(email, c.User.Email) {
			failed(egdi.Errorf(egdi.EINVALID, "You cannot disable yourself: ask another admin."))
			return
		}
		if _, err := s.deps.Accounts.UpdateUser(r.Context(), email, egdi.UserUpdate{Disabled: &off}, by, reason); err != nil {
			failed(err)
			return
		}
		s.renderUsers(w, r, c, http.StatusOK, tr(lang, "acct.saved"), "", "")
	default:
		failed(egdi.Errorf(egdi.EINVALID, "Unknown operation %q: add, role, disable or enable.", trunc(r.PostFormValue("op"))))
	}
}

func (s *Server) pageAudit(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authorize(w, r, false, isAdmin)
	if !ok {
		return
	}
	es, err := s.deps.Accounts.Audit(r.Context(), egdi.AuditScopeUsers)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "audit", &struct {
		acctBase
		Entries []*egdi.AuditEntry
		Scope   string
	}{s.newAcctBase(r, c, "acct.audit"), es, egdi.AuditScopeUsers})
}

// handleMe is GET /api/v1/me: who the caller is.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authorize(w, r, true, nil)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"email": c.User.Email, "role": c.User.Role})
}

// handleUsers is GET /api/v1/users (admins).
func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorize(w, r, true, isAdmin); !ok {
		return
	}
	us, err := s.deps.Accounts.Users(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if us == nil {
		us = []*egdi.User{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"users": us})
}

// handleAudit is GET /api/v1/audit?scope=users (admins): the audit log of
// accounts (an assessment's is /api/v1/assessments/{id}/audit).
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorize(w, r, true, isAdmin); !ok {
		return
	}
	q := newQuery(r)
	scope := q.oneOf("scope", egdi.AuditScopeUsers, []string{egdi.AuditScopeUsers})
	if q.err != nil {
		s.writeError(w, r, q.err)
		return
	}
	es, err := s.deps.Accounts.Audit(r.Context(), scope)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}
