// Package data holds the self-assessment questionnaires as versioned JSON
// files, one file per questionnaire (osi-2024, epi-2024, egl-2024,
// losi-2024, losi-2022), embedded in the binary.
//
// The format is fixed by the questionnaire-format contract: id, edition,
// index, bilingual title, source, status, named best guesses and modules
// of items, each item with its stable code (the UN toolkit code where one
// exists, e.g. "IF-090" for #090), a yes/no question in our own words in
// English and Arabic, what counts as evidence, the allowed answers with
// points in [0,1], a default implementation effort (1–5) and, for
// e-participation items, the EPI level. Structure, codes and counts come
// from ../shared/docs/OSI-QUESTIONNAIRE.md (UN DESA National E-Government
// Toolkit, 2024 cycle, and the LOSI 2022 criteria); the wording is ours.
// Loading, validation and scoring live in the questionnaire engine, not
// here.
package data

import "embed"

// FS holds the questionnaire files, named <id>.json.
//
//go:embed *.json
var FS embed.FS
