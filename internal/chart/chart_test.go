package chart_test

import (
	"encoding/xml"
	"flag"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/egdi-project/egdi/internal/chart"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Fixture values are typical of the published data (Bahrain and peers,
// 2014–2024); the charts only draw them, so any values would do.
func history(lang string) (chart.Options, []chart.Series) {
	o := chart.Options{Title: "EGDI, 2014–2024", Desc: "Bahrain against the world average", Lang: lang, YMin: 0, YMax: 1, Digits: 4}
	if lang == "ar" {
		o.Title, o.Desc = "مؤشر تطوير الحكومة الإلكترونية، 2014–2024", "البحرين مقارنة بمتوسط العالم"
	}
	name, world := "Bahrain", "World average"
	if lang == "ar" {
		name, world = "البحرين", "متوسط العالم"
	}
	return o, []chart.Series{
		{Name: world, Points: []chart.Point{{X: "2014", Y: 0.4712}, {X: "2016", Y: 0.4922}, {X: "2018", Y: 0.5491}, {X: "2020", Y: 0.5988}, {X: "2022", Y: 0.6102}, {X: "2024", Y: 0.6382}}},
		{Name: name, Highlight: true, Points: []chart.Point{{X: "2014", Y: 0.8089}, {X: "2016", Y: 0.7734}, {X: "2018", Missing: true}, {X: "2020", Y: 0.8213}, {X: "2022", Y: 0.8708}, {X: "2024", Y: 0.9487}}},
	}
}

func bars(lang string) (chart.Options, []chart.Bar) {
	o := chart.Options{Title: "EGDI of the GCC, 2024", Lang: lang, YMin: 0, YMax: 1, Digits: 4}
	names := []string{"Saudi Arabia", "Bahrain", "United Arab Emirates", "Qatar", "Oman", "Kuwait"}
	note := "rank "
	if lang == "ar" {
		o.Title = "مؤشر تطوير الحكومة الإلكترونية لدول مجلس التعاون، 2024"
		names = []string{"المملكة العربية السعودية", "البحرين", "الإمارات العربية المتحدة", "قطر", "عُمان", "الكويت"}
		note = "الترتيب "
	}
	vals := []float64{0.9602, 0.9487, 0.9533, 0.9080, 0.8734, math.NaN()}
	ranks := []int{6, 18, 11, 48, 41, 0}
	var bs []chart.Bar
	for i, n := range names {
		b := chart.Bar{Label: n, Value: vals[i], Highlight: i == 1}
		if ranks[i] > 0 {
			b.Note = note + strconv.Itoa(ranks[i])
		}
		bs = append(bs, b)
	}
	return o, bs
}

func intervals(lang string) (chart.Options, []chart.IntervalRow) {
	o := chart.Options{Title: "Rank uncertainty (p05–median–p95)", Lang: lang}
	a, b, c := "Bahrain", "Qatar", "Oman"
	if lang == "ar" {
		o.Title = "عدم اليقين في الترتيب"
		a, b, c = "البحرين", "قطر", "عُمان"
	}
	return o, []chart.IntervalRow{
		{Label: a, Lo: 14, Mid: 18, Hi: 23, Highlight: true},
		{Label: b, Lo: 40, Mid: 48, Hi: 55},
		{Label: c, Lo: 35, Mid: 41, Hi: 47},
	}
}

func TestGolden(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		for _, tc := range []struct {
			name string
			svg  func() template.HTML
		}{
			{"line", func() template.HTML { o, s := history(lang); return chart.Line(o, s...) }},
			{"line_rank", func() template.HTML {
				o, s := history(lang)
				o.YMin, o.YMax, o.InvertY, o.Digits = 0, 0, true, 0
				s = s[1:]
				s[0].Points = []chart.Point{{X: "2018", Y: 26}, {X: "2020", Y: 38}, {X: "2022", Y: 54}, {X: "2024", Y: 18}}
				return chart.Line(o, s...)
			}},
			{"bars", func() template.HTML { o, b := bars(lang); return chart.Bars(o, b) }},
			{"intervals", func() template.HTML { o, r := intervals(lang); return chart.Intervals(o, r) }},
			{"empty", func() template.HTML { return chart.Bars(chart.Options{Title: "Nothing", Lang: lang}, nil) }},
		} {
			t.Run(tc.name+"_"+lang, func(t *testing.T) {
				got := string(tc.svg())
				checkSVG(t, got)
				golden(t, filepath.Join("testdata", tc.name+"_"+lang+".svg"), got)
			})
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run go test -update and review the diff):\ngot:\n%s", path, got)
	}
}

// checkSVG asserts what every chart must be: well-formed XML, one <svg>
// root labelled for assistive technology, no NaN or Inf leaking out.
func checkSVG(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	var root *xml.StartElement
	titles := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == nil {
				c := se.Copy()
				root = &c
			}
			if se.Name.Local == "title" {
				titles++
			}
		}
	}
	if root == nil || root.Name.Local != "svg" {
		t.Fatalf("root element is not <svg>")
	}
	attrs := map[string]string{}
	for _, a := range root.Attr {
		attrs[a.Name.Local] = a.Value
	}
	if attrs["role"] != "img" || attrs["aria-label"] == "" {
		t.Errorf("svg role=%q aria-label=%q, want img and a label", attrs["role"], attrs["aria-label"])
	}
	if titles == 0 {
		t.Errorf("no <title>")
	}
	if regexp.MustCompile(`NaN|Inf`).MatchString(s) {
		t.Errorf("NaN or Inf in output:\n%s", s)
	}
}

func TestEscaping(t *testing.T) {
	evil := `<script>alert("x")</script>&'`
	for _, tc := range []struct {
		name string
		svg  template.HTML
	}{
		{"line", chart.Line(chart.Options{Title: evil, Desc: evil}, chart.Series{Name: evil, Points: []chart.Point{{X: evil, Y: 1}, {X: "b", Y: 2}}})},
		{"bars", chart.Bars(chart.Options{Title: evil}, []chart.Bar{{Label: evil, Value: 1, Note: evil}})},
		{"intervals", chart.Intervals(chart.Options{Title: evil}, []chart.IntervalRow{{Label: evil, Lo: 1, Mid: 2, Hi: 3}})},
		{"control and invalid UTF-8", chart.Bars(chart.Options{Title: "a\x00b\xff"}, []chart.Bar{{Label: "\x01", Value: 1}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkSVG(t, string(tc.svg))
			if strings.Contains(string(tc.svg), "<script") {
				t.Errorf("unescaped markup in output: %s", tc.svg)
			}
		})
	}
}

// coords extracts the numeric attribute name of every element named el.
func coords(s, el, name string) []float64 {
	re := regexp.MustCompile(`<` + el + `[^>]*? ` + name + `="([-0-9.]+)"`)
	var out []float64
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		out = append(out, v)
	}
	return out
}

func TestLineGeometry(t *testing.T) {
	pts := []chart.Point{{X: "2020", Y: 1}, {X: "2022", Y: 10}, {X: "2024", Y: 5}}
	for _, tc := range []struct {
		name            string
		o               chart.Options
		firstLeftOfLast bool // first category on the left
		oneAbove10      bool // y of value 1 above y of value 10
	}{
		{"en values", chart.Options{Title: "t", Lang: "en"}, true, false},
		{"ar values mirror", chart.Options{Title: "t", Lang: "ar"}, false, false},
		{"en ranks inverted", chart.Options{Title: "t", Lang: "en", InvertY: true}, true, true},
		{"ar ranks inverted", chart.Options{Title: "t", Lang: "ar", InvertY: true}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := string(chart.Line(tc.o, chart.Series{Name: "x", Highlight: true, Points: pts}))
			cx, cy := coords(s, "circle", "cx"), coords(s, "circle", "cy")
			if len(cx) != 3 || len(cy) != 3 {
				t.Fatalf("got %d/%d points, want 3: %s", len(cx), len(cy), s)
			}
			if got := cx[0] < cx[2]; got != tc.firstLeftOfLast {
				t.Errorf("first x %v, last x %v: first on the left = %v, want %v", cx[0], cx[2], got, tc.firstLeftOfLast)
			}
			if got := cy[0] < cy[1]; got != tc.oneAbove10 {
				t.Errorf("y(1)=%v y(10)=%v: 1 above 10 = %v, want %v", cy[0], cy[1], got, tc.oneAbove10)
			}
		})
	}
}

func TestLineMissingBreaksLine(t *testing.T) {
	s := string(chart.Line(chart.Options{Title: "t"}, chart.Series{Name: "x", Points: []chart.Point{
		{X: "a", Y: 1}, {X: "b", Y: 2}, {X: "c", Missing: true}, {X: "d", Y: math.NaN()}, {X: "e", Y: 3}, {X: "f", Y: 4}}}))
	checkSVG(t, s)
	d := regexp.MustCompile(`<path d="([^"]*)"`).FindStringSubmatch(s)
	if d == nil {
		t.Fatalf("no path: %s", s)
	}
	if got := strings.Count(d[1], "M"); got != 2 {
		t.Errorf("path %q has %d segments, want 2 (broken at c and d)", d[1], got)
	}
	if got := len(coords(s, "circle", "cx")); got != 4 {
		t.Errorf("%d dots, want 4 (missing points have none)", got)
	}
}

func TestBarsGeometry(t *testing.T) {
	bs := []chart.Bar{{Label: "long", Value: 0.9}, {Label: "short", Value: 0.3}, {Label: "none", Value: math.NaN(), Note: "n/a"}}
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			s := string(chart.Bars(chart.Options{Title: "t", Lang: lang, YMin: 0, YMax: 1}, bs))
			checkSVG(t, s)
			xs, ws := coords(s, "rect", "x"), coords(s, "rect", "width")
			if len(ws) != 2 {
				t.Fatalf("%d bars, want 2 (NaN has none): %s", len(ws), s)
			}
			// Widths are proportional to values: 0.9/0.3 = 3, to the 0.1
			// unit rounding of coordinates (tolerance 1%).
			if r := ws[0] / ws[1]; math.Abs(r-3) > 0.03 {
				t.Errorf("width ratio %v, want 3 ± 0.03", r)
			}
			// English bars start at the same left edge; Arabic ones end at
			// the same right edge (they grow leftwards).
			if lang == "en" && xs[0] != xs[1] {
				t.Errorf("en bars start at %v and %v, want the same x", xs[0], xs[1])
			}
			if lang == "ar" && math.Abs((xs[0]+ws[0])-(xs[1]+ws[1])) > 0.2 {
				t.Errorf("ar bars end at %v and %v, want the same x (±0.2)", xs[0]+ws[0], xs[1]+ws[1])
			}
			if !strings.Contains(s, "n/a") {
				t.Errorf("note of the missing bar not shown")
			}
		})
	}
}

func TestArabicDirection(t *testing.T) {
	o, b := bars("ar")
	s := string(chart.Bars(o, b))
	if !strings.Contains(s, `direction="rtl"`) || !strings.Contains(s, `lang="ar"`) {
		t.Errorf("Arabic chart lacks direction=rtl / lang=ar")
	}
	// Figures are Western digits in their own LTR text (numeral policy).
	if !strings.Contains(s, `unicode-bidi="embed" direction="ltr" text-anchor="start" font-weight="bold">0.9487<`) &&
		!strings.Contains(s, `unicode-bidi="embed" direction="ltr" text-anchor="end" font-weight="bold">0.9487<`) {
		t.Errorf("highlighted value 0.9487 not written as an LTR figure: %s", s)
	}
}

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		o     chart.Options
		n     int
		wantW string
	}{
		{"default", chart.Options{Title: "t"}, 3, `viewBox="0 0 640 `},
		{"custom", chart.Options{Title: "t", Width: 300, Height: 200}, 3, `viewBox="0 0 300 200"`},
		{"huge clamps", chart.Options{Title: "t", Width: 1 << 30, Height: 1 << 30}, 3, `viewBox="0 0 4000 4000"`},
		{"negative uses default", chart.Options{Title: "t", Width: -5}, 3, `viewBox="0 0 640 `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs := make([]chart.Bar, tc.n)
			for i := range bs {
				bs[i] = chart.Bar{Label: "x", Value: float64(i)}
			}
			s := string(chart.Bars(tc.o, bs))
			checkSVG(t, s)
			if !strings.Contains(s, tc.wantW) {
				t.Errorf("want %s in %.120s", tc.wantW, s)
			}
		})
	}
}

func FuzzCharts(f *testing.F) {
	f.Add("Bahrain", 0.5, 0.1, 0.9, "ar", 2, true)
	f.Add("<&>", math.Inf(1), math.NaN(), -3.0, "en", 0, false)
	f.Add("", 1e300, -1e300, 0.0, "xx", 9, true)
	f.Fuzz(func(t *testing.T, label string, a, b, c float64, lang string, digits int, inv bool) {
		o := chart.Options{Title: label, Desc: label, Lang: lang, Digits: digits, InvertY: inv, YMin: b, YMax: c}
		for _, s := range []template.HTML{
			chart.Line(o, chart.Series{Name: label, Points: []chart.Point{{X: label, Y: a}, {X: "2", Y: b}, {X: "3", Y: c}}, Highlight: inv}),
			chart.Bars(o, []chart.Bar{{Label: label, Value: a, Note: label}, {Label: "b", Value: b}, {Label: "c", Value: c}}),
			chart.Intervals(o, []chart.IntervalRow{{Label: label, Lo: a, Mid: b, Hi: c}}),
		} {
			checkSVG(t, string(s))
		}
	})
}

// TestLegendPaletteWrap: eight compared series get eight distinct colours
// from Options.Palette, and their legend flows into rows inside the chart
// in both directions (the Oman label fell outside the Arabic chart).
func TestLegendPaletteWrap(t *testing.T) {
	pal := []string{"#d55e00", "#009e73", "#cc79a7", "#b07d00", "#5a9fd4", "#6a3d9a", "#8c564b", "#4d4d4d"}
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			var ss []chart.Series
			for i := range 8 {
				name := "United Republic of Country " + strconv.Itoa(i)
				if lang == "ar" {
					name = "جمهورية البلد المتحدة رقم " + strconv.Itoa(i)
				}
				ss = append(ss, chart.Series{Name: name, Highlight: i == 2,
					Points: []chart.Point{{X: "2022", Y: 0.5 + float64(i)/20}, {X: "2024", Y: 0.6 + float64(i)/20}}})
			}
			s := string(chart.Line(chart.Options{Title: "t", Lang: lang, Palette: pal, Class: "w640"}, ss...))
			checkSVG(t, s)
			if !strings.Contains(s, `class="chart w640"`) {
				t.Error("Options.Class not on the <svg>")
			}
			colours := map[string]bool{}
			for _, m := range regexp.MustCompile(`<path d="[^"]*" fill="none" stroke="(#[0-9a-f]+)"`).FindAllStringSubmatch(s, -1) {
				colours[m[1]] = true
			}
			if len(colours) != 8 {
				t.Errorf("%d distinct line colours, want 8 (7 from the palette and the accent): %v", len(colours), colours)
			}
			// Legend texts: those at the legend rows' y (38, 58, …), each
			// anchored inside the plot, over at least two rows.
			rows := map[string]bool{}
			for _, m := range regexp.MustCompile(`<text x="([0-9.]+)" y="(38|58|78|98)" text-anchor="[a-z]+">([^<]*)</text>`).FindAllStringSubmatch(s, -1) {
				x, _ := strconv.ParseFloat(m[1], 64)
				if x < 0 || x > 640 {
					t.Errorf("legend %q anchored at x=%v, outside the chart", m[3], x)
				}
				rows[m[2]] = true
			}
			if len(rows) < 2 {
				t.Errorf("legend on %d row(s), want it to wrap", len(rows))
			}
		})
	}
}

// TestAxisTopAndTitleWrap: AxisTop writes the value axis above the rows
// too; a title wider than the chart wraps and the chart grows by a line.
func TestAxisTopAndTitleWrap(t *testing.T) {
	_, rs := intervals("en")
	plain := string(chart.Intervals(chart.Options{Title: "t"}, rs))
	top := string(chart.Intervals(chart.Options{Title: "t", AxisTop: true}, rs))
	if n, m := strings.Count(plain, `direction="ltr" text-anchor="middle">20<`), strings.Count(top, `direction="ltr" text-anchor="middle">20<`); m != 2*n || n == 0 {
		t.Errorf("tick 20 written %d times with AxisTop, %d without", m, n)
	}
	long := strings.Repeat("A long title that goes on ", 6)
	w := string(chart.Bars(chart.Options{Title: long, Width: 360}, []chart.Bar{{Label: "a", Value: 0.5}}))
	checkSVG(t, w)
	if n := strings.Count(w, `font-size="14" font-weight="bold"`); n < 2 {
		t.Errorf("title on %d line(s), want it wrapped", n)
	}
	if !strings.Contains(w, `<g transform="translate(0 `) {
		t.Error("the plot does not move down under a wrapped title")
	}
}

// TestLegendInsideProperty: whatever the names (Latin or Arabic, short or
// long), the number of series (2–8) and the direction, every legend label
// is anchored inside the chart.
func TestLegendInsideProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lang := rapid.SampledFrom([]string{"en", "ar"}).Draw(t, "lang")
		n := rapid.IntRange(2, 8).Draw(t, "n")
		width := rapid.IntRange(320, 900).Draw(t, "width")
		word := rapid.SampledFrom([]string{"Bahrain", "United Arab Emirates", "الإمارات العربية المتحدة", "عُمان", "Saint Vincent and the Grenadines", "x"})
		var ss []chart.Series
		for i := range n {
			ss = append(ss, chart.Series{Name: word.Draw(t, "name") + " " + strconv.Itoa(i), Highlight: i == 0,
				Points: []chart.Point{{X: "2022", Y: 0.5}, {X: "2024", Y: 0.6}}})
		}
		s := string(chart.Line(chart.Options{Title: "t", Lang: lang, Width: width}, ss...))
		re := regexp.MustCompile(`<text x="([0-9.]+)" y="(?:38|58|78|98|118|138|158|178)" text-anchor="[a-z]+">`)
		got := re.FindAllStringSubmatch(s, -1)
		if len(got) < n {
			t.Fatalf("%d legend labels for %d series", len(got), n)
		}
		for _, m := range got {
			x, _ := strconv.ParseFloat(m[1], 64)
			if x < 0 || x > float64(width) {
				t.Fatalf("legend label anchored at x=%v in a chart %d wide", x, width)
			}
		}
	})
}
