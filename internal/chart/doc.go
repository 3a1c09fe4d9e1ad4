// Package chart draws the charts of the dashboard and the reports as
// server-rendered SVG: no JavaScript, no external file, the same markup in
// the web page, the HTML report and the PDF.
//
// Three kinds cover what egdi shows:
//
//   - [Line]: a value across editions (EGDI, a component, a rank), one
//     line per series, gaps where a point is missing;
//   - [Bars]: horizontal bars, one per label (components, peers);
//   - [Intervals]: a range per row with a mark at its middle (the rank's
//     uncertainty interval, p05–median–p95).
//
// Every function returns template.HTML that is safe to place in an
// html/template: every caller-supplied string is escaped. Every chart is
// labelled: Options.Title and Options.Desc become the SVG's <title> and
// <desc> and its aria-label, and role="img". A chart is not enough on its
// own for readers who cannot see it: the caller also renders the same
// numbers as a table next to it.
//
// Arabic (Options.Lang "ar") mirrors the chart: the value axis of a line
// chart stands on the right, categories run from right to left (the first
// edition on the right, as in an Arabic table), bar labels sit on the right
// and bars grow leftwards; text carries direction="rtl". Figures are written
// with Western digits in both languages (the numeral policy of package
// internal/i18n), each in its own left-to-right text so that a minus sign
// stays in front of its number.
//
// Output is deterministic (coordinates rounded to 0.1 unit of the viewBox),
// so charts are pinned by golden files.
package chart
