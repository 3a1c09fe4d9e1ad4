package tabular

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
)

// grid is one table read from a file: a CSV file or one worksheet, as text
// cells. The layout parsers read grids, so a layout is read the same way
// from CSV, XLSX and XLS.
type grid struct {
	file  string
	sheet string     // sheet name; "" for CSV and JSON
	text  bool       // delimited text: rows must be as long as the header
	rows  [][]string // cells as text, untrimmed
	nums  []int      // 1-based row number of rows[i] in the file (the line, for CSV)
	// formulas holds the cells that hold a formula, by 1-based row number
	// and 0-based column. A parser that reads such a cell refuses it.
	formulas map[cellRef]bool
	// load, when set, replaces the preview rows by the whole sheet; close
	// releases the workbook the grid came from.
	load  func() error
	close func()
}

type cellRef struct{ row, col int }

// describe names the grid and its first row for a "no known header" error.
func (g *grid) describe() string {
	head := ""
	for i := range g.rows {
		if !g.blank(i) {
			head = strings.Join(trimAll(g.rows[i]), ",")
			break
		}
	}
	if len(head) > 120 {
		head = head[:120] + "…"
	}
	if g.sheet != "" {
		return fmt.Sprintf("sheet %s starts %q", g.sheet, head)
	}
	return fmt.Sprintf("it starts %q", head)
}

// blank reports whether row i has no non-blank cell.
func (g *grid) blank(i int) bool {
	for _, c := range g.rows[i] {
		if cleanCell(c) != "" {
			return false
		}
	}
	return true
}

// colName is how errors name column j, given the header row: the header
// text for CSV, the column letter and header for sheets.
func (g *grid) colName(head []string, j int) string {
	h := ""
	if j >= 0 && j < len(head) {
		h = cleanCell(head[j])
	}
	if g.sheet == "" {
		if h != "" {
			return h
		}
		return strconv.Itoa(j + 1)
	}
	letter, err := excelize.ColumnNumberToName(j + 1)
	if err != nil {
		letter = strconv.Itoa(j + 1)
	}
	if h != "" {
		return letter + " (" + h + ")"
	}
	return letter
}

// err returns an *egdi.InputError at row index i (-1: none) and column j
// (-1: none), naming the column after the header row hi.
func (g *grid) errAt(i, hi, j int, err error) error {
	e := &egdi.InputError{File: g.file, Sheet: g.sheet, Err: err}
	if i >= 0 && i < len(g.nums) {
		e.Row = g.nums[i]
	}
	if j >= 0 {
		var head []string
		if hi >= 0 && hi < len(g.rows) {
			head = g.rows[hi]
		}
		e.Column = g.colName(head, j)
	}
	return e
}

// err is errAt for errors about a whole row or the header itself.
func (g *grid) err(i, j int, err error) error { return g.errAt(i, i, j, err) }

// cell returns the cleaned text of row i, column j ("" past the end of the
// row). A formula cell is an error: formulas are never evaluated.
func (g *grid) cell(i, hi, j int) (string, error) {
	if g.formulas != nil && g.formulas[cellRef{g.nums[i], j}] {
		return "", g.errAt(i, hi, j, errors.New("the cell holds a formula; egdi never evaluates formulas: replace it by its value (Paste Special → Values)"))
	}
	if j < 0 || j >= len(g.rows[i]) {
		return "", nil
	}
	return cleanCell(g.rows[i][j]), nil
}

// checkWidth refuses a delimited-text row that is shorter than the header
// (a truncated file) or holds values past the header's last column.
func (g *grid) checkWidth(i, hi int) error {
	if !g.text {
		return nil
	}
	n, w := len(g.rows[i]), len(g.rows[hi])
	if n < w {
		return g.err(i, -1, fmt.Errorf("the row has %d fields, but the header has %d: the file is truncated or the row is broken", n, w))
	}
	for j := w; j < n; j++ {
		if cleanCell(g.rows[i][j]) != "" {
			return g.errAt(i, hi, j, fmt.Errorf("a value (%q) after the header's last column", g.rows[i][j]))
		}
	}
	return nil
}

// cleanCell trims white space (including no-break and zero-width spaces and
// byte-order marks) and surrounding double quotes from a cell.
func cleanCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '\u200B' || r == '\uFEFF' || r == '\u200F' || r == '\u200E'
	})
}

func trimAll(r []string) []string {
	out := make([]string, len(r))
	for i, c := range r {
		out[i] = cleanCell(c)
	}
	return out
}

// headerKey is the form header cells are matched under: cleaned, lower
// case, inner white space folded.
func headerKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(cleanCell(s)), " "))
}

// ---------------------------------------------------------------------------
// CSV

// readCSV parses delimited UTF-8 text (see [sniffComma]) into a grid.
// Fields may have different counts per record (the WDI preamble lines do);
// each layout checks its rows against its header.
func readCSV(ctx context.Context, name string, text []byte) (*grid, error) {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = rune(sniffComma(text))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	g := &grid{file: name, text: true}
	for n := 0; ; n++ {
		if err := stopEvery(ctx, n); err != nil {
			return nil, err
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				msg := pe.Err
				if errors.Is(pe.Err, csv.ErrQuote) && pe.Line > 0 {
					msg = fmt.Errorf("%w (a quoted field is not closed: the file is truncated or a quote is missing)", pe.Err)
				}
				return nil, &egdi.InputError{File: name, Row: pe.StartLine, Column: csvField(text, pe.Line, pe.Column), Err: msg}
			}
			return nil, &egdi.InputError{File: name, Err: err}
		}
		line, _ := cr.FieldPos(0)
		g.rows = append(g.rows, rec)
		g.nums = append(g.nums, line)
	}
	if len(g.rows) == 0 {
		return nil, &egdi.InputError{File: name, Err: errors.New("the file is empty")}
	}
	return g, nil
}

// csvField returns, as text, the 1-based field number at the 1-based byte
// column col of line (encoding/csv reports byte columns; people count
// fields).
func csvField(text []byte, line, col int) string {
	off := 0
	for l := 1; l < line; l++ {
		k := bytes.IndexByte(text[off:], '\n')
		if k < 0 {
			break
		}
		off += k + 1
	}
	end := min(off+max(col-1, 0), len(text))
	_, field := textPos(text[:end], end)
	return field
}

// ---------------------------------------------------------------------------
// Detection

var (
	reYearCol = regexp.MustCompile(`^(eys|mys|hdi)_\d{4}$`)
)

// detect returns the layout of a grid and the index of its header row, or
// "" and -1. It looks at the first rows only: the WDI header is the fifth
// line of the file; the others are the first non-blank row.
func detect(g *grid) (string, int) {
	for i := 0; i < len(g.rows) && i < 12; i++ {
		if g.blank(i) {
			continue
		}
		keys := map[string]bool{}
		for _, c := range g.rows[i] {
			keys[headerKey(c)] = true
		}
		has := func(ks ...string) bool {
			for _, k := range ks {
				if !keys[k] {
					return false
				}
			}
			return true
		}
		switch {
		case has("country name", "country code", "indicator name", "indicator code"):
			return SourceWDI, i
		case has("iso", "indicator name", "year", "value"):
			return SourceITU, i
		case keys["iso3"] && hasHDRColumns(keys):
			return SourceHDR, i
		}
		if isUNHeader(g.rows[i]) {
			return SourceUN, i
		}
		// Only the WDI layout has a preamble before its header.
		if !wdiPreamble(g.rows[i]) {
			return "", -1
		}
	}
	return "", -1
}

func hasHDRColumns(keys map[string]bool) bool {
	for k := range keys {
		if reYearCol.MatchString(k) {
			return true
		}
	}
	return false
}

// wdiPreamble reports whether a row is one of the lines a WDI CSV or XLS
// puts before its header ("Data Source", "Last Updated Date").
func wdiPreamble(r []string) bool {
	if len(r) == 0 {
		return false
	}
	switch headerKey(r[0]) {
	case "data source", "last updated date":
		return true
	}
	return false
}
