package server

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/questionnaire"
)

// answersBody answers the first share of each module of osi-2024 as met
// and the rest as unmet, as a JSON answers list.
func answersBody(t *testing.T, share float64) []egdi.Answer {
	t.Helper()
	set, err := questionnaire.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	q, _ := set.Get("osi-2024")
	var out []egdi.Answer
	for _, m := range q.Modules {
		for k, it := range m.Items {
			v := it.Unmet()
			if float64(k) < share*float64(len(m.Items)) {
				v = it.Met()
			}
			out = append(out, egdi.Answer{Item: it.Code, Value: v})
		}
	}
	return out
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAssessmentAPI: create, answer (bad answers are 400 naming the item,
// store unchanged), score, plan, delete — every exchange checked against
// the OpenAPI document.
func TestAssessmentAPI(t *testing.T) {
	s := newTestServer(t)
	h := s.handler()
	sp := loadSpec(t)
	call := func(method, target, body string, status int) *httptest.ResponseRecorder {
		t.Helper()
		rec := do(h, method, target, body)
		if rec.Code != status {
			t.Fatalf("%s %s: status %d, want %d: %s", method, target, rec.Code, status, rec.Body.String())
		}
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		var b []byte
		if body != "" {
			b = []byte(body)
		}
		sp.check(t, req, b, rec)
		return rec
	}
	call("GET", "/api/v1/questionnaires?lang=ar", "", 200)
	rec := call("GET", "/api/v1/questionnaires/osi-2024?lang=ar", "", 200)
	var qj questionnaireJSON
	mustJSON(t, rec.Body.Bytes(), &qj)
	if len(qj.Modules) != 5 || !strings.ContainsFunc(qj.Modules[0].Items[0].Text, isArabic) {
		t.Errorf("questionnaire in Arabic: %+v", qj.Modules[0])
	}
	call("GET", "/api/v1/questionnaires/nope", "", 404)
	call("POST", "/api/v1/assessments", `{"name":"bhr","questionnaire":"osi-2024","country":"BHR","answers":`+jsonOf(t, answersBody(t, 0.6))+`}`, 201)
	call("POST", "/api/v1/assessments", `{"name":"bhr","questionnaire":"osi-2024","country":"BHR"}`, 409)
	call("POST", "/api/v1/assessments", `{"name":"x","questionnaire":"osi-2024","country":"ZZZ"}`, 404)
	call("POST", "/api/v1/assessments", `{"name":"x","questionnaire":"nope","country":"BHR"}`, 400)
	before := call("GET", "/api/v1/assessments/bhr", "", 200).Body.String()
	for _, tc := range []struct{ name, body, item string }{
		{"UnknownItem", `{"answers":[{"item":"IF-010","value":"yes"},{"item":"ZZ-1","value":"yes"}]}`, "ZZ-1"},
		{"ValueNotAllowed", `{"answers":[{"item":"IF-010","value":"yes"},{"item":"SP-095a","value":"maybe"}]}`, "SP-095a"},
		{"URLNotHTTP", `{"answers":[{"item":"IF-011","value":"yes","evidence":"javascript:alert(1)"}]}`, "IF-011"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := call("POST", "/api/v1/assessments/bhr/answers", tc.body, 400)
			if e := errorOf(t, rec); e.Error.Code != egdi.EINVALID || !strings.Contains(e.Error.Message, tc.item) {
				t.Errorf("error %+v does not name %s", e, tc.item)
			}
			if after := do(h, "GET", "/api/v1/assessments/bhr", "").Body.String(); after != before {
				t.Error("the store changed")
			}
		})
	}
	var s1, s2 egdi.SelfScore
	mustJSON(t, call("GET", "/api/v1/assessments/bhr/score", "", 200).Body.Bytes(), &s1)
	// Raise one unmet item: the estimate does not fall, and moves up.
	var unmet string
	for _, a := range answersBody(t, 0.6) {
		if a.Value == "no" {
			unmet = a.Item
			break
		}
	}
	call("POST", "/api/v1/assessments/bhr/answers", `{"answers":[{"item":"`+unmet+`","value":"yes","evidence":"https://www.bahrain.bh/x","note":"ملاحظة"}]}`, 200)
	mustJSON(t, call("GET", "/api/v1/assessments/bhr/score", "", 200).Body.Bytes(), &s2)
	if !(s2.OSI.Estimate > s1.OSI.Estimate) || s2.Rank > s1.Rank {
		t.Errorf("answering %s yes: OSI %g → %g, rank %d → %d", unmet, s1.OSI.Estimate, s2.OSI.Estimate, s1.Rank, s2.Rank)
	}
	call("GET", "/api/v1/assessments/bhr/score?edition=1999", "", 400)
	var plan egdi.FeatureTargetResult
	mustJSON(t, call("POST", "/api/v1/assessments/bhr/target", `{"edition":2024,"rank":`+jsonOf(t, max(1, s2.Rank-5))+`}`, 200).Body.Bytes(), &plan)
	if !plan.Reachable || len(plan.Plans) == 0 || len(plan.Plans[0].Changes) == 0 || plan.Plans[0].Rank > s2.Rank-5 {
		t.Errorf("plan to rank %d: %+v", s2.Rank-5, plan)
	}
	call("POST", "/api/v1/assessments/bhr/target", `{"rank":1,"group":"high"}`, 400)
	// Reference assessments calibrate the estimate (OSI-QUESTIONNAIRE §2.4).
	call("POST", "/api/v1/assessments", `{"name":"kor","questionnaire":"osi-2024","country":"KOR","answers":`+jsonOf(t, answersBody(t, 0.95))+`}`, 201)
	call("POST", "/api/v1/assessments", `{"name":"tgo","questionnaire":"osi-2024","country":"TGO","answers":`+jsonOf(t, answersBody(t, 0.4))+`}`, 201)
	var s3 egdi.SelfScore
	mustJSON(t, call("GET", "/api/v1/assessments/bhr/score?reference=kor&reference=tgo", "", 200).Body.Bytes(), &s3)
	var fitted bool
	for _, g := range s3.BestGuesses {
		fitted = fitted || g.Name == "osi_calibration" && strings.Contains(g.EN, "fitted on 2 reference")
	}
	if !fitted || s3.OSI.High-s3.OSI.Low >= s2.OSI.High-s2.OSI.Low {
		t.Errorf("calibrated score: %+v (range %g–%g, uncalibrated %g–%g)", s3.BestGuesses, s3.OSI.Low, s3.OSI.High, s2.OSI.Low, s2.OSI.High)
	}
	call("GET", "/api/v1/assessments/bhr/score?reference=nope", "", 400)
	call("GET", "/api/v1/assessments", "", 200)
	// Evidence files: kept by the store, served as attachments.
	if _, err := s.assessments().SaveAnswers(t.Context(), "bhr", []egdi.Answer{{Item: "IF-014", Value: "yes",
		File: &egdi.EvidenceFile{Name: "privacy page.png", Data: []byte("\x89PNG")}}}); err != nil {
		t.Fatal(err)
	}
	rec = call("GET", "/api/v1/assessments/bhr/files/IF-014", "", 200)
	if rec.Body.String() != "\x89PNG" || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("file: %q %q", rec.Body.String(), rec.Header().Get("Content-Disposition"))
	}
	call("GET", "/api/v1/assessments/bhr/files/IF-010", "", 404)
	call("DELETE", "/api/v1/assessments/bhr", "", 204)
	call("GET", "/api/v1/assessments/bhr", "", 404)
}

// TestAssessmentPages: the list and the assessment page in both languages,
// a form post that stores answers (and one refused from another site).
func TestAssessmentPages(t *testing.T) {
	s := newTestServer(t)
	h := s.handler()
	if rec := do(h, "POST", "/api/v1/assessments", `{"name":"bhr","questionnaire":"osi-2024","country":"BHR"}`); rec.Code != 201 {
		t.Fatal(rec.Body.String())
	}
	for _, lang := range []string{"en", "ar"} {
		rec := do(h, "GET", "/"+lang+"/assessments", "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `data-name="bhr"`) {
			t.Errorf("/%s/assessments: %d", lang, rec.Code)
		}
		rec = do(h, "GET", "/"+lang+"/assessments/bhr?rank=30", "")
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, `id="sa-osi"`) || !strings.Contains(body, `name="a.SP-095a"`) || !strings.Contains(body, `data-plan=`) {
			t.Errorf("/%s/assessments/bhr: %d", lang, rec.Code)
		}
		if lang == "ar" && (!strings.Contains(body, "التقييم الذاتي") || !strings.Contains(body, `dir="rtl"`)) {
			t.Error("the Arabic page is not in Arabic")
		}
	}
	// A city (LOSI) assessment: its estimate, no feature plan (LOSI is not in the EGDI).
	if rec := do(h, "POST", "/api/v1/assessments", `{"name":"manama","questionnaire":"losi-2024","country":"BHR","city":"Manama"}`); rec.Code != 201 {
		t.Fatal(rec.Body.String())
	}
	if rec := do(h, "GET", "/ar/assessments/manama", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="sa-losi"`) || strings.Contains(rec.Body.String(), `id="sa-plan"`) {
		t.Errorf("/ar/assessments/manama: %d", rec.Code)
	}
	if rec := do(h, "POST", "/api/v1/assessments", `{"name":"nocity","questionnaire":"losi-2024","country":"BHR"}`); rec.Code != 400 {
		t.Errorf("LOSI without a city: %d", rec.Code)
	}
	form := url.Values{"module": {"SP"}, "a.SP-095a": {"yes"}, "e.SP-095a": {"https://www.bahrain.bh/s"}, "n.SP-095a": {"سهل"}}
	post := func(hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/ar/assessments/bhr", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := post("Sec-Fetch-Site", "cross-site"); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site form: %d, want 403", rec.Code)
	}
	if rec := post("Sec-Fetch-Site", "same-origin"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/ar/assessments/bhr#m-SP" {
		t.Errorf("form: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	var a egdi.Assessment
	mustJSON(t, do(h, "GET", "/api/v1/assessments/bhr", "").Body.Bytes(), &a)
	if x := a.Answer("SP-095a"); x == nil || x.Value != "yes" || x.Note != "سهل" {
		t.Errorf("stored %+v", x)
	}
	// A file uploaded with an answer is kept; one over 5 MiB is refused, naming the item.
	upload := func(item string, data []byte) *httptest.ResponseRecorder {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, err := range []error{mw.WriteField("module", "IF"), mw.WriteField("a."+item, "yes")} {
			if err != nil {
				t.Fatal(err)
			}
		}
		fw, err := mw.CreateFormFile("f."+item, "privacy.png")
		if err == nil {
			_, err = fw.Write(data)
		}
		if err == nil {
			err = mw.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", "/en/assessments/bhr", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := upload("IF-014", []byte("png bytes")); rec.Code != http.StatusSeeOther {
		t.Errorf("upload: %d %s", rec.Code, rec.Body.String())
	}
	if rec := do(h, "GET", "/api/v1/assessments/bhr/files/IF-014", ""); rec.Code != 200 || rec.Body.String() != "png bytes" {
		t.Errorf("uploaded file: %d %q", rec.Code, rec.Body.String())
	}
	if rec := upload("IF-015", make([]byte, egdi.MaxEvidenceFile+1)); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "IF-015") {
		t.Errorf("oversize upload: %d", rec.Code)
	}
	if x := func() *egdi.Answer {
		var a egdi.Assessment
		mustJSON(t, do(h, "GET", "/api/v1/assessments/bhr", "").Body.Bytes(), &a)
		return a.Answer("IF-015")
	}(); x != nil {
		t.Errorf("the refused upload stored %+v", x)
	}
	form.Set("e.SP-095a", "ftp://x")
	if rec := post(); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "SP-095a") {
		t.Errorf("bad URL by form: %d", rec.Code)
	}
}
