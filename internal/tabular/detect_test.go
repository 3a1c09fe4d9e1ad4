package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("<x/>")); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportNotTabular: a file that is none of the formats egdi reads is
// refused as such, saying what it looks like, instead of a CSV parse error
// deep inside it; a CSV with a real problem still gets its row and column.
func TestImportNotTabular(t *testing.T) {
	d := builtin.MustDataset()
	for _, tc := range []struct {
		name string
		data []byte
		want string // "" for a file sniff lets through
	}{
		{"Markdown", []byte("# egdi — an engine\n\nA \"quoted\" word, and | a | table |\n"), "a Markdown document"},
		{"MarkdownFence", []byte("```sh\ngo build\n```\n"), "a Markdown document"},
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "a PDF document"},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "a PNG image"},
		{"Gzip", []byte("\x1f\x8b\x08\x00\x00\x00"), "a gzip archive"},
		{"Docx", zipOf(t, "[Content_Types].xml", "word/document.xml"), "a Word document (.docx)"},
		{"ODS", zipOf(t, "mimetype", "content.xml"), "an OpenDocument file"},
		{"Zip", zipOf(t, "data.csv"), "a zip archive without a workbook"},
		{"HTML", []byte("<!DOCTYPE html>\n<html><body><table></table></body></html>"), "an HTML page"},
		{"JSONObject", []byte(`{"rows": [{"iso3": "BHR"}]}`), "a JSON object"},
		{"PlainText", []byte("Dear colleague,\nplease find the data attached\n"), ""},
		{"PlainTextNoDelimiter", []byte("Notes from the meeting\nwe agreed on \"things\"\n"), `plain text: its first line has no comma, semicolon or tab ("Notes from the meeting")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import(context.Background(), "f."+strings.ToLower(tc.name), bytes.NewReader(tc.data), ImportOptions{Countries: d.Countries})
			if err == nil {
				t.Fatal("no error")
			}
			var ie *egdi.InputError
			if !errors.As(err, &ie) || ie.File != "f."+strings.ToLower(tc.name) {
				t.Fatalf("error %v does not name the file", err)
			}
			if tc.want == "" {
				if strings.Contains(err.Error(), NotTabular) {
					t.Errorf("a text with commas was refused as not tabular: %v", err)
				}
				return
			}
			if want := NotTabular + ": it looks like " + tc.want; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q, want %q", err, want)
			}
			if ie.Row != 0 {
				t.Errorf("row %d: the file as a whole is wrong, no row", ie.Row)
			}
		})
	}
	// A CSV whose only fault is a bad quote keeps its row and column.
	_, err := Import(context.Background(), "bad.csv", strings.NewReader("Survey Year,Country Name\n2024,Bah\"rain\n"), ImportOptions{Countries: d.Countries})
	var ie *egdi.InputError
	if !errors.As(err, &ie) || ie.Row != 2 || strings.Contains(err.Error(), NotTabular) {
		t.Errorf("bad quote: %v", err)
	}
}

// TestReadInputsNotCSV: compute's reader says a workbook or a document is
// not a CSV file.
func TestReadInputsNotCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"Markdown", []byte("# My forecast\n\niso3,osi\n"), "not a CSV file: it looks like a Markdown document"},
		{"XLSX", zipOf(t, "xl/workbook.xml"), "not a CSV file: it is a workbook; save the sheet as CSV UTF-8"},
		{"XLS", append(append([]byte{}, oleMagic...), 0, 0), "not a CSV file: it is a workbook"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadInputs("in.x", bytes.NewReader(tc.data), nil)
			if err == nil || !strings.Contains(err.Error(), "in.x: "+tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestImportJSONNotAssessed: a JSON row marked not assessed becomes a
// record without values; one that also carries a rank is refused;
// name_published is the record's name.
func TestImportJSONNotAssessed(t *testing.T) {
	d := builtin.MustDataset()
	b, err := Import(context.Background(), "r.json", strings.NewReader(`[
 {"iso3":"KOR","edition":2022,"egdi":0.9529,"egdi_rank":3,"osi":0.9826,"tii":0.9674,"hci":0.9087,"epi":0.9773,"name":"Republic of Korea","name_published":"Republic of Korea (the)"},
 {"iso3":"SSD","edition":2022,"assessed":false,"name":"South Sudan"}]`), ImportOptions{Countries: d.Countries})
	if err != nil {
		t.Fatal(err)
	}
	want := []egdi.Record{
		{Edition: 2022, ISO3: "KOR", Name: "Republic of Korea (the)", Assessed: true, Rank: 3, EGDI: 0.9529, OSI: 0.9826, TII: 0.9674, HCI: 0.9087, EPI: 0.9773},
		{Edition: 2022, ISO3: "SSD", Name: "South Sudan"},
	}
	if len(b.Records) != 2 || b.Records[0] != want[0] || b.Records[1] != want[1] {
		t.Errorf("records %+v, want %+v", b.Records, want)
	}
	_, err = Import(context.Background(), "r.json", strings.NewReader(`[{"iso3":"SSD","edition":2022,"assessed":false,"egdi_rank":190}]`), ImportOptions{Countries: d.Countries})
	var ie *egdi.InputError
	if !errors.As(err, &ie) || ie.Row != 1 || ie.Column != "assessed" {
		t.Errorf("not assessed with a rank: %v", err)
	}
}
