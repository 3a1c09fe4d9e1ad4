package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// TestNowcastGolden pins the nowcast tables people read, in both languages.
func TestNowcastGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"nowcast_2026", []string{"nowcast"}},
		{"nowcast_2026_ar", []string{"nowcast", "--lang", "ar", "--osi", "BHR=0.95"}},
		{"nowcast_2022_backtest_csv", []string{"nowcast", "--edition", "2022", "--backtest", "--format", "csv"}},
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

// TestNowcastJSONContract checks the fixed JSON shape: exactly the fields
// of the contract, metrics only with --backtest.
func TestNowcastJSONContract(t *testing.T) {
	type doc struct {
		Edition   int              `json:"edition"`
		Backtest  bool             `json:"backtest"`
		Interval  float64          `json:"interval"`
		Countries []map[string]any `json:"countries"`
		Metrics   map[string]any   `json:"metrics"`
	}
	keys := func(m map[string]any) []string {
		var k []string
		for x := range m {
			k = append(k, x)
		}
		slices.Sort(k)
		return k
	}
	for _, tc := range []struct {
		name     string
		args     []string
		edition  int
		backtest bool
	}{
		{"next edition", []string{"nowcast", "--format", "json", "--osi", "BHR=0.99", "--interval", "0.8"}, 2026, false},
		{"backtest", []string{"nowcast", "--edition", "2022", "--backtest", "--format", "json"}, 2022, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := egdiRun(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &top); err != nil {
				t.Fatal(err)
			}
			want := []string{"backtest", "countries", "edition", "interval"}
			if tc.backtest {
				want = []string{"backtest", "countries", "edition", "interval", "metrics"}
			}
			var got []string
			for k := range top {
				got = append(got, k)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("top-level fields %v, want %v", got, want)
			}
			var d doc
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatal(err)
			}
			if d.Edition != tc.edition || d.Backtest != tc.backtest || len(d.Countries) < 190 {
				t.Errorf("edition %d backtest %v with %d countries", d.Edition, d.Backtest, len(d.Countries))
			}
			if k := keys(d.Countries[0]); !slices.Equal(k, []string{"egdi", "hci", "iso3", "osi", "rank", "rank_high", "rank_low", "tii"}) {
				t.Errorf("country fields %v", k)
			}
			if tc.backtest {
				if k := keys(d.Metrics); !slices.Equal(k, []string{"baseline_median_abs_rank_error", "coverage", "mean_abs_rank_error", "median_abs_rank_error", "spearman"}) {
					t.Errorf("metrics fields %v", k)
				}
				if d.Metrics["median_abs_rank_error"].(float64) > 4 {
					t.Errorf("2022 median abs rank error %v > 4", d.Metrics["median_abs_rank_error"])
				}
			} else {
				if d.Interval != 0.8 {
					t.Errorf("interval %v", d.Interval)
				}
				for _, c := range d.Countries {
					if c["iso3"] == "BHR" && c["osi"] != 0.99 {
						t.Errorf("BHR osi %v, want the --osi value 0.99", c["osi"])
					}
				}
			}
		})
	}
}

// TestNowcastBadInput: every bad input stops with exit status 2 and a
// message naming the problem.
func TestNowcastBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"published edition without --backtest", []string{"nowcast", "--edition", "2024"}, "Edition 2024 is published: use --backtest"},
		{"backtest of an unpublished edition", []string{"nowcast", "--edition", "2026", "--backtest"}, "2026 is not published"},
		{"not an edition", []string{"nowcast", "--edition", "2013"}, "2013 is not an edition"},
		{"unknown country in --osi", []string{"nowcast", "--osi", "XYZ=0.5"}, `unknown country "XYZ"`},
		{"OSI above 1", []string{"nowcast", "--osi", "BHR=1.5"}, "BHR=1.5: an OSI is between 0 and 1"},
		{"OSI below 0", []string{"nowcast", "--osi", "BHR=-0.2"}, "an OSI is between 0 and 1"},
		{"OSI not a number", []string{"nowcast", "--osi", "BHR=high"}, `"high" is not a number`},
		{"OSI without =", []string{"nowcast", "--osi", "BHR"}, "write ISO3=V"},
		{"country twice", []string{"nowcast", "--osi", "BHR=0.5", "--osi", "Bahrain=0.6"}, "BHR is given twice"},
		{"interval outside (0,1)", []string{"nowcast", "--interval", "90"}, "Interval 90 is not a coverage"},
		{"bad format", []string{"nowcast", "--format", "xml"}, "Unknown --format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := egdiRun(t, tc.args...)
			if code != exitInvalid || !strings.Contains(errs, tc.want) || out != "" {
				t.Errorf("exit %d, stderr %q, stdout %d bytes; want exit 2 naming %q", code, errs, len(out), tc.want)
			}
		})
	}
}

// TestNowcastLeakageCLI runs the command on a dataset whose 2022 and 2024
// editions and 2022+ observations are all changed: the countries of the
// 2022 backtest are byte-identical to those on the built-in data.
func TestNowcastLeakageCLI(t *testing.T) {
	b := builtin.MustDataset()
	changed := &egdi.Dataset{Countries: b.Countries, Published: map[int][]egdi.Record{}}
	for y, recs := range b.Published {
		recs = slices.Clone(recs)
		if y >= 2022 {
			for i := range recs {
				recs[i].OSI, recs[i].TII, recs[i].HCI, recs[i].EGDI = 0.5, 0.5, 0.5, 0.5
				recs[i].Rank = 1
			}
		}
		changed.Published[y] = recs
	}
	for _, o := range b.Observations {
		if o.Year >= 2022 {
			o.Value /= 2
		}
		changed.Observations = append(changed.Observations, o)
	}
	runWith := func(d *egdi.Dataset) []byte {
		var out, errb bytes.Buffer
		a := &app{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb}
		a.dataset = func(context.Context) (*egdi.Dataset, error) { return d, nil }
		root := a.rootCmd()
		root.SetArgs([]string{"nowcast", "--edition", "2022", "--backtest", "--format", "json"})
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Countries json.RawMessage `json:"countries"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Countries
	}
	if a, c := runWith(b), runWith(changed); !bytes.Equal(a, c) {
		t.Fatal("the 2022 nowcast changed when 2022 data changed")
	}
}

// FuzzParseOSIFlags: any --osi values either fail with an EINVALID
// message or give codes of known countries, each once, with the number
// written after the '='.
func FuzzParseOSIFlags(f *testing.F) {
	d := builtin.MustDataset()
	for _, s := range []string{"BHR=0.95", "Bahrain=1", "XYZ=0.5", "BHR", "BHR=", "=0.5", "BHR=NaN", "bhr=1e-3", "BHR=0.5=1"} {
		f.Add(s, "ARE=0.2")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		m, err := parseOSIFlags(d, []string{a, b}, "=")
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("%q %q: %v is not EINVALID", a, b, err)
			}
			return
		}
		if len(m) != 2 {
			t.Fatalf("%q %q: %d countries", a, b, len(m))
		}
		for c := range m {
			if d.Countries.Get(c) == nil {
				t.Fatalf("unknown country %s accepted", c)
			}
		}
	})
}
