package kernel_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"syscall"
	"testing"

	"pgregory.net/rapid"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/montecarlo/kernel"
)

var (
	basesMu sync.Mutex
	bases   = map[string]*egdi.Base{}
)

// mustBase returns the base of an edition at a level, built once.
func mustBase(t testing.TB, year int, level egdi.Level) *egdi.Base {
	t.Helper()
	basesMu.Lock()
	defer basesMu.Unlock()
	key := fmt.Sprint(year, level)
	if b := bases[key]; b != nil {
		return b
	}
	b, err := egdi.NewBase(builtin.MustDataset(), year, level)
	if err != nil {
		t.Fatal(err)
	}
	bases[key] = b
	return b
}

func mustModel(t testing.TB, year int, level egdi.Level, o egdi.UncertaintyOptions) *egdi.Model {
	t.Helper()
	md, err := egdi.NewModel(mustBase(t, year, level), o)
	if err != nil {
		t.Fatal(err)
	}
	return md
}

// runSeq runs a model's replications on one worker, in order.
func runSeq(md *egdi.Model, ev egdi.Evaluator) *egdi.UncertaintyResult {
	w := md.NewWorker(ev)
	for i := range uint64(md.Options.Replications) {
		w.Replicate(i)
	}
	for j := range uint64(md.SensitivityRows()) {
		w.SensitivityRow(j)
	}
	return md.Result(w)
}

// TestMatchesReference is the kernel's contract: for random editions,
// levels and options (every factor on or off; weight model band, noise or
// sets; every subset of the normalisations with random chances; any σ)
// and random seeds and replications, the fast kernel's ranks and very-high flags equal the
// reference kernel's exactly and its scores are within 1e-12 (the table
// logarithm and exponential of the geometric mean are accurate to about
// 4e-13; the noisy z-scores' one-pass variance to about 1e-15).
func TestMatchesReference(t *testing.T) {
	type key struct {
		year  int
		level egdi.Level
	}
	var cases []key
	for _, y := range egdi.Editions {
		cases = append(cases, key{y, egdi.ComponentLevel})
		if y >= 2014 {
			cases = append(cases, key{y, egdi.RawLevel})
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		c := rapid.SampledFrom(cases).Draw(rt, "base")
		v := egdi.Vary{
			Weights:       rapid.Bool().Draw(rt, "weights"),
			Normalisation: rapid.Bool().Draw(rt, "normalisation"),
			Cap:           rapid.Bool().Draw(rt, "cap"),
			Aggregation:   rapid.Bool().Draw(rt, "aggregation"),
		}
		if v.Weights {
			switch rapid.SampledFrom([]string{"band", "noise", "sets"}).Draw(rt, "weight model") {
			case "band":
				v.WeightBand = rapid.Float64Range(0.001, 1.0/3).Draw(rt, "band")
			case "noise":
				v.WeightNoise = rapid.Float64Range(0.001, 0.999).Draw(rt, "weight noise")
			case "sets":
				// Each weight 0, 1 or in [0.01, 0.98]: a weight within
				// 1e-12 of 0 or 1 (not exactly) puts a geometric mean
				// within 1e-13 of a given index, on its rounding boundary,
				// where the tables' 1e-13 decides the published digit.
				for range rapid.IntRange(1, 4).Draw(rt, "sets") {
					var w [3]float64
					k := rapid.IntRange(0, 2).Draw(rt, "first")
					switch rapid.IntRange(1, 3).Draw(rt, "non-zero weights") {
					case 1:
						w[k] = 1
					case 2:
						w[k] = rapid.Float64Range(0.01, 0.99).Draw(rt, "w")
						w[(k+1)%3] = 1 - w[k]
					case 3:
						w[k] = rapid.Float64Range(0.01, 0.98).Draw(rt, "w")
						w[(k+1)%3] = rapid.Float64Range(0.01, 0.99-w[k]).Draw(rt, "w")
						w[(k+2)%3] = 1 - w[k] - w[(k+1)%3]
					}
					v.WeightSets = append(v.WeightSets, w)
				}
			}
		}
		if v.Normalisation {
			// Any non-empty subset of the three, with random chances.
			subset := rapid.IntRange(1, 7).Draw(rt, "normalisation subset")
			p := make([]float64, 3)
			sum := 0.0
			for k := range p {
				if subset&(1<<k) != 0 {
					p[k] = rapid.Float64Range(0.05, 1).Draw(rt, "chance")
					sum += p[k]
				}
			}
			for k := range p {
				p[k] /= sum
			}
			v.NormalisationP = p
		}
		if rapid.Bool().Draw(rt, "noisy") {
			v.Noise = rapid.Float64Range(0.001, 0.5).Draw(rt, "noise")
		}
		seed := rapid.Uint64().Draw(rt, "seed")
		md := mustModel(t, c.year, c.level, egdi.UncertaintyOptions{Replications: 1, Seed: seed, Vary: v})
		fast, ref := kernel.New(md).NewKernel(), md.NewReferenceKernel()
		for range 3 {
			i := rapid.Uint64().Draw(rt, "replication")
			d := md.DrawReplication(i)
			fr, fv := fast.Eval(&d)
			rr, rv := ref.Eval(&d)
			for p := range rr {
				if fr[p] != rr[p] || fv[p] != rv[p] {
					iso := md.Base.Inputs.Countries[md.Order[p]]
					rt.Fatalf("%v draw %+v: %s rank %d very high %v, reference %d %v (scores %.17g, %.17g)",
						c, d, iso, fr[p], fv[p], rr[p], rv[p], fast.Scores()[p], ref.Scores()[p])
				}
				if diff := math.Abs(fast.Scores()[p] - ref.Scores()[p]); !(diff <= 1e-12) {
					rt.Fatalf("draw %+v: place %d score %.17g, reference %.17g (|Δ| %g > 1e-12)", d, p, fast.Scores()[p], ref.Scores()[p], diff)
				}
			}
		}
	})
}

// TestSummaryMatchesReference: a fixed seed's summary from the fast kernel
// run in parallel (the goldens' road) agrees with the reference kernel's
// summary of the same replications — here identical, since the kernels
// agree replication by replication — and with the reference summary of an
// independent seed within Monte Carlo error: each country's median within
// the half-width of its 5–95 % interval plus 2 ranks, each probability
// within 5 standard errors (√(p(1−p)/N) for two independent runs, ×√2),
// plus 0.01. A golden that drifts (a kernel changed by more than float
// noise) fails the first comparison; a summary that is wrong for a
// reason shared by both seeds fails neither, which is what
// TestMatchesReference is for.
func TestSummaryMatchesReference(t *testing.T) {
	const n = 4000
	o := egdi.UncertaintyOptions{Replications: n, Seed: 7, Vary: egdi.DefaultVary}
	md := mustModel(t, 2022, egdi.RawLevel, o)
	fast := runSeq(md, kernel.New(md).NewKernel())
	same := runSeq(md, md.NewReferenceKernel())
	o.Seed = 8
	md2 := mustModel(t, 2022, egdi.RawLevel, o)
	other := runSeq(md2, md2.NewReferenceKernel())
	for i, c := range fast.Countries {
		if !reflect.DeepEqual(c, same.Countries[i]) {
			t.Errorf("%s: fast %+v, reference %+v", c.ISO3, c, same.Countries[i])
		}
		r := other.Countries[i]
		tol := float64(r.RankP95-r.RankP05)/2 + 2
		if math.Abs(float64(c.RankMedian-r.RankMedian)) > tol {
			t.Errorf("%s: median %d, reference (seed 8) %d, tolerance %v", c.ISO3, c.RankMedian, r.RankMedian, tol)
		}
		for _, pp := range [][3]any{{"very high", c.PVeryHigh, r.PVeryHigh}, {"top 10", c.PTop10, r.PTop10}, {"ahead", c.PAheadNext, r.PAheadNext}} {
			a, b := pp[1].(float64), pp[2].(float64)
			pm := (a + b) / 2
			if tol := 5*math.Sqrt(2*pm*(1-pm)/n) + 0.01; math.Abs(a-b) > tol {
				t.Errorf("%s: P(%s) %v, reference (seed 8) %v, tolerance %v", c.ISO3, pp[0], a, b, tol)
			}
		}
	}
}

// TestZeroVariation: with nothing varied the fast kernel gives every
// edition's baseline ranking at both levels (with noise it rebuilds the
// composites, without it uses the precomputed ones: both reproduce
// Compute's z-scores to the bit).
func TestZeroVariation(t *testing.T) {
	for _, y := range egdi.Editions {
		for _, level := range []egdi.Level{egdi.ComponentLevel, egdi.RawLevel} {
			if level == egdi.RawLevel && y < 2014 {
				continue
			}
			md := mustModel(t, y, level, egdi.UncertaintyOptions{Replications: 5, Seed: 1})
			res := runSeq(md, kernel.New(md).NewKernel())
			for _, c := range res.Countries {
				if c.RankP05 != c.Rank || c.RankP95 != c.Rank {
					t.Errorf("%d %s %s: 5–95 %d–%d, want %d", y, level, c.ISO3, c.RankP05, c.RankP95, c.Rank)
				}
			}
		}
	}
}

// BenchmarkReplication measures one replication on one core, every factor
// varied; the ns/op figure is the time per replication per core.
func BenchmarkReplication(b *testing.B) {
	for _, tc := range []struct {
		name  string
		year  int
		level egdi.Level
		vary  egdi.Vary
	}{
		{"raw-2022-all", 2022, egdi.RawLevel, egdi.DefaultVary},
		{"raw-2022-weights", 2022, egdi.RawLevel, egdi.Vary{Weights: true, WeightBand: 0.1}},
		{"raw-2022-noise", 2022, egdi.RawLevel, egdi.Vary{Noise: 0.05}},
		{"component-2010-all", 2010, egdi.ComponentLevel, egdi.DefaultVary},
	} {
		b.Run(tc.name, func(b *testing.B) {
			md := mustModel(b, tc.year, tc.level, egdi.UncertaintyOptions{Replications: 1, Seed: 1, Vary: tc.vary})
			k := md.NewWorker(kernel.New(md).NewKernel())
			b.ReportAllocs()
			i := uint64(0)
			c0 := cpuTime()
			for b.Loop() {
				k.Replicate(i)
				i++
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(i), "cpu-ns/op")
		})
	}
	// A yardstick measured in the same run: sorting 193 float64 values with
	// the standard library, so figures from a busy machine can be compared.
	b.Run("yardstick-sort-193", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		src := make([]float64, 193)
		for i := range src {
			src[i] = r.Float64()
		}
		v := make([]float64, 193)
		c0, k := cpuTime(), 0
		for b.Loop() {
			copy(v, src)
			slices.Sort(v)
			k++
		}
		b.ReportMetric(float64(cpuTime()-c0)/float64(k), "cpu-ns/op")
	})
}

// cpuTime returns the CPU time the process has used (user + system), in
// ns: on a machine shared with other work the wall time per operation
// overstates the cost, the CPU time does not (the benchmark allocates
// nothing, so there is no GC work in it).
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// TestKernelAllocatesNothing: a replication and a Saltelli row allocate
// nothing, whatever is varied.
func TestKernelAllocatesNothing(t *testing.T) {
	md := mustModel(t, 2022, egdi.RawLevel, egdi.UncertaintyOptions{Replications: 100, Seed: 1, Vary: egdi.DefaultVary,
		Sensitivity: true, SensitivityRows: 100, Countries: []egdi.ISO3{"BHR"}})
	k := md.NewWorker(kernel.New(md).NewKernel())
	i := uint64(0)
	if a := testing.AllocsPerRun(200, func() { k.Replicate(i); i++ }); a != 0 {
		t.Errorf("Replicate allocates %v times", a)
	}
	if a := testing.AllocsPerRun(50, func() { k.SensitivityRow(i); i++ }); a != 0 {
		t.Errorf("SensitivityRow allocates %v times", a)
	}
}

// TestTallyPastFlush: the 16-bit working counters are flushed before they
// overflow: 70,000 replications on one kernel count exactly.
func TestTallyPastFlush(t *testing.T) {
	if testing.Short() {
		t.Skip("70,000 replications")
	}
	md := mustModel(t, 2016, egdi.ComponentLevel, egdi.UncertaintyOptions{Replications: 70000, Seed: 1})
	k := md.NewWorker(kernel.New(md).NewKernel())
	for i := range uint64(70000) {
		k.Replicate(i)
	}
	res := md.Result(k)
	for _, c := range res.Countries {
		if c.RankMedian != c.Rank || c.RankP05 != c.Rank || c.RankP95 != c.Rank || (c.Next != "" && c.PAheadNext != 1 && c.PAheadNext != 0) {
			t.Fatalf("%s: %+v", c.ISO3, c)
		}
	}
	var sum uint64
	for _, x := range k.Tally.Hist {
		sum += x
	}
	if want := uint64(70000 * len(res.Countries)); sum != want || res.Replications != 70000 {
		t.Errorf("histogram holds %d counts, want %d", sum, want)
	}
}
