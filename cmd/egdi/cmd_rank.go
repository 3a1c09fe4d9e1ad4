package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/tabular"
)

func (a *app) rankCmd() *cobra.Command {
	var (
		o       outputFlags
		edition int
		by      string
		f       egdi.Filter
	)
	c := &cobra.Command{
		Use:   "rank",
		Short: "Rank the countries of an edition, optionally inside a region, sub-region or group",
		Example: `  egdi rank --top 10
  egdi rank --edition 2018 --group gcc --lang ar
  egdi rank --by tii --subregion "Western Asia" --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			d, err := a.dataset(cmd.Context())
			if err != nil {
				return err
			}
			m, rows, sh, err := ranking(d, edition, strings.ToLower(by), f, o.lang)
			if err != nil {
				return err
			}
			return printRanking(a, o, m, rows, by, sh)
		},
	}
	c.Flags().IntVar(&edition, "edition", egdi.LatestEdition, "edition (survey year)")
	c.Flags().StringVar(&by, "by", "egdi", "index to rank by: egdi|osi|tii|hci|epi")
	c.Flags().StringVar(&f.Region, "region", "", "M49 region (Africa, Americas, Asia, Europe, Oceania)")
	c.Flags().StringVar(&f.Subregion, "subregion", "", `M49 sub-region (e.g. "Western Asia")`)
	c.Flags().StringVar(&f.Group, "group", "", "group: "+strings.Join(egdi.GroupNames, "|"))
	c.Flags().IntVar(&f.Top, "top", 0, "show only the first N rows")
	o.add(c, "table", "csv", "json")
	return c
}

// ranking returns the rows of a ranking view of a published edition and
// the ranks shared in the whole edition.
func ranking(d *egdi.Dataset, edition int, by string, f egdi.Filter, lang string) (*egdi.Method, []row, shares, error) {
	m, err := egdi.MethodFor(edition)
	if err != nil {
		return nil, nil, nil, err
	}
	scores, err := d.Edition(edition)
	if err != nil {
		return nil, nil, nil, err
	}
	ranked, err := f.Apply(d.Countries, scores, by)
	if err != nil {
		return nil, nil, nil, err
	}
	rows := make([]row, len(ranked))
	for i, r := range ranked {
		rows[i] = newRow(d.Countries, r, lang)
	}
	tabular.PublishedNames(rows, d.Published[edition])
	return m, rows, newShares(scores), nil
}

// printRanking prints ranking rows; sh marks shared ranks in the table
// format (JSON and CSV keep numbers).
func printRanking(a *app, o outputFlags, m *egdi.Method, rows []row, by string, sh shares) error {
	switch o.format {
	case "json":
		if rows == nil {
			rows = []row{}
		}
		return writeJSON(a.stdout, rows)
	case "csv":
		t := &table{head: scoreCSVHead}
		for _, r := range rows {
			t.rows = append(t.rows, scoreCSVRow(m, r))
		}
		return t.write(a.stdout, "csv", o.lang)
	}
	return rankingTable(m, rows, by, o.lang, sh).write(a.stdout, "table", o.lang)
}
