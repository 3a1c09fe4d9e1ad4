package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/auth"
)

// teamEnv is an acctEnv with an assessment "bhr" (coordinator, reviewers
// a and b, a viewer) and another, "kwt", whose only member is "other",
// and a token for each user.
type teamEnv struct {
	*acctEnv
	tokens map[string]string // by user name
}

func newTeamEnv(t *testing.T) *teamEnv {
	t.Helper()
	e := &teamEnv{acctEnv: newAcctEnv(t), tokens: map[string]string{}}
	for _, n := range []string{"reviewer_a", "reviewer_b", "other"} {
		u, err := e.st.CreateUser(t.Context(), &egdi.User{Email: n + "@example.org", Role: egdi.RoleReviewer, PasswordHash: e.users["admin"].PasswordHash}, egdi.ActorCLI, "")
		if err != nil {
			t.Fatal(err)
		}
		e.users[n] = u
	}
	for n, u := range e.users {
		sec := auth.Secret(auth.TokenPrefix)
		if _, err := e.st.CreateToken(t.Context(), &egdi.Token{UserID: u.ID, Hash: auth.HashSecret(sec)}, egdi.ActorCLI); err != nil {
			t.Fatal(err)
		}
		e.tokens[n] = sec
	}
	for _, c := range []struct{ who, body string }{
		{"coordinator", `{"name":"bhr","questionnaire":"osi-2024","country":"BHR"}`},
		{"admin", `{"name":"kwt","questionnaire":"osi-2024","country":"KWT"}`},
	} {
		if rec := e.api("POST", "/api/v1/assessments", c.who, c.body); rec.Code != 201 {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
	for _, m := range []struct{ a, who, email, role string }{
		{"bhr", "coordinator", "reviewer_a@example.org", "reviewer"},
		{"bhr", "coordinator", "reviewer_b@example.org", "reviewer"},
		{"bhr", "coordinator", "viewer@example.org", "viewer"},
		{"kwt", "admin", "other@example.org", "reviewer"},
	} {
		if rec := e.api("PUT", "/api/v1/assessments/"+m.a+"/members/"+m.email, m.who, `{"role":"`+m.role+`"}`); rec.Code != 200 {
			t.Fatalf("member %v: %d %s", m, rec.Code, rec.Body)
		}
	}
	return e
}

// api sends an API request as a user (by token; "" anonymous).
func (e *teamEnv) api(method, target, who, body string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Host = "127.0.0.1"
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		r.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	return rec
}

// TestTeamRouteMatrix: every assessment route × every kind of caller →
// the expected status. A user of another assessment gets 404 for bhr as
// for an assessment that does not exist; reviewers never read another
// reviewer's answers (the review route returns only the caller's own).
func TestTeamRouteMatrix(t *testing.T) {
	e := newTeamEnv(t)
	callers := []string{"", "viewer", "reviewer_a", "coordinator", "admin", "other"}
	ans := `{"value":"yes","evidence":"https://www.bahrain.bh/"}`
	matrix := []struct {
		method, path, body string
		want               [6]int // anonymous, viewer (member), reviewer, coordinator, admin, other assessment's user
	}{
		{"GET", "/api/v1/assessments", "", [6]int{401, 200, 200, 200, 200, 200}},
		{"POST", "/api/v1/assessments", `{"name":"x","questionnaire":"osi-2024","country":"BHR"}`, [6]int{401, 403, 403, 201, 409, 403}},
		{"GET", "/api/v1/assessments/bhr", "", [6]int{401, 200, 200, 200, 200, 404}},
		{"GET", "/api/v1/assessments/nope", "", [6]int{401, 404, 404, 404, 404, 404}},
		{"DELETE", "/api/v1/assessments/bhr", "", [6]int{401, 403, 403, 403, 403, 403}},
		{"POST", "/api/v1/assessments/bhr/answers", `[]`, [6]int{401, 403, 403, 403, 403, 403}},
		{"GET", "/api/v1/assessments/bhr/score", "", [6]int{401, 200, 200, 200, 200, 404}},
		{"POST", "/api/v1/assessments/bhr/target", `{"rank":1}`, [6]int{401, 0, 0, 0, 0, 404}},
		{"GET", "/api/v1/assessments/bhr/files/IF-010", "", [6]int{401, 404, 404, 404, 404, 404}},
		{"GET", "/api/v1/assessments/bhr/audit", "", [6]int{401, 403, 200, 200, 200, 404}},
		{"GET", "/api/v1/assessments/bhr/members", "", [6]int{401, 200, 200, 200, 200, 404}},
		{"PUT", "/api/v1/assessments/bhr/members/admin@example.org", `{"role":"viewer"}`, [6]int{401, 403, 403, 200, 200, 404}},
		{"DELETE", "/api/v1/assessments/bhr/members/admin@example.org", "", [6]int{401, 403, 403, 200, 404, 404}},
		{"GET", "/api/v1/assessments/bhr/review", "", [6]int{401, 403, 200, 403, 403, 404}},
		{"PUT", "/api/v1/assessments/bhr/review/IF-010", ans, [6]int{401, 403, 200, 403, 403, 404}},
		{"POST", "/api/v1/assessments/bhr/review/submit", "", [6]int{401, 403, 200, 403, 403, 404}},
		{"GET", "/api/v1/assessments/bhr/disagreements", "", [6]int{401, 403, 403, 409, 409, 404}},
		{"PUT", "/api/v1/assessments/bhr/reconcile/IF-010", `{"value":"yes","reason":"r"}`, [6]int{401, 403, 403, 200, 412, 404}},
	}
	listed := map[string]bool{}
	for _, m := range matrix {
		p := m.path
		for _, n := range []string{"bhr", "nope"} {
			p = strings.Replace(p, "/"+n, "/{name}", 1)
		}
		p = strings.Replace(strings.Replace(strings.Replace(p, "admin@example.org", "{email}", 1), "/IF-010", "/{item}", 1), "/files/{item}", "/files/{item}", 1)
		listed[m.method+" "+p] = true
	}
	for _, rt := range e.s.routes() {
		if strings.HasPrefix(rt.Pattern, "/api/v1/assessments") && !listed[rt.Method+" "+rt.Pattern] {
			t.Errorf("route %s %s is not in the matrix", rt.Method, rt.Pattern)
		}
	}
	sp := loadSpec(t)
	for _, m := range matrix {
		for i, who := range callers {
			if m.want[i] == 0 {
				continue // computed answer: 200 or 4xx by the questionnaire's data, not by rights
			}
			rec := e.api(m.method, m.path, who, m.body)
			if rec.Code != m.want[i] {
				t.Errorf("%s %s as %q: %d, want %d: %s", m.method, m.path, who, rec.Code, m.want[i], rec.Body)
			}
			if who == "other" && rec.Code == 404 && (strings.Contains(rec.Body.String(), "member") || !strings.Contains(rec.Body.String(), "No assessment named")) {
				t.Errorf("%s %s as %q: the 404 hints at membership: %s", m.method, m.path, who, rec.Body)
			}
			r := httptest.NewRequest(m.method, m.path, strings.NewReader(m.body))
			if m.body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			sp.check(t, r, []byte(m.body), rec)
		}
	}
	// The list shows only what the caller may see.
	var list []egdi.Assessment
	_ = json.Unmarshal(e.api("GET", "/api/v1/assessments", "other", "").Body.Bytes(), &list)
	if len(list) != 1 || list[0].Name != "kwt" {
		t.Errorf("other sees %v", list)
	}
	// A session (not a token) needs the CSRF token on the API too.
	cookie, csrf := e.login(t, "coordinator@example.org")
	for _, tc := range []struct {
		hdr  []string
		want int
	}{
		{[]string{"Cookie", cookie, "Sec-Fetch-Site", "same-origin"}, 403},
		{[]string{"Cookie", cookie, "Sec-Fetch-Site", "cross-site", csrfHeader, csrf}, 403},
		{[]string{"Cookie", cookie, "Sec-Fetch-Site", "same-origin", csrfHeader, csrf}, 200},
	} {
		rec := e.api("PUT", "/api/v1/assessments/bhr/members/other@example.org", "", `{"role":"viewer"}`, tc.hdr...)
		if rec.Code != tc.want {
			t.Errorf("PUT member with %v: %d, want %d", tc.hdr, rec.Code, tc.want)
		}
	}
}

// TestTeamReviewFlow runs a review through the API and checks that every
// write made exactly one entry of the assessment's audit trail with the
// right old and new values, that a reviewer never sees the other's
// answers, and that the reconciled answers are what scores.
func TestTeamReviewFlow(t *testing.T) {
	e := newTeamEnv(t)
	auditN := func() []map[string]string {
		var v struct{ Entries []map[string]string }
		rec := e.api("GET", "/api/v1/assessments/bhr/audit", "coordinator", "")
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("audit: %v %s", err, rec.Body)
		}
		return v.Entries
	}
	step := func(who, method, path, body string, want int, hdr []string, action, old, new string) *httptest.ResponseRecorder {
		t.Helper()
		before := auditN()
		rec := e.api(method, path, who, body, hdr...)
		if rec.Code != want {
			t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, who, rec.Code, want, rec.Body)
		}
		after := auditN()
		n := 0
		if action != "" {
			n = 1
		}
		if len(after) != len(before)+n {
			t.Fatalf("%s %s: %d entries, want %d", method, path, len(after)-len(before), n)
		}
		if n == 1 {
			x := after[len(after)-1]
			if x["action"] != action || x["old"] != old || x["new"] != new || x["user"] != who+"@example.org" {
				t.Errorf("%s %s: entry %v, want %s %q→%q by %s", method, path, x, action, old, new, who)
			}
		}
		return rec
	}
	const url = "https://www.bahrain.bh/"
	rec := step("reviewer_a", "PUT", "/api/v1/assessments/bhr/review/IF-010", `{"value":"yes","evidence":"`+url+`"}`, 200, nil, "review.answer", "", "yes "+url)
	if et := rec.Header().Get("ETag"); et != `"1"` {
		t.Errorf("ETag %q", et)
	}
	step("reviewer_a", "PUT", "/api/v1/assessments/bhr/review/IF-010", `{"value":"no"}`, 200, []string{"If-Match", `"1"`}, "review.answer", "yes "+url, "no")
	rec = step("reviewer_a", "PUT", "/api/v1/assessments/bhr/review/IF-010", `{"value":"yes"}`, 412, []string{"If-Match", `"1"`}, "", "", "")
	if !strings.Contains(rec.Body.String(), `"current"`) || !strings.Contains(rec.Body.String(), `"value": "no"`) && !strings.Contains(rec.Body.String(), `"value":"no"`) {
		t.Errorf("412 body lacks the current answer: %s", rec.Body)
	}
	step("reviewer_a", "PUT", "/api/v1/assessments/bhr/review/IF-010", `{"value":"maybe"}`, 400, []string{"If-Match", `"2"`}, "", "", "")
	step("reviewer_a", "PUT", "/api/v1/assessments/bhr/review/XX-99", `{"value":"yes"}`, 400, nil, "", "", "")
	step("reviewer_a", "PUT", "/api/v1/assessments/bhr/review/IF-011", `{"value":"yes"}`, 200, nil, "review.answer", "", "yes")
	step("reviewer_b", "PUT", "/api/v1/assessments/bhr/review/IF-010", `{"value":"yes"}`, 200, nil, "review.answer", "", "yes")
	step("reviewer_b", "PUT", "/api/v1/assessments/bhr/review/IF-011", `{"value":"yes"}`, 200, nil, "review.answer", "", "yes")
	// Blind: B sees only B's answers.
	rec = e.api("GET", "/api/v1/assessments/bhr/review", "reviewer_b", "")
	if strings.Contains(rec.Body.String(), "reviewer_a") || strings.Contains(rec.Body.String(), `"no"`) {
		t.Errorf("reviewer b sees a's answers: %s", rec.Body)
	}
	step("coordinator", "GET", "/api/v1/assessments/bhr/disagreements", "", 409, nil, "", "", "")
	step("reviewer_a", "POST", "/api/v1/assessments/bhr/review/submit", "", 200, nil, "review.submit", "draft", "submitted 2 answers")
	step("reviewer_a", "PUT", "/api/v1/assessments/bhr/review/IF-010", `{"value":"yes"}`, 409, []string{"If-Match", `"2"`}, "", "", "")
	step("reviewer_b", "POST", "/api/v1/assessments/bhr/review/submit", "", 200, nil, "review.submit", "draft", "submitted 2 answers")
	rec = step("coordinator", "GET", "/api/v1/assessments/bhr/disagreements", "", 200, nil, "", "", "")
	var ds struct{ Disagreements []egdi.Disagreement }
	_ = json.Unmarshal(rec.Body.Bytes(), &ds)
	if len(ds.Disagreements) != 1 || ds.Disagreements[0].Item != "IF-010" || ds.Disagreements[0].A.Value != "no" || ds.Disagreements[0].B.Value != "yes" {
		t.Fatalf("disagreements %s", rec.Body)
	}
	scoreOf := func() float64 {
		var v struct{ Raw float64 }
		rec := e.api("GET", "/api/v1/assessments/bhr/score", "viewer", "")
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("score: %v %s", err, rec.Body)
		}
		return v.Raw
	}
	s0 := scoreOf()
	step("coordinator", "PUT", "/api/v1/assessments/bhr/reconcile/IF-010", `{"value":"yes"}`, 400, nil, "", "", "")
	step("coordinator", "PUT", "/api/v1/assessments/bhr/reconcile/IF-010", `{"value":"yes","evidence":"`+url+`","reason":"the portal offers it"}`, 200, nil, "reconcile", "", "yes "+url)
	step("coordinator", "PUT", "/api/v1/assessments/bhr/reconcile/IF-011", `{"value":"yes","reason":"both agree"}`, 200, nil, "reconcile", "", "yes")
	a := e.api("GET", "/api/v1/assessments/bhr", "viewer", "")
	if !strings.Contains(a.Body.String(), `"IF-010"`) || !strings.Contains(a.Body.String(), "coordinator@example.org") {
		t.Errorf("the reconciled assessment: %s", a.Body)
	}
	if s1 := scoreOf(); !(s1 > s0) {
		t.Errorf("the score did not move with the reconciled answers: %v → %v", s0, s1)
	}
	x := auditN()
	if last := x[len(x)-2]; last["reason"] != "the portal offers it" {
		t.Errorf("reconcile entry %v", last)
	}
}

// TestTeamConcurrentHTTP: two clients PUT the same item 1,000 times each
// in parallel through the API with If-Match; each PUT is 200 or 412,
// none lost: the final ETag and the audit entries equal the 200s.
func TestTeamConcurrentHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 requests: not in -short")
	}
	e := newTeamEnv(t)
	const n = 1000
	var mu sync.Mutex
	ok, refused := 0, 0
	var wg sync.WaitGroup
	for c := range 2 {
		wg.Go(func() {
			etag := ""
			for i := range n {
				var hdr []string
				if etag != "" {
					hdr = []string{"If-Match", etag}
				}
				v := []string{"yes", "no"}[(i+c)%2]
				rec := e.api("PUT", "/api/v1/assessments/bhr/reconcile/IF-010", "coordinator", fmt.Sprintf(`{"value":%q,"reason":"c%d-%d"}`, v, c, i), hdr...)
				mu.Lock()
				switch rec.Code {
				case http.StatusOK:
					ok++
				case http.StatusPreconditionFailed, http.StatusConflict:
					refused++
				default:
					t.Errorf("PUT %d of client %d: %d %s", i, c, rec.Code, rec.Body)
				}
				mu.Unlock()
				etag = rec.Header().Get("ETag")
			}
		})
	}
	wg.Wait()
	rec := e.api("GET", "/api/v1/assessments/bhr", "coordinator", "")
	var a egdi.Assessment
	_ = json.Unmarshal(rec.Body.Bytes(), &a)
	es, _ := e.st.Audit(t.Context(), "bhr")
	recon := 0
	for _, x := range es {
		if x.Action == egdi.AuditReconcile {
			recon++
		}
	}
	t.Logf("%d applied, %d refused", ok, refused)
	if ok+refused != 2*n || a.Answer("IF-010") == nil || a.Answer("IF-010").Version != ok || recon != ok {
		t.Errorf("%d applied + %d refused of %d, final version %v, %d entries", ok, refused, 2*n, a.Answer("IF-010"), recon)
	}
}
