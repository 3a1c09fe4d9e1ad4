package i18n

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// F returns the term for key in lang with its {name} placeholders filled
// from kv (name, value, name, value …); values are written as given.
func F(lang, key string, kv ...string) string {
	s := T(lang, key)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

// Comma and Semicolon are the list separators of lang: in Arabic the
// Arabic comma (U+060C) and semicolon (U+061B).
func Comma(lang string) string {
	if lang == "ar" {
		return "، "
	}
	return ", "
}

// Semicolon: see [Comma].
func Semicolon(lang string) string {
	if lang == "ar" {
		return "؛ "
	}
	return "; "
}

// Join joins items with the list separator of lang.
func Join(lang string, items []string) string { return strings.Join(items, Comma(lang)) }

// Plural returns the term for key in the plural form that n takes in lang,
// by the CLDR rules of golang.org/x/text/feature/plural: Arabic has six
// forms (zero, one, two, few, many, other), English two. The glossary holds
// key + "." + form; a form missing there falls back to key + ".other".
func Plural(lang, key string, n int) string {
	tag := language.English
	if lang == "ar" {
		tag = language.Arabic
	}
	form := plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)
	name := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two",
		plural.Few: "few", plural.Many: "many"}[form]
	if name != "" && Has(key+"."+name) {
		return T(lang, key+"."+name)
	}
	return T(lang, key+".other")
}

// Count writes a count with the plural form of lang (see [Plural]): the
// term places the number with {n}, or names it in words, as Arabic does
// for one and two ("بلد واحد", "بلدان اثنان").
func Count(lang, key string, n int) string {
	return strings.ReplaceAll(Plural(lang, key, n), "{n}", strconv.Itoa(n))
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Arabic})

// Match picks "en" or "ar" for an Accept-Language header (RFC 9110
// §12.5.4) with golang.org/x/text/language's matcher: weights, ranges and
// regional variants (ar-BH, en-GB) are understood; English when neither
// language is acceptable or the header is empty or malformed.
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No || i != 1 {
		return "en"
	}
	return "ar"
}

// collators are not safe for concurrent use: one per language, guarded.
var (
	collMu sync.Mutex
	colls  = map[string]*collate.Collator{}
)

// Compare orders two strings of lang by the Unicode Collation Algorithm
// with that language's rules (golang.org/x/text/collate): Arabic names sort
// as an Arabic dictionary does — hamza forms of alef together, the article
// "ال" counted as letters — rather than by code point.
func Compare(lang, a, b string) int {
	tag := language.English
	if lang == "ar" {
		tag = language.Arabic
	}
	collMu.Lock()
	defer collMu.Unlock()
	c := colls[lang]
	if c == nil {
		c = collate.New(tag)
		colls[lang] = c
	}
	return c.CompareString(a, b)
}

// Sort sorts xs by key(x) under the collation of lang (see [Compare]).
func Sort[T any](lang string, xs []T, key func(T) string) {
	slices.SortStableFunc(xs, func(a, b T) int { return Compare(lang, key(a), key(b)) })
}

// Weight writes an EGDI weight: one third as "1/3", others as decimals.
func Weight(w float64) string {
	if math.Abs(w-1.0/3) < 1e-12 {
		return "1/3"
	}
	return strconv.FormatFloat(w, 'f', -1, 64)
}

// Guess writes the value of a best-guess method parameter in lang: a fixed
// English value is its own glossary key ("guess." + value); the gap-filling
// rule names the edition's data year and window, so its term is a template.
func Guess(lang, name, value string, dataYear, gapYears int) string {
	if name == "gap_filling" {
		if lang != "ar" {
			return value
		}
		return F(lang, "guess.gap_filling", "year", strconv.Itoa(dataYear), "n", strconv.Itoa(gapYears))
	}
	if lang != "ar" {
		return value
	}
	return T(lang, "guess."+value)
}
