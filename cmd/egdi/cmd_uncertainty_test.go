package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
)

// TestUncertaintyBadFlags: every bad value of the uncertainty controls is
// exit status 2 with a message naming the flag (or the file, row and
// column), and nothing is written.
func TestUncertaintyBadFlags(t *testing.T) {
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notNumber := file("w-x.csv", "osi,tii,hci\n0.3,0.3,0.4\n0.5,0.5,x\n")
	badSum := file("w-sum.csv", "osi,tii,hci\n0.3,0.3,0.5\n")
	badHead := file("w-head.csv", "osi,tii,epi\n0.3,0.3,0.4\n")
	empty := file("w-empty.csv", "osi,tii,hci\n")
	samples := filepath.Join(dir, "samples.csv")
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"NormalisationUnknown", []string{"--normalisation", "zscore,foo"}, `Unknown --normalisation "foo"`},
		{"NormalisationMixed", []string{"--normalisation", "zscore=0.5,rank"}, "every choice or to none"},
		{"NormalisationSum", []string{"--normalisation", "zscore=0.5,rank=0.6"}, "sum to 1.1"},
		{"NormalisationEmpty", []string{"--normalisation", ""}, "--normalisation is empty"},
		{"NormalisationTwice", []string{"--normalisation", "rank,rank"}, "twice"},
		{"NormalisationChance", []string{"--normalisation", "zscore=-1,rank=2"}, "chance between 0 and 1"},
		{"WeightsBand", []string{"--weights", "band=0.5"}, "Bad --weights band=0.5"},
		{"WeightsNoise", []string{"--weights", "noise=1"}, "Bad --weights noise=1"},
		{"WeightsNoiseNaN", []string{"--weights", "noise=NaN"}, "Bad --weights noise=NaN"},
		{"WeightsModel", []string{"--weights", "dirichlet=1"}, "Unknown --weights"},
		{"WeightsNoFile", []string{"--weights", filepath.Join(dir, "none.csv")}, "none.csv"},
		{"WeightsCell", []string{"--weights", notNumber}, "row 3, column hci"},
		{"WeightsSum", []string{"--weights", badSum}, "row 2: the weights sum to 1.1"},
		{"WeightsHeader", []string{"--weights", badHead}, `column 3 is "epi"`},
		{"WeightsEmpty", []string{"--weights", empty}, "no weight sets"},
		{"QuantileZero", []string{"--quantiles", "0,0.5"}, `Bad --quantiles "0"`},
		{"QuantileOne", []string{"--quantiles", "0.5,1"}, `Bad --quantiles "1"`},
		{"QuantileText", []string{"--quantiles", "median"}, `Bad --quantiles "median"`},
		{"QuantilesEmpty", []string{"--quantiles", ","}, "--quantiles is empty"},
		{"SobolBaseZero", []string{"--sobol-base", "0"}, "--sobol-base must be between 1"},
		{"SobolBaseHuge", []string{"--sobol-base", "100000000"}, "--sobol-base must be between 1"},
		{"SobolBaseRows", []string{"--sobol-base", "10", "--sensitivity-rows", "20"}, "disagree"},
		{"SamplesCountriesAlone", []string{"--samples-countries", "BHR"}, "add --samples"},
		{"SamplesCountryUnknown", []string{"--samples", samples, "--samples-countries", "XXX"}, `"XXX"`},
		{"SamplesCountryTwice", []string{"--samples", samples, "--samples-countries", "BHR,bhr"}, "BHR twice"},
		{"SamplesDir", []string{"--samples", filepath.Join(dir, "no", "x.csv")}, "--samples"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := egdiRun(t, append([]string{"uncertainty", "--replications", "50"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.msg) {
				t.Errorf("status %d, stderr %q; want 2 and %q", code, stderr, tc.msg)
			}
			if _, err := os.Stat(samples); err == nil {
				t.Errorf("%s written", samples)
			}
		})
	}
}

// TestUncertaintyControls: the controls reach the result — weight sets
// are the only weights drawn, a normalisation of chance 0 is never drawn,
// quantiles come in order, the CSV output carries the Sobol table after an
// empty line, and --samples writes one row per replication.
func TestUncertaintyControls(t *testing.T) {
	dir := t.TempDir()
	sets := filepath.Join(dir, "w.csv")
	if err := os.WriteFile(sets, []byte("hci,osi,tii\n0.5,0.2,0.3\n0.3,0.4,0.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	samples := filepath.Join(dir, "s.csv")
	out, stderr, code := egdiRun(t, "uncertainty", "--edition", "2022", "--replications", "300", "--weights", sets,
		"--normalisation", "zscore=0.5,minmax=0,rank=0.5", "--quantiles", "0.25,0.75", "--samples", samples,
		"--samples-countries", "BHR", "--format", "json")
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	var res egdi.UncertaintyResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Vary.WeightSets) != 2 || res.Vary.WeightSets[0] != [3]float64{0.2, 0.3, 0.5} {
		t.Errorf("weight sets %v", res.Vary.WeightSets)
	}
	for _, c := range res.Countries {
		if len(c.RankQuantiles) != 2 || c.RankQuantiles[0] > c.RankQuantiles[1] || c.RankMean < 1 || c.RankMean > float64(len(res.Countries)) {
			t.Fatalf("%s: quantiles %v, mean %v", c.ISO3, c.RankQuantiles, c.RankMean)
		}
	}
	f, err := os.Open(samples)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 301 || strings.Join(rows[0][8:], ",") != "BHR_egdi,BHR_rank" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	norms := map[string]int{}
	for _, r := range rows[1:] {
		w := r[1] + "," + r[2] + "," + r[3]
		if w != "0.2,0.3,0.5" && w != "0.4,0.3,0.3" {
			t.Fatalf("row %s: weights %s are not a given set", r[0], w)
		}
		norms[r[4]]++
	}
	if norms["minmax"] != 0 || norms["z-minmax"] < 100 || norms["rank"] < 100 {
		t.Errorf("normalisations drawn %v, want z-minmax and rank about 150 each, no minmax", norms)
	}

	out, stderr, code = egdiRun(t, "uncertainty", "--edition", "2022", "--replications", "100", "--sobol-base", "64",
		"--countries", "BHR", "--format", "csv")
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	parts := strings.SplitN(out, "\n\n", 2)
	if len(parts) != 2 || !strings.HasPrefix(parts[1], "output,factor,first,first_lo,first_hi,total,total_lo,total_hi\n") ||
		!strings.Contains(parts[1], "\nrank_BHR,weights,") {
		t.Errorf("CSV without the Sobol section after an empty line:\n%s", out)
	}
}

// FuzzReadWeightSets: any file either reads into weight sets that the
// domain accepts or fails with EINVALID naming the file; never a panic.
func FuzzReadWeightSets(f *testing.F) {
	for _, s := range []string{"osi,tii,hci\n0.3,0.3,0.4\n", "hci,osi,tii\n1,0,0\n", "osi,tii\n0.5,0.5\n", "osi,tii,hci\n0.3,0.3\n",
		"\ufeffosi,tii,hci\n0.2,0.2,0.6\n", "osi,tii,hci\nNaN,0,1\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := filepath.Join(t.TempDir(), "w.csv")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		sets, err := readWeightSets(p)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID || !strings.Contains(egdi.ErrorMessage(err), p) {
				t.Fatalf("error %v (code %s) does not name the file", err, egdi.ErrorCode(err))
			}
			return
		}
		v := egdi.Vary{Weights: true, WeightSets: sets}
		o := egdi.UncertaintyOptions{Replications: 1, Vary: v}
		if err := o.Validate(); err != nil {
			t.Fatalf("sets %v rejected: %v", sets, err)
		}
	})
}
