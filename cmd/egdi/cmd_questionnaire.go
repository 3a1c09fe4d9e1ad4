package main

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/atomicfile"
	"github.com/egdi-project/egdi/internal/questionnaire"
)

// questionnaireView is the JSON of `egdi questionnaire show`: names and
// texts in the --lang language, answers as their values.
type questionnaireView struct {
	ID      string       `json:"id"`
	Edition int          `json:"edition"`
	Index   string       `json:"index"`
	Title   string       `json:"title"`
	Modules []moduleView `json:"modules"`
	Guesses []egdi.Guess `json:"best_guesses"`
}

type moduleView struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Weight float64    `json:"weight"`
	Items  []itemView `json:"items"`
}

type itemView struct {
	Code     string   `json:"code"`
	Text     string   `json:"text"`
	Answers  []string `json:"answers"`
	Evidence string   `json:"evidence"`
	Effort   float64  `json:"effort"`
}

func viewQuestionnaire(q *egdi.Questionnaire, lang string) questionnaireView {
	v := questionnaireView{ID: q.ID, Edition: q.Edition, Index: q.Index, Title: q.Title.In(lang), Guesses: q.BestGuesses}
	for _, m := range q.Modules {
		mv := moduleView{Code: m.Code, Name: m.Name.In(lang), Weight: m.Weight}
		for _, it := range m.Items {
			mv.Items = append(mv.Items, itemView{Code: it.Code, Text: it.Text.In(lang), Answers: it.Values(),
				Evidence: it.Evidence.In(lang), Effort: it.Effort})
		}
		v.Modules = append(v.Modules, mv)
	}
	return v
}

func (a *app) questionnaireCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "questionnaire list|show|export",
		Short: "The self-assessment questionnaires (OSI, EPI, EGL, LOSI) built into egdi",
		Long: `The UN's portal questionnaires as data: modules (subindices, EPI levels, LOSI criteria),
items in our own words in English and Arabic, their allowed answers, what counts as evidence,
weights and default efforts. Every unknown is a named best guess.`,
	}
	var lo, so outputFlags
	list := &cobra.Command{
		Use:   "list",
		Short: "List the questionnaires",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := lo.check(); err != nil {
				return err
			}
			s, err := questionnaire.Builtin()
			if err != nil {
				return err
			}
			if lo.format == "json" {
				type row struct {
					ID      string `json:"id"`
					Edition int    `json:"edition"`
					Index   string `json:"index"`
					Title   string `json:"title"`
					Modules int    `json:"modules"`
					Items   int    `json:"items"`
					Status  string `json:"status"`
				}
				rows := []row{}
				for _, q := range s.All() {
					rows = append(rows, row{q.ID, q.Edition, q.Index, q.Title.In(lo.lang), len(q.Modules), q.NumItems(), q.Status})
				}
				return writeJSON(a.stdout, rows)
			}
			t := &table{head: []string{"id", "edition", "index", "modules", "items", "status", "title"}}
			for _, q := range s.All() {
				t.rows = append(t.rows, []string{q.ID, strconv.Itoa(q.Edition), q.Index, strconv.Itoa(len(q.Modules)),
					strconv.Itoa(q.NumItems()), q.Status, q.Title.In(lo.lang)})
			}
			return t.write(a.stdout, lo.format, lo.lang)
		},
	}
	lo.add(list, "table", "csv", "json")
	show := &cobra.Command{
		Use:     "show ID",
		Short:   "Show a questionnaire by module: items, allowed answers, evidence",
		Example: "  egdi questionnaire show osi-2024 --lang ar\n  egdi questionnaire show epi-2024 --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := so.check(); err != nil {
				return err
			}
			q, err := getQuestionnaire(args[0])
			if err != nil {
				return err
			}
			if so.format == "json" {
				return writeJSON(a.stdout, viewQuestionnaire(q, so.lang))
			}
			t := &table{head: []string{"module", "item", "answers", "effort", "question"}}
			for _, m := range q.Modules {
				for _, it := range m.Items {
					t.rows = append(t.rows, []string{m.Code, it.Code, strings.Join(it.Values(), "/"),
						strconv.FormatFloat(it.Effort, 'g', -1, 64), it.Text.In(so.lang)})
				}
			}
			if err := t.write(a.stdout, so.format, so.lang); err != nil {
				return err
			}
			if so.format == "table" {
				for _, g := range q.BestGuesses {
					if _, err := io.WriteString(a.stdout, "best guess "+g.Name+": "+textIn(so.lang, g.EN, g.AR)+"\n"); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
	so.add(show, "table", "csv", "json")
	var exFormat, exOut string
	export := &cobra.Command{
		Use:   "export ID [-o FILE]",
		Short: "Export a questionnaire: the data file (json) or one row an item (csv)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := getQuestionnaire(args[0])
			if err != nil {
				return err
			}
			return writeOut(a.stdout, exOut, func(w io.Writer) error {
				switch exFormat {
				case "json":
					b, err := json.MarshalIndent(q, "", "  ")
					if err != nil {
						return err
					}
					_, err = w.Write(append(b, '\n'))
					return err
				case "csv":
					cw := csv.NewWriter(w)
					if err := cw.Write([]string{"module", "item", "un_code", "text_en", "text_ar", "evidence_en", "evidence_ar", "answers", "effort", "level", "weight"}); err != nil {
						return err
					}
					for _, m := range q.Modules {
						for _, it := range m.Items {
							var ans []string
							for _, c := range it.Answers {
								ans = append(ans, c.Value+"="+strconv.FormatFloat(c.Points, 'g', -1, 64))
							}
							if err := cw.Write([]string{m.Code, it.Code, it.UNCode, it.Text.EN, it.Text.AR, it.Evidence.EN, it.Evidence.AR,
								strings.Join(ans, ";"), strconv.FormatFloat(it.Effort, 'g', -1, 64), it.Level,
								strconv.FormatFloat(m.Weight, 'g', -1, 64)}); err != nil {
								return err
							}
						}
					}
					cw.Flush()
					return cw.Error()
				}
				return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose json or csv.", exFormat)
			})
		},
	}
	export.Flags().StringVar(&exFormat, "format", "json", "json (the questionnaire file) or csv (one row an item)")
	export.Flags().StringVarP(&exOut, "output", "o", "", "file to write (default: standard output)")
	c.AddCommand(list, show, export)
	return c
}

func textIn(lang, en, ar string) string {
	if lang == "ar" && ar != "" {
		return ar
	}
	return en
}

func getQuestionnaire(id string) (*egdi.Questionnaire, error) {
	s, err := questionnaire.Builtin()
	if err != nil {
		return nil, err
	}
	return s.Get(id)
}

// writeOut writes to the file out (all or nothing: internal/atomicfile)
// or, when out is "", to stdout.
func writeOut(stdout io.Writer, out string, fn func(io.Writer) error) error {
	if out == "" {
		return fn(stdout)
	}
	if err := atomicfile.Write(out, 0o644, fn); err != nil {
		if egdi.ErrorCode(err) != egdi.EINTERNAL {
			return err
		}
		return egdi.Errorf(egdi.EINVALID, "Cannot write %s: %v.", out, err)
	}
	return nil
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
