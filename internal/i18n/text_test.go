package i18n

import (
	"slices"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tt := range []struct{ name, header, want string }{
		{"Empty", "", "en"},
		{"Arabic", "ar", "ar"},
		{"ArabicRegion", "ar-BH,ar;q=0.9,en;q=0.8", "ar"},
		{"EnglishFirst", "en-GB,en;q=0.9,ar;q=0.8", "en"},
		{"ArabicWeighted", "fr;q=0.9,ar;q=0.8,en;q=0.1", "ar"},
		{"Neither", "fr-FR,de", "en"},
		{"ArabicRefused", "ar;q=0,fr", "en"},
		{"Malformed", ";;;q=x", "en"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.header); got != tt.want {
				t.Errorf("Match(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

// TestCount checks the Arabic plural forms of CLDR (zero, one, two, few
// 3–10, many 11–99, other 100–102) and English's two.
func TestCount(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"ar", 0, "0 بلد"}, {"ar", 1, "بلد واحد"}, {"ar", 2, "بلدان اثنان"}, {"ar", 3, "3 بلدان"}, {"ar", 10, "10 بلدان"},
		{"ar", 11, "11 بلداً"}, {"ar", 99, "99 بلداً"}, {"ar", 100, "100 بلد"}, {"ar", 193, "193 بلداً"},
		{"en", 1, "1 country"}, {"en", 2, "2 countries"}, {"en", 193, "193 countries"},
	} {
		if got := Count(tt.lang, "count.countries", tt.n); got != tt.want {
			t.Errorf("Count(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

// TestSortArabic: the Arabic collation puts the hamza forms of alef with
// alef (أ, إ, آ, ا sort before ب), which code-point order does not.
func TestSortArabic(t *testing.T) {
	names := []string{"بوتان", "إثيوبيا", "آيسلندا", "الأردن", "أفغانستان"}
	got := slices.Clone(names)
	Sort("ar", got, func(s string) string { return s })
	if got[len(got)-1] != "بوتان" {
		t.Errorf("Arabic order %v: بوتان should come after every alef form", got)
	}
	cp := slices.Clone(names)
	slices.Sort(cp)
	if cp[len(cp)-1] == "بوتان" {
		t.Log("code-point order happens to agree here")
	}
}

func TestGuessAndWeight(t *testing.T) {
	if got := Weight(1.0 / 3); got != "1/3" {
		t.Errorf("Weight(1/3) = %q", got)
	}
	if got := Weight(0.34); got != "0.34" {
		t.Errorf("Weight(0.34) = %q", got)
	}
	if got := Guess("ar", "gap_filling", "x", 2023, 5); got != "بيانات سنة 2023 الأولية؛ تُستكمل القيمة الناقصة بأحدث قيمة خلال السنوات الـ5 السابقة" {
		t.Errorf("Guess gap_filling ar = %q", got)
	}
	if got := Guess("en", "group_boundary", "a value equal to a cut-off is in the upper group", 0, 0); got != "a value equal to a cut-off is in the upper group" {
		t.Errorf("Guess en = %q", got)
	}
}

// FuzzMatch: any Accept-Language header gives "en" or "ar", never a panic.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"", "ar", "ar-BH,en;q=0.5", "*;q=0.1", "en;q=abc", "a-b-c-d-e-f-g-h,,,;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if got := Match(h); got != "en" && got != "ar" {
			t.Errorf("Match(%q) = %q", h, got)
		}
	})
}
