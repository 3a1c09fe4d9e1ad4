package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// acctSeen records the method, path and status of every request.
type acctSeen struct {
	mu   sync.Mutex
	reqs []string
}

func (s *acctSeen) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Method+" "+r.URL.Path+" "+strconv.Itoa(sw.status))
		s.mu.Unlock()
	})
}

func (s *acctSeen) posts() (out []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.reqs {
		if strings.HasPrefix(r, "POST ") {
			out = append(out, r)
		}
	}
	return out
}

// TestBrowserAccountCSRF: an admin signs in with the Arabic form (the
// session cookie is out of the page's reach: HttpOnly); then pages of
// another site (localhost) and of another origin of the same site
// (127.0.0.1 on another port, to which SameSite=Strict still sends the
// cookie) try to add an admin and to sign the admin out by form and by
// fetch. Every POST that reaches the server is refused and the store is
// unchanged; the admin's own page still works afterwards.
func TestBrowserAccountCSRF(t *testing.T) {
	ctx := newBrowser(t)
	e := newAcctEnv(t)
	var rec acctSeen
	srv := httptest.NewServer(rec.wrap(e.h))
	defer srv.Close()
	target := srv.URL
	step(t, ctx, "sign in with the Arabic form", chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(target+"/ar/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SetValue(chromedp.CSS("#email"), "admin@example.org"),
		chromedp.SetValue(chromedp.CSS("#password"), testPW),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Click(chromedp.CSS("#login")))
	acctWaitPage(t, ctx, `document.getElementById("me") !== null`)
	if got := eval[string](t, ctx, `document.getElementById("me").textContent`); got != "admin@example.org" {
		t.Fatalf("signed in as %q", got)
	}
	if !eval[bool](t, ctx, `document.body.innerText.includes("مسجّل الدخول باسم")`) {
		t.Error("the account page is not in Arabic")
	}
	if c := eval[string](t, ctx, `document.cookie`); strings.Contains(c, "egdi_session") {
		t.Errorf("the session cookie is readable by scripts: %q", c)
	}
	auditBefore, _ := e.st.Audit(t.Context(), "")
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, `<!doctype html><title>elsewhere</title>
<iframe name="a"></iframe><iframe name="b"></iframe>
<form id="add" method="post" action="%[1]s/en/users" target="a"><input name="op" value="add"><input name="email" value="evil-form@example.org"><input name="role" value="admin"></form>
<form id="out" method="post" action="%[1]s/en/logout" target="b"></form>
<script>
window.done = [];
document.getElementById("add").submit();
document.getElementById("out").submit();
fetch("%[1]s/en/users", {method: "POST", mode: "no-cors", credentials: "include", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "op=add&email=evil-fetch%%40example.org&role=admin"})
  .then(function () { done.push("no-cors"); }, function () { done.push("no-cors refused"); });
fetch("%[1]s/api/v1/users", {credentials: "include"})
  .then(function (r) { return r.text(); }).then(function (t) { done.push("read " + t); }, function () { done.push("read refused"); });
</script>`, target)
	}))
	defer evil.Close()
	for _, tc := range []struct{ name, url string }{
		{"OtherSite", strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)},
		{"SameSiteOtherPort", evil.URL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(rec.posts())
			step(t, ctx, "open the other page", chromedp.Navigate(tc.url+"/"),
				chromedp.Poll[chromedp.Void](`window.done && window.done.length === 2`, chromedp.WithPollingTimeout(15*time.Second)))
			if got := eval[string](t, ctx, `window.done.join(" | ")`); strings.Contains(got, "@example.org") {
				t.Errorf("the other page read the user list: %s", got)
			}
			for deadline := time.Now().Add(10 * time.Second); len(rec.posts()) < n+3 && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
			}
			got := rec.posts()[n:]
			if len(got) != 3 {
				t.Errorf("POSTs that reached the server: %q, want the two forms and the fetch", got)
			}
			for _, r := range got {
				if !strings.HasSuffix(r, " 403") && !strings.HasSuffix(r, " 401") {
					t.Errorf("%s: want 403 (or 401 where the browser sent no cookie)", r)
				}
			}
		})
	}
	after, _ := e.st.Audit(t.Context(), "")
	us, _ := e.st.Users(t.Context())
	if len(after) != len(auditBefore) || len(us) != 5 {
		t.Errorf("the other pages changed the store: %d audit entries, %d users", len(after)-len(auditBefore), len(us))
	}
	// The admin is still signed in and the site's own form works.
	step(t, ctx, "own users page", chromedp.Navigate(target+"/en/users"), chromedp.WaitVisible(chromedp.CSS("#add-user")),
		chromedp.SetValue(chromedp.CSS(`#add-user input[name="email"]`), "own@example.org"),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Click(chromedp.CSS(`#add-user button[type="submit"]`)))
	acctWaitPage(t, ctx, `document.getElementById("new-password") !== null`)
	if _, err := e.st.User(t.Context(), "own@example.org"); err != nil {
		t.Errorf("the site's own form: %v", err)
	}
}

// acctWaitPage waits, through the navigation a form post starts, for a
// page without the old page's mark on which cond holds.
func acctWaitPage(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !document.body.dataset.old && (`+cond+`)`))
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no new page where %s", cond)
}
