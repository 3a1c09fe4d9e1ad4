package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
)

func (a *app) editionsCmd() *cobra.Command {
	var o outputFlags
	c := &cobra.Command{
		Use:   "editions",
		Short: "Show the methodology of every edition (weights, indicators, rounding, ties, best guesses)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			ms := egdi.Methods()
			if o.format == "json" {
				return writeJSON(a.stdout, ms)
			}
			t := &table{head: []string{"edition", "index", "weights osi/tii/hci", "tii", "tii_cap", "rescaled",
				"hci", "egdi_dp", "rounding", "ties", "zero_rule", "classes", "best_guesses"}}
			for _, m := range ms {
				var guesses []string
				for _, p := range m.Params {
					if p.Status == egdi.BestGuess {
						guesses = append(guesses, p.Name+": "+p.Value)
					}
				}
				cp := "none"
				if m.TII.Cap > 0 {
					cp = strconv.FormatFloat(m.TII.Cap, 'f', -1, 64)
				}
				t.rows = append(t.rows, []string{strconv.Itoa(m.Edition), m.IndexName,
					weight(m.Weights.OSI) + "/" + weight(m.Weights.TII) + "/" + weight(m.Weights.HCI),
					strings.Join(m.TII.Indicators, ", "), cp, yesNo(m.TII.Rescale),
					strings.Join(m.HCI.Indicators, ", "), strconv.Itoa(m.EGDIPrecision.Digits), string(m.EGDIPrecision.Mode),
					string(m.Ties), string(m.ZeroRule), yesNo(m.RatingClasses), strings.Join(guesses, "; ")})
			}
			if o.format == "table" {
				// Too wide for a terminal as one table: one block per edition.
				for i, r := range t.rows {
					if i > 0 {
						fmt.Fprintln(a.stdout)
					}
					kv := &table{}
					for j, h := range t.head {
						kv.rows = append(kv.rows, []string{h, r[j]})
					}
					if err := kv.writeRows(a.stdout); err != nil {
						return err
					}
				}
				fmt.Fprintln(a.stdout, "\nbest guesses are the documented guesses for details the UN has not published; see METHODOLOGY.")
				return nil
			}
			return t.write(a.stdout, o.format, o.lang)
		},
	}
	o.add(c, "table", "csv", "json")
	return c
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// weight writes an EGDI weight: 1/3 as a fraction, others as decimals.
func weight(w float64) string {
	if math.Abs(w-1.0/3) < 1e-12 {
		return "1/3"
	}
	return strconv.FormatFloat(w, 'f', -1, 64)
}
