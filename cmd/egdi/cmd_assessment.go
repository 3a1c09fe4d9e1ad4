package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/cliparse"
	"github.com/egdi-project/egdi/internal/i18n"
	"github.com/egdi-project/egdi/internal/tabular"
)

// author is who answers: $EGDI_AUTHOR, else $USER, else "owner" (this
// version is single-user; the field is ready for several assessors).
func (a *app) author() string {
	for _, k := range []string{"EGDI_AUTHOR", "USER"} {
		if v := a.getenv(k); v != "" {
			return v
		}
	}
	return "owner"
}

// loadAssessment returns a stored assessment and its questionnaire.
func (a *app) loadAssessment(ctx context.Context, name string) (egdi.Store, *egdi.Assessment, *egdi.Questionnaire, error) {
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	as, err := st.Assessment(ctx, name)
	if err != nil {
		return nil, nil, nil, err
	}
	q, err := getQuestionnaire(as.Questionnaire)
	if err != nil {
		return nil, nil, nil, err
	}
	return st, as, q, nil
}

func (a *app) assessmentCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "assessment create|answer|import|export|show|score|delete",
		Short: "Self-assess a national (or city) portal with a questionnaire and estimate OSI, EPI, LOSI",
		Long: `An assessment is a country (or, for LOSI, a city) × questionnaire × name. Each answer keeps
its evidence (an http(s) URL, a note, optionally a file of at most 5 MiB), its author, time and
version. score turns the answers into module shares, a weighted total and estimates of the
questionnaire's indices with a range, placed in an edition by the engine (EGDI, rank, group,
class). Reference assessments of countries whose published value is known calibrate the map
(--reference); without them the default map is used and the range is wider.`,
	}
	c.AddCommand(a.assessmentCreateCmd(), a.assessmentAnswerCmd(), a.assessmentImportCmd(), a.assessmentExportCmd(),
		a.assessmentShowCmd(), a.assessmentScoreCmd(), a.assessmentDeleteCmd())
	a.guardTeamWrites(c)                    // cmd_team.go: a team assessment is written only through review and reconcile
	c.AddCommand(a.assessmentTeamCmds()...) // cmd_team.go: --as EMAIL, audited
	return c
}

func (a *app) assessmentCreateCmd() *cobra.Command {
	var qid, country, city string
	c := &cobra.Command{
		Use:     "create NAME --questionnaire ID --country ISO3 [--city NAME]",
		Short:   "Create an empty assessment",
		Example: "  egdi assessment create bhr-2024 --questionnaire osi-2024 --country BHR\n  egdi assessment create manama --questionnaire losi-2024 --country BHR --city Manama",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			as, q, err := a.newAssessment(ctx, args[0], qid, country, city)
			if err != nil {
				return err
			}
			if err := q.Check(as); err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			if err := st.CreateAssessment(ctx, as); err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "created %s: %s, %s%s, %d items\n", as.Name, q.ID, as.Country, citySuffix(as.City), q.NumItems())
			return err
		},
	}
	c.Flags().StringVar(&qid, "questionnaire", "", "questionnaire id (see egdi questionnaire list)")
	c.Flags().StringVar(&country, "country", "", "the country (ISO3 code or UN name)")
	c.Flags().StringVar(&city, "city", "", "the city, for a LOSI questionnaire")
	return c
}

func citySuffix(city string) string {
	if city == "" {
		return ""
	}
	return " (" + city + ")"
}

// newAssessment checks the flags of a new assessment.
func (a *app) newAssessment(ctx context.Context, name, qid, country, city string) (*egdi.Assessment, *egdi.Questionnaire, error) {
	if qid == "" || country == "" {
		return nil, nil, egdi.Errorf(egdi.EINVALID, "A new assessment needs --questionnaire ID and --country ISO3.")
	}
	q, err := getQuestionnaire(qid)
	if err != nil {
		return nil, nil, err
	}
	_, ct, err := a.country(ctx, country)
	if err != nil {
		return nil, nil, err
	}
	return &egdi.Assessment{Name: name, Questionnaire: q.ID, Country: ct.ISO3, City: strings.TrimSpace(city), Answers: []egdi.Answer{}}, q, nil
}

func (a *app) assessmentAnswerCmd() *cobra.Command {
	var evidence, note, file string
	c := &cobra.Command{
		Use:   "answer NAME ITEM=VALUE... [--evidence URL] [--note TEXT] [--file PATH]",
		Short: "Answer items (all or nothing), with evidence",
		Example: `  egdi assessment answer bhr-2024 SP-012=yes --evidence https://www.bahrain.bh/... --note "three clicks from the home page"
  egdi assessment answer bhr-2024 IF-010=yes IF-014=no
  egdi assessment answer bhr-2024 IF-014=yes --file privacy.png`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, as, q, err := a.loadAssessment(ctx, args[0])
			if err != nil {
				return err
			}
			var ef *egdi.EvidenceFile
			if file != "" {
				fi, err := os.Stat(file)
				if err != nil {
					return egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", file, err)
				}
				if fi.Size() > egdi.MaxEvidenceFile {
					return egdi.Errorf(egdi.EINVALID, "Item %s: the evidence file %s is %d bytes, over the limit of %d bytes (5 MiB).",
						strings.SplitN(args[1], "=", 2)[0], file, fi.Size(), egdi.MaxEvidenceFile)
				}
				data, err := os.ReadFile(file)
				if err != nil {
					return egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", file, err)
				}
				ef = &egdi.EvidenceFile{Name: filepath.Base(file), Data: data}
			}
			var answers []egdi.Answer
			for _, kv := range args[1:] {
				item, value, ok := strings.Cut(kv, "=")
				if !ok {
					return egdi.Errorf(egdi.EINVALID, "%q is not ITEM=VALUE (e.g. SP-012=yes).", kv)
				}
				x := egdi.Answer{Item: strings.TrimSpace(item), Value: value, Evidence: evidence, Note: note, File: ef, Author: a.author()}
				if err := q.CheckAnswer(&x); err != nil {
					return err
				}
				answers = append(answers, x)
			}
			got, err := st.SaveAnswers(ctx, as.Name, answers)
			if err != nil {
				return err
			}
			for _, x := range answers {
				v := got.Answer(x.Item)
				if _, err := fmt.Fprintf(a.stdout, "%s %s = %s (version %d)\n", as.Name, v.Item, v.Value, v.Version); err != nil {
					return err
				}
			}
			return nil
		},
	}
	c.Flags().StringVar(&evidence, "evidence", "", "evidence URL (http or https)")
	c.Flags().StringVar(&note, "note", "", "a note on the answer")
	c.Flags().StringVar(&file, "file", "", "an evidence file to keep with the answer (at most 5 MiB)")
	return c
}

func (a *app) assessmentImportCmd() *cobra.Command {
	var qid, country, city, format string
	c := &cobra.Command{
		Use:   "import NAME FILE [--questionnaire ID --country ISO3 [--city NAME]]",
		Short: "Import answers from CSV (item,answer,evidence,note), XLSX or JSON, all or nothing",
		Long: `import reads a whole assessment file and stores its answers in one transaction: into the named
assessment, or a new one (created with --questionnaire and --country, or from a JSON export).
A bad row (an unknown item, a value not allowed, a URL that is not http(s)) stops the import
with exit status 2, naming the row, column and item, and leaves the store as it was.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			data, err := readInput(args[1])
			if err != nil {
				return err
			}
			existing, err := st.Assessment(ctx, args[0])
			isNew := egdi.ErrorCode(err) == egdi.ENOTFOUND
			if err != nil && !isNew {
				return err
			}
			var q *egdi.Questionnaire
			var as *egdi.Assessment
			switch {
			case !isNew:
				if q, err = getQuestionnaire(existing.Questionnaire); err != nil {
					return err
				}
			case qid != "":
				if as, q, err = a.newAssessment(ctx, args[0], qid, country, city); err != nil {
					return err
				}
			default:
				// A JSON export names its questionnaire.
				id := jsonQuestionnaire(data)
				if id == "" {
					return egdi.Errorf(egdi.EINVALID, "No assessment named %s: give --questionnaire ID and --country ISO3 to create it.", args[0])
				}
				if q, err = getQuestionnaire(id); err != nil {
					return err
				}
			}
			got, err := tabular.ReadAssessment(args[1], data, format, q)
			if err != nil {
				return err
			}
			for k := range got.Answers {
				if got.Answers[k].Author == "" {
					got.Answers[k].Author = a.author()
				}
			}
			if isNew {
				if as == nil {
					if got.Country == "" {
						return egdi.Errorf(egdi.EINVALID, "%s names no country: give --country ISO3.", args[1])
					}
					as = &egdi.Assessment{Questionnaire: q.ID, Country: got.Country, City: got.City}
				}
				as.Name, as.Answers = args[0], got.Answers
				if err := q.Check(as); err != nil {
					return err
				}
				if err := st.CreateAssessment(ctx, as); err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.stdout, "%s: created %s with %d answers\n", args[1], as.Name, len(as.Answers))
				return err
			}
			saved, err := st.SaveAnswers(ctx, args[0], got.Answers)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "%s: %d answers read into %s (%d answered of %d items)\n", args[1], len(got.Answers), args[0],
				len(saved.Answers), q.NumItems())
			return err
		},
	}
	c.Flags().StringVar(&qid, "questionnaire", "", "questionnaire of a new assessment")
	c.Flags().StringVar(&country, "country", "", "country of a new assessment")
	c.Flags().StringVar(&city, "city", "", "city of a new LOSI assessment")
	c.Flags().StringVar(&format, "format", "", "csv, xlsx or json (default: from the content)")
	return c
}

func jsonQuestionnaire(data []byte) string {
	var v struct {
		Questionnaire string `json:"questionnaire"`
	}
	if err := jsonUnmarshal(data, &v); err != nil {
		return ""
	}
	return v.Questionnaire
}

func readInput(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", path, err)
	}
	if fi.Size() > tabular.MaxAssessmentFile {
		return nil, egdi.Errorf(egdi.EINVALID, "%s is %d bytes, over the limit of %d MiB.", path, fi.Size(), tabular.MaxAssessmentFile>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", path, err)
	}
	return data, nil
}

func (a *app) assessmentExportCmd() *cobra.Command {
	var format, out string
	c := &cobra.Command{
		Use:     "export NAME [--format csv|xlsx|json] [-o FILE]",
		Short:   "Export an assessment (CSV, XLSX with an Arabic sheet, JSON)",
		Example: "  egdi assessment export bhr-2024 --format xlsx -o bhr-2024.xlsx",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, as, q, err := a.loadAssessment(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if format == "" {
				format = strings.TrimPrefix(filepath.Ext(out), ".")
				if format == "" {
					format = "csv"
				}
			}
			if format == "xlsx" && out == "" {
				return egdi.Errorf(egdi.EINVALID, "--format xlsx needs -o FILE.")
			}
			return writeOut(a.stdout, out, func(w io.Writer) error { return tabular.WriteAssessment(w, as, q, format) })
		},
	}
	c.Flags().StringVar(&format, "format", "", "csv, xlsx or json (default: from -o's extension, else csv)")
	c.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	return c
}

func (a *app) assessmentShowCmd() *cobra.Command {
	var o outputFlags
	c := &cobra.Command{
		Use:   "show [NAME]",
		Short: "List the assessments, or show one by module with its answers and progress",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			ctx := cmd.Context()
			if len(args) == 0 {
				st, err := a.openStore(ctx)
				if err != nil {
					return err
				}
				all, err := st.Assessments(ctx)
				if err != nil {
					return err
				}
				if all == nil {
					all = []*egdi.Assessment{}
				}
				if o.format == "json" {
					return writeJSON(a.stdout, all)
				}
				t := &table{head: []string{"name", "questionnaire", "country", "city", "answered", "updated"}}
				for _, x := range all {
					t.rows = append(t.rows, []string{x.Name, x.Questionnaire, string(x.Country), x.City, strconv.Itoa(len(x.Answers)),
						x.UpdatedAt.Format("2006-01-02 15:04")})
				}
				return t.write(a.stdout, o.format, o.lang)
			}
			_, as, q, err := a.loadAssessment(ctx, args[0])
			if err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSON(a.stdout, as)
			}
			t := &table{head: []string{"module", "item", "answer", "version", "evidence", "note", "question"}}
			for _, m := range q.Modules {
				for _, it := range m.Items {
					row := []string{m.Code, it.Code, "", "", "", "", it.Text.In(o.lang)}
					if x := as.Answer(it.Code); x != nil {
						row[2], row[3], row[4], row[5] = x.Value, strconv.Itoa(x.Version), x.Evidence, x.Note
						if x.File != nil {
							row[4] = strings.TrimSpace(row[4] + " [file " + x.File.Name + "]")
						}
					}
					t.rows = append(t.rows, row)
				}
			}
			if err := t.write(a.stdout, o.format, o.lang); err != nil {
				return err
			}
			if o.format == "table" {
				_, err = fmt.Fprintf(a.stdout, "%s: %s, %s%s, %d answered of %d items\n", as.Name, q.ID, as.Country, citySuffix(as.City),
					len(as.Answers), q.NumItems())
			}
			return err
		},
	}
	o.add(c, "table", "csv", "json")
	return c
}

func (a *app) assessmentDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete an assessment, its answers and evidence files",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			if err := st.DeleteAssessment(cmd.Context(), args[0]); err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "deleted %s\n", args[0])
			return err
		},
	}
}

// calibrations loads the reference assessments and fits the maps
// ([egdi.Questionnaire.CalibrateWith]).
func (a *app) calibrations(ctx context.Context, q *egdi.Questionnaire, d *egdi.Dataset, y int, refs []string) (egdi.Calibrations, error) {
	if len(refs) == 0 {
		return egdi.Calibrations{}, nil
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	var as []*egdi.Assessment
	for _, name := range refs {
		r, err := st.Assessment(ctx, name)
		if err != nil {
			return nil, err
		}
		as = append(as, r)
	}
	return q.CalibrateWith(as, d, y)
}

func (a *app) assessmentScoreCmd() *cobra.Command {
	var (
		o        outputFlags
		edition  int
		refs     []string
		scenario string
	)
	c := &cobra.Command{
		Use:   "score NAME [--edition Y] [--reference NAME]... [--scenario NEW]",
		Short: "Score an assessment: module shares, OSI/EPI (or LOSI, EGL) estimates with a range, EGDI and rank",
		Long: `score computes each module's share of points, their weighted total, and the estimate of each index
the questionnaire measures, with a range. Carried into the edition (default: the questionnaire's),
the estimate gives the country's EGDI, rank (with rank_low and rank_high, the ranks at the ends of
the OSI range), group and class, recomputed by the engine. --reference NAME (repeatable) names
assessments of other countries, with the same questionnaire, whose published values calibrate the
map from raw score to index (see egdi.Calibration). Best guesses are listed with every score.
--scenario NEW also saves the estimate as a user-defined edition like the scored one (egdi edition
create NEW --like Y --data-year Y' --set ISO3.osi=… --set ISO3.epi=…), to compute and compare.`,
		Example: "  egdi assessment score bhr-2024\n  egdi assessment score bhr-2024 --reference kor-2024 --reference tgo-2024 --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			ctx := cmd.Context()
			_, as, q, err := a.loadAssessment(ctx, args[0])
			if err != nil {
				return err
			}
			d, err := a.dataset(ctx)
			if err != nil {
				return err
			}
			y := edition
			if y == 0 {
				y = q.Edition
			}
			cal, err := a.calibrations(ctx, q, d, y, refs)
			if err != nil {
				return err
			}
			b, err := egdi.NewBase(d, y, egdi.ComponentLevel)
			if err != nil {
				return err
			}
			s, err := q.Score(as, cal, b)
			if err != nil {
				return err
			}
			if scenario != "" {
				if err := a.saveScoreScenario(ctx, scenario, d, b, s); err != nil {
					return err
				}
				s.Notes = append(s.Notes, "saved as edition "+scenario+" (egdi compute --edition "+scenario+")")
			}
			if o.format == "json" {
				return writeJSON(a.stdout, s)
			}
			return scoreTable(s, q, o).write(a.stdout, o.format, o.lang, o.format == "table")
		},
	}
	c.Flags().IntVar(&edition, "edition", 0, "edition to place the estimate in (default: the questionnaire's)")
	c.Flags().StringArrayVar(&refs, "reference", nil, "a reference assessment (repeatable) whose country's published value calibrates the estimate")
	c.Flags().StringVar(&scenario, "scenario", "", "also save the estimate as a new edition (scenario) of this name")
	o.add(c, "table", "csv", "json")
	return c
}

func scoreTable(s *egdi.SelfScore, q *egdi.Questionnaire, o outputFlags) noted {
	ar := o.lang == "ar" && o.format == "table"
	t := &table{head: []string{"module", "name", "answered", "items", "share", "weight"}}
	if ar {
		for k, h := range t.head {
			key := "sa." + h
			if h == "name" {
				key = "sa.name"
			}
			t.head[k] = i18n.T("ar", key)
		}
	}
	for k, m := range s.Modules {
		t.rows = append(t.rows, []string{m.Code, q.Modules[k].Name.In(o.lang), strconv.Itoa(m.Answered), strconv.Itoa(m.Items),
			strconv.FormatFloat(m.Share, 'f', 4, 64), strconv.FormatFloat(m.Weight, 'f', 4, 64)})
	}
	total := "total"
	if ar {
		total = i18n.T("ar", "sa.total")
	}
	t.rows = append(t.rows, []string{total, "", strconv.Itoa(s.Answered), strconv.Itoa(s.Total), strconv.FormatFloat(s.Raw, 'f', 4, 64), ""})
	var notes []string
	for _, e := range []struct {
		key, name string
		e         *egdi.Estimate
	}{{"osi", "OSI", s.OSI}, {"epi", "EPI", s.EPI}, {"", "LOSI", s.LOSI}, {"", "EGL", s.EGL}} {
		if e.e == nil {
			continue
		}
		if ar {
			name := e.name
			if e.key != "" {
				name = i18n.T("ar", e.key)
			}
			notes = append(notes, fmt.Sprintf("%s: التقدير %.4f (المدى %.4f–%.4f)", name, e.e.Estimate, e.e.Low, e.e.High))
		} else {
			notes = append(notes, fmt.Sprintf("%s estimate %.4f (range %.4f–%.4f)", e.name, e.e.Estimate, e.e.Low, e.e.High))
		}
	}
	if s.Edition != 0 {
		if ar {
			class := ""
			if s.Class != "" {
				class = "، " + i18n.T("ar", "rating_class") + " " + s.Class
			}
			notes = append(notes, fmt.Sprintf("%s في %d: %s %.4f، الترتيب %d (المدى %d–%d)، %s%s", s.Country, s.Edition,
				i18n.T("ar", "egdi"), s.EGDI, s.Rank, s.RankLow, s.RankHigh, i18n.T("ar", string(s.Group)), class))
		} else {
			notes = append(notes, fmt.Sprintf("%s in %d: EGDI %.4f, rank %d (range %d–%d), %s%s", s.Country, s.Edition, s.EGDI, s.Rank,
				s.RankLow, s.RankHigh, s.Group, classSuffix(s.Class)))
		}
	}
	bg := "best guess"
	if ar {
		bg = i18n.T("ar", "sa.best_guess")
	}
	for _, g := range s.BestGuesses {
		notes = append(notes, bg+" "+g.Name+": "+textIn(o.lang, g.EN, g.AR))
	}
	return noted{t: t, notes: append(notes, s.Notes...)}
}

// featureTarget is `egdi target --assessment`: plans made of unmet items.
func (a *app) featureTarget(ctx context.Context, d *egdi.Dataset, c egdi.ISO3, edition int, lv egdi.Level, name string, refs []string,
	costs string, tg egdi.Target, o outputFlags) error {
	if lv == egdi.RawLevel {
		return egdi.Errorf(egdi.EINVALID, "--assessment plans at component level (the OSI estimate replaces the published OSI): drop --level raw.")
	}
	_, as, q, err := a.loadAssessment(ctx, name)
	if err != nil {
		return err
	}
	if as.Country != c {
		return egdi.Errorf(egdi.EINVALID, "Assessment %s is of %s, not %s.", name, as.Country, c)
	}
	cal, err := a.calibrations(ctx, q, d, edition, refs)
	if err != nil {
		return err
	}
	b, err := egdi.NewBase(d, edition, egdi.ComponentLevel)
	if err != nil {
		return err
	}
	var ic egdi.ItemCosts
	if costs != "" {
		data, err := os.ReadFile(costs)
		if err != nil {
			return egdi.Errorf(egdi.EINVALID, "Cannot read %s: %v.", costs, err)
		}
		if ic, err = cliparse.ParseItemCosts(costs, data, q); err != nil {
			return err
		}
	}
	osiCal, ok := cal[egdi.IndexOSI]
	if !ok {
		osiCal = egdi.DefaultCalibration(egdi.IndexOSI)
	}
	res, err := q.Plan(as, osiCal, b, tg, ic)
	if err != nil {
		return err
	}
	if o.format == "json" {
		err = writeJSON(a.stdout, res)
	} else {
		err = featureTable(b.Method, res).write(a.stdout, o.format, o.lang, o.format == "table")
	}
	if err != nil {
		return err
	}
	if !res.Reachable {
		return egdi.Errorf(egdi.EINVALID, "%s cannot reach %s in %d with the items of %s: with every item met the best reachable rank is %d.",
			res.ISO3, res.Target, res.Edition, name, res.BestRank)
	}
	return nil
}

func featureTable(m *egdi.Method, res *egdi.FeatureTargetResult) noted {
	t := &table{head: []string{"plan", "reached", "item", "from", "to", "effort", "cost", "osi", "egdi", "rank", "group", "class"}}
	for _, p := range res.Plans {
		reached := "no"
		if p.Reached {
			reached = "yes"
		}
		tail := []string{strconv.FormatFloat(p.Cost, 'f', 1, 64), strconv.FormatFloat(p.OSI, 'f', 4, 64), num(m.EGDIPrecision, p.EGDI),
			strconv.Itoa(p.Rank), string(p.Group), p.Class}
		for i, ch := range p.Changes {
			row := []string{ch.Item, ch.From, ch.To, strconv.FormatFloat(ch.Effort, 'g', -1, 64)}
			if i == 0 {
				t.rows = append(t.rows, append(append([]string{p.Name, reached}, row...), tail...))
			} else {
				t.rows = append(t.rows, append(append([]string{"", ""}, row...), "", "", "", "", "", ""))
			}
		}
	}
	notes := []string{fmt.Sprintf("%s in %d with assessment %s (OSI estimate %.4f): rank %d, EGDI %s, %s%s; target %s; reachable: %v, best reachable rank %d",
		res.ISO3, res.Edition, res.Assessment, res.OSI, res.Rank, num(m.EGDIPrecision, res.EGDI), res.Group, classSuffix(res.Class),
		res.Target, res.Reachable, res.BestRank)}
	for _, g := range res.BestGuesses {
		notes = append(notes, "best guess "+g.Name+": "+g.EN)
	}
	return noted{t: t, notes: notes}
}

// saveScoreScenario stores the score's estimates as a scenario like the
// scored edition, with the edition's own data year.
func (a *app) saveScoreScenario(ctx context.Context, name string, d *egdi.Dataset, b *egdi.Base, s *egdi.SelfScore) error {
	sets := s.Sets(0)
	if len(sets) == 0 {
		return egdi.Errorf(egdi.EINVALID, "--scenario: questionnaire %s estimates no index of the EGDI editions (OSI or EPI).", s.Questionnaire)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	dy := b.Method.DataYear
	if dy == 0 {
		dy = b.Edition - 2
	}
	sc, _, err := egdi.NewScenario(name, b.Edition, dy, d, sets, time.Now())
	if err != nil {
		return err
	}
	return st.SaveScenario(ctx, sc)
}

// assessmentOSI returns, for `egdi nowcast --assessment`, the OSI estimate
// of each named self-assessment as ISO3=V (an --osi value), calibrated on
// refs in the questionnaire's edition. Errors: an assessment whose
// questionnaire does not estimate the OSI.
func (a *app) assessmentOSI(ctx context.Context, d *egdi.Dataset, names, refs []string) ([]string, error) {
	var out []string
	for _, name := range names {
		_, as, q, err := a.loadAssessment(ctx, name)
		if err != nil {
			return nil, err
		}
		if q.Index != egdi.IndexOSI {
			return nil, egdi.Errorf(egdi.EINVALID, "--assessment %s: questionnaire %s estimates the %s, not the OSI.", name, q.ID, strings.ToUpper(q.Index))
		}
		cal, err := a.calibrations(ctx, q, d, q.Edition, refs)
		if err != nil {
			return nil, err
		}
		s, err := q.Score(as, cal, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, string(as.Country)+"="+strconv.FormatFloat(s.OSI.Estimate, 'f', -1, 64))
	}
	return out, nil
}
