package tabular

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// unHeaderRow is the UN Data Center header, for XLSX fixtures.
var unHeaderRow = []any{"Survey Year", "Country Name", "E-Government Rank", "E-Government Index",
	"E-Participation Index", "Online Service Index", "Human Capital Index", "Telecommunication Infrastructure Index", "Region"}

// ituHeaderRow is the ITU key ICT indicators header, for XLSX fixtures.
var ituHeaderRow = []any{"Country", "Region", "ISO", "Indicator name", "Year", "Value", "ITU estimate?"}

// xlsxFixture builds a one-sheet workbook with excelize: rows of cells, and
// formulas by cell name (e.g. "D2": "=0.5*2").
func xlsxFixture(t testing.TB, sheet string, rows [][]any, formulas map[string]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		r := r
		if err := f.SetSheetRow(sheet, cellName(1, i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	for cell, fm := range formulas {
		if err := f.SetCellFormula(sheet, cell, fm); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bad", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportBadInput runs every kind of bad input through Import. An error
// case names the message it must contain and where: the file, sheet, row
// and column of the *egdi.InputError (Row 0 or Column "" when they do not
// apply). An accepted case checks what came out.
func TestImportBadInput(t *testing.T) {
	d := builtin.MustDataset()
	ituRow := func(name, iso, ind string, year int, value any) []any {
		return []any{name, "Asia", iso, ind, year, value, ""}
	}
	const internet = "Individuals using the Internet, total (%)"
	for _, tt := range []struct {
		name  string
		file  string // file name given to Import
		data  func(t testing.TB) []byte
		opts  ImportOptions
		err   string // "" = must succeed
		sheet string
		row   int
		col   string
		check func(t *testing.T, b *egdi.Batch)
	}{
		{name: "ErrEmpty", file: "empty.csv", data: func(testing.TB) []byte { return nil }, err: "the file is empty"},
		{name: "ErrBlank", file: "blank.csv", data: func(testing.TB) []byte { return []byte("\n \r\n") }, err: "the file is empty"},
		{name: "ErrTooLarge", file: "big.csv", data: func(testing.TB) []byte { return bytes.Repeat([]byte("a,b\n"), MaxImportSize/4+1) },
			err: "larger than 64 MiB"},
		{name: "ErrTruncatedRow", file: "truncated_row.csv", err: "the row has 4 fields, but the header has 8", row: 3},
		{name: "ErrTruncatedQuote", file: "truncated_quote.csv", err: "a quoted field is not closed", row: 3, col: "2"},
		{name: "AcceptBOM", file: "un_bom.csv", check: func(t *testing.T, b *egdi.Batch) {
			if len(b.Records) != 1 || b.Records[0].ISO3 != "DNK" {
				t.Errorf("records %+v, want Denmark", b.Records)
			}
		}},
		{name: "DecodeUTF16", file: "un_utf16.csv", check: func(t *testing.T, b *egdi.Batch) {
			if len(b.Records) != 2 || b.Records[0].ISO3 != "BHR" || b.Records[1].ISO3 != "SAU" || b.Records[1].Name != "المملكة العربية السعودية" {
				t.Errorf("records %+v, want Bahrain and Saudi Arabia (Arabic name)", b.Records)
			}
		}},
		{name: "ErrUTF16Truncated", file: "utf16_odd.csv", err: "odd number of bytes"},
		{name: "ErrUTF16NoBOM", file: "utf16_no_bom.csv", err: "NUL bytes", row: 1, col: "1"},
		{name: "ErrWindows1256", file: "un_windows1256.csv", err: "Windows-1256", row: 3, col: "2"},
		{name: "ErrNoKnownHeader", file: "no_known_header.csv", err: "no table with the headers", row: 1},
		{name: "ErrUnknownSource", file: "un_ok.csv", opts: ImportOptions{Source: "imf"}, err: `unknown source "imf"`},
		{name: "ErrWrongSource", file: "un_ok.csv", opts: ImportOptions{Source: SourceITU}, err: "looks like source un, not itu"},
		{name: "ErrNotANumber", file: "not_a_number.csv", err: `"0.9x" is not a number`, row: 2, col: "E-Participation Index"},
		{name: "ErrOutOfBounds", file: "out_of_bounds.csv", err: "outside [0, 1]", row: 2, col: "E-Government Index"},
		{name: "ErrBlankRankNonZero", file: "blank_rank.csv", err: "the rank is blank but the indices are not zero", row: 2, col: "E-Government Rank"},
		{name: "ErrUnknownEdition", file: "unknown_edition.csv", err: `"2007" is not a published edition`, row: 2, col: "Survey Year"},
		{name: "ErrEditionMismatch", file: "un_ok.csv", opts: ImportOptions{Edition: 2022}, err: "edition 2022 was asked for", row: 2, col: "Survey Year"},
		{name: "ErrNoYear", file: "no_year.csv", err: "no Survey Year column", row: 1},
		{name: "LaterEdition", file: "later_edition.csv", check: func(t *testing.T, b *egdi.Batch) {
			if len(b.Records) != 2 || b.Records[0].Edition != 2026 || b.Records[0].ISO3 != "BHR" || b.Records[1].Rank != 1 {
				t.Errorf("records %+v, want Bahrain and Denmark in edition 2026", b.Records)
			}
		}},
		{name: "ErrLaterEditionMissingColumn", file: "later_edition_missing_hci.csv", err: "no column for hci", row: 1},
		{name: "ErrOddLaterYear", file: "later_edition.csv", opts: ImportOptions{Edition: 2025}, err: "2025 is not a published edition", row: 1},
		{name: "EditionGiven", file: "no_year.csv", opts: ImportOptions{Edition: 2024}, check: func(t *testing.T, b *egdi.Batch) {
			if len(b.Records) != 1 || b.Records[0].Edition != 2024 {
				t.Errorf("records %+v, want one of edition 2024", b.Records)
			}
		}},
		{name: "NotAssessed", file: "not_assessed.csv", check: func(t *testing.T, b *egdi.Batch) {
			want := egdi.Record{Edition: 2003, ISO3: "MNE", Name: "Montenegro"}
			if len(b.Records) != 2 || b.Records[1] != want {
				t.Errorf("records %+v, want Montenegro not assessed, with no values", b.Records)
			}
		}},
		{name: "ErrUnknownNamesAllListed", file: "unknown_names.csv", err: `2 country names match no UN Member State: "Atlantis" (row 3), "Narnia" (row 4)`,
			row: 3, col: "Country Name"},
		{name: "DuplicateIdentical", file: "duplicate_identical.csv", check: func(t *testing.T, b *egdi.Batch) {
			if len(b.Records) != 1 || len(b.Skipped) != 1 || b.Skipped[0].Row != 3 || !strings.Contains(b.Skipped[0].Reason, "duplicate of row 2") {
				t.Errorf("records %d, skipped %+v; want 1 record and row 3 skipped as a duplicate of row 2", len(b.Records), b.Skipped)
			}
		}},
		{name: "ErrDuplicateConflict", file: "duplicate_conflict.csv", err: "DNK 2024 has different values in row 2 and row 4", row: 4},
		{name: "WDI", file: "wdi_small.csv", check: func(t *testing.T, b *egdi.Batch) {
			want := []egdi.Observation{
				{ISO3: "BHR", Indicator: egdi.MobileSubscriptions, Year: 2019, Value: 158.6, Source: "wdi", Vintage: "WDI 2024-02-21"},
				{ISO3: "BHR", Indicator: egdi.MobileSubscriptions, Year: 2021, Value: 124.4, Source: "wdi", Vintage: "WDI 2024-02-21"},
			}
			if len(b.Observations) != len(want) || b.Observations[0] != want[0] || b.Observations[1] != want[1] {
				t.Errorf("observations %+v, want %+v (\"..\" is no data)", b.Observations, want)
			}
			if len(b.Skipped) != 2 || !strings.Contains(b.Skipped[0].Reason, "not a UN Member State") || !strings.Contains(b.Skipped[1].Reason, "aggregate") {
				t.Errorf("skipped %+v, want Aruba (not a Member State) and World (aggregate)", b.Skipped)
			}
		}},
		{name: "ErrWDIOtherSeries", file: "wdi_other_series.csv", err: "no EGDI input in this file (series NY.GDP.MKTP.CD)", row: 5, col: "Indicator Code"},
		{name: "HDR", file: "hdr_small.csv", check: func(t *testing.T, b *egdi.Batch) {
			if len(b.Observations) != 4 || b.Observations[0].ISO3 != "BHR" || b.Observations[3].Indicator != egdi.MeanSchooling || b.Observations[3].Value != 11.0 {
				t.Errorf("observations %+v, want Bahrain's eys and mys of 2021–2022", b.Observations)
			}
			if len(b.Skipped) != 2 {
				t.Errorf("skipped %+v, want Hong Kong and the world aggregate", b.Skipped)
			}
		}},
		{name: "ErrHDRConflict", file: "hdr_conflict.csv", err: "BHR differs from row 2", row: 3, col: "mys_2022"},
		{name: "ErrJSONTruncated", file: "rank.json", data: func(testing.TB) []byte { return []byte("[\n {\"iso3\": \"BHR\", \"edition\": 2024,\n") },
			err: "malformed JSON"},
		{name: "ErrJSONMissingField", file: "rank.json",
			data: func(testing.TB) []byte {
				return []byte(`[{"iso3":"BHR","edition":2024,"egdi":0.9,"egdi_rank":18,"osi":0.9,"tii":0.9,"hci":0.9}]`)
			},
			err: "missing", row: 1, col: "epi"},
		{name: "ErrXLSXTruncated", file: "export.xlsx", data: func(t testing.TB) []byte {
			var buf bytes.Buffer
			if err := WriteXLSX(&buf, d, 2024); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()[:buf.Len()/2]
		}, err: "not a readable XLSX workbook"},
		{name: "ErrXLSXFormula", file: "formula.xlsx", data: func(t testing.TB) []byte {
			return xlsxFixture(t, "EGDI", [][]any{unHeaderRow, {2024, "Denmark", 1, 0.98474, 0.9863, 0.99924, 0.95841, 0.99662, "Europe"},
				{2024, "Estonia", 2, 0, 0.9589, 0.99535, 0.94972, 0.97309, "Europe"}}, map[string]string{"D3": "=(F3+G3+H3)/3"})
		}, err: "the cell holds a formula", sheet: "EGDI", row: 3, col: "D (E-Government Index)"},
		{name: "XLSXFormulaInIgnoredColumn", file: "formula.xlsx", data: func(t testing.TB) []byte {
			return xlsxFixture(t, "EGDI", [][]any{unHeaderRow, {2024, "Denmark", 1, 0.98474, 0.9863, 0.99924, 0.95841, 0.99662, "x"}},
				map[string]string{"I2": `="Eur"&"ope"`})
		}, check: func(t *testing.T, b *egdi.Batch) {
			if len(b.Records) != 1 {
				t.Errorf("records %+v, want Denmark (the formula is in the ignored Region column)", b.Records)
			}
		}},
		{name: "ITUSkips", file: "itu.xlsx", data: func(t testing.TB) []byte {
			return xlsxFixture(t, "DDD data set January 2022", [][]any{ituHeaderRow,
				ituRow("Bahrain", "BHR", internet, 2020, 99.5),
				ituRow("Bahrain", "BHR", internet, 2021, "NULL"),
				ituRow("Hong Kong, China", "HKG", internet, 2020, 92.4),
				ituRow("Bahrain", "BHR", "Households with a computer at home (%)", 2020, 90),
				ituRow("Bahrain", "BHR", internet, 2020, 99.5),
				{}, {"Source: ITU, World Telecommunication/ICT Indicators Database, January 2022"}}, nil)
		}, check: func(t *testing.T, b *egdi.Batch) {
			want := egdi.Observation{ISO3: "BHR", Indicator: egdi.InternetUsers, Year: 2020, Value: 99.5, Source: "itu", Vintage: "ITU DDD January 2022"}
			if len(b.Observations) != 1 || b.Observations[0] != want {
				t.Errorf("observations %+v, want %+v", b.Observations, want)
			}
			var reasons []string
			for _, s := range b.Skipped {
				reasons = append(reasons, s.Reason)
			}
			got := strings.Join(reasons, "; ")
			for _, w := range []string{`no value ("NULL")`, "HKG Hong Kong, China is not a UN Member State", "is not an EGDI input", "duplicate of row 2"} {
				if !strings.Contains(got, w) {
					t.Errorf("skipped %q, want a row skipped with %q", got, w)
				}
			}
		}},
		{name: "ErrITUConflict", file: "itu.xlsx", data: func(t testing.TB) []byte {
			return xlsxFixture(t, "ITU", [][]any{ituHeaderRow, ituRow("Bahrain", "BHR", internet, 2020, 99.5), ituRow("Bahrain", "BHR", internet, 2020, 98)}, nil)
		}, err: "BHR internet_users 2020 is 98 here but 99.5 in row 2", sheet: "ITU", row: 3, col: "F (Value)"},
		{name: "ErrITUFormula", file: "itu.xlsx", data: func(t testing.TB) []byte {
			return xlsxFixture(t, "ITU", [][]any{ituHeaderRow, ituRow("Bahrain", "BHR", internet, 2020, 0)}, map[string]string{"F2": "=199/2"})
		}, err: "formula", sheet: "ITU", row: 2, col: "F (Value)"},
		{name: "ErrITUOutOfBounds", file: "itu.xlsx", data: func(t testing.TB) []byte {
			return xlsxFixture(t, "ITU", [][]any{ituHeaderRow, ituRow("Bahrain", "BHR", internet, 2020, 101)}, nil)
		}, err: "internet_users = 101 is above 100", sheet: "ITU", row: 2, col: "F (Value)"},
		{name: "ErrXLSTruncated", file: "wdi.xls", data: func(t testing.TB) []byte {
			b, err := os.ReadFile(dataFile(t, "components/wdi/WDI_IT.NET.USER.ZS_2021-09-15.xls"))
			if err != nil {
				t.Fatal(err)
			}
			return b[:len(b)/3]
		}, err: "not a readable .xls workbook"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var data []byte
			if tt.data != nil {
				data = tt.data(t)
			} else {
				data = fixture(t, tt.file)
			}
			if tt.opts.Countries == nil {
				tt.opts.Countries = d.Countries
			}
			b, err := Import(context.Background(), tt.file, bytes.NewReader(data), tt.opts)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if b.File != tt.file {
					t.Errorf("batch file %q, want %q", b.File, tt.file)
				}
				tt.check(t, b)
				return
			}
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.err)
			}
			var ie *egdi.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v, want an *egdi.InputError", err, err)
			}
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Errorf("code %q, want %q", egdi.ErrorCode(err), egdi.EINVALID)
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %q, want it to contain %q", err, tt.err)
			}
			if ie.File != tt.file || ie.Sheet != tt.sheet || ie.Row != tt.row || ie.Column != tt.col {
				t.Errorf("error at file %q sheet %q row %d column %q, want %q %q %d %q (%v)",
					ie.File, ie.Sheet, ie.Row, ie.Column, tt.file, tt.sheet, tt.row, tt.col, err)
			}
		})
	}
}
