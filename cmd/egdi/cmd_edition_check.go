package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
)

func (a *app) editionCheckCmd() *cobra.Command {
	var o outputFlags
	c := &cobra.Command{
		Use:   "check YEAR",
		Short: "Test an edition's method against the edition's own published numbers",
		Long: `check tests the method of an edition against what the UN published in it. For an
edition imported from its UN Data Center file (an edition after 2024), the method is the
2024 method, assumed: the check says whether it holds.

  egdi_from_components  the published EGDI equals the weighted mean of the published
                        components within the published precision
  ranks                 the ranks recomputed from the published EGDI with the tie rule
                        equal the published ranks
  groups                each country's group by its published EGDI and the cut-offs is
                        its group by the EGDI recomputed from its components

A failing check names the countries (worst first) and says what the failures suggest:
weights fitted by least squares, another tie rule. egdi import runs it on a new edition.`,
		Example: `  egdi edition check 2026
  egdi edition check 2024 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			y, err := strconv.Atoi(args[0])
			if err != nil || !egdi.IsEditionYear(y) {
				return egdi.Errorf(egdi.EINVALID, "%q is not an edition: give a survey year (egdi editions).", args[0])
			}
			d, err := a.dataset(cmd.Context())
			if err != nil {
				return err
			}
			ck, err := editionCheck(d, y)
			if err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSON(a.stdout, ck)
			}
			t := &table{head: []string{"check", "passed", "failed", "examples", "suggestion"}}
			for _, k := range ck.Checks {
				t.rows = append(t.rows, []string{k.Name, strconv.Itoa(k.Passed), strconv.Itoa(k.Failed),
					joinCodes(k.Examples), k.Suggestion})
			}
			if o.format == "table" {
				_, _ = fmt.Fprintf(a.stdout, "edition %d, method of %d\n", ck.Edition, ck.MethodFrom)
			}
			return t.write(a.stdout, o.format, "en")
		},
	}
	c.Flags().StringVar(&o.format, "format", "table", "output format: table|csv|json")
	o.formats, o.lang = []string{"table", "csv", "json"}, "en"
	return c
}

// editionCheck runs egdi.CheckEdition on an edition of d.
func editionCheck(d *egdi.Dataset, y int) (*egdi.EditionCheck, error) {
	m, err := egdi.MethodFor(y)
	if err != nil {
		return nil, err
	}
	if len(d.Published[y]) == 0 {
		if _, err := d.Edition(y); err != nil {
			return nil, err
		}
	}
	return egdi.CheckEdition(m, d.Published[y]), nil
}

func joinCodes(cs []egdi.ISO3) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, " ")
}

// checkNewEditions runs the edition check on every edition of an imported
// batch that is not built in and prints its summary on stderr: the method
// of such an edition is assumed, and the user should know at once whether
// the file's own numbers bear it out.
func (a *app) checkNewEditions(ctx context.Context, st egdi.Store, b *egdi.Batch) error {
	years := map[int]bool{}
	for _, r := range b.Records {
		if !egdi.IsBuiltin(r.Edition) {
			years[r.Edition] = true
		}
	}
	if len(years) == 0 {
		return nil
	}
	d, err := st.Dataset(ctx)
	if err != nil {
		return err
	}
	for _, y := range d.Years() {
		if !years[y] {
			continue
		}
		ck, err := editionCheck(d, y)
		if err != nil {
			return err
		}
		verdict := "the assumed method holds"
		if !ck.OK() {
			verdict = "the assumed method does NOT fully hold"
		}
		_, _ = fmt.Fprintf(a.stderr, "egdi: edition %d is not built in: its method is assumed from %d (egdi editions); check: %s\n%s",
			y, ck.MethodFrom, verdict, ck.Summary())
	}
	return nil
}
