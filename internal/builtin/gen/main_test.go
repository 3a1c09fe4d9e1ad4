package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/egdi-project/egdi/internal/testenv"
)

func TestTrimName(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"Plain", "Bahrain", "Bahrain"},
		{"TrailingSpace", "Iraq ", "Iraq"},
		{"QuotedTrailingSpace", `"Iraq "`, "Iraq"},
		{"NoBreakSpace", "\u00a0Chad\u00a0", "Chad"},
		{"ZeroWidthAndBOM", "\ufeffMali\u200b", "Mali"},
		{"InnerApostropheKept", "Côte d'Ivoire ", "Côte d'Ivoire"},
		{"InnerSpacesKept", "Bosnia  and Herzegovina", "Bosnia  and Herzegovina"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := trimName(tt.in); got != tt.want {
				t.Errorf("trimName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNameKey(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"LowerCase", "Bahrain", "bahrain"},
		{"TrimAndQuotes", ` "Iraq " `, "iraq"},
		{"CollapseSpaces", "Bosnia \t and  Herzegovina", "bosnia and herzegovina"},
		{"TypographicApostrophe", "Côte d’Ivoire", "côte d'ivoire"},
		{"LeadingThe", "the Republic of Korea", "republic of korea"},
		{"UNTERMSuffix", "Netherlands (the)", "netherlands"},
		{"ParenthesesKept", "Georgia (Country)", "georgia (country)"},
		{"NonLatin", "البحرين", "البحرين"},
		{"Empty", "  ", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := nameKey(tt.in); got != tt.want {
				t.Errorf("nameKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNameIndexLookup(t *testing.T) {
	x := newNameIndex()
	for _, n := range []struct{ name, iso3 string }{
		{"Bahrain", "BHR"},
		{"the Kingdom of Bahrain", "BHR"},
		{"مملكة البحرين", "BHR"},
		{"Georgia", "GEO"},
		{"Georgia (Country)", "GEO"},
		{"Czechia", "CZE"},
		{"Czech Republic", "CZE"},
		{"Congo", "COG"},
		{"Democratic Republic of the Congo", "COD"},
		// Two countries claiming one name: the name must match neither.
		{"Shared Name", "AAA"},
		{"Shared Name", "BBB"},
	} {
		x.add(n.name, n.iso3)
	}
	for _, tt := range []struct {
		name, in, want string
		wantErr        bool
	}{
		{"ShortName", "Bahrain", "BHR", false},
		{"PublishedWithSpaceAndQuotes", `"Bahrain "`, "BHR", false},
		{"FormalWithoutThe", "Kingdom of Bahrain", "BHR", false},
		{"Arabic", "مملكة البحرين", "BHR", false},
		{"CaseInsensitive", "GEORGIA (COUNTRY)", "GEO", false},
		{"OldName", "Czech Republic ", "CZE", false},
		{"NoPrefixMatch", "Congo", "COG", false},
		{"LongerName", "Democratic Republic of the Congo", "COD", false},
		{"ErrUnknown", "Atlantis", "", true},
		{"ErrPartial", "Bahr", "", true},
		{"ErrAmbiguous", "Shared Name", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := x.lookup(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("lookup(%q) error = %v, want error %t", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("lookup(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormaliseIncome(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
		wantErr        bool
	}{
		{"WBFY2025High", "High income", incomeHigh, false},
		{"M49TitleCase", "Upper Middle Income", incomeUpperMiddle, false},
		{"WBLowerMiddle", "Lower middle income", incomeLowerMiddle, false},
		{"M49Low", "Low Income", incomeLow, false},
		{"UNUHyphen", "Upper-Middle", incomeUpperMiddle, false},
		{"UNUShort", "Low", incomeLow, false},
		{"UNUHigh", "High", incomeHigh, false},
		{"ExtraSpaces", "  lower  middle income ", incomeLowerMiddle, false},
		{"BlankIsUnclassified", "", "", false},
		{"Unclassified", "Unclassified", "", false},
		{"ErrMiddle", "Middle income", "", true},
		{"ErrUnknown", "Rich", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normaliseIncome(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("normaliseIncome(%q) error = %v, want error %t", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("normaliseIncome(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestGeneratedUpToDate regenerates the data files from shared/data, when it
// is present, and compares them with the files in ../data.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the ITU workbook; skipped in -short mode")
	}
	src := testenv.DataFile(t, ".")
	out := t.TempDir()
	if err := run([]string{"-src", src, "-out", out}, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"countries.csv", "published.csv", "itu.csv", "SOURCES.md"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date; run: go run ./internal/builtin/gen -src ../shared/data -out internal/builtin/data", name)
		}
	}
}
