package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
)

// countryJSON is the JSON form of `egdi country`.
type countryJSON struct {
	ISO3      egdi.ISO3           `json:"iso3"`
	Name      string              `json:"name"`
	NameAR    string              `json:"name_ar"`
	Region    string              `json:"region"`
	Subregion string              `json:"subregion"`
	Groups    []string            `json:"groups"`
	History   []egdi.HistoryEntry `json:"history"`
}

func (a *app) countryCmd() *cobra.Command {
	var o outputFlags
	c := &cobra.Command{
		Use:     "country ISO3|NAME",
		Short:   "Show a country in every edition: EGDI, rank, group, class, components and changes",
		Example: "  egdi country BHR\n  egdi country Bahrain --lang ar\n  egdi country 'Republic of Korea' --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			d, ct, err := a.country(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			h, err := d.History(ct.ISO3)
			if err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSON(a.stdout, countryJSON{ISO3: ct.ISO3, Name: ct.Name(o.lang), NameAR: ct.NameAR,
					Region: ct.Region, Subregion: ct.Subregion, Groups: ct.Groups(), History: h.Entries})
			}
			sh := map[int]shares{}
			if o.format == "table" {
				for _, e := range h.Entries {
					if scores, err := d.Edition(e.Edition); err == nil {
						sh[e.Edition] = newShares(scores)
					}
				}
			}
			return historyTable(h, o.lang, sh).write(a.stdout, o.format, o.lang)
		},
	}
	o.add(c, "table", "csv", "json")
	return c
}

// historyTable lays out a country's editions; sh[edition], when present,
// marks the ranks shared in that edition ("=11").
func historyTable(h *egdi.History, lang string, sh map[int]shares) *table {
	t := &table{head: []string{label(lang, "edition"), label(lang, "rank"), label(lang, "change"),
		label(lang, "egdi"), label(lang, "change"), label(lang, "osi"), "#", label(lang, "tii"), "#",
		label(lang, "hci"), "#", label(lang, "epi"), "#", label(lang, "group"), label(lang, "rating_class")}}
	for _, e := range h.Entries {
		m, _ := egdi.MethodFor(e.Edition)
		rc, ec := "", ""
		if e.Change != nil {
			rc = signed(e.Change.RankChange)
			ec = strconv.FormatFloat(e.Change.EGDIChange, 'f', m.EGDIPrecision.Digits, 64)
			if e.Change.EGDIChange >= 0 {
				ec = "+" + ec
			}
		}
		epi := ""
		if e.EPI != nil {
			epi = num(m.EPIPrecision, *e.EPI)
		}
		s := sh[e.Edition]
		t.rows = append(t.rows, []string{strconv.Itoa(e.Edition), s.cell("egdi", e.EGDIRank), rc, num(m.EGDIPrecision, e.EGDI), ec,
			num(m.OSIPrecision, e.OSI), s.cell("osi", e.OSIRank), num(m.TIIPrecision, e.TII), s.cell("tii", e.TIIRank),
			num(m.HCIPrecision, e.HCI), s.cell("hci", e.HCIRank), epi, s.cell("epi", e.EPIRank), label(lang, string(e.Group)), e.RatingClass})
	}
	return t
}

// signed writes a rank movement: +3 is three places up.
func signed(n int) string {
	switch {
	case n > 0:
		return "+" + strconv.Itoa(n)
	case n < 0:
		return strconv.Itoa(n)
	}
	return "0"
}
