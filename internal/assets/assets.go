// Package assets holds the files egdi embeds for its documents and pages:
// the Noto Sans Arabic web fonts (regular and bold, Arabic and Latin
// subsets) with their licence. See README.md for their source and how to
// refresh them.
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

// Fonts lists the embedded font files.
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

// FontFaceCSS returns the @font-face rules declaring [Fonts] under
// [FontFamily]. With base "" each font is inlined as a data: URL, so that a
// saved HTML file carries its fonts (about 160 kB); otherwise the URL is
// base + file name, for a page whose server serves [FontFS] at base.
func FontFaceCSS(base string) string {
	var b strings.Builder
	for _, f := range Fonts {
		url := base + f.File
		if base == "" {
			data, err := files.ReadFile("fonts/" + f.File)
			if err != nil {
				panic(err) // listed files are embedded; TestFonts checks it
			}
			url = "data:font/woff2;base64," + base64.StdEncoding.EncodeToString(data)
		}
		b.WriteString("@font-face{font-family:'" + FontFamily + "';font-style:normal;font-display:block;font-weight:")
		b.WriteString(strconv.Itoa(f.Weight))
		b.WriteString(";src:url(" + url + ") format('woff2');unicode-range:" + f.UnicodeRange + "}\n")
	}
	return b.String()
}
