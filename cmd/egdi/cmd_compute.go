package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/tabular"
)

// computeRow is one output row of `egdi compute`.
type computeRow struct {
	ISO3        egdi.ISO3  `json:"iso3"`
	OSI         float64    `json:"osi"`
	TII         float64    `json:"tii"`
	HCI         float64    `json:"hci"`
	EGDI        float64    `json:"egdi"`
	EPI         *float64   `json:"epi"`
	EGDIRank    int        `json:"egdi_rank"`
	OSIRank     int        `json:"osi_rank"`
	TIIRank     int        `json:"tii_rank"`
	HCIRank     int        `json:"hci_rank"`
	EPIRank     int        `json:"epi_rank,omitempty"`
	Group       egdi.Group `json:"group"`
	RatingClass string     `json:"rating_class,omitempty"`
}

var computeHead = []string{"iso3", "osi", "tii", "hci", "egdi", "epi", "egdi_rank", "osi_rank", "tii_rank", "hci_rank",
	"epi_rank", "group", "rating_class"}

func (a *app) computeCmd() *cobra.Command {
	var (
		o       outputFlags
		edition string
		input   string
		against int
	)
	c := &cobra.Command{
		Use:   "compute --edition Y --input FILE.csv [--against Y]",
		Short: "Recompute every index for the countries in a CSV file of raw inputs, with an edition's method",
		Long: `compute reads a CSV file whose header is iso3 followed by what the edition needs among
internet_users, mobile_subscriptions, active_mobile_broadband, fixed_broadband, fixed_telephone,
wireless_broadband, adult_literacy, gross_enrolment, expected_schooling, mean_schooling,
osi_points or osi, epi_points or epi (tii and hci may also be given as indices), and computes
OSI, TII, HCI, EGDI and EPI, the ranks, groups and rating classes among the countries in the file.

Without --against, every index built from raw inputs or points is rescaled (z-scores, min–max),
and every rank, group and class taken, among the countries of the file only: a file of one
country gets rank 1 and min–max values of 0 or 1. egdi warns on stderr when the file has fewer
countries than the edition assessed.

--against EDITION places the file's countries among the edition's other countries: each
country of the file replaces its own row, every other country keeps its published values, and
ranks, groups and rating classes are those of the whole edition. A file of indices (osi, tii,
hci, epi) works at component level: the others keep their published indices and EGDI, the
file's countries get the EGDI of their components cut to the edition's digits. A file with the
TII's raw inputs (internet_users, ...) works at raw level (2018–2024): the TII of every country
is recomputed from the built-in ITU data with the file's values in place, as egdi whatif
--level raw does; a value left empty keeps the built-in one. Questionnaire points and the HCI's
raw inputs cannot be placed (the other countries' are not published): give osi, epi, hci.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			var res *egdi.Results
			if against != 0 {
				year, err := strconv.Atoi(edition)
				if err != nil || (cmd.Flags().Changed("edition") && year != against) {
					return egdi.Errorf(egdi.EINVALID, "--against %d places the file's countries in edition %d with its method: drop --edition or give --edition %d.",
						against, against, against)
				}
				pl, err := a.computeAgainst(cmd.Context(), against, input)
				if err != nil {
					return err
				}
				_, _ = fmt.Fprintf(a.stderr, "egdi: note: %s\n", pl.note)
				return writeCompute(a, o, pl.method, pl.rows, pl.shared)
			}
			if year, err := strconv.Atoi(edition); err == nil {
				res, err = a.computeFile(cmd.Context(), year, input)
				if err != nil {
					return err
				}
			} else if res, err = a.computeScenario(cmd.Context(), edition, input); err != nil {
				return err
			}
			return writeCompute(a, o, res.Method, res.Scores, newShares(res.Scores))
		},
	}
	c.Flags().StringVar(&edition, "edition", strconv.Itoa(egdi.LatestEdition), "edition whose method to use (survey year), or the name of an edition of yours (egdi edition list)")
	c.Flags().StringVar(&input, "input", "", "CSV file of inputs (header: iso3, then indicator names)")
	c.Flags().IntVar(&against, "against", 0, "place the file's countries among the other countries of this published edition (world ranks)")
	o.add(c, "table", "csv", "json")
	return c
}

// computeFile computes the inputs in a CSV file with a published edition's
// method.
func (a *app) computeFile(ctx context.Context, year int, input string) (*egdi.Results, error) {
	if input == "" {
		return nil, egdi.Errorf(egdi.EINVALID, "--input FILE.csv is required.")
	}
	m, err := egdi.MethodFor(year)
	if err != nil {
		return nil, err
	}
	d, err := a.dataset(ctx)
	if err != nil {
		return nil, err
	}
	fh, err := os.Open(input)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "Cannot read %s: %w.", input, err)
	}
	defer func() { _ = fh.Close() }()
	f, err := tabular.ReadInputs(input, fh, d.Countries)
	if err != nil {
		return nil, err
	}
	need, err := m.Required(f.Inputs)
	if err != nil {
		return nil, &egdi.InputError{File: input, Row: 1, Err: err}
	}
	if err := f.CheckComplete(need); err != nil {
		return nil, err
	}
	if n, all := f.Inputs.Len(), assessed(d, year); n < all {
		_, _ = fmt.Fprintf(a.stderr, "egdi: warning: %s has %d %s and edition %d assessed %d: the indices built from raw inputs or points are rescaled, and the ranks, groups and classes taken, among the %d %s of the file only, not the world. Pass --against %d to place the file among the edition's other countries.\n",
			input, n, plural(n, "country", "countries"), year, all, n, plural(n, "country", "countries"), year)
	}
	return m.Compute(f.Inputs)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// assessed returns the number of countries a published edition assessed.
func assessed(d *egdi.Dataset, year int) int {
	n := 0
	for _, r := range d.Published[year] {
		if r.Assessed {
			n++
		}
	}
	return n
}

// writeCompute prints the scores of `egdi compute`.
func writeCompute(a *app, o outputFlags, m *egdi.Method, scores []egdi.Score, sh shares) error {
	rows := make([]computeRow, len(scores))
	for i, s := range scores {
		rows[i] = computeRow{ISO3: s.ISO3, OSI: s.OSI, TII: s.TII, HCI: s.HCI, EGDI: s.EGDI, EPI: s.EPI,
			EGDIRank: s.EGDIRank, OSIRank: s.OSIRank, TIIRank: s.TIIRank, HCIRank: s.HCIRank, EPIRank: s.EPIRank,
			Group: s.Group, RatingClass: s.RatingClass}
	}
	if o.format == "json" {
		return writeJSON(a.stdout, rows)
	}
	t := &table{head: computeHead}
	rank := func(index string, r int) string { return itoa(r) }
	if o.format == "table" {
		t.head = []string{"iso3", label(o.lang, "osi"), label(o.lang, "tii"), label(o.lang, "hci"), label(o.lang, "egdi"),
			label(o.lang, "epi"), label(o.lang, "rank"), "osi#", "tii#", "hci#", "epi#", label(o.lang, "group"), label(o.lang, "rating_class")}
		rank = sh.cell
	}
	for _, r := range rows {
		epi := ""
		if r.EPI != nil {
			epi = num(m.EPIPrecision, *r.EPI)
		}
		g := string(r.Group)
		if o.format == "table" {
			g = label(o.lang, g)
		}
		t.rows = append(t.rows, []string{string(r.ISO3), num(m.OSIPrecision, r.OSI), num(m.TIIPrecision, r.TII),
			num(m.HCIPrecision, r.HCI), num(m.EGDIPrecision, r.EGDI), epi, rank("egdi", r.EGDIRank),
			rank("osi", r.OSIRank), rank("tii", r.TIIRank), rank("hci", r.HCIRank), rank("epi", r.EPIRank), g, r.RatingClass})
	}
	return t.write(a.stdout, o.format, o.lang)
}

// placed is the result of `egdi compute --against`: the scores of the
// file's countries (by EGDI rank) among the whole edition.
type placed struct {
	method *egdi.Method
	rows   []egdi.Score
	shared shares // over the whole edition
	note   string
}

// computeAgainst places the countries of the file input among the other
// countries of a published edition (see the command's help for the rules).
func (a *app) computeAgainst(ctx context.Context, year int, input string) (*placed, error) {
	if input == "" {
		return nil, egdi.Errorf(egdi.EINVALID, "--input FILE.csv is required.")
	}
	m, err := egdi.MethodFor(year)
	if err != nil {
		return nil, err
	}
	d, err := a.dataset(ctx)
	if err != nil {
		return nil, err
	}
	fh, err := os.Open(input)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", input, err)
	}
	defer func() { _ = fh.Close() }()
	f, err := tabular.ReadInputs(input, fh, d.Countries)
	if err != nil {
		return nil, err
	}
	// The level follows the file: raw when it gives a raw input of the TII.
	level := egdi.ComponentLevel
	for _, ind := range m.TII.Inputs {
		if f.Inputs.Has(ind) {
			level = egdi.RawLevel
		}
	}
	allowed := []egdi.Indicator{egdi.OSI, egdi.TII, egdi.HCI, egdi.EPI}
	if level == egdi.RawLevel {
		allowed = append(allowed, m.TII.Inputs...)
	}
	for ind := range egdi.NumIndicators {
		col, ok := f.Cols[ind]
		if ok && !slices.Contains(allowed, ind) {
			alt := "give the indices osi, tii, hci, epi"
			if len(m.TII.Inputs) > 0 && m.DataYear > 0 {
				alt += " (or the TII's raw inputs " + inputList(m.TII.Inputs) + ")"
			}
			return nil, &egdi.InputError{File: input, Row: 1, Column: col, Err: fmt.Errorf(
				"--against %d cannot place %s: the other countries' %s are not published or built in; %s", year, col, col, alt)}
		}
	}
	b, err := egdi.NewBase(d, year, level)
	if err != nil {
		return nil, &egdi.InputError{File: input, Err: errors.New(egdi.ErrorMessage(err))}
	}
	in := b.Inputs.Clone()
	var pub []float64
	if b.Published != nil {
		pub = slices.Clone(b.Published)
	}
	// pos[j] is the row in `in` of the file's j-th country; a country the
	// edition did not assess is added.
	pos := make([]int, f.Inputs.Len())
	for j, c := range f.Inputs.Countries {
		i := in.Index(c)
		if i < 0 {
			in = withCountry(in, c)
			i = in.Len() - 1
			if pub != nil {
				pub = append(pub, 0)
			}
		}
		pos[j] = i
		for ind := range egdi.NumIndicators {
			if v := f.Inputs.Get(ind, j); v == v {
				in.Set(ind, i, v)
			}
		}
		if level == egdi.RawLevel {
			// A country with every raw input of the TII gets it recomputed.
			full := true
			for _, ind := range m.TII.Inputs {
				full = full && in.Get(ind, i) == in.Get(ind, i)
			}
			if full {
				in.Set(egdi.TII, i, math.NaN())
			}
		}
		for _, ind := range []egdi.Indicator{egdi.OSI, egdi.TII, egdi.HCI} {
			if ind == egdi.TII && level == egdi.RawLevel {
				continue
			}
			if in.Get(ind, i) != in.Get(ind, i) {
				return nil, &egdi.InputError{File: input, Row: f.Rows[j], Column: ind.String(),
					Err: fmt.Errorf("%s has no %s here and none in edition %d", c, ind, year)}
			}
		}
	}
	fail := func(err error) (*placed, error) {
		return nil, &egdi.InputError{File: input, Err: errors.New(egdi.ErrorMessage(err))}
	}
	var whole *egdi.Base
	if level == egdi.ComponentLevel {
		// The file's countries get the EGDI of their components, computed
		// and cut as a scenario does; the others keep the published EGDI.
		mine := in.Subset(func(i int) bool { return slices.Contains(pos, i) })
		own, err := egdi.ComponentBase(m, mine, nil)
		if err != nil {
			return fail(err)
		}
		for _, s := range own.Scores {
			pub[in.Index(s.ISO3)] = s.EGDI
		}
		if whole, err = egdi.ComponentBase(m, in, pub); err != nil {
			return fail(err)
		}
	} else if whole, err = egdi.RawBase(m, in); err != nil {
		return fail(err)
	}
	pl := &placed{method: m, shared: newShares(whole.Scores)}
	for _, c := range f.Inputs.Countries {
		pl.rows = append(pl.rows, *whole.Score(c))
	}
	slices.SortStableFunc(pl.rows, func(x, y egdi.Score) int { return x.EGDIRank - y.EGDIRank })
	n := f.Inputs.Len()
	pl.note = fmt.Sprintf("%s: %d %s placed among the %d other countries of edition %d at %s level (%s); ranks, groups and classes are world ones",
		input, n, plural(n, "country", "countries"), len(whole.Scores)-n, year, level, otherValues(level, m))
	return pl, nil
}

func otherValues(level egdi.Level, m *egdi.Method) string {
	if level == egdi.RawLevel {
		return fmt.Sprintf("the others' TII recomputed from the built-in ITU data of %d, their other indices as published", m.DataYear)
	}
	return "the others keep their published indices and EGDI"
}

func inputList(inds []egdi.Indicator) string {
	s := make([]string, len(inds))
	for i, x := range inds {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}

// withCountry returns in with one more country, c, whose values are all
// missing.
func withCountry(in *egdi.Inputs, c egdi.ISO3) *egdi.Inputs {
	out := &egdi.Inputs{Countries: append(slices.Clone(in.Countries), c)}
	for k, col := range in.Values {
		if col != nil {
			out.Values[k] = append(slices.Clone(col), math.NaN())
		}
	}
	return out
}
