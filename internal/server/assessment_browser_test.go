package server

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAssessmentArabic answers items on the Arabic assessment page,
// 390 px wide, in headless Chromium, and sees the OSI estimate and the rank
// move; then asks for a feature plan.
func TestBrowserAssessmentArabic(t *testing.T) {
	ctx := newBrowser(t)
	s := newTestServer(t)
	h := s.handler()
	answers := answersBody(t, 0.5)
	if rec := do(h, "POST", "/api/v1/assessments", `{"name":"bhr","questionnaire":"osi-2024","country":"BHR","answers":`+jsonOf(t, answers)+`}`); rec.Code != 201 {
		t.Fatal(rec.Body.String())
	}
	var unmet []string
	for _, a := range answers {
		if strings.HasPrefix(a.Item, "SP-") && a.Value == "no" && len(unmet) < 4 {
			unmet = append(unmet, a.Item)
		}
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	violations := securityLog(t, ctx)
	defer func() {
		for _, v := range violations() {
			t.Errorf("security log: %s", v)
		}
	}()
	step(t, ctx, "open the Arabic page at 390 px", chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/ar/assessments/bhr"), chromedp.WaitVisible(chromedp.CSS("#sa-osi")))
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("dir = %q, want rtl", dir)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 392 {
		t.Errorf("page is %d px wide at a 390 px viewport", w)
	}
	if !eval[bool](t, ctx, `document.body.innerText.includes("التقييم الذاتي") && document.body.innerText.includes("نعم")`) {
		t.Error("the page lacks its Arabic words")
	}
	before := eval[string](t, ctx, `document.getElementById("sa-osi").textContent`)
	rankBefore := eval[string](t, ctx, `document.getElementById("sa-rank").textContent`)
	screenshot(t, ctx, "assessment_ar_before")
	var acts []chromedp.Action[chromedp.Void]
	for _, item := range unmet {
		acts = append(acts, chromedp.SetValue(chromedp.CSS(`select[name="a.`+item+`"]`), "yes"),
			chromedp.SetValue(chromedp.CSS(`input[name="e.`+item+`"]`), "https://www.bahrain.bh/"+item))
	}
	acts = append(acts, chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Click(chromedp.CSS(`#m-SP button[type="submit"]`)))
	step(t, ctx, "answer four services items yes", acts...)
	waitNewPage(t, ctx, `document.getElementById("sa-osi") !== null`)
	after := eval[string](t, ctx, `document.getElementById("sa-osi").textContent`)
	rankAfter := eval[string](t, ctx, `document.getElementById("sa-rank").textContent`)
	b, _ := strconv.ParseFloat(before, 64)
	a, _ := strconv.ParseFloat(after, 64)
	rb, _ := strconv.Atoi(rankBefore)
	ra, _ := strconv.Atoi(rankAfter)
	if !(a > b) || ra > rb || ra < 1 {
		t.Errorf("OSI estimate %s → %s, rank %s → %s: want a higher estimate and no worse rank", before, after, rankBefore, rankAfter)
	}
	if v := eval[string](t, ctx, `document.querySelector('select[name="a.`+unmet[0]+`"]').value`); v != "yes" {
		t.Errorf("%s shows %q after saving, want yes", unmet[0], v)
	}
	screenshot(t, ctx, "assessment_ar_after")
	step(t, ctx, "ask for a plan", chromedp.SetValue(chromedp.CSS("#sa-target"), strconv.Itoa(max(1, ra-3))),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`), chromedp.Submit(chromedp.CSS("#sa-target")))
	waitNewPage(t, ctx, `document.querySelector("[data-plan]") !== null`)
	if n := eval[int](t, ctx, `document.querySelectorAll("[data-plan] li").length`); n == 0 {
		t.Error("the plan lists no items")
	}
	screenshot(t, ctx, "assessment_ar_plan")
}

// waitNewPage waits, through the navigation a form post starts, for a page
// without the old page's mark on which cond holds.
func waitNewPage(t *testing.T, ctx context.Context, cond string) {
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
