package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type kpiJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Binding *struct {
		ISO3    string `json:"iso3"`
		Measure string `json:"measure"`
	} `json:"binding"`
	Values []struct {
		Year  int
		Value float64
	} `json:"values"`
	Targets []struct {
		Year  int
		Value float64
	} `json:"targets"`
	Status string `json:"status"`
}

type strategyJSON struct {
	Name string    `json:"name"`
	KPIs []kpiJSON `json:"kpis"`
}

func kpiByID(t *testing.T, s strategyJSON, id string) kpiJSON {
	t.Helper()
	for _, k := range s.KPIs {
		if k.ID == id {
			return k
		}
	}
	t.Fatalf("no KPI %s in %+v", id, s)
	return kpiJSON{}
}

func valueIn(k kpiJSON, year int) (float64, bool) {
	for _, v := range k.Values {
		if v.Year == year {
			return v.Value, true
		}
	}
	return 0, false
}

// TestSampleContract checks the script contract on the sample: strategy
// list/show and cooperation list as JSON, and that the sample's TII-rank
// KPI reads Bahrain's published ranks with no hand entry.
func TestSampleContract(t *testing.T) {
	env := storeEnv(t)
	mustEgdi(t, env, "sample", "load")
	var list []map[string]any
	jsonOut(t, env, &list, "strategy", "list", "--format", "json")
	if len(list) != 1 || list[0]["name"] != "gcc-egov" || list[0]["sample"] != true {
		t.Fatalf("strategy list = %v", list)
	}
	var s strategyJSON
	jsonOut(t, env, &s, "strategy", "show", "gcc-egov", "--format", "json")
	k := kpiByID(t, s, "bhr-tii-rank")
	// E-Government Survey 2022 and 2024: Bahrain's TII rank 65 and 10.
	v22, ok22 := valueIn(k, 2022)
	v24, ok24 := valueIn(k, 2024)
	if k.Binding == nil || k.Binding.ISO3 != "BHR" || k.Binding.Measure != "tii_rank" || !ok22 || !ok24 || v22 != 65 || v24 != 10 {
		t.Fatalf("bhr-tii-rank = %+v, want bound to BHR tii_rank with 65 (2022) and 10 (2024)", k)
	}
	if k.Status != "no_target" || k.Targets == nil {
		t.Errorf("status %q targets %v: the sample has no targets (targets must be [] not null)", k.Status, k.Targets)
	}
	var coop []struct {
		Kind    string   `json:"kind"`
		Date    string   `json:"date"`
		Parties []string `json:"parties"`
		Title   string   `json:"title"`
	}
	for iso, want := range map[string]int{"TKM": 2, "KWT": 3, "BHR": 21} {
		jsonOut(t, env, &coop, "cooperation", "list", "--country", iso, "--format", "json")
		if len(coop) != want {
			t.Errorf("cooperation --country %s: %d records, want %d", iso, len(coop), want)
		}
	}
	jsonOut(t, env, &coop, "cooperation", "list", "--country", "TKM", "--format", "json")
	if coop[0].Kind != "visit" || coop[0].Date != "2019-09" || !strings.Contains(strings.Join(coop[0].Parties, ","), "TKM") || coop[0].Title == "" {
		t.Errorf("TKM timeline starts with %+v, want the September 2019 visit", coop[0])
	}
	// A user record survives sample remove; the sample goes.
	dir := t.TempDir()
	mine := filepath.Join(dir, "mine.csv")
	if err := os.WriteFile(mine, []byte("kind,date,parties,title\nevent,2025-03-01,BHR | OMN,Joint workshop\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustEgdi(t, env, "cooperation", "import", mine)
	_, errs, code := egdiIn(t, env, "sample", "remove")
	if code != 0 || !strings.Contains(errs, "1 strategies, 21 cooperation records") {
		t.Fatalf("sample remove: exit %d: %s", code, errs)
	}
	jsonOut(t, env, &coop, "cooperation", "list", "--format", "json")
	if len(coop) != 1 || coop[0].Title != "Joint workshop" {
		t.Errorf("after sample remove: %+v", coop)
	}
	jsonOut(t, env, &list, "strategy", "list", "--format", "json")
	if len(list) != 0 {
		t.Errorf("after sample remove: strategies %v", list)
	}
}

// TestTrackerImportBadFile: a bad file exits 2, names the row, and leaves
// the store as it was.
func TestTrackerImportBadFile(t *testing.T) {
	env := storeEnv(t)
	mustEgdi(t, env, "sample", "load")
	before := mustEgdi(t, env, "strategy", "export", "--format", "json") + mustEgdi(t, env, "cooperation", "export", "--format", "csv")
	dir := t.TempDir()
	for _, tt := range []struct {
		name, cmd, file, text, want string
	}{
		{"ErrStrategyValue", "strategy", "s.csv", "record,strategy,initiative,kpi,name,year,value\nstrategy,new,,,,,\ninitiative,new,i,,,,\nkpi,new,i,k,K,,\ntarget,new,,k,,2026,lots\n",
			`s.csv, row 5, column value: "lots" is not a number`},
		{"ErrStrategyBinding", "strategy", "s.json", `[{"name":"new","initiatives":[{"name":"i","kpis":[{"id":"k","name":"K","binding":{"iso3":"XXX","measure":"egdi"},"targets":[]}]}]}]`,
			`Unknown country or group "XXX"`},
		{"ErrCoopSecondRowBad", "cooperation", "c.csv", "kind,date,parties,title\nvisit,2020,BHR,ok\nvisit,2020-02-30,BHR,bad\n",
			`c.csv, row 3: Cooperation record "bad": date "2020-02-30"`},
		{"ErrCoopXLSX", "cooperation", "c.xlsx", "PK\x03\x04not a zip", "not a readable XLSX"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.file)
			if err := os.WriteFile(p, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, errs, code := egdiIn(t, env, tt.cmd, "import", p)
			if code != exitInvalid || !strings.Contains(errs, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, errs, tt.want)
			}
			after := mustEgdi(t, env, "strategy", "export", "--format", "json") + mustEgdi(t, env, "cooperation", "export", "--format", "csv")
			if after != before {
				t.Fatal("the store changed")
			}
		})
	}
}

// TestTrackerExportImport: an export imports back into another store
// unchanged, in every format.
func TestTrackerExportImport(t *testing.T) {
	env := storeEnv(t)
	mustEgdi(t, env, "sample", "load")
	dir := t.TempDir()
	for _, f := range []string{"csv", "xlsx", "json"} {
		t.Run(f, func(t *testing.T) {
			other := storeEnv(t)
			for _, what := range []string{"strategy", "cooperation"} {
				p := filepath.Join(dir, what+"."+f)
				mustEgdi(t, env, what, "export", "-o", p)
				mustEgdi(t, other, what, "import", p)
			}
			// Titles, parties and KPIs survive; the sample flag does not
			// (imports are user data).
			a := mustEgdi(t, env, "cooperation", "list", "--format", "csv")
			b := mustEgdi(t, other, "cooperation", "list", "--format", "csv")
			if a != b {
				t.Errorf("cooperation differs after a %s round trip:\n%s\n%s", f, a, b)
			}
			sa := mustEgdi(t, env, "strategy", "show", "gcc-egov", "--format", "csv")
			sb := mustEgdi(t, other, "strategy", "show", "gcc-egov", "--format", "csv")
			if sa != sb {
				t.Errorf("strategy differs after a %s round trip:\n%s\n%s", f, sa, sb)
			}
		})
	}
}

// TestKPIFromPlanAndNewEdition: a target plan becomes KPIs with targets,
// and a bound KPI gains the value of a newly imported edition.
func TestKPIFromPlanAndNewEdition(t *testing.T) {
	env := storeEnv(t)
	var s strategyJSON
	jsonOut(t, env, &s, "strategy", "from-plan", "BHR", "--rank", "10", "--year", "2026", "--name", "bahrain", "--format", "json")
	k := kpiByID(t, s, "bhr-egdi_rank")
	if len(k.Targets) != 1 || k.Targets[0].Year != 2026 || k.Targets[0].Value != 10 || len(s.KPIs) < 2 {
		t.Fatalf("from-plan KPIs %+v", s.KPIs)
	}
	// Bahrain 18th in 2024, aiming at 10 in 2026: on the path in 2024.
	if k.Status != "on_track" {
		t.Errorf("status %s, want on_track at the baseline", k.Status)
	}
	e := &edition2026{weights: equalWeights}
	mustEgdi(t, env, "import", e.write(t, t.TempDir()))
	jsonOut(t, env, &s, "strategy", "show", "bahrain", "--format", "json")
	k = kpiByID(t, s, "bhr-egdi_rank")
	got, ok := valueIn(k, 2026)
	// The 2026 file (new_edition_test.go) gives Bahrain OSI 0.99: its
	// rank there is the file's own.
	if !ok || int(got) != e.rank["BHR"] {
		t.Fatalf("2026 EGDI rank %v (%v), want the file's %d", got, ok, e.rank["BHR"])
	}
	// In 2026 the target year: rank ≤ 10 is on track; the at-risk band is
	// 10 % of the planned 8 ranks (0.8), less than one rank.
	want := "off_track"
	if e.rank["BHR"] <= 10 {
		want = "on_track"
	}
	if k.Status != want {
		t.Errorf("status %s with rank %d in 2026, want %s", k.Status, e.rank["BHR"], want)
	}
}

// TestStrategyReport: the report compares with the state a previous
// report saved.
func TestStrategyReport(t *testing.T) {
	env := storeEnv(t)
	env["SOURCE_DATE_EPOCH"] = "1795651200"
	mustEgdi(t, env, "sample", "load")
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	first := mustEgdi(t, env, "strategy", "report", "gcc-egov", "--lang", "ar", "--save", state)
	if !strings.Contains(first, "لا يوجد تقرير سابق للمقارنة") || !strings.Contains(first, `dir="rtl"`) {
		t.Errorf("first Arabic report does not say it is the first")
	}
	again := mustEgdi(t, env, "strategy", "report", "gcc-egov", "--previous", state)
	if !strings.Contains(again, "Nothing changed since the last report.") {
		t.Errorf("second report sees changes where there are none")
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"x":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := egdiIn(t, env, "strategy", "report", "gcc-egov", "--previous", filepath.Join(dir, "bad.json")); code != exitInvalid || !strings.Contains(errs, "not a saved strategy state") {
		t.Errorf("bad --previous: exit %d %s", code, errs)
	}
}

// TestSampleNeverOverwrites: a user strategy with the sample's name stops
// sample load, and stays as it was.
func TestSampleNeverOverwrites(t *testing.T) {
	env := storeEnv(t)
	p := filepath.Join(t.TempDir(), "mine.json")
	if err := os.WriteFile(p, []byte(`[{"name":"gcc-egov","title":"Mine"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustEgdi(t, env, "strategy", "import", p)
	if _, errs, code := egdiIn(t, env, "sample", "load"); code != exitInvalid || !strings.Contains(errs, `Your strategy "gcc-egov"`) {
		t.Fatalf("sample load over a user strategy: exit %d %s", code, errs)
	}
	var s map[string]any
	jsonOut(t, env, &s, "strategy", "show", "gcc-egov", "--format", "json")
	if s["title"] != "Mine" || s["sample"] == true {
		t.Errorf("the user's strategy changed: %v", s)
	}
}
