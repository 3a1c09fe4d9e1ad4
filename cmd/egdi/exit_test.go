package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/tabular"
)

// readOnlyDir returns a directory this process cannot create files in: a
// fresh one made read-only, or, for root (whom permissions do not stop),
// /sys, which the kernel keeps read-only to everyone.
func readOnlyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) }) // so TempDir can remove it
	for _, d := range []string{dir, "/sys"} {
		f, err := os.CreateTemp(d, "probe")
		if err != nil {
			return d
		}
		_ = f.Close()
		_ = os.Remove(f.Name())
	}
	t.Skip("no read-only directory: this user can write everywhere")
	return ""
}

// panicReader is an input whose reading panics, as a bug in an importer
// would.
type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("index out of range [3] with length 3") }

// TestErrorMapping: each kind of failure reaches the user with its exit
// status: an OS write failure is internal (1) and says what the OS said, a
// bad file is bad input (2), and a recovered panic is an internal error (1),
// never reported as the user's bad file.
func TestErrorMapping(t *testing.T) {
	ro := readOnlyDir(t)
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("country,egdi\nAtlantis,0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) func(t *testing.T) (string, int) {
		return func(t *testing.T) (string, int) {
			_, stderr, code := egdiRun(t, args...)
			return stderr, code
		}
	}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T) (stderr string, code int)
		code int
		want []string // in stderr
		not  string   // not in stderr
	}{
		{"ExportToReadOnlyDir", run("export", "-o", filepath.Join(ro, "x.csv")), exitInternal,
			[]string{"egdi: internal error: Cannot write " + filepath.Join(ro, "x.csv"), "permission denied"}, ""},
		{"ReportToReadOnlyDir", run("report", "BHR", "--format", "html", "-o", filepath.Join(ro, "r.html")), exitInternal,
			[]string{"egdi: internal error: Cannot write " + filepath.Join(ro, "r.html"), "permission denied"}, ""},
		{"ImportBadFile", run("import", bad), exitInvalid, []string{"egdi: " + bad}, "internal"},
		{"ImportPanic", func(t *testing.T) (string, int) {
			_, err := tabular.Import(context.Background(), "panic.csv", panicReader{}, tabular.ImportOptions{Countries: builtin.MustDataset().Countries})
			if ie, ok := errors.AsType[*egdi.InputError](err); ok {
				t.Errorf("a panic reported as the user's bad file: %v", ie)
			}
			var b bytes.Buffer
			code := exitCode(err, &b)
			return b.String(), code
		}, exitInternal, []string{"egdi: internal error: Cannot import panic.csv: internal error (a bug in the importer): index out of range"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stderr, code := tc.run(t)
			if code != tc.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
			if tc.not != "" && strings.Contains(stderr, tc.not) {
				t.Errorf("stderr %q contains %q", stderr, tc.not)
			}
		})
	}
}

// TestWriteError: the OS error stays the cause (errors.Is sees it) and
// decides the code: a path that names no file is the user's, anything else
// is internal.
func TestWriteError(t *testing.T) {
	for _, tc := range []struct {
		name  string
		errno error
		code  string
	}{
		{"Permission", syscall.EACCES, egdi.EINTERNAL},
		{"ReadOnlyFS", syscall.EROFS, egdi.EINTERNAL},
		{"DiskFull", syscall.ENOSPC, egdi.EINTERNAL},
		{"NoDirectory", syscall.ENOENT, egdi.EINVALID},
		{"IsDirectory", syscall.EISDIR, egdi.EINVALID},
		{"RenameOntoDirectory", syscall.EEXIST, egdi.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cause := &fs.PathError{Op: "open", Path: "/x/y.csv", Err: tc.errno}
			err := writeError("/x/y.csv", cause)
			if got := egdi.ErrorCode(err); got != tc.code {
				t.Errorf("code %s, want %s", got, tc.code)
			}
			if !errors.Is(err, tc.errno) || !errors.Is(err, cause) {
				t.Errorf("%v does not unwrap to its cause", err)
			}
			if want := "Cannot write /x/y.csv: open /x/y.csv: " + tc.errno.Error() + "."; egdi.ErrorMessage(err) != want {
				t.Errorf("message %q, want %q", egdi.ErrorMessage(err), want)
			}
		})
	}
}

// failWriter fails every write, as a full disk does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestOutputWriteFails: a command whose output cannot be written exits 1
// with the OS error, even though printing code discards write errors.
func TestOutputWriteFails(t *testing.T) {
	for _, args := range [][]string{{"rank", "--top", "3"}, {"editions"}, {"editions", "--lang", "ar"}} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			var errb bytes.Buffer
			dir := t.TempDir()
			env := map[string]string{"EGDI_DB": "sqlite:" + filepath.Join(dir, "egdi.db"), "HOME": dir, "XDG_DATA_HOME": dir}
			err := run(t.Context(), append([]string{"egdi"}, args...), func(k string) string { return env[k] }, failWriter{}, &errb)
			if code := exitCode(err, &errb); code != exitInternal || !strings.Contains(errb.String(), "internal error") ||
				!strings.Contains(errb.String(), "no space left on device") {
				t.Fatalf("exit %d, stderr %q; want %d, an internal error and the OS error", code, errb.String(), exitInternal)
			}
		})
	}
}
