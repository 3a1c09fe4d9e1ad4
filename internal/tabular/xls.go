package tabular

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"github.com/shakinm/xlsReader/xls"

	"github.com/egdi-project/egdi"
)

// BIFF8 record types read by the checks of [readXLS].
const (
	biffBOF        = 0x0809
	biffBoundSheet = 0x0085
	biffFormula    = 0x0006 // one per formula cell; ARRAY and SHRFMLA records come with one
)

// readXLS opens a legacy Excel 97–2003 workbook (BIFF8 in an OLE2 compound
// file, as the World Bank's WDI downloads of 2021) and returns one grid per
// worksheet.
//
// Cells are read with github.com/shakinm/xlsReader. That reader is not
// defensive: it trusts the lengths stored in the file and it drops formula
// cells without a word. So the workbook stream is first taken out of the
// container with github.com/richardlehane/mscfb (excelize's own OLE2
// reader) and walked record by record here: every record must fit the
// stream, and the FORMULA records give the formula cells, which are then
// refused when read (grid.formulas) rather than read as blanks. Any panic
// left in the reader is turned into an error naming the file.
func readXLS(ctx context.Context, name string, data []byte) (grids []*grid, err error) {
	bad := func(err error) error {
		return &egdi.InputError{File: name, Err: fmt.Errorf("not a readable .xls workbook (truncated or damaged?): %w", err)}
	}
	stream, err := xlsStream(data)
	if err != nil {
		return nil, bad(err)
	}
	formulas, err := xlsFormulas(stream)
	if errors.Is(err, errTooManySheets) {
		return nil, &egdi.InputError{File: name, Err: err}
	}
	if err != nil {
		return nil, bad(err)
	}
	defer func() {
		if p := recover(); p != nil {
			grids, err = nil, bad(fmt.Errorf("%v", p))
		}
	}()
	wb, err := xls.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, bad(err)
	}
	sheets := wb.GetSheets()
	if len(sheets) > maxSheets {
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("the workbook has %d sheets; the import reads workbooks of at most %d", len(sheets), maxSheets)}
	}
	for _, s := range sheets {
		g := &grid{file: name, sheet: s.GetName(), formulas: formulas[s.GetName()]}
		for i, r := range s.GetRows() {
			if err := stopEvery(ctx, i); err != nil {
				return nil, err
			}
			cols := r.GetCols()
			row := make([]string, len(cols))
			for j, c := range cols {
				row[j] = c.GetString()
			}
			g.rows = append(g.rows, row)
			g.nums = append(g.nums, i+1)
		}
		grids = append(grids, g)
	}
	if len(grids) == 0 {
		return nil, bad(errors.New("no worksheet"))
	}
	return grids, nil
}

// xlsStream returns the Workbook stream of an OLE2 compound file. Every
// stream of the container must claim no more bytes than the file has: the
// cell reader allocates what the Workbook stream claims.
func xlsStream(data []byte) ([]byte, error) {
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var stream []byte
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if e.Size < 0 || e.Size > int64(len(data)) {
			return nil, fmt.Errorf("stream %q claims %d bytes in a %d-byte file", e.Name, e.Size, len(data))
		}
		if stream == nil && (e.Name == "Workbook" || e.Name == "Book") {
			stream = make([]byte, e.Size)
			if _, err := io.ReadFull(e, stream); err != nil {
				return nil, fmt.Errorf("workbook stream: %w", err)
			}
		}
	}
	if stream == nil {
		return nil, errors.New("no Workbook stream: not an Excel 97–2003 workbook")
	}
	return stream, nil
}

// errTooManySheets refuses a workbook of more than maxSheets sheets.
var errTooManySheets = fmt.Errorf("the workbook has more than %d sheets, the import limit", maxSheets)

// xlsFormulas walks the BIFF records of a workbook stream, checking that
// each fits, and returns the formula cells of each sheet (1-based row,
// 0-based column), by sheet name.
func xlsFormulas(s []byte) (map[string]map[cellRef]bool, error) {
	type rec struct {
		typ  uint16
		pos  int
		data []byte
	}
	var recs []rec
	for pos := 0; pos+4 <= len(s); {
		typ := binary.LittleEndian.Uint16(s[pos:])
		n := int(binary.LittleEndian.Uint16(s[pos+2:]))
		if pos+4+n > len(s) {
			return nil, fmt.Errorf("record 0x%04X at offset %d runs past the end of the stream", typ, pos)
		}
		recs = append(recs, rec{typ, pos, s[pos+4 : pos+4+n]})
		pos += 4 + n
	}
	sheetAt := map[int]string{} // stream offset of a sheet's BOF → name
	for _, r := range recs {
		if r.typ != biffBoundSheet {
			continue
		}
		if len(r.data) < 8 {
			return nil, errors.New("short BOUNDSHEET record")
		}
		off := int(binary.LittleEndian.Uint32(r.data))
		n, flags := int(r.data[6]), r.data[7]
		var name string
		if flags&1 == 0 { // compressed: one byte per character (Latin-1)
			if 8+n > len(r.data) {
				return nil, errors.New("short sheet name")
			}
			rs := make([]rune, n)
			for i, c := range r.data[8 : 8+n] {
				rs[i] = rune(c)
			}
			name = string(rs)
		} else {
			if 8+2*n > len(r.data) {
				return nil, errors.New("short sheet name")
			}
			u := make([]uint16, n)
			for i := range u {
				u[i] = binary.LittleEndian.Uint16(r.data[8+2*i:])
			}
			name = string(utf16.Decode(u))
		}
		sheetAt[off] = name
		if len(sheetAt) > maxSheets {
			return nil, errTooManySheets
		}
	}
	out := map[string]map[cellRef]bool{}
	sheet := ""
	for _, r := range recs {
		switch r.typ {
		case biffBOF:
			sheet = sheetAt[r.pos]
		case biffFormula:
			if sheet == "" || len(r.data) < 4 {
				continue
			}
			row := int(binary.LittleEndian.Uint16(r.data))
			col := int(binary.LittleEndian.Uint16(r.data[2:]))
			if out[sheet] == nil {
				out[sheet] = map[cellRef]bool{}
			}
			out[sheet][cellRef{row + 1, col}] = true
		}
	}
	return out, nil
}
