package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi/internal/i18n"
)

// Point is one value of a [Series]: X is its category (an edition year),
// Missing marks an edition without a value (the line is broken there).
type Point struct {
	X       string
	Y       float64
	Missing bool
}

// Series is one line of a [Line] chart. A highlighted series is drawn in
// the accent colour with its values written next to its points; the others
// are drawn thinner, in muted colours with distinct dash patterns so that
// they can be told apart without colour.
type Series struct {
	Name      string
	Points    []Point
	Highlight bool
}

// Bar is one bar of a [Bars] chart. Note is written after the value (for
// example a rank); a bar whose Value is NaN is drawn as missing, with its
// Note or a dash.
type Bar struct {
	Label     string
	Value     float64
	Highlight bool
	Note      string
}

// IntervalRow is one row of an [Intervals] chart: the range Lo–Hi and the
// central value Mid (for a rank: 5th percentile, median, 95th percentile).
type IntervalRow struct {
	Label       string
	Lo, Mid, Hi float64
	Highlight   bool
}

// Options are the settings shared by every chart. The zero value is
// usable apart from Title, which every chart needs.
type Options struct {
	Title, Desc string // <title>/<desc> and aria-label: every chart is labelled
	// Lang is "en" or "ar": Arabic mirrors the axis side and uses
	// dir="rtl" text. Anything else is treated as English.
	Lang string
	// Width and Height are the viewBox size; defaults 640×320. A [Bars] or
	// [Intervals] chart with Height 0 grows with its number of rows instead.
	Width, Height int
	// YMin and YMax fix the value axis when YMax > YMin; otherwise the
	// axis spans the data, widened to round ticks.
	YMin, YMax float64
	// InvertY reverses the value axis, for ranks: rank 1 at the top of a
	// line chart, and at the far end of a horizontal axis. Leave it false
	// for a horizontal rank axis read from the start (1 first).
	InvertY bool
	// Digits is the number of decimals of value labels (0 for ranks).
	Digits int
	// Class is added to the class attribute of the <svg> (after "chart"),
	// for the page's stylesheet: the dashboard gives each chart a minimum
	// width by class, so that its text is never drawn too small to read.
	Class string
	// Palette, when set, colours the series of a [Line] chart that are not
	// highlighted, in order, before the default muted colours: distinct
	// hues for a comparison of several countries.
	Palette []string
	// AxisTop repeats the value axis labels above the rows of a [Bars] or
	// [Intervals] chart, for long charts read from the top.
	AxisTop bool
}

// Colours. The accent is the one highlighted mark; muted marks are grey
// blues. Contrast of text colours against white is ≥ 4.5:1 (WCAG AA).
const (
	accent    = "#0b5cab"
	muted     = "#8a9bb0"
	gridColor = "#e3e7ec"
	axisColor = "#5f6b7a"
	textColor = "#1f2933"
	noteColor = "#52606d"
	fontSize  = 12
)

// palette and dashes tell non-highlighted line series apart.
var (
	palette = []string{"#8a9bb0", "#b08a5b", "#6c9a7b", "#a07aa6", "#5f7d95"}
	dashes  = []string{"", "6 3", "2 3", "8 3 2 3", "4 4"}
)

const maxSide = 4000 // largest accepted viewBox side, against absurd input

// frame holds what every chart computes before drawing. A title too long
// for one line is wrapped; the plot then moves down by extra, inside a
// translated group, so that the layout of every chart ignores the title.
type frame struct {
	o     Options
	rtl   bool
	w, h  float64
	extra float64
	b     strings.Builder
}

func newFrame(o Options, defaultH float64) *frame {
	f := &frame{o: o, rtl: o.Lang == "ar", w: 640, h: 320}
	if o.Width > 0 {
		f.w = math.Min(float64(o.Width), maxSide)
	}
	switch {
	case o.Height > 0:
		f.h = math.Min(float64(o.Height), maxSide)
	case defaultH > 0:
		f.h = math.Min(defaultH, maxSide)
	}
	if o.Digits < 0 || o.Digits > 6 {
		f.o.Digits = 2
	}
	return f
}

// open writes the <svg> element, its <title> and <desc>, and the visible title.
func (f *frame) open() {
	lang := "en"
	dir := "ltr"
	if f.rtl {
		lang, dir = "ar", "rtl"
	}
	label := f.o.Title
	if f.o.Desc != "" {
		label += ". " + f.o.Desc
	}
	if strings.TrimSpace(label) == "" {
		label = i18n.T(f.o.Lang, "chart") // never an unlabelled chart
	}
	lines := wrap(f.o.Title, f.w-8, 14)
	if len(lines) > 1 {
		f.extra = float64(len(lines)-1) * 18
	}
	class := "chart"
	if f.o.Class != "" {
		class += " " + f.o.Class
	}
	f.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s" lang="%s" direction="%s" font-size="%d" fill="%s" style="max-width:100%%;height:auto">`,
		esc(class), n1(f.w), n1(f.h+f.extra), n1(f.w), n1(f.h+f.extra), esc(label), lang, dir, fontSize, textColor)
	title := f.o.Title
	if strings.TrimSpace(title) == "" {
		title = label
	}
	f.printf(`<title>%s</title>`, esc(title))
	if f.o.Desc != "" {
		f.printf(`<desc>%s</desc>`, esc(f.o.Desc))
	}
	if f.o.Title != "" {
		x, anchor := 4.0, f.anchorLeft()
		if f.rtl {
			x, anchor = f.w-4, f.anchorRight()
		}
		for i, l := range lines {
			f.printf(`<text x="%s" y="%s" font-size="14" font-weight="bold" text-anchor="%s">%s</text>`, n1(x), n1(16+18*float64(i)), anchor, esc(l))
		}
	}
	if f.extra > 0 {
		f.printf(`<g transform="translate(0 %s)">`, n1(f.extra))
	}
}

func (f *frame) close() template.HTML {
	if f.extra > 0 {
		f.b.WriteString(`</g>`)
	}
	f.b.WriteString(`</svg>`)
	return template.HTML(f.b.String()) // every interpolated string went through esc
}

// wrap breaks s at spaces into lines no wider than width px at size; a
// string that fits is one line.
func wrap(s string, width, size float64) []string {
	if textWidth(s, size) <= width {
		return []string{s}
	}
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && textWidth(next, size) > width {
			lines = append(lines, cur)
			next = w
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	for i, l := range lines {
		lines[i] = truncate(l, width, size) // a single word wider than the chart
	}
	return lines
}

// noData draws the "no data" message in the middle of the plot.
func (f *frame) noData() template.HTML {
	f.printf(`<text x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`, n1(f.w/2), n1(f.h/2), noteColor, esc(i18n.T(f.o.Lang, "no_data")))
	return f.close()
}

func (f *frame) printf(format string, args ...any) { fmt.Fprintf(&f.b, format, args...) }

// Text anchors by physical edge. In an RTL text "start" is the right edge.
func (f *frame) anchorLeft() string {
	if f.rtl {
		return "end"
	}
	return "start"
}

func (f *frame) anchorRight() string {
	if f.rtl {
		return "start"
	}
	return "end"
}

// number writes a figure as its own left-to-right text whose given
// physical edge ("left", "right" or "middle") is at x.
func (f *frame) number(x, y float64, edge, s, extra string) {
	anchor := "middle"
	switch edge {
	case "left":
		anchor = "start"
	case "right":
		anchor = "end"
	}
	// unicode-bidi="embed" makes direction take effect inside an RTL chart,
	// so "9 (2–21)" is not laid out as "(21–2) 9".
	f.printf(`<text x="%s" y="%s" unicode-bidi="embed" direction="ltr" text-anchor="%s"%s>%s</text>`, n1(x), n1(y), anchor, extra, esc(s))
}

// label writes a caller's label (in the chart's language) with the given
// physical edge at x.
func (f *frame) label(x, y float64, edge, s, extra string) {
	anchor := "middle"
	switch edge {
	case "left":
		anchor = f.anchorLeft()
	case "right":
		anchor = f.anchorRight()
	}
	f.printf(`<text x="%s" y="%s" text-anchor="%s"%s>%s</text>`, n1(x), n1(y), anchor, extra, esc(s))
}

// scale maps [lo, hi] onto [a, b] (a may be greater than b).
type scale struct{ lo, hi, a, b float64 }

func (s scale) at(v float64) float64 {
	if s.hi == s.lo {
		return (s.a + s.b) / 2
	}
	return s.a + (v-s.lo)/(s.hi-s.lo)*(s.b-s.a)
}

// axis returns the value range and ticks for values vals under o: the fixed
// range when o.YMax > o.YMin, else the data range widened to round ticks.
// Rank axes (invert) never go below 1. digits is the tick label precision.
func axis(o Options, vals []float64, zero bool) (lo, hi float64, ticks []float64, digits int) {
	fixed := o.YMax > o.YMin && finite(o.YMin) && finite(o.YMax)
	if fixed {
		lo, hi = o.YMin, o.YMax
	} else {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range vals {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if lo > hi { // no finite value
			lo, hi = 0, 1
		}
		if zero {
			lo, hi = math.Min(lo, 0), math.Max(hi, 0)
		}
		if lo == hi {
			d := math.Max(math.Abs(lo)*0.1, 1)
			if o.Digits > 0 {
				d = math.Max(math.Abs(lo)*0.1, math.Pow(10, -float64(o.Digits)))
			}
			lo, hi = lo-d, hi+d
		}
	}
	step := niceStep((hi - lo) / 4)
	if !fixed {
		lo = math.Floor(lo/step) * step
		hi = math.Ceil(hi/step) * step
	}
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9 && len(ticks) < 50; k++ {
		ticks = append(ticks, clean(k*step))
	}
	if o.InvertY && !fixed && lo < 1 {
		lo = 1
		if len(ticks) > 0 && ticks[0] < 1 {
			ticks[0] = 1
		}
	}
	digits = max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	if m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); math.Abs(m-2.5) < 1e-9 {
		digits++
	}
	return lo, hi, ticks, digits
}

// niceStep rounds a raw tick step to 1, 2, 2.5 or 5 × 10^k.
func niceStep(raw float64) float64 {
	if !(raw > 0) || !finite(raw) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag*(1+1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// clean removes float noise from a tick value (0.30000000000000004 → 0.3).
func clean(v float64) float64 { return math.Round(v*1e9) / 1e9 }

// maxAbs bounds the values a chart draws. Index values lie in [0, 1] and
// ranks in [1, 193]; anything beyond ±1e12 is garbage and is drawn as
// missing rather than overflowing the axis arithmetic.
const maxAbs = 1e12

// finite reports whether v can be drawn: not NaN, not infinite, within ±maxAbs.
func finite(v float64) bool { return !math.IsNaN(v) && math.Abs(v) <= maxAbs }

// fmtNum writes v with d decimals, Western digits, and a true minus sign
// never appearing for zero.
func fmtNum(v float64, d int) string {
	s := strconv.FormatFloat(v, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// n1 writes a coordinate with at most one decimal.
func n1(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

// textWidth estimates the width of s at size px from average advances of
// Noto Sans: about 0.58 em per Latin letter or digit, 0.52 em per joined
// Arabic letter, 0.26 em per space. The estimate only sizes margins and
// truncates labels, so it errs on the wide side.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ':
			w += 0.26
		case r >= 0x0600 && r <= 0x06FF || r >= 0xFB50 && r <= 0xFEFF:
			w += 0.52
		default:
			w += 0.58
		}
	}
	return w * size
}

// truncate shortens s to fit width px at size, with an ellipsis.
func truncate(s string, width, size float64) string {
	width += 0.5 // float noise in the callers' layout arithmetic
	if textWidth(s, size) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && textWidth(string(r)+"…", size) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// esc escapes s for SVG text and attributes. Invalid UTF-8 and control
// characters, which XML forbids, are replaced.
func esc(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return '\uFFFD'
		}
		return r
	}, s)
	return template.HTMLEscapeString(s)
}
