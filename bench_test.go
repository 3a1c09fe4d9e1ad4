package egdi_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/egdi-project/egdi"
)

// rawEdition returns 2022 inputs that are raw for every component: the
// built-in ITU values for TII (188 countries), and for HCI, OSI and EPI
// raw values drawn once from a fixed seed (the UNESCO and questionnaire
// inputs are not published).
func rawEdition(b *testing.B) (*egdi.Method, *egdi.Inputs) {
	m, in, _ := tiiInputs(b, 2022)
	r := rand.New(rand.NewPCG(2022, 1))
	for i := range in.Countries {
		in.Set(egdi.AdultLiteracy, i, 40+60*r.Float64())
		in.Set(egdi.GrossEnrolment, i, 30+90*r.Float64())
		in.Set(egdi.ExpectedSchooling, i, 5+13*r.Float64())
		in.Set(egdi.MeanSchooling, i, 1+13*r.Float64())
		in.Set(egdi.OSIPoints, i, float64(r.IntN(170)))
		in.Set(egdi.EPIPoints, i, float64(r.IntN(88)))
	}
	in.Values[egdi.OSI], in.Values[egdi.HCI], in.Values[egdi.EPI] = nil, nil, nil
	return m, in
}

// BenchmarkComputeRaw computes one whole edition (188 countries) from raw
// inputs: TII and HCI from their indicators, OSI and EPI from points, then
// rounding, five rankings, groups and rating classes. Target ≤ 50 µs.
func BenchmarkComputeRaw(b *testing.B) {
	m, in := rawEdition(b)
	r, err := m.Compute(in)
	if err != nil {
		b.Fatal(err)
	}
	if r.Sources.TII != "raw" || r.Sources.HCI != "raw" || r.Sources.OSI != "points" {
		b.Fatalf("sources %v, want raw/raw/points", r.Sources)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Compute(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublishedEdition builds the published scores of one edition
// (the work behind `egdi rank`).
func BenchmarkPublishedEdition(b *testing.B) {
	d := mustData(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Edition(2024); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineSort sorts 188 float64 values: a fixed yardstick measured
// in the same run, so figures from a noisy machine can be compared
// (ComputeRaw does five such sorts plus the arithmetic).
func BenchmarkBaselineSort(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	src := make([]float64, 188)
	for i := range src {
		src[i] = r.Float64()
	}
	buf := make([]float64, len(src))
	for b.Loop() {
		copy(buf, src)
		slices.Sort(buf)
	}
}
