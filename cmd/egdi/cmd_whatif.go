package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/cliparse"
)

func (a *app) whatifCmd() *cobra.Command {
	var (
		o       outputFlags
		edition int
		sets    []string
		level   string
	)
	c := &cobra.Command{
		Use:   "whatif --edition Y --set ISO3.INPUT=VALUE ...",
		Short: "Recompute an edition with changed inputs and show who moves",
		Long: `whatif sets inputs of countries and recomputes all the countries of an edition with its method.

INPUT is an index (osi, tii, hci, epi) or a raw input of egdi compute (internet_users,
mobile_subscriptions, active_mobile_broadband, fixed_broadband, fixed_telephone, ...).

--level component (the default) works on the published indices: the baseline is exactly
the published ranking, unchanged countries keep their published EGDI, and a changed
country's EGDI is the weighted mean of its components cut to the edition's digits.
--level raw works on raw inputs where they exist (the built-in ITU data, 2018–2024): a raw
change moves every country's z-scores and min–max, so other countries' TII change too.
The baseline is then the raw recomputation, which differs slightly from the published TII.`,
		Example: `  egdi whatif --edition 2024 --set BHR.osi=0.99
  egdi whatif --edition 2022 --level raw --set BHR.internet_users=100 --set BHR.fixed_broadband=30`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			lv, err := egdi.ParseLevel(level)
			if err != nil {
				return err
			}
			if len(sets) == 0 {
				return egdi.Errorf(egdi.EINVALID, "Give at least one --set ISO3.INPUT=VALUE.")
			}
			d, err := a.dataset(cmd.Context())
			if err != nil {
				return err
			}
			ss := make([]egdi.Set, len(sets))
			for i, s := range sets {
				if ss[i], err = cliparse.ParseSet(s); err != nil {
					return err
				}
				if _, err := d.Countries.Lookup(string(ss[i].ISO3)); err != nil {
					return err
				}
			}
			b, err := egdi.NewBase(d, edition, lv)
			if err != nil {
				return err
			}
			res, err := b.WhatIf(ss)
			if err != nil {
				return err
			}
			after, _, err := b.Apply(ss)
			if err != nil {
				return err
			}
			res.Notes = append(res.Notes, unchangedMoves(b.Method, b.Scores, after, res)...)
			if o.format == "json" {
				return writeJSON(a.stdout, res)
			}
			sh := [2]shares{newShares(b.Scores), newShares(after)}
			return whatifTable(d.Countries, b.Method, res, o, sh).write(a.stdout, o.format, o.lang, o.format == "table")
		},
	}
	c.Flags().IntVar(&edition, "edition", egdi.LatestEdition, "edition (survey year)")
	c.Flags().StringArrayVar(&sets, "set", nil, "ISO3.INPUT=VALUE (repeatable)")
	c.Flags().StringVar(&level, "level", "", "component (published indices, the default) or raw (raw inputs)")
	o.add(c, "table", "csv", "json")
	return c
}

// noted is a table with notes printed under it (table format only).
type noted struct {
	t     *table
	notes []string
}

func (n noted) write(w io.Writer, format, lang string, withNotes bool) error {
	if err := n.t.write(w, format, lang); err != nil {
		return err
	}
	if withNotes {
		for _, s := range n.notes {
			if _, err := fmt.Fprintln(w, "note: "+s); err != nil {
				return err
			}
		}
	}
	return nil
}

// unchangedMoves explains the rank change of each listed country whose
// EGDI did not change: which countries passed it or fell behind it, when
// one of them is not in the table (its own rank did not change, e.g. it
// shared the country's rank before and now stands alone ahead of it).
// before and after are the whole edition, parallel to each other.
func unchangedMoves(m *egdi.Method, before, after []egdi.Score, res *egdi.WhatIfResult) []string {
	listed := map[egdi.ISO3]bool{}
	for _, c := range res.Countries {
		listed[c.ISO3] = true
	}
	rank := func(r int, sh shares) string { return sh.cell("egdi", r) }
	shB, shA := newShares(before), newShares(after)
	var notes []string
	for _, c := range res.Countries {
		if c.Changed || c.EGDIBefore != c.EGDIAfter || c.RankBefore == c.RankAfter {
			continue
		}
		var why []string
		hidden := false
		for j := range before {
			x, y := before[j], after[j]
			if x.ISO3 == c.ISO3 {
				continue
			}
			aheadBefore, aheadAfter := x.EGDIRank < c.RankBefore, y.EGDIRank < c.RankAfter
			if aheadBefore == aheadAfter {
				continue
			}
			hidden = hidden || !listed[x.ISO3]
			was := ""
			if x.EGDIRank == c.RankBefore {
				was = fmt.Sprintf(", which shared rank %d with it,", c.RankBefore)
			}
			verb := "moved ahead"
			switch {
			case aheadBefore && y.EGDIRank == c.RankAfter:
				verb = fmt.Sprintf("now shares rank %d with it", c.RankAfter)
			case aheadBefore:
				verb = "fell behind"
			}
			why = append(why, fmt.Sprintf("%s%s %s (EGDI %s → %s, rank %s → %s)", x.ISO3, was, verb,
				num(m.EGDIPrecision, x.EGDI), num(m.EGDIPrecision, y.EGDI), rank(x.EGDIRank, shB), rank(y.EGDIRank, shA)))
		}
		if hidden {
			notes = append(notes, fmt.Sprintf("%s kept its EGDI (%s) and went from rank %s to %s: %s", c.ISO3,
				num(m.EGDIPrecision, c.EGDIAfter), rank(c.RankBefore, shB), rank(c.RankAfter, shA), strings.Join(why, "; ")))
		}
	}
	return notes
}

// whatifTable lays out a what-if; sh holds the shared ranks before and
// after (marked "=11" in the table format).
func whatifTable(cs *egdi.Countries, m *egdi.Method, res *egdi.WhatIfResult, o outputFlags, sh [2]shares) noted {
	t := &table{head: []string{"iso3", "country", "egdi_before", "egdi_after", "rank_before", "rank_after", "change",
		"group_before", "group_after", "class_before", "class_after", "changed"}}
	if o.format == "table" {
		t.head = []string{label(o.lang, "iso3"), label(o.lang, "country"), label(o.lang, "egdi") + " before", "after",
			label(o.lang, "rank") + " before", "after", label(o.lang, "change"), label(o.lang, "group") + " before", "after",
			label(o.lang, "rating_class") + " before", "after", "set"}
	}
	for _, r := range res.Countries {
		name := ""
		if c := cs.Get(r.ISO3); c != nil {
			name = c.Name(o.lang)
		}
		gb, ga := string(r.GroupBefore), string(r.GroupAfter)
		if o.format == "table" {
			gb, ga = label(o.lang, gb), label(o.lang, ga)
		}
		rb, ra := strconv.Itoa(r.RankBefore), strconv.Itoa(r.RankAfter)
		if o.format == "table" {
			rb, ra = sh[0].cell("egdi", r.RankBefore), sh[1].cell("egdi", r.RankAfter)
		}
		set := ""
		if r.Changed {
			set = "*"
			if o.format == "csv" {
				set = "1"
			}
		}
		t.rows = append(t.rows, []string{string(r.ISO3), name, num(m.EGDIPrecision, r.EGDIBefore), num(m.EGDIPrecision, r.EGDIAfter),
			rb, ra, signed(r.RankBefore - r.RankAfter), gb, ga,
			r.ClassBefore, r.ClassAfter, set})
	}
	notes := []string{fmt.Sprintf("edition %d, %s level; %d countries changed or moved", res.Edition, res.Level, len(res.Countries))}
	return noted{t: t, notes: append(notes, res.Notes...)}
}
