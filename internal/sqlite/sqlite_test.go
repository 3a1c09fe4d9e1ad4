package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/sqlite"
	"github.com/egdi-project/egdi/internal/storetest"
)

func config(t testing.TB, path string) sqlite.Config {
	t.Helper()
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	return sqlite.Config{Path: path, Builtin: d, BuiltinVersion: builtin.Version}
}

// MustOpen opens a new store in a temporary directory.
func MustOpen(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), config(t, filepath.Join(t.TempDir(), "egdi.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) egdi.Store { return MustOpen(t) })
}

func TestSeeding(t *testing.T) {
	dir := t.TempDir()
	storetest.RunSeeding(t, func(t *testing.T, name string, b *egdi.Dataset, version string) egdi.Store {
		db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(dir, name+".db"), Builtin: b, BuiltinVersion: version})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return db
	})
}

// TestPragmas checks the settings the package documents.
func TestPragmas(t *testing.T) {
	db := MustOpen(t)
	for _, tc := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
	} {
		t.Run(tc.pragma, func(t *testing.T) {
			var got string
			if err := db.SQL().QueryRowContext(t.Context(), "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
			}
		})
	}
}

// TestReopenDoesNotReseed: a second open of a seeded file writes nothing.
func TestReopenDoesNotReseed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "egdi.db")
	db, err := sqlite.Open(t.Context(), config(t, path))
	if err != nil {
		t.Fatal(err)
	}
	var seededAt string
	if err := db.SQL().QueryRow(`SELECT seeded_at FROM meta`).Scan(&seededAt); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	cfg := config(t, path)
	cfg.Now = func() time.Time { return time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) }
	db, err = sqlite.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var again string
	var seeds int
	if err := db.SQL().QueryRow(`SELECT seeded_at, (SELECT COUNT(*) FROM seeds) FROM meta`).Scan(&again, &seeds); err != nil {
		t.Fatal(err)
	}
	if again != seededAt || seeds != 1 {
		t.Fatalf("reopening re-seeded: seeded_at %s → %s, %d seeds", seededAt, again, seeds)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("this is not a database, but it is long enough to have a header of sorts........"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		code string
	}{
		{"ErrNoDirectory", filepath.Join(dir, "missing", "egdi.db"), egdi.EUNAVAILABLE},
		{"ErrNotADatabase", notDB, egdi.EINVALID},
		{"ErrQuestionMark", filepath.Join(dir, "a?b.db"), egdi.EINVALID},
		{"ErrEmpty", "", egdi.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := sqlite.Open(t.Context(), config(t, tc.path))
			if err == nil {
				_ = db.Close()
				t.Fatalf("Open(%q) succeeded", tc.path)
			}
			if got := egdi.ErrorCode(err); got != tc.code {
				t.Fatalf("Open(%q): code %s (%v), want %s", tc.path, got, err, tc.code)
			}
		})
	}
}

// TestBusy: a second writer that cannot get the lock in time gets EBUSY.
func TestBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "egdi.db")
	a, err := sqlite.Open(t.Context(), config(t, path))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = a.Close() }()
	cfg := config(t, path)
	cfg.BusyTimeout = 50 * time.Millisecond
	b, err := sqlite.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Close() }()
	tx, err := a.SQL().BeginTx(t.Context(), nil) // IMMEDIATE: takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec(`INSERT INTO seeds (version, seeded_at) VALUES ('lock', 'now')`); err != nil {
		t.Fatal(err)
	}
	_, err = b.CreateJob(t.Context(), egdi.NewJob{Kind: "x"})
	if got := egdi.ErrorCode(err); got != egdi.EBUSY {
		t.Fatalf("write while locked: code %s (%v), want %s", got, err, egdi.EBUSY)
	}
}

// BenchmarkOpenDataset is what every CLI command does first: open an
// existing store and read the dataset.
func BenchmarkOpenDataset(b *testing.B) {
	path := filepath.Join(b.TempDir(), "egdi.db")
	cfg := config(b, path)
	db, err := sqlite.Open(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	_ = db.Close()
	for b.Loop() {
		db, err := sqlite.Open(b.Context(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Dataset(b.Context()); err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
	}
}

// BenchmarkFirstOpen creates, migrates and seeds a new file.
func BenchmarkFirstOpen(b *testing.B) {
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		db, err := sqlite.Open(b.Context(), config(b, filepath.Join(dir, "egdi"+string(rune('a'+i%26))+time.Now().Format("150405.000000")+".db")))
		if err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
	}
}

// benchObservations returns the built-in observations under a new vintage:
// about 10,000 rows that are not yet in the store.
func benchObservations(tb testing.TB) []egdi.Observation {
	obs := append([]egdi.Observation(nil), builtin.MustDataset().Observations...)
	for i := range obs {
		obs[i].Vintage = "bench"
	}
	return obs
}

// BenchmarkImportNew stores about 10,000 new observations (the ITU file's
// worth) in one transaction, snapshot included.
func BenchmarkImportNew(b *testing.B) {
	obs := benchObservations(b)
	for b.Loop() {
		b.StopTimer()
		db := MustOpen(b)
		b.StartTimer()
		if _, err := db.Import(b.Context(), &egdi.Batch{File: "bench", Source: "itu", Observations: obs}, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = db.Close()
		b.StartTimer()
	}
}

// BenchmarkImportUnchanged imports the ITU file's observations again: every
// row is compared with the stored one and nothing is written.
func BenchmarkImportUnchanged(b *testing.B) {
	db := MustOpen(b)
	obs := builtin.MustDataset().Observations
	for b.Loop() {
		sum, err := db.Import(b.Context(), &egdi.Batch{File: "bench", Source: "itu", Observations: obs}, nil)
		if err != nil || sum.Stored != 0 {
			b.Fatal(err, sum)
		}
	}
}
