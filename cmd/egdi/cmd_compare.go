package main

import (
	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/tabular"
)

func (a *app) compareCmd() *cobra.Command {
	var (
		o       outputFlags
		edition int
		by      string
	)
	c := &cobra.Command{
		Use:     "compare ISO3|NAME ISO3|NAME...",
		Short:   "Compare countries in one edition: each index with its global rank and its rank among them",
		Example: "  egdi compare BHR ARE SAU QAT KWT OMN --edition 2018",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			d, err := a.dataset(cmd.Context())
			if err != nil {
				return err
			}
			m, err := egdi.MethodFor(edition)
			if err != nil {
				return err
			}
			want := map[egdi.ISO3]bool{}
			for _, s := range args {
				c, err := d.Countries.Lookup(s)
				if err != nil {
					return err
				}
				if want[c.ISO3] {
					return egdi.Errorf(egdi.EINVALID, "%s is named twice.", c.ISO3)
				}
				want[c.ISO3] = true
			}
			scores, err := d.Edition(edition)
			if err != nil {
				return err
			}
			var kept []egdi.Score
			for _, s := range scores {
				if want[s.ISO3] {
					kept = append(kept, s)
					delete(want, s.ISO3)
				}
			}
			for iso := range want {
				return egdi.Errorf(egdi.ENOTFOUND, "%s was not assessed in edition %d.", iso, edition)
			}
			ranked, err := egdi.Filter{}.Apply(d.Countries, kept, by)
			if err != nil {
				return err
			}
			rows := make([]row, len(ranked))
			for i, r := range ranked {
				rows[i] = newRow(d.Countries, r, o.lang)
			}
			tabular.PublishedNames(rows, d.Published[edition])
			return printRanking(a, o, m, rows, by, newShares(scores))
		},
	}
	c.Flags().IntVar(&edition, "edition", egdi.LatestEdition, "edition (survey year)")
	c.Flags().StringVar(&by, "by", "egdi", "index to order by: egdi|osi|tii|hci|epi")
	o.add(c, "table", "csv", "json")
	return c
}
