package tabular

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

// Assessment files. An assessment is exchanged as
//
//   - CSV: the header item,answer,evidence,note, then optionally
//     author,at (RFC 3339) and any columns after them (ignored; the export
//     adds the question's text); one row an answered item;
//   - XLSX: the same table on an English sheet, and an Arabic sheet
//     (right to left, Arabic headings and question text) with the same
//     rows; the importer reads the first sheet whose header it knows
//     (English or Arabic headings);
//   - JSON: the [egdi.Assessment] as `egdi assessment export --format json`
//     writes it.
//
// Import checks every row against the questionnaire and stops at the first
// bad one with an *egdi.InputError naming the file, row, column and item.

// AssessmentHeader is the CSV header of an assessment file.
var AssessmentHeader = []string{"item", "answer", "evidence", "note", "author", "at", "question"}

// assessmentKeys are the glossary keys of the Arabic sheet's headings.
var assessmentKeys = []string{"sa.item", "sa.answer", "sa.evidence", "sa.note", "sa.author", "sa.at", "sa.question"}

// MaxAssessmentFile is the largest assessment file read (CSV, XLSX or JSON).
const MaxAssessmentFile = 8 << 20

// ReadAssessment reads the answers of an assessment file (format csv, xlsx
// or json; "" detects it from the content) and checks them against q. For
// JSON, the file's questionnaire must be q; its name, country and city are
// returned in the result, which has no name for CSV and XLSX.
func ReadAssessment(file string, data []byte, format string, q *egdi.Questionnaire) (*egdi.Assessment, error) {
	if len(data) > MaxAssessmentFile {
		return nil, &egdi.InputError{File: file, Err: fmt.Errorf("%d bytes, over the limit of %d MiB", len(data), MaxAssessmentFile>>20)}
	}
	if format == "" {
		switch t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\uFEFF")), " \t\r\n"); {
		case bytes.HasPrefix(data, []byte("PK\x03\x04")):
			format = "xlsx"
		case len(t) > 0 && t[0] == '{':
			format = "json"
		default:
			format = "csv"
		}
	}
	switch format {
	case "json":
		return readAssessmentJSON(file, data, q)
	case "csv":
		if !utf8Valid(data) {
			return nil, &egdi.InputError{File: file, Err: errors.New("the file is not UTF-8 text: save it as CSV UTF-8")}
		}
		g, err := readCSV(context.Background(), file, bytes.TrimPrefix(data, []byte("\uFEFF")))
		if err != nil {
			return nil, err
		}
		return readAssessmentGrid(g, q)
	case "xlsx":
		grids, err := readXLSX(context.Background(), file, data)
		if err != nil {
			return nil, err
		}
		for _, g := range grids {
			if len(g.rows) > 0 && assessmentColumns(g.rows[0]) != nil {
				if err := g.load(); err != nil {
					return nil, err
				}
				return readAssessmentGrid(g, q)
			}
		}
		return nil, &egdi.InputError{File: file, Err: errors.New("no sheet starts with the header item,answer,evidence,note")}
	}
	return nil, egdi.Errorf(egdi.EINVALID, "Unknown format %q: choose csv, xlsx or json.", format)
}

func utf8Valid(b []byte) bool { return bytes.Equal(bytes.ToValidUTF8(b, nil), b) }

// assessmentColumns maps the header to column indexes (item, answer,
// evidence, note, author, at), or nil when it is not an assessment header.
func assessmentColumns(head []string) []int {
	cols := []int{-1, -1, -1, -1, -1, -1}
	for j, h := range head {
		k := headerKey(h)
		for c := range cols {
			if k == AssessmentHeader[c] || k == i18n.T("ar", assessmentKeys[c]) {
				if cols[c] < 0 {
					cols[c] = j
				}
			}
		}
	}
	for c := range 4 {
		if cols[c] != c {
			return nil
		}
	}
	return cols
}

func readAssessmentGrid(g *grid, q *egdi.Questionnaire) (*egdi.Assessment, error) {
	cols := assessmentColumns(g.rows[0])
	if cols == nil {
		return nil, g.err(0, -1, errors.New("the header must start item,answer,evidence,note"))
	}
	a := &egdi.Assessment{Questionnaire: q.ID, Answers: []egdi.Answer{}}
	seen := map[string]int{}
	for i := 1; i < len(g.rows); i++ {
		if g.blank(i) {
			continue
		}
		if err := g.checkWidth(i, 0); err != nil {
			return nil, err
		}
		var cell [6]string
		for c, j := range cols {
			if j < 0 {
				continue
			}
			v, err := g.cell(i, 0, j)
			if err != nil {
				return nil, err
			}
			if c == 3 && j < len(g.rows[i]) {
				// A note is free text: keep its quotes and inner spaces,
				// trim only white space at its ends.
				v = strings.TrimSpace(g.rows[i][j])
			}
			cell[c] = v
		}
		x := egdi.Answer{Item: cell[0], Value: cell[1], Evidence: cell[2], Note: cell[3], Author: cell[4]}
		if cell[5] != "" {
			t, err := time.Parse(time.RFC3339Nano, cell[5])
			if err != nil {
				return nil, g.errAt(i, 0, cols[5], fmt.Errorf("item %s: %q is not a time (RFC 3339, e.g. 2026-01-31T12:00:00Z)", cell[0], cell[5]))
			}
			x.At = t
		}
		if err := q.CheckAnswer(&x); err != nil {
			col := 1
			switch msg := egdi.ErrorMessage(err); {
			case x.Item == "" || strings.Contains(msg, "not in questionnaire"):
				col = 0
			case strings.Contains(msg, "evidence"):
				col = 2
			case strings.Contains(msg, "note"):
				col = 3
			}
			return nil, g.errAt(i, 0, cols[col], errors.New(strings.TrimSuffix(egdi.ErrorMessage(err), ".")))
		}
		if r, dup := seen[x.Item]; dup {
			return nil, g.errAt(i, 0, cols[0], fmt.Errorf("item %s appears twice (rows %d and %d)", x.Item, r, g.nums[i]))
		}
		seen[x.Item] = g.nums[i]
		a.Answers = append(a.Answers, x)
	}
	return a, nil
}

func readAssessmentJSON(file string, data []byte, q *egdi.Questionnaire) (*egdi.Assessment, error) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	dec.DisallowUnknownFields()
	var a egdi.Assessment
	if err := dec.Decode(&a); err != nil {
		return nil, &egdi.InputError{File: file, Err: fmt.Errorf("not an assessment in JSON: %v", err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &egdi.InputError{File: file, Err: errors.New("more than one JSON value")}
	}
	if a.Questionnaire != q.ID {
		return nil, &egdi.InputError{File: file, Column: "questionnaire", Err: fmt.Errorf("the file is of questionnaire %q, not %s", a.Questionnaire, q.ID)}
	}
	if a.Answers == nil {
		a.Answers = []egdi.Answer{}
	}
	seen := map[string]bool{}
	for k := range a.Answers {
		x := &a.Answers[k]
		x.Version, x.File = 0, nil // versions are the store's; files travel separately
		if err := q.CheckAnswer(x); err != nil {
			return nil, &egdi.InputError{File: file, Row: k + 1, Column: "answers", Err: errors.New(strings.TrimSuffix(egdi.ErrorMessage(err), "."))}
		}
		if seen[x.Item] {
			return nil, &egdi.InputError{File: file, Row: k + 1, Column: "answers", Err: fmt.Errorf("item %s appears twice", x.Item)}
		}
		seen[x.Item] = true
	}
	return &a, nil
}

// assessmentRows returns the export rows of a (sorted by item) in lang.
func assessmentRows(a *egdi.Assessment, q *egdi.Questionnaire, lang string) [][]string {
	var rows [][]string
	for _, x := range a.Answers {
		text := ""
		if it, _ := q.Item(x.Item); it != nil {
			text = it.Text.In(lang)
		}
		at := ""
		if !x.At.IsZero() {
			at = x.At.UTC().Format(time.RFC3339Nano)
		}
		rows = append(rows, []string{x.Item, x.Value, x.Evidence, x.Note, x.Author, at, text})
	}
	return rows
}

// WriteAssessment writes an assessment as csv, xlsx or json (see the
// package's assessment file formats). Evidence files are not included:
// their names and SHA-256 sums are in the JSON.
func WriteAssessment(w io.Writer, a *egdi.Assessment, q *egdi.Questionnaire, format string) error {
	switch format {
	case "json":
		b, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(AssessmentHeader); err != nil {
			return err
		}
		if err := cw.WriteAll(assessmentRows(a, q, "en")); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	case "xlsx":
		return writeAssessmentXLSX(w, a, q)
	}
	return egdi.Errorf(egdi.EINVALID, "Unknown format %q: choose csv, xlsx or json.", format)
}

// AssessmentSheets returns the names of the English and Arabic sheets.
func AssessmentSheets() (en, ar string) {
	return "Assessment", i18n.T("ar", "sa.assessment")
}

func writeAssessmentXLSX(w io.Writer, a *egdi.Assessment, q *egdi.Questionnaire) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }() // an in-memory workbook: nothing to lose
	en, ar := AssessmentSheets()
	if err := f.SetSheetName("Sheet1", en); err != nil {
		return err
	}
	if _, err := f.NewSheet(ar); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	arHead := make([]string, len(assessmentKeys))
	for k, key := range assessmentKeys {
		arHead[k] = i18n.T("ar", key)
	}
	for _, sh := range []struct {
		name, lang string
		head       []string
	}{{en, "en", AssessmentHeader}, {ar, "ar", arHead}} {
		if err := setRow(f, sh.name, 1, sh.head); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh.name, "A1", cellName(len(sh.head), 1), bold); err != nil {
			return err
		}
		for i, r := range assessmentRows(a, q, sh.lang) {
			if err := setRow(f, sh.name, i+2, r); err != nil {
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
	return f.Write(w)
}
