package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingURL = regexp.MustCompile(`serving on (?:every interface: )?(http://\S+/)`)

// TestServe starts `egdi serve` on a free loopback port with a fresh SQLite
// store, reads a page and the API, and stops it as SIGTERM does (the
// context ends): run returns nil after a graceful shutdown.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": dir, "HOME": dir}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"egdi", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(dir, "egdi.db")},
			func(k string) string { return env[k] }, &out, &errb)
	}()
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; {
		if m := servingURL.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, tt := range []struct {
		path, want string
		status     int
	}{
		{"healthz", `"status":"ok"`, 200},
		{"api/v1/rankings?edition=2024&top=1", `"iso3":"DNK"`, 200},
		{"api/v1/countries/ZZZ", `"not_found"`, 404},
		{"ar/countries/BHR", `dir="rtl"`, 200},
	} {
		resp, err := http.Get(base + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.want) {
			t.Errorf("GET /%s: %d %.200s; want %d with %s", tt.path, resp.StatusCode, b, tt.status, tt.want)
		}
	}
	if !strings.Contains(errb.String(), `"msg":"request"`) {
		t.Errorf("no JSON request log on stderr: %.300s", errb.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeBadInput: a bad flag is exit status 2, with a message.
func TestServeBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"bad address", []string{"serve", "--addr", "nowhere:99999"}},
		{"bad log level", []string{"serve", "--log-level", "loud"}},
		{"bad database", []string{"serve", "--db", "mysql://x"}},
		{"argument", []string{"serve", "extra"}},
		{"no jobs", []string{"serve", "--max-jobs", "0"}},
		{"no jobs per client", []string{"serve", "--max-jobs-per-client", "-1"}},
		{"short ttl", []string{"serve", "--job-ttl", "1s"}},
		{"host with port", []string{"serve", "--host", "egdi.example.org:8080"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := egdiRun(t, tt.args...)
			if code != exitInvalid || !strings.HasPrefix(stderr, "egdi: ") {
				t.Errorf("exit %d, stderr %q; want 2 and a message", code, stderr)
			}
		})
	}
}

// TestServeAccountsFromUsers: `egdi serve` turns accounts on when the
// store has users and leaves a store without users single-user: a tracker
// write without signing in is stored (201) on a fresh store and refused
// (401) once an admin exists, and the start-up message says which.
func TestServeAccountsFromUsers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		admin  bool
		status int
		says   string
	}{
		{"NoUsers", false, http.StatusCreated, "egdi: no accounts"},
		{"WithAdmin", true, http.StatusUnauthorized, "egdi: accounts on (1 user)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "egdi.db")
			if tc.admin {
				if _, stderr, code := egdiDB(t, db, "an admin password\n", "user", "add", "admin@example.org", "--role", "admin", "--password-stdin"); code != 0 {
					t.Fatalf("user add: exit %d: %s", code, stderr)
				}
			}
			env := map[string]string{"XDG_DATA_HOME": dir, "HOME": dir}
			ctx, cancel := context.WithCancel(context.Background())
			var out, errb syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"egdi", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + db},
					func(k string) string { return env[k] }, &out, &errb)
			}()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("serve returned %v after shutdown, want nil", err)
				}
			}()
			var base string
			for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
				if m := servingURL.FindStringSubmatch(out.String()); m != nil {
					base = m[1]
				} else if time.Now().After(deadline) {
					t.Fatalf("serve did not start: %q %s", out.String(), errb.String())
				}
			}
			for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), tc.says); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("start-up output %q lacks %q", out.String(), tc.says)
				}
			}
			resp, err := http.Post(base+"api/v1/strategies", "application/json", strings.NewReader(`{"name":"mine","scope":"BHR"}`))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("POST /api/v1/strategies without signing in: %d %.200s, want %d", resp.StatusCode, b, tc.status)
			}
		})
	}
}
