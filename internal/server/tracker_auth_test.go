package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/auth"
	"github.com/egdi-project/egdi/internal/builtin"
)

// trackerAcctEnv is a server with accounts and the tracker (the sample
// loaded) on one SQLite store.
func trackerAcctEnv(t *testing.T) *acctEnv {
	t.Helper()
	e := newAcctEnv(t, func(d *Deps) { d.Tracker = d.Assessments.(egdi.TrackerStore) })
	tr, err := builtin.SampleTracker()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.SaveTracker(t.Context(), tr); err != nil {
		t.Fatal(err)
	}
	return e
}

// jsonReq sends a JSON request as a browser of this site would.
func (e *acctEnv) jsonReq(method, target, body string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.RemoteAddr = "192.0.2.1:1234"
	r.Host = "127.0.0.1"
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	return rec
}

// trackerAudit returns the tracker's audit entries.
func (e *acctEnv) trackerAuditLog(t *testing.T) []*egdi.AuditEntry {
	t.Helper()
	es, err := e.st.Audit(t.Context(), egdi.AuditScopeTracker)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestTrackerRouteMatrix: with accounts, every tracker route for every
// kind of caller. Reads stay public; writes need a coordinator or an
// admin (anonymous and disabled 401, viewer and reviewer 403), and each
// accepted write appends exactly one audit entry by its caller.
func TestTrackerRouteMatrix(t *testing.T) {
	e := trackerAcctEnv(t)
	sp := loadSpec(t)
	type who struct{ cookie, csrf string }
	callers := map[string]who{"anonymous": {}}
	for _, r := range []string{"admin", "coordinator", "reviewer", "viewer"} {
		c, x := e.login(t, r+"@example.org")
		callers[r] = who{c, x}
	}
	yes := true
	if _, err := e.st.CreateUser(t.Context(), &egdi.User{Email: "gone@example.org", Role: egdi.RoleAdmin, PasswordHash: e.users["admin"].PasswordHash}, egdi.ActorCLI, ""); err != nil {
		t.Fatal(err)
	}
	gc, gx := e.login(t, "gone@example.org")
	if _, err := e.st.UpdateUser(t.Context(), "gone@example.org", egdi.UserUpdate{Disabled: &yes}, egdi.ActorCLI, ""); err != nil {
		t.Fatal(err)
	}
	callers["disabled"] = who{gc, gx}
	order := []string{"anonymous", "disabled", "viewer", "reviewer", "coordinator", "admin"}
	write := [6]int{401, 401, 403, 403, 201, 201}
	read := [6]int{200, 200, 200, 200, 200, 200}
	// ROLE in a path or body is replaced by the caller's name, so that
	// each accepted write is a new item.
	matrix := []struct {
		method, path, body string
		want               [6]int
		action             string // of the audit entry of an accepted write
	}{
		{"GET", "/api/v1/strategies", "", read, ""},
		{"POST", "/api/v1/strategies", `{"name":"s-ROLE","scope":"BHR"}`, write, egdi.AuditStrategyCreate},
		{"GET", "/api/v1/strategies/{name}", "", read, ""},
		{"POST", "/api/v1/strategies/{name}/initiatives", `{"name":"Init ROLE"}`, write, egdi.AuditInitiativeAdd},
		{"POST", "/api/v1/strategies/{name}/kpis", `{"initiative":"Init ROLE","kpi":{"id":"k-ROLE","name":"services","baseline":{"year":2022,"value":60},"targets":[{"year":2026,"value":80}]}}`, write, egdi.AuditKPIAdd},
		{"GET", "/api/v1/cooperation", "", read, ""},
		{"POST", "/api/v1/cooperation", `{"kind":"visit","date":"2025-05","parties":["BHR","OMN"],"title":"Visit ROLE"}`, write, egdi.AuditCooperationSave},
		{"GET", "/api/v1/reports/strategies/{name}", "", read, ""},
		{"GET", "/{lang}/strategies", "", read, ""},
		{"GET", "/{lang}/strategies/{name}", "", read, ""},
		{"GET", "/{lang}/cooperation", "", read, ""},
	}
	listed := map[string]bool{}
	for _, m := range matrix {
		listed[m.method+" "+m.path] = true
	}
	for _, rt := range e.s.trackerRoutes() {
		if !listed[rt.Method+" "+rt.Pattern] {
			t.Errorf("route %s %s is not in the matrix", rt.Method, rt.Pattern)
		}
	}
	wantEntries := 0
	for _, m := range matrix {
		for i, name := range order {
			before := len(e.trackerAuditLog(t))
			path := strings.NewReplacer("{lang}", "en", "{name}", "gcc-egov").Replace(m.path)
			body := strings.ReplaceAll(m.body, "ROLE", name)
			c := callers[name]
			var hdr []string
			if c.cookie != "" {
				hdr = append(hdr, "Cookie", c.cookie, csrfHeader, c.csrf)
			}
			rec := e.jsonReq(m.method, path, body, hdr...)
			if rec.Code != m.want[i] {
				t.Errorf("%s %s as %s: %d, want %d (%s)", m.method, path, name, rec.Code, m.want[i], rec.Body)
			}
			if strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/api/v1/reports/") {
				r := httptest.NewRequest(m.method, path, strings.NewReader(body))
				if body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				sp.check(t, r, []byte(body), rec)
			}
			got := e.trackerAuditLog(t)[before:]
			if m.method == "GET" || rec.Code >= 300 {
				if len(got) != 0 {
					t.Errorf("%s %s as %s: %d audit entries, want none", m.method, path, name, len(got))
				}
				continue
			}
			wantEntries++
			if len(got) != 1 {
				t.Errorf("%s %s as %s: %d audit entries, want 1", m.method, path, name, len(got))
				continue
			}
			if g := got[0]; g.User != name+"@example.org" || g.Action != m.action || g.Old != "" || g.New == "" || g.At.IsZero() {
				t.Errorf("%s %s as %s: audit entry %+v", m.method, path, name, g)
			}
		}
	}
	if n := len(e.trackerAuditLog(t)); n != wantEntries || n != 8 {
		t.Errorf("%d tracker audit entries, want %d (4 writes × 2 editing roles)", n, wantEntries)
	}
}

// TestTrackerWriteGuards: the CSRF check of a session, bearer tokens and
// the audit entry of a replaced cooperation record (old and new).
func TestTrackerWriteGuards(t *testing.T) {
	e := trackerAcctEnv(t)
	cookie, csrf := e.login(t, "coordinator@example.org")
	secret := auth.Secret(auth.TokenPrefix)
	if _, err := e.st.CreateToken(t.Context(), &egdi.Token{UserID: e.users["admin"].ID, Name: "ci", Hash: auth.HashSecret(secret)}, egdi.ActorCLI); err != nil {
		t.Fatal(err)
	}
	viewer := auth.Secret(auth.TokenPrefix)
	if _, err := e.st.CreateToken(t.Context(), &egdi.Token{UserID: e.users["viewer"].ID, Name: "ci", Hash: auth.HashSecret(viewer)}, egdi.ActorCLI); err != nil {
		t.Fatal(err)
	}
	rec1 := `{"kind":"visit","date":"2025-05","parties":["BHR","OMN"],"title":"Oman delegation"}`
	rec2 := `{"kind":"visit","date":"2025-05","parties":["BHR","OMN","QAT"],"title":"Oman delegation"}`
	for _, tc := range []struct {
		name, body string
		hdr        []string
		want       int
		user       string // of the audit entry; "" for none
		old        bool   // whether the entry has an old value
	}{
		{"ErrSessionNoCSRF", rec1, []string{"Cookie", cookie}, 403, "", false},
		{"ErrSessionWrongCSRF", rec1, []string{"Cookie", cookie, csrfHeader, "x" + csrf}, 403, "", false},
		{"ErrCrossSite", rec1, []string{"Cookie", cookie, csrfHeader, csrf, "Sec-Fetch-Site", "cross-site"}, 403, "", false},
		{"ErrViewerToken", rec1, []string{"Authorization", "Bearer " + viewer}, 403, "", false},
		{"ErrBadToken", rec1, []string{"Authorization", "Bearer " + auth.Secret(auth.TokenPrefix)}, 401, "", false},
		{"Session", rec1, []string{"Cookie", cookie, csrfHeader, csrf}, 201, "coordinator@example.org", false},
		{"TokenReplaces", rec2, []string{"Authorization", "Bearer " + secret}, 201, "admin@example.org", true},
		{"ErrInvalidNoEntry", `{"kind":"visit","date":"May 2025","parties":["BHR"],"title":"x"}`, []string{"Authorization", "Bearer " + secret}, 400, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.trackerAuditLog(t))
			rec := e.jsonReq("POST", "/api/v1/cooperation", tc.body, tc.hdr...)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			got := e.trackerAuditLog(t)[before:]
			if tc.user == "" {
				if len(got) != 0 {
					t.Fatalf("%d audit entries, want none", len(got))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d audit entries, want 1", len(got))
			}
			g := got[0]
			var nw egdi.Cooperation
			if err := json.Unmarshal([]byte(g.New), &nw); err != nil || g.User != tc.user || g.Item != "visit 2025-05 Oman delegation" {
				t.Fatalf("entry %+v (%v)", g, err)
			}
			if tc.old {
				var old egdi.Cooperation
				if err := json.Unmarshal([]byte(g.Old), &old); err != nil || len(old.Parties) != 2 || len(nw.Parties) != 3 {
					t.Fatalf("old %s, new %s: want 2 parties then 3 (%v)", g.Old, g.New, err)
				}
			} else if g.Old != "" {
				t.Fatalf("old %q, want none", g.Old)
			}
		})
	}
	// The strategy page carries the session's CSRF token for its forms.
	page := e.req("GET", "/en/strategies/gcc-egov", nil, "Cookie", cookie)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `data-csrf="`+csrf+`"`) {
		t.Errorf("strategy page: %d, no data-csrf", page.Code)
	}
	// With accounts the menu links to sign-in and sign-out (the account
	// page); the page goldens, rendered without accounts, have no link.
	for _, lang := range []string{"en", "ar"} {
		home := e.req("GET", "/"+lang+"/strategies", nil)
		if !strings.Contains(home.Body.String(), `<a id="account-link" href="/`+lang+`/account">`) {
			t.Errorf("%s: no sign-in link in the menu", lang)
		}
	}
}

// TestBrowserTrackerAccounts: with accounts, the strategy page's form
// sends an anonymous visitor to the sign-in page (nothing stored); signed
// in as a coordinator, the same form stores the initiative (the session's
// CSRF token goes with it) and the audit log has its one entry.
func TestBrowserTrackerAccounts(t *testing.T) {
	ctx := newBrowser(t)
	e := trackerAcctEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	page := srv.URL + "/ar/strategies/gcc-egov"
	step(t, ctx, "anonymous: open the strategy", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#initiative-form")),
		chromedp.SendKeys(chromedp.CSS(`#initiative-form input[name="name"]`), "Connectivity"),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Click(chromedp.CSS(`#initiative-form button`)))
	acctWaitPage(t, ctx, `document.getElementById("email") !== null`)
	if u := eval[string](t, ctx, `location.pathname + location.search`); u != "/ar/login?next=%2Far%2Fstrategies%2Fgcc-egov" {
		t.Errorf("anonymous form went to %q, want the sign-in page", u)
	}
	if n := len(e.trackerAuditLog(t)); n != 0 {
		t.Fatalf("%d audit entries after an anonymous write", n)
	}
	step(t, ctx, "sign in as the coordinator",
		chromedp.SetValue(chromedp.CSS("#email"), "coordinator@example.org"),
		chromedp.SetValue(chromedp.CSS("#password"), testPW),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Click(chromedp.CSS("#login")))
	acctWaitPage(t, ctx, `document.getElementById("initiative-form") !== null`)
	step(t, ctx, "add an initiative",
		chromedp.SendKeys(chromedp.CSS(`#initiative-form input[name="name"]`), "Connectivity"),
		chromedp.SendKeys(chromedp.CSS(`#initiative-form input[name="name_ar"]`), "الاتصال"),
		chromedp.Click(chromedp.CSS(`#initiative-form button`)))
	waitFor(t, ctx, `Array.from(document.querySelectorAll("article.initiative h3")).some(h => h.textContent === "الاتصال")`)
	es := e.trackerAuditLog(t)
	if len(es) != 1 || es[0].User != "coordinator@example.org" || es[0].Action != egdi.AuditInitiativeAdd || es[0].Item != "gcc-egov/Connectivity" {
		t.Errorf("audit %+v, want one initiative entry by the coordinator", es)
	}
}
