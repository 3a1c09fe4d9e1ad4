package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/report"
)

// strategyViews returns the sample GCC strategy with a target added to
// Bahrain's TII rank (70 in 2022 to 20 in 2024), as now (every edition)
// and as a "last report" that saw the data up to 2022 only.
func strategyViews(t testing.TB) (cur, prev *egdi.StrategyView) {
	t.Helper()
	d := dataset(t)
	tr, err := builtin.SampleTracker()
	if err != nil {
		t.Fatal(err)
	}
	s := tr.Strategies[0]
	_, k := s.FindKPI("bhr-tii-rank")
	k.Baseline = &egdi.Point{Year: 2022, Value: 65}
	k.Targets = []egdi.Point{{Year: 2024, Value: 20}}
	if cur, err = s.View(d); err != nil {
		t.Fatal(err)
	}
	old := &egdi.Dataset{Countries: d.Countries, Published: map[int][]egdi.Record{}}
	for y, rs := range d.Published {
		if y <= 2022 {
			old.Published[y] = rs
		}
	}
	if prev, err = s.View(old); err != nil {
		t.Fatal(err)
	}
	return cur, prev
}

func TestStrategyHTML(t *testing.T) {
	r := newRenderer(t)
	cur, prev := strategyViews(t)
	for _, tc := range []struct {
		name string
		q    report.StrategyRequest
		want []string
	}{
		{"strategy_gcc_en", report.StrategyRequest{View: cur, Previous: prev, Lang: "en"},
			[]string{"GCC e-government strategy", "Progress report", "Bahrain TII rank", "On track", "<td class=\"num\">65 (2022)</td><td class=\"num\">10 (2024)</td>"}},
		{"strategy_gcc_ar", report.StrategyRequest{View: cur, Previous: prev, Lang: "ar"},
			[]string{"استراتيجية الحكومة الإلكترونية لدول مجلس التعاون الخليجي", "تقرير التقدم", "ترتيب البحرين في مؤشر البنية التحتية للاتصالات", "على المسار", `dir="rtl"`}},
		{"strategy_gcc_first_en", report.StrategyRequest{View: cur, Lang: "en"}, []string{"No earlier report to compare with"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := r.StrategyHTML(&b, tc.q); err != nil {
				t.Fatal(err)
			}
			html := b.String()
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("report lacks %q", w)
				}
			}
			golden := filepath.Join("testdata", tc.name+".html.golden")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if html != string(want) {
				t.Errorf("%s differs from its golden file (go test -update, then review the diff)", tc.name)
			}
		})
	}
	if err := r.StrategyHTML(&bytes.Buffer{}, report.StrategyRequest{View: cur, Lang: "fr"}); egdi.ErrorCode(err) != egdi.EINVALID {
		t.Errorf("lang fr: %v", err)
	}
}

// TestStrategyPDF prints the progress report in both languages: A4, fonts
// embedded, and whole words found by pdftotext in logical order.
func TestStrategyPDF(t *testing.T) {
	needPDFTools(t)
	r := newRenderer(t)
	cur, prev := strategyViews(t)
	for _, tc := range []struct {
		name string
		lang string
		want []string
	}{
		{"strategy_en", "en", []string{"GCC e-government strategy", "Progress report", "Bahrain TII rank", "On track"}},
		{"strategy_ar", "ar", []string{"استراتيجية الحكومة الإلكترونية", "تقرير التقدم", "ترتيب البحرين في مؤشر البنية التحتية للاتصالات", "على المسار"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := r.StrategyPDF(t.Context(), &b, report.StrategyRequest{View: cur, Previous: prev, Lang: tc.lang}); err != nil {
				t.Fatal(err)
			}
			p := savePDF(t, tc.name+".pdf", b.Bytes())
			checkFonts(t, run(t, "pdffonts", p))
			lines := logicalLines(run(t, "pdftotext", "-raw", "-enc", "UTF-8", p, "-"))
			for _, w := range tc.want {
				if !containsLine(lines, w) {
					t.Errorf("extracted text lacks %q in logical order", w)
				}
			}
		})
	}
}
