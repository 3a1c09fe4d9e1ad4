package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
)

// maxParts is the most parts (zip entries) a workbook may have: a
// workbook has a few per sheet.
const maxParts = 4 * maxSheets

// previewRows is how many rows of each sheet are read to detect its layout
// before the chosen sheet is read whole.
const previewRows = 12

// readXLSX opens an XLSX workbook and returns one grid per worksheet, in
// workbook order. The workbook is opened with excelize, which checks its
// structure and gives the sheets and the first rows of each (enough to
// detect the layout); the sheet that is imported is then read whole by
// [readSheetXML] (grid.load), which is several times faster than
// excelize's row reader on large sheets (the ITU workbook has 51,000 rows)
// and also sees formulas: excelize's reader returns a formula's cached
// value as if it were data. Cells are raw stored values (no number
// formats); tests check that both readers give the same rows.
//
// Before anything is parsed, the zip's entries and sizes are checked
// (at most maxParts parts, maxUnzipped bytes in all), and the workbook's
// sheet list is read and held to maxSheets: excelize's time grows with the
// square of the sheet count.
func readXLSX(ctx context.Context, name string, data []byte) ([]*grid, error) {
	bad := func(err error) error {
		return &egdi.InputError{File: name, Err: fmt.Errorf("not a readable XLSX workbook (truncated or damaged?): %w", err)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, bad(err)
	}
	if len(zr.File) > maxParts {
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("the workbook has %d parts; the import reads workbooks of at most %d", len(zr.File), maxParts)}
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > maxUnzipped {
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("the workbook unzips to more than %d MiB, the import limit", maxUnzipped>>20)}
	}
	wb, err := openParts(zr)
	if errors.Is(err, errTooManySheets) {
		return nil, &egdi.InputError{File: name, Err: err}
	}
	if err != nil {
		return nil, bad(err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := openExcelize(ctx, data)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	if err != nil {
		return nil, bad(err)
	}
	defer func() { _ = f.Close() }()
	var grids []*grid
	for _, sheet := range f.GetSheetList() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		g := &grid{file: name, sheet: sheet}
		rows, err := f.Rows(sheet)
		if err != nil {
			return nil, &egdi.InputError{File: name, Sheet: sheet, Err: fmt.Errorf("cannot read the sheet: %w", err)}
		}
		for i := 0; i < previewRows && rows.Next(); i++ {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				_ = rows.Close()
				return nil, &egdi.InputError{File: name, Sheet: sheet, Row: i + 1, Err: fmt.Errorf("cannot read the row: %w", err)}
			}
			g.rows = append(g.rows, cols)
			g.nums = append(g.nums, i+1)
		}
		if err := rows.Close(); err != nil {
			return nil, bad(err)
		}
		g.load = func() error {
			all, formulas, err := wb.sheet(ctx, sheet)
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			if err != nil {
				return &egdi.InputError{File: name, Sheet: sheet, Err: fmt.Errorf("cannot read the sheet: %w", err)}
			}
			g.rows, g.formulas = all, formulas
			g.nums = make([]int, len(all))
			for i := range all {
				g.nums[i] = i + 1
			}
			return nil
		}
		grids = append(grids, g)
	}
	if len(grids) == 0 {
		return nil, &egdi.InputError{File: name, Err: errors.New("the workbook has no worksheet")}
	}
	return grids, nil
}

// openExcelize opens a workbook with excelize, which reads and unzips
// every part and cannot be interrupted: it runs aside, and when ctx ends
// first the import returns at once, the workbook being closed when
// excelize is done with it.
func openExcelize(ctx context.Context, data []byte) (*excelize.File, error) {
	type opened struct {
		f   *excelize.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped})
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			if o := <-ch; o.f != nil {
				_ = o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// workbook gives the worksheet parts of an XLSX package by sheet name.
type workbook struct {
	read   func(path string) ([]byte, error)
	sheets map[string]string // sheet name → part path
	sst    string            // shared strings part, "" when none
	strs   []string          // the shared strings, once read
	loaded bool
}

// openParts finds the workbook part, its sheets and shared strings through
// the package relationships.
func openParts(zr *zip.Reader) (*workbook, error) {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	read := func(p string) ([]byte, error) {
		f := files[p]
		if f == nil {
			return nil, fmt.Errorf("no part %s", p)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer func() { _ = rc.Close() }()
		// The zip's size is a hint (it may lie): the limit still applies.
		buf := bytes.NewBuffer(make([]byte, 0, min(f.UncompressedSize64, maxUnzipped)+bytes.MinRead))
		if _, err := buf.ReadFrom(io.LimitReader(rc, maxUnzipped+1)); err != nil {
			return nil, fmt.Errorf("part %s: %w", p, err)
		}
		b := buf.Bytes()
		if len(b) > maxUnzipped {
			return nil, fmt.Errorf("part %s unzips to more than %d MiB", p, maxUnzipped>>20)
		}
		return b, nil
	}
	type rel struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	}
	var rels struct {
		Rels []rel `xml:"Relationship"`
	}
	// The workbook part: named in _rels/.rels, usually xl/workbook.xml.
	wbPath := "xl/workbook.xml"
	if b, err := read("_rels/.rels"); err == nil {
		if xml.Unmarshal(b, &rels) == nil {
			for _, r := range rels.Rels {
				if strings.HasSuffix(r.Type, "/officeDocument") {
					wbPath = strings.TrimPrefix(r.Target, "/")
				}
			}
		}
	}
	b, err := read(wbPath)
	if err != nil {
		return nil, err
	}
	if n := countSheetTags(b); n > maxSheets {
		return nil, fmt.Errorf("%w (it declares %d)", errTooManySheets, n)
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(b, &book); err != nil {
		return nil, fmt.Errorf("%s: %w", wbPath, err)
	}
	if len(book.Sheets) > maxSheets {
		return nil, fmt.Errorf("%w (it declares %d)", errTooManySheets, len(book.Sheets))
	}
	dir := path.Dir(wbPath)
	rels.Rels = nil
	if b, err := read(path.Join(dir, "_rels", path.Base(wbPath)+".rels")); err == nil {
		if err := xml.Unmarshal(b, &rels); err != nil {
			return nil, fmt.Errorf("workbook relationships: %w", err)
		}
	}
	wb := &workbook{read: read, sheets: map[string]string{}}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		target[r.ID] = t
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			wb.sst = t
		}
	}
	for _, s := range book.Sheets {
		if p, ok := target[s.RID]; ok && files[p] != nil {
			wb.sheets[s.Name] = p
		}
	}
	return wb, nil
}

// countSheetTags counts the <sheet> elements of a workbook part by a scan
// of its bytes (any namespace prefix), so that a workbook declaring too
// many sheets is refused before its XML is decoded.
func countSheetTags(b []byte) int {
	n := 0
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte("sheet"))
		if k < 0 {
			return n
		}
		i += k
		if i > 0 && (b[i-1] == '<' || b[i-1] == ':') && i+5 < len(b) {
			switch b[i+5] {
			case ' ', '\t', '\n', '\r', '/', '>':
				n++
			}
		}
		i += 5
	}
}

// sheet reads a worksheet whole: its rows of cell text and its formula
// cells.
func (wb *workbook) sheet(ctx context.Context, name string) ([][]string, map[cellRef]bool, error) {
	p, ok := wb.sheets[name]
	if !ok {
		return nil, nil, fmt.Errorf("no worksheet part for sheet %q", name)
	}
	if !wb.loaded && wb.sst != "" {
		b, err := wb.read(wb.sst)
		if err != nil {
			return nil, nil, err
		}
		if wb.strs, err = parseSST(b); err != nil {
			return nil, nil, err
		}
	}
	wb.loaded = true
	b, err := wb.read(p)
	if err != nil {
		return nil, nil, err
	}
	return readSheetXML(ctx, b, wb.strs)
}

// parseSST reads the shared strings table: each item is its text, or the
// concatenated text of its rich-text runs (phonetic runs left out).
func parseSST(b []byte) ([]string, error) {
	var sst struct {
		SI []struct {
			T *string `xml:"t"`
			R []struct {
				T string `xml:"t"`
			} `xml:"r"`
		} `xml:"si"`
	}
	if err := xml.Unmarshal(b, &sst); err != nil {
		return nil, fmt.Errorf("shared strings: %w", err)
	}
	out := make([]string, len(sst.SI))
	for i, si := range sst.SI {
		if si.T != nil {
			out[i] = *si.T
		}
		for _, r := range si.R {
			out[i] += r.T
		}
	}
	return out, nil
}

// Limits of a worksheet (Excel's own): rows and columns beyond them are a
// damaged or hostile file, not data.
const (
	maxSheetRows = 1 << 20 // 1,048,576
	maxSheetCols = 1 << 14 // 16,384 (XFD)
	// maxSheetCells caps the cells a sheet may span (including the empty
	// ones before a cell in its row): 8 million, 60 times the ITU sheet,
	// so scattered far-away cells cannot make the reader allocate gigabytes.
	maxSheetCells = 8 << 20
)

// readSheetXML parses the XML of a worksheet part into rows of cell text,
// as excelize's GetRows with RawCellValue gives them (row i of the result
// is sheet row i+1; a row ends at its last non-empty cell), and the cells
// that hold a formula (an <f> element). Shared-string cells are looked up
// in sst; inline strings are the text of their <t> elements; other cells
// are the text of their <v> element as stored (numbers unformatted).
//
// It is a tag scanner, not a general XML parser: a worksheet is a flat
// list of <row>, <c>, <v>, <f>, <is>/<t> elements, and reading it this way
// is several times faster than encoding/xml on a sheet of 50,000 rows.
// Namespace prefixes are ignored; the five XML entities and character
// references are decoded. A <c> without an r attribute is the cell after
// the previous one, as the format says.
//
// ctx is checked every 256 tags.
func readSheetXML(ctx context.Context, b []byte, sst []string) ([][]string, map[cellRef]bool, error) {
	if n := declaredCells(b); n > maxSheetCells {
		return nil, nil, fmt.Errorf("the sheet declares %d cells, more than the import limit of %d", n, maxSheetCells)
	}
	var rows [][]string
	formulas := map[cellRef]bool{}
	row, col := 0, -1
	var (
		typ         string
		val, inline string
		inIS, inRPh bool
		inCell      bool
		spanned     int // cells allocated so far
	)
	finish := func() error {
		inCell = false
		v := val
		switch typ {
		case "s":
			if strings.TrimSpace(val) == "" {
				v = ""
				break
			}
			k, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || k < 0 || k >= len(sst) {
				return fmt.Errorf("cell %s: shared string index %q out of range", cellName(col+1, row), val)
			}
			v = sst[k]
		case "inlineStr":
			v = inline
		}
		if v == "" {
			return nil
		}
		if row < 1 || row > maxSheetRows || col < 0 || col >= maxSheetCols {
			return fmt.Errorf("a cell at row %d, column %d is outside a worksheet", row, col+1)
		}
		for len(rows) < row {
			rows = append(rows, nil)
		}
		r := rows[row-1]
		if len(r) <= col {
			spanned += col + 1 - len(r)
			if spanned > maxSheetCells {
				return fmt.Errorf("the sheet spans more than %d cells, the import limit", maxSheetCells)
			}
		}
		if len(r) <= col {
			r = slices.Grow(r, col+1-len(r))
			for len(r) <= col {
				r = append(r, "")
			}
		}
		r[col] = v
		rows[row-1] = r
		return nil
	}
	for i, n := 0, 0; i < len(b); n++ {
		if err := stopEvery(ctx, n); err != nil {
			return nil, nil, err
		}
		k := bytes.IndexByte(b[i:], '<')
		if k < 0 {
			break
		}
		i += k + 1
		if i >= len(b) || b[i] == '?' || b[i] == '!' {
			continue
		}
		closing := b[i] == '/'
		if closing {
			i++
		}
		end := i
		for end < len(b) && b[end] != ' ' && b[end] != '>' && b[end] != '/' && b[end] != '\t' && b[end] != '\n' && b[end] != '\r' {
			end++
		}
		tag := b[i:end]
		if c := bytes.LastIndexByte(tag, ':'); c >= 0 {
			tag = tag[c+1:]
		}
		gt := bytes.IndexByte(b[end:], '>')
		if gt < 0 {
			return nil, nil, errors.New("the sheet XML ends inside a tag")
		}
		attrs := b[end : end+gt]
		selfClosing := len(attrs) > 0 && attrs[len(attrs)-1] == '/'
		i = end + gt + 1
		// text is the character data after this start tag.
		text := func() string {
			e := bytes.IndexByte(b[i:], '<')
			if e < 0 {
				e = len(b) - i
			}
			return xmlText(b[i : i+e])
		}
		if closing {
			switch string(tag) {
			case "c":
				if inCell {
					if err := finish(); err != nil {
						return nil, nil, err
					}
				}
			case "is":
				inIS = false
			case "rPh":
				inRPh = false
			}
			continue
		}
		switch string(tag) {
		case "row":
			if r, err := strconv.Atoi(attr(attrs, "r")); err == nil {
				row = r
			} else {
				row++
			}
			col = -1
		case "c":
			if inCell {
				if err := finish(); err != nil {
					return nil, nil, err
				}
			}
			col++
			if ref := attr(attrs, "r"); ref != "" {
				c, r, err := excelize.CellNameToCoordinates(ref)
				if err != nil {
					return nil, nil, fmt.Errorf("bad cell reference %q", ref)
				}
				col, row = c-1, r
			}
			typ, val, inline = attr(attrs, "t"), "", ""
			inCell = !selfClosing
		case "f":
			formulas[cellRef{row, col}] = true
		case "v":
			if inCell && !selfClosing {
				val = text()
			}
		case "is":
			inIS = !selfClosing
		case "rPh":
			inRPh = !selfClosing
		case "t":
			if inCell && inIS && !inRPh && !selfClosing {
				inline += text()
			}
		}
	}
	if inCell {
		if err := finish(); err != nil {
			return nil, nil, err
		}
	}
	return rows, formulas, nil
}

// declaredCells is the area of a worksheet's <dimension ref="A1:D50">
// (found in the part's first 4 KB, before <sheetData>), 0 when it has
// none: a sheet claiming more cells than the limit is refused before it is
// parsed (the parser also counts the cells it meets, for sheets that
// claim less than they hold).
func declaredCells(b []byte) int {
	head := b[:min(len(b), 4096)]
	k := bytes.Index(head, []byte("dimension "))
	if k < 0 {
		return 0
	}
	ref := attr(head[k+len("dimension")-1:], "ref")
	from, to, ok := strings.Cut(ref, ":")
	if !ok {
		return 0
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil || c2 < c1 || r2 < r1 {
		return 0
	}
	return (c2 - c1 + 1) * (r2 - r1 + 1)
}

// xmlText decodes the entities and character references of XML character
// data.
func xmlText(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); {
		if b[i] != '&' {
			sb.WriteByte(b[i])
			i++
			continue
		}
		semi := bytes.IndexByte(b[i:], ';')
		if semi < 0 || semi > 12 {
			sb.WriteByte(b[i])
			i++
			continue
		}
		ent := string(b[i+1 : i+semi])
		switch {
		case ent == "amp":
			sb.WriteByte('&')
		case ent == "lt":
			sb.WriteByte('<')
		case ent == "gt":
			sb.WriteByte('>')
		case ent == "quot":
			sb.WriteByte('"')
		case ent == "apos":
			sb.WriteByte('\'')
		case strings.HasPrefix(ent, "#x"), strings.HasPrefix(ent, "#X"):
			n, err := strconv.ParseUint(ent[2:], 16, 32)
			if err != nil || !utf8.ValidRune(rune(n)) {
				sb.WriteString(string(b[i : i+semi+1]))
			} else {
				sb.WriteRune(rune(n))
			}
		case strings.HasPrefix(ent, "#"):
			n, err := strconv.ParseUint(ent[1:], 10, 32)
			if err != nil || !utf8.ValidRune(rune(n)) {
				sb.WriteString(string(b[i : i+semi+1]))
			} else {
				sb.WriteRune(rune(n))
			}
		default:
			sb.WriteString(string(b[i : i+semi+1]))
		}
		i += semi + 1
	}
	return sb.String()
}

// attrKeys are the search keys of the attributes the sheet reader looks
// up, built once: attr runs for every cell of a sheet.
var attrKeys = map[string][2][]byte{
	"r": {[]byte(` r="`), []byte(` r='`)},
	"t": {[]byte(` t="`), []byte(` t='`)},
}

// attr returns the value of attribute name in the text of a start tag.
func attr(attrs []byte, name string) string {
	keys, ok := attrKeys[name]
	if !ok {
		keys = [2][]byte{[]byte(" " + name + `="`), []byte(" " + name + `='`)}
	}
	for _, key := range keys {
		if k := bytes.Index(attrs, key); k >= 0 {
			v := attrs[k+len(key):]
			if e := bytes.IndexByte(v, key[len(key)-1]); e >= 0 {
				return string(v[:e])
			}
		}
	}
	return ""
}
