package i18n

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode"
)

// TestGlossaryComplete checks the one glossary file: a header key,en,ar,
// three fields per row, no duplicate key, and every key with a term in both
// languages — the Arabic one written in Arabic script.
func TestGlossaryComplete(t *testing.T) {
	r := csv.NewReader(bytes.NewReader(glossaryCSV))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("glossary.csv: %v", err)
	}
	if got := strings.Join(recs[0], ","); got != "key,en,ar" {
		t.Fatalf("header %q, want key,en,ar", got)
	}
	seen := map[string]int{}
	for i, rec := range recs[1:] {
		line := i + 2
		key, en, ar := rec[0], strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if key == "" {
			t.Errorf("line %d: empty key", line)
		}
		if prev, dup := seen[key]; dup {
			t.Errorf("line %d: key %q already on line %d", line, key, prev)
		}
		seen[key] = line
		if en == "" {
			t.Errorf("line %d: key %q has no English term", line, key)
		}
		if ar == "" {
			t.Errorf("line %d: key %q has no Arabic term", line, key)
		} else if !hasArabic(ar) {
			t.Errorf("line %d: key %q: Arabic term %q has no Arabic letter", line, key, ar)
		}
	}
	for _, k := range Keys() {
		if T("en", k) == "" || T("ar", k) == "" {
			t.Errorf("T(%q) empty in one language", k)
		}
	}
}

func hasArabic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}
