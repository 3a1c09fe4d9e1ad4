package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestUncertaintyControlsAPI: the controls of `egdi uncertainty` in the
// job params reach the result (quantiles in each row, the mean rank, the
// Sobol table with intervals, the weight sets as the only weights), the
// answers match the OpenAPI document, and every bad value is a 400 with
// the field named.
func TestUncertaintyControlsAPI(t *testing.T) {
	s, _ := newJobServer(t, nil)
	h := s.handler()
	sp := loadSpec(t)
	body := `{"edition":2022,"group":"gcc","replications":500,"seed":3,"normalisation":"zscore=0.5,rank=0.5",
		"weight_sets":[[0.2,0.3,0.5],[0.4,0.3,0.3]],"quantiles":[0.25,0.75],"sobol_base":64,"sobol_countries":["bhr"]}`
	req := httptest.NewRequest("POST", "/api/v1/uncertainty", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST status = %d, want 202: %s", rec.Code, rec.Body)
	}
	sp.check(t, req, []byte(body), rec)
	var j jobResponse
	mustJSON(t, rec.Body.Bytes(), &j)
	deadline := time.Now().Add(30 * time.Second)
	for j.Status != JobDone {
		if time.Now().After(deadline) || j.Status == JobFailed || j.Status == JobCanceled {
			t.Fatalf("job did not finish: %+v", j.Job)
		}
		time.Sleep(20 * time.Millisecond)
		req = httptest.NewRequest("GET", j.URL, nil)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		j = jobResponse{}
		mustJSON(t, rec.Body.Bytes(), &j)
	}
	sp.check(t, req, nil, rec)
	var res uncertaintyResult
	mustJSON(t, j.Result, &res)
	if len(res.Quantiles) != 2 || len(res.Vary.WeightSets) != 2 || len(res.Vary.NormalisationP) != 3 || res.Vary.NormalisationP[1] != 0 {
		t.Errorf("quantiles %v, vary %+v", res.Quantiles, res.Vary)
	}
	for _, r := range res.Rows {
		if len(r.RankQuantiles) != 2 || r.RankQuantiles[0] > r.RankQuantiles[1] || r.RankMean < 1 {
			t.Errorf("%s: quantiles %v, mean %v", r.ISO3, r.RankQuantiles, r.RankMean)
		}
	}
	sn := res.Sensitivity
	if sn == nil || sn.Rows != 64 || len(sn.Countries) != 1 || sn.Countries[0].ISO3 != "BHR" || sn.Bootstrap == 0 {
		t.Fatalf("sensitivity %+v", sn)
	}
	for _, x := range sn.MeanAbsRankShift {
		if !(x.FirstCI[0] <= x.FirstCI[1] && x.TotalCI[0] <= x.TotalCI[1]) {
			t.Errorf("%s: intervals %v %v", x.Factor, x.FirstCI, x.TotalCI)
		}
	}

	for _, tc := range []struct{ name, body, msg string }{
		{"Normalisation", `{"normalisation":"zscore,foo"}`, `Unknown normalisation \"foo\"`},
		{"NormalisationSum", `{"normalisation":"zscore=0.9,rank=0.9"}`, "sum to 1.8"},
		{"Weights", `{"weights":"band=0.9"}`, "Bad weights band=0.9"},
		{"WeightsBoth", `{"weights":"noise=0.2","weight_sets":[[1,0,0]]}`, "not both"},
		{"WeightSet", `{"weight_sets":[[0.5,0.5,0.5]]}`, "weight_sets[0]"},
		{"WeightSetNegative", `{"weight_sets":[[-0.5,0.5,1]]}`, "weight_sets[0]"},
		{"Quantile", `{"quantiles":[0.5,1]}`, "quantiles[1]"},
		{"SobolBase", `{"sobol_base":100000}`, "sobol_base must be"},
		{"SobolCountriesAlone", `{"sobol_countries":["BHR"]}`, "needs sobol_base"},
		{"SobolCountry", `{"sobol_base":10,"sobol_countries":["XXX"]}`, "sobol_countries[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, "POST", "/api/v1/uncertainty", tc.body)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.msg) {
				t.Errorf("status %d, body %s; want 400 with %q", rec.Code, rec.Body, tc.msg)
			}
		})
	}
}

// TestUncertaintyPageControls: the page's form sends the normalisations
// ticked and the weight model into the job; the result page names them
// and shows the mean rank (English and Arabic); a form with no
// normalisation ticked or an unknown model is refused (400).
func TestUncertaintyPageControls(t *testing.T) {
	s, st := newJobServer(t, nil)
	h := s.handler()
	post := func(form string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/en/uncertainty", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, tc := range []struct{ name, form string }{
		{"NoNormalisation", "edition=2022&group=gcc&norms_sent=1&weights=band"},
		{"UnknownModel", "edition=2022&group=gcc&norms_sent=1&norm=rank&weights=dirichlet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rec := post(tc.form); rec.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", rec.Code)
			}
		})
	}
	if n := countJobs(t, st, ""); n != 0 {
		t.Fatalf("%d jobs started by refused forms", n)
	}
	rec := post("edition=2022&group=gcc&norms_sent=1&norm=zscore&norm=rank&weights=noise")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("form: %d %s", rec.Code, rec.Body)
	}
	loc := rec.Header().Get("Location")
	id := loc[strings.Index(loc, "job=")+4:]
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec = do(h, "GET", "/api/v1/uncertainty/"+id, "")
		var j jobResponse
		mustJSON(t, rec.Body.Bytes(), &j)
		if j.Status == JobDone {
			var req uncertaintyRequest
			mustJSON(t, j.Params, &req)
			if req.Normalisation != "zscore,rank" || req.Weights != "noise=0.25" {
				t.Errorf("params %s", j.Params)
			}
			break
		}
		if time.Now().After(deadline) || j.Status == JobFailed || j.Status == JobCanceled {
			t.Fatalf("job did not finish: %+v", j.Job)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, tc := range []struct{ lang, want string }{
		{"en", "Mean rank"}, {"en", "weights ±25% of the published ones"}, {"en", "z-scores (the UN&#39;s) 50%"},
		{"ar", "متوسط الترتيب"}, {"ar", "الأوزان ±25% من المنشورة"},
	} {
		rec = do(h, "GET", "/"+tc.lang+"/uncertainty?edition=2022&group=gcc&job="+id, "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s page: %d, lacks %q", tc.lang, rec.Code, tc.want)
		}
	}
}
