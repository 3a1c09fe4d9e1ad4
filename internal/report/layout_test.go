package report_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"

	"github.com/egdi-project/egdi/internal/report"
)

// TestPDFPageBreaks prints reports and reads their pages back with
// poppler, one page at a time (pdftotext -layout -f N -l N, and -bbox for
// how far down a page its text goes), to check the page-break rules of
// report.css as a reader meets them:
//
//   - no heading (h2, h3) or table caption is the last line of a page;
//   - a table of at most 8 rows is not split: its caption, first and last
//     rows are on one page; a longer table that breaks leaves at least 3
//     rows on each page;
//   - no page but the last is less than a quarter full, and the last page
//     holds more than a footnote (at least 8 lines of text).
//
// The headings and tables come from the HTML of the same report.
func TestPDFPageBreaks(t *testing.T) {
	needPDFTools(t)
	r, d := newRenderer(t), dataset(t)
	for _, tc := range []struct {
		name string
		q    report.Request
	}{
		{"country_BHR_ar", report.Request{Country: "BHR", Lang: "ar"}},
		{"country_BHR_en", report.Request{Country: "BHR", Lang: "en"}},
		{"country_KEN_2020_en", report.Request{Country: "KEN", Edition: 2020, Lang: "en"}},
		{"group_gcc_ar", report.Request{Group: "gcc", Lang: "ar"}},
		{"country_BHR_vs_ARE_target_10_ar", report.Request{Country: "BHR", Vs: "ARE", Target: 10, Lang: "ar"}},
		{"country_SAU_en", report.Request{Country: "SAU", Lang: "en"}},
		{"country_KEN_ar", report.Request{Country: "KEN", Lang: "ar"}},
		{"country_TUV_en", report.Request{Country: "TUV", Lang: "en"}},
		{"country_USA_ar", report.Request{Country: "USA", Lang: "ar"}},
		{"country_BRA_2014_ar", report.Request{Country: "BRA", Edition: 2014, Lang: "ar"}},
		{"subregion_western_asia_ar", report.Request{Subregion: "Western Asia", Lang: "ar"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h, pdf bytes.Buffer
			if err := r.HTML(&h, d, tc.q); err != nil {
				t.Fatal(err)
			}
			if err := r.PDF(t.Context(), &pdf, d, tc.q); err != nil {
				t.Fatal(err)
			}
			p := savePDF(t, tc.name+".pdf", pdf.Bytes())
			doc := parseReport(t, h.String())
			pages := pdfPages(t, p)
			for _, e := range checkHeadings(doc, pages) {
				t.Error(e)
			}
			for _, e := range checkTables(doc, pages) {
				t.Error(e)
			}
			checkFill(t, p, len(pages))
		})
	}
}

// reportDoc is what the page-break checks need from a report's HTML.
type reportDoc struct {
	headings []string // h2, h3 and caption texts
	tables   []tableRows
}

type tableRows struct {
	caption string
	rows    [][]string // tbody and tfoot rows: the figures of each (cells of class num)
}

func parseReport(t *testing.T, s string) reportDoc {
	t.Helper()
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	var doc reportDoc
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "h2", "h3":
				doc.headings = append(doc.headings, nodeText(n))
			case "svg", "style":
				return
			case "table":
				tr := tableRows{}
				for tb := range n.Descendants() {
					if tb.Type != html.ElementNode {
						continue
					}
					switch tb.Data {
					case "caption":
						tr.caption = nodeText(tb)
						doc.headings = append(doc.headings, tr.caption)
					case "tr":
						if tb.Parent.Data == "thead" {
							continue
						}
						var figs []string
						for c := tb.FirstChild; c != nil; c = c.NextSibling {
							if c.Type == html.ElementNode && hasClass(c, "num") {
								if f := strings.TrimSpace(nodeText(c)); strings.ContainsAny(f, "0123456789") {
									figs = append(figs, strings.Fields(f)...)
								}
							}
						}
						tr.rows = append(tr.rows, figs)
					}
				}
				doc.tables = append(doc.tables, tr)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if len(doc.headings) < 5 || len(doc.tables) < 3 {
		t.Fatalf("parsed %d headings and %d tables: the report's HTML is not what the checks expect", len(doc.headings), len(doc.tables))
	}
	return doc
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && slicesContains(strings.Fields(a.Val), class) {
			return true
		}
	}
	return false
}

func slicesContains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// pdfPages returns the text lines of each page (pdftotext -layout, one
// page at a time), without blank lines, bidi marks and the page footer
// (the last line: the report's name and "n / N").
func pdfPages(t *testing.T, path string) [][]string {
	t.Helper()
	info := run(t, "pdfinfo", path)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatal("no page count")
	}
	n, _ := strconv.Atoi(m[1])
	var pages [][]string
	for i := 1; i <= n; i++ {
		out := run(t, "pdftotext", "-layout", "-enc", "UTF-8", "-f", itoaT(i), "-l", itoaT(i), path, "-")
		var lines []string
		for _, l := range strings.Split(stripBidi(out), "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			t.Fatalf("page %d has no text", i)
		}
		footer := lines[len(lines)-1]
		if !strings.Contains(footer, itoaT(i)+" / "+itoaT(n)) && !strings.Contains(footer, itoaT(n)+" / "+itoaT(i)) && !strings.Contains(footer, itoaT(n)+"/"+itoaT(i)) && !strings.Contains(footer, itoaT(i)+"/"+itoaT(n)) {
			t.Errorf("page %d: last line %q is not the footer with %d / %d", i, footer, i, n)
		}
		pages = append(pages, lines[:len(lines)-1])
	}
	return pages
}

func itoaT(n int) string { return strconv.Itoa(n) }

// stripBidi drops the directional marks pdftotext wraps Arabic in.
func stripBidi(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '\u202a' && r <= '\u202e' || r == '\u200e' || r == '\u200f' || r >= '\u2066' && r <= '\u2069' {
			return -1
		}
		return r
	}, s)
}

// letters keeps the letters of s: what a heading and its line in the PDF
// have in common whatever the layout did to spaces, digits and the order
// of mixed runs.
func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s)
}

// checkHeadings fails when the last line of a page (or its last two lines,
// for a heading that wraps) is a heading or a caption: a heading must be
// followed on its page by what it heads.
func checkHeadings(doc reportDoc, pages [][]string) (errs []string) {
	heads := map[string]string{}
	for _, h := range doc.headings {
		if l := letters(h); l != "" {
			heads[l] = h
		}
	}
	for i, lines := range pages[:len(pages)-1] {
		last := letters(lines[len(lines)-1])
		two := last
		if len(lines) > 1 {
			two = letters(lines[len(lines)-2]) + last
		}
		for _, cand := range []string{last, two} {
			if h, ok := heads[cand]; ok {
				errs = append(errs, fmt.Sprintf("page %d ends with the heading %q", i+1, h))
			}
		}
	}
	return errs
}

// checkTables finds each table in the pages, in document order, and
// reports a table of at most 8 rows whose rows are not on one page or
// whose caption is not on the page of its first row, and a longer table
// that leaves fewer than 3 rows on a page. A row is found as a line that
// holds all its figures (the cells of class num), each as a whole token.
func checkTables(doc reportDoc, pages [][]string) (errs []string) {
	type pos struct{ page, line int }
	find := func(from pos, figs []string) (pos, bool) {
		for p := from.page; p < len(pages); p++ {
			l0 := 0
			if p == from.page {
				l0 = from.line
			}
			for l := l0; l < len(pages[p]); l++ {
				if hasTokens(pages[p][l], figs) {
					return pos{p, l}, true
				}
			}
		}
		return pos{}, false
	}
	cur := pos{}
	checked := 0
	for ti, tb := range doc.tables {
		if len(tb.rows) == 0 || len(tb.rows[0]) == 0 || len(tb.rows[len(tb.rows)-1]) == 0 {
			continue // a table without figures in its first or last row: nothing to find it by
		}
		first, ok := find(cur, tb.rows[0])
		if !ok {
			errs = append(errs, fmt.Sprintf("table %d (%q): first row %v not found after page %d", ti+1, tb.caption, tb.rows[0], cur.page+1))
			continue
		}
		last, ok := find(first, tb.rows[len(tb.rows)-1])
		if !ok {
			errs = append(errs, fmt.Sprintf("table %d (%q): last row %v not found after its first", ti+1, tb.caption, tb.rows[len(tb.rows)-1]))
			continue
		}
		// The last row (a peer set's average) is printed once, at the
		// end: found before the row above it, it was repeated as a page
		// footer in the middle of the table.
		if k := len(tb.rows); k >= 2 && len(tb.rows[k-2]) > 0 && uniqueRow(tb.rows, k-1) {
			if pen, ok := find(first, tb.rows[k-2]); ok && (last.page < pen.page || last.page == pen.page && last.line < pen.line) {
				errs = append(errs, fmt.Sprintf("table %d (%q): last row %v repeated before the end of the table, on page %d", ti+1, tb.caption, tb.rows[k-1], last.page+1))
				if l2, ok := find(pen, tb.rows[k-1]); ok {
					last = l2
				}
			}
		}
		cur = pos{last.page, last.line + 1}
		if len(tb.rows) > 8 {
			// A long table may break, but leaves no orphan: at least 3
			// rows on each page it spans.
			perPage := map[int]int{}
			at := first
			for _, row := range tb.rows {
				if len(row) == 0 {
					continue
				}
				if p, ok := find(at, row); ok {
					perPage[p.page]++
					at = pos{p.page, p.line + 1}
				}
			}
			for p, k := range perPage {
				if len(perPage) > 1 && k < 3 {
					errs = append(errs, fmt.Sprintf("table %d (%q): %d row(s) alone on page %d", ti+1, tb.caption, k, p+1))
				}
			}
			continue
		}
		checked++
		if first.page != last.page {
			errs = append(errs, fmt.Sprintf("table %d (%q) of %d rows is split over pages %d and %d", ti+1, tb.caption, len(tb.rows), first.page+1, last.page+1))
		}
		if c := letters(tb.caption); c != "" {
			onPage := false
			for _, l := range pages[first.page][:first.line] {
				if strings.Contains(letters(l), c) {
					onPage = true
				}
			}
			if !onPage {
				errs = append(errs, fmt.Sprintf("table %d (%q): caption not above its first row on page %d", ti+1, tb.caption, first.page+1))
			}
		}
	}
	if checked == 0 {
		errs = append(errs, "no table of 8 rows or fewer was checked")
	}
	return errs
}

// uniqueRow reports whether row i's figures differ from every other row's
// (two plans can end at the same EGDI and rank).
func uniqueRow(rows [][]string, i int) bool {
	for j, r := range rows {
		if j != i && strings.Join(r, " ") == strings.Join(rows[i], " ") {
			return false
		}
	}
	return true
}

// hasTokens reports whether the figures of figs are in line as whole
// tokens (not part of a longer number), in their order or in reverse order
// (a right-to-left table's columns read from the right).
func hasTokens(line string, figs []string) bool {
	return inOrder(line, figs) || inOrder(line, reversed(figs))
}

func inOrder(line string, figs []string) bool {
	at := 0
	for _, f := range figs {
		re := regexp.MustCompile(`(^|[^0-9.])` + regexp.QuoteMeta(f) + `($|[^0-9.])`)
		m := re.FindStringSubmatchIndex(line[at:])
		if m == nil {
			return false
		}
		at += m[4] // the end of the figure: the next one comes after it
	}
	return true
}

func reversed(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[len(ss)-1-i] = s
	}
	return out
}

// checkFill measures how far down each page its text goes (pdftotext
// -bbox: the lowest word above the footer) and fails on an almost empty
// page.
func checkFill(t *testing.T, path string, n int) {
	t.Helper()
	out := run(t, "pdftotext", "-bbox", path, "-")
	pageRe := regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	wordRe := regexp.MustCompile(`<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">`)
	chunks := pageRe.Split(out, -1)[1:]
	hs := pageRe.FindAllStringSubmatch(out, -1)
	if len(chunks) != n {
		t.Fatalf("-bbox gives %d pages, -layout %d", len(chunks), n)
	}
	for i, c := range chunks {
		h, _ := strconv.ParseFloat(hs[i][2], 64)
		// The page box: margins 16 mm top, 18 mm bottom (report.css);
		// the footer sits in the bottom margin.
		top, bottom := 16/25.4*72, h-18/25.4*72
		lowest, words := top, 0
		for _, m := range wordRe.FindAllStringSubmatch(c, -1) {
			y1, _ := strconv.ParseFloat(m[2], 64)
			if y1 > bottom+2 {
				continue // the footer
			}
			words++
			lowest = max(lowest, y1)
		}
		fill := (lowest - top) / (bottom - top)
		switch {
		case i < n-1 && fill < 0.25:
			t.Errorf("page %d of %d is almost empty: text fills %.0f%% of its height", i+1, n, fill*100)
		case i == n-1 && words < 25:
			t.Errorf("last page holds only %d words", words)
		}
	}
}

// TestPageBreakChecks shows that the checks of TestPDFPageBreaks fail on
// the faults they look for, on made-up pages.
func TestPageBreakChecks(t *testing.T) {
	doc := reportDoc{
		headings: []string{"History", "Members of the GCC"},
		tables: []tableRows{{caption: "Members of the GCC", rows: [][]string{
			{"1", "0.9602"}, {"2", "0.9533"}, {"3", "0.9196"}, {"4", "0.8244"}, {"5", "0.7812"}, {"6", "0.7690"}}}},
	}
	good := [][]string{{"intro", "History", "a line", "Members of the GCC", "1 UAE 0.9602", "2 KSA 0.9533", "3 BHR 0.9196",
		"4 QAT 0.8244", "5 OMN 0.7812", "6 KWT 0.7690"}, {"the end"}}
	if e := append(checkHeadings(doc, good), checkTables(doc, good)...); len(e) != 0 {
		t.Errorf("good pages fail: %v", e)
	}
	headingLast := [][]string{{"intro", "History"}, {"a line", "Members of the GCC", "1 UAE 0.9602", "2 KSA 0.9533", "3 BHR 0.9196",
		"4 QAT 0.8244", "5 OMN 0.7812", "6 KWT 0.7690"}}
	if e := checkHeadings(doc, headingLast); len(e) != 1 {
		t.Errorf("a heading last on page 1: %v", e)
	}
	split := [][]string{{"Members of the GCC", "1 UAE 0.9602", "2 KSA 0.9533", "3 BHR 0.9196", "4 QAT 0.8244"},
		{"5 OMN 0.7812", "6 KWT 0.7690"}}
	if e := checkTables(doc, split); len(e) != 1 {
		t.Errorf("a 6-row table split 4 + 2: %v", e)
	}
	// A 9-row table over two pages, its average row printed at the foot
	// of both.
	var rows9 [][]string
	var p1, p2 []string
	for i := 1; i <= 9; i++ {
		v := fmt.Sprintf("0.%d111", 9-i)
		rows9 = append(rows9, []string{strconv.Itoa(i), v})
		if i <= 5 {
			p1 = append(p1, fmt.Sprintf("%d Country %s", i, v))
		} else {
			p2 = append(p2, fmt.Sprintf("%d Country %s", i, v))
		}
	}
	rows9 = append(rows9, []string{"0.5000"})
	docFoot := reportDoc{tables: []tableRows{{caption: "Members", rows: rows9}}}
	pagesFoot := [][]string{append(append([]string{"Members"}, p1...), "Average 0.5000"), append(p2, "Average 0.5000")}
	if e := checkTables(docFoot, pagesFoot); len(e) != 2 || !strings.Contains(e[0], "repeated") {
		t.Errorf("a footer row repeated on page 1: %v", e)
	}
	pagesOnce := [][]string{append([]string{"Members"}, p1...), append(p2, "Average 0.5000")}
	if e := checkTables(docFoot, pagesOnce); len(e) != 1 || !strings.Contains(e[0], "no table of 8 rows") {
		t.Errorf("a footer printed once: %v", e)
	}
	captionAlone := [][]string{{"x", "Members of the GCC"}, {"1 UAE 0.9602", "2 KSA 0.9533", "3 BHR 0.9196", "4 QAT 0.8244", "5 OMN 0.7812", "6 KWT 0.7690"}}
	if e := checkTables(doc, captionAlone); len(e) != 1 {
		t.Errorf("a caption alone on the page before its table: %v", e)
	}
}
