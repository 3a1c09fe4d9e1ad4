package tabular

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"github.com/egdi-project/egdi"
)

// MaxImportSize is the largest file [Import] accepts: 64 MiB. The largest
// file a source publishes for egdi's purpose, the ITU key ICT indicators
// workbook, is 2.3 MB (13 MB unzipped); a UN edition is 13 KB.
const MaxImportSize = 64 << 20

// maxUnzipped caps what an XLSX workbook may expand to (all parts
// together), so a small "zip bomb" cannot exhaust memory: 512 MiB.
const maxUnzipped = 512 << 20

// Sources an importer reads, as named on the command line (`--source`) and
// in [egdi.Batch.Source].
const (
	SourceUN  = "un"  // UN E-Government Data Center: published edition values
	SourceITU = "itu" // ITU key ICT indicators (Digital Development Dashboard)
	SourceWDI = "wdi" // World Bank World Development Indicators
	SourceHDR = "hdr" // UNDP Human Development Report time series
)

// Sources lists the source names [ImportOptions.Source] accepts.
var Sources = []string{SourceUN, SourceITU, SourceWDI, SourceHDR}

// ImportOptions says how [Import] reads a file. The zero value detects
// everything from the content and matches names with the built-in country
// list.
type ImportOptions struct {
	// Source is the publisher's layout to read the file as: un, itu, wdi
	// or hdr. "" detects it from the content (headers and sheet names,
	// never the file name); an explicit source that does not fit the
	// content is an error.
	Source string
	// Edition is the Survey edition of a UN file. 0 takes it from the
	// file's Survey Year column or, for the UNU-EGOV copies that have no
	// such column, from a single edition year in the file name. A UN file
	// whose year column disagrees with a non-zero Edition is an error.
	// Other sources ignore it.
	Edition int
	// Countries matches names and codes to Member States. It is required:
	// the caller says which list it trusts (the CLI passes the built-in
	// one); Import has no list of its own to fall back on.
	Countries *egdi.Countries

	ctx context.Context // Import's, for the row loops (see stop)
}

// stop returns the context's error at every 256th row i, so that every
// loop over a file's rows ends soon after Ctrl-C (cheaply: a context's
// Err takes a lock).
func (o ImportOptions) stop(i int) error { return stopEvery(o.ctx, i) }

func stopEvery(ctx context.Context, i int) error {
	if i&255 != 0 || ctx == nil {
		return nil
	}
	return ctx.Err()
}

// maxSheets is the most worksheets a workbook may declare: a UN, ITU or
// World Bank workbook has at most a dozen. It is checked from the
// workbook's sheet list before any sheet is read, because a small file
// can declare 100,000 sheets, which the reader would take minutes over.
const maxSheets = 256

// Import reads one file a source publishes and returns what it holds as an
// [egdi.Batch]: the published values of an edition (UN, as Records) or raw
// indicator observations (ITU, WDI, HDR). name is the file name as the
// user gave it; it is used in messages and, for UN files without a year
// column, to find the edition.
//
// Formats, told apart by their first bytes: XLSX (a zip archive), legacy
// XLS (BIFF8 in an OLE2 container, as the World Bank's 2021 downloads),
// JSON (an array, as `egdi rank --format json` and [WriteJSON] write it) and
// delimited text. Text must be UTF-8, with or without a byte-order mark, or
// UTF-16 with a byte-order mark (as Excel's "Unicode Text" saves; it is
// decoded). Text that is not valid UTF-8 — typically Windows-1256 Arabic
// or another legacy code page — is refused with the row and column of the
// first bad byte, because guessing the code page could garble names
// silently. The delimiter is a comma, or a tab or semicolon when the first
// line holds no comma.
//
// Layouts, detected from the headers:
//
//   - UN E-Government Data Center tables (every header variant of the UN,
//     UNU-EGOV and relabelled copies, the derived tidy file, and egdi's own
//     exports in English or Arabic): one Record per Member State; a blank
//     rank with zero or blank indices is a country not assessed that year.
//   - ITU key ICT indicators (long format): the five TII inputs.
//   - World Bank WDI (CSV or XLS with year columns): IT.NET.USER.ZS,
//     IT.CEL.SETS.P2, IT.NET.BBND.P2, IT.MLT.MAIN.P2, SE.ADT.LITR.ZS.
//   - UNDP HDR composite indices time series: eys_YYYY and mys_YYYY.
//
// Rows left out on purpose (aggregates, economies that are not Member
// States, missing values written NULL, other indicators, exact duplicate
// rows) are listed in Batch.Skipped with the reason. Everything else that
// is wrong is an error, and every error is an *egdi.InputError naming the
// file and, where they apply, the sheet, row and column: an empty,
// truncated or damaged file, a file over [MaxImportSize], a formula in a
// cell the import reads (formulas are never evaluated), a value that is
// not a number or is out of the indicator's bounds, an unknown country
// (all unmatched names in one error), two rows with different values for
// one key (naming both rows). Import never panics: a panic inside it (a bug) is recovered
// and returned as an EINTERNAL error.
//
// ctx is checked inside every loop over the file's content: when it ends
// (Ctrl-C), Import returns its error (ECANCELED) within a moment. Time
// and memory grow linearly with the file: workbooks of more than 256
// sheets are refused before their sheets are read.
func Import(ctx context.Context, name string, r io.Reader, opts ImportOptions) (b *egdi.Batch, err error) {
	defer func() {
		// The parsers check every index they use; a panic here is a bug,
		// not the user's bad file: it must not take the caller down, and
		// it is reported as an internal error (exit 1, HTTP 500).
		if p := recover(); p != nil {
			b, err = nil, egdi.Errorf(egdi.EINTERNAL, "Cannot import %s: internal error (a bug in the importer): %v.", name, p)
		}
	}()
	if opts.Source != "" && !slices.Contains(Sources, opts.Source) {
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("unknown source %q: choose one of %s", opts.Source, strings.Join(Sources, ", "))}
	}
	opts.ctx = ctx
	if opts.Countries == nil {
		return nil, egdi.Errorf(egdi.EINTERNAL, "tabular.Import: no Member States given (ImportOptions.Countries is nil).")
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, &egdi.InputError{File: name, Err: err}
	}
	if len(data) > MaxImportSize {
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("the file is larger than %d MiB, the import limit", MaxImportSize>>20)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &egdi.InputError{File: name, Err: errors.New("the file is empty")}
	}
	if kind := sniff(data); kind != "" {
		return nil, notTabular(name, kind)
	}
	var grids []*grid
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		grids, err = readXLSX(ctx, name, data)
	case bytes.HasPrefix(data, oleMagic):
		grids, err = readXLS(ctx, name, data)
	case bytes.HasPrefix(data, []byte("PK")):
		return nil, &egdi.InputError{File: name, Err: errors.New("the file is a damaged zip archive, not a readable XLSX workbook")}
	default:
		var text []byte
		text, err = decodeText(name, data)
		if err != nil {
			return nil, err
		}
		if t := bytes.TrimLeft(text, " \t\r\n"); len(t) > 0 && t[0] == '[' {
			if opts.Source != "" && opts.Source != SourceUN {
				return nil, &egdi.InputError{File: name, Err: fmt.Errorf("a JSON file holds egdi's ranking rows (source un), not source %s", opts.Source)}
			}
			return importJSON(name, text, opts)
		}
		if first := firstLine(text); !strings.ContainsAny(first, ",;\t") {
			return nil, notTabular(name, fmt.Sprintf("plain text: its first line has no comma, semicolon or tab (%q)", truncRunes(first, 40)))
		}
		var g *grid
		g, err = readCSV(ctx, name, text)
		grids = []*grid{g}
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return importGrids(name, grids, opts)
}

// importGrids reads the first table (sheet) whose header fits a layout:
// the one named in opts.Source, or any when it is "".
func importGrids(name string, grids []*grid, opts ImportOptions) (*egdi.Batch, error) {
	defer func() {
		for _, g := range grids {
			if g.close != nil {
				g.close()
			}
		}
	}()
	var seen []string
	other := ""
	for _, g := range grids {
		src, head := detect(g)
		if src != "" && (opts.Source == "" || src == opts.Source) {
			return parseGrid(name, src, g, head, opts)
		}
		if src != "" && other == "" {
			other = src
		}
		seen = append(seen, g.describe())
	}
	if opts.Source != "" {
		if other != "" {
			return nil, &egdi.InputError{File: name, Err: fmt.Errorf("the file looks like source %s, not %s", other, opts.Source)}
		}
		// Let the named layout say which of its columns are missing.
		for _, g := range grids {
			for i := range g.rows {
				if !g.blank(i) {
					return parseGrid(name, opts.Source, g, i, opts)
				}
			}
		}
	}
	// A UN table with columns missing (a new edition's file, say): let the
	// UN layout name them.
	if opts.Source == "" {
		for _, g := range grids {
			if i := g.firstRow(); i >= 0 && isPartialUNHeader(g.rows[i]) {
				return parseGrid(name, SourceUN, g, i, opts)
			}
		}
	}
	e := &egdi.InputError{File: name, Err: fmt.Errorf("no table with the headers of a UN E-Government Data Center table, "+
		"the ITU key ICT indicators, a World Bank WDI download or the UNDP HDR time series (%s)", strings.Join(seen, "; "))}
	if len(grids) == 1 {
		e.Sheet = grids[0].sheet
		e.Row = 1
	}
	return nil, e
}

// parseGrid reads g as source src with its header in row index head.
func parseGrid(name, src string, g *grid, head int, opts ImportOptions) (*egdi.Batch, error) {
	if g.load != nil {
		if err := g.load(); err != nil {
			return nil, err
		}
		g.load = nil
	}
	var (
		b   *egdi.Batch
		err error
	)
	switch src {
	case SourceUN:
		b, err = importUN(g, head, opts)
	case SourceITU:
		b, err = importITU(g, head, opts)
	case SourceWDI:
		b, err = importWDI(g, head, opts)
	case SourceHDR:
		b, err = importHDR(g, head, opts)
	default:
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("unknown source %q", src)}
	}
	if err != nil {
		return nil, err
	}
	b.File = name
	b.Source = src
	return b, nil
}

// oleMagic starts an OLE2 compound file (legacy .xls, .doc).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// decodeText turns the bytes of a text file into UTF-8 without a byte-order
// mark: UTF-8 is kept, UTF-16 with a byte-order mark is decoded, anything
// else is refused with the position of the first bad byte.
func decodeText(name string, b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		if len(b)%2 != 0 {
			return nil, &egdi.InputError{File: name, Err: errors.New("the file is UTF-16 but has an odd number of bytes: it is truncated")}
		}
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		u, err := dec.Bytes(b)
		if err != nil {
			return nil, &egdi.InputError{File: name, Err: fmt.Errorf("the file is not valid UTF-16: %w", err)}
		}
		b = bytes.TrimPrefix(u, []byte{0xEF, 0xBB, 0xBF})
	}
	if bytes.IndexByte(b, '\n') < 0 && bytes.IndexByte(b, '\r') >= 0 {
		// Lines ended by CR alone (classic Mac OS, some exports): as
		// LF, or the whole file would be one line.
		b = bytes.ReplaceAll(b, []byte{'\r'}, []byte{'\n'})
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		row, col := textPos(b, i)
		return nil, &egdi.InputError{File: name, Row: row, Column: col,
			Err: errors.New("the file contains NUL bytes: it is binary, or UTF-16 without a byte-order mark; save it as CSV UTF-8")}
	}
	if !utf8.Valid(b) {
		i := 0
		for i < len(b) {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		row, col := textPos(b, i)
		return nil, &egdi.InputError{File: name, Row: row, Column: col,
			Err: fmt.Errorf("byte 0x%02X is not UTF-8: the file is in a legacy code page (Windows-1256 Arabic?); save it as CSV UTF-8", b[i])}
	}
	return b, nil
}

// textPos returns the 1-based line and field number (as text) of byte i of
// a delimited text, counting delimiters outside quotes on that line.
func textPos(b []byte, i int) (int, string) {
	line := 1 + bytes.Count(b[:i], []byte{'\n'})
	start := bytes.LastIndexByte(b[:i], '\n') + 1
	comma := sniffComma(b)
	field, quoted := 1, false
	for _, c := range b[start:i] {
		switch {
		case c == '"':
			quoted = !quoted
		case c == comma && !quoted:
			field++
		}
	}
	return line, fmt.Sprint(field)
}

// sniffComma picks the delimiter from the first line: a comma, else a tab,
// else a semicolon.
func sniffComma(b []byte) byte {
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	}
	switch {
	case bytes.IndexByte(line, ',') >= 0:
		return ','
	case bytes.IndexByte(line, '\t') >= 0:
		return '\t'
	case bytes.IndexByte(line, ';') >= 0:
		return ';'
	}
	return ','
}
