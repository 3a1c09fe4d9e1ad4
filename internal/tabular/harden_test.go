package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// manySheetsXLSX builds a small workbook that declares n sheets, all
// pointing at one tiny worksheet part (the shape of the probe's 496 KB
// workbook of 100,000 sheets).
func manySheetsXLSX(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var sheets strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sheets, `<sheet name="S%d" sheetId="%d" r:id="rId1"/>`, i, i)
	}
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` + sheets.String() + `</sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>hello</t></is></c></row></sheetData></worksheet>`},
	} {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestManySheets (finding 4): a small workbook declaring 100,000 sheets
// is refused from its sheet list, before any sheet is read, in well under
// a second; one of 3 sheets is read (and has no known table).
func TestManySheets(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sheets int
		want   string
	}{
		{"Three", 3, "no table with the headers"},
		{"AtTheLimit", maxSheets, "no table with the headers"},
		{"OneTooMany", maxSheets + 1, "more than 256 sheets"},
		{"HundredThousand", 100_000, "more than 256 sheets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := manySheetsXLSX(t, tc.sheets)
			start := time.Now()
			_, err := Import(t.Context(), "many.xlsx", bytes.NewReader(data), ImportOptions{Countries: builtin.MustDataset().Countries})
			took := time.Since(start)
			var ie *egdi.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) || ie.File != "many.xlsx" {
				t.Fatalf("%d sheets (%d KB): %v; want an input error saying %q", tc.sheets, len(data)>>10, err, tc.want)
			}
			if tc.sheets > maxSheets && took > time.Second {
				t.Errorf("refusing %d sheets took %s, want ≤ 1 s", tc.sheets, took)
			}
			t.Logf("%d sheets, %d KB: %s", tc.sheets, len(data)>>10, took)
		})
	}
}

// longITU is an ITU long-format CSV of about mb megabytes: every row is
// read and skipped (another indicator), so the import is long.
func longITU(mb int) []byte {
	var b bytes.Buffer
	b.WriteString("Country,ISO,Indicator name,Year,Value\n")
	for b.Len() < mb<<20 {
		b.WriteString("Bahrain,BHR,Some other indicator,2020,12.5\n")
	}
	return b.Bytes()
}

// TestImportCanceled (finding 4): a context that ends stops every reader
// within a moment, with the context's error (ECANCELED: exit status 130).
func TestImportCanceled(t *testing.T) {
	itu := longITU(40)
	xlsx := manySheetsXLSX(t, 3)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"CSV", itu},
		{"XLSX", xlsx},
		{"JSON", []byte(`[{"iso3":"BHR","edition":2024}]`)},
	} {
		t.Run(tc.name+"/Before", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := Import(ctx, "f", bytes.NewReader(tc.data), ImportOptions{Countries: builtin.MustDataset().Countries})
			if egdi.ErrorCode(err) != egdi.ECANCELED {
				t.Fatalf("canceled import: %v, want ECANCELED", err)
			}
		})
	}
	t.Run("CSV/Midway", func(t *testing.T) {
		full := time.Now()
		if _, err := Import(t.Context(), "itu.csv", bytes.NewReader(itu), ImportOptions{Countries: builtin.MustDataset().Countries}); err != nil {
			t.Fatal(err)
		}
		whole := time.Since(full)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(whole/4, cancel)
		start := time.Now()
		_, err := Import(ctx, "itu.csv", bytes.NewReader(itu), ImportOptions{Countries: builtin.MustDataset().Countries})
		after := time.Since(start) - whole/4
		if egdi.ErrorCode(err) != egdi.ECANCELED {
			t.Fatalf("import canceled at %s of %s: %v, want ECANCELED", whole/4, whole, err)
		}
		if after > 200*time.Millisecond {
			t.Errorf("the import went on %s after the cancellation", after)
		}
		t.Logf("whole import %s; stopped %s after the cancellation", whole, after)
	})
}

// TestCROnlyLines (finding 7): a CSV whose lines end with CR alone reads
// as the same file with LF endings, not as one long line.
func TestCROnlyLines(t *testing.T) {
	lf := "Country,ISO,Indicator name,Year,Value\nBahrain,BHR,\"Individuals using the Internet, total (%)\",2020,99.5\n"
	want, err := Import(t.Context(), "lf.csv", strings.NewReader(lf), ImportOptions{Countries: builtin.MustDataset().Countries})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Import(t.Context(), "cr.csv", strings.NewReader(strings.ReplaceAll(lf, "\n", "\r")), ImportOptions{Countries: builtin.MustDataset().Countries})
	if err != nil {
		t.Fatalf("CR-only file: %v", err)
	}
	if len(got.Observations) != 1 || len(want.Observations) != 1 || got.Observations[0] != want.Observations[0] {
		t.Fatalf("CR-only: %+v; LF: %+v", got.Observations, want.Observations)
	}
}

// TestDeclaredCells: a sheet whose dimension claims more cells than the
// limit is refused before it is parsed; ordinary dimensions pass.
func TestDeclaredCells(t *testing.T) {
	sheet := func(ref string) []byte {
		return []byte(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<dimension ref="` + ref + `"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`)
	}
	for _, tc := range []struct {
		ref  string
		want string // "" = read
	}{
		{"A1:D50", ""},
		{"A1", ""},
		{"A1:XFD1048576", "declares 17179869184 cells"},
		{"A1:Z400000", "declares 10400000 cells"},
	} {
		rows, _, err := readSheetXML(t.Context(), sheet(tc.ref), nil)
		if tc.want == "" && (err != nil || len(rows) != 1) || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("dimension %s: %d rows, %v; want %q", tc.ref, len(rows), err, tc.want)
		}
	}
}
