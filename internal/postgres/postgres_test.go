package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/postgres"
	"github.com/egdi-project/egdi/internal/storetest"
	"github.com/egdi-project/egdi/internal/testenv"
)

// serverURL returns EGDI_TEST_POSTGRES (see testenv.Postgres: the test
// skips when it is not set, and fails with CI=true).
func serverURL(t testing.TB) string {
	t.Helper()
	return testenv.Postgres(t)
}

var schemas atomic.Int64

// schemaURL creates an empty schema for one test, dropped when it ends,
// and returns a URL whose search_path points at it.
func schemaURL(t testing.TB) string {
	t.Helper()
	base := serverURL(t)
	name := fmt.Sprintf("egdi_test_%d_%d", os.Getpid(), schemas.Add(1))
	conn, err := pgx.Connect(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	if _, err := conn.Exec(t.Context(), `CREATE SCHEMA `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer func() { _ = c.Close(context.Background()) }()
		_, _ = c.Exec(context.Background(), `DROP SCHEMA `+name+` CASCADE`)
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + name
}

func config(t testing.TB, url string) postgres.Config {
	t.Helper()
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	return postgres.Config{URL: url, Builtin: d, BuiltinVersion: builtin.Version}
}

func mustOpen(t testing.TB, cfg postgres.Config) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	serverURL(t)
	storetest.Run(t, func(t *testing.T) egdi.Store { return mustOpen(t, config(t, schemaURL(t))) })
}

func TestSeeding(t *testing.T) {
	serverURL(t)
	urls := map[string]string{}
	storetest.RunSeeding(t, func(t *testing.T, name string, b *egdi.Dataset, version string) egdi.Store {
		u, ok := urls[name]
		if !ok {
			u = schemaURL(t)
			urls[name] = u
		}
		return mustOpen(t, postgres.Config{URL: u, Builtin: b, BuiltinVersion: version})
	})
}

func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  string
		code string
	}{
		{"ErrMisspelledURL", "postgress//nowhere", egdi.EINVALID},
		{"ErrUnreachable", "postgres://egdi@127.0.0.1:1/egdi?connect_timeout=2", egdi.EUNAVAILABLE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := postgres.Open(t.Context(), config(t, tc.url))
			if err == nil {
				_ = db.Close()
				t.Fatalf("Open(%q) succeeded", tc.url)
			}
			if got := egdi.ErrorCode(err); got != tc.code {
				t.Fatalf("Open(%q): code %s (%v), want %s", tc.url, got, err, tc.code)
			}
		})
	}
	t.Run("ErrNoSuchDatabase", func(t *testing.T) {
		u := serverURL(t)
		cfg, err := pgx.ParseConfig(u)
		if err != nil {
			t.Fatal(err)
		}
		bad := strings.Replace(u, "/"+cfg.Database, "/egdi_no_such_database", 1)
		_, err = postgres.Open(t.Context(), config(t, bad))
		if got := egdi.ErrorCode(err); got != egdi.EUNAVAILABLE || !strings.Contains(egdi.ErrorMessage(err), "egdi_no_such_database") {
			t.Fatalf("no such database: code %s, message %q; want %s naming the database", got, egdi.ErrorMessage(err), egdi.EUNAVAILABLE)
		}
	})
}

// TestBusy: an import waits for another at most the lock timeout, then
// fails with EBUSY and changes nothing.
func TestBusy(t *testing.T) {
	u := schemaURL(t)
	a := mustOpen(t, config(t, u))
	cfg := config(t, u)
	cfg.LockTimeout = 100 * time.Millisecond
	b := mustOpen(t, cfg)
	tx, err := a.Pool().Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	if _, err := tx.Exec(t.Context(), `SELECT pg_advisory_xact_lock($1)`, int64(0x65676469_0002)); err != nil {
		t.Fatal(err)
	}
	obs := []egdi.Observation{{ISO3: "BHR", Indicator: egdi.InternetUsers, Year: 2023, Value: 99, Source: "itu", Vintage: "busy"}}
	_, err = b.Import(t.Context(), &egdi.Batch{File: "x.csv", Source: "itu", Observations: obs}, nil)
	if got := egdi.ErrorCode(err); got != egdi.EBUSY {
		t.Fatalf("import while another holds the lock: code %s (%v), want %s", got, err, egdi.EBUSY)
	}
}

func BenchmarkOpenDataset(b *testing.B) {
	cfg := config(b, schemaURL(b))
	_ = mustOpen(b, cfg).Close()
	for b.Loop() {
		db, err := postgres.Open(b.Context(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Dataset(b.Context()); err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
	}
}
