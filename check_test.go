package egdi_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// TestCheckBuiltinEditions runs the edition check on every built-in
// edition with its own method: everything passes but the two named 2008
// anomalies of TestPublishedEGDI (Cameroon and Cambodia, Q11).
func TestCheckBuiltinEditions(t *testing.T) {
	d := builtin.MustDataset()
	for _, y := range egdi.Editions {
		m, _ := egdi.MethodFor(y)
		ck := egdi.CheckEdition(m, d.Published[y])
		if ck.Edition != y || ck.MethodFrom != y || len(ck.Checks) != 3 {
			t.Fatalf("%d: %+v", y, ck)
		}
		for _, k := range ck.Checks {
			want := []egdi.ISO3{}
			if y == 2008 && k.Name == egdi.CheckEGDI {
				want = []egdi.ISO3{"CMR", "KHM"}
			}
			if !slices.Equal(k.Examples, want) || k.Failed != len(want) || k.Passed+k.Failed < 191 {
				t.Errorf("%d %s: %d passed, %d failed %v; want failing %v", y, k.Name, k.Passed, k.Failed, k.Examples, want)
			}
		}
	}
}

// edition2026 returns the 2024 records as a 2026 edition whose EGDI is
// w·(OSI, TII, HCI) rounded to 5 dp and whose ranks are competition ranks
// of it (or dense ranks).
func edition2026(w egdi.Weights, dense bool) []egdi.Record {
	var recs []egdi.Record
	for _, r := range builtin.MustDataset().Published[2024] {
		r.Edition = 2026
		r.EGDI = math.Round((w.OSI*r.OSI+w.TII*r.TII+w.HCI*r.HCI)*1e5) / 1e5
		recs = append(recs, r)
	}
	vals := make([]float64, 0, len(recs))
	for _, r := range recs {
		vals = append(vals, r.EGDI)
	}
	slices.Sort(vals)
	vals = slices.Compact(vals)
	for i := range recs {
		recs[i].Rank = 1
		for _, o := range recs {
			if o.EGDI > recs[i].EGDI {
				recs[i].Rank++
			}
		}
		if dense {
			k, _ := slices.BinarySearch(vals, recs[i].EGDI)
			recs[i].Rank = len(vals) - k
		}
	}
	return recs
}

func TestCheckLaterEdition(t *testing.T) {
	equal := egdi.Weights{OSI: 1.0 / 3, TII: 1.0 / 3, HCI: 1.0 / 3}
	m, err := egdi.MethodFor(2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		recs    []egdi.Record
		failing map[string]bool
		suggest map[string]string
	}{
		{"AssumedMethodHolds", edition2026(equal, false), nil, nil},
		{"OtherWeights", edition2026(egdi.Weights{OSI: 0.5, TII: 0.25, HCI: 0.25}, false),
			map[string]bool{egdi.CheckEGDI: true, egdi.CheckGroups: true},
			map[string]string{egdi.CheckEGDI: "OSI 0.5000, TII 0.2500, HCI 0.2500", egdi.CheckGroups: "depend on the method"}},
		{"DenseRanks", edition2026(equal, true), map[string]bool{egdi.CheckRanks: true},
			map[string]string{egdi.CheckRanks: "the dense rule reproduces 193 of 193"}},
		// The published 2024 file as it is: its EGDI came from unrounded
		// components (Q6), which the check of a new edition names.
		{"UnroundedComponents", func() []egdi.Record {
			var rs []egdi.Record
			for _, r := range builtin.MustDataset().Published[2024] {
				r.Edition = 2026
				rs = append(rs, r)
			}
			return rs
		}(), map[string]bool{egdi.CheckEGDI: true}, map[string]string{egdi.CheckEGDI: "unrounded, unpublished components"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ck := egdi.CheckEdition(m, tc.recs)
			if ck.Edition != 2026 || ck.MethodFrom != 2024 {
				t.Fatalf("edition %d from %d", ck.Edition, ck.MethodFrom)
			}
			for _, k := range ck.Checks {
				switch {
				case tc.failing[k.Name] && (k.Failed == 0 || len(k.Examples) == 0 || !strings.Contains(k.Suggestion, tc.suggest[k.Name])):
					t.Errorf("%s: %+v; want failures named and a suggestion with %q", k.Name, k, tc.suggest[k.Name])
				case !tc.failing[k.Name] && (k.Failed != 0 || k.Passed != 193 || k.Suggestion != ""):
					t.Errorf("%s: %+v; want 193 passing", k.Name, k)
				}
			}
		})
	}
}

// TestCheckFitsWeights: for any weights, a file made with them passes
// egdi_from_components exactly when the weights are the assumed ones
// within a tenth of a per cent, and otherwise the fitted weights recover
// them (within 2e-4: the values are rounded to 5 dp).
func TestCheckFitsWeights(t *testing.T) {
	m, _ := egdi.MethodFor(2026)
	rapid.Check(t, func(t *rapid.T) {
		o := rapid.Float64Range(0.2, 0.6).Draw(t, "osi")
		ti := rapid.Float64Range(0.2, 0.6).Draw(t, "tii")
		w := egdi.Weights{OSI: o, TII: ti, HCI: 1 - o - ti}
		if w.HCI < 0.05 {
			t.Skip("HCI weight too small")
		}
		k := egdi.CheckEdition(m, edition2026(w, false)).Checks[0]
		near := math.Abs(o-1.0/3) < 1e-3 && math.Abs(ti-1.0/3) < 1e-3
		if !near && k.Failed == 0 {
			t.Fatalf("weights %+v pass egdi_from_components", w)
		}
		if k.Failed > 0 {
			f := k.FittedWeights
			if f == nil || math.Abs(f.OSI-w.OSI) > 2e-4 || math.Abs(f.TII-w.TII) > 2e-4 || math.Abs(f.HCI-w.HCI) > 2e-4 {
				t.Fatalf("weights %+v fitted as %+v", w, f)
			}
		}
	})
}

func TestMethodOfLaterEditions(t *testing.T) {
	for _, tc := range []struct {
		year int
		ok   bool
	}{{2026, true}, {2028, true}, {2100, true}, {2025, false}, {2007, false}, {2102, false}, {2024, true}} {
		m, err := egdi.MethodFor(tc.year)
		if (err == nil) != tc.ok {
			t.Errorf("MethodFor(%d): %v, want ok %v", tc.year, err, tc.ok)
			continue
		}
		if err != nil {
			continue
		}
		later := tc.year > egdi.LatestEdition
		if later != (m.MethodFrom == egdi.LatestEdition) || m.Edition != tc.year {
			t.Errorf("%d: method from %d", tc.year, m.MethodFrom)
		}
		for _, p := range m.Params {
			if later != egdi.IsAssumed(p.Status) {
				t.Errorf("%d: parameter %s is %q", tc.year, p.Name, p.Status)
			}
		}
	}
	m, _ := egdi.MethodFor(2026)
	base, _ := egdi.MethodFor(2024)
	if m.Weights != base.Weights || m.Cutoffs != base.Cutoffs || m.EGDIPrecision != base.EGDIPrecision || m.DataYear != 2024 || len(m.Params) < 10 {
		t.Errorf("2026 method %s, data year %d, %d params: want the 2024 method with data year 2024", m, m.DataYear, len(m.Params))
	}
}
