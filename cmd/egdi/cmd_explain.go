package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
)

func (a *app) explainCmd() *cobra.Command {
	var (
		o        outputFlags
		from, to int
		edition  int
		vs       string
	)
	c := &cobra.Command{
		Use:   "explain ISO3 --from Y1 --to Y2 | explain ISO3 --edition Y --vs ISO3",
		Short: "Explain a change of EGDI and rank between editions, or the gap to a peer",
		Long: `explain splits a country's EGDI change between two editions into what its OSI, TII and
HCI brought (at the mean of the two editions' weights), what a change of weights brought
(2008/2010 weighted 0.34/0.33/0.33), the zero rule and the rounding of the published values;
they sum to the change. It splits the rank change into the country's own effect (the rank
its new EGDI would have had against the other countries' old values) and the others' effect
(everything else), and lists the methodology changes between the editions.

With --vs it explains the gap to a peer in one edition: each component's contribution and
the countries ranked between them.`,
		Example: `  egdi explain BHR --from 2020 --to 2022
  egdi explain BHR --edition 2024 --vs ARE`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			d, ct, err := a.country(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if vs != "" {
				if cmd.Flags().Changed("from") || cmd.Flags().Changed("to") {
					return egdi.Errorf(egdi.EINVALID, "--vs explains a gap in one --edition: drop --from and --to.")
				}
				peer, err := d.Countries.Lookup(vs)
				if err != nil {
					return err
				}
				b, err := egdi.NewBase(d, edition, egdi.ComponentLevel)
				if err != nil {
					return err
				}
				g, err := egdi.ExplainGap(b, ct.ISO3, peer.ISO3)
				if err != nil {
					return err
				}
				if o.format == "json" {
					return writeJSON(a.stdout, g)
				}
				return gapTable(b.Method, g).write(a.stdout, o.format, o.lang)
			}
			if cmd.Flags().Changed("edition") {
				return egdi.Errorf(egdi.EINVALID, "--edition goes with --vs; to explain a change give --from and --to.")
			}
			if !cmd.Flags().Changed("from") {
				from = previousEdition(to, d.Years())
			}
			if from == to {
				return egdi.Errorf(egdi.EINVALID, "--from and --to are both %d: give two editions.", to)
			}
			ba, err := egdi.NewBase(d, from, egdi.ComponentLevel)
			if err != nil {
				return err
			}
			bb, err := egdi.NewBase(d, to, egdi.ComponentLevel)
			if err != nil {
				return err
			}
			e, err := egdi.Explain(ba, bb, ct.ISO3)
			if err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSON(a.stdout, e)
			}
			return explainTable(ba.Method, bb.Method, e, o).write(a.stdout, o.format, o.lang)
		},
	}
	c.Flags().IntVar(&from, "from", 0, "the earlier edition (default: the one before --to)")
	c.Flags().IntVar(&to, "to", egdi.LatestEdition, "the later edition")
	c.Flags().IntVar(&edition, "edition", egdi.LatestEdition, "edition of a --vs comparison")
	c.Flags().StringVar(&vs, "vs", "", "a peer (ISO3 or name): explain the gap to it in --edition")
	o.add(c, "table", "csv", "json")
	return c
}

// previousEdition returns the edition before y among the built-in ones
// and the years of the dataset (or y itself for the first).
func previousEdition(y int, years []int) int {
	p := y
	for _, e := range append(slices.Clone(egdi.Editions), years...) {
		if e < y && (p == y || e > p) {
			p = e
		}
	}
	return p
}

func signedF(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if v >= 0 && !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// explainTable is an explanation as item/value rows.
func explainTable(ma, mb *egdi.Method, e *egdi.Explanation, o outputFlags) *table {
	dg := max(ma.EGDIPrecision.Digits, mb.EGDIPrecision.Digits) + 1
	t := &table{head: []string{"item", "value"}}
	add := func(k, v string) { t.rows = append(t.rows, []string{k, v}) }
	add("country", string(e.ISO3))
	add("egdi", fmt.Sprintf("%s (%d) → %s (%d)", num(ma.EGDIPrecision, e.EGDIFrom), e.From, num(mb.EGDIPrecision, e.EGDITo), e.To))
	add("egdi_change", signedF(e.EGDIChange, dg))
	c := e.Contributions
	add("  from osi", signedF(c.OSI, dg))
	add("  from tii", signedF(c.TII, dg))
	add("  from hci", signedF(c.HCI, dg))
	if c.Weights != 0 {
		add("  from weights", signedF(c.Weights, dg))
	}
	if c.ZeroRule != 0 {
		add("  from the zero rule", signedF(c.ZeroRule, dg))
	}
	add("  from rounding", signedF(c.Rounding, dg))
	add("rank", fmt.Sprintf("%d (%d) → %d (%d)", e.RankFrom, e.From, e.RankTo, e.To))
	add("rank_change", signed(e.RankChange)+" (positive: up)")
	add("  own effect", fmt.Sprintf("%s (rank %d with the %d EGDI against the %d field)", signed(e.OwnEffect), e.RankOwn, e.To, e.From))
	add("  others' effect", signed(e.OthersEffect))
	for i, m := range e.MethodChanges {
		k := ""
		if i == 0 {
			k = "method_changes"
		}
		add(k, m.Text)
	}
	if len(e.MethodChanges) == 0 {
		add("method_changes", "none")
	}
	if o.format == "csv" {
		for _, r := range t.rows {
			r[0] = strings.TrimSpace(r[0])
		}
	}
	return t
}

func gapTable(m *egdi.Method, g *egdi.Gap) *table {
	dg := m.EGDIPrecision.Digits + 1
	t := &table{head: []string{"item", "value"}}
	add := func(k, v string) { t.rows = append(t.rows, []string{k, v}) }
	add("edition", strconv.Itoa(g.Edition))
	add("egdi", fmt.Sprintf("%s %s (rank %d), %s %s (rank %d)", g.ISO3, num(m.EGDIPrecision, g.EGDI), g.Rank, g.Vs,
		num(m.EGDIPrecision, g.EGDIPeer), g.RankPeer))
	add("egdi_gap", signedF(g.EGDIGap, dg)+" (positive: "+string(g.Vs)+" ahead)")
	add("from osi", signedF(g.Contributions.OSI, dg))
	add("from tii", signedF(g.Contributions.TII, dg))
	add("from hci", signedF(g.Contributions.HCI, dg))
	if g.Contributions.ZeroRule != 0 {
		add("from the zero rule", signedF(g.Contributions.ZeroRule, dg))
	}
	add("from rounding", signedF(g.Contributions.Rounding, dg))
	add("rank_gap", signed(g.RankGap))
	between := make([]string, len(g.Between))
	for i, c := range g.Between {
		between[i] = string(c)
	}
	add("between", strings.Join(between, " "))
	return t
}
