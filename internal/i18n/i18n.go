// Package i18n holds egdi's words in English and Arabic: one glossary file
// (glossary.csv) with the UN's Arabic terms for the indices, groups,
// regions and column names, and the project's numeral policy.
//
// Numeral policy: figures are written with Western digits (0–9) and a dot
// as decimal separator in both languages — the Unicode locale
// ar-u-nu-latn — so that every figure reads the same in the Arabic and the
// English edition and can be copied into a spreadsheet. Country names in
// Arabic are the UN M49 short names.
package i18n

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"sync"
)

//go:embed glossary.csv
var glossaryCSV []byte

// Langs are the supported languages.
var Langs = []string{"en", "ar"}

var (
	once     sync.Once
	glossary map[string][2]string
	loadErr  error
)

func load() {
	recs, err := csv.NewReader(bytes.NewReader(glossaryCSV)).ReadAll()
	if err != nil {
		loadErr = fmt.Errorf("i18n: glossary.csv: %w", err)
		return
	}
	glossary = make(map[string][2]string, len(recs))
	for _, r := range recs[1:] {
		glossary[r[0]] = [2]string{r[1], r[2]}
	}
}

// T returns the term for key in lang ("ar" or English otherwise). An
// unknown key is returned as is, so a missing entry shows, never blanks.
func T(lang, key string) string {
	once.Do(load)
	if loadErr != nil {
		panic(loadErr) // the embedded file is part of the binary; tests read it
	}
	e, ok := glossary[key]
	if !ok {
		return key
	}
	if lang == "ar" && e[1] != "" {
		return e[1]
	}
	return e[0]
}

// Has reports whether the glossary holds key.
func Has(key string) bool {
	once.Do(load)
	_, ok := glossary[key]
	return ok
}

// Keys returns every key of the glossary.
func Keys() []string {
	once.Do(load)
	out := make([]string, 0, len(glossary))
	for k := range glossary {
		out = append(out, k)
	}
	return out
}

// Dir returns the writing direction of lang: "rtl" for Arabic, else "ltr".
func Dir(lang string) string {
	if lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// Valid reports whether lang is supported.
func Valid(lang string) bool { return lang == "en" || lang == "ar" }
