package chart

import (
	"html/template"
	"math"
)

// Intervals draws one row per entry: a line from Lo to Hi with end caps, a
// dot at Mid, and "Mid (Lo–Hi)" written beyond the interval. For a rank
// (p05–median–p95) leave InvertY false to read rank 1 first. A row with a
// non-finite value is drawn as missing.
func Intervals(o Options, rs []IntervalRow) template.HTML {
	f := newFrame(o, rowsHeight(o, len(rs)))
	f.open()
	if len(rs) == 0 {
		return f.noData()
	}
	var vals []float64
	labels := make([]string, len(rs))
	valueW := 0.0
	for i, r := range rs {
		labels[i] = r.Label
		if ok(r) {
			vals = append(vals, r.Lo, r.Mid, r.Hi)
		}
		valueW = math.Max(valueW, textWidth(intervalText(r, f.o.Digits), fontSize)+10)
	}
	lo, hi, ticks, td := axis(f.o, vals, false)
	g := f.rows(labels, valueW, lo, hi)
	f.grid(g, ticks, td)
	clamp := func(v float64) float64 { return g.xs.at(math.Max(lo, math.Min(hi, v))) }
	for i, r := range rs {
		y := g.rowY(i)
		f.rowLabel(g, i, r.Label, r.Highlight)
		extra := ""
		color := muted
		if r.Highlight {
			color, extra = accent, ` font-weight="bold"`
		}
		if !ok(r) {
			f.number(g.xs.at(lo)+4, y+4, "left", "–", "")
			continue
		}
		a, b := math.Min(r.Lo, r.Hi), math.Max(r.Lo, r.Hi)
		xa, xb, xm := clamp(a), clamp(b), clamp(r.Mid)
		tip := r.Label + ": " + intervalText(r, f.o.Digits)
		f.printf(`<g stroke="%s" stroke-width="2"><title>%s</title>`, color, esc(tip))
		f.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, n1(xa), n1(y), n1(xb), n1(y))
		f.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, n1(xa), n1(y-5), n1(xa), n1(y+5))
		f.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, n1(xb), n1(y-5), n1(xb), n1(y+5))
		f.b.WriteString(`</g>`)
		f.printf(`<circle cx="%s" cy="%s" r="5" fill="%s"/>`, n1(xm), n1(y), color)
		// The text goes beyond the physically farther end of the interval.
		right := math.Max(xa, xb)
		if f.rtl {
			f.number(math.Min(xa, xb)-8, y+4, "right", intervalText(r, f.o.Digits), extra)
		} else {
			f.number(right+8, y+4, "left", intervalText(r, f.o.Digits), extra)
		}
	}
	return f.close()
}

func ok(r IntervalRow) bool { return finite(r.Lo) && finite(r.Mid) && finite(r.Hi) }

// intervalText writes "Mid (Lo–Hi)", or a dash for a missing row.
func intervalText(r IntervalRow, d int) string {
	if !ok(r) {
		return "–"
	}
	a, b := math.Min(r.Lo, r.Hi), math.Max(r.Lo, r.Hi)
	return fmtNum(r.Mid, d) + " (" + fmtNum(a, d) + "–" + fmtNum(b, d) + ")"
}
