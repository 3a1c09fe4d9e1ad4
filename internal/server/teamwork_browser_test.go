package server

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserTeamReviewArabic: a full two-reviewer review in Arabic, at
// 390 px, in headless Chromium. Reviewer A answers IF-010 "yes" with
// evidence and submits; reviewer B answers "no" and submits; the
// coordinator sees the disagreement with both answers, decides "yes"
// with a reason; the estimate on the assessment's page moves and the
// audit trail shows the decision.
func TestBrowserTeamReviewArabic(t *testing.T) {
	ctx := newBrowser(t)
	e := newTeamEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	base := srv.URL
	login := func(email string) {
		t.Helper()
		step(t, ctx, "sign in as "+email, chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+"/ar/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SetValue(chromedp.CSS("#email"), email), chromedp.SetValue(chromedp.CSS("#password"), testPW),
			chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`), chromedp.Click(chromedp.CSS("#login")))
		acctWaitPage(t, ctx, `document.getElementById("me") !== null`)
	}
	logout := func() {
		t.Helper()
		step(t, ctx, "sign out", chromedp.Navigate(base+"/ar/account"), chromedp.WaitVisible(chromedp.CSS("#logout")),
			chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`), chromedp.Click(chromedp.CSS("#logout")))
		acctWaitPage(t, ctx, `document.getElementById("login-form") !== null`)
	}
	review := func(email, value, evidence string) {
		t.Helper()
		login(email)
		step(t, ctx, "review page", chromedp.Navigate(base+"/ar/assessments/bhr/review"), chromedp.WaitVisible(chromedp.CSS("#item-IF-010")))
		if !eval[bool](t, ctx, `document.documentElement.dir === "rtl" && document.body.innerText.includes("مراجعتك")`) {
			t.Error("the review page is not in Arabic")
		}
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 392 {
			t.Errorf("review page is %d px wide at 390 px", w)
		}
		if strings.Contains(eval[string](t, ctx, `document.body.innerText`), "reviewer_") {
			t.Error("the review page names another reviewer")
		}
		step(t, ctx, "answer IF-010", setJS(`#item-IF-010 select`, value), setJS(`#item-IF-010 input[name="evidence"]`, evidence),
			chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`), chromedp.Click(chromedp.CSS(`#item-IF-010 button`)))
		acctWaitPage(t, ctx, `document.getElementById("team-msg") !== null`)
		if got := eval[string](t, ctx, `document.querySelector("#item-IF-010 select").value`); got != value {
			t.Errorf("%s: IF-010 shows %q after saving", email, got)
		}
		step(t, ctx, "submit", chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`), chromedp.Click(chromedp.CSS(`#submit-review button`)))
		acctWaitPage(t, ctx, `document.getElementById("submitted") !== null`)
		logout()
	}
	review("reviewer_a@example.org", "yes", "https://www.bahrain.bh/org-chart")
	review("reviewer_b@example.org", "no", "")

	login("coordinator@example.org")
	estimate := func() float64 {
		t.Helper()
		step(t, ctx, "estimate", chromedp.Navigate(base+"/ar/assessments/bhr"), chromedp.WaitVisible(chromedp.CSS("#sa-osi")))
		v, err := strconv.ParseFloat(strings.TrimSpace(eval[string](t, ctx, `document.getElementById("sa-osi").textContent`)), 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := estimate()
	step(t, ctx, "reconciliation page", chromedp.Navigate(base+"/ar/assessments/bhr/reconcile"), chromedp.WaitVisible(chromedp.CSS("#d-IF-010")))
	row := eval[string](t, ctx, `document.getElementById("d-IF-010").innerText`)
	if !strings.Contains(row, "نعم") || !strings.Contains(row, "لا") || !strings.Contains(row, "reviewer_a@example.org") || !strings.Contains(row, "org-chart") {
		t.Errorf("the disagreement row lacks both answers: %q", row)
	}
	if !eval[bool](t, ctx, `document.body.innerText.includes("مواضع الاختلاف")`) {
		t.Error("the reconciliation page is not in Arabic")
	}
	step(t, ctx, "decide", setJS(`#d-IF-010 select`, "yes"), setJS(`#d-IF-010 input[name="reason"]`, "الهيكل التنظيمي منشور على البوابة"),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`), chromedp.Click(chromedp.CSS(`#d-IF-010 button`)))
	acctWaitPage(t, ctx, `document.getElementById("team-msg") !== null`)
	after := estimate()
	if !(after > before) {
		t.Errorf("the OSI estimate %v → %v: want it higher after the decision", before, after)
	}
	step(t, ctx, "audit trail", chromedp.Navigate(base+"/ar/assessments/bhr/audit"), chromedp.WaitVisible(chromedp.CSS("#audit")))
	audit := eval[string](t, ctx, `document.getElementById("audit").innerText`)
	for _, want := range []string{"reconcile", "الهيكل التنظيمي منشور على البوابة", "coordinator@example.org", "review.submit", "reviewer_b@example.org"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit trail lacks %q", want)
		}
	}
	screenshot(t, ctx, "team_audit_ar")
}

// setJS sets a form control's value by script.
func setJS(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector(` + strconv.Quote(sel) + `).value = ` + strconv.Quote(v))
}
