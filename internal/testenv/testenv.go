// Package testenv is how tests find what lies outside the repository: the
// shared source data (../shared/data beside the repository), Chromium and
// PostgreSQL. On a developer's machine a test whose dependency is missing
// skips, saying what is missing and how to get it. In CI it fails instead,
// so that a missing dependency never turns into a quiet "ok":
//
//   - EGDI_REQUIRE_DATA=1 makes missing shared data a failure (.ci/run sets it);
//   - CI=true (set by CI services) makes a missing Chromium or PostgreSQL one.
//
// Only tests import this package.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// RequireDataEnv and CIEnv name the variables that turn skips into failures.
const (
	RequireDataEnv = "EGDI_REQUIRE_DATA"
	CIEnv          = "CI"
	PostgresEnv    = "EGDI_TEST_POSTGRES"
)

// DataDir returns shared/data as seen from the test's working directory:
// the directory shared/data beside the module root (the first ancestor with
// a go.mod). It does not check that it exists: see DataFile.
func DataDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", "data")
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "data")
		}
		if filepath.Dir(d) == d {
			return filepath.Join("..", "shared", "data")
		}
	}
}

// DataFile returns the path of the file (or directory) rel under shared/data
// (slash-separated; "." for the directory itself). When it is missing the
// test skips or, with EGDI_REQUIRE_DATA=1, fails; the message names it.
func DataFile(t testing.TB, rel string) string {
	t.Helper()
	return DataFiles(t, rel)[0]
}

// DataFiles is DataFile for several files: one message names every one that
// is missing.
func DataFiles(t testing.TB, rels ...string) []string {
	t.Helper()
	root := DataDir()
	var paths, missing []string
	for _, rel := range rels {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, p)
		}
		paths = append(paths, p)
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("shared data missing (shared/ is a sibling of the repository): %s", strings.Join(missing, ", "))
		unavailable(t, os.Getenv(RequireDataEnv) == "1", RequireDataEnv+"=1", msg)
	}
	return paths
}

// Chromium handles the outcome of a test's own search for the browser (or
// for a tool that goes with it, such as pdftotext): nothing when err is nil;
// otherwise the test skips with err and how to install the browser or,
// with CI=true, fails.
func Chromium(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		unavailable(t, os.Getenv(CIEnv) == "true", CIEnv+"=true",
			fmt.Sprintf("no Chromium or PDF tools: %v (apt-get install chromium poppler-utils)", err))
	}
}

// Postgres returns the URL of the test PostgreSQL server (EGDI_TEST_POSTGRES).
// When it is not set the test skips or, with CI=true, fails.
func Postgres(t testing.TB) string {
	t.Helper()
	u := os.Getenv(PostgresEnv)
	if u == "" {
		unavailable(t, os.Getenv(CIEnv) == "true", CIEnv+"=true",
			PostgresEnv+" not set: no PostgreSQL server to test against (eval \"$(bash .ci/postgres.sh)\" starts one)")
	}
	return u
}

// unavailable skips the test with msg, or fails it when strict.
func unavailable(t testing.TB, strict bool, why, msg string) {
	t.Helper()
	if strict {
		t.Fatalf("%s (%s: this test may not skip)", msg, why)
		return
	}
	t.Skip(msg + "; test skipped")
}
