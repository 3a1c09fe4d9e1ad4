package server

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/auth"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/sqlite"
)

// The password of every test account.
const testPW = "a long test password"

// acctEnv is a server with accounts on an SQLite store, a clock the test
// moves, and the log it wrote.
type acctEnv struct {
	s     *Server
	h     http.Handler
	st    *sqlite.DB
	users map[string]*egdi.User // by role name, plus "disabled"
	log   *syncBuffer

	mu  sync.Mutex
	now time.Time
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

func (e *acctEnv) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
func (e *acctEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func newAcctEnv(t *testing.T, deps ...func(*Deps)) *acctEnv {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "egdi.db"),
		Builtin: builtin.MustDataset(), BuiltinVersion: builtin.Version})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := &acctEnv{st: st, users: map[string]*egdi.User{}, log: &syncBuffer{}, now: time.Now().UTC()}
	hash, err := auth.HashPassword(testPW, auth.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"admin", "coordinator", "reviewer", "viewer", "disabled"} {
		role := egdi.Role(name)
		if name == "disabled" {
			role = egdi.RoleAdmin
		}
		u, err := st.CreateUser(t.Context(), &egdi.User{Email: name + "@example.org", Role: role, PasswordHash: hash, Disabled: name == "disabled"}, egdi.ActorCLI, "")
		if err != nil {
			t.Fatal(err)
		}
		e.users[name] = u
	}
	d := Deps{Dataset: func(context.Context) (*egdi.Dataset, error) { return builtin.Dataset() }, Version: "test",
		Accounts: st, Assessments: st, Now: e.clock}
	for _, f := range deps {
		f(&d)
	}
	e.s = newServer(slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug})), d)
	e.h = e.s.handler()
	return e
}

// req sends a request; form values are sent url-encoded. Browser-like
// requests name their site with Sec-Fetch-Site.
func (e *acctEnv) req(method, target string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.RemoteAddr = "192.0.2.1:1234"
	r.Host = "127.0.0.1" // the Host allow-list serves IP addresses
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	return rec
}

// login signs in and returns the session cookie ("name=value") and its
// CSRF token.
func (e *acctEnv) login(t *testing.T, email string) (cookie, csrf string) {
	t.Helper()
	rec := e.req("POST", "/en/login", url.Values{"email": {email}, "password": {testPW}}, "Sec-Fetch-Site", "same-origin")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", email, rec.Code, rec.Body)
	}
	ck := rec.Result().Cookies()
	if len(ck) != 1 {
		t.Fatalf("login set %d cookies", len(ck))
	}
	cookie = ck[0].Name + "=" + ck[0].Value
	acc := e.req("GET", "/en/account", nil, "Cookie", cookie)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(acc.Body.String())
	if acc.Code != 200 || m == nil {
		t.Fatalf("account page: %d, no CSRF token", acc.Code)
	}
	return cookie, m[1]
}

func TestLoginSession(t *testing.T) {
	e := newAcctEnv(t)
	// A cookie planted before sign-in (session fixation) is not adopted.
	planted := cookieName + "=s-planted-by-someone"
	rec := e.req("POST", "/en/login", url.Values{"email": {"Reviewer@Example.org"}, "password": {testPW}, "next": {"/en/rankings"}},
		"Sec-Fetch-Site", "same-origin", "Cookie", planted)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/en/rankings" {
		t.Fatalf("login: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	ck := rec.Result().Cookies()[0]
	if ck.Name != cookieName || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure || ck.Path != "/" ||
		ck.Value == "s-planted-by-someone" || len(ck.Value) < 40 {
		t.Errorf("cookie %+v", ck)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}
	cookie := ck.Name + "=" + ck.Value
	if rec := e.req("GET", "/api/v1/me", nil, "Cookie", cookie); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"reviewer@example.org"`) {
		t.Errorf("me: %d %s", rec.Code, rec.Body)
	}
	// Each sign-in gets a new id, and the previous session ends.
	rec2 := e.req("POST", "/en/login", url.Values{"email": {"reviewer@example.org"}, "password": {testPW}}, "Sec-Fetch-Site", "same-origin", "Cookie", cookie)
	ck2 := rec2.Result().Cookies()[0]
	if ck2.Value == ck.Value {
		t.Errorf("second sign-in kept the session id")
	}
	if rec := e.req("GET", "/api/v1/me", nil, "Cookie", cookie); rec.Code != 401 {
		t.Errorf("the session replaced at sign-in still works: %d", rec.Code)
	}
	cookie = ck2.Name + "=" + ck2.Value
	// Expiry.
	e.advance(defaultSessionTTL - time.Minute)
	if rec := e.req("GET", "/api/v1/me", nil, "Cookie", cookie); rec.Code != 200 {
		t.Errorf("before expiry: %d", rec.Code)
	}
	e.advance(2 * time.Minute)
	if rec := e.req("GET", "/api/v1/me", nil, "Cookie", cookie); rec.Code != 401 {
		t.Errorf("after expiry: %d", rec.Code)
	}
	// Logout ends the session in the store.
	cookie, csrf := e.login(t, "viewer@example.org")
	if rec := e.req("POST", "/en/logout", url.Values{"csrf": {csrf}}, "Cookie", cookie, "Sec-Fetch-Site", "same-origin"); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d %s", rec.Code, rec.Body)
	}
	if rec := e.req("GET", "/api/v1/me", nil, "Cookie", cookie); rec.Code != 401 {
		t.Errorf("after logout: %d", rec.Code)
	}
	// No open redirect after sign-in.
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
		rec := e.req("POST", "/en/login", url.Values{"email": {"viewer@example.org"}, "password": {testPW}, "next": {next}}, "Sec-Fetch-Site", "same-origin")
		if loc := rec.Header().Get("Location"); loc != "/en/account" {
			t.Errorf("next=%q redirects to %q", next, loc)
		}
	}
}

func TestSecureCookie(t *testing.T) {
	e := newAcctEnv(t, func(d *Deps) { d.SecureCookies = true })
	rec := e.req("POST", "/ar/login", url.Values{"email": {"admin@example.org"}, "password": {testPW}}, "Sec-Fetch-Site", "same-origin")
	ck := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(ck) != 1 || ck[0].Name != secureCookieName || !ck[0].Secure || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("login with --secure-cookies: %d %+v", rec.Code, ck)
	}
	if rec.Header().Get("Location") != "/ar/account" {
		t.Errorf("Arabic sign-in goes to %q", rec.Header().Get("Location"))
	}
}

func TestLoginFailures(t *testing.T) {
	e := newAcctEnv(t)
	same := []string{"Sec-Fetch-Site", "same-origin"}
	for _, tc := range []struct {
		name, email, pw string
	}{
		{"WrongPassword", "admin@example.org", "not the password"},
		{"UnknownUser", "ghost@example.org", testPW},
		{"Disabled", "disabled@example.org", testPW},
		{"Empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.req("POST", "/en/login", url.Values{"email": {tc.email}, "password": {tc.pw}}, same...)
			if rec.Code != 401 || len(rec.Result().Cookies()) != 0 || !strings.Contains(rec.Body.String(), "Wrong e-mail or password.") {
				t.Errorf("%d, cookies %v", rec.Code, rec.Result().Cookies())
			}
		})
	}
	// From another site: refused before any password is checked.
	rec := e.req("POST", "/en/login", url.Values{"email": {"admin@example.org"}, "password": {testPW}}, "Sec-Fetch-Site", "cross-site")
	if rec.Code != 403 || len(rec.Result().Cookies()) != 0 {
		t.Errorf("cross-site login: %d", rec.Code)
	}
	// Passwords are never logged nor sent back.
	if strings.Contains(e.log.String(), testPW) || strings.Contains(e.log.String(), "not the password") {
		t.Errorf("a password is in the log")
	}
	if strings.Contains(rec.Body.String(), testPW) {
		t.Errorf("a password is in a page")
	}
}

// TestLoginThrottle: after 5 failures in 15 minutes an account is
// refused (429) even with the right password, from any client; a client
// that failed 5 times is refused for any account; both recover when the
// window moves on.
func TestLoginThrottle(t *testing.T) {
	e := newAcctEnv(t)
	try := func(email, pw, ip string) int {
		r := httptest.NewRequest("POST", "/en/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.RemoteAddr = ip + ":5555"
		r.Host = "127.0.0.1"
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, r)
		return rec.Code
	}
	for i := range loginMaxFailures {
		if c := try("admin@example.org", "wrong password!", "198.51.100."+itoaTest(i+1)); c != 401 {
			t.Fatalf("failure %d: %d", i+1, c)
		}
	}
	if c := try("admin@example.org", testPW, "203.0.113.9"); c != 429 {
		t.Errorf("6th attempt on the account with the right password from a new client: %d, want 429", c)
	}
	if c := try("viewer@example.org", testPW, "203.0.113.9"); c != 303 {
		t.Errorf("another account: %d, want 303", c)
	}
	for i := range loginMaxFailures {
		try("user"+itoaTest(i)+"@example.org", "wrong password!", "203.0.113.77")
	}
	if c := try("coordinator@example.org", testPW, "203.0.113.77"); c != 429 {
		t.Errorf("client after 5 failures on 5 accounts: %d, want 429", c)
	}
	e.advance(loginWindow + time.Second)
	if c := try("admin@example.org", testPW, "203.0.113.77"); c != 303 {
		t.Errorf("after the window: %d, want 303", c)
	}
}

func itoaTest(i int) string { return strconv.Itoa(i) }

// TestCSRF: a state-changing request with a session but without its
// CSRF token, with a wrong one, or from another site changes nothing.
func TestCSRF(t *testing.T) {
	e := newAcctEnv(t)
	cookie, csrf := e.login(t, "admin@example.org")
	add := func(email string) url.Values {
		return url.Values{"op": {"add"}, "email": {email}, "role": {"viewer"}}
	}
	for _, tc := range []struct {
		name string
		form url.Values
		hdr  []string
	}{
		{"NoToken", add("a@example.org"), []string{"Sec-Fetch-Site", "same-origin"}},
		{"WrongToken", withCSRF(add("b@example.org"), "c-wrong"), []string{"Sec-Fetch-Site", "same-origin"}},
		{"OtherSessionToken", withCSRF(add("c@example.org"), csrfOf(t, e, "viewer@example.org")), []string{"Sec-Fetch-Site", "same-origin"}},
		{"CrossSiteWithToken", withCSRF(add("d@example.org"), csrf), []string{"Sec-Fetch-Site", "cross-site"}},
		{"OtherOriginWithToken", withCSRF(add("e@example.org"), csrf), []string{"Origin", "https://evil.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.st.Audit(t.Context(), "")
			rec := e.req("POST", "/en/users", tc.form, append(tc.hdr, "Cookie", cookie)...)
			if rec.Code != 403 {
				t.Errorf("%d, want 403", rec.Code)
			}
			after, _ := e.st.Audit(t.Context(), "")
			us, _ := e.st.Users(t.Context())
			if len(after) != len(before) || len(us) != 5 {
				t.Errorf("the store changed: %d entries, %d users", len(after)-len(before), len(us))
			}
		})
	}
	// Logout without the token does not end the session.
	if rec := e.req("POST", "/en/logout", nil, "Cookie", cookie, "Sec-Fetch-Site", "same-origin"); rec.Code != 403 {
		t.Errorf("logout without CSRF: %d", rec.Code)
	}
	// The same request with the token, from the site itself, works.
	rec := e.req("POST", "/en/users", withCSRF(add("ok@example.org"), csrf), "Cookie", cookie, "Sec-Fetch-Site", "same-origin")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="new-password"`) {
		t.Fatalf("add with CSRF: %d", rec.Code)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the page showing a new password may be cached")
	}
	if _, err := e.st.User(t.Context(), "ok@example.org"); err != nil {
		t.Error(err)
	}
}

func withCSRF(v url.Values, tok string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	out.Set("csrf", tok)
	return out
}

func csrfOf(t *testing.T, e *acctEnv, email string) string {
	_, c := e.login(t, email)
	return c
}

func TestBearerToken(t *testing.T) {
	e := newAcctEnv(t)
	secret := auth.Secret(auth.TokenPrefix)
	tk, err := e.st.CreateToken(t.Context(), &egdi.Token{UserID: e.users["reviewer"].ID, Name: "ci", Hash: auth.HashSecret(secret)}, egdi.ActorCLI)
	if err != nil {
		t.Fatal(err)
	}
	sp := loadSpec(t)
	for _, tc := range []struct {
		name, target, auth string
		want               int
	}{
		{"Me", "/api/v1/me", "Bearer " + secret, 200},
		{"MeLowerScheme", "/api/v1/me", "bearer " + secret, 200},
		{"Anonymous", "/api/v1/me", "", 401},
		{"Unknown", "/api/v1/me", "Bearer " + auth.Secret(auth.TokenPrefix), 401},
		{"NotAToken", "/api/v1/me", "Bearer abc", 401},
		{"Basic", "/api/v1/me", "Basic YWRtaW46YWRtaW4=", 401},
		{"UsersNotAdmin", "/api/v1/users", "Bearer " + secret, 403},
		{"AuditNotAdmin", "/api/v1/audit", "Bearer " + secret, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.target, nil)
			r.Host = "127.0.0.1"
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, r)
			if rec.Code != tc.want {
				t.Fatalf("%d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if rec.Code >= 400 {
				errorOf(t, rec)
			}
			sp.check(t, r, nil, rec)
		})
	}
	if err := e.st.RevokeToken(t.Context(), tk.ID, egdi.ActorCLI, ""); err != nil {
		t.Fatal(err)
	}
	if rec := e.req("GET", "/api/v1/me", nil, "Authorization", "Bearer "+secret); rec.Code != 401 {
		t.Errorf("revoked token: %d", rec.Code)
	}
	// A token needs no CSRF token: it is no ambient credential.
	if strings.Contains(e.log.String(), secret) {
		t.Errorf("a token is in the log")
	}
}

// TestAccountRouteMatrix: every account route × every kind of caller →
// the expected status; the table must list every route accountRoutes
// serves, so nothing unlisted is reachable.
func TestAccountRouteMatrix(t *testing.T) {
	e := newAcctEnv(t)
	sp := loadSpec(t)
	type who struct{ cookie, csrf string }
	callers := map[string]who{"anonymous": {}}
	for _, r := range []string{"admin", "coordinator", "reviewer", "viewer"} {
		c, x := e.login(t, r+"@example.org")
		callers[r] = who{c, x}
	}
	// A session whose user is disabled afterwards counts as anonymous.
	yes := true
	_, _ = e.st.CreateUser(t.Context(), &egdi.User{Email: "gone@example.org", Role: egdi.RoleAdmin, PasswordHash: e.users["admin"].PasswordHash}, egdi.ActorCLI, "")
	gc, gx := e.login(t, "gone@example.org")
	_, _ = e.st.UpdateUser(t.Context(), "gone@example.org", egdi.UserUpdate{Disabled: &yes}, egdi.ActorCLI, "")
	callers["disabled"] = who{gc, gx}
	order := []string{"anonymous", "disabled", "viewer", "reviewer", "coordinator", "admin"}
	// want[i] is the status for order[i]. Page GETs of anonymous callers
	// redirect to the sign-in page; API calls answer 401.
	matrix := []struct {
		method, path string
		form         url.Values
		want         [6]int
	}{
		{"GET", "/api/v1/me", nil, [6]int{401, 401, 200, 200, 200, 200}},
		{"GET", "/api/v1/users", nil, [6]int{401, 401, 403, 403, 403, 200}},
		{"GET", "/api/v1/audit", nil, [6]int{401, 401, 403, 403, 403, 200}},
		{"GET", "/{lang}/login", nil, [6]int{200, 200, 200, 200, 200, 200}},
		{"POST", "/{lang}/login", url.Values{"email": {"x@example.org"}, "password": {"wrong password"}}, [6]int{401, 401, 401, 401, 401, 401}},
		{"GET", "/{lang}/account", nil, [6]int{303, 303, 200, 200, 200, 200}},
		{"GET", "/{lang}/users", nil, [6]int{303, 303, 403, 403, 403, 200}},
		{"POST", "/{lang}/users", url.Values{"op": {"role"}, "email": {"viewer@example.org"}, "role": {"viewer"}}, [6]int{401, 401, 403, 403, 403, 200}},
		{"GET", "/{lang}/audit", nil, [6]int{303, 303, 403, 403, 403, 200}},
		{"POST", "/{lang}/logout", url.Values{}, [6]int{401, 401, 303, 303, 303, 303}},
	}
	listed := map[string]bool{}
	for _, m := range matrix {
		listed[m.method+" "+m.path] = true
	}
	for _, rt := range e.s.accountRoutes() {
		if !listed[rt.Method+" "+rt.Pattern] {
			t.Errorf("route %s %s is not in the matrix", rt.Method, rt.Pattern)
		}
	}
	for _, m := range matrix {
		for i, name := range order {
			if m.path == "/{lang}/logout" && name != "anonymous" && name != "disabled" {
				continue // run last, below: it ends the session
			}
			for _, lang := range []string{"en", "ar"} {
				path := strings.Replace(m.path, "{lang}", lang, 1)
				c := callers[name]
				form := m.form
				if form != nil && c.csrf != "" {
					form = withCSRF(form, c.csrf)
				}
				hdr := []string{"Sec-Fetch-Site", "same-origin"}
				if c.cookie != "" {
					hdr = append(hdr, "Cookie", c.cookie)
				}
				if m.path == "/{lang}/login" {
					// Failed sign-ins of the same client are throttled
					// (TestLoginThrottle): start each afresh.
					e.s.acct().throttle = auth.NewThrottle(loginMaxFailures, loginWindow, e.clock)
				}
				rec := e.req(m.method, path, form, hdr...)
				if rec.Code != m.want[i] {
					t.Errorf("%s %s as %s: %d, want %d", m.method, path, name, rec.Code, m.want[i])
				}
				if strings.HasPrefix(path, "/api/") {
					r := httptest.NewRequest(m.method, path, nil)
					sp.check(t, r, nil, rec)
				}
			}
		}
	}
	for i, name := range order[2:] {
		c := callers[name]
		rec := e.req("POST", "/en/logout", url.Values{"csrf": {c.csrf}}, "Cookie", c.cookie, "Sec-Fetch-Site", "same-origin")
		if rec.Code != matrix[len(matrix)-1].want[i+2] {
			t.Errorf("logout as %s: %d", name, rec.Code)
		}
	}
}

// TestUsersPageAudited: each change made on the users page adds exactly
// one audit entry, with the admin as actor and the right old and new
// values; the Arabic page shows the log.
func TestUsersPageAudited(t *testing.T) {
	e := newAcctEnv(t)
	cookie, csrf := e.login(t, "admin@example.org")
	steps := []struct {
		form url.Values
		want string // action item old→new reason
	}{
		{url.Values{"op": {"add"}, "email": {"new@example.org"}, "role": {"reviewer"}, "reason": {"joins"}}, "user.create new@example.org →reviewer joins"},
		{url.Values{"op": {"role"}, "email": {"new@example.org"}, "role": {"coordinator"}, "reason": {"lead"}}, "user.role new@example.org reviewer→coordinator lead"},
		{url.Values{"op": {"disable"}, "email": {"new@example.org"}}, "user.disable new@example.org enabled→disabled "},
		{url.Values{"op": {"enable"}, "email": {"new@example.org"}}, "user.enable new@example.org disabled→enabled "},
	}
	for _, st := range steps {
		before, _ := e.st.Audit(t.Context(), "")
		rec := e.req("POST", "/ar/users", withCSRF(st.form, csrf), "Cookie", cookie, "Sec-Fetch-Site", "same-origin")
		if rec.Code != 200 {
			t.Fatalf("%v: %d %s", st.form, rec.Code, rec.Body)
		}
		after, _ := e.st.Audit(t.Context(), "")
		if len(after) != len(before)+1 {
			t.Fatalf("%v: %d entries", st.form, len(after)-len(before))
		}
		x := after[len(after)-1]
		if got := x.Action + " " + x.Item + " " + x.Old + "→" + x.New + " " + x.Reason; got != st.want || x.User != "admin@example.org" {
			t.Errorf("entry %q by %s, want %q", got, x.User, st.want)
		}
	}
	for _, bad := range []url.Values{
		{"op": {"add"}, "email": {"new@example.org"}, "role": {"viewer"}},
		{"op": {"add"}, "email": {"x@example.org"}, "role": {"root"}},
		{"op": {"disable"}, "email": {"admin@example.org"}},
		{"op": {"drop"}, "email": {"new@example.org"}},
	} {
		before, _ := e.st.Audit(t.Context(), "")
		rec := e.req("POST", "/en/users", withCSRF(bad, csrf), "Cookie", cookie, "Sec-Fetch-Site", "same-origin")
		after, _ := e.st.Audit(t.Context(), "")
		if rec.Code < 400 || rec.Code >= 500 || len(after) != len(before) {
			t.Errorf("%v: %d, %d entries", bad, rec.Code, len(after)-len(before))
		}
	}
	rec := e.req("GET", "/ar/audit", nil, "Cookie", cookie)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, "سجل التدقيق") || !strings.Contains(body, "reviewer→") && !strings.Contains(body, "coordinator") {
		t.Errorf("Arabic audit page: %d", rec.Code)
	}
}
