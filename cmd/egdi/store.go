package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/postgres"
	"github.com/egdi-project/egdi/internal/sqlite"
)

// dbFlagHelp documents --db.
const dbFlagHelp = `database: sqlite:PATH or postgres://user:password@host:port/database
(default $EGDI_DB, else $XDG_DATA_HOME/egdi/egdi.db, i.e. ~/.local/share/egdi/egdi.db)`

// openStore opens the store named by --db, EGDI_DB or the default path,
// once per run; run closes it (closeStore).
func (a *app) openStore(ctx context.Context) (egdi.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	spec := a.db
	if spec == "" {
		spec = a.getenv("EGDI_DB")
	}
	b, err := builtin.Dataset()
	if err != nil {
		return nil, err
	}
	// A store says some things once (an imported edition a new release
	// has built in): on stderr.
	notice := func(msg string) { _, _ = fmt.Fprintln(a.stderr, "egdi: "+msg) }
	switch {
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		a.store, err = postgres.Open(ctx, postgres.Config{URL: spec, Builtin: b, BuiltinVersion: builtin.Version, Notice: notice})
	default:
		var path string
		if path, err = a.sqlitePath(spec); err == nil {
			a.store, err = sqlite.Open(ctx, sqlite.Config{Path: path, Builtin: b, BuiltinVersion: builtin.Version, Notice: notice})
		}
	}
	if err != nil {
		a.store = nil
		return nil, err
	}
	return a.store, nil
}

// sqlitePath returns the SQLite file of a --db value: sqlite:PATH, a plain
// path, or "" for the default file in the user's data directory (whose
// directory is created). Anything else that looks like a URL is refused,
// so that a misspelled postgres:// URL never becomes a file name.
func (a *app) sqlitePath(spec string) (string, error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		p := strings.TrimPrefix(spec, "sqlite:")
		if p == "" {
			return "", egdi.Errorf(egdi.EINVALID, "--db sqlite: needs a file name (sqlite:PATH).")
		}
		return p, nil
	case spec == "":
		dir, err := a.dataDir()
		if err != nil {
			return "", err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", egdi.Errorf(egdi.EUNAVAILABLE, "Cannot create the data directory %s: %w (set EGDI_DB or --db).", dir, err)
		}
		return filepath.Join(dir, "egdi.db"), nil
	case strings.Contains(spec, "://") || (strings.Contains(spec, ":") && !filepath.IsAbs(spec)):
		return "", egdi.Errorf(egdi.EINVALID, "Unknown database %q: use sqlite:PATH or postgres://user:password@host:port/database.", redact(spec))
	}
	return spec, nil
}

// dataDir is the user's data directory for egdi: $XDG_DATA_HOME/egdi, else
// the platform's (~/.local/share/egdi on Linux and other Unix systems,
// ~/Library/Application Support/egdi on macOS, %LocalAppData%\egdi on
// Windows).
func (a *app) dataDir() (string, error) {
	if x := a.getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "egdi"), nil
	}
	if runtime.GOOS == "windows" {
		if x := a.getenv("LocalAppData"); x != "" {
			return filepath.Join(x, "egdi"), nil
		}
	}
	home := a.getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", egdi.Errorf(egdi.EUNAVAILABLE, "No home directory to keep the database in: set EGDI_DB or --db.")
		}
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Application Support", "egdi"), nil
	}
	return filepath.Join(home, ".local", "share", "egdi"), nil
}

// redact hides a password in a URL-like string.
func redact(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return s
	}
	if user, _, hasPW := strings.Cut(userinfo, ":"); hasPW {
		return scheme + "://" + user + ":xxxxx@" + host
	}
	return s
}

// storeDataset returns app.dataset reading from the store. It is safe for
// concurrent use: the server calls it for each request.
func (a *app) storeDataset() func(ctx context.Context) (*egdi.Dataset, error) {
	var mu sync.Mutex
	return func(ctx context.Context) (*egdi.Dataset, error) {
		mu.Lock()
		st, err := a.openStore(ctx)
		mu.Unlock()
		if err != nil {
			return nil, err
		}
		return st.Dataset(ctx)
	}
}

// closeStore closes the store if a command opened it.
func (a *app) closeStore() {
	if a.store != nil {
		_ = a.store.Close()
		a.store = nil
	}
}
