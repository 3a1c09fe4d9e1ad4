package main

import (
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

func (a *app) nowcastCmd() *cobra.Command {
	var (
		o        outputFlags
		edition  int
		osi      []string
		interval float64
		backtest bool
		assess   []string // --assessment: OSI from self-assessments (cmd_assessment.go)
		refs     []string
	)
	c := &cobra.Command{
		Use:   "nowcast [--edition Y] [--osi ISO3=V ...] [--interval 0.9] [--backtest]",
		Short: "Predict the ranking of the next edition, with rank intervals, from the data public before it",
		Long: `nowcast predicts the ranking of an edition that is not published yet from data public
before it only: the previous editions and the ITU/World Bank/UNDP data (built in or imported)
of data years before it. The model, chosen by backtest: the last OSI pulled toward the mean
(a + b·OSI, fitted on the last two editions), the TII recomputed with the last edition's
method from the newest raw data, the last HCI carried forward.

Each rank comes with an interval of nominal coverage --interval, calibrated only on the
errors of backtests of earlier editions. When the UN changes its method (as for TII and HCI
in 2024) the errors can be larger than any interval says.

--osi ISO3=V replaces a country's predicted OSI (your own assessment of your portal);
--assessment NAME does the same with the OSI estimate of a self-assessment (egdi assessment).
--backtest nowcasts a published edition as if it were not published and adds the errors
against the published ranks (median and mean absolute rank error, Spearman, coverage,
and the naive baseline: the last ranking carried forward).

Default edition: the first after the latest published one.`,
		Example: `  egdi nowcast
  egdi nowcast --osi BHR=0.95 --lang ar
  egdi nowcast --edition 2022 --backtest --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			d, err := a.dataset(cmd.Context())
			if err != nil {
				return err
			}
			opt := egdi.NowcastOptions{Edition: edition, Backtest: backtest, Interval: interval}
			if !cmd.Flags().Changed("edition") {
				opt.Edition = d.NextEdition()
			}
			more, err := a.assessmentOSI(cmd.Context(), d, assess, refs)
			if err != nil {
				return err
			}
			if opt.OSI, err = parseOSIFlags(d, append(osi, more...), "="); err != nil {
				return err
			}
			n, err := d.Nowcast(opt)
			if err != nil {
				return err
			}
			return printNowcast(a, o, d, n)
		},
	}
	c.Flags().IntVar(&edition, "edition", 0, "edition to nowcast (default: the first after the latest published)")
	c.Flags().StringArrayVar(&osi, "osi", nil, "ISO3=V: replace a country's predicted OSI by V in [0,1] (repeatable)")
	c.Flags().Float64Var(&interval, "interval", 0.9, "nominal coverage of the rank intervals, between 0 and 1")
	c.Flags().BoolVar(&backtest, "backtest", false, "nowcast a published edition as if it were not, with its errors")
	c.Flags().StringArrayVar(&assess, "assessment", nil, "a self-assessment whose OSI estimate replaces its country's predicted OSI (repeatable; see egdi assessment)")
	c.Flags().StringArrayVar(&refs, "reference", nil, "with --assessment: reference assessments calibrating the estimate (repeatable)")
	o.add(c, "table", "csv", "json")
	return c
}

// parseOSIFlags reads ISO3<sep>V pairs (the country may also be a UN name).
func parseOSIFlags(d *egdi.Dataset, pairs []string, sep string) (map[egdi.ISO3]float64, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := make(map[egdi.ISO3]float64, len(pairs))
	for _, p := range pairs {
		name, val, ok := strings.Cut(p, sep)
		if !ok {
			return nil, egdi.Errorf(egdi.EINVALID, "--osi %q: write ISO3%sV, e.g. BHR%s0.95.", p, sep, sep)
		}
		ct, err := d.Countries.Lookup(strings.TrimSpace(name))
		if err != nil {
			return nil, egdi.Errorf(egdi.EINVALID, "--osi %s: unknown country %q.", p, strings.TrimSpace(name))
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return nil, egdi.Errorf(egdi.EINVALID, "--osi %s: %q is not a number.", p, val)
		}
		if _, dup := out[ct.ISO3]; dup {
			return nil, egdi.Errorf(egdi.EINVALID, "--osi: %s is given twice.", ct.ISO3)
		}
		out[ct.ISO3] = v
	}
	return out, nil
}

// nowcastHead are the CSV columns of a nowcast (the JSON field names).
var nowcastHead = []string{"iso3", "name", "rank", "rank_low", "rank_high", "egdi", "osi", "tii", "hci"}

func printNowcast(a *app, o outputFlags, d *egdi.Dataset, n *egdi.Nowcast) error {
	if o.format == "json" {
		return writeJSON(a.stdout, n)
	}
	f4 := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	name := func(c egdi.ISO3) string {
		if ct := d.Countries.Get(c); ct != nil {
			return ct.Name(o.lang)
		}
		return string(c)
	}
	if o.format == "csv" {
		t := &table{head: nowcastHead}
		for _, r := range n.Countries {
			t.rows = append(t.rows, []string{string(r.ISO3), name(r.ISO3), strconv.Itoa(r.Rank), strconv.Itoa(r.RankLow),
				strconv.Itoa(r.RankHigh), f4(r.EGDI), f4(r.OSI), f4(r.TII), f4(r.HCI)})
		}
		return t.write(a.stdout, "csv", o.lang)
	}
	l := o.lang
	t := &table{head: []string{label(l, "rank"), label(l, "nowcast.interval"), label(l, "iso3"), label(l, "country"),
		label(l, "egdi"), label(l, "osi"), label(l, "tii"), label(l, "hci")}}
	for _, r := range n.Countries {
		t.rows = append(t.rows, []string{strconv.Itoa(r.Rank), strconv.Itoa(r.RankLow) + "–" + strconv.Itoa(r.RankHigh),
			string(r.ISO3), name(r.ISO3), f4(r.EGDI), f4(r.OSI), f4(r.TII), f4(r.HCI)})
	}
	prefix := ""
	if l == "ar" {
		prefix = rlm
	}
	w := a.stdout
	if _, err := w.Write([]byte(prefix + nowcastTitle(l, n) + "\n\n")); err != nil {
		return err
	}
	if err := t.write(w, "table", l); err != nil {
		return err
	}
	var notes []string
	if m := n.Metrics; m != nil {
		notes = append(notes, fill(i18n.T(l, "nowcast.metrics"), map[string]string{
			"median": strconv.FormatFloat(m.MedianAbsRankError, 'f', -1, 64), "mean": strconv.FormatFloat(m.MeanAbsRankError, 'f', 2, 64),
			"spearman": strconv.FormatFloat(m.Spearman, 'f', 4, 64), "coverage": strconv.FormatFloat(100*m.Coverage, 'f', 1, 64),
			"baseline": strconv.FormatFloat(m.BaselineMedianAbsRankError, 'f', -1, 64)}))
	}
	notes = append(notes, nowcastNotes(l, n)...)
	for _, s := range notes {
		if _, err := w.Write([]byte("\n" + prefix + s + "\n")); err != nil {
			return err
		}
	}
	return nil
}

// nowcastTitle is the heading line of a nowcast.
func nowcastTitle(lang string, n *egdi.Nowcast) string {
	key := "nowcast.title"
	if n.Backtest {
		key = "nowcast.title_backtest"
	}
	return fill(i18n.T(lang, key), map[string]string{"edition": strconv.Itoa(n.Edition), "from": strconv.Itoa(n.From)})
}

// nowcastNotes are the plain-language notes under a nowcast: how it was
// made, what the interval means, and the method-change risks.
func nowcastNotes(lang string, n *egdi.Nowcast) []string {
	cal := ""
	if len(n.Calibration) > 0 {
		cal = strconv.Itoa(n.Calibration[0]) + "–" + strconv.Itoa(n.Calibration[len(n.Calibration)-1])
	}
	how := "nowcast.how"
	gap := "–"
	if !math.IsNaN(n.TIIGap) {
		gap = strconv.FormatFloat(n.TIIGap, 'f', 3, 64)
	}
	if n.TIIRecomputed == 0 {
		how = "nowcast.how_carry"
	}
	out := []string{
		fill(i18n.T(lang, how), map[string]string{"from": strconv.Itoa(n.From), "year": strconv.Itoa(n.TIIDataYear),
			"count": strconv.Itoa(n.TIIRecomputed), "gap": gap}),
		fill(i18n.T(lang, "nowcast.interval_note"), map[string]string{"pct": strconv.FormatFloat(100*n.Interval, 'f', -1, 64),
			"editions": cal}),
	}
	for _, k := range n.Risk {
		out = append(out, i18n.T(lang, k))
	}
	return out
}

// fill replaces {name} placeholders.
func fill(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}
