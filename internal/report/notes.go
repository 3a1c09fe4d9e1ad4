package report

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// methodRow is the method of one edition, as the methodology notes show it.
type methodRow struct {
	Edition, Weights, TII, HCI, Rules string
}

// list joins terms with the language's comma.
func (w words) list(terms []string) string {
	sep := ", "
	if w.lang == "ar" {
		sep = "، "
	}
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = w.T(t)
	}
	return strings.Join(out, sep)
}

// methodRows describes the method of each edition shown (METHODOLOGY §3):
// EGDI weights, TII and HCI indicators, ranking rule, rating classes.
// Consecutive editions with the same method share a row ("2003–2005").
func methodRows(w words, years []int) []methodRow {
	var out []methodRow
	first, last := 0, 0
	for _, y := range years {
		m, err := egdi.MethodFor(y)
		if err != nil {
			continue // a dataset edition the method table does not know: nothing to say
		}
		r := methodRow{Edition: itoa(y), TII: w.list(m.TII.Indicators), HCI: w.list(m.HCI.Indicators)}
		if m.Weights.OSI == m.Weights.TII && m.Weights.TII == m.Weights.HCI {
			r.Weights = w.T("report.weights_equal")
		} else {
			f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
			r.Weights = w.list([]string{w.short("osi") + " " + f(m.Weights.OSI), w.short("tii") + " " + f(m.Weights.TII), w.short("hci") + " " + f(m.Weights.HCI)})
		}
		rules := []string{"report.rule." + string(m.Ties)}
		if m.TII.Cap > 0 {
			rules = append(rules, "report.rule.cap120")
		}
		if m.RatingClasses {
			rules = append(rules, "report.rule.classes")
		}
		if m.Edition <= 2012 && m.ZeroRule != egdi.NoZeroRule {
			rules = append(rules, "report.rule.zero")
		}
		r.Rules = w.list(rules)
		if m.MethodFrom > 0 {
			// A later edition imported from its UN file: its method is
			// not known but assumed.
			r.Rules += map[bool]string{true: "، ", false: ", "}[w.lang == "ar"] +
				strings.ReplaceAll(w.T("report.rule.assumed"), "{year}", itoa(m.MethodFrom))
		}
		if k := len(out); k > 0 && sameMethod(out[k-1], r) {
			last = y
			out[k-1].Edition = itoa(first) + "–" + itoa(last)
			continue
		}
		first, last = y, y
		out = append(out, r)
	}
	return out
}

func sameMethod(a, b methodRow) bool {
	return a.Weights == b.Weights && a.TII == b.TII && a.HCI == b.HCI && a.Rules == b.Rules
}

// methodNotes are the general notes every report carries, the numeral
// policy among them.
// The rating classes are named in the reader's language (class_note,
// shared with the dashboard), and the precision note says how many decimals
// the UN published for the report's edition (issue 14, point 13).
func methodNotes(w words, edition int) []template.HTML {
	var out []template.HTML
	for _, k := range []string{"formula", "groups_only", "ranks", "comparability", "averages", "precision", "numerals"} {
		switch k {
		case "groups_only":
			out = append(out, w.S("report.note.groups_only")+" "+text(w.T("class_note")))
		case "precision":
			if m, err := egdi.MethodFor(edition); err == nil {
				out = append(out, w.S("report.note.precision_ed", "edition", edition, "n", m.EGDIPrecision.Digits))
			} else {
				out = append(out, w.S("report.note.precision"))
			}
		default:
			out = append(out, w.S("report.note."+k))
		}
	}
	return out
}

// sources are the attributions every report carries.
func sources(w words, years []int, version string) []template.HTML {
	span := itoa(years[0]) + "–" + itoa(years[len(years)-1])
	return []template.HTML{
		w.S("report.src.un", "editions", num(span)),
		w.S("report.src.m49"),
		w.S("report.src.groups"),
		w.S("report.src.engine", "version", num(version)),
		w.S("report.src.fonts_print"),
	}
}
