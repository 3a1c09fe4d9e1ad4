package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/cliparse"
)

func (a *app) targetCmd() *cobra.Command {
	var (
		o       outputFlags
		edition int
		level   string
		costs   string
		tg      egdi.Target
		group   string
		beat    string
		assess  string
		refs    []string
	)
	c := &cobra.Command{
		Use:   "target ISO3 --edition Y (--rank N | --group very_high | --class VH | --beat ISO3)",
		Short: "Find the least-effort improvement that reaches a rank, group, rating class or a peer",
		Long: `target finds, for a country, the smallest-effort change of its inputs that reaches the target,
and verifies every plan by recomputing the whole edition. Plans: cheapest (every input), online
services only (OSI), infrastructure only (TII or its raw inputs), human capital only (HCI).

Effort is a cost per unit of each input with realistic ceilings: percentages ≤ 100,
subscriptions ≤ the TII cap (120 from 2020; before, the world's highest value, at least 120),
indices ≤ 1, expected schooling ≤ 18 years, mean schooling ≤ 15. Default costs per unit:
osi, tii 100 and hci 150 per index point (1.0); internet_users 1 per percentage point;
mobile_subscriptions, active_mobile_broadband 0.5, fixed_broadband 2, fixed_telephone 1 per
subscription per 100 inhabitants. Override them with --costs FILE, a CSV file:

  input,cost,max
  osi,80,0.95
  fixed_broadband,4,40

Every change uses the input names of egdi whatif, so a plan replays with --set ISO3.INPUT=TO.
A target no plan reaches prints the plans with reachable false and the best reachable rank,
and exits with status 2.

With --assessment NAME the plans are made of features: the unmet items of the self-assessment
({"item":"SP-12","from":"no","to":"yes"}), cheapest first under each item's default effort (1 small
… 5 very large; --costs FILE with the header item,cost overrides them), each verified by rescoring
the assessment and recomputing the whole edition. Plans: cheapest (least total effort, exact),
fewest_items, and module_CODE (items of one module only).`,
		Example: `  egdi target BHR --edition 2024 --rank 10
  egdi target BHR --edition 2022 --class VH --level raw
  egdi target IND --edition 2022 --group very_high --costs costs.csv
  egdi target BHR --edition 2024 --rank 10 --assessment bhr-2024`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			lv, err := egdi.ParseLevel(level)
			if err != nil {
				return err
			}
			d, ct, err := a.country(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if group != "" {
				g, ok := egdi.ParseGroup(strings.ToLower(group))
				if !ok {
					return egdi.Errorf(egdi.EINVALID, "Unknown group %q: choose very_high, high, middle or low.", group)
				}
				tg.Group = g
			}
			if beat != "" {
				p, err := d.Countries.Lookup(beat)
				if err != nil {
					return err
				}
				tg.Beat = p.ISO3
			}
			if assess != "" {
				return a.featureTarget(cmd.Context(), d, ct.ISO3, edition, lv, assess, refs, costs, tg, o)
			}
			b, err := egdi.NewBase(d, edition, lv)
			if err != nil {
				return err
			}
			cs := egdi.DefaultCosts(b)
			if costs != "" {
				data, err := os.ReadFile(costs)
				if err != nil {
					return egdi.Errorf(egdi.EINVALID, "Cannot read %s: %w.", costs, err)
				}
				if cs, err = cliparse.ParseCosts(costs, data, cs); err != nil {
					return err
				}
			}
			res, err := b.Plan(ct.ISO3, tg, cs)
			if err != nil {
				return err
			}
			if o.format == "json" {
				err = writeJSON(a.stdout, res)
			} else {
				err = targetTable(b.Method, res, o).write(a.stdout, o.format, o.lang, o.format == "table")
			}
			if err != nil {
				return err
			}
			if !res.Reachable {
				return egdi.Errorf(egdi.EINVALID, "%s cannot reach %s in %d within the ceilings: the best reachable rank is %d.",
					res.ISO3, res.Target, res.Edition, res.BestRank)
			}
			return nil
		},
	}
	c.Flags().IntVar(&edition, "edition", egdi.LatestEdition, "edition (survey year)")
	c.Flags().StringVar(&level, "level", "", "component (published indices, the default) or raw (raw inputs)")
	c.Flags().StringVar(&costs, "costs", "", "CSV file of costs per unit and ceilings: input,cost[,max]")
	c.Flags().IntVar(&tg.Rank, "rank", 0, "target: an EGDI rank of N or better")
	c.Flags().StringVar(&group, "group", "", "target: an EGDI group (very_high, high, middle)")
	c.Flags().StringVar(&tg.Class, "class", "", "target: a rating class or better (VH, V3, …; from 2020)")
	c.Flags().StringVar(&beat, "beat", "", "target: rank ahead of this country")
	c.Flags().StringVar(&assess, "assessment", "", "plan with the unmet items of this self-assessment (see egdi assessment); --costs is then item,cost")
	c.Flags().StringArrayVar(&refs, "reference", nil, "with --assessment: reference assessments calibrating the OSI estimate (repeatable)")
	o.add(c, "table", "csv", "json")
	return c
}

func targetTable(m *egdi.Method, res *egdi.TargetResult, o outputFlags) noted {
	t := &table{head: []string{"plan", "reached", "input", "from", "to", "cost", "egdi", "rank", "group", "class"}}
	for _, p := range res.Plans {
		reached := "no"
		if p.Reached {
			reached = "yes"
		}
		head := []string{p.Name, reached}
		tail := []string{strconv.FormatFloat(p.Cost, 'f', 2, 64), num(m.EGDIPrecision, p.EGDI), strconv.Itoa(p.Rank),
			string(p.Group), p.Class}
		if o.format == "table" {
			tail[3] = label(o.lang, string(p.Group))
		}
		if len(p.Changes) == 0 {
			t.rows = append(t.rows, append(append(head, "", "", ""), tail...))
		}
		for i, ch := range p.Changes {
			row := []string{ch.Indicator, strconv.FormatFloat(ch.From, 'f', -1, 64), strconv.FormatFloat(ch.To, 'f', -1, 64)}
			if o.format == "table" {
				row[1] = strconv.FormatFloat(ch.From, 'g', 6, 64)
			}
			if i == 0 || o.format == "csv" {
				t.rows = append(t.rows, append(append(append([]string{}, head...), row...), tail...))
			} else {
				t.rows = append(t.rows, append(append([]string{"", ""}, row...), "", "", "", "", ""))
			}
		}
	}
	notes := []string{fmt.Sprintf("%s in %d (%s level): rank %d, EGDI %s, %s%s; target %s; reachable: %v, best reachable rank %d",
		res.ISO3, res.Edition, res.Level, res.Rank, num(m.EGDIPrecision, res.EGDI), res.Group, classSuffix(res.Class),
		res.Target, res.Reachable, res.BestRank)}
	return noted{t: t, notes: append(notes, res.Notes...)}
}

func classSuffix(c string) string {
	if c == "" {
		return ""
	}
	return ", class " + c
}
