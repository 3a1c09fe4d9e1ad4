package assets_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/egdi-project/egdi/internal/assets"
)

func TestFonts(t *testing.T) {
	fsys := assets.FontFS()
	var names []string
	for _, f := range assets.Fonts {
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
	if err := fstest.TestFS(fsys, append(names, "OFL.txt")...); err != nil {
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
