package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/report"
	"github.com/egdi-project/egdi/internal/tabular"
)

// The strategy and cooperation tracker: egdi sample, egdi strategy, egdi
// cooperation.

func (a *app) sampleCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "sample",
		Short: "Load or remove the sample strategy and cooperation records",
		Long: `sample load stores the sample: the GCC e-government strategy (three waves, its initiatives,
KPIs measured from the index data) and Bahrain's international cooperation records, facts only,
from the Information & eGovernment Authority's page on Bahrain's international cooperation in ICT.
Every item is marked as sample; sample remove takes them all out and leaves your own data alone.`,
	}
	var as string
	addAsFlag(c, &as)
	c.AddCommand(&cobra.Command{
		Use: "load", Short: "Store the sample (again: it replaces the sample items)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tr, err := builtin.SampleTracker()
			if err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			// A user item with a sample's name or key would be replaced:
			// refuse instead, so user data are never touched unasked.
			if err := a.checkSampleFree(cmd, st, tr); err != nil {
				return err
			}
			who, err := trackerActor(cmd.Context(), st, as)
			if err != nil {
				return err
			}
			tr.Audit = []egdi.AuditEntry{trackerEntry(who, egdi.AuditSampleLoad, "sample", nil,
				map[string]int{"strategies": len(tr.Strategies), "records": len(tr.Cooperation)})}
			if err := st.SaveTracker(cmd.Context(), tr); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stderr, "sample loaded: %d strategy, %d cooperation records (egdi sample remove takes them out)\n",
				len(tr.Strategies), len(tr.Cooperation))
			return nil
		},
	}, &cobra.Command{
		Use: "remove", Short: "Remove every sample item", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			who, err := trackerActor(cmd.Context(), st, as)
			if err != nil {
				return err
			}
			ns, nr, err := st.RemoveSample(cmd.Context(), trackerEntry(who, egdi.AuditSampleRemove, "sample", nil, nil))
			if err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stderr, "sample removed: %d strategies, %d cooperation records\n", ns, nr)
			return nil
		},
	})
	return c
}

func (a *app) checkSampleFree(cmd *cobra.Command, st egdi.Store, tr *egdi.Tracker) error {
	ctx := cmd.Context()
	for _, s := range tr.Strategies {
		old, err := st.Strategy(ctx, s.Name)
		if err == nil && !old.Sample {
			return egdi.Errorf(egdi.ECONFLICT, "Your strategy %q has the sample's name: rename or delete it first.", s.Name)
		}
	}
	recs, err := st.Cooperation(ctx, "")
	if err != nil {
		return err
	}
	keys := map[egdi.CooperationKey]bool{}
	for _, c := range tr.Cooperation {
		keys[c.Key()] = true
	}
	for _, r := range recs {
		if !r.Sample && keys[r.Key()] {
			return egdi.Errorf(egdi.ECONFLICT, "Your cooperation record %q (%s %s) has a sample record's key: delete it first.", r.Title, r.Kind, r.Date)
		}
	}
	return nil
}

// strategySummary is a row of egdi strategy list.
type strategySummary struct {
	Name        string         `json:"name"`
	Title       string         `json:"title,omitempty"`
	TitleAR     string         `json:"title_ar,omitempty"`
	Scope       string         `json:"scope,omitempty"`
	Sample      bool           `json:"sample"`
	Waves       int            `json:"waves"`
	Initiatives int            `json:"initiatives"`
	KPIs        int            `json:"kpis"`
	Status      map[string]int `json:"status"`
}

func (a *app) strategyCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "strategy",
		Short: "E-government strategies: waves, initiatives and KPIs measured from the index data",
		Long: `A strategy (national, or of a group such as the GCC) has waves or annual priorities,
initiatives and KPIs. A KPI is bound to egdi's data — a country's or a group's index (egdi, osi,
tii, hci, epi), rank (egdi_rank, tii_rank, …) or raw input (internet_users, fixed_broadband, …),
e.g. {"iso3":"BHR","measure":"tii_rank"} or {"iso3":"GCC","measure":"egdi"} (the members' mean) —
and its values follow the editions and imported ITU, World Bank and UNDP data; or its values are
entered by hand with evidence. Status (on_track, at_risk, off_track, no_target, no_data): the
latest value against the straight path from the baseline to the targets; within 10 % of the
planned change short of the path is at_risk (see KPIStatus in strategy.go).`,
	}
	var as string
	addAsFlag(c, &as)
	var lo outputFlags
	list := &cobra.Command{
		Use: "list", Short: "List the strategies", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := lo.check(); err != nil {
				return err
			}
			st, d, err := a.storeAndData(cmd)
			if err != nil {
				return err
			}
			ss, err := st.Strategies(cmd.Context())
			if err != nil {
				return err
			}
			out := []strategySummary{}
			t := &table{head: []string{"name", "title", "scope", "sample", "initiatives", "kpis", "on_track", "at_risk", "off_track"}}
			for _, s := range ss {
				v, err := s.View(d)
				if err != nil {
					return err
				}
				sum := strategySummary{Name: s.Name, Title: s.Title, TitleAR: s.TitleAR, Scope: s.Scope, Sample: s.Sample,
					Waves: len(s.Waves), Initiatives: len(s.Initiatives), KPIs: len(v.KPIs), Status: map[string]int{}}
				for _, k := range v.KPIs {
					sum.Status[string(k.Status)]++
				}
				out = append(out, sum)
				title := s.Title
				if lo.lang == "ar" && s.TitleAR != "" {
					title = s.TitleAR
				}
				t.rows = append(t.rows, []string{s.Name, title, s.Scope, strconv.FormatBool(s.Sample), strconv.Itoa(sum.Initiatives),
					strconv.Itoa(sum.KPIs), strconv.Itoa(sum.Status["on_track"]), strconv.Itoa(sum.Status["at_risk"]), strconv.Itoa(sum.Status["off_track"])})
			}
			if lo.format == "json" {
				return writeJSON(a.stdout, out)
			}
			return t.write(a.stdout, lo.format, lo.lang)
		},
	}
	lo.add(list, "table", "csv", "json")

	var so outputFlags
	show := &cobra.Command{
		Use: "show NAME", Short: "A strategy's KPIs with their values, targets and status", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := so.check(); err != nil {
				return err
			}
			st, d, err := a.storeAndData(cmd)
			if err != nil {
				return err
			}
			s, err := st.Strategy(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			v, err := s.View(d)
			if err != nil {
				return err
			}
			if so.format == "json" {
				return writeJSON(a.stdout, v)
			}
			t := &table{head: []string{"id", "name", "binding", "baseline", "latest", "targets", "status"}}
			for _, k := range v.KPIs {
				name := k.Name
				if so.lang == "ar" && k.NameAR != "" {
					name = k.NameAR
				}
				b := "by hand"
				if k.Binding != nil {
					b = k.Binding.ISO3 + "." + k.Binding.Measure
				}
				t.rows = append(t.rows, []string{k.ID, name, b, pointText(k.Baseline), latestText(k.Values), pointsText(k.Targets), string(k.Status)})
			}
			return t.write(a.stdout, so.format, so.lang)
		},
	}
	so.add(show, "table", "csv", "json")

	del := &cobra.Command{
		Use: "delete NAME", Short: "Delete a strategy", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			who, err := trackerActor(cmd.Context(), st, as)
			if err != nil {
				return err
			}
			old, err := st.Strategy(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return st.DeleteStrategy(cmd.Context(), args[0], trackerEntry(who, egdi.AuditStrategyDelete, args[0], old, nil))
		},
	}

	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Import strategies from CSV, XLSX or JSON (all or nothing; a strategy replaces one of the same name)",
		Long: `import reads strategies from a JSON array (as strategy export --format json writes it), or a
table (CSV, or the first sheet of an XLSX workbook) in long form, one item a row:
record (strategy|wave|priority|initiative|kpi|baseline|target|entry), strategy, wave,
initiative, kpi, name, name_ar, owner, scope, iso3, measure, lower_is_better, year, to_year,
value, evidence, description, description_ar, source — see egdi strategy export --format csv. A bad file stores nothing and exits 2.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, d, err := a.storeAndData(cmd)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", args[0], err)
			}
			defer func() { _ = f.Close() }()
			ss, err := tabular.ReadStrategies(args[0], f, d.Countries)
			if err != nil {
				return err
			}
			who, err := trackerActor(cmd.Context(), st, as)
			if err != nil {
				return err
			}
			if err := st.SaveTracker(cmd.Context(), &egdi.Tracker{Strategies: ss,
				Audit: []egdi.AuditEntry{trackerEntry(who, egdi.AuditTrackerImport, args[0], nil, importSummary(args[0], ss, nil))}}); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stderr, "%s: %d strategies stored\n", args[0], len(ss))
			return nil
		},
	}

	var ef exportFlags
	exp := &cobra.Command{
		Use: "export", Short: "Export every strategy as CSV, XLSX or JSON", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			ss, err := st.Strategies(cmd.Context())
			if err != nil {
				return err
			}
			return a.exportTracker(ef, "strategies", tabular.StrategyColumns, tabular.StrategyRows(ss), ss)
		},
	}
	ef.add(exp)

	var (
		pf                   outputFlags
		edition, year, rank  int
		plan, name, initName string
	)
	fromPlan := &cobra.Command{
		Use:   "from-plan ISO3 --rank N --year Y --name STRATEGY",
		Short: "Turn a target plan (egdi target) into KPIs with targets",
		Long: `from-plan runs the target planner (egdi target ISO3 --edition E --rank N) and adds its plan's
changes to a strategy as KPIs: one bound to the country's EGDI rank with the target rank in
--year, and one per input the plan changes, bound to that input, its value in the edition as
baseline and the plan's value as the target of --year. The strategy is created when absent.`,
		Example: `  egdi strategy from-plan BHR --rank 10 --year 2026 --name bahrain-2026`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := pf.check(); err != nil {
				return err
			}
			if name == "" {
				return egdi.Errorf(egdi.EINVALID, "--name STRATEGY is required.")
			}
			if rank <= 0 {
				return egdi.Errorf(egdi.EINVALID, "--rank N is required (a rank of 1 or more).")
			}
			st, d, err := a.storeAndData(cmd)
			if err != nil {
				return err
			}
			ct, err := d.Countries.Lookup(args[0])
			if err != nil {
				return err
			}
			b, err := egdi.NewBase(d, edition, egdi.ComponentLevel)
			if err != nil {
				return err
			}
			res, err := b.Plan(ct.ISO3, egdi.Target{Rank: rank}, egdi.DefaultCosts(b))
			if err != nil {
				return err
			}
			kpis, err := egdi.KPIsFromPlan(res, plan, year)
			if err != nil {
				return err
			}
			s, err := st.Strategy(cmd.Context(), name)
			if egdi.ErrorCode(err) == egdi.ENOTFOUND {
				s, err = &egdi.Strategy{Name: name, Scope: string(ct.ISO3)}, nil
			}
			if err != nil {
				return err
			}
			if initName == "" {
				initName = fmt.Sprintf("Reach EGDI rank %d by %d", rank, year)
			}
			s.Initiatives = append(s.Initiatives, egdi.Initiative{Name: initName, KPIs: kpis})
			who, err := trackerActor(cmd.Context(), st, as)
			if err != nil {
				return err
			}
			entry := trackerEntry(who, egdi.AuditInitiativeAdd, name+"/"+initName, nil, &s.Initiatives[len(s.Initiatives)-1])
			if err := st.SaveTracker(cmd.Context(), &egdi.Tracker{Strategies: []*egdi.Strategy{s}, Audit: []egdi.AuditEntry{entry}}); err != nil {
				return err
			}
			v, err := s.View(d)
			if err != nil {
				return err
			}
			if pf.format == "json" {
				return writeJSON(a.stdout, v)
			}
			_, _ = fmt.Fprintf(a.stdout, "%s: initiative %q with %d KPIs from the %s plan\n", name, initName, len(kpis), plan)
			return nil
		},
	}
	fromPlan.Flags().IntVar(&edition, "edition", egdi.LatestEdition, "the edition the plan starts from")
	fromPlan.Flags().IntVar(&rank, "rank", 0, "target EGDI rank")
	fromPlan.Flags().IntVar(&year, "year", 0, "the year of the targets")
	fromPlan.Flags().StringVar(&plan, "plan", "cheapest", "the plan: cheapest, online_services, infrastructure or human_capital")
	fromPlan.Flags().StringVar(&name, "name", "", "the strategy (created when absent)")
	fromPlan.Flags().StringVar(&initName, "initiative", "", "the initiative's name (default: Reach EGDI rank N by Y)")
	pf.add(fromPlan, "text", "json")

	c.AddCommand(list, show, del, imp, exp, fromPlan, a.strategyReportCmd())
	return c
}

func (a *app) cooperationCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "cooperation",
		Short: "International cooperation records: agreements, visits, events, awards, memberships",
	}
	var as string
	addAsFlag(c, &as)
	var (
		lo      outputFlags
		country string
	)
	list := &cobra.Command{
		Use: "list [--country ISO3]", Short: "List cooperation records by date (a partner's timeline with --country)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := lo.check(); err != nil {
				return err
			}
			st, d, err := a.storeAndData(cmd)
			if err != nil {
				return err
			}
			var iso egdi.ISO3
			if country != "" {
				ct, err := d.Countries.Lookup(country)
				if err != nil {
					return err
				}
				iso = ct.ISO3
			}
			rs, err := st.Cooperation(cmd.Context(), iso)
			if err != nil {
				return err
			}
			if lo.format == "json" {
				return writeJSON(a.stdout, rs)
			}
			t := &table{head: []string{"date", "kind", "parties", "title"}}
			for _, r := range rs {
				title := r.Title
				if lo.lang == "ar" && r.TitleAR != "" {
					title = r.TitleAR
				}
				t.rows = append(t.rows, []string{r.Date, string(r.Kind), strings.Join(r.Parties, ", "), title})
			}
			return t.write(a.stdout, lo.format, lo.lang)
		},
	}
	list.Flags().StringVar(&country, "country", "", "only the records this country (ISO3 or name) is a party to")
	lo.add(list, "table", "csv", "json")

	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Import cooperation records from CSV, XLSX or JSON (all or nothing)",
		Long: `import reads records from a JSON array (as cooperation list --format json writes it) or a table
(CSV, or the first sheet of an XLSX workbook) with the columns kind, date, end, parties, topic,
topic_ar, title, title_ar, documents, documents_ar, outcomes, outcomes_ar, source; list cells separate items with " | ". Dates are
YYYY, YYYY-MM or YYYY-MM-DD. A record with the kind, date and title of a stored one replaces it.
A bad file stores nothing and exits 2.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, d, err := a.storeAndData(cmd)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", args[0], err)
			}
			defer func() { _ = f.Close() }()
			rs, err := tabular.ReadCooperation(args[0], f, d.Countries)
			if err != nil {
				return err
			}
			who, err := trackerActor(cmd.Context(), st, as)
			if err != nil {
				return err
			}
			if err := st.SaveTracker(cmd.Context(), &egdi.Tracker{Cooperation: rs,
				Audit: []egdi.AuditEntry{trackerEntry(who, egdi.AuditTrackerImport, args[0], nil, importSummary(args[0], nil, rs))}}); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stderr, "%s: %d cooperation records stored\n", args[0], len(rs))
			return nil
		},
	}
	var ef exportFlags
	exp := &cobra.Command{
		Use: "export", Short: "Export every cooperation record as CSV, XLSX or JSON", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			rs, err := st.Cooperation(cmd.Context(), "")
			if err != nil {
				return err
			}
			return a.exportTracker(ef, "cooperation", tabular.CooperationColumns, tabular.CooperationRows(rs), rs)
		},
	}
	ef.add(exp)
	del := &cobra.Command{
		Use: "delete ID", Short: "Delete a cooperation record (its id is in list --format json)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return egdi.Errorf(egdi.EINVALID, "Bad record id %q.", args[0])
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			who, err := trackerActor(cmd.Context(), st, as)
			if err != nil {
				return err
			}
			rs, err := st.Cooperation(cmd.Context(), "")
			if err != nil {
				return err
			}
			var old *egdi.Cooperation
			for _, r := range rs {
				if r.ID == id {
					old = r
				}
			}
			if old == nil {
				return egdi.Errorf(egdi.ENOTFOUND, "No cooperation record %d.", id)
			}
			return st.DeleteCooperation(cmd.Context(), id, trackerEntry(who, egdi.AuditCooperationDelete, strconv.FormatInt(id, 10), old, nil))
		},
	}
	c.AddCommand(list, imp, exp, del)
	return c
}

// storeAndData opens the store and reads its dataset.
func (a *app) storeAndData(cmd *cobra.Command) (egdi.Store, *egdi.Dataset, error) {
	st, err := a.openStore(cmd.Context())
	if err != nil {
		return nil, nil, err
	}
	d, err := a.dataset(cmd.Context())
	if err != nil {
		return nil, nil, err
	}
	return st, d, nil
}

type exportFlags struct{ format, out string }

func (e *exportFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&e.format, "format", "", "csv|xlsx|json (default: from the -o file's extension, else json)")
	c.Flags().StringVarP(&e.out, "output", "o", "", "file to write (default: standard output)")
}

func (a *app) exportTracker(e exportFlags, sheet string, head []string, rows [][]string, v any) error {
	format := e.format
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(e.out)), ".")
		if format != "csv" && format != "xlsx" {
			format = "json"
		}
	}
	if format != "csv" && format != "xlsx" && format != "json" {
		return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose csv, xlsx or json.", format)
	}
	var b bytes.Buffer
	if err := tabular.WriteTracker(&b, format, sheet, head, rows, v); err != nil {
		return err
	}
	var w io.Writer = a.stdout
	if e.out != "" {
		if err := os.WriteFile(e.out, b.Bytes(), 0o644); err != nil {
			return egdi.Errorf(egdi.EINVALID, "Cannot write %s: %v.", e.out, err)
		}
		return nil
	}
	_, err := w.Write(b.Bytes())
	return err
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func pointText(p *egdi.Point) string {
	if p == nil {
		return ""
	}
	return fmtNum(p.Value) + " (" + strconv.Itoa(p.Year) + ")"
}

func latestText(ps []egdi.Point) string {
	if len(ps) == 0 {
		return ""
	}
	return pointText(&ps[len(ps)-1])
}

func pointsText(ps []egdi.Point) string {
	var out []string
	for _, p := range ps {
		out = append(out, pointText(&p))
	}
	return strings.Join(out, ", ")
}

func (a *app) strategyReportCmd() *cobra.Command {
	var lang, format, out, previous, save string
	c := &cobra.Command{
		Use:   "report NAME [--lang en|ar] [--format html|pdf] [-o FILE] [--previous LAST.json] [--save NOW.json]",
		Short: "A strategy's progress report: KPIs with charts against targets, status, what changed",
		Long: `report writes the progress report of a strategy, in English or Arabic, as HTML or PDF (printed
by headless Chromium, as egdi report). "What changed" compares with the last report: give the
state it saw with --previous (a file that --save wrote, or strategy show --format json); --save
writes today's state for the next report.`,
		Example: `  egdi strategy report gcc-egov --lang ar --format pdf -o gcc-ar.pdf --save gcc-2026.json
  egdi strategy report gcc-egov --previous gcc-2026.json -o gcc.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if lang != "en" && lang != "ar" {
				return egdi.Errorf(egdi.EINVALID, "Unknown --lang %q: choose en or ar.", lang)
			}
			if format != report.HTML && format != report.PDF {
				return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose html or pdf.", format)
			}
			st, d, err := a.storeAndData(cmd)
			if err != nil {
				return err
			}
			s, err := st.Strategy(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			v, err := s.View(d)
			if err != nil {
				return err
			}
			q := report.StrategyRequest{View: v, Lang: lang}
			if previous != "" {
				b, err := os.ReadFile(previous)
				if err != nil {
					return egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", previous, err)
				}
				var p egdi.StrategyView
				if err := json.Unmarshal(b, &p); err != nil || p.Strategy == nil {
					return egdi.Errorf(egdi.EINVALID, "%s is not a saved strategy state (strategy report --save or strategy show --format json): %v.", previous, err)
				}
				q.Previous = &p
			}
			now, err := reportClock(a.getenv)
			if err != nil {
				return err
			}
			r := report.New(report.Config{Now: now, DataVersion: builtin.Version, Chromium: a.getenv("EGDI_CHROMIUM")})
			defer func() { _ = r.Close() }()
			var b bytes.Buffer
			if format == report.PDF {
				err = r.StrategyPDF(cmd.Context(), &b, q)
			} else {
				err = r.StrategyHTML(&b, q)
			}
			if err != nil {
				return err
			}
			if save != "" {
				var sb bytes.Buffer
				if err := writeJSON(&sb, v); err != nil {
					return err
				}
				if err := os.WriteFile(save, sb.Bytes(), 0o644); err != nil {
					return egdi.Errorf(egdi.EINVALID, "Cannot write %s: %v.", save, err)
				}
			}
			if out == "" || out == "-" {
				_, err = a.stdout.Write(b.Bytes())
				return err
			}
			if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
				return egdi.Errorf(egdi.EINVALID, "Cannot write %s: %v.", out, err)
			}
			return nil
		},
	}
	c.Flags().StringVar(&lang, "lang", "en", "en|ar")
	c.Flags().StringVar(&format, "format", "html", "html|pdf")
	c.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	c.Flags().StringVar(&previous, "previous", "", "the state the last report saw (a --save file)")
	c.Flags().StringVar(&save, "save", "", "write today's state here, for the next report's --previous")
	return c
}
