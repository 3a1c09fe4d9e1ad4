package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
)

// previewRows is how many rows of each sheet are read to detect its layout
// before the chosen sheet is read whole.
const previewRows = 12

// readXLSX opens an XLSX workbook and returns one grid per worksheet, in
// workbook order. Each grid holds the first rows of its sheet (enough to
// detect the layout) and loads the rest on demand (grid.load), so a large
// workbook costs only the sheet that is imported. Cells are read as their
// raw stored values (no number formats applied); formula cells are listed
// in grid.formulas and refused when read.
func readXLSX(name string, data []byte) ([]*grid, error) {
	bad := func(err error) error {
		return &egdi.InputError{File: name, Err: fmt.Errorf("not a readable XLSX workbook (truncated or damaged?): %v", err)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, bad(err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > maxUnzipped {
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("the workbook unzips to more than %d MiB, the import limit", maxUnzipped>>20)}
	}
	formulas, err := scanFormulas(zr)
	if err != nil {
		return nil, bad(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped})
	if err != nil {
		return nil, bad(err)
	}
	var grids []*grid
	for _, sheet := range f.GetSheetList() {
		g := &grid{file: name, sheet: sheet, formulas: formulas[sheet]}
		rows, err := f.Rows(sheet)
		if err != nil {
			f.Close()
			return nil, &egdi.InputError{File: name, Sheet: sheet, Err: fmt.Errorf("cannot read the sheet: %v", err)}
		}
		for i := 0; i < previewRows && rows.Next(); i++ {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				f.Close()
				return nil, &egdi.InputError{File: name, Sheet: sheet, Row: i + 1, Err: fmt.Errorf("cannot read the row: %v", err)}
			}
			g.rows = append(g.rows, cols)
			g.nums = append(g.nums, i+1)
		}
		if err := rows.Close(); err != nil {
			f.Close()
			return nil, bad(err)
		}
		g.load = func() error {
			all, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
			if err != nil {
				return &egdi.InputError{File: name, Sheet: sheet, Err: fmt.Errorf("cannot read the sheet: %v", err)}
			}
			g.rows = all
			g.nums = make([]int, len(all))
			for i := range all {
				g.nums[i] = i + 1
			}
			return nil
		}
		grids = append(grids, g)
	}
	if len(grids) == 0 {
		f.Close()
		return nil, &egdi.InputError{File: name, Err: errors.New("the workbook has no worksheet")}
	}
	grids[0].close = func() { f.Close() }
	return grids, nil
}

// scanFormulas lists the formula cells of every worksheet of a workbook,
// by sheet name. It reads the sheet XML directly, because excelize's row
// reader returns a formula's cached value as if it were data.
func scanFormulas(zr *zip.Reader) (map[string]map[cellRef]bool, error) {
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
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxUnzipped+1))
		if err != nil {
			return nil, err
		}
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
	wb, err := read(wbPath)
	if err != nil {
		return nil, err
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &book); err != nil {
		return nil, fmt.Errorf("%s: %v", wbPath, err)
	}
	dir := path.Dir(wbPath)
	rels.Rels = nil
	if b, err := read(path.Join(dir, "_rels", path.Base(wbPath)+".rels")); err == nil {
		if err := xml.Unmarshal(b, &rels); err != nil {
			return nil, fmt.Errorf("workbook relationships: %v", err)
		}
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		target[r.ID] = t
	}
	out := map[string]map[cellRef]bool{}
	for _, s := range book.Sheets {
		p, ok := target[s.RID]
		if !ok || files[p] == nil {
			continue // a chart sheet or a dangling entry: excelize reports it if it matters
		}
		b, err := read(p)
		if err != nil {
			return nil, err
		}
		if m := sheetFormulas(b); len(m) > 0 {
			out[s.Name] = m
		}
	}
	return out, nil
}

// sheetFormulas returns the cells of a worksheet's XML that hold a formula
// (an <f> element inside a <c> element). It is a tag scanner, not an XML
// parser: worksheets are large and it only needs element names and the r
// attributes of <row> and <c>. A cell without an r attribute is the one
// after the previous cell, as the format says.
func sheetFormulas(b []byte) map[cellRef]bool {
	if !hasFormulaTag(b) {
		return nil
	}
	m := map[cellRef]bool{}
	row, col := 0, -1
	for i := 0; i < len(b); {
		k := bytes.IndexByte(b[i:], '<')
		if k < 0 {
			break
		}
		i += k + 1
		if i >= len(b) || b[i] == '/' || b[i] == '?' || b[i] == '!' {
			continue
		}
		end := i
		for end < len(b) && b[end] != ' ' && b[end] != '>' && b[end] != '/' && b[end] != '\t' && b[end] != '\n' && b[end] != '\r' {
			end++
		}
		tag := b[i:end]
		if c := bytes.LastIndexByte(tag, ':'); c >= 0 {
			tag = tag[c+1:]
		}
		close := bytes.IndexByte(b[end:], '>')
		if close < 0 {
			close = len(b) - end
		}
		attrs := b[end : end+close]
		switch string(tag) {
		case "row":
			if r, err := strconv.Atoi(attr(attrs, "r")); err == nil {
				row = r
			} else {
				row++
			}
			col = -1
		case "c":
			if ref := attr(attrs, "r"); ref != "" {
				if c, r, err := excelize.CellNameToCoordinates(ref); err == nil {
					col, row = c-1, r
					break
				}
			}
			col++
		case "f":
			m[cellRef{row, col}] = true
		}
		i = end
	}
	return m
}

// hasFormulaTag is a quick test for an <f> element, with or without a
// namespace prefix.
func hasFormulaTag(b []byte) bool {
	for _, t := range []string{"<f>", "<f ", "<f/", ":f>", ":f "} {
		if bytes.Contains(b, []byte(t)) {
			return true
		}
	}
	return false
}

// attr returns the value of attribute name in the text of a start tag.
func attr(attrs []byte, name string) string {
	for _, q := range []string{`"`, `'`} {
		key := []byte(" " + name + "=" + q)
		if k := bytes.Index(attrs, key); k >= 0 {
			v := attrs[k+len(key):]
			if e := bytes.IndexByte(v, q[0]); e >= 0 {
				return string(v[:e])
			}
		}
	}
	return ""
}
