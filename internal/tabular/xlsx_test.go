package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi/internal/builtin"
)

// TestReadSheetXMLMatchesExcelize: on real workbooks — the ITU workbook
// (shared strings, numbers, formulas with cached values), the HDR 2020
// annex (many sheets, merged titles) and an egdi export (Arabic text) —
// the sheet reader gives exactly the rows excelize's GetRows gives with
// raw cell values, and finds the same formula cells as excelize's
// GetCellFormula.
func TestReadSheetXMLMatchesExcelize(t *testing.T) {
	var export bytes.Buffer
	if err := WriteXLSX(&export, builtin.MustDataset(), 2003); err != nil {
		t.Fatal(err)
	}
	withFormula := xlsxFixture(t, "F", [][]any{{"a", 1, 2}, {"b & <c>", 3, 0}}, map[string]string{"C2": "=B2*2", "A3": `="x"&"y"`})
	inputs := map[string]func(t *testing.T) []byte{
		"export":  func(*testing.T) []byte { return export.Bytes() },
		"formula": func(*testing.T) []byte { return withFormula },
		"itu": func(t *testing.T) []byte {
			b, err := os.ReadFile(dataFile(t, "components/itu/ITU_DDD_key_ICT_indicators_2010-2021.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
		"hdr2020": func(t *testing.T) []byte {
			b, err := os.ReadFile(dataFile(t, "components/undp_hdr/HDR2020_statistical_annex_all.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
	}
	for _, name := range slices.Sorted(mapKeysString(inputs)) {
		t.Run(name, func(t *testing.T) {
			data := inputs[name](t)
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			wb, err := openParts(zr)
			if err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = f.Close() }()
			for _, sheet := range f.GetSheetList() {
				want, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				got, formulas, err := wb.sheet(context.Background(), sheet)
				if err != nil {
					t.Fatalf("sheet %s: %v", sheet, err)
				}
				trim := func(rows [][]string) [][]string {
					for i := range rows {
						for len(rows[i]) > 0 && rows[i][len(rows[i])-1] == "" {
							rows[i] = rows[i][:len(rows[i])-1]
						}
					}
					for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
						rows = rows[:len(rows)-1]
					}
					return rows
				}
				got, want = trim(got), trim(want)
				if len(got) != len(want) {
					t.Fatalf("sheet %s: %d rows, excelize %d", sheet, len(got), len(want))
				}
				for i := range want {
					if !slices.Equal(got[i], want[i]) && !(len(got[i]) == 0 && len(want[i]) == 0) {
						t.Fatalf("sheet %s row %d:\n got %q\nwant %q", sheet, i+1, got[i], want[i])
					}
				}
				// Every formula the reader finds is one for excelize; on
				// small sheets, every cell excelize has a formula for is one
				// the reader finds (GetCellFormula is too slow for 300,000
				// cells).
				for ref := range formulas {
					fm, err := f.GetCellFormula(sheet, cellName(ref.col+1, ref.row))
					if err != nil || fm == "" {
						t.Errorf("sheet %s cell %s: the reader sees a formula, excelize %q (%v)", sheet, cellName(ref.col+1, ref.row), fm, err)
					}
				}
				cells := 0
				for i := range want {
					cells += len(want[i])
				}
				for i := range want {
					for j := range want[i] {
						if cells > 5000 {
							break
						}
						cell := cellName(j+1, i+1)
						fm, err := f.GetCellFormula(sheet, cell)
						if err != nil {
							t.Fatal(err)
						}
						if (fm != "") != formulas[cellRef{i + 1, j}] {
							t.Errorf("sheet %s cell %s: formula %q, reader says %v", sheet, cell, fm, formulas[cellRef{i + 1, j}])
						}
					}
				}
				if name == "formula" && len(formulas) != 2 {
					t.Errorf("%d formula cells found, want 2", len(formulas))
				}
			}
		})
	}
}

func mapKeysString[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
