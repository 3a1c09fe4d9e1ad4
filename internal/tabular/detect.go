package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/egdi-project/egdi"
)

// NotTabular is the message of a file that is none of the formats egdi
// reads; the error adds what the file looks like.
const NotTabular = "not a CSV, XLSX or XLS file egdi can read"

// sniff recognises files that are clearly not a table egdi reads, from
// their first bytes, and says what they look like ("a PDF document", "a
// Markdown document", ...). It returns "" when the content may be a CSV,
// XLSX, XLS or JSON table: those go to their readers, which name the row
// and column of any problem. Only unambiguous signs count, so a real CSV
// with a bad quote still gets its row and column.
func sniff(data []byte) string {
	magic := []struct {
		prefix string
		kind   string
	}{
		{"%PDF-", "a PDF document"},
		{"\x89PNG\r\n\x1a\n", "a PNG image"},
		{"\xff\xd8\xff", "a JPEG image"},
		{"GIF87a", "a GIF image"},
		{"GIF89a", "a GIF image"},
		{"\x1f\x8b", "a gzip archive (unpack it first)"},
		{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (unpack it first)"},
		{"Rar!", "a RAR archive (unpack it first)"},
		{"{\\rtf", "an RTF document"},
	}
	for _, m := range magic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return m.kind
		}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return sniffZip(data)
	}
	if bytes.HasPrefix(data, oleMagic) || !utf8.Valid(firstBytes(data, 4096)) {
		return "" // a legacy workbook, or text in another encoding: their readers say more
	}
	text := strings.TrimPrefix(string(firstBytes(data, 4096)), "\uFEFF")
	first := ""
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			first = line
			break
		}
	}
	low := strings.ToLower(first)
	switch {
	case strings.HasPrefix(low, "<!doctype html"), strings.HasPrefix(low, "<html"):
		return "an HTML page (save the table as CSV or XLSX)"
	case strings.HasPrefix(low, "<?xml"), strings.HasPrefix(low, "<"):
		return "an XML document"
	case strings.HasPrefix(first, "{"):
		return "a JSON object (egdi reads a JSON array of ranking rows, as egdi rank --format json writes it)"
	case strings.HasPrefix(first, "# "), strings.HasPrefix(first, "## "), strings.HasPrefix(first, "```"),
		first == "---" && strings.Contains(text, "\n---"):
		return "a Markdown document"
	}
	return ""
}

// sniffZip tells an XLSX workbook ("") from other zip files.
func sniffZip(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "" // damaged: readXLSX says so
	}
	has := func(prefix string) bool {
		for _, f := range zr.File {
			if strings.HasPrefix(f.Name, prefix) {
				return true
			}
		}
		return false
	}
	switch {
	case has("xl/"):
		return ""
	case has("word/"):
		return "a Word document (.docx)"
	case has("ppt/"):
		return "a PowerPoint presentation (.pptx)"
	case has("content.xml"):
		return "an OpenDocument file (.ods or .odt: save the sheet as XLSX or CSV)"
	}
	return "a zip archive without a workbook (unpack it first)"
}

func firstBytes(b []byte, n int) []byte {
	if len(b) > n {
		b = b[:n]
		// Do not cut a UTF-8 sequence in two.
		for i := 0; i < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); i++ {
			b = b[:len(b)-1]
		}
	}
	return b
}

// notTabular is the error of a file sniff recognised.
func notTabular(name, kind string) error {
	return &egdi.InputError{File: name, Err: fmt.Errorf("%s: it looks like %s", NotTabular, kind)}
}

// firstLine returns the first line of text that is not blank, trimmed.
func firstLine(text []byte) string {
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		if l := strings.TrimSpace(strings.TrimPrefix(string(line), "\uFEFF")); l != "" {
			return l
		}
	}
	return ""
}
