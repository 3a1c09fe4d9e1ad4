package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRankings measures one ranking request through the whole
// handler (middleware, cache, gzip), without the network.
func BenchmarkRankings(b *testing.B) { benchGet(b, "/api/v1/rankings?edition=2024") }

// benchGet measures one GET of target through the whole handler, as a
// browser asks it (gzip accepted); any status but 200 fails.
func benchGet(b *testing.B, target string) {
	h := newTestServer(b).handler()
	req := httptest.NewRequest("GET", target, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkRankingsLoopback measures GET /api/v1/rankings?edition=2024 over
// a real TCP listener on 127.0.0.1 with parallel keep-alive clients, the
// client's work (gzip decoding included) sharing the same cores. The
// target is ≥ 10,000 requests/s on 2 cores; the figure is reported as req/s.
func BenchmarkRankingsLoopback(b *testing.B) {
	b.Run("identity", func(b *testing.B) { benchLoopback(b, "identity") })
	b.Run("gzip", func(b *testing.B) { benchLoopback(b, "gzip") })
}

// benchLoopback runs the loopback benchmark with the given Accept-Encoding:
// identity is what wrk and most API clients send, gzip what browsers send
// (the Go client then also pays for decompression).
func benchLoopback(b *testing.B, encoding string) {
	srv := httptest.NewServer(newTestServer(b).handler())
	defer srv.Close()
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := srv.URL + "/api/v1/rankings?edition=2024"
	b.SetParallelism(8)
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Accept-Encoding", encoding)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	// CPU time (user + system, server and client together) per request:
	// on a shared machine wall-clock req/s depends on what else runs, this
	// does not. 2 cores / (CPU per request) is the rate 2 idle cores reach.
	if cpu := (cpuTime() - cpu0).Seconds() / float64(b.N); cpu > 0 {
		b.ReportMetric(cpu*1e6, "cpu-µs/req")
		b.ReportMetric(2/cpu, "req/s@2cores")
	}
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHomePage measures rendering the home page (map included).
func BenchmarkHomePage(b *testing.B) { benchGet(b, "/en/") }

var (
	refAttr = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	cssURL  = regexp.MustCompile(`url\(["']?(/static/[^)"']+)["']?\)`)
)

// TestHomePageWeight: the first load of the home page — the HTML and every
// asset it references (stylesheet, script, fonts the stylesheet loads), as
// served with gzip — stays within 500 KB.
func TestHomePageWeight(t *testing.T) {
	const limit = 500 << 10
	h := newTestServer(t).handler()
	for _, lang := range []string{"en", "ar"} {
		get := func(u string) (wire int, body string) {
			rec := do(h, "GET", u, "", "Accept-Encoding", "gzip")
			if rec.Code != 200 {
				t.Fatalf("GET %s: %d", u, rec.Code)
			}
			b := rec.Body.Bytes()
			wire = len(b)
			if rec.Header().Get("Content-Encoding") == "gzip" {
				b = gunzip(t, b)
			}
			return wire, string(b)
		}
		total, html := get("/" + lang + "/")
		seen := map[string]bool{}
		var queue []string
		for _, m := range refAttr.FindAllStringSubmatch(html, -1) {
			queue = append(queue, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			if seen[u] {
				continue
			}
			seen[u] = true
			n, body := get(u)
			total += n
			t.Logf("%s: %s %d bytes", lang, u, n)
			if strings.HasSuffix(strings.Split(u, "?")[0], ".css") {
				for _, m := range cssURL.FindAllStringSubmatch(body, -1) {
					queue = append(queue, m[1])
				}
			}
		}
		t.Logf("/%s/ first load: %d bytes transferred (%d assets)", lang, total, len(seen))
		if len(seen) < 2 {
			t.Errorf("found %d assets: the stylesheet and script should be referenced", len(seen))
		}
		if total > limit {
			t.Errorf("/%s/ first load is %d bytes, over %d", lang, total, limit)
		}
	}
}
