package main

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
	"github.com/egdi-project/egdi/internal/tabular"
)

// table is what a command prints: headings and rows of text.
type table struct {
	head []string
	rows [][]string
}

// rlm is U+200F RIGHT-TO-LEFT MARK. An Arabic table starts every line with
// it so that a terminal with bidi support lays the line out right to left
// (first column on the right); the cells stay in logical order.
const rlm = "\u200f"

// write prints t in the given format: an aligned table, or CSV.
func (t *table) write(w io.Writer, format, lang string) error {
	if format == "csv" {
		cw := csv.NewWriter(w)
		if err := cw.Write(t.head); err != nil {
			return err
		}
		if err := cw.WriteAll(t.rows); err != nil {
			return err
		}
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	prefix := ""
	if lang == "ar" {
		prefix = rlm
	}
	for _, r := range append([][]string{t.head}, t.rows...) {
		if _, err := io.WriteString(tw, prefix+strings.Join(r, "\t")+"\t\n"); err != nil {
			return err
		}
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// label returns the heading for a field in lang.
func label(lang, key string) string {
	if lang == "ar" {
		return i18n.T("ar", key)
	}
	switch key {
	case "egdi", "osi", "tii", "hci", "epi":
		return strings.ToUpper(key)
	}
	return i18n.T("en", key)
}

// num formats a published value with the edition's precision.
func num(p egdi.Precision, v float64) string { return p.Format(v) }

func itoa(i int) string {
	if i == 0 {
		return ""
	}
	return strconv.Itoa(i)
}

// row is one country in a ranking as the CLI and the API print it; the
// type lives in internal/tabular, whose JSON export writes the same rows.
type row = tabular.Row

func newRow(cs *egdi.Countries, r egdi.Ranked, lang string) row { return tabular.NewRow(cs, r, lang) }

// scoreCSVHead are the CSV columns of a ranking, in the field names used
// everywhere (JSON, CSV, API).
var scoreCSVHead = []string{"iso3", "name", "edition", "egdi", "egdi_rank", "osi", "osi_rank", "tii", "tii_rank",
	"hci", "hci_rank", "epi", "epi_rank", "group", "rating_class", "region", "subregion", "rank_within"}

func scoreCSVRow(m *egdi.Method, r row) []string {
	epi := ""
	if r.EPI != nil {
		epi = num(m.EPIPrecision, *r.EPI)
	}
	return []string{string(r.ISO3), r.Name, strconv.Itoa(r.Edition), num(m.EGDIPrecision, r.EGDI), itoa(r.EGDIRank),
		num(m.OSIPrecision, r.OSI), itoa(r.OSIRank), num(m.TIIPrecision, r.TII), itoa(r.TIIRank),
		num(m.HCIPrecision, r.HCI), itoa(r.HCIRank), epi, itoa(r.EPIRank), string(r.Group), r.RatingClass,
		r.Region, r.Subregion, itoa(r.RankWithin)}
}

// rankingTable lays out rows for people: the rank inside the view, the
// global rank, the country, the EGDI and each component with its rank.
// A rank more than one country holds in the edition is shown as "=11" (sh),
// and so is a rank within the view that two rows share.
func rankingTable(m *egdi.Method, rows []row, by, lang string, sh shares) *table {
	t := &table{head: []string{label(lang, "rank_within"), label(lang, "rank"), label(lang, "iso3"), label(lang, "country"),
		label(lang, "egdi"), label(lang, "osi"), "#", label(lang, "tii"), "#", label(lang, "hci"), "#",
		label(lang, "epi"), "#", label(lang, "group"), label(lang, "rating_class")}}
	for i, r := range rows {
		epi := ""
		if r.EPI != nil {
			epi = num(m.EPIPrecision, *r.EPI)
		}
		within := itoa(r.RankWithin)
		if i > 0 && rows[i-1].RankWithin == r.RankWithin || i+1 < len(rows) && rows[i+1].RankWithin == r.RankWithin {
			within = "=" + within
		}
		t.rows = append(t.rows, []string{within, sh.cell(by, r.RankBy(by)), string(r.ISO3), r.Name,
			num(m.EGDIPrecision, r.EGDI), num(m.OSIPrecision, r.OSI), sh.cell("osi", r.OSIRank), num(m.TIIPrecision, r.TII),
			sh.cell("tii", r.TIIRank), num(m.HCIPrecision, r.HCI), sh.cell("hci", r.HCIRank), epi, sh.cell("epi", r.EPIRank),
			label(lang, string(r.Group)), r.RatingClass})
	}
	return t
}

// writeRows prints rows aligned, without a heading.
func (t *table) writeRows(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range t.rows {
		if _, err := io.WriteString(tw, strings.Join(r, "\t")+"\n"); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// shares records, per index (egdi, osi, tii, hci, epi), the ranks that
// more than one country holds in a whole edition, so that tables can show
// a shared rank as shared: "=11". (JSON and CSV keep ranks as numbers.)
type shares map[string]map[int]bool

// newShares finds the shared ranks among scores (a whole edition).
func newShares(scores []egdi.Score) shares {
	count := map[string]map[int]int{}
	for i := range scores {
		s := &scores[i]
		for _, ix := range egdi.Indices {
			if r := s.RankBy(ix); r > 0 {
				if count[ix] == nil {
					count[ix] = map[int]int{}
				}
				count[ix][r]++
			}
		}
	}
	sh := shares{}
	for ix, c := range count {
		for r, n := range c {
			if n > 1 {
				if sh[ix] == nil {
					sh[ix] = map[int]bool{}
				}
				sh[ix][r] = true
			}
		}
	}
	return sh
}

// cell prints a rank of index ix: "" for none, "=11" when shared.
func (sh shares) cell(ix string, r int) string {
	if r != 0 && sh[ix][r] {
		return "=" + strconv.Itoa(r)
	}
	return itoa(r)
}
