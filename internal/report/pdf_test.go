package report_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/report"
	"github.com/egdi-project/egdi/internal/testenv"
)

// needPDFTools skips a test when Chromium or poppler-utils is missing (CI
// installs both: apt-get install chromium poppler-utils).
func needPDFTools(t testing.TB) {
	t.Helper()
	_, err := report.New(report.Config{}).ChromiumPath()
	testenv.Chromium(t, err)
	for _, tool := range []string{"pdftotext", "pdffonts", "pdfinfo"} {
		_, err := exec.LookPath(tool)
		testenv.Chromium(t, err)
	}
}

// savePDF writes a PDF where people can look at it: $EGDI_REPORT_OUT when
// set, else the test's artifact directory.
func savePDF(t *testing.T, name string, pdf []byte) string {
	t.Helper()
	dir := os.Getenv("EGDI_REPORT_OUT")
	if dir == "" {
		dir = t.ArtifactDir()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestPDF prints a country and a group report in both languages and checks
// the files with poppler: A4, tagged, every font embedded, a page count in
// bounds, and the text in logical order.
func TestPDF(t *testing.T) {
	needPDFTools(t)
	r, d := newRenderer(t), dataset(t)
	bhr := d.Countries.Get("BHR")
	for _, tc := range []struct {
		name       string
		q          report.Request
		minP, maxP int
		wantText   []string // substrings of pdftotext -raw output, in logical order
		wholeWords []string // phrases of pdftotext's default output, every word whole
	}{
		{"country_BHR_en", report.Request{Country: "BHR", Lang: "en"}, 3, 12,
			[]string{"Bahrain", "E-Government Development Index", "Online Service Index", "Telecommunication Infrastructure Index", "Human Capital Index", "0.9196"},
			[]string{"Bahrain", "E-Government Development Index", "Online Service Index"}},
		{"country_BHR_ar", report.Request{Country: "BHR", Lang: "ar"}, 3, 12,
			[]string{bhr.NameAR, "مؤشر تطوير الحكومة الإلكترونية", "مؤشر الخدمات الإلكترونية", "مؤشر البنية التحتية للاتصالات", "مؤشر رأس المال البشري", "0.9196"},
			// The survey's own name, its first component, the country,
			// and lam-alef (الإلكترونية, الاستقصائية) as a reader would
			// search them (Ctrl-F, copy and paste).
			[]string{"مؤشر تطوير الحكومة الإلكترونية", "مؤشر الخدمات الإلكترونية", "البحرين", "دراسة الأمم المتحدة الاستقصائية للحكومة الإلكترونية",
				"مؤشر البنية التحتية للاتصالات", "مؤشر رأس المال البشري", "مجلس التعاون الخليجي",
				"تقرير قطري", "التغير في الترتيب"}},
		{"group_gcc_en", report.Request{Group: "gcc", Lang: "en"}, 2, 6,
			[]string{"Gulf Cooperation Council", "Saudi Arabia", "World average"}, nil},
		{"group_gcc_ar", report.Request{Group: "gcc", Lang: "ar"}, 2, 6,
			[]string{"مجلس التعاون الخليجي", "المملكة العربية السعودية", "متوسط العالم"},
			[]string{"مجلس التعاون الخليجي", "المملكة العربية السعودية", "متوسط العالم", "الإمارات العربية المتحدة"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := r.PDF(t.Context(), &b, d, tc.q); err != nil {
				t.Fatal(err)
			}
			p := savePDF(t, tc.name+".pdf", b.Bytes())
			info := run(t, "pdfinfo", p)
			pages := 0
			if m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info); m != nil {
				pages, _ = strconv.Atoi(m[1])
			}
			if pages < tc.minP || pages > tc.maxP {
				t.Errorf("%d pages, want %d to %d", pages, tc.minP, tc.maxP)
			}
			if !regexp.MustCompile(`(?m)^Tagged:\s+yes`).MatchString(info) {
				t.Errorf("PDF not tagged:\n%s", info)
			}
			// A4 is 595.28 × 841.89 pt; Chromium writes 595.92 × 842.88
			// (whole CSS pixels), so allow ±2 pt.
			if m := regexp.MustCompile(`Page size:\s+([\d.]+) x ([\d.]+) pts`).FindStringSubmatch(info); m == nil {
				t.Errorf("no page size in pdfinfo output")
			} else if w, _ := strconv.ParseFloat(m[1], 64); w < 593 || w > 598 {
				t.Errorf("page width %s pt, want A4 595 ± 2", m[1])
			}
			checkFonts(t, run(t, "pdffonts", p))
			// Searchable: in pdftotext's default mode (what a viewer's
			// Ctrl-F and copy see), each phrase appears with every word
			// whole, bounded by non-letters.
			plain := " " + strings.Join(strings.Fields(stripBidi(run(t, "pdftotext", "-enc", "UTF-8", p, "-"))), " ") + " "
			for _, want := range tc.wholeWords {
				if !containsWhole(plain, want) {
					t.Errorf("pdftotext lacks %q as whole words (broken glyph runs?)", want)
				}
			}
			lines := logicalLines(run(t, "pdftotext", "-raw", "-enc", "UTF-8", p, "-"))
			for _, want := range tc.wantText {
				if !containsLine(lines, want) {
					t.Errorf("extracted text lacks %q in logical order", want)
				}
				// The check must see order: the words of a phrase in
				// reverse order must not be found.
				if ws := strings.Fields(want); len(ws) > 1 {
					slices.Reverse(ws)
					if rev := strings.Join(ws, " "); containsLine(lines, rev) {
						t.Errorf("reversed phrase %q found: the order check is not working", rev)
					}
				}
			}
		})
	}
}

// logicalLines turns pdftotext's output back into logical order, line by
// line, and drops spaces.
//
// What pdftotext does with Arabic (poppler 22, Chromium's PDFs): each line
// comes out in visual order, left to right; the Arabic in it comes as
// chunks of one or a few letters, each wrapped in U+202B … U+202C (RLE …
// PDF), every chunk in logical order inside but the chunks in visual
// order; and it sometimes puts a space between two letters of a word
// (between separately positioned glyphs). So an Arabic line is recovered by
// reversing the order of its chunks (an RTL paragraph's visual order is
// the reverse of its logical order) and dropping every space. What is then
// checked is that a phrase's letters, without spaces, appear in logical
// order within one line: a name split across lines or written in reverse
// order would fail. Latin lines have no marks: one chunk, unchanged.
func logicalLines(text string) []string {
	chunk := regexp.MustCompile("\u202b([^\u202c]*)\u202c|[^\u202b\u202c]+")
	var out []string
	for _, l := range strings.Split(text, "\n") {
		var parts []string
		for _, m := range chunk.FindAllStringSubmatch(l, -1) {
			if strings.HasPrefix(m[0], "\u202b") {
				parts = append(parts, m[1])
			} else {
				parts = append(parts, m[0])
			}
		}
		slices.Reverse(parts)
		out = append(out, stripSpace(strings.Join(parts, "")))
	}
	return out
}

// containsWhole reports whether text holds phrase with letters on neither
// side: "مؤشر" inside "المؤشر" or a phrase cut as "الإلكت روني ة" does not count.
func containsWhole(text, phrase string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], phrase)
		if j < 0 {
			return false
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(text[:j])
		after, _ := utf8.DecodeRuneInString(text[j+len(phrase):])
		if !unicode.IsLetter(before) && !unicode.IsLetter(after) && !unicode.Is(unicode.Mn, after) {
			return true
		}
		i = j + 1
	}
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func containsLine(lines []string, want string) bool {
	w := stripSpace(want)
	for _, l := range lines {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// checkFonts asserts that every font of pdffonts' table is embedded (the
// "emb" column) and that the fonts are ours: Noto Naskh Arabic for Arabic,
// the Latin subset of Noto Sans Arabic for Latin (package internal/assets).
func checkFonts(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", out)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		// name type [type…] encoding emb sub uni object ID
		if len(f) < 7 {
			t.Errorf("unreadable pdffonts line %q", l)
			continue
		}
		emb := f[len(f)-5]
		if emb != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
		if !strings.Contains(f[0], "NotoNaskhArabic") && !strings.Contains(f[0], "NotoSansArabic") {
			t.Errorf("font %s is not Noto Naskh or Noto Sans Arabic: a host font was used", f[0])
		}
	}
}

// TestPDFSample prints a sample of countries in both languages with one
// browser, as a batch does.
func TestPDFSample(t *testing.T) {
	needPDFTools(t)
	if testing.Short() {
		t.Skip("slow: prints 12 PDFs")
	}
	r, d := newRenderer(t), dataset(t)
	for _, iso := range []egdi.ISO3{"DNK", "SSD", "TUV", "USA", "YEM", "BRA"} {
		for _, lang := range []string{"en", "ar"} {
			var b bytes.Buffer
			if err := r.PDF(t.Context(), &b, d, report.Request{Country: string(iso), Lang: lang}); err != nil {
				t.Fatalf("%s %s: %v", iso, lang, err)
			}
			if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) || b.Len() < 10_000 {
				t.Errorf("%s %s: not a PDF (%d bytes)", iso, lang, b.Len())
			}
		}
	}
}

func TestNoChromium(t *testing.T) {
	r := report.New(report.Config{Chromium: "/nonexistent/chromium", Now: fixedNow})
	defer func() { _ = r.Close() }()
	var b bytes.Buffer
	err := r.PDF(t.Context(), &b, dataset(t), report.Request{Country: "BHR", Lang: "en"})
	if got := egdi.ErrorCode(err); got != egdi.EUNAVAILABLE {
		t.Fatalf("error code %q (%v), want %q", got, err, egdi.EUNAVAILABLE)
	}
	if msg := egdi.ErrorMessage(err); !strings.Contains(msg, "apt-get install chromium") {
		t.Errorf("message %q does not say how to install Chromium", msg)
	}
	// HTML still works with the same renderer.
	if err := r.HTML(&b, dataset(t), report.Request{Country: "BHR", Lang: "en"}); err != nil {
		t.Errorf("HTML without Chromium: %v", err)
	}
}

// TestIdleTimeout checks that an idle browser stops, and that the next PDF
// starts it again.
func TestIdleTimeout(t *testing.T) {
	needPDFTools(t)
	r := report.New(report.Config{Now: fixedNow, IdleTimeout: 300 * time.Millisecond})
	defer func() { _ = r.Close() }()
	d := dataset(t)
	for round := range 2 {
		var b bytes.Buffer
		if err := r.PDF(t.Context(), &b, d, report.Request{Group: "gcc", Lang: "en"}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !r.BrowserRunning() {
			t.Fatalf("round %d: browser not running right after a PDF", round)
		}
		deadline := time.Now().Add(10 * time.Second) // the close itself waits up to 5 s for Chromium
		for r.BrowserRunning() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if r.BrowserRunning() {
			t.Fatalf("round %d: browser still running 10 s after the last PDF (idle timeout 300 ms)", round)
		}
	}
}

// TestBriefPDF prints the brief: one A4 page with both languages, every
// font embedded, Arabic words whole.
func TestBriefPDF(t *testing.T) {
	needPDFTools(t)
	r, d := newRenderer(t), dataset(t)
	for _, iso := range []string{"BHR", "KEN", "DNK"} {
		var b bytes.Buffer
		if err := r.PDF(t.Context(), &b, d, report.Request{Country: iso, Brief: true}); err != nil {
			t.Fatal(err)
		}
		p := savePDF(t, "brief_"+iso+".pdf", b.Bytes())
		if m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", p)); m == nil || m[1] != "1" {
			t.Errorf("%s: brief is not one page: %v", iso, m)
		}
		checkFonts(t, run(t, "pdffonts", p))
		plain := " " + strings.Join(strings.Fields(stripBidi(run(t, "pdftotext", "-enc", "UTF-8", p, "-"))), " ") + " "
		for _, w := range []string{"E-Government Development Index", "مؤشر تطوير الحكومة الإلكترونية", "The cheapest plan", "الخطة الأقل كلفة"} {
			if !containsWhole(plain, w) {
				t.Errorf("%s: brief lacks %q", iso, w)
			}
		}
	}
}
