package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/postgres"
	"github.com/egdi-project/egdi/internal/server"
	"github.com/egdi-project/egdi/internal/sqlite"
)

// TestReplicasShareSessions: two server processes (here two servers, each
// with its own connection pool) on one database: a session started on
// one works on the other, and a logout on the other ends it on both.
func TestReplicasShareSessions(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv("EGDI_TEST_POSTGRES")
		if base == "" {
			t.Skip("EGDI_TEST_POSTGRES not set: PostgreSQL replica test skipped")
		}
		schema := fmt.Sprintf("egdi_acct_replicas_%d", os.Getpid())
		conn, err := pgx.Connect(t.Context(), base)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close(context.Background()) }()
		if _, err := conn.Exec(t.Context(), `CREATE SCHEMA `+schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = conn.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`) })
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		u := base + sep + "search_path=" + schema
		open := func() egdi.Store {
			st, err := postgres.Open(t.Context(), postgres.Config{URL: u, Builtin: builtin.MustDataset(), BuiltinVersion: builtin.Version})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st
		}
		a := open()
		addUser(t, map[string]string{"EGDI_DB": u})
		testReplicas(t, a, open())
	})
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "egdi.db")
		open := func() egdi.Store {
			st, err := sqlite.Open(t.Context(), sqlite.Config{Path: path, Builtin: builtin.MustDataset(), BuiltinVersion: builtin.Version})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st
		}
		a := open()
		addUser(t, map[string]string{"EGDI_DB": "sqlite:" + path})
		testReplicas(t, a, open())
	})
}

const replicaPW = "replica password 1"

func addUser(t *testing.T, env map[string]string) {
	t.Helper()
	r, w, _ := os.Pipe()
	_, _ = w.WriteString(replicaPW + "\n")
	_ = w.Close()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	if out := mustEgdi(t, env, "user", "add", "rev@example.org", "--role", "reviewer", "--password-stdin"); !strings.Contains(out, "Added") {
		t.Fatal(out)
	}
}

func testReplicas(t *testing.T, a, b egdi.Store) {
	serve := func(st egdi.Store) http.Handler {
		return server.NewServer(nil, server.Deps{Dataset: func(context.Context) (*egdi.Dataset, error) { return builtin.Dataset() },
			Accounts: st, Version: "test"})
	}
	ha, hb := serve(a), serve(b)
	do := func(h http.Handler, method, target, cookie string, form url.Values) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		if form != nil {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.Host = "127.0.0.1"
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	rec := do(ha, "POST", "/en/login", "", url.Values{"email": {"rev@example.org"}, "password": {replicaPW}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("login on A: %d", rec.Code)
	}
	ck := rec.Result().Cookies()[0]
	cookie := ck.Name + "=" + ck.Value
	if rec := do(hb, "GET", "/api/v1/me", cookie, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "rev@example.org") {
		t.Fatalf("session of A on B: %d %s", rec.Code, rec.Body)
	}
	page := do(hb, "GET", "/ar/account", cookie, nil)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page.Body.String())
	if m == nil {
		t.Fatalf("no CSRF token on B's page: %d", page.Code)
	}
	if rec := do(hb, "POST", "/ar/logout", cookie, url.Values{"csrf": {m[1]}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", rec.Code)
	}
	for name, h := range map[string]http.Handler{"A": ha, "B": hb} {
		if rec := do(h, "GET", "/api/v1/me", cookie, nil); rec.Code != 401 {
			t.Errorf("after logout on B, %s answers %d", name, rec.Code)
		}
	}
}
