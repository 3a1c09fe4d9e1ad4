package egdi_test

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// within reports whether got is within tol of want.
func within(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// synthetic is the toy data set of METHODOLOGY §9.5 (not UN data).
func synthetic() *egdi.Inputs {
	in := egdi.NewInputs([]egdi.ISO3{"AAA", "BBB", "CCC", "DDD"})
	rows := []struct {
		tii [4]float64 // internet, mobile, active mobile BB, fixed BB
		hci [4]float64 // literacy, GER, EYS, MYS
		osi float64    // raw points
	}{
		{[4]float64{95, 130, 110, 40}, [4]float64{99, 100, 18, 13}, 150},
		{[4]float64{70, 115, 80, 20}, [4]float64{95, 90, 15, 10}, 120},
		{[4]float64{30, 80, 35, 2}, [4]float64{70, 60, 10, 5}, 60},
		{[4]float64{10, 45, 12, 0.1}, [4]float64{30, 35, 6, 2}, 10},
	}
	for i, r := range rows {
		for k, ind := range []egdi.Indicator{egdi.InternetUsers, egdi.MobileSubscriptions, egdi.ActiveMobileBroadband, egdi.FixedBroadband} {
			in.Set(ind, i, r.tii[k])
		}
		for k, ind := range []egdi.Indicator{egdi.AdultLiteracy, egdi.GrossEnrolment, egdi.ExpectedSchooling, egdi.MeanSchooling} {
			in.Set(ind, i, r.hci[k])
		}
		in.Set(egdi.OSIPoints, i, r.osi)
	}
	return in
}

// TestSyntheticVectors reproduces METHODOLOGY §9.5 to 1e-6.
func TestSyntheticVectors(t *testing.T) {
	m, _ := egdi.MethodFor(2022)
	r, err := m.Compute(synthetic())
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-6 // the vectors are given to 6 decimals
	for _, tc := range []struct {
		name string
		got  []float64
		want []float64
	}{
		{"TII cap 120, z, mean, min-max", r.TII, []float64{1, 0.707997, 0.246055, 0}},
		{"HCI 1/3,2/9,2/9,2/9 on z, min-max", r.HCI, []float64{1, 0.829144, 0.411893, 0}},
		{"OSI min-max of points", r.OSI, []float64{1, 0.785714, 0.357143, 0}},
		{"EGDI mean", r.EGDI, []float64{1, 0.774285, 0.338364, 0}},
	} {
		for i := range tc.want {
			if !within(tc.got[i], tc.want[i], tol) {
				t.Errorf("%s: country %d = %.6f, want %.6f (±%g)", tc.name, i, tc.got[i], tc.want[i], tol)
			}
		}
	}
	wantGroups := []egdi.Group{egdi.VeryHigh, egdi.VeryHigh, egdi.Middle, egdi.Low}
	for i, s := range r.Scores {
		if s.Group != wantGroups[i] {
			t.Errorf("country %d group %s, want %s", i, s.Group, wantGroups[i])
		}
	}
	// The same composite with sample σ: min–max cancels the common factor.
	mean, sd, n := egdi.MeanStd([]float64{95, 70, 30, 10})
	if !within(sd, 33.236840, 1e-6) || n != 4 || !within(mean, 51.25, 1e-12) {
		t.Errorf("population σ of Internet users = %.6f (mean %.4f, n %d), want 33.236840", sd, mean, n)
	}
}

// tiiInputs returns the built-in ITU inputs of the TII for data year y,
// keeping the countries that have all of them and a published TII.
func tiiInputs(t testing.TB, edition int) (*egdi.Method, *egdi.Inputs, map[egdi.ISO3]float64) {
	d := builtin.MustDataset()
	m, err := egdi.MethodFor(edition)
	if err != nil {
		t.Fatal(err)
	}
	published := map[egdi.ISO3]float64{}
	var cs []egdi.ISO3
	for _, r := range d.Published[edition] {
		if r.Assessed {
			published[r.ISO3] = r.TII
			cs = append(cs, r.ISO3)
		}
	}
	all := egdi.LatestInputs(d.Observations, cs, m.TII.Inputs, m.DataYear, egdi.GapYears)
	in := all.Subset(func(i int) bool {
		for _, ind := range m.TII.Inputs {
			if math.IsNaN(all.Get(ind, i)) {
				return false
			}
		}
		return true
	})
	// Other components as published, so the edition can be computed.
	for i, c := range in.Countries {
		for _, r := range d.Published[edition] {
			if r.ISO3 == c {
				in.Set(egdi.OSI, i, r.OSI)
				in.Set(egdi.HCI, i, r.HCI)
				in.Set(egdi.EPI, i, r.EPI)
			}
		}
	}
	return m, in, published
}

// TestTII2022Rebuild rebuilds the 2022 TII from the built-in ITU data
// (data year 2020, cap 120, z-scores with population σ, mean, min–max):
// at least 187 of the 188 countries with all four inputs are within 0.005
// of the published TII (METHODOLOGY §4.1; the outlier is Dominica).
func TestTII2022Rebuild(t *testing.T) {
	m, in, published := tiiInputs(t, 2022)
	if in.Len() != 188 {
		t.Fatalf("%d countries with all four 2020 inputs, want 188", in.Len())
	}
	r, err := m.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 0.005 // the ITU file is a later vintage than the UN's frozen inputs
	var close int
	var residuals []float64
	for i, c := range r.Countries {
		d := math.Abs(r.TII[i] - published[c])
		residuals = append(residuals, d)
		if d <= tol {
			close++
		} else {
			t.Logf("%s: rebuilt %.4f, published %.4f", c, r.TII[i], published[c])
		}
	}
	if close < 187 {
		t.Errorf("%d of %d countries within %.3f, want ≥ 187", close, in.Len(), tol)
	}
	sort.Float64s(residuals)
	t.Logf("TII 2022 rebuild: %d/%d within %.3f, median |Δ| %.5f", close, in.Len(), tol, residuals[len(residuals)/2])
	// Bahrain: inputs 99.67 / 102.77 / 109.38 / 8.75 → 0.7470 (published 0.7444).
	if i := in.Index("BHR"); i < 0 || !within(r.TII[i], 0.7470, 0.0005) {
		t.Errorf("Bahrain TII rebuilt = %v, want 0.7470 ± 0.0005", r.TII[i])
	}
	// The cap matters: without it most countries miss (METHODOLOGY §4.1).
	nocap := *m
	nocap.TII.Cap = 0
	r2, _ := nocap.Compute(in)
	miss := 0
	for i, c := range r2.Countries {
		if math.Abs(r2.TII[i]-published[c]) > tol {
			miss++
		}
	}
	if miss < 100 {
		t.Errorf("without the cap only %d countries miss; the test cannot tell the cap's effect", miss)
	}
}

func mustData(tb testing.TB) *egdi.Dataset {
	d, err := builtin.Dataset()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TestComputeRefusesBadInputs: inputs that reach Compute without passing
// through a file reader (the API, scenarios) are checked there: EINVALID
// with a message naming the country and the input, never a result.
func TestComputeRefusesBadInputs(t *testing.T) {
	m, err := egdi.MethodFor(2022)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		codes   []egdi.ISO3
		ind     egdi.Indicator
		country int
		v       float64
		want    string
	}{
		{"duplicate country", []egdi.ISO3{"BHR", "ARE", "BHR"}, egdi.OSIPoints, 0, 1, "BHR appears twice"},
		{"not a code", []egdi.ISO3{"BHR", "ARE", "bh"}, egdi.OSIPoints, 0, 1, `"bh" is not an ISO3`},
		{"above the bound", []egdi.ISO3{"BHR", "ARE", "QAT"}, egdi.HCI, 1, 2, "ARE: hci = 2 is above 1.5"},
		{"negative", []egdi.ISO3{"BHR", "ARE", "QAT"}, egdi.OSIPoints, 2, -1, "QAT: osi_points = -1 is below 0"},
		{"infinite points", []egdi.ISO3{"BHR", "ARE", "QAT"}, egdi.OSIPoints, 2, math.Inf(1), "QAT: osi_points must be a finite number"},
		{"missing points", []egdi.ISO3{"BHR", "ARE", "QAT"}, egdi.OSIPoints, 1, math.NaN(), "ARE: osi_points is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := egdi.NewInputs(tc.codes)
			for i := range tc.codes {
				in.Set(egdi.OSIPoints, i, float64(10*i))
				in.Set(egdi.TII, i, 0.5)
				in.Set(egdi.HCI, i, 0.5)
			}
			in.Set(tc.ind, tc.country, tc.v)
			r, err := m.Compute(in)
			if err == nil {
				t.Fatalf("no error; scores %+v", r.Scores)
			}
			if egdi.ErrorCode(err) != egdi.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q (%s), want EINVALID containing %q", err, egdi.ErrorCode(err), tc.want)
			}
		})
	}
}
