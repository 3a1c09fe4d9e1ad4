package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/cliparse"
)

// editionCmd groups the commands on user-defined editions (scenarios).
func (a *app) editionCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "edition",
		Short: "Create, list, show and delete your own editions (scenarios) built from stored data",
		Long: `An edition of your own is a scenario: the inputs of one computation, built from the
raw data in the store (the built-in ITU values and whatever you imported) and, where no raw
data exist, the published indices of the edition it is --like. egdi compute --edition NAME
computes it with that edition's method, so a team can estimate its next ranking the day
the ITU publishes.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(a.editionCreateCmd(), a.editionListCmd(), a.editionShowCmd(), a.editionDeleteCmd(), a.editionCheckCmd())
	return c
}

func (a *app) editionCreateCmd() *cobra.Command {
	var (
		o        outputFlags
		like     int
		dataYear int
		sets     []string
	)
	c := &cobra.Command{
		Use:   "create NAME --like YEAR --data-year YEAR [--set ISO3.indicator=value]...",
		Short: "Build an edition from stored raw data and the published indices of an edition it is like",
		Long: `create builds an edition named NAME for the countries the --like edition assessed:

  - each raw input of the TII and the HCI of the --like method is the latest stored value
    up to --data-year, at most ` + strconv.Itoa(egdi.GapYears) + ` years older (a missing year is filled by the most
    recent earlier one; nothing is interpolated or taken from a later year; an imported
    value comes before a built-in one of the same year);
  - a country with every input of the TII (HCI) gets its TII (HCI) computed from them;
    otherwise its published --like TII (HCI) is carried;
  - OSI and EPI come from the UN's questionnaires, which no raw data replace: they are
    carried from the --like edition;
  - --set ISO3.indicator=value replaces a raw value or gives an index (osi, tii, hci,
    epi) directly.

The output says which inputs were carried, for which countries.`,
		Example: `  egdi edition create next --like 2024 --data-year 2024
  egdi edition create itu2020 --like 2022 --data-year 2020 --set BHR.internet_users=100`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if like == 0 || dataYear == 0 {
				return egdi.Errorf(egdi.EINVALID, "--like YEAR and --data-year YEAR are required.")
			}
			var ss []egdi.Set
			for _, s := range sets {
				st, err := cliparse.ParseSet(s)
				if err != nil {
					return err
				}
				ss = append(ss, st)
			}
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			d, err := st.Dataset(ctx)
			if err != nil {
				return err
			}
			sc, rep, err := egdi.NewScenario(args[0], like, dataYear, d, ss, time.Now())
			if err != nil {
				return err
			}
			if err := st.SaveScenario(ctx, sc); err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSON(a.stdout, createJSON{Name: sc.Name, Like: sc.Like, DataYear: sc.DataYear,
					Countries: len(sc.Countries()), Report: rep, Sets: sets})
			}
			writeScenarioReport(a.stdout, sc, rep, sets)
			return nil
		},
	}
	c.Flags().IntVar(&like, "like", 0, "the published edition whose method and indices the edition uses (survey year)")
	c.Flags().IntVar(&dataYear, "data-year", 0, "the year of the raw data: the latest value up to it is used")
	c.Flags().StringArrayVar(&sets, "set", nil, "ISO3.indicator=value: replace a raw value or give an index (repeatable)")
	o.add(c, "table", "json")
	return c
}

// createJSON is the JSON form of `egdi edition create`.
type createJSON struct {
	Name      string               `json:"name"`
	Like      int                  `json:"like"`
	DataYear  int                  `json:"data_year"`
	Countries int                  `json:"countries"`
	Report    *egdi.ScenarioReport `json:"report"`
	Sets      []string             `json:"sets,omitempty"`
}

// writeScenarioReport says how an edition was built: per component, how many
// countries got it from raw data, and which carried the published index.
func writeScenarioReport(w io.Writer, sc *egdi.Scenario, rep *egdi.ScenarioReport, sets []string) {
	n := len(sc.Countries())
	_, _ = fmt.Fprintf(w, "Edition %s: like %d (its method and published indices), data year %d, %d countries.\n", sc.Name, sc.Like, sc.DataYear, n)
	_, _ = fmt.Fprintf(w, "Gap-filling rule: %s.\n", rep.Rule)
	for _, comp := range []string{"osi", "tii", "hci", "epi"} {
		raw, carried := rep.Raw[comp], rep.Carried[comp]
		var parts []string
		if len(raw) > 0 {
			parts = append(parts, fmt.Sprintf("computed from raw data for %d", len(raw)))
		}
		switch {
		case len(carried) == n:
			parts = append(parts, fmt.Sprintf("carried from the published %d %s for all %d", sc.Like, strings.ToUpper(comp), n))
		case len(carried) > 0:
			cs := make([]string, len(carried))
			for i, c := range carried {
				cs[i] = string(c)
			}
			parts = append(parts, fmt.Sprintf("carried from the published %d %s for %d: %s", sc.Like, strings.ToUpper(comp), len(carried), strings.Join(cs, " ")))
		}
		if set := n - len(raw) - len(carried); set > 0 {
			parts = append(parts, fmt.Sprintf("set for %d", set))
		}
		why := ""
		switch comp {
		case "osi", "epi":
			why = " (questionnaire scores: no raw data replace them)"
		default:
			if len(carried) > 0 {
				why = " (missing raw inputs)"
			}
		}
		_, _ = fmt.Fprintf(w, "%s: %s%s.\n", strings.ToUpper(comp), strings.Join(parts, "; "), why)
	}
	for _, s := range sets {
		_, _ = fmt.Fprintf(w, "Set: %s\n", s)
	}
	_, _ = fmt.Fprintf(w, "Compute it with: egdi compute --edition %s\n", sc.Name)
}

func (a *app) editionListCmd() *cobra.Command {
	var o outputFlags
	c := &cobra.Command{
		Use:   "list",
		Short: "List your editions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			ss, err := st.Scenarios(cmd.Context())
			if err != nil {
				return err
			}
			type item struct {
				Name      string    `json:"name"`
				Like      int       `json:"like"`
				DataYear  int       `json:"data_year"`
				Countries int       `json:"countries"`
				Raw       int       `json:"raw"`
				Carried   int       `json:"carried"`
				Set       int       `json:"set"`
				CreatedAt time.Time `json:"created_at"`
			}
			items := []item{}
			for _, s := range ss {
				it := item{Name: s.Name, Like: s.Like, DataYear: s.DataYear, Countries: len(s.Countries()), CreatedAt: s.CreatedAt}
				for _, v := range s.Values {
					switch v.Origin {
					case egdi.OriginRaw:
						it.Raw++
					case egdi.OriginCarried:
						it.Carried++
					case egdi.OriginSet:
						it.Set++
					}
				}
				items = append(items, it)
			}
			if o.format == "json" {
				return writeJSON(a.stdout, items)
			}
			t := &table{head: []string{"name", "like", "data_year", "countries", "raw", "carried", "set", "created"}}
			for _, it := range items {
				t.rows = append(t.rows, []string{it.Name, strconv.Itoa(it.Like), strconv.Itoa(it.DataYear), strconv.Itoa(it.Countries),
					strconv.Itoa(it.Raw), strconv.Itoa(it.Carried), strconv.Itoa(it.Set), it.CreatedAt.Format(time.RFC3339)})
			}
			return t.write(a.stdout, o.format, "en")
		},
	}
	o.add(c, "table", "csv", "json")
	return c
}

func (a *app) editionShowCmd() *cobra.Command {
	var o outputFlags
	c := &cobra.Command{
		Use:   "show NAME",
		Short: "Show an edition's inputs: each value, where it came from (raw, carried, set), its year and source",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			sc, err := st.Scenario(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSON(a.stdout, sc)
			}
			m, err := egdi.MethodFor(sc.Like)
			if err != nil {
				return err
			}
			if o.format == "table" {
				_, _ = fmt.Fprintf(a.stdout, "Edition %s: like %d, data year %d, %d countries, created %s.\n\n", sc.Name, sc.Like, sc.DataYear,
					len(sc.Countries()), sc.CreatedAt.Format(time.RFC3339))
			}
			t := &table{head: []string{"iso3", "indicator", "value", "origin", "year", "source"}}
			for _, v := range sc.Values {
				val := strconv.FormatFloat(v.Value, 'f', -1, 64)
				if v.Indicator.IsIndex() {
					val = num(m.Precision(v.Indicator), v.Value)
				}
				t.rows = append(t.rows, []string{string(v.ISO3), v.Indicator.String(), val, v.Origin, itoa(v.Year), v.Source})
			}
			return t.write(a.stdout, o.format, "en")
		},
	}
	o.add(c, "table", "csv", "json")
	return c
}

func (a *app) editionDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete an edition and the results computed from it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			if err := st.DeleteScenario(cmd.Context(), args[0]); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stderr, "egdi: deleted edition %s\n", args[0])
			return nil
		},
	}
}

// computeScenario computes a stored edition with its --like method and
// keeps the result, with its inputs and method, in the store. input must
// be empty: a scenario's inputs are in the store.
func (a *app) computeScenario(ctx context.Context, name, input string) (*egdi.Results, error) {
	if input != "" {
		return nil, egdi.Errorf(egdi.EINVALID, "--input is for published editions (--edition YEAR); edition %s has its inputs in the store.", name)
	}
	if err := egdi.CheckScenarioName(name); err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "--edition %q is neither a survey year nor the name of an edition of yours.", name)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	sc, err := st.Scenario(ctx, name)
	if err != nil {
		return nil, err
	}
	res, err := sc.Compute()
	if err != nil {
		return nil, err
	}
	r, err := egdi.NewResult(sc, res, time.Now())
	if err != nil {
		return nil, err
	}
	if _, err := st.SaveResult(ctx, r); err != nil {
		return nil, err
	}
	slices.SortStableFunc(res.Scores, func(x, y egdi.Score) int { return x.EGDIRank - y.EGDIRank })
	return res, nil
}
