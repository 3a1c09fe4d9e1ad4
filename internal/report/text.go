package report

import (
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi/internal/i18n"
)

// words gives the terms and sentences of one language. Every word comes
// from the glossary (internal/i18n/glossary.csv); sentences there hold
// placeholders {name} that [words.S] fills.
type words struct{ lang string }

// Lang returns the language code, "en" or "ar".
func (w words) Lang() string { return w.lang }

// T returns the glossary term for key. Arabic terms lose their diacritics
// (tanwin, short vowels, shadda, sukun: U+064B–U+0652), as most Arabic
// print does: in Chromium's PDFs a word with such a mark extracts in pieces
// ("المجَّم عة", "تقرير ُق طري", "كلفًة"), so a reader could not search or
// copy it, and a search typed without marks would not find it; it also
// makes one spelling of جدا where the glossary has both جداً and جدًا.
func (w words) T(key string) string {
	t := i18n.T(w.lang, key)
	if w.lang == "ar" {
		t = stripHarakat(t)
	}
	return t
}

// stripHarakat drops the Arabic diacritics U+064B–U+0652.
func stripHarakat(s string) string {
	if !strings.ContainsFunc(s, isHaraka) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isHaraka(r) {
			return -1
		}
		return r
	}, s)
}

func isHaraka(r rune) bool { return r >= '\u064b' && r <= '\u0652' }

// S returns the glossary sentence key with its placeholders replaced. args
// alternate names and values; a value is a string (escaped here) or
// template.HTML (a figure from [num], kept as is).
func (w words) S(key string, args ...any) template.HTML {
	s := template.HTMLEscapeString(w.T(key))
	for i := 0; i+1 < len(args); i += 2 {
		var v string
		switch a := args[i+1].(type) {
		case template.HTML:
			v = string(a)
		case string:
			v = template.HTMLEscapeString(a)
		case int:
			v = string(num(strconv.Itoa(a)))
		}
		s = strings.ReplaceAll(s, "{"+args[i].(string)+"}", v)
	}
	return template.HTML(s)
}

// num writes a figure as an isolated left-to-right run (numeral policy:
// Western digits; the isolation keeps "+36" and "2014–2024" in order
// inside Arabic text).
func num(s string) template.HTML {
	return template.HTML(`<span class="n">` + template.HTMLEscapeString(s) + `</span>`)
}

// text escapes s for HTML.
func text(s string) template.HTML { return template.HTML(template.HTMLEscapeString(s)) }

// minus is U+2212, the typographic minus sign.
const minus = "\u2212"

// f4 writes an index value with 4 decimals, or a dash when missing.
func f4(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', 4, 64), "-", minus, 1)
}

// signed4 writes a change of an index value: +0.1489, −0.0210, 0.0000.
func signed4(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 4, 64)
	switch {
	case s == "0.0000":
		return s
	case v > 0:
		return "+" + s
	}
	return minus + s
}

// signedInt writes a rank movement: +3 (up three places), −3, 0.
func signedInt(n int) string {
	switch {
	case n > 0:
		return "+" + strconv.Itoa(n)
	case n < 0:
		return minus + strconv.Itoa(-n)
	}
	return "0"
}

// class writes a rating class: the UN's code (VH, V3 … L1) in English;
// in Arabic the group and the quarter in words (مرتفع جداً 4), from the
// glossary keys class.VH … class.L1 that the dashboard uses too. "" and
// unknown codes give a dash.
func (w words) class(code string) string {
	if code == "" {
		return "–"
	}
	if w.lang == "ar" && i18n.Has("class."+code) {
		return w.T("class." + code)
	}
	return code
}

// classHTML writes a rating class inside a sentence: a left-to-right run
// in English (a code), plain words in Arabic.
func (w words) classHTML(code string) template.HTML {
	if w.lang == "ar" {
		return text(w.class(code))
	}
	return num(w.class(code))
}

func itoa(n int) string { return strconv.Itoa(n) }

// rankText writes a rank, or a dash for 0 (not ranked).
func rankText(n int) string {
	if n <= 0 {
		return "–"
	}
	return strconv.Itoa(n)
}

// ordinal writes a rank as the sentence needs it: "18th" in English, "18"
// in Arabic (the sentence says المرتبة 18).
func (w words) ordinal(n int) template.HTML {
	if w.lang == "ar" {
		return num(strconv.Itoa(n))
	}
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return num(strconv.Itoa(n) + suffix)
}

// places writes "n places" with the plural form of the language. Arabic
// has four forms here (CLDR one, two, few 3–10, many 11–99 and beyond):
// مرتبة واحدة، مرتبتين، 3 مراتب، 11 مرتبة.
func (w words) places(n int) template.HTML {
	key := "report.places.many"
	switch {
	case n == 1:
		key = "report.places.one"
	case n == 2:
		key = "report.places.two"
	case n%100 >= 3 && n%100 <= 10:
		key = "report.places.few"
	}
	return w.S(key, "n", n)
}

// label returns the name of an index for headings: "EGDI" and the three
// components keep their UN abbreviations in English; Arabic uses the
// glossary's short names.
func (w words) short(index string) string { return w.T(index + ".short") }
