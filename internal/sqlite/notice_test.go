package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/sqlite"
	"github.com/egdi-project/egdi/internal/storetest"
)

func TestLaterEditionNotice(t *testing.T) {
	dir := t.TempDir()
	storetest.RunNotice(t, func(t *testing.T, name string, b *egdi.Dataset, version string, notice func(string)) egdi.Store {
		db, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(dir, name+".db"), Builtin: b, BuiltinVersion: version, Notice: notice})
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
