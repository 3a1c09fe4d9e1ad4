// Package report writes egdi's country and peer-group reports, in English
// and Arabic, as HTML and as PDF.
//
// One pipeline serves both formats: the data become a view (numbers
// formatted, sentences chosen, charts drawn by package internal/chart), an
// html/template turns the view into one self-contained HTML page, and for a
// PDF headless Chromium prints that page (through chromedp). The page is
// served to Chromium from an in-process loopback server, so that its fonts
// (Noto Naskh Arabic for Arabic, whole so that the PDF text stays
// searchable, and Latin from Noto Sans Arabic; package internal/assets)
// load from the binary and nothing is fetched from the network.
//
// A [Renderer] keeps one browser for all the PDFs it prints, so a batch of
// reports pays the browser start once; [Renderer.Close] stops it. Without
// Chromium, PDF output fails with an EUNAVAILABLE error that says how to
// install it; HTML output needs no browser.
//
// Language. Every word comes from the one glossary of package internal/i18n
// (the UN's Arabic terms for the indices and groups, the report sentences),
// country names from the UN M49 table. An Arabic report is laid out right to
// left (dir="rtl" on the page, logical CSS properties, mirrored charts).
//
// Numeral policy: figures are written with Western digits (0–9) and a dot
// as decimal separator in both languages, so that a figure reads the same in
// the Arabic and the English report and matches the UN's tables. Each figure
// is isolated as a left-to-right run, so that "+36" or "2014–2024" keeps its
// order inside Arabic text. Index values are shown with 4 decimals (the UN
// published 4 or 5).
package report
