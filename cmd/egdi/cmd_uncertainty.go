package main

import (
	"fmt"
	"io"
	"os"
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

--sensitivity adds first-order and total Sobol indices of each varied factor (Saltelli
design, Jansen estimators) for the mean absolute rank shift and for each --countries entry.
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
			if bar := a.progressBar(int64(opt.Replications + md.SensitivityRows())); bar != nil {
				ro.Progress = func(done, _ int64) { _ = bar.Set64(done) }
				defer func() { _ = bar.Clear() }()
			}
			res, err := montecarlo.Run(cmd.Context(), md, ro)
			if err != nil {
				return err
			}
			// --countries picks the rows printed; every country of the
			// edition stays in the computation.
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
		"rows N of the Saltelli design, N·(k+2) more runs (default min(replications, "+strconv.Itoa(egdi.DefaultSensitivityRows)+"))")
	c.Flags().BoolVar(&opt.Force, "force", false, "allow more than 10^8 replications")
	c.Flags().IntVar(&workers, "workers", 0, "worker goroutines (default: every core)")
	o.add(c, "table", "csv", "json")
	return c
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
	t := &table{head: []string{"iso3", "country", "rank", "rank_median", "rank_p05", "rank_p95", "p_very_high", "p_top10",
		"next", "p_ahead_next"}}
	if o.format == "table" {
		t.head = []string{label(o.lang, "iso3"), label(o.lang, "country"), label(o.lang, "rank"), "median", "5–95 %",
			"P(very high) %", "P(top 10) %", "next", "P(ahead) %"}
	}
	for _, c := range res.Countries {
		name := ""
		if ct := cs.Get(c.ISO3); ct != nil {
			name = ct.Name(o.lang)
		}
		if o.format == "table" {
			t.rows = append(t.rows, []string{string(c.ISO3), name, sh.cell("egdi", c.Rank), strconv.Itoa(c.RankMedian),
				fmt.Sprintf("%d–%d", c.RankP05, c.RankP95), pct(c.PVeryHigh), pct(c.PTop10), string(c.Next), pct(c.PAheadNext)})
			continue
		}
		t.rows = append(t.rows, []string{string(c.ISO3), name, strconv.Itoa(c.Rank), strconv.Itoa(c.RankMedian),
			strconv.Itoa(c.RankP05), strconv.Itoa(c.RankP95), strconv.FormatFloat(c.PVeryHigh, 'f', -1, 64),
			strconv.FormatFloat(c.PTop10, 'f', -1, 64), string(c.Next), strconv.FormatFloat(c.PAheadNext, 'f', -1, 64)})
	}
	if err := t.write(w, o.format, o.lang); err != nil {
		return err
	}
	if o.format != "table" {
		return nil
	}
	_, _ = fmt.Fprintf(w, "note: edition %d, %s level, %d replications, seed %d\n", res.Edition, res.Level, res.Replications, res.Seed)
	for _, n := range res.Notes {
		_, _ = fmt.Fprintln(w, "note: "+n)
	}
	if s := res.Sensitivity; s != nil {
		_, _ = fmt.Fprintf(w, "\nSobol indices (Saltelli design, N = %d rows, %d runs; Jansen estimators)\n", s.Rows, s.Evaluations)
		st := &table{head: []string{"output", "factor", "first", "total"}}
		add := func(out string, idx []egdi.SobolIndex) {
			for _, x := range idx {
				st.rows = append(st.rows, []string{out, x.Factor, strconv.FormatFloat(x.First, 'f', 3, 64),
					strconv.FormatFloat(x.Total, 'f', 3, 64)})
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
