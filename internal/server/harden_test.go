package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
)

// post sends a POST as a client at addr would (RemoteAddr), with JSON.
func post(h http.Handler, target, body, addr string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func countJobs(t *testing.T, st egdi.JobStore, status egdi.JobStatus) int {
	t.Helper()
	js, err := st.Jobs(t.Context(), "", status, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(js)
}

// TestJobFlood (finding 1): a flood of distinct requests from many
// clients and from one never queues more than the limits, is answered 429
// with Retry-After beyond them, and leaves at most MaxKept jobs in the
// store, whose file stays small.
func TestJobFlood(t *testing.T) {
	lim := egdi.JobLimits{MaxActive: 6, MaxPerClient: 3, MaxKept: 40}
	s, st := newJobServer(t, func(d *Deps) { d.JobLimits = lim })
	h := s.handler()
	size0 := storeSize(t, st.Path())
	const n = 400
	accepted, refused := 0, 0
	for i := range n {
		body := `{"replications":100,"seed":` + strconv.Itoa(i) + `}`
		addr := "10.0.0." + strconv.Itoa(i%50) + ":1234"
		if i%3 == 0 {
			addr = "10.9.9.9:1234" // one client sends a third of them
		}
		rec := post(h, "/api/v1/uncertainty", body, addr)
		switch rec.Code {
		case http.StatusAccepted:
			accepted++
		case http.StatusTooManyRequests:
			refused++
			if rec.Header().Get("Retry-After") == "" || errorOf(t, rec).Error.Code != egdi.ETOOMANY {
				t.Fatalf("429 without Retry-After or code %s: %v %s", egdi.ETOOMANY, rec.Header(), rec.Body)
			}
		default:
			t.Fatalf("request %d: %d %s", i, rec.Code, rec.Body)
		}
		all, err := st.Jobs(t.Context(), "", "", 0) // one read: one moment
		if err != nil {
			t.Fatal(err)
		}
		active := 0
		for _, j := range all {
			if !j.Status.Finished() {
				active++
			}
		}
		if active > lim.MaxActive {
			t.Fatalf("after request %d: %d jobs queued or running, the bound is %d", i, active, lim.MaxActive)
		}
		if len(all) > lim.MaxKept {
			t.Fatalf("after request %d: %d jobs kept, the bound is %d", i, len(all), lim.MaxKept)
		}
	}
	if accepted == 0 || refused == 0 {
		t.Fatalf("%d accepted, %d refused: the flood should see both", accepted, refused)
	}
	grown := storeSize(t, st.Path()) - size0
	if grown > 8<<20 {
		t.Errorf("the store grew by %d MB during the flood", grown>>20)
	}
	t.Logf("%d accepted, %d refused (429); the store grew by %d KB", accepted, refused, grown>>10)
}

// storeSize is the size of a SQLite store: its file and its write-ahead log.
func storeSize(t *testing.T, path string) int64 {
	t.Helper()
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// TestJobIDs (finding 3): ids are 128 random bits, distinct, and only
// their exact spelling finds the job: the sequential ids of old and their
// other spellings are 404 for GET and DELETE.
func TestJobIDs(t *testing.T) {
	s, _ := newJobServer(t, func(d *Deps) { d.JobPoll = time.Hour }) // nothing runs: ids only
	h := s.handler()
	seen := map[string]bool{}
	var first string
	for i := range 5 {
		rec := post(h, "/api/v1/uncertainty", `{"replications":100,"seed":`+strconv.Itoa(i)+`}`, "10.0.0."+strconv.Itoa(i)+":1")
		var j jobResponse
		mustJSON(t, rec.Body.Bytes(), &j)
		if _, err := egdi.ParseJobID(j.ID); err != nil || seen[j.ID] {
			t.Fatalf("job id %q: %v (seen before: %v)", j.ID, err, seen[j.ID])
		}
		seen[j.ID] = true
		if first == "" {
			first = j.ID
		}
	}
	if rec := do(h, "GET", "/api/v1/uncertainty/"+first, ""); rec.Code != 200 {
		t.Fatalf("GET own job: %d", rec.Code)
	}
	for _, id := range []string{"1", "01", "+1", "2", strings.ToUpper(first), first + "0", "%20" + first, url.PathEscape(first + " "), "0x" + first[2:]} {
		for _, m := range []string{"GET", "DELETE"} {
			if rec := do(h, m, "/api/v1/uncertainty/"+id, ""); rec.Code != 404 {
				t.Errorf("%s %q: %d, want 404", m, id, rec.Code)
			}
		}
	}
}

// TestJobReuse (finding 1): identical requests share a job; another
// client gets its own until the result is done, then shares it.
func TestJobReuse(t *testing.T) {
	s, st := newJobServer(t, nil)
	h := s.handler()
	body := `{"edition":2024,"group":"gcc","replications":200,"seed":5}`
	var a, b, c jobResponse
	mustJSON(t, post(h, "/api/v1/uncertainty", body, "10.0.0.1:1").Body.Bytes(), &a)
	mustJSON(t, post(h, "/api/v1/uncertainty", `{"seed":5,"replications":200,"group":"GCC","edition":2024}`, "10.0.0.1:2").Body.Bytes(), &b)
	if a.ID == "" || a.ID != b.ID {
		t.Fatalf("identical requests: jobs %q and %q", a.ID, b.ID)
	}
	waitJob(t, h, a.URL, JobDone)
	mustJSON(t, post(h, "/api/v1/uncertainty", body, "10.0.0.2:1").Body.Bytes(), &c)
	if c.ID != a.ID || c.Status != JobDone {
		t.Fatalf("another client after the result: job %q %s, want %q done", c.ID, c.Status, a.ID)
	}
	if n := countJobs(t, st, ""); n != 1 {
		t.Fatalf("%d jobs stored for identical requests", n)
	}
}

func waitJob(t *testing.T, h http.Handler, url, want string) jobResponse {
	t.Helper()
	var j jobResponse
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		j = jobResponse{}
		mustJSON(t, do(h, "GET", url, "").Body.Bytes(), &j)
		if j.Status == want {
			return j
		}
		if j.Status != JobQueued && j.Status != JobRunning {
			break
		}
	}
	t.Fatalf("job %s: %s %+v, want %s", url, j.Status, j.Error, want)
	return j
}

// TestJobRecovery (finding 2): a job claimed by a process that stopped
// (its lease ran out) and a job it left queued are both run to the end by
// a live process, within lease + poll.
func TestJobRecovery(t *testing.T) {
	st := openJobStore(t)
	ctx := t.Context()
	params := []byte(`{"edition":2024,"group":"gcc","replications":200,"seed":1,"region":"","vary":""}`)
	dead, err := st.CreateJob(ctx, egdi.NewJob{Kind: jobKind, Params: params, Client: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimJob(ctx, jobKind, "a-process-that-died", 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	queued, err := st.CreateJob(ctx, egdi.NewJob{Kind: jobKind, Params: params, Client: "y"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s := newTestServer(t)
	s.deps.Jobs, s.deps.JobPoll, s.deps.JobLease = st, 50*time.Millisecond, 200*time.Millisecond
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Work(wctx) }()
	defer func() { cancel(); <-done }()
	h := s.handler()
	for _, id := range []string{dead.ID, queued.ID} {
		j := waitJob(t, h, "/api/v1/uncertainty/"+id, JobDone)
		if len(j.Result) == 0 {
			t.Fatalf("job %s done without a result", id)
		}
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("recovery took %s", d)
	}
	j, err := st.Job(ctx, dead.ID)
	if err != nil || j.Attempts != 2 {
		t.Fatalf("recovered job: %+v %v; want 2 attempts", j, err)
	}
}

// TestJobClientGone (finding 2): a request whose client went away before
// the 202 leaves no job behind.
func TestJobClientGone(t *testing.T) {
	s, st := newJobServer(t, nil)
	h := s.handler()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "POST", "/api/v1/uncertainty", strings.NewReader(`{"replications":100}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code == http.StatusAccepted {
		t.Fatalf("202 to a client that went away")
	}
	if n := countJobs(t, st, ""); n != 0 {
		t.Fatalf("%d jobs stored for a client that went away", n)
	}
}

// TestCrossSite (finding 1): requests that change state from another
// site, without a JSON type, or by GET start no job; the page's own form,
// POSTed from the same origin, does.
func TestCrossSite(t *testing.T) {
	s, st := newJobServer(t, func(d *Deps) { d.JobPoll = time.Hour })
	h := s.handler()
	body := `{"replications":100}`
	for _, tc := range []struct {
		name, method, target, body, ctype string
		hdr                               []string
		status                            int
	}{
		{"FetchCrossSite", "POST", "/api/v1/uncertainty", body, "application/json", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"FetchSameSiteOtherPort", "POST", "/api/v1/uncertainty", body, "application/json", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"OldBrowserOtherOrigin", "POST", "/api/v1/uncertainty", body, "application/json", []string{"Origin", "http://evil.example"}, 403},
		{"NullOrigin", "POST", "/api/v1/uncertainty", body, "application/json", []string{"Origin", "null"}, 403},
		{"FormCrossSite", "POST", "/en/uncertainty", "edition=2024", "application/x-www-form-urlencoded", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"NoContentType", "POST", "/api/v1/uncertainty", body, "", nil, 400},
		{"TextPlain", "POST", "/api/v1/uncertainty", body, "text/plain", nil, 400},
		{"FormToAPI", "POST", "/api/v1/uncertainty", "replications=100", "application/x-www-form-urlencoded", nil, 400},
		{"GetRun", "GET", "/en/uncertainty?run=1&edition=2024", "", "", nil, 200},
		{"CancelCrossSite", "DELETE", "/api/v1/uncertainty/0123456789abcdef0123456789abcdef", "", "", []string{"Sec-Fetch-Site", "cross-site"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				req.Header.Set(tc.hdr[i], tc.hdr[i+1])
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("%d, want %d: %.300s", rec.Code, tc.status, rec.Body)
			}
			if strings.HasPrefix(tc.target, "/api/") {
				errorOf(t, rec)
			}
			if n := countJobs(t, st, ""); n != 0 {
				t.Fatalf("%d jobs started", n)
			}
		})
	}
	// The page's own form: same origin, 303 to the job's page.
	req := httptest.NewRequest("POST", "/en/uncertainty", strings.NewReader("edition=2024&group=gcc&region="))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", "http://example.com")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "job=") {
		t.Fatalf("same-origin form: %d %v", rec.Code, rec.Header())
	}
	if n := countJobs(t, st, ""); n != 1 {
		t.Fatalf("same-origin form: %d jobs, want 1", n)
	}
}

// TestHosts (finding 1, DNS rebinding): only IP addresses, localhost and
// the configured names are served; any other Host is 421.
func TestHosts(t *testing.T) {
	h := newTestServer(t).handler() // Hosts: example.com
	for _, tc := range []struct {
		host   string
		status int
	}{
		{"127.0.0.1:8080", 200},
		{"[::1]:8080", 200},
		{"192.168.1.5", 200},
		{"localhost:8080", 200},
		{"LOCALHOST", 200},
		{"app.localhost:8080", 200},
		{"example.com", 200},
		{"Example.COM.:80", 200},
		{"rebind.attacker.example:8080", 421},
		{"127.0.0.1.attacker.example", 421},
		{"localhost.attacker.example", 421},
		{"", 421},
	} {
		t.Run(tc.host, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/healthz", nil)
			req.Host = tc.host
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("Host %q: %d, want %d", tc.host, rec.Code, tc.status)
			}
		})
	}
}

// TestStrictBodies (finding 7): duplicate keys, a null or non-object
// body and zero replications are refused, not taken as defaults; an empty
// query parameter on the API is refused, not taken as the default.
func TestStrictBodies(t *testing.T) {
	s, st := newJobServer(t, func(d *Deps) { d.JobPoll = time.Hour })
	h := s.handler()
	for _, tc := range []struct{ name, body, want string }{
		{"DuplicateKey", `{"replications":100000,"replications":100}`, "given twice"},
		{"DuplicateNested", `{"edition":2024,"x":{"a":1,"a":2}}`, "given twice"},
		{"Null", `null`, "JSON object"},
		{"Array", `[]`, "JSON object"},
		{"Number", `5`, "JSON object"},
		{"ZeroReplications", `{"replications":0}`, "replications must be from 100"},
		{"ZeroEdition", `{"edition":0}`, "Unknown edition 0"},
		{"Trailing", `{"replications":100} {}`, "more found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(h, "/api/v1/uncertainty", tc.body, "10.0.0.1:1")
			if rec.Code != 400 || !strings.Contains(errorOf(t, rec).Error.Message, tc.want) {
				t.Fatalf("%d %s; want 400 saying %q", rec.Code, rec.Body, tc.want)
			}
		})
	}
	if n := countJobs(t, st, ""); n != 0 {
		t.Fatalf("%d jobs from bad bodies", n)
	}
	rec := post(h, "/api/v1/whatif", `{"iso3":"BHR","iso3":"ARE","edition":2024}`, "10.0.0.1:1")
	if rec.Code != 400 {
		t.Errorf("whatif with a duplicate key: %d", rec.Code)
	}
	for _, target := range []string{"/api/v1/rankings?edition=", "/api/v1/rankings?by=", "/api/v1/rankings?top="} {
		if rec := do(h, "GET", target, ""); rec.Code != 400 || !strings.Contains(errorOf(t, rec).Error.Message, "is empty") {
			t.Errorf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
	}
}

// TestWebWording (finding 7): messages written with the CLI's flags read
// as field names on the web.
func TestWebWording(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"--rank 120 is not a rank of edition 2024 (1 to 193).", "rank 120 is not a rank of edition 2024 (1 to 193)."},
		{"Give exactly one target: --rank N, --group very_high, --class VH or --beat ISO3 (2 given).",
			"Give exactly one target: rank N, group very_high, class VH or beat ISO3 (2 given)."},
		{"--vary noise takes no value.", "vary noise takes no value."},
		{"A range 1--2 stays.", "A range 1--2 stays."},
	} {
		if got := webWording(tc.in); got != tc.want {
			t.Errorf("webWording(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzCheckJSONObject: what checkJSONObject accepts is one valid JSON
// object, and any object without repeated keys (as a map re-encodes it)
// is accepted.
func FuzzCheckJSONObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":1,"a":2}`, `{"a":{"b":[1,{"c":2,"c":3}]}}`, `null`, `[]`, `{"a":1} {}`, `{"a":`, `{"a":[{},{}],"b":{"a":1}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkJSONObject(data) == nil {
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil || m == nil {
				t.Fatalf("accepted %q, which is not one JSON object: %v", data, err)
			}
		}
		var m map[string]any
		if json.Unmarshal(data, &m) == nil && m != nil {
			again, err := json.Marshal(m)
			if err != nil {
				return
			}
			if err := checkJSONObject(again); err != nil {
				t.Fatalf("refused %q (from %q): %v", again, data, err)
			}
		}
	})
}
