package tabular

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

// Row is one country in a ranking as the CLI and the API print it: the
// score with its rank in the view, and the country's name, region and
// sub-region in the view's language.
type Row struct {
	egdi.Ranked
	Name      string `json:"name"`
	Region    string `json:"region"`
	Subregion string `json:"subregion"`
	// NamePublished is the name as the edition published it, when it
	// differs from Name (e.g. "Republic of Korea" published as "Korea
	// (Republic of)"); set by [PublishedNames], so that a JSON export
	// imports back with the published spelling.
	NamePublished string `json:"name_published,omitempty"`
}

// PublishedNames sets the NamePublished of each row from the edition's
// records, where the published name differs from the row's name.
func PublishedNames(rows []Row, recs []egdi.Record) {
	names := make(map[egdi.ISO3]string, len(recs))
	for _, r := range recs {
		names[r.ISO3] = r.Name
	}
	for i := range rows {
		if n := names[rows[i].ISO3]; n != "" && n != rows[i].Name {
			rows[i].NamePublished = n
		}
	}
}

// NotAssessedRow is a Member State the UN did not assess in an edition,
// as the JSON export writes it after the ranking rows: no rank and no
// values, "assessed": false.
type NotAssessedRow struct {
	ISO3          egdi.ISO3 `json:"iso3"`
	Edition       int       `json:"edition"`
	Assessed      bool      `json:"assessed"` // always false
	Name          string    `json:"name"`
	Region        string    `json:"region"`
	Subregion     string    `json:"subregion"`
	NamePublished string    `json:"name_published,omitempty"`
}

// NewRow returns the row of r with names in lang ("ar" or English).
func NewRow(cs *egdi.Countries, r egdi.Ranked, lang string) Row {
	c := cs.Get(r.ISO3)
	out := Row{Ranked: r}
	if c != nil {
		out.Name = c.Name(lang)
		out.Region, out.Subregion = c.Region, c.Subregion
		if lang == "ar" {
			out.Region, out.Subregion = i18n.T("ar", c.Region), i18n.T("ar", c.Subregion)
		}
	}
	return out
}

// ExportFormats are the formats [Export] writes.
var ExportFormats = []string{"csv", "xlsx", "json"}

// Export writes a published edition in format csv, xlsx or json (see
// [Table.WriteCSV], [Table.WriteXLSX], [Table.WriteJSON]).
func Export(w io.Writer, d *egdi.Dataset, edition int, format string) error {
	if !slices.Contains(ExportFormats, format) {
		return egdi.Errorf(egdi.EINVALID, "Unknown export format %q: choose one of %s.", format, strings.Join(ExportFormats, ", "))
	}
	t, err := PublishedTable(d, edition)
	if err != nil {
		return err
	}
	return t.Write(w, format)
}

// Table is an edition's ranking as an export writes it: a published edition
// (see [PublishedTable]) or the computed result of an edition of the user's
// (a scenario).
type Table struct {
	// Edition fills the Survey Year column: the year of a published
	// edition, or a scenario's name (which [Import] refuses as a published
	// edition, so a scenario cannot come back as the UN's record).
	Edition   string
	Method    *egdi.Method
	Countries *egdi.Countries
	// Scores are the assessed countries' scores, in any order.
	Scores []egdi.Score
	// Records, for a published edition, are its records: they give the
	// names as published and the Member States the UN did not assess,
	// which are exported with blank values.
	Records []egdi.Record
	// Lang "ar" writes a CSV with Arabic headers, names and regions, and
	// puts the Arabic sheet of an XLSX first (and opens it); anything else
	// is English, the UN Data Center layout.
	Lang string
}

// PublishedTable returns the table of a published edition: the published
// values and EGDI ranks (egdi.Dataset.Edition) and the published records.
func PublishedTable(d *egdi.Dataset, edition int) (*Table, error) {
	m, err := egdi.MethodFor(edition)
	if err != nil {
		return nil, err
	}
	scores, err := d.Edition(edition)
	if err != nil {
		return nil, err
	}
	return &Table{Edition: strconv.Itoa(edition), Method: m, Countries: d.Countries, Scores: scores, Records: d.Published[edition]}, nil
}

// Write writes the table in format csv, xlsx or json.
func (t *Table) Write(w io.Writer, format string) error {
	switch format {
	case "csv":
		return t.WriteCSV(w)
	case "xlsx":
		return t.WriteXLSX(w)
	case "json":
		return t.WriteJSON(w)
	}
	return egdi.Errorf(egdi.EINVALID, "Unknown export format %q: choose one of %s.", format, strings.Join(ExportFormats, ", "))
}

// WriteCSV writes a published edition as CSV (see [Table.WriteCSV]).
func WriteCSV(w io.Writer, d *egdi.Dataset, edition int) error { return Export(w, d, edition, "csv") }

// WriteXLSX writes a published edition as XLSX (see [Table.WriteXLSX]).
func WriteXLSX(w io.Writer, d *egdi.Dataset, edition int) error { return Export(w, d, edition, "xlsx") }

// WriteJSON writes a published edition as JSON (see [Table.WriteJSON]).
func WriteJSON(w io.Writer, d *egdi.Dataset, edition int) error { return Export(w, d, edition, "json") }

// ExportHeader is the header of a CSV export and of the English sheet of an
// XLSX export: the UN E-Government Data Center columns, then the country's
// ISO3 code and M49 region and sub-region.
var ExportHeader = []string{"Survey Year", "Country Name", "E-Government Rank", "E-Government Index",
	"E-Participation Index", "Online Service Index", "Human Capital Index",
	"Telecommunication Infrastructure Index", "iso3", "region", "subregion"}

// exportKeys are the glossary keys of the export columns, for the Arabic
// sheet.
var exportKeys = []string{"edition", "country", "rank", "egdi", "epi", "osi", "hci", "tii", "iso3", "region", "subregion"}

// arabicHeader is the header of the Arabic sheet and of an Arabic CSV.
func arabicHeader() []string {
	h := make([]string, len(exportKeys))
	for k, key := range exportKeys {
		h[k] = i18n.T("ar", key)
	}
	return h
}

// exportRow is one country of an exported edition.
type exportRow struct {
	rec     egdi.Record
	score   *egdi.Score // nil when not assessed
	country *egdi.Country
}

// rows returns every country's row: the assessed ones in the order of the
// EGDI rank (ties by code), then those the UN did not assess, by code.
func (t *Table) rows() []exportRow {
	scores := slices.Clone(t.Scores)
	egdi.SortByRank(scores, "egdi")
	recs := map[egdi.ISO3]egdi.Record{}
	for _, r := range t.Records {
		recs[r.ISO3] = r
	}
	out := make([]exportRow, 0, max(len(scores), len(recs)))
	for i := range scores {
		s := &scores[i]
		rec, ok := recs[s.ISO3]
		if !ok {
			rec = egdi.Record{ISO3: s.ISO3}
		}
		out = append(out, exportRow{rec: rec, score: s, country: t.Countries.Get(s.ISO3)})
		delete(recs, s.ISO3)
	}
	for _, c := range slices.Sorted(maps.Keys(recs)) {
		out = append(out, exportRow{rec: recs[c], country: t.Countries.Get(c)})
	}
	return out
}

// values returns the row's EGDI, EPI, OSI, HCI and TII (the Data Center
// column order) and the precision of each, or ok false when the country
// was not assessed.
func (r *exportRow) values(m *egdi.Method) (v [5]float64, p [5]egdi.Precision, ok bool) {
	p = [5]egdi.Precision{m.EGDIPrecision, m.EPIPrecision, m.OSIPrecision, m.HCIPrecision, m.TIIPrecision}
	if r.score == nil {
		return v, p, false
	}
	s := r.score
	epi := r.rec.EPI
	if s.EPI != nil {
		epi = *s.EPI
	}
	v = [5]float64{s.EGDI, epi, s.OSI, s.HCI, s.TII}
	for k := range v {
		// Published values, cut to the edition's precision as printed.
		v[k], _ = strconv.ParseFloat(p[k].Format(v[k]), 64)
	}
	return v, p, true
}

// name is the country name as the edition published it (English).
func (r *exportRow) name() string {
	if r.rec.Name != "" {
		return r.rec.Name
	}
	if r.country != nil {
		return r.country.NameEN
	}
	return string(r.rec.ISO3)
}

// WriteCSV writes the table as CSV in the UN E-Government Data Center
// layout plus iso3, region and subregion ([ExportHeader]), one row per
// Member State. Values are written with the edition's published precision
// (egdi.Precision.Format); a country the UN did not assess that year has
// a blank rank and blank values. The file starts with a UTF-8 byte-order
// mark so that Excel reads the names as UTF-8; [Import] skips it.
func (t *Table) WriteCSV(w io.Writer) error {
	m, rows := t.Method, t.rows()
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := ExportHeader
	if t.Lang == "ar" {
		head = arabicHeader()
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{t.Edition, r.name(), "", "", "", "", "", "", string(r.rec.ISO3), "", ""}
		if c := r.country; c != nil {
			rec[9], rec[10] = c.Region, c.Subregion
			if t.Lang == "ar" {
				rec[1], rec[9], rec[10] = c.Name("ar"), i18n.T("ar", c.Region), i18n.T("ar", c.Subregion)
			}
		}
		if v, p, ok := r.values(m); ok {
			rec[2] = strconv.Itoa(r.score.EGDIRank)
			for k := range v {
				rec[3+k] = p[k].Format(v[k])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// XLSXSheets returns the names of the two sheets of an XLSX export: the
// English sheet ("EGDI 2024") and the Arabic one.
func XLSXSheets(edition string) (en, ar string) {
	// A sheet name has at most 31 characters.
	en, ar = "EGDI "+edition, i18n.T("ar", "egdi.short")+" "+edition
	if utf8.RuneCountInString(ar) > 31 {
		ar = "EGDI " + edition + " ar"
	}
	return truncRunes(en, 31), truncRunes(ar, 31)
}

func truncRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// WriteXLSX writes the table as an XLSX workbook with two sheets holding
// the same table: an English sheet with the CSV columns ([ExportHeader])
// and an Arabic sheet, laid out right to left, with the glossary's Arabic
// headings, the UN Arabic short names and the Arabic region names. Figures
// are numbers (not text) in Western digits (the i18n numeral policy),
// shown with the edition's number of decimals; the header row is frozen.
func (t *Table) WriteXLSX(w io.Writer) error {
	m, rows := t.Method, t.rows()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	en, ar := XLSXSheets(t.Edition)
	var edition any = t.Edition
	if y, err := strconv.Atoi(t.Edition); err == nil {
		edition = y
	}
	first, second := en, ar
	if t.Lang == "ar" {
		first, second = ar, en // the reader's language first
	}
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return err
	}
	if _, err := f.NewSheet(second); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	numStyle := map[int]int{}
	styleFor := func(digits int) (int, error) {
		if s, ok := numStyle[digits]; ok {
			return s, nil
		}
		code := "0"
		if digits > 0 {
			code += "." + strings.Repeat("0", digits)
		}
		s, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		numStyle[digits] = s
		return s, err
	}
	sheets := []struct {
		name string
		lang string
		head []string
	}{{en, "en", ExportHeader}, {ar, "ar", arabicHeader()}}
	if t.Lang == "ar" {
		sheets[0], sheets[1] = sheets[1], sheets[0]
	}
	for _, sh := range sheets {
		if err := setRow(f, sh.name, 1, sh.head); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh.name, "A1", cellName(len(sh.head), 1), bold); err != nil {
			return err
		}
		for i, r := range rows {
			n := i + 2
			cells := make([]any, len(ExportHeader))
			cells[0] = edition
			cells[1] = r.name()
			cells[8] = string(r.rec.ISO3)
			if c := r.country; c != nil {
				cells[9], cells[10] = c.Region, c.Subregion
				if sh.lang == "ar" {
					cells[1] = c.NameAR
					cells[9], cells[10] = i18n.T("ar", c.Region), i18n.T("ar", c.Subregion)
				}
			}
			v, p, ok := r.values(m)
			if ok {
				cells[2] = r.score.EGDIRank
				for k := range v {
					cells[3+k] = v[k]
				}
			}
			if err := setRow(f, sh.name, n, cells); err != nil {
				return err
			}
			if ok {
				for k := range v {
					s, err := styleFor(p[k].Digits)
					if err != nil {
						return err
					}
					c := cellName(4+k, n)
					if err := f.SetCellStyle(sh.name, c, c, s); err != nil {
						return err
					}
				}
			}
		}
		widths := []float64{8, 36, 10, 12, 12, 12, 12, 12, 6, 12, 28}
		for k, wd := range widths {
			c, _ := excelize.ColumnNumberToName(k + 1)
			if err := f.SetColWidth(sh.name, c, c, wd); err != nil {
				return err
			}
		}
		rtl := sh.lang == "ar"
		if err := f.SetSheetView(sh.name, 0, &excelize.ViewOptions{RightToLeft: &rtl}); err != nil {
			return err
		}
		if err := f.SetPanes(sh.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func setRow[T any](f *excelize.File, sheet string, row int, cells []T) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c
	}
	return f.SetSheetRow(sheet, cellName(1, row), &vals)
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// WriteJSON writes the table's ranking exactly as `egdi rank --edition Y
// --format json` prints it — an array of [Row] in the order of the EGDI
// rank, names in English (name_published where the edition spelt the name
// otherwise), indented by two spaces — followed by a [NotAssessedRow] for
// each Member State the UN did not assess that year, by code. Importing it
// gives back the edition's records exactly, as the CSV and XLSX exports do.
func (t *Table) WriteJSON(w io.Writer) error {
	ranked, err := egdi.Filter{}.Apply(t.Countries, t.Scores, "egdi")
	if err != nil {
		return err
	}
	rows := make([]any, 0, len(ranked))
	rr := make([]Row, len(ranked))
	for i, r := range ranked {
		rr[i] = NewRow(t.Countries, r, "en")
	}
	PublishedNames(rr, t.Records)
	for _, r := range rr {
		rows = append(rows, r)
	}
	year, _ := strconv.Atoi(t.Edition)
	for _, r := range t.rows() {
		if r.score != nil {
			continue
		}
		na := NotAssessedRow{ISO3: r.rec.ISO3, Edition: year, Name: string(r.rec.ISO3)}
		if r.country != nil {
			na.Name, na.Region, na.Subregion = r.country.NameEN, r.country.Region, r.country.Subregion
		}
		if r.rec.Name != "" && r.rec.Name != na.Name {
			na.NamePublished = r.rec.Name
		}
		rows = append(rows, na)
	}
	return EncodeJSON(w, rows)
}

// EncodeJSON writes v as the CLI writes JSON: indented by two spaces, with
// <, > and & left as they are.
func EncodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
