package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/testenv"
)

// The workbook fuzzers (XLSX, XLS) have inputs of several kilobytes, each
// run opening a zip or OLE2 container; the fuzzer spends up to a minute
// minimising each new input unless told otherwise, so run them with a
// short minimisation time:
//
//	go test -run '^$' -fuzz '^FuzzImportXLSX$' -fuzztime 10s -fuzzminimizetime 1s ./internal/tabular

// seedHeads adds the first n bytes of each shared data file matching the
// globs (relative to shared/data), when the directory is there, and every
// fixture under testdata/bad with one of the extensions.
func seedHeads(f *testing.F, n int, exts []string, globs ...string) {
	for _, g := range globs {
		paths, _ := filepath.Glob(filepath.Join(testenv.DataDir(), g))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			if n > 0 && len(b) > n {
				b = b[:n]
			}
			f.Add(b)
		}
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "bad", "*"))
	for _, p := range paths {
		for _, e := range exts {
			if strings.HasSuffix(p, e) {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
		}
	}
}

// checkImport is the property every importer must have on any input: it
// returns a batch or an *egdi.InputError naming the file, never panics
// (Import turns a panic into an EINTERNAL error, which fails here), and what it returns is valid — Member States, indices and
// observations within their bounds, not-assessed records without values.
func checkImport(t *testing.T, name string, data []byte) {
	cs := builtin.MustDataset().Countries
	b, err := Import(context.Background(), name, bytes.NewReader(data), ImportOptions{Countries: cs})
	if err != nil {
		if egdi.ErrorCode(err) == egdi.EINTERNAL {
			t.Fatalf("importer panicked: %v", err)
		}
		var ie *egdi.InputError
		if !errors.As(err, &ie) || ie.File != name {
			t.Fatalf("error %T %v, want an *egdi.InputError naming %s", err, err, name)
		}
		return
	}
	for _, r := range b.Records {
		if cs.Get(r.ISO3) == nil {
			t.Fatalf("record of %q, not a Member State", r.ISO3)
		}
		if !r.Assessed && (r.Rank != 0 || r.EGDI != 0 || r.OSI != 0 || r.TII != 0 || r.HCI != 0 || r.EPI != 0) {
			t.Fatalf("not-assessed record with values: %+v", r)
		}
		if r.Assessed && r.Rank < 1 {
			t.Fatalf("assessed record without a rank: %+v", r)
		}
		for _, c := range []struct {
			ind egdi.Indicator
			v   float64
		}{{egdi.OSI, r.OSI}, {egdi.TII, r.TII}, {egdi.HCI, r.HCI}, {egdi.EPI, r.EPI}, {egdi.OSI, r.EGDI}} {
			if err := c.ind.CheckValue(c.v); err != nil {
				t.Fatalf("record %+v: %v", r, err)
			}
		}
	}
	for _, o := range b.Observations {
		if cs.Get(o.ISO3) == nil {
			t.Fatalf("observation of %q, not a Member State", o.ISO3)
		}
		if err := o.Indicator.CheckValue(o.Value); err != nil {
			t.Fatalf("observation %+v: %v", o, err)
		}
	}
}

// FuzzImportCSV fuzzes the delimited-text path (UN, WDI, HDR and ITU
// layouts), seeded with the heads of the real files.
func FuzzImportCSV(f *testing.F) {
	seedHeads(f, 2048, []string{".csv"}, "egdi/*/*.csv", "egdi/*.csv", "components/wdi/*.csv", "components/undp_hdr/*.csv")
	// Files that are no table: sniff must refuse them, or let them through
	// to the CSV reader, never panic.
	f.Add([]byte("# A title\n\nSome \"quoted\" text, | a | b |\n"))
	f.Add([]byte("<!DOCTYPE html><html></html>"))
	f.Add([]byte(`{"a": 1}`))
	f.Add([]byte("%PDF-1.4\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkImport(t, "fuzz.csv", data) })
}

// FuzzImportJSON fuzzes the JSON path, seeded with the head and the whole
// of an edition's export.
func FuzzImportJSON(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, builtin.MustDataset(), 2024); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:1500])
	f.Add([]byte(`[{"iso3":"BHR","edition":2024,"egdi":0.9,"egdi_rank":18,"osi":0.9,"tii":0.9,"hci":0.9,"epi":0.9}]`))
	// 2003 has Member States not assessed: the export's trailing rows.
	buf.Reset()
	if err := WriteJSON(&buf, builtin.MustDataset(), 2003); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes()[max(0, buf.Len()-1200):])
	f.Add([]byte(`[{"iso3":"SSD","edition":2010,"assessed":false,"name":"South Sudan","name_published":"South Sudan"}]`))
	f.Fuzz(func(t *testing.T, data []byte) { checkImport(t, "fuzz.json", data) })
}

// FuzzImportXLSX fuzzes the XLSX path, seeded with an export of 2003 (both
// sheets, not-assessed rows), ITU-layout and formula fixtures.
func FuzzImportXLSX(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, builtin.MustDataset(), 2003); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(xlsxFixture(f, "DDD data set January 2022", [][]any{ituHeaderRow,
		{"Bahrain", "Arab States", "BHR", "Individuals using the Internet, total (%)", 2020, 99.5, ""},
		{"Bahrain", "Arab States", "BHR", "Fixed broadband subscriptions per 100 inhabitants", 2020, "NULL", ""}}, nil))
	f.Add(xlsxFixture(f, "EGDI", [][]any{unHeaderRow, {2024, "Denmark", 1, 0, 0.9863, 0.99924, 0.95841, 0.99662, "Europe"}},
		map[string]string{"D2": "=(F2+G2+H2)/3"}))
	f.Fuzz(func(t *testing.T, data []byte) { checkImport(t, "fuzz.xlsx", data) })
}

// FuzzImportXLS fuzzes the legacy XLS path, seeded with the World Bank's
// 2021 XLS files (whole, and their first 8 KB).
func FuzzImportXLS(f *testing.F) {
	seedHeads(f, 0, nil, "components/wdi/*.xls")
	seedHeads(f, 8192, nil, "components/wdi/*.xls")
	f.Add(append(append([]byte{}, oleMagic...), make([]byte, 504)...))
	f.Fuzz(func(t *testing.T, data []byte) { checkImport(t, "fuzz.xls", data) })
}

// FuzzReadSheetXML fuzzes the worksheet reader on raw sheet XML (a zip's
// checksums keep FuzzImportXLSX's mutations from reaching it), seeded with
// the sheets of an export and of a fixture with formulas and inline text.
// It must never panic, and every formula it reports is inside the sheet.
func FuzzReadSheetXML(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, builtin.MustDataset(), 2003); err != nil {
		f.Fatal(err)
	}
	for _, data := range [][]byte{buf.Bytes(), xlsxFixture(f, "F", [][]any{{"a & b", 1.5, true}, {"x", nil, 3}},
		map[string]string{"C2": "=B2*2"})} {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			f.Fatal(err)
		}
		for _, zf := range zr.File {
			if strings.HasPrefix(zf.Name, "xl/worksheets/") {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				_ = rc.Close()
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="B2" t="inlineStr"><is><r><t>a&amp;</t></r><rPh><t>x</t></rPh></is></c><c t="s"><v>0</v></c><c><f>1+1</f><v>2</v></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, formulas, err := readSheetXML(context.Background(), data, []string{"s0", "s1"})
		if err != nil {
			return
		}
		if len(rows) > maxSheetRows {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			if len(r) > maxSheetCols {
				t.Fatalf("a row of %d cells", len(r))
			}
		}
		for ref := range formulas {
			if ref.row > maxSheetRows || ref.col >= maxSheetCols {
				t.Fatalf("formula outside the sheet: %+v", ref)
			}
		}
	})
}
