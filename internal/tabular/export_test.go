package tabular

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %s\nwant: %s\n(run go test -update if the change is intended)", path, i+1, g, w)
			}
		}
	}
}

// TestExportRoundTrip: for every edition and format, importing the export
// gives back the built-in records of that edition exactly (values compared
// with ==, no tolerance). CSV and XLSX carry every Member State, the not
// assessed ones included, and the published names. JSON is the ranking the
// CLI prints, with name_published where the edition spelt a name otherwise,
// followed by the Member States not assessed ("assessed": false): it too
// gives back every record.
func TestExportRoundTrip(t *testing.T) {
	d := builtin.MustDataset()
	for _, y := range egdi.Editions {
		for _, format := range ExportFormats {
			t.Run(fmt.Sprintf("%d/%s", y, format), func(t *testing.T) {
				var buf bytes.Buffer
				if err := Export(&buf, d, y, format); err != nil {
					t.Fatal(err)
				}
				b, err := Import(context.Background(), "export."+format, &buf, ImportOptions{Countries: d.Countries})
				if err != nil {
					t.Fatal(err)
				}
				if b.Source != SourceUN || len(b.Skipped) > 0 {
					t.Errorf("source %q, skipped %v; want un and none", b.Source, b.Skipped)
				}
				got := map[egdi.ISO3]egdi.Record{}
				for _, r := range b.Records {
					got[r.ISO3] = r
				}
				n := 0
				for _, w := range d.Published[y] {
					n++
					if g, ok := got[w.ISO3]; !ok {
						t.Errorf("%s missing", w.ISO3)
					} else if g != w {
						t.Errorf("%s:\n got %+v\nwant %+v", w.ISO3, g, w)
					}
				}
				if len(b.Records) != n {
					t.Errorf("%d records, want %d", len(b.Records), n)
				}
			})
		}
	}
}

// TestWriteCSVGolden pins the CSV export of two editions a person reads:
// 2024 (4/5-dp values) and 2003 (3-dp HCI, 4-dp EPI, two countries not
// assessed).
func TestWriteCSVGolden(t *testing.T) {
	d := builtin.MustDataset()
	for _, y := range []int{2003, 2024} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, d, y); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFFSurvey Year,Country Name,E-Government Rank,")) {
			t.Errorf("%d: the CSV does not start with a BOM and the UN header: %q", y, buf.String()[:40])
		}
		golden(t, fmt.Sprintf("export_%d.csv.golden", y), buf.Bytes())
	}
}

// TestWriteXLSX checks the workbook's two sheets: the English one left to
// right, the Arabic one right to left with the glossary's headings and
// Arabic names, each with the same figures; the cell contents of both are
// pinned by a golden dump (sheet, view, then one line per row).
func TestWriteXLSX(t *testing.T) {
	d := builtin.MustDataset()
	const y = 2003
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, d, y); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	en, ar := XLSXSheets("2003")
	if got := f.GetSheetList(); len(got) != 2 || got[0] != en || got[1] != ar {
		t.Fatalf("sheets %q, want [%q %q]", got, en, ar)
	}
	var dump strings.Builder
	var enRows, arRows [][]string
	for _, sh := range []string{en, ar} {
		v, err := f.GetSheetView(sh, 0)
		if err != nil {
			t.Fatal(err)
		}
		rtl := v.RightToLeft != nil && *v.RightToLeft
		if rtl != (sh == ar) {
			t.Errorf("sheet %s: right-to-left %v", sh, rtl)
		}
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&dump, "== sheet %s, right-to-left %v, %d rows\n", sh, rtl, len(rows))
		for _, r := range rows {
			dump.WriteString(strings.Join(r, " | ") + "\n")
		}
		if sh == en {
			enRows = rows
		} else {
			arRows = rows
		}
	}
	if len(enRows) != len(d.Published[y])+1 || len(arRows) != len(enRows) {
		t.Fatalf("%d English and %d Arabic rows, want %d each", len(enRows), len(arRows), len(d.Published[y])+1)
	}
	if arRows[0][1] != "البلد" || arRows[0][3] != "مؤشر تطوير الحكومة الإلكترونية" {
		t.Errorf("Arabic headings %q", arRows[0])
	}
	for i := 1; i < len(enRows); i++ {
		e, a := enRows[i], arRows[i]
		for _, j := range []int{0, 2, 3, 4, 5, 6, 7, 8} {
			if j < len(e) && (j >= len(a) || e[j] != a[j]) {
				t.Fatalf("row %d column %d: English %q, Arabic %q", i+1, j+1, e, a)
			}
		}
		if c := d.Countries.Get(egdi.ISO3(e[8])); c == nil || a[1] != c.NameAR {
			t.Errorf("row %d: Arabic name %q for %s", i+1, a[1], e[8])
		}
	}
	golden(t, fmt.Sprintf("export_%d.xlsx.golden", y), []byte(dump.String()))
}

// TestWriteJSONIsRankJSON: the JSON export is the ranking rows, in rank
// order, one per assessed country.
func TestWriteJSONIsRankJSON(t *testing.T) {
	d := builtin.MustDataset()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, d, 2024); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("[\n  {\n    \"iso3\": ")) {
		t.Errorf("the JSON does not start as the CLI prints rows: %q", buf.String()[:30])
	}
	if n := bytes.Count(buf.Bytes(), []byte(`"rank_within"`)); n != 193 {
		t.Errorf("%d rows, want one per assessed country (193)", n)
	}
}

// TestExportUnknownEdition: an edition that does not exist is ENOTFOUND,
// an unknown format EINVALID.
func TestExportErrors(t *testing.T) {
	d := builtin.MustDataset()
	for _, tt := range []struct {
		name    string
		edition int
		format  string
		code    string
	}{
		{"ErrUnknownEdition", 2007, "csv", egdi.ENOTFOUND},
		{"ErrUnknownFormat", 2024, "ods", egdi.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Export(&bytes.Buffer{}, d, tt.edition, tt.format)
			if got := egdi.ErrorCode(err); got != tt.code {
				t.Errorf("code %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

// TestScenarioTableIsNotPublished: a table of an edition of the user's has
// the scenario's name in the Survey Year column, every assessed country in
// rank order, and importing its CSV or XLSX is refused, so a scenario can
// never come back as the UN's published record.
func TestScenarioTableIsNotPublished(t *testing.T) {
	d := builtin.MustDataset()
	tab, err := PublishedTable(d, 2022)
	if err != nil {
		t.Fatal(err)
	}
	tab.Edition, tab.Records = "my-2026", nil
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tab.Write(&buf, format); err != nil {
				t.Fatal(err)
			}
			if format == "csv" {
				lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
				if len(lines) != 194 || !strings.HasPrefix(lines[1], "my-2026,Denmark,1,") {
					t.Errorf("%d lines, first row %q; want 193 rows starting with my-2026,Denmark,1", len(lines), lines[1])
				}
			}
			_, err := Import(context.Background(), "scenario."+format, &buf, ImportOptions{Countries: d.Countries})
			if err == nil || !strings.Contains(err.Error(), `"my-2026" is not a published edition`) {
				t.Errorf("import: %v, want a refusal naming my-2026", err)
			}
		})
	}
}

// TestImportArabicSheet: the Arabic sheet of an XLSX export, alone, imports
// to the same records (names aside: they are the Arabic names), through
// the glossary's Arabic headings and the Arabic country names.
func TestImportArabicSheet(t *testing.T) {
	d := builtin.MustDataset()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, d, 2010); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	en, _ := XLSXSheets("2010")
	if err := f.DeleteSheet(en); err != nil {
		t.Fatal(err)
	}
	var only bytes.Buffer
	if _, err := f.WriteTo(&only); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	b, err := Import(context.Background(), "ar.xlsx", &only, ImportOptions{Countries: d.Countries})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Records) != len(d.Published[2010]) {
		t.Fatalf("%d records, want %d", len(b.Records), len(d.Published[2010]))
	}
	for i, w := range d.Published[2010] {
		g := b.Records[i]
		if g.Name != d.Countries.Get(w.ISO3).NameAR {
			t.Errorf("%s: name %q, want the Arabic name", w.ISO3, g.Name)
		}
		g.Name = w.Name
		if g != w {
			t.Errorf("got %+v, want %+v", g, w)
		}
	}
}
