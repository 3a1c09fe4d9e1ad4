package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/egdi-project/egdi"
)

// MaxInputSize is the largest input file ReadInputs accepts (8 MiB): a
// table of 193 countries and 16 columns takes about 30 KB.
const MaxInputSize = 8 << 20

// InputFile is a parsed input table: the inputs and, for each country and
// column, where the value came from, so later checks can name the row.
type InputFile struct {
	Name   string
	Inputs *egdi.Inputs
	Rows   []int                     // 1-based row of each country (header = 1)
	Cols   map[egdi.Indicator]string // column name as written in the file
}

// ReadInputs reads a CSV table whose header is `iso3` followed by
// indicator names (see egdi.Indicator): one row per country, values as
// plain decimal numbers with a dot. An empty cell is a missing value.
// A UTF-8 byte-order mark is skipped; other encodings are refused.
//
// Errors are *egdi.InputError values naming name, the row and the column:
// an unknown or repeated column, a row with the wrong number of fields, a
// value that is not a number or out of the indicator's bounds, an unknown
// or repeated country.
func ReadInputs(name string, r io.Reader, countries *egdi.Countries) (*InputFile, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, &egdi.InputError{File: name, Err: err}
	}
	if len(b) > MaxInputSize {
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("file is larger than %d MiB", MaxInputSize>>20)}
	}
	if kind := sniff(b); kind != "" {
		return nil, &egdi.InputError{File: name, Err: fmt.Errorf("not a CSV file: it looks like %s", kind)}
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, oleMagic) {
		return nil, &egdi.InputError{File: name, Err: errors.New("not a CSV file: it is a workbook; save the sheet as CSV UTF-8")}
	}
	b, err = utf8Text(b)
	if err != nil {
		return nil, &egdi.InputError{File: name, Err: err}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &egdi.InputError{File: name, Err: errors.New("the file is empty: expected a header row starting with iso3")}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	f := &InputFile{Name: name, Cols: map[egdi.Indicator]string{}}
	inds := make([]egdi.Indicator, len(head))
	for j, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if j == 0 {
			if h != "iso3" {
				return nil, &egdi.InputError{File: name, Row: 1, Column: colName(head, j), Err: fmt.Errorf("the first column must be iso3, not %q", head[j])}
			}
			continue
		}
		ind, ok := egdi.ParseIndicator(h)
		if !ok {
			return nil, &egdi.InputError{File: name, Row: 1, Column: colName(head, j),
				Err: fmt.Errorf("unknown column %q; known columns: %s", head[j], knownColumns())}
		}
		if _, dup := f.Cols[ind]; dup {
			return nil, &egdi.InputError{File: name, Row: 1, Column: colName(head, j), Err: fmt.Errorf("column %s appears twice", h)}
		}
		f.Cols[ind] = h
		inds[j] = ind
	}
	type row struct {
		iso  egdi.ISO3
		vals []float64
		line int
	}
	var rows []row
	seen := map[egdi.ISO3]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(head) {
			return nil, &egdi.InputError{File: name, Row: line, Err: fmt.Errorf("%d fields, but the header has %d", len(rec), len(head))}
		}
		code := strings.ToUpper(strings.TrimSpace(rec[0]))
		iso := egdi.ISO3(code)
		if !iso.Valid() || (countries != nil && countries.Get(iso) == nil) {
			return nil, &egdi.InputError{File: name, Row: line, Column: "iso3", Err: fmt.Errorf("unknown country code %q", rec[0])}
		}
		if prev, dup := seen[iso]; dup {
			return nil, &egdi.InputError{File: name, Row: line, Column: "iso3", Err: fmt.Errorf("%s appears twice (also row %d)", iso, prev)}
		}
		seen[iso] = line
		vals := make([]float64, len(head))
		for j := 1; j < len(rec); j++ {
			s := strings.TrimSpace(rec[j])
			if s == "" {
				vals[j] = math.NaN()
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXpP_") {
				return nil, &egdi.InputError{File: name, Row: line, Column: head[j], Err: fmt.Errorf("%q is not a number", rec[j])}
			}
			if err := inds[j].CheckValue(v); err != nil {
				return nil, &egdi.InputError{File: name, Row: line, Column: head[j], Err: err}
			}
			vals[j] = v
		}
		rows = append(rows, row{iso, vals, line})
	}
	if len(rows) == 0 {
		return nil, &egdi.InputError{File: name, Err: errors.New("no country rows after the header")}
	}
	cs := make([]egdi.ISO3, len(rows))
	for i, r := range rows {
		cs[i] = r.iso
	}
	f.Inputs = egdi.NewInputs(cs)
	f.Rows = make([]int, len(rows))
	for i, r := range rows {
		f.Rows[i] = r.line
		for j := 1; j < len(head); j++ {
			f.Inputs.Set(inds[j], i, r.vals[j])
		}
	}
	return f, nil
}

// CheckComplete returns an *egdi.InputError for the first missing value
// among the columns the computation needs.
func (f *InputFile) CheckComplete(need []egdi.Indicator) error {
	for i := range f.Inputs.Countries {
		for _, ind := range need {
			if math.IsNaN(f.Inputs.Get(ind, i)) {
				return &egdi.InputError{File: f.Name, Row: f.Rows[i], Column: ind.String(),
					Err: fmt.Errorf("%s has no value, and the computation needs one", f.Inputs.Countries[i])}
			}
		}
	}
	return nil
}

func knownColumns() string {
	var s []string
	for i := egdi.Indicator(0); i < egdi.NumIndicators; i++ {
		s = append(s, i.String())
	}
	return strings.Join(s, ", ")
}

func colName(head []string, j int) string {
	if j < len(head) && strings.TrimSpace(head[j]) != "" {
		return strings.TrimSpace(head[j])
	}
	return strconv.Itoa(j + 1)
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &egdi.InputError{File: name, Row: pe.Line, Column: strconv.Itoa(pe.Column), Err: pe.Err}
	}
	return &egdi.InputError{File: name, Err: err}
}

// utf8Text strips a UTF-8 byte-order mark and refuses text that is not
// UTF-8 (UTF-16 files start with FF FE or FE FF; legacy code pages such as
// Windows-1256 show up as invalid UTF-8).
func utf8Text(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return nil, errors.New("the file is UTF-16: save it as UTF-8 CSV")
	}
	if !utf8.Valid(b) {
		return nil, errors.New("the file is not UTF-8 text (a legacy code page such as Windows-1256?): save it as UTF-8 CSV")
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, errors.New("the file contains NUL bytes: it is not a CSV text file")
	}
	return b, nil
}
