// Package assets holds the files egdi embeds for its documents and pages:
// the Noto Sans Arabic web fonts (regular and bold, Arabic and Latin
// subsets) that the dashboard uses, the full Noto Naskh Arabic fonts
// (regular and bold) that the reports use for their Arabic text, and the
// fonts' licence. See README.md for their sources and how to refresh them.
package assets

import (
	"embed"
	"encoding/base64"
	"io/fs"
	"strconv"
	"strings"
)

//go:embed fonts/*.woff2 fonts/OFL.txt
var files embed.FS

// FontFamily is the CSS family name under which [FontFaceCSS] declares the fonts.
const FontFamily = "Noto Sans Arabic"

// Font is one embedded font file and the characters it covers.
type Font struct {
	File         string // name inside [Fonts]
	Weight       int    // CSS font-weight
	UnicodeRange string // CSS unicode-range, from the npm package's CSS
}

// Unicode ranges of the two subsets, copied from @fontsource/noto-sans-arabic
// 5.3.0 arabic-400.css and latin-400.css.
const (
	arabicRange = "U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC"
	latinRange  = "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
)

// Fonts lists the embedded web fonts of the dashboard (family [FontFamily]).
var Fonts = []Font{
	{"noto-sans-arabic-arabic-400-normal.woff2", 400, arabicRange},
	{"noto-sans-arabic-arabic-700-normal.woff2", 700, arabicRange},
	{"noto-sans-arabic-latin-400-normal.woff2", 400, latinRange},
	{"noto-sans-arabic-latin-700-normal.woff2", 700, latinRange},
}

// FontFS returns the font files (and OFL.txt) at its root, for serving
// over HTTP: http.FileServerFS(assets.FontFS()).
func FontFS() fs.FS {
	sub, err := fs.Sub(files, "fonts")
	if err != nil {
		panic(err) // "fonts" is a valid, embedded directory
	}
	return sub
}

// License returns the SIL Open Font License of the fonts.
func License() []byte {
	b, _ := files.ReadFile("fonts/OFL.txt")
	return b
}

// PrintFamily is the CSS family name under which [PrintFontFaceCSS]
// declares the fonts of the reports.
const PrintFamily = "Noto Naskh Arabic"

// PrintFonts lists the fonts of the reports (family [PrintFamily]): the
// whole Noto Naskh Arabic, regular and bold, for Arabic text, and the Latin
// subsets of Noto Sans Arabic for Latin letters, digits and punctuation.
//
// Why not the Arabic subsets of [Fonts]: Chromium's PDFs set with them
// extract as broken glyph runs ("مؤ ش ر", "الإلكت روني ة"), so a reader
// cannot search or copy the survey's own name. With the whole Noto Naskh
// Arabic (Debian fonts-noto-core 20201225, here recompressed as WOFF2, every
// glyph and table kept) pdftotext gives every word whole, lam-alef
// included; the whole Noto Sans Arabic reverses lam-alef. internal/report's
// TestPDFArabicText checks it.
var PrintFonts = []Font{
	{"noto-naskh-arabic-400.woff2", 400, arabicRange},
	{"noto-naskh-arabic-700.woff2", 700, arabicRange},
	{"noto-sans-arabic-latin-400-normal.woff2", 400, latinRange},
	{"noto-sans-arabic-latin-700-normal.woff2", 700, latinRange},
}

// FontFaceCSS returns the @font-face rules declaring [Fonts] under
// [FontFamily]. With base "" each font is inlined as a data: URL, so that a
// saved HTML file carries its fonts (about 160 kB); otherwise the URL is
// base + file name, for a page whose server serves [FontFS] at base.
func FontFaceCSS(base string) string { return fontFaceCSS(FontFamily, Fonts, base) }

// PrintFontFaceCSS returns the @font-face rules declaring [PrintFonts]
// under [PrintFamily], inlined (base "") or linked as in [FontFaceCSS].
func PrintFontFaceCSS(base string) string { return fontFaceCSS(PrintFamily, PrintFonts, base) }

func fontFaceCSS(family string, fonts []Font, base string) string {
	var b strings.Builder
	for _, f := range fonts {
		url := base + f.File
		if base == "" {
			data, err := files.ReadFile("fonts/" + f.File)
			if err != nil {
				panic(err) // listed files are embedded; TestFonts checks it
			}
			url = "data:font/woff2;base64," + base64.StdEncoding.EncodeToString(data)
		}
		b.WriteString("@font-face{font-family:'" + family + "';font-style:normal;font-display:block;font-weight:")
		b.WriteString(strconv.Itoa(f.Weight))
		b.WriteString(";src:url(" + url + ") format('woff2');unicode-range:" + f.UnicodeRange + "}\n")
	}
	return b.String()
}
