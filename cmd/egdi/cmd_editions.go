package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

func (a *app) editionsCmd() *cobra.Command {
	var o outputFlags
	c := &cobra.Command{
		Use:   "editions",
		Short: "Show the methodology of every edition (weights, indicators, rounding, ties, best guesses)",
		Args:  cobra.NoArgs,
		Long: `editions shows the method of every edition: the built-in ones and any later
edition imported from its UN Data Center file, whose method is the 2024 one with every
parameter "assumed from 2024" (egdi edition check tests it against the file).`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			// The built-in editions and any later edition in the store.
			d, err := a.dataset(cmd.Context())
			if err != nil {
				return err
			}
			ms := d.Methods()
			if o.format == "json" {
				return writeJSON(a.stdout, ms)
			}
			t := &table{head: []string{"edition", "index", "weights osi/tii/hci", "tii", "tii_cap", "rescaled",
				"hci", "egdi_dp", "rounding", "ties", "zero_rule", "classes", "best_guesses"}}
			// In Arabic every heading and value comes from the glossary
			// (tr); in English they are the method's own words.
			tr := func(key, en string) string { return en }
			listSep, guessSep := ", ", "; "
			glang := "en" // the language of the best guesses (i18n.Guess, shared with the dashboard)
			if o.lang == "ar" && o.format == "table" {
				glang = "ar"
				tr = func(key, _ string) string { return i18n.T("ar", key) }
				listSep, guessSep = "، ", "؛ " // Arabic comma and semicolon
				for i, h := range t.head {
					t.head[i] = tr("ed."+h, h)
				}
			}
			list := func(xs []string) string {
				out := make([]string, len(xs))
				for i, x := range xs {
					out[i] = tr("ind."+x, x)
				}
				return strings.Join(out, listSep)
			}
			assumed := map[int]string{} // edition → its assumed parameters
			for _, m := range ms {
				var guesses, assumes []string
				for _, p := range m.Params {
					switch {
					case p.Status == egdi.BestGuess:
						guesses = append(guesses, tr("param."+p.Name, p.Name)+": "+i18n.Guess(glang, p.Name, p.Value, m.DataYear, egdi.GapYears))
					case egdi.IsAssumed(p.Status):
						assumes = append(assumes, tr("param."+p.Name, p.Name))
					}
				}
				if len(assumes) > 0 {
					assumed[m.Edition] = strings.Join(assumes, listSep)
					if o.format == "csv" {
						guesses = append(guesses, egdi.AssumedFrom(m.MethodFrom)+": "+assumed[m.Edition])
					}
				}
				cp := tr("ed.none", "none")
				if m.TII.Cap > 0 {
					cp = strconv.FormatFloat(m.TII.Cap, 'f', -1, 64)
				}
				t.rows = append(t.rows, []string{strconv.Itoa(m.Edition), tr("ed.index:"+m.IndexName, m.IndexName),
					i18n.Weight(m.Weights.OSI) + listSep + i18n.Weight(m.Weights.TII) + listSep + i18n.Weight(m.Weights.HCI),
					list(m.TII.Indicators), cp, yesNo(tr, m.TII.Rescale),
					list(m.HCI.Indicators), strconv.Itoa(m.EGDIPrecision.Digits), tr("ed.mode:"+string(m.EGDIPrecision.Mode), string(m.EGDIPrecision.Mode)),
					tr("ed.ties:"+string(m.Ties), string(m.Ties)), tr("ed.zero:"+string(m.ZeroRule), string(m.ZeroRule)),
					yesNo(tr, m.RatingClasses), strings.Join(guesses, guessSep)})
			}
			if o.format == "table" {
				// Too wide for a terminal as one table: one block per edition.
				prefix := ""
				if o.lang == "ar" {
					prefix = rlm // each line right to left, as in table.write
				}
				for i, r := range t.rows {
					if i > 0 {
						_, _ = fmt.Fprintln(a.stdout)
					}
					kv := &table{}
					for j, h := range t.head {
						kv.rows = append(kv.rows, []string{prefix + h, r[j]})
					}
					if as, ok := assumed[ms[i].Edition]; ok {
						h := strings.ReplaceAll(tr("ed.assumed", "assumed from {year}"), "{year}", strconv.Itoa(ms[i].MethodFrom))
						kv.rows = append(kv.rows, []string{prefix + h, as})
					}
					if err := kv.writeRows(a.stdout); err != nil {
						return err
					}
				}
				_, _ = fmt.Fprintln(a.stdout, "\n"+prefix+tr("ed.footer", "best guesses are the documented guesses for details the UN has not published; see METHODOLOGY."))
				return nil
			}
			return t.write(a.stdout, o.format, o.lang)
		},
	}
	o.add(c, "table", "csv", "json")
	return c
}

func yesNo(tr func(key, en string) string, b bool) string {
	if b {
		return tr("yes", "yes")
	}
	return tr("no", "no")
}
