package testenv

import (
	"fmt"
	"strings"
	"testing"
)

// fakeTB records what a helper did instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Skip(args ...any)                  { f.skipped = fmt.Sprint(args...) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

// TestUnavailable: a missing dependency skips locally and fails where the
// environment says it must be there, and the message names what is missing.
func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name, env, val string
		call           func(tb testing.TB)
		fail           bool
		want           string
	}{
		{"DataSkips", RequireDataEnv, "", func(tb testing.TB) { DataFiles(tb, "no/such.csv", "nor/this.xlsx") }, false, "no/such.csv"},
		{"DataFails", RequireDataEnv, "1", func(tb testing.TB) { DataFiles(tb, "no/such.csv", "nor/this.xlsx") }, true, "nor/this.xlsx"},
		{"ChromiumSkips", CIEnv, "", func(tb testing.TB) { Chromium(tb, fmt.Errorf("chromium not on PATH")) }, false, "chromium not on PATH"},
		{"ChromiumFailsInCI", CIEnv, "true", func(tb testing.TB) { Chromium(tb, fmt.Errorf("chromium not on PATH")) }, true, "chromium not on PATH"},
		{"PostgresFailsInCI", CIEnv, "true", func(tb testing.TB) { t.Setenv(PostgresEnv, ""); Postgres(tb) }, true, PostgresEnv + " not set"},
		{"PostgresSkips", CIEnv, "", func(tb testing.TB) { t.Setenv(PostgresEnv, ""); Postgres(tb) }, false, PostgresEnv + " not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.env, tc.val)
			f := &fakeTB{TB: t}
			tc.call(f)
			got, other := f.skipped, f.failed
			if tc.fail {
				got, other = f.failed, f.skipped
			}
			if !strings.Contains(got, tc.want) || other != "" {
				t.Errorf("skipped %q, failed %q; want the %s message to name %q", f.skipped, f.failed, map[bool]string{true: "failure", false: "skip"}[tc.fail], tc.want)
			}
		})
	}
}

// TestPresent: nothing happens when the dependency is there.
func TestPresent(t *testing.T) {
	t.Setenv(RequireDataEnv, "1")
	t.Setenv(CIEnv, "true")
	f := &fakeTB{TB: t}
	Chromium(f, nil)
	if f.skipped != "" || f.failed != "" {
		t.Errorf("skipped %q, failed %q", f.skipped, f.failed)
	}
}
