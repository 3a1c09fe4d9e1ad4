package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/storetest"
	"github.com/egdi-project/egdi/internal/testenv"
)

// sharedFile returns the path of a file under shared/data (see
// testenv.DataFile: the test skips when it is missing, and fails with
// EGDI_REQUIRE_DATA=1).
func sharedFile(t testing.TB, rel string) string {
	t.Helper()
	return testenv.DataFile(t, rel)
}

// storeEnv is an environment whose store is a new file in a temporary
// directory, kept for the whole test.
func storeEnv(t testing.TB) map[string]string {
	t.Helper()
	dir := t.TempDir()
	return map[string]string{"EGDI_DB": "sqlite:" + filepath.Join(dir, "egdi.db"), "HOME": dir}
}

// egdiIn runs the program in env and returns its output and exit status.
func egdiIn(t testing.TB, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"egdi"}, args...), func(k string) string { return env[k] }, &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func mustEgdi(t testing.TB, env map[string]string, args ...string) string {
	t.Helper()
	out, errs, code := egdiIn(t, env, args...)
	if code != 0 {
		t.Fatalf("egdi %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	return out
}

// TestScenarioTII2022 is the check: importing the ITU file and
// creating an edition like 2022 with data year 2020 gives a TII within
// 0.005 of the published 2022 TII for at least 187 countries. Only the
// countries whose TII is computed from the raw data count: the others
// carry the published value and would match trivially.
func TestScenarioTII2022(t *testing.T) {
	itu := sharedFile(t, "components/itu/ITU_DDD_key_ICT_indicators_2010-2021.xlsx")
	env := storeEnv(t)
	if _, errs, code := egdiIn(t, env, "import", itu); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	var created struct {
		Report egdi.ScenarioReport `json:"report"`
	}
	if err := json.Unmarshal([]byte(mustEgdi(t, env, "edition", "create", "itu2020", "--like", "2022", "--data-year", "2020", "--format", "json")), &created); err != nil {
		t.Fatal(err)
	}
	raw := map[egdi.ISO3]bool{}
	for _, c := range created.Report.Raw["tii"] {
		raw[c] = true
	}
	var rows []computeRow
	if err := json.Unmarshal([]byte(mustEgdi(t, env, "compute", "--edition", "itu2020", "--format", "json")), &rows); err != nil {
		t.Fatal(err)
	}
	published := map[egdi.ISO3]float64{}
	for _, r := range builtin.MustDataset().Published[2022] {
		published[r.ISO3] = r.TII
	}
	const tol = 0.005 // the ITU file is a later vintage than the UN's frozen inputs
	within, computed := 0, 0
	for _, r := range rows {
		if !raw[r.ISO3] {
			if r.TII != published[r.ISO3] {
				t.Errorf("%s: carried TII %v, published %v", r.ISO3, r.TII, published[r.ISO3])
			}
			continue
		}
		computed++
		if math.Abs(r.TII-published[r.ISO3]) <= tol {
			within++
		} else {
			t.Logf("%s: TII %.4f, published %.4f", r.ISO3, r.TII, published[r.ISO3])
		}
	}
	t.Logf("TII from the ITU file, data year 2020: %d of %d computed countries within %.3f of the published 2022 TII (%d countries in all)",
		within, computed, tol, len(rows))
	if within < 187 {
		t.Fatalf("%d countries within %.3f, want ≥ 187", within, tol)
	}
}

// TestEditionCommands walks an edition through create, list, show,
// compute and delete, with the errors a user can make.
func TestEditionCommands(t *testing.T) {
	env := storeEnv(t)
	out := mustEgdi(t, env, "edition", "create", "next", "--like", "2024", "--data-year", "2023", "--set", "BHR.osi=0.99", "--set", "bhr.internet_users=100")
	for _, want := range []string{"Edition next: like 2024", "Gap-filling rule:", "OSI: carried from the published 2024 OSI for 192", "set for 1",
		"HCI: carried from the published 2024 HCI for all 193", "Set: BHR.osi=0.99", "egdi compute --edition next"} {
		if !strings.Contains(out, want) {
			t.Errorf("edition create output lacks %q:\n%s", want, out)
		}
	}
	var list []struct {
		Name      string `json:"name"`
		Like      int    `json:"like"`
		Countries int    `json:"countries"`
		Set       int    `json:"set"`
	}
	if err := json.Unmarshal([]byte(mustEgdi(t, env, "edition", "list", "--format", "json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "next" || list[0].Like != 2024 || list[0].Countries != 193 || list[0].Set != 2 {
		t.Fatalf("edition list = %+v", list)
	}
	var sc egdi.Scenario
	if err := json.Unmarshal([]byte(mustEgdi(t, env, "edition", "show", "next", "--format", "json")), &sc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range sc.Values {
		if v.ISO3 == "BHR" && v.Indicator == egdi.OSI {
			found = v.Value == 0.99 && v.Origin == egdi.OriginSet
		}
	}
	if !found {
		t.Fatal("edition show: BHR osi is not the value set (0.99, set)")
	}
	csv := mustEgdi(t, env, "edition", "show", "next", "--format", "csv")
	if !strings.HasPrefix(csv, "iso3,indicator,value,origin,year,source\n") || !strings.Contains(csv, "BHR,osi,0.99000,set,,\n") {
		t.Fatalf("edition show --format csv:\n%.300s", csv)
	}
	var rows []computeRow
	if err := json.Unmarshal([]byte(mustEgdi(t, env, "compute", "--edition", "next", "--format", "json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 193 || rows[0].EGDIRank != 1 {
		t.Fatalf("compute --edition next: %d rows, first rank %d", len(rows), rows[0].EGDIRank)
	}
	for _, r := range rows {
		if r.ISO3 == "BHR" && r.OSI != 0.99 {
			t.Errorf("BHR OSI = %v in the computed edition, want the 0.99 set", r.OSI)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"ErrExists", []string{"edition", "create", "next", "--like", "2024", "--data-year", "2023"}, exitInvalid, "exists already"},
		{"ErrNameIsAYear", []string{"edition", "create", "2026", "--like", "2024", "--data-year", "2023"}, exitInvalid, "cannot name an edition"},
		{"ErrNoLike", []string{"edition", "create", "x", "--data-year", "2023"}, exitInvalid, "--like YEAR and --data-year YEAR are required"},
		{"ErrUnknownLike", []string{"edition", "create", "x", "--like", "2025", "--data-year", "2023"}, exitInvalid, "Unknown edition 2025"},
		{"ErrBadSet", []string{"edition", "create", "x", "--like", "2024", "--data-year", "2023", "--set", "BHR.osi=1.5"}, exitInvalid, "--set"},
		{"ErrSetPoints", []string{"edition", "create", "x", "--like", "2024", "--data-year", "2023", "--set", "BHR.osi_points=3"}, exitInvalid, "points cannot be set"},
		{"ErrSetUnknownCountry", []string{"edition", "create", "x", "--like", "2024", "--data-year", "2023", "--set", "XXX.osi=0.5"}, exitInvalid, "XXX"},
		{"ErrShowUnknown", []string{"edition", "show", "nope"}, exitInvalid, "No edition named nope"},
		{"ErrComputeUnknown", []string{"compute", "--edition", "nope"}, exitInvalid, "No edition named nope"},
		{"ErrComputeWithInput", []string{"compute", "--edition", "next", "--input", "x.csv"}, exitInvalid, "--input is for published editions"},
		{"ErrComputeNotAName", []string{"compute", "--edition", "20x4!"}, exitInvalid, "neither a survey year nor the name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, code := egdiIn(t, env, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Fatalf("egdi %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.msg)
			}
		})
	}
	mustEgdi(t, env, "edition", "delete", "next")
	if _, errs, code := egdiIn(t, env, "edition", "delete", "next"); code != exitInvalid || !strings.Contains(errs, "No edition named next") {
		t.Fatalf("deleting twice: exit %d, %q", code, errs)
	}
	if out := mustEgdi(t, env, "edition", "list", "--format", "json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("edition list after delete = %s", out)
	}
}

// TestDatabaseFlag: where the store is, and the errors of a bad --db.
func TestDatabaseFlag(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		msg  string
		file string // a file the run must have created
	}{
		{"DefaultXDG", map[string]string{"XDG_DATA_HOME": filepath.Join(dir, "xdg")}, nil, 0, "", filepath.Join(dir, "xdg", "egdi", "egdi.db")},
		{"DefaultHome", map[string]string{"HOME": filepath.Join(dir, "home")}, nil, 0, "", filepath.Join(dir, "home", ".local", "share", "egdi", "egdi.db")},
		{"EnvSQLite", map[string]string{"EGDI_DB": "sqlite:" + filepath.Join(dir, "env.db")}, nil, 0, "", filepath.Join(dir, "env.db")},
		{"FlagBeatsEnv", map[string]string{"EGDI_DB": "sqlite:" + filepath.Join(dir, "no", "such", "dir.db")}, []string{"--db", "sqlite:" + filepath.Join(dir, "flag.db")}, 0, "", filepath.Join(dir, "flag.db")},
		{"PlainPath", nil, []string{"--db", filepath.Join(dir, "plain.db")}, 0, "", filepath.Join(dir, "plain.db")},
		{"ErrMisspelledScheme", nil, []string{"--db", "postgress://egdi:secret@localhost/egdi"}, exitInvalid, `Unknown database "postgress://egdi:xxxxx@localhost/egdi"`, ""},
		{"ErrEnvMisspelled", map[string]string{"EGDI_DB": "sqlit:/tmp/x.db"}, nil, exitInvalid, `Unknown database "sqlit:/tmp/x.db"`, ""},
		{"ErrNoDirectory", nil, []string{"--db", "sqlite:" + filepath.Join(dir, "missing", "egdi.db")}, exitInvalid, filepath.Join(dir, "missing", "egdi.db"), ""},
		{"ErrNotADatabase", nil, []string{"--db", "sqlite:" + os.Args[0]}, exitInvalid, "is not an egdi database", ""},
		{"ErrUnreachablePostgres", nil, []string{"--db", "postgres://egdi@127.0.0.1:1/egdi?connect_timeout=2"}, exitInvalid, "127.0.0.1:1/egdi", ""},
		{"ErrBadPostgresURL", nil, []string{"--db", "postgres://egdi@[::1/egdi"}, exitInvalid, "Bad PostgreSQL URL", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{}, tc.args...), "rank", "--top", "1", "--format", "csv")
			out, errs, code := egdiIn(t, tc.env, args...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, errs, tc.code, tc.msg)
			}
			if code == 0 && !strings.Contains(out, "DNK") {
				t.Fatalf("rank printed %q", out)
			}
			if tc.file != "" {
				if _, err := os.Stat(tc.file); err != nil {
					t.Fatalf("the store file was not created: %v", err)
				}
			}
		})
	}
}

// TestImportPublishedFilesUnchanged imports every file in shared/data/egdi
// into a new store: each row equals the built-in record, so nothing is
// stored, and the store still holds exactly the built-in record.
func TestImportPublishedFilesUnchanged(t *testing.T) {
	root := sharedFile(t, "egdi")
	var files []string
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && (strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".xlsx")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) < 19 {
		t.Fatalf("%d files under %s (%v), want the 19 published ones", len(files), root, err)
	}
	env := storeEnv(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, errs, code := egdiIn(t, env, "import", f)
			if code != 0 || !strings.Contains(errs, " 0 stored, ") || !strings.Contains(errs, "0 skipped") {
				t.Fatalf("exit %d: %s", code, errs)
			}
		})
	}
	path := strings.TrimPrefix(env["EGDI_DB"], "sqlite:")
	if diff := storetest.EqualDatasets(openDataset(t, path), builtin.MustDataset()); diff != "" {
		t.Fatalf("after importing every published file the store differs from the built-in record: %s", diff)
	}
}
