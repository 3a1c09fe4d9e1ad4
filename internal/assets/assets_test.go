package assets_test

import (
	"bytes"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/egdi-project/egdi/internal/assets"
)

func TestFonts(t *testing.T) {
	fsys := assets.FontFS()
	var names []string
	for _, f := range append(slices.Clone(assets.Fonts), assets.PrintFonts...) {
		names = append(names, f.File)
		t.Run(f.File, func(t *testing.T) {
			b, err := fsys.(interface{ ReadFile(string) ([]byte, error) }).ReadFile(f.File)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("wOF2")) {
				t.Errorf("%s is not a WOFF2 file (magic %q)", f.File, b[:4])
			}
			if f.Weight != 400 && f.Weight != 700 {
				t.Errorf("weight %d, want 400 or 700", f.Weight)
			}
		})
	}
	if err := fstest.TestFS(fsys, append(slices.Compact(slices.Sorted(slices.Values(names))), "OFL.txt")...); err != nil {
		t.Error(err)
	}
	if !bytes.Contains(assets.License(), []byte("SIL Open Font License, Version 1.1")) {
		t.Error("OFL.txt is not the SIL Open Font License 1.1")
	}
}

func TestFontFaceCSS(t *testing.T) {
	for _, tc := range []struct {
		name, base, want string
	}{
		{"inline", "", "url(data:font/woff2;base64,d09GMg"}, // "wOF2" in base64
		{"linked", "/fonts/", "url(/fonts/noto-sans-arabic-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			css := assets.FontFaceCSS(tc.base)
			if got := strings.Count(css, "@font-face"); got != len(assets.Fonts) {
				t.Errorf("%d @font-face rules, want %d", got, len(assets.Fonts))
			}
			if got := strings.Count(css, tc.want); got != len(assets.Fonts) {
				t.Errorf("%d sources like %q, want %d", got, tc.want, len(assets.Fonts))
			}
		})
	}
}

// TestPrintFontFaceCSS checks the reports' fonts: the whole Noto Naskh
// Arabic for Arabic, the Latin subset for Latin, under one family.
func TestPrintFontFaceCSS(t *testing.T) {
	css := assets.PrintFontFaceCSS("/fonts/")
	if got := strings.Count(css, "font-family:'"+assets.PrintFamily+"'"); got != len(assets.PrintFonts) {
		t.Errorf("%d rules of family %q, want %d", got, assets.PrintFamily, len(assets.PrintFonts))
	}
	for _, want := range []string{"url(/fonts/noto-naskh-arabic-400.woff2)", "url(/fonts/noto-naskh-arabic-700.woff2)", "url(/fonts/noto-sans-arabic-latin-400-normal.woff2)"} {
		if !strings.Contains(css, want) {
			t.Errorf("no %s in\n%s", want, css)
		}
	}
	inline := assets.PrintFontFaceCSS("")
	if got := strings.Count(inline, "url(data:font/woff2;base64,d09GMg"); got != len(assets.PrintFonts) {
		t.Errorf("%d inline WOFF2 fonts, want %d", got, len(assets.PrintFonts))
	}
	// The Arabic fonts are whole, not subsets: more than 1,000 characters.
	// Arabic subsets break words in PDF text extraction (see README.md).
	for _, f := range assets.PrintFonts[:2] {
		b, _ := fs.ReadFile(assets.FontFS(), f.File)
		if len(b) < 55_000 {
			t.Errorf("%s is %d bytes: a subset? the whole Noto Naskh Arabic is about 63 kB as WOFF2", f.File, len(b))
		}
	}
}
