package server

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

var assetHash = regexp.MustCompile(`\?v=[0-9a-f]{10}`)

func netListen(tb testing.TB) (net.Listener, error) {
	tb.Helper()
	return net.Listen("tcp", "127.0.0.1:0")
}

// FuzzServer sends arbitrary paths, query strings and bodies: no input
// may yield a 5xx, and every API error must be the JSON error body.
func FuzzServer(f *testing.F) {
	for _, seed := range []struct{ method, path, query, body string }{
		{"GET", "/api/v1/rankings", "edition=2024&by=osi&group=gcc&top=3", ""},
		{"GET", "/api/v1/rankings/download", "format=xlsx&region=Asia&lang=ar", ""},
		{"GET", "/api/v1/countries/BHR", "", ""},
		{"GET", "/api/v1/editions/2003", "leaders=200", ""},
		{"GET", "/api/v1/compare", "countries=BHR,,ARE&edition=2010", ""},
		{"GET", "/api/v1/explain", "iso3=SSD&edition=2012", ""},
		{"POST", "/api/v1/whatif", "", `{"iso3":"BHR","osi":0.5}`},
		{"POST", "/api/v1/target", "", `{"iso3":"SSD","edition":2014,"rank":1}`},
		{"POST", "/api/v1/uncertainty", "", `{"replications":100}`},
		{"GET", "/en/countries/bhr", "osi=0.3&target=1", ""},
		{"GET", "/ar/rankings", "subregion=Western%20Asia", ""},
		{"GET", "/en/compare", "c=BHR&c=SSD&edition=2003", ""},
		{"GET", "/ar/", "edition=2008&index=epi", ""},
		{"DELETE", "/api/v1/uncertainty/x", "", ""},
		{"GET", "/static/../../etc/passwd", "", ""},
		{"GET", "/en/countries/BHR", "target=19&vs=ARE", ""},
		{"GET", "/ar/countries/BHR", "target=x&vs=%D8%B9%D9%85%D8%A7%D9%86", ""},
		{"GET", "/ar/compare", "c=BHR&add=%D8%B9%D9%85%D8%A7%D9%86&focus=OMN", ""},
		{"GET", "/en/compare", "countries=BHR,ARE,SAU,QAT,KWT,OMN,EGY,JOR,MAR&add=zz", ""},
		{"GET", "/api/v1/explain", "iso3=BHR&vs=ARE&edition=2010", ""},
		{"GET", "/en/uncertainty", "focus=BHR&job=x", ""},
	} {
		f.Add(seed.method, seed.path, seed.query, seed.body)
	}
	s := newTestServer(f)
	s.deps.Jobs = openJobStore(f) // job ids are looked up; no job runs (no Work)
	h := s.handler()
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		switch method {
		case "GET", "POST", "DELETE", "HEAD":
		default:
			method = "GET"
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		if strings.Contains(path, "/uncertainty") && method == "POST" || strings.HasSuffix(path, "/uncertainty") && strings.Contains(query, "run") {
			// Starting jobs is tested elsewhere; here it would only pile up work.
			return
		}
		u := path
		if query != "" {
			u += "?" + query
		}
		req, err := http.NewRequest(method, "http://example.com/", strings.NewReader(body))
		if err != nil {
			return
		}
		req.URL.Path, req.URL.RawQuery = path, query
		req.RequestURI = u
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q ?%q body %q → %d: %s", method, path, query, body, rec.Code, rec.Body)
		}
		if strings.HasPrefix(path, "/api/") && rec.Code >= 400 && method != "HEAD" {
			var e errorBody
			if err := json.NewDecoder(bytes.NewReader(rec.Body.Bytes())).Decode(&e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s %q ?%q → %d without the JSON error body: %q", method, path, query, rec.Code, rec.Body)
			}
		}
	})
}
