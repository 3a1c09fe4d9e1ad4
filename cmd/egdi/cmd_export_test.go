package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/tabular"
)

// egdiRunIn is egdiRun with a data directory the caller keeps, so that
// several commands share one store.
func egdiRunIn(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	env := map[string]string{"EGDI_DB": "sqlite:" + filepath.Join(dir, "egdi.db"), "XDG_DATA_HOME": dir, "HOME": dir}
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"egdi"}, args...), func(k string) string { return env[k] }, &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

// TestExportJSONIsRankJSON: the JSON export is byte for byte what
// `egdi rank --format json` prints for the same edition.
func TestExportJSONIsRankJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "egdi-2022.json")
	if _, stderr, code := egdiRun(t, "export", "--edition", "2022", "-o", out); code != 0 {
		t.Fatalf("export: status %d: %s", code, stderr)
	}
	rank, stderr, code := egdiRun(t, "rank", "--edition", "2022", "--format", "json")
	if code != 0 {
		t.Fatalf("rank: status %d: %s", code, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != rank {
		t.Errorf("the JSON export differs from egdi rank --format json (%d and %d bytes)", len(got), len(rank))
	}
}

// TestExportImportsBack: each format, chosen from the file's extension,
// imports back to all the built-in records of the edition, and the directory holds only the
// written file (no temporary file left).
func TestExportImportsBack(t *testing.T) {
	d := builtin.MustDataset()
	for _, ext := range []string{"csv", "xlsx", "json"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "egdi-2005."+ext)
			_, stderr, code := egdiRun(t, "export", "--edition", "2005", "-o", out)
			if code != 0 {
				t.Fatalf("status %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "wrote "+out) {
				t.Errorf("stderr %q, want a line saying what was written", stderr)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = f.Close() }()
			b, err := tabular.Import(context.Background(), out, f, tabular.ImportOptions{Countries: d.Countries})
			if err != nil {
				t.Fatal(err)
			}
			want := len(d.Published[2005]) // every format carries the Member States not assessed too
			if len(b.Records) != want {
				t.Errorf("%d records, want %d", len(b.Records), want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("the directory holds %d entries, want only the export", len(entries))
			}
		})
	}
}

// TestExportScenario: an edition of the user's is computed and exported
// under its name.
func TestExportScenario(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := egdiRunIn(t, dir, "edition", "create", "my-test", "--like", "2022", "--data-year", "2020"); code != 0 {
		t.Fatalf("edition create: status %d: %s", code, stderr)
	}
	stdout, stderr, code := egdiRunIn(t, dir, "export", "--edition", "my-test", "--format", "csv", "-o", "-")
	if code != 0 {
		t.Fatalf("export: status %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "my-test,") || !strings.HasPrefix(lines[0], "\uFEFFSurvey Year,") {
		t.Errorf("export starts %q, want the UN header and rows of my-test", lines[:min(2, len(lines))])
	}
}

// TestExportErrors: bad requests exit with status 2 and a message, and
// leave no file behind.
func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	taken := filepath.Join(dir, "taken")
	if err := os.Mkdir(taken, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"ErrNoOutput", []string{"export"}, "-o FILE"},
		{"ErrUnknownFormat", []string{"export", "--format", "ods", "-o", filepath.Join(dir, "x.ods")}, `Unknown --format "ods"`},
		{"ErrNoFormatFromExtension", []string{"export", "-o", filepath.Join(dir, "x.txt")}, "Cannot tell the format"},
		{"ErrUnknownEdition", []string{"export", "--edition", "2007", "-o", filepath.Join(dir, "x.csv")}, "Unknown edition 2007"},
		{"ErrBadEditionName", []string{"export", "--edition", "2o22!", "-o", filepath.Join(dir, "x.csv")}, "neither a survey year"},
		{"ErrUnknownScenario", []string{"export", "--edition", "nosuch", "-o", filepath.Join(dir, "x.csv")}, "nosuch"},
		{"ErrMissingDirectory", []string{"export", "-o", filepath.Join(dir, "no", "such", "x.csv")}, "Cannot write"},
		{"ErrTargetIsDirectory", []string{"export", "--format", "csv", "-o", taken}, "Cannot write"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := egdiRun(t, tt.args...)
			if code != 2 {
				t.Errorf("status %d, want 2 (%s)", code, stderr)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr %q, want it to contain %q", stderr, tt.msg)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != "taken" {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("the directory holds %q, want only the directory that was there", names)
			}
		})
	}
}

// TestExportJSONKeepsRankJSON: for an edition with Member States the UN
// did not assess (2003: two), the JSON export is the rank JSON's rows,
// unchanged and in order, followed by one "assessed": false row each; a
// published spelling that differs from the M49 name is in name_published.
func TestExportJSONKeepsRankJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "egdi-2003.json")
	if _, stderr, code := egdiRun(t, "export", "--edition", "2003", "-o", out); code != 0 {
		t.Fatalf("export: status %d: %s", code, stderr)
	}
	rank, _, code := egdiRun(t, "rank", "--edition", "2003", "--format", "json")
	if code != 0 {
		t.Fatal(code)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var exp, rk []json.RawMessage
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(rank), &rk); err != nil {
		t.Fatal(err)
	}
	notAssessed := 0
	for _, r := range builtin.MustDataset().Published[2003] {
		if !r.Assessed {
			notAssessed++
		}
	}
	if notAssessed == 0 || len(exp) != len(rk)+notAssessed {
		t.Fatalf("%d export rows, %d rank rows, %d not assessed", len(exp), len(rk), notAssessed)
	}
	for i := range rk {
		if !bytes.Equal(exp[i], rk[i]) {
			t.Fatalf("row %d differs:\n%s\n%s", i+1, exp[i], rk[i])
		}
	}
	for _, raw := range exp[len(rk):] {
		var r map[string]any
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		if r["assessed"] != false || r["egdi_rank"] != nil {
			t.Errorf("trailing row %s, want assessed false and no rank", raw)
		}
	}
	if !strings.Contains(rank, `"name_published": `) {
		t.Errorf("no row of 2003 carries name_published")
	}
}
