package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
)

// TestAnalysisGolden pins the output of whatif, target, explain and
// uncertainty that a person reads.
func TestAnalysisGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"whatif_bhr_2024", []string{"whatif", "--edition", "2024", "--set", "BHR.osi=1"}},
		{"whatif_bhr_2022_raw_json", []string{"whatif", "--edition", "2022", "--level", "raw", "--set", "BHR.internet_users=100",
			"--set", "BHR.fixed_broadband=40", "--format", "json"}},
		{"target_bhr_2024_rank10", []string{"target", "BHR", "--edition", "2024", "--rank", "10"}},
		{"target_ind_2022_vh_json", []string{"target", "IND", "--edition", "2022", "--group", "very_high", "--format", "json"}},
		{"explain_bhr_2020_2022", []string{"explain", "BHR", "--from", "2020", "--to", "2022"}},
		{"explain_kor_2010_2012_json", []string{"explain", "KOR", "--from", "2010", "--to", "2012", "--format", "json"}},
		{"explain_bhr_vs_are_2024", []string{"explain", "BHR", "--edition", "2024", "--vs", "ARE"}},
		{"uncertainty_2022_csv", []string{"uncertainty", "--edition", "2022", "--replications", "2000", "--seed", "7",
			"--format", "csv"}},
		{"uncertainty_2010_sensitivity", []string{"uncertainty", "--edition", "2010", "--replications", "1000", "--seed", "3",
			"--sensitivity", "--sensitivity-rows", "256", "--countries", "BHR,KOR"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := egdiRun(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, tc.name, out)
		})
	}
}

// TestUncertaintyJSONAcrossCores runs the command at GOMAXPROCS 1 and 2:
// one seed, byte-identical JSON.
func TestUncertaintyJSONAcrossCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var outs []string
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		out, errs, code := egdiRun(t, "uncertainty", "--edition", "2024", "--replications", "3000", "--seed", "99",
			"--sensitivity", "--sensitivity-rows", "128", "--countries", "BHR", "--format", "json")
		if code != 0 {
			t.Fatalf("GOMAXPROCS=%d: exit %d: %s", procs, code, errs)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Error("JSON differs between GOMAXPROCS=1 and GOMAXPROCS=2")
	}
	var res egdi.UncertaintyResult
	if err := json.Unmarshal([]byte(outs[0]), &res); err != nil {
		t.Fatal(err)
	}
	// --countries BHR prints Bahrain's row only (all 193 are computed).
	if res.Seed != 99 || res.Replications != 3000 || len(res.Countries) != 1 || res.Countries[0].ISO3 != "BHR" || res.Sensitivity == nil {
		t.Errorf("seed %d, %d replications, %d countries, sensitivity %v", res.Seed, res.Replications, len(res.Countries), res.Sensitivity != nil)
	}
}

// TestTargetPlansReplay replays every reached plan of a JSON answer through
// `egdi whatif` and checks that the country reaches the rank it was given.
func TestTargetPlansReplay(t *testing.T) {
	for _, level := range []string{"component", "raw"} {
		out, errs, code := egdiRun(t, "target", "BHR", "--edition", "2022", "--rank", "20", "--level", level, "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", level, code, errs)
		}
		var res egdi.TargetResult
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Plans {
			if !p.Reached {
				continue
			}
			args := []string{"whatif", "--edition", "2022", "--level", level, "--format", "json"}
			for _, ch := range p.Changes {
				args = append(args, "--set", "BHR."+ch.Indicator+"="+strconv.FormatFloat(ch.To, 'f', -1, 64))
			}
			wout, werrs, wcode := egdiRun(t, args...)
			if wcode != 0 {
				t.Fatalf("replay of %s: exit %d: %s", p.Name, wcode, werrs)
			}
			var w egdi.WhatIfResult
			if err := json.Unmarshal([]byte(wout), &w); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range w.Countries {
				if c.ISO3 == "BHR" {
					found = true
					if c.RankAfter > 20 || c.RankAfter != p.Rank {
						t.Errorf("%s plan %s replays to rank %d (plan says %d), target 20", level, p.Name, c.RankAfter, p.Rank)
					}
				}
			}
			if !found {
				t.Errorf("%s plan %s: BHR not in the what-if", level, p.Name)
			}
		}
	}
}

// TestAnalysisBadInput: every bad input exits 2 with a clear message and
// prints nothing on stdout (an unreachable target prints its plans).
func TestAnalysisBadInput(t *testing.T) {
	dir := t.TempDir()
	badCosts := filepath.Join(dir, "costs.csv")
	if err := os.WriteFile(badCosts, []byte("input,cost\nosi,-3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		msg    string
		stdout bool
	}{
		{"whatif unknown input", []string{"whatif", "--set", "BHR.broadband=3"}, "unknown indicator", false},
		{"whatif out of bounds", []string{"whatif", "--set", "BHR.osi=1.5"}, "above 1", false},
		{"whatif raw input at component level", []string{"whatif", "--set", "BHR.internet_users=99"}, "--level raw", false},
		{"whatif no set", []string{"whatif"}, "--set", false},
		{"whatif raw level before 2014", []string{"whatif", "--edition", "2010", "--level", "raw", "--set", "BHR.osi=0.5"}, "no raw level", false},
		{"whatif unknown country", []string{"whatif", "--set", "XXX.osi=0.5"}, "Unknown country", false},
		{"target two targets", []string{"target", "BHR", "--rank", "5", "--group", "very_high"}, "exactly one target", false},
		{"target no target", []string{"target", "BHR"}, "exactly one target", false},
		{"target rank worse", []string{"target", "BHR", "--edition", "2024", "--rank", "50"}, "not an improvement", false},
		{"target class before 2020", []string{"target", "BHR", "--edition", "2018", "--class", "VH"}, "no rating classes", false},
		{"target beat self", []string{"target", "BHR", "--beat", "Bahrain"}, "itself", false},
		{"target bad costs", []string{"target", "BHR", "--rank", "5", "--costs", badCosts}, "row 2, column cost", false},
		{"target unreachable", []string{"target", "TCD", "--edition", "2024", "--rank", "1", "--costs", writeCosts(t, dir)},
			"best reachable rank", true},
		{"explain not assessed", []string{"explain", "SSD", "--from", "2010", "--to", "2012"}, "not assessed", false},
		{"explain same edition", []string{"explain", "BHR", "--from", "2022", "--to", "2022"}, "two editions", false},
		{"explain vs with from", []string{"explain", "BHR", "--vs", "ARE", "--from", "2020"}, "drop --from", false},
		{"uncertainty zero", []string{"uncertainty", "--replications", "0"}, "at least 1", false},
		{"uncertainty negative", []string{"uncertainty", "--replications", "-3"}, "at least 1", false},
		{"uncertainty absurd", []string{"uncertainty", "--replications", "1000000000"}, "--force", false},
		{"uncertainty bad vary", []string{"uncertainty", "--vary", "colour"}, "Unknown --vary", false},
		{"uncertainty unknown country", []string{"uncertainty", "--sensitivity", "--countries", "XXX"}, "Unknown country", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := egdiRun(t, tc.args...)
			if code != 2 || !strings.Contains(errs, tc.msg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tc.msg)
			}
			if (out != "") != tc.stdout {
				t.Errorf("stdout %q", out)
			}
		})
	}
}

// writeCosts writes a costs file whose ceilings keep Chad where it is.
func writeCosts(t *testing.T, dir string) string {
	p := filepath.Join(dir, "tight.csv")
	if err := os.WriteFile(p, []byte("input,cost,max\nosi,100,0.3\ntii,100,0.3\nhci,150,0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUncertaintyCancel: a cancelled context stops the run, exits 130 and
// prints nothing on stdout.
func TestUncertaintyCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	dir := t.TempDir()
	env := map[string]string{"EGDI_DB": "sqlite:" + filepath.Join(dir, "egdi.db"), "XDG_DATA_HOME": dir, "HOME": dir}
	err := run(ctx, []string{"egdi", "uncertainty", "--replications", "50000000"}, func(k string) string { return env[k] }, &out, &errb)
	if code := exitCode(err, &errb); code != 130 {
		t.Errorf("exit %d (%v), want 130", code, err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q after a cancel", out.String())
	}
}

// TestUncertaintyCountriesRows: --countries prints only those rows, and
// they are the rows of the full run (the computation is unchanged), with
// or without --sensitivity.
func TestUncertaintyCountriesRows(t *testing.T) {
	args := []string{"uncertainty", "--edition", "2022", "--replications", "400", "--seed", "5", "--format", "json"}
	decode := func(out string) *egdi.UncertaintyResult {
		t.Helper()
		var r egdi.UncertaintyResult
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		return &r
	}
	out, errs, code := egdiRun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	all := map[egdi.ISO3]egdi.UncertaintyCountry{}
	for _, c := range decode(out).Countries {
		all[c.ISO3] = c
	}
	if len(all) != 193 {
		t.Fatalf("full run: %d rows", len(all))
	}
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"Rows", []string{"--countries", "BHR,ARE"}},
		{"RowsWithSensitivity", []string{"--countries", "bhr", "--countries", "ARE", "--sensitivity", "--sensitivity-rows", "32"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := egdiRun(t, append(slices.Clone(args), tc.extra...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			r := decode(out)
			if len(r.Countries) != 2 {
				t.Fatalf("%d rows, want 2 (BHR, ARE)", len(r.Countries))
			}
			for _, c := range r.Countries {
				if !reflect.DeepEqual(c, all[c.ISO3]) {
					t.Errorf("%s: %+v, full run %+v", c.ISO3, c, all[c.ISO3])
				}
			}
		})
	}
	_, errs, code = egdiRun(t, "uncertainty", "--edition", "2010", "--replications", "10", "--countries", "SSD")
	if code != exitInvalid || !strings.Contains(errs, "SSD was not assessed in edition 2010") {
		t.Errorf("not assessed: exit %d, %q", code, errs)
	}
}
