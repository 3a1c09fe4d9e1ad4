package montecarlo_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/montecarlo"
)

var memN = flag.Int("mc.n", 100_000, "replications of BenchmarkMemory (the README figure uses 10000000)")

func model(t testing.TB, year int, level egdi.Level, o egdi.UncertaintyOptions) *egdi.Model {
	t.Helper()
	b, err := egdi.NewBase(builtin.MustDataset(), year, level)
	if err != nil {
		t.Fatal(err)
	}
	md, err := egdi.NewModel(b, o)
	if err != nil {
		t.Fatal(err)
	}
	return md
}

func encode(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSameSeedSameJSON: one seed gives byte-identical JSON at GOMAXPROCS 1
// and 2, with one worker or several, whatever the chunk size — with and
// without the sensitivity design.
func TestSameSeedSameJSON(t *testing.T) {
	o := egdi.UncertaintyOptions{Replications: 3000, Seed: 20240101, Vary: egdi.DefaultVary,
		Sensitivity: true, SensitivityRows: 200, Countries: []egdi.ISO3{"BHR", "ARE"}}
	md := model(t, 2022, egdi.RawLevel, o)
	var want []byte
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tc := range []struct {
		name    string
		procs   int
		workers int
		chunk   int
	}{
		{"GOMAXPROCS=1", 1, 0, 0},
		{"GOMAXPROCS=2", 2, 0, 0},
		{"GOMAXPROCS=2, 5 workers, chunk 7", 2, 5, 7},
		{"GOMAXPROCS=1, 3 workers, chunk 1000", 1, 3, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GOMAXPROCS(tc.procs)
			res, err := montecarlo.Run(t.Context(), md, montecarlo.Options{Workers: tc.workers, Chunk: tc.chunk})
			if err != nil {
				t.Fatal(err)
			}
			got := encode(t, res)
			if want == nil {
				want = got
				return
			}
			if !bytes.Equal(got, want) {
				t.Errorf("JSON differs from the first run (%d vs %d bytes)", len(got), len(want))
			}
		})
	}
	// The uncertainty summary does not depend on the sensitivity design.
	o.Sensitivity, o.SensitivityRows, o.Countries = false, 0, nil
	res, err := montecarlo.Run(t.Context(), model(t, 2022, egdi.RawLevel, o), montecarlo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var full egdi.UncertaintyResult
	if err := json.Unmarshal(want, &full); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encode(t, res.Countries), encode(t, full.Countries)) {
		t.Error("the country summaries change when --sensitivity is added")
	}
}

// TestProgressAndCancel: progress is reported up to the total, in order;
// a cancelled run stops early with ECANCELED and no result.
func TestProgressAndCancel(t *testing.T) {
	md := model(t, 2022, egdi.RawLevel, egdi.UncertaintyOptions{Replications: 5000, Seed: 1, Vary: egdi.DefaultVary})
	var last int64
	calls := 0
	_, err := montecarlo.Run(t.Context(), md, montecarlo.Options{Chunk: 500, Progress: func(done, total int64) {
		if done < last || total != 5000 {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
		calls++
	}})
	if err != nil || last != 5000 || calls < 2 {
		t.Errorf("err %v, last %d, %d calls", err, last, calls)
	}

	big := model(t, 2022, egdi.RawLevel, egdi.UncertaintyOptions{Replications: 50_000_000, Seed: 1, Vary: egdi.DefaultVary})
	ctx, cancel := context.WithCancel(t.Context())
	var seen atomic.Int64
	start := time.Now()
	res, err := montecarlo.Run(ctx, big, montecarlo.Options{Chunk: 256, Progress: func(done, _ int64) {
		if seen.Swap(done) == 0 {
			cancel()
		}
	}})
	if res != nil || egdi.ErrorCode(err) != egdi.ECANCELED {
		t.Fatalf("cancelled run: result %v, error %v (%s)", res != nil, err, egdi.ErrorCode(err))
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("cancellation took %v", d)
	}
	if seen.Load() >= 50_000_000 {
		t.Error("the run finished instead of stopping")
	}
}

// BenchmarkRun measures whole runs on every core: ns/op is per
// replication (all factors varied, raw level 2022).
func BenchmarkRun(b *testing.B) {
	md := model(b, 2022, egdi.RawLevel, egdi.UncertaintyOptions{Replications: 20000, Seed: 1, Vary: egdi.DefaultVary})
	var reps int64
	for b.Loop() {
		if _, err := montecarlo.Run(b.Context(), md, montecarlo.Options{}); err != nil {
			b.Fatal(err)
		}
		reps += 20000
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(reps), "ns/replication")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}

// BenchmarkMemory runs -mc.n replications (default 10^5; the README
// figure is for 10^7) and reports the peak heap in use and the memory
// obtained from the OS: the summaries are streamed, so neither grows with
// the number of replications.
func BenchmarkMemory(b *testing.B) {
	md := model(b, 2022, egdi.RawLevel, egdi.UncertaintyOptions{Replications: *memN, Seed: 1, Vary: egdi.DefaultVary})
	var peakHeap, peakSys uint64
	for b.Loop() {
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var ms runtime.MemStats
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				runtime.ReadMemStats(&ms)
				peakHeap, peakSys = max(peakHeap, ms.HeapInuse), max(peakSys, ms.Sys)
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}()
		if _, err := montecarlo.Run(b.Context(), md, montecarlo.Options{}); err != nil {
			b.Fatal(err)
		}
		close(stop)
		<-done
	}
	b.ReportMetric(float64(peakHeap)/(1<<20), "MB-heap-inuse")
	b.ReportMetric(float64(peakSys)/(1<<20), "MB-sys")
	b.ReportMetric(float64(*memN), "replications")
}

// TestSamples: --samples rows come in replication order, one per
// replication, whatever the workers and chunks; each row's factors are
// the replication's draw and its EGDI and rank those the reference kernel
// gives for that draw; the summary is the same as without samples.
func TestSamples(t *testing.T) {
	o := egdi.UncertaintyOptions{Replications: 700, Seed: 5, Vary: egdi.DefaultVary}
	md := model(t, 2022, egdi.RawLevel, o)
	want, err := montecarlo.Run(t.Context(), md, montecarlo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := md.NewReferenceKernel()
	for _, tc := range []struct {
		name    string
		workers int
		chunk   int
	}{{"one-worker", 1, 0}, {"three-workers-chunk-7", 3, 7}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			got, err := montecarlo.Run(t.Context(), md, montecarlo.Options{Workers: tc.workers, Chunk: tc.chunk,
				Samples: &montecarlo.Samples{W: &buf, Countries: []egdi.ISO3{"BHR", "DNK"}}})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(encode(t, got), encode(t, want)) {
				t.Error("the summary differs from the run without samples")
			}
			rows, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if h := strings.Join(rows[0], ","); h != "replication,w_osi,w_tii,w_hci,normalisation,cap,aggregation,noise_seed,BHR_egdi,BHR_rank,DNK_egdi,DNK_rank" {
				t.Fatalf("header %s", h)
			}
			if len(rows) != 1+o.Replications {
				t.Fatalf("%d rows, want %d", len(rows)-1, o.Replications)
			}
			bhr, dnk := md.Base.Index("BHR"), md.Base.Index("DNK")
			for i, r := range rows[1:] {
				d := md.DrawReplication(uint64(i))
				rank, _ := ref.Eval(&d)
				byC := md.ByCountry(rank)
				w0, _ := strconv.ParseFloat(r[1], 64)
				e, _ := strconv.ParseFloat(r[8], 64)
				if r[0] != strconv.Itoa(i) || w0 != d.W[0] || r[4] != d.Norm.String() || r[9] != strconv.Itoa(byC[bhr]) ||
					r[11] != strconv.Itoa(byC[dnk]) || math.Abs(e-scoreOf(md, ref.Scores(), bhr)) > 1e-12 {
					t.Fatalf("row %d: %v; draw %+v, ranks BHR %d DNK %d", i, r, d, byC[bhr], byC[dnk])
				}
			}
		})
	}
}

// scoreOf returns country i's score from a vector by place.
func scoreOf(md *egdi.Model, byPlace []float64, i int) float64 {
	for p, j := range md.Order {
		if int(j) == i {
			return byPlace[p]
		}
	}
	return math.NaN()
}
