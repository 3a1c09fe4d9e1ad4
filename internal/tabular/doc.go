// Package tabular reads and writes the tables egdi exchanges with people and
// other tools: input CSV files for `egdi compute`, and ranking tables as
// CSV. Every reader treats its input as untrusted: a problem is reported as
// an *egdi.InputError naming the file, row and column, never as a panic or
// a silent zero.
//
// # Importers
//
// [Import] reads the files the sources publish — the UN E-Government Data
// Center tables (every header variant, and egdi's own exports), the ITU key
// ICT indicators workbook, World Bank WDI downloads (CSV and legacy XLS)
// and the UNDP HDR time series — and returns an egdi.Batch: published
// records or raw observations, with the rows it left out and why. The
// layout is detected from the headers, never from the file name.
//
// Decisions on bad input, all tested (badinput_test.go) and fuzzed
// (fuzz_test.go):
//
//   - size: at most [MaxImportSize] (64 MiB) read, and an XLSX may unzip to
//     at most 512 MiB and span at most 8 million cells;
//   - encodings: UTF-8 with or without a byte-order mark; UTF-16 with a
//     byte-order mark is decoded (golang.org/x/text); text that is not
//     UTF-8 (Windows-1256 Arabic, Latin-1 …) is refused with the row and
//     field of the first bad byte, because guessing a code page could
//     garble names without a word;
//   - formulas are never evaluated: a formula in a cell the import reads
//     is an error naming the sheet, row and column (formulas elsewhere, as
//     in the ITU workbook's other indicators, do not matter);
//   - an exact duplicate row is skipped and reported; two rows with
//     different values for one key are an error naming both rows;
//   - country names are matched through egdi.Countries.Lookup (every UN
//     language and every published spelling); all unmatched names are
//     reported in one error.
//
// Legacy .xls files are read with github.com/shakinm/xlsReader, after the
// OLE2 container and every BIFF record have been checked here (see
// [readXLS]); XLSX files are opened with excelize and the imported sheet is
// read by a fast tag scanner checked against excelize on real workbooks.
//
// # Exporters
//
// [Export] writes one edition (a [Table]) as CSV in the UN Data Center
// layout plus iso3, region and subregion, as XLSX with an English sheet and
// an Arabic right-to-left sheet, or as JSON: the rows `egdi rank --format
// json` prints ([Row], with name_published where the edition spelt a name
// otherwise), then a [NotAssessedRow] for each Member State not assessed.
// Importing any of the three gives back the edition's records exactly.
//
// A file that is none of these formats (a PDF, a Markdown or HTML page, a
// Word document, an image, text without a delimiter) is refused as "not a
// CSV, XLSX or XLS file egdi can read", saying what it looks like.
package tabular
