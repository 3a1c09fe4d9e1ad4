package egdi_test

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
)

// runSeq runs a model on one reference kernel, in order (the fast kernel
// and the parallel runner are in internal/montecarlo and tested there,
// against this one).
func runSeq(t testing.TB, md *egdi.Model) *egdi.UncertaintyResult {
	t.Helper()
	k := md.NewWorker(md.NewReferenceKernel())
	for i := range uint64(md.Options.Replications) {
		k.Replicate(i)
	}
	for j := range uint64(md.SensitivityRows()) {
		k.SensitivityRow(j)
	}
	return md.Result(k)
}

func mustModel(t testing.TB, year int, level egdi.Level, o egdi.UncertaintyOptions) *egdi.Model {
	t.Helper()
	md, err := egdi.NewModel(mustBase(t, year, level), o)
	if err != nil {
		t.Fatal(err)
	}
	return md
}

// TestUncertaintyZeroVariation: with nothing varied every replication is
// the baseline, so each country's interval is degenerate at its own rank,
// for every edition and both levels (the kernel reproduces the base's
// ranking: competition ties, the 2020 ordinal rule, zero rules).
func TestUncertaintyZeroVariation(t *testing.T) {
	for _, y := range egdi.Editions {
		for _, level := range []egdi.Level{egdi.ComponentLevel, egdi.RawLevel} {
			if level == egdi.RawLevel && y < 2014 {
				continue
			}
			t.Run(fmt.Sprintf("%d-%s", y, level), func(t *testing.T) {
				md := mustModel(t, y, level, egdi.UncertaintyOptions{Replications: 20, Seed: 1})
				res := runSeq(t, md)
				b := md.Base
				for _, c := range res.Countries {
					want := b.Score(c.ISO3)
					if c.Rank != want.EGDIRank || c.RankMedian != c.Rank || c.RankP05 != c.Rank || c.RankP95 != c.Rank {
						t.Errorf("%s: base %d, median %d, 5–95 %d–%d; want all %d", c.ISO3, c.Rank, c.RankMedian, c.RankP05, c.RankP95, want.EGDIRank)
					}
					vh := 0.0
					if want.Group == egdi.VeryHigh {
						vh = 1
					}
					top := 0.0
					if want.EGDIRank <= 10 {
						top = 1
					}
					if c.PVeryHigh != vh || c.PTop10 != top {
						t.Errorf("%s: P(very high) %v, P(top 10) %v; want %v, %v", c.ISO3, c.PVeryHigh, c.PTop10, vh, top)
					}
					if c.Next != "" {
						ahead := 0.0
						if want.EGDIRank < b.Score(c.Next).EGDIRank {
							ahead = 1
						}
						if c.PAheadNext != ahead {
							t.Errorf("%s: P(ahead of %s) %v, want %v", c.ISO3, c.Next, c.PAheadNext, ahead)
						}
					}
				}
				if len(res.Countries) != len(b.Scores) || res.Replications != 20 {
					t.Errorf("%d countries, %d replications", len(res.Countries), res.Replications)
				}
			})
		}
	}
}

// TestUncertaintyKernelMatchesCompute: one replication with drawn weights,
// cap and the UN's normalisation equals Method.Compute with that method —
// the reference kernel is Compute.
func TestUncertaintyKernelMatchesCompute(t *testing.T) {
	b := mustBase(t, 2022, egdi.RawLevel)
	md, err := egdi.NewModel(b, egdi.UncertaintyOptions{Replications: 1, Vary: egdi.Vary{Weights: true, WeightBand: 0.1, Cap: true}})
	if err != nil {
		t.Fatal(err)
	}
	k := md.NewReferenceKernel()
	for _, d := range []egdi.Draw{
		{W: [3]float64{0.25, 0.45, 0.30}, Cap: 150},
		{W: [3]float64{0.40, 0.30, 0.30}, Cap: 0},
		{W: [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, Cap: 100},
	} {
		rank, _ := k.Eval(&d)
		got := md.ByCountry(rank)
		m := *b.Method
		m.Weights = egdi.Weights{OSI: d.W[0], TII: d.W[1], HCI: d.W[2]}
		m.TII.Cap = d.Cap
		b2, err := egdi.RawBase(&m, b.Inputs)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range b2.Scores {
			if got[i] != s.EGDIRank {
				t.Errorf("w %v cap %v: %s kernel rank %d, Compute rank %d", d.W, d.Cap, s.ISO3, got[i], s.EGDIRank)
			}
		}
	}
}

// TestUncertaintyVaried: with every factor varied the intervals contain
// the baseline rank for nearly every country, widen, and the probabilities
// are probabilities; the sensitivity indices are in range.
func TestUncertaintyVaried(t *testing.T) {
	md := mustModel(t, 2022, egdi.RawLevel, egdi.UncertaintyOptions{Replications: 2000, Seed: 42, Vary: egdi.DefaultVary,
		Sensitivity: true, SensitivityRows: 256, Countries: []egdi.ISO3{"BHR", "DNK"}})
	res := runSeq(t, md)
	outside, wide := 0, 0
	for _, c := range res.Countries {
		if c.RankP05 > c.RankMedian || c.RankMedian > c.RankP95 {
			t.Errorf("%s: p05 %d, median %d, p95 %d out of order", c.ISO3, c.RankP05, c.RankMedian, c.RankP95)
		}
		if c.Rank < c.RankP05 || c.Rank > c.RankP95 {
			outside++
		}
		if c.RankP95 > c.RankP05 {
			wide++
		}
		for _, p := range []float64{c.PVeryHigh, c.PTop10, c.PAheadNext} {
			if p < 0 || p > 1 {
				t.Errorf("%s: probability %v", c.ISO3, p)
			}
		}
	}
	if outside > len(res.Countries)/10 || wide < len(res.Countries)*9/10 {
		t.Errorf("%d countries outside their interval, %d with a non-degenerate one", outside, wide)
	}
	s := res.Sensitivity
	if s == nil || s.Rows != 256 || len(s.MeanAbsRankShift) != 5 || len(s.Countries) != 2 {
		t.Fatalf("sensitivity %+v", s)
	}
	sumFirst := 0.0
	for _, x := range s.MeanAbsRankShift {
		// Estimates: a little below 0 or above 1 is sampling error at N = 256.
		if x.Total < -0.1 || x.Total > 1.5 || x.First > x.Total+0.2 {
			t.Errorf("%s: first %v, total %v", x.Factor, x.First, x.Total)
		}
		sumFirst += x.First
	}
	if sumFirst > 1.3 {
		t.Errorf("first-order indices sum to %v", sumFirst)
	}
}

// TestUncertaintyOptions: bad options are EINVALID with a clear message.
func TestUncertaintyOptions(t *testing.T) {
	b := mustBase(t, 2022, egdi.RawLevel)
	for _, tc := range []struct {
		name string
		o    egdi.UncertaintyOptions
		msg  string
	}{
		{"ErrZero", egdi.UncertaintyOptions{Replications: 0}, "at least 1"},
		{"ErrNegative", egdi.UncertaintyOptions{Replications: -5}, "at least 1"},
		{"ErrTooMany", egdi.UncertaintyOptions{Replications: egdi.MaxReplications + 1}, "--force"},
		{"ErrSensitivityNothingVaried", egdi.UncertaintyOptions{Replications: 10, Sensitivity: true}, "varied factor"},
		{"ErrCountriesWithoutSensitivity", egdi.UncertaintyOptions{Replications: 10, Countries: []egdi.ISO3{"BHR"}}, "--sensitivity"},
		{"ErrBand", egdi.UncertaintyOptions{Replications: 10, Vary: egdi.Vary{Weights: true, WeightBand: 0.5}}, "band"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := egdi.NewModel(b, tc.o)
			if egdi.ErrorCode(err) != egdi.EINVALID || !strings.Contains(egdi.ErrorMessage(err), tc.msg) {
				t.Errorf("got %v, want EINVALID containing %q", err, tc.msg)
			}
		})
	}
	forced := egdi.UncertaintyOptions{Replications: egdi.MaxReplications + 1, Force: true}
	if err := forced.Validate(); err != nil {
		t.Errorf("--force: %v", err)
	}
	for _, tc := range []struct {
		in   string
		want egdi.Vary
		err  bool
	}{
		{"weights,normalisation,cap,noise=0.05,aggregation", egdi.DefaultVary, false},
		{"noise", egdi.Vary{Noise: 0.05}, false},
		{"weights=0.2, cap", egdi.Vary{Weights: true, WeightBand: 0.2, Cap: true}, false},
		{"none", egdi.Vary{}, false},
		{"noise=2", egdi.Vary{}, true},
		{"cap=3", egdi.Vary{}, true},
		{"colour", egdi.Vary{}, true},
	} {
		got, err := egdi.ParseVary(tc.in)
		if (err != nil) != tc.err || (err == nil && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("ParseVary(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

// TestRankShare pins the rank normalisation's tie handling.
func TestRankShare(t *testing.T) {
	md := mustModel(t, 2012, egdi.ComponentLevel, egdi.UncertaintyOptions{Replications: 1, Vary: egdi.Vary{Normalisation: true}})
	rank, _ := md.NewReferenceKernel().Eval(&egdi.Draw{W: [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, Norm: egdi.NormRank})
	// Every component is then a rank share: the country best in all three
	// ranks first, and the ranking is a permutation up to ties.
	r := md.ByCountry(rank)
	seen := map[int]int{}
	for _, x := range r {
		seen[x]++
	}
	for x, c := range seen {
		for y := x + 1; y < x+c; y++ {
			if seen[y] != 0 {
				t.Errorf("rank %d shared by %d countries, but rank %d is used", x, c, y)
			}
		}
	}
	if math.Abs(float64(len(r))-193) > 0 {
		t.Errorf("%d ranks", len(r))
	}
}

// FuzzParseVary: any --vary string either parses into a valid Vary (one
// NewModel accepts) or fails with EINVALID; it never panics.
func FuzzParseVary(f *testing.F) {
	for _, s := range []string{"weights,normalisation,cap,noise=0.05,aggregation", "none", "noise", "weights=0.2",
		"noise=0.6", "cap=1", ",,", "weights=NaN", "noise=1e-300"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := egdi.ParseVary(s)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("error %v has code %s", err, egdi.ErrorCode(err))
			}
			return
		}
		o := egdi.UncertaintyOptions{Replications: 1, Vary: v}
		if err := o.Validate(); err != nil {
			t.Fatalf("ParseVary(%q) = %+v, which Validate rejects: %v", s, v, err)
		}
	})
}

// FuzzParseNormalisation: any --normalisation string either parses into
// three chances that Validate accepts or fails with EINVALID.
func FuzzParseNormalisation(f *testing.F) {
	for _, s := range []string{"zscore,minmax,rank", "rank", "zscore=0.6,minmax=0.2,rank=0.2", "z=1", "rank=NaN", ",,", "minmax=0.5,minmax=0.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := egdi.ParseNormalisation(s)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("error %v has code %s", err, egdi.ErrorCode(err))
			}
			return
		}
		o := egdi.UncertaintyOptions{Replications: 1, Vary: egdi.Vary{Normalisation: true, NormalisationP: p}}
		if err := o.Validate(); err != nil {
			t.Fatalf("ParseNormalisation(%q) = %v, which Validate rejects: %v", s, p, err)
		}
	})
}

// FuzzParseQuantiles: any --quantiles string parses into numbers in (0, 1)
// or fails with EINVALID.
func FuzzParseQuantiles(f *testing.F) {
	for _, s := range []string{"0.05,0.25,0.5,0.75,0.95", "0.5", "1", "0", "NaN", "1e-300", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := egdi.ParseQuantiles(s)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("error %v has code %s", err, egdi.ErrorCode(err))
			}
			return
		}
		o := egdi.UncertaintyOptions{Replications: 1, Quantiles: q}
		if err := o.Validate(); err != nil || len(q) == 0 {
			t.Fatalf("ParseQuantiles(%q) = %v: %v", s, q, err)
		}
	})
}

// TestNormalisationChances: the draw honours the chances — a choice of
// chance 0 is never drawn and the others come in proportion (500 draws
// of u on a grid: exact counts).
func TestNormalisationChances(t *testing.T) {
	md := mustModel(t, 2012, egdi.ComponentLevel, egdi.UncertaintyOptions{Replications: 1,
		Vary: egdi.Vary{Normalisation: true, NormalisationP: []float64{0.2, 0, 0.8}}})
	counts := map[egdi.Normalisation]int{}
	for i := range uint64(4000) {
		counts[md.DrawReplication(i).Norm]++
	}
	// Binomial: 800 expected for z-scores, σ = √(4000·0.2·0.8) ≈ 25; 5σ.
	if counts[egdi.NormMinMax] != 0 || math.Abs(float64(counts[egdi.NormZMinMax])-800) > 125 {
		t.Errorf("drawn %v, want about 800 z-minmax, 3200 rank, no minmax", counts)
	}
}

// BenchmarkReferenceReplication measures one replication on the reference
// kernel, every factor varied (compare BenchmarkReplication/raw-2022-all
// in internal/montecarlo/kernel: the fast kernel).
func BenchmarkReferenceReplication(b *testing.B) {
	md := mustModel(b, 2022, egdi.RawLevel, egdi.UncertaintyOptions{Replications: 1, Seed: 1, Vary: egdi.DefaultVary})
	w := md.NewWorker(md.NewReferenceKernel())
	i := uint64(0)
	for b.Loop() {
		w.Replicate(i)
		i++
	}
}
