package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/montecarlo"
)

func (a *app) uncertaintyCmd() *cobra.Command {
	var (
		o         outputFlags
		edition   int
		level     string
		vary      string
		countries []string
		rowsOf    []egdi.ISO3 // --countries
		opt       egdi.UncertaintyOptions
		workers   int
		norms     string
		weights   string
		quantiles string
		sobolBase int
		samples   string
		sampleCs  []string
	)
	c := &cobra.Command{
		Use:   "uncertainty --edition Y --replications N --seed S",
		Short: "Rank intervals under the method's choices (weights, normalisation, cap, noise, aggregation), with Sobol indices",
		Long: `uncertainty recomputes the whole edition N times, each time under choices drawn at random:
EGDI weights (uniform on the simplex, each weight at least 1/3 − band, band 0.1 by default),
normalisation (z-scores then min–max, min–max, or rank) of the raw inputs (at component
level, of the indices), TII cap (none, 100, 120, 150; raw level),
multiplicative noise on every input (σ 0.05 by default), arithmetic or geometric aggregation.
It works at raw level where raw inputs exist (the TII from ITU data, 2018–2024) and at
component level otherwise (--level to choose). Per country it gives the median rank, the
5–95 % interval, P(very high group), P(top 10) and P(ahead of the country ranked just below).

--normalisation picks the normalisations drawn and their chances: zscore (the UN's: z-scores,
then min–max of the composite; at component level the index as published), minmax, rank;
"zscore,rank" gives each half, "zscore=0.6,minmax=0.2,rank=0.2" sets the chances.
--weights picks the weight model: band=B (the default, B = 0.1: uniform on the simplex with
each weight at least 1/3 − B), noise=F (each edition weight times 1 + F·(2u − 1), u uniform,
then rescaled to sum 1, as COINr's get_noisy_weights), or FILE.csv (columns osi,tii,hci, one
weight set per row, each summing to 1; a replication takes one row with equal chance).
Both imply varying that choice. --quantiles adds rank quantiles; the mean rank is always given.
--samples FILE.csv writes one row per replication: its drawn factors, then the EGDI and rank
of every country (or of --samples-countries), streamed in replication order.

--sensitivity adds first-order and total Sobol indices of each varied factor (Saltelli
design, Jansen estimators) for the mean absolute rank shift and for each --countries entry,
each with a 95 % interval (Poisson bootstrap of the design's rows, 200 replicates).
--sobol-base N sets the Saltelli base size N (COINr's N): N·(k+2) more runs for k factors
(default min(replications, 8192)); it implies --sensitivity. A note follows any estimate that
is negative, or any total below its first-order index beyond the total's interval.
With --format csv the Sobol table follows the country rows after one empty line, with its own
header: output,factor,first,first_lo,first_hi,total,total_lo,total_hi.
--countries prints the rows of those countries only; every country of the edition stays in
the computation, so their intervals are the same as in the full table.

Replication i draws from its own generator seeded with (seed, i): the same seed gives the
same output on any number of cores. Ctrl-C stops cleanly and prints no result.`,
		Example: `  egdi uncertainty --edition 2022 --replications 100000 --seed 1
  egdi uncertainty --edition 2024 --replications 20000 --vary weights,noise=0.1 --sensitivity --countries BHR,ARE`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			lv, err := egdi.ParseLevel(level)
			if err != nil {
				return err
			}
			if opt.Vary, err = egdi.ParseVary(vary); err != nil {
				return err
			}
			if cmd.Flags().Changed("normalisation") {
				if opt.Vary.NormalisationP, err = egdi.ParseNormalisation(norms); err != nil {
					return err
				}
				opt.Vary.Normalisation = true
			}
			if cmd.Flags().Changed("weights") {
				if err := parseWeights(weights, &opt.Vary); err != nil {
					return err
				}
			}
			if cmd.Flags().Changed("quantiles") {
				if opt.Quantiles, err = egdi.ParseQuantiles(quantiles); err != nil {
					return err
				}
			}
			if cmd.Flags().Changed("sobol-base") {
				if sobolBase < 1 || sobolBase > egdi.MaxSobolBase {
					return egdi.Errorf(egdi.EINVALID, "--sobol-base must be between 1 and %d, not %d.", egdi.MaxSobolBase, sobolBase)
				}
				if cmd.Flags().Changed("sensitivity-rows") && opt.SensitivityRows != sobolBase {
					return egdi.Errorf(egdi.EINVALID, "--sobol-base %d and --sensitivity-rows %d disagree: give one.", sobolBase, opt.SensitivityRows)
				}
				opt.SensitivityRows, opt.Sensitivity = sobolBase, true
			}
			if len(sampleCs) > 0 && samples == "" {
				return egdi.Errorf(egdi.EINVALID, "--samples-countries chooses the countries of --samples: add --samples FILE.csv.")
			}
			if err := opt.Validate(); err != nil {
				return err
			}
			d, err := a.dataset(cmd.Context())
			if err != nil {
				return err
			}
			for _, s := range countries {
				for _, x := range strings.Split(s, ",") {
					if x = strings.TrimSpace(x); x == "" {
						continue
					}
					ct, err := d.Countries.Lookup(x)
					if err != nil {
						return err
					}
					rowsOf = append(rowsOf, ct.ISO3)
				}
			}
			b, err := uncertaintyBase(d, edition, lv)
			if err != nil {
				return err
			}
			for _, c := range rowsOf {
				if b.Index(c) < 0 {
					return egdi.Errorf(egdi.ENOTFOUND, "%s was not assessed in edition %d.", c, edition)
				}
			}
			if opt.Sensitivity {
				opt.Countries = rowsOf
			}
			md, err := egdi.NewModel(b, opt)
			if err != nil {
				return err
			}
			ro := montecarlo.Options{Workers: workers}
			if samples != "" {
				sm := &montecarlo.Samples{}
				for _, s := range sampleCs {
					for _, x := range strings.Split(s, ",") {
						if x = strings.TrimSpace(x); x == "" {
							continue
						}
						ct, err := d.Countries.Lookup(x)
						if err != nil {
							return egdi.Errorf(egdi.EINVALID, "--samples-countries: %s", egdi.ErrorMessage(err))
						}
						if slices.Contains(sm.Countries, ct.ISO3) {
							return egdi.Errorf(egdi.EINVALID, "--samples-countries names %s twice.", ct.ISO3)
						}
						sm.Countries = append(sm.Countries, ct.ISO3)
					}
				}
				f, commit, err := createAtomic(samples)
				if err != nil {
					return err
				}
				defer func() { _ = f.Close() }()
				sm.W = f
				ro.Samples = sm
				defer func() {
					if ro.Samples != nil { // not committed: the run failed
						_ = os.Remove(f.Name())
					}
				}()
				res, err := montecarlo.Run(cmd.Context(), md, ro)
				if err != nil {
					return err
				}
				if err := commit(); err != nil {
					return err
				}
				ro.Samples = nil
				return a.writeUncertainty(d, b, res, rowsOf, o)
			}
			if bar := a.progressBar(int64(opt.Replications + md.SensitivityRows())); bar != nil {
				ro.Progress = func(done, _ int64) { _ = bar.Set64(done) }
				defer func() { _ = bar.Clear() }()
			}
			res, err := montecarlo.Run(cmd.Context(), md, ro)
			if err != nil {
				return err
			}
			return a.writeUncertainty(d, b, res, rowsOf, o)
		},
	}
	c.Flags().IntVar(&edition, "edition", egdi.LatestEdition, "edition (survey year)")
	c.Flags().StringVar(&level, "level", "", "raw or component (default: raw where raw inputs exist)")
	c.Flags().IntVar(&opt.Replications, "replications", 10000, "number of replications N (at most 10^8 without --force)")
	c.Flags().Uint64Var(&opt.Seed, "seed", 1, "seed: replication i draws from PCG(seed, i)")
	c.Flags().StringVar(&vary, "vary", "weights,normalisation,cap,noise=0.05,aggregation",
		"choices to vary: weights[=band], normalisation, cap, noise[=σ], aggregation, or none")
	c.Flags().StringSliceVar(&countries, "countries", nil, "ISO3 codes of the rows to print (every country stays in the computation); with --sensitivity each also gets its own Sobol indices")
	c.Flags().BoolVar(&opt.Sensitivity, "sensitivity", false, "add first-order and total Sobol indices of each varied factor")
	c.Flags().IntVar(&opt.SensitivityRows, "sensitivity-rows", 0,
		"rows N of the Saltelli design, N·(k+2) more runs (default min(replications, "+strconv.Itoa(egdi.DefaultSensitivityRows)+")); same as --sobol-base")
	c.Flags().IntVar(&sobolBase, "sobol-base", 0, "Saltelli base size N (COINr's N): N·(k+2) more runs; implies --sensitivity")
	c.Flags().StringVar(&norms, "normalisation", "zscore,minmax,rank", "normalisations drawn, with optional chances: zscore[=p],minmax[=p],rank[=p]")
	c.Flags().StringVar(&weights, "weights", "band=0.1", "weight model: band=B, noise=F or FILE.csv of weight sets (columns osi,tii,hci)")
	c.Flags().StringVar(&quantiles, "quantiles", "", "rank quantiles to add, e.g. 0.05,0.25,0.5,0.75,0.95")
	c.Flags().StringVar(&samples, "samples", "", "write every replication (drawn factors, EGDI and rank per country) to this CSV file")
	c.Flags().StringSliceVar(&sampleCs, "samples-countries", nil, "ISO3 codes whose EGDI and rank --samples writes (default: every country)")
	c.Flags().BoolVar(&opt.Force, "force", false, "allow more than 10^8 replications")
	c.Flags().IntVar(&workers, "workers", 0, "worker goroutines (default: every core)")
	o.add(c, "table", "csv", "json")
	return c
}

// writeUncertainty prints the result: the rows of --countries only when
// given.
func (a *app) writeUncertainty(d *egdi.Dataset, b *egdi.Base, res *egdi.UncertaintyResult, rowsOf []egdi.ISO3, o outputFlags) error {
	// --countries picks the rows printed; every country of the edition
	// stays in the computation.
	if len(rowsOf) > 0 {
		kept := res.Countries[:0:0]
		for _, c := range res.Countries {
			if slices.Contains(rowsOf, c.ISO3) {
				kept = append(kept, c)
			}
		}
		res.Countries = kept
		res.Notes = append(res.Notes, fmt.Sprintf("rows of %d of the %d countries (--countries); every country is in the computation",
			len(kept), len(b.Scores)))
	}
	if o.format == "json" {
		return writeJSON(a.stdout, res)
	}
	return uncertaintyTables(d.Countries, res, newShares(b.Scores), o, a.stdout)
}

// parseWeights reads --weights: band=B, noise=F or the name of a CSV file
// of weight sets; any of them varies the weights.
func parseWeights(s string, v *egdi.Vary) error {
	if strings.Contains(s, "=") {
		return egdi.ParseWeightModel(s, v)
	}
	sets, err := readWeightSets(s)
	if err != nil {
		return err
	}
	v.Weights = true
	v.WeightBand, v.WeightNoise, v.WeightSets = 0, 0, sets
	return nil
}

// readWeightSets reads a CSV file of EGDI weight sets: a header naming the
// columns osi, tii and hci (any order, other columns refused), then one
// set per row, each weight in [0, 1] and each row summing to 1 (within
// 1e-6). Errors name the file, the row and the column.
func readWeightSets(path string) ([][3]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "--weights %s: %v (give band=B, noise=F or a CSV file of weight sets).", path, err)
	}
	defer func() { _ = f.Close() }()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	head, err := r.Read()
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "%s: no header row (want osi,tii,hci): %v.", path, err)
	}
	col := map[string]int{}
	for j, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h != "osi" && h != "tii" && h != "hci" {
			return nil, egdi.Errorf(egdi.EINVALID, "%s: column %d is %q: the columns are osi, tii and hci.", path, j+1, h)
		}
		if _, dup := col[h]; dup {
			return nil, egdi.Errorf(egdi.EINVALID, "%s: column %s appears twice.", path, h)
		}
		col[h] = j
	}
	if len(col) != 3 {
		return nil, egdi.Errorf(egdi.EINVALID, "%s: the header must name osi, tii and hci.", path)
	}
	var out [][3]float64
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, egdi.Errorf(egdi.EINVALID, "%s: row %d: %v.", path, row, err)
		}
		var w [3]float64
		for k, name := range []string{"osi", "tii", "hci"} {
			cell := strings.TrimSpace(rec[col[name]])
			x, err := strconv.ParseFloat(cell, 64)
			if err != nil || !(x >= 0 && x <= 1) {
				return nil, egdi.Errorf(egdi.EINVALID, "%s: row %d, column %s: %q is not a weight between 0 and 1.", path, row, name, cell)
			}
			w[k] = x
		}
		if err := egdi.CheckWeightSet(w); err != nil {
			return nil, egdi.Errorf(egdi.EINVALID, "%s: row %d: %s", path, row, egdi.ErrorMessage(err))
		}
		out = append(out, w)
		if len(out) > 1_000_000 {
			return nil, egdi.Errorf(egdi.EINVALID, "%s: more than 1,000,000 weight sets.", path)
		}
	}
	if len(out) == 0 {
		return nil, egdi.Errorf(egdi.EINVALID, "%s: no weight sets (one per row after the header osi,tii,hci).", path)
	}
	return out, nil
}

// createAtomic creates a temporary file beside path; commit syncs it and
// renames it to path, so that an interrupted run leaves no half-written
// file under that name.
func createAtomic(path string) (*os.File, func() error, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, nil, egdi.Errorf(egdi.EINVALID, "--samples %s: %v.", path, err)
	}
	return f, func() error {
		if err := f.Sync(); err != nil {
			return egdi.Errorf(egdi.EINTERNAL, "Writing %s: %v.", path, err)
		}
		if err := f.Chmod(0o644); err != nil {
			return egdi.Errorf(egdi.EINTERNAL, "Writing %s: %v.", path, err)
		}
		if err := f.Close(); err != nil {
			return egdi.Errorf(egdi.EINTERNAL, "Writing %s: %v.", path, err)
		}
		if err := os.Rename(f.Name(), path); err != nil {
			return egdi.Errorf(egdi.EINTERNAL, "Writing %s: %v.", path, err)
		}
		return nil
	}, nil
}

// uncertaintyBase picks the level: raw where the edition has raw inputs
// for some country, else component.
func uncertaintyBase(d *egdi.Dataset, edition int, lv egdi.Level) (*egdi.Base, error) {
	if lv != "" {
		return egdi.NewBase(d, edition, lv)
	}
	b, err := egdi.NewBase(d, edition, egdi.RawLevel)
	if err == nil && len(b.Carried) < len(b.Scores) {
		return b, nil
	}
	if err != nil && egdi.ErrorCode(err) != egdi.EINVALID {
		return nil, err
	}
	return egdi.NewBase(d, edition, egdi.ComponentLevel)
}

// progressBar returns a bar on stderr when stderr is a terminal, else nil.
func (a *app) progressBar(total int64) *progressbar.ProgressBar {
	f, ok := a.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("replications"),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish())
}

func pct(p float64) string { return strconv.FormatFloat(100*p, 'f', 1, 64) }

// uncertaintyTables prints the per-country rows and the Sobol indices;
// sh marks the shared baseline ranks in the table format.
func uncertaintyTables(cs *egdi.Countries, res *egdi.UncertaintyResult, sh shares, o outputFlags, w io.Writer) error {
	qname := func(q float64) string { return "rank_q" + strconv.FormatFloat(q, 'f', -1, 64) }
	t := &table{head: []string{"iso3", "country", "rank", "rank_median", "rank_p05", "rank_p95", "p_very_high", "p_top10",
		"next", "p_ahead_next", "rank_mean"}}
	for _, q := range res.Quantiles {
		t.head = append(t.head, qname(q))
	}
	if o.format == "table" {
		t.head = []string{label(o.lang, "iso3"), label(o.lang, "country"), label(o.lang, "rank"), "median", "5–95 %",
			"P(very high) %", "P(top 10) %", "next", "P(ahead) %", "mean"}
		for _, q := range res.Quantiles {
			t.head = append(t.head, "q"+strconv.FormatFloat(100*q, 'f', -1, 64)+" %")
		}
	}
	for _, c := range res.Countries {
		name := ""
		if ct := cs.Get(c.ISO3); ct != nil {
			name = ct.Name(o.lang)
		}
		var row []string
		if o.format == "table" {
			row = []string{string(c.ISO3), name, sh.cell("egdi", c.Rank), strconv.Itoa(c.RankMedian),
				fmt.Sprintf("%d–%d", c.RankP05, c.RankP95), pct(c.PVeryHigh), pct(c.PTop10), string(c.Next), pct(c.PAheadNext),
				strconv.FormatFloat(c.RankMean, 'f', 1, 64)}
		} else {
			row = []string{string(c.ISO3), name, strconv.Itoa(c.Rank), strconv.Itoa(c.RankMedian),
				strconv.Itoa(c.RankP05), strconv.Itoa(c.RankP95), strconv.FormatFloat(c.PVeryHigh, 'f', -1, 64),
				strconv.FormatFloat(c.PTop10, 'f', -1, 64), string(c.Next), strconv.FormatFloat(c.PAheadNext, 'f', -1, 64),
				strconv.FormatFloat(c.RankMean, 'f', -1, 64)}
		}
		for _, r := range c.RankQuantiles {
			row = append(row, strconv.Itoa(r))
		}
		t.rows = append(t.rows, row)
	}
	if err := t.write(w, o.format, o.lang); err != nil {
		return err
	}
	s := res.Sensitivity
	if o.format == "csv" {
		// The Sobol table follows after one empty line, with its own header.
		if s == nil {
			return nil
		}
		st := &table{head: []string{"output", "factor", "first", "first_lo", "first_hi", "total", "total_lo", "total_hi"}}
		f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
		add := func(out string, idx []egdi.SobolIndex) {
			for _, x := range idx {
				st.rows = append(st.rows, []string{out, x.Factor, f(x.First), f(x.FirstCI[0]), f(x.FirstCI[1]),
					f(x.Total), f(x.TotalCI[0]), f(x.TotalCI[1])})
			}
		}
		add("mean_abs_rank_shift", s.MeanAbsRankShift)
		for _, c := range s.Countries {
			add("rank_"+string(c.ISO3), c.Indices)
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		return st.write(w, "csv", o.lang)
	}
	if o.format != "table" {
		return nil
	}
	_, _ = fmt.Fprintf(w, "note: edition %d, %s level, %d replications, seed %d\n", res.Edition, res.Level, res.Replications, res.Seed)
	for _, n := range res.Notes {
		_, _ = fmt.Fprintln(w, "note: "+n)
	}
	if s != nil {
		_, _ = fmt.Fprintf(w, "\nSobol indices (Saltelli design, base N = %d rows, %d runs; Jansen estimators; 95 %% intervals from %d Poisson-bootstrap replicates)\n",
			s.Rows, s.Evaluations, s.Bootstrap)
		st := &table{head: []string{"output", "factor", "first", "95 %", "total", "95 %"}}
		f := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
		add := func(out string, idx []egdi.SobolIndex) {
			for _, x := range idx {
				st.rows = append(st.rows, []string{out, x.Factor, f(x.First), f(x.FirstCI[0]) + " to " + f(x.FirstCI[1]),
					f(x.Total), f(x.TotalCI[0]) + " to " + f(x.TotalCI[1])})
			}
		}
		add("mean |rank shift|", s.MeanAbsRankShift)
		for _, c := range s.Countries {
			add("rank of "+string(c.ISO3), c.Indices)
		}
		return st.write(w, "table", o.lang)
	}
	return nil
}
