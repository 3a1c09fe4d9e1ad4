package chart

import (
	"html/template"
	"math"
)

// Row geometry of the horizontal charts, in viewBox units.
const (
	rowH      = 24.0 // height of one bar or interval row
	rowsTop   = 30.0 // below the title
	rowsBelow = 30.0 // the value axis and its labels
)

// rows lays out a horizontal chart: labels on the reading side, the value
// axis across, room for value labels at the far side.
type rows struct {
	px0, px1, py0, py1 float64
	xs                 scale
	n                  int
}

func (f *frame) rows(labels []string, valueW float64, lo, hi float64) rows {
	n := len(labels)
	labW := 0.0
	for _, l := range labels {
		labW = math.Max(labW, textWidth(l, fontSize))
	}
	labW = math.Min(labW, f.w*0.34)
	valueW = math.Min(valueW, f.w*0.3)
	r := rows{n: n, py0: rowsTop + f.axisTopH(), py1: f.h - rowsBelow}
	if r.py1-r.py0 < rowH {
		r.py1 = r.py0 + rowH
	}
	if f.rtl {
		r.px0, r.px1 = 8+valueW, f.w-12-labW
	} else {
		r.px0, r.px1 = 12+labW, f.w-8-valueW
	}
	r.xs = scale{lo, hi, r.px0, r.px1}
	if f.rtl {
		r.xs = scale{lo, hi, r.px1, r.px0}
	}
	if f.o.InvertY {
		r.xs.a, r.xs.b = r.xs.b, r.xs.a
	}
	return r
}

// rowY returns the centre of row i.
func (r rows) rowY(i int) float64 {
	return r.py0 + (float64(i)+0.5)*(r.py1-r.py0)/float64(r.n)
}

// grid draws vertical grid lines and the value axis labels below the rows.
func (f *frame) grid(r rows, ticks []float64, td int) {
	f.printf(`<g stroke="%s" stroke-width="1">`, gridColor)
	for _, t := range ticks {
		x := r.xs.at(t)
		f.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, n1(x), n1(r.py0), n1(x), n1(r.py1))
	}
	f.b.WriteString(`</g>`)
	f.printf(`<g fill="%s">`, axisColor)
	for _, t := range ticks {
		f.number(r.xs.at(t), r.py1+16, "middle", fmtNum(t, td), "")
		if f.o.AxisTop {
			f.number(r.xs.at(t), r.py0-6, "middle", fmtNum(t, td), "")
		}
	}
	f.b.WriteString(`</g>`)
}

// axisTopH is the room the value axis takes above the rows (AxisTop).
func (f *frame) axisTopH() float64 {
	if f.o.AxisTop {
		return 20
	}
	return 0
}

// rowsHeight is the default height of a horizontal chart of n rows.
func rowsHeight(o Options, n int) float64 {
	h := rowsTop + rowH*float64(max(n, 1)) + rowsBelow
	if o.AxisTop {
		h += 20
	}
	return h
}

// rowLabel writes a row's label on the reading side of the plot.
func (f *frame) rowLabel(r rows, i int, s string, bold bool) {
	extra := ""
	if bold {
		extra = ` font-weight="bold"`
	}
	avail := r.px0 - 12
	if f.rtl {
		avail = f.w - r.px1 - 12
	}
	s = truncate(s, avail, fontSize)
	if f.rtl {
		f.label(r.px1+8, r.rowY(i)+4, "left", s, extra)
	} else {
		f.label(r.px0-8, r.rowY(i)+4, "right", s, extra)
	}
}

// Bars draws one horizontal bar per entry, in the given order, from zero
// (or the axis minimum) to the value, with the value written at the bar's
// end and the note after it. A NaN value is drawn as missing.
func Bars(o Options, bars []Bar) template.HTML {
	f := newFrame(o, rowsHeight(o, len(bars)))
	f.open()
	var vals []float64
	labels := make([]string, len(bars))
	valueW := 0.0
	for i, b := range bars {
		labels[i] = b.Label
		if finite(b.Value) {
			vals = append(vals, b.Value)
		}
		w := textWidth(fmtNum(b.Value, f.o.Digits), fontSize)
		if b.Note != "" {
			w += 6 + textWidth(b.Note, fontSize-1)
		}
		valueW = math.Max(valueW, w+10)
	}
	if len(bars) == 0 {
		return f.noData()
	}
	lo, hi, ticks, td := axis(f.o, vals, true)
	r := f.rows(labels, valueW, lo, hi)
	f.grid(r, ticks, td)
	x0 := r.xs.at(math.Max(lo, math.Min(hi, 0)))
	thick := math.Min(16, (r.py1-r.py0)/float64(r.n)*0.66)
	for i, b := range bars {
		y := r.rowY(i)
		f.rowLabel(r, i, b.Label, b.Highlight)
		color := muted
		if b.Highlight {
			color = accent
		}
		end := x0
		if finite(b.Value) {
			end = r.xs.at(math.Max(lo, math.Min(hi, b.Value)))
			tip := b.Label + ": " + fmtNum(b.Value, f.o.Digits)
			f.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
				n1(math.Min(x0, end)), n1(y-thick/2), n1(math.Abs(end-x0)), n1(thick), color, esc(tip))
		}
		// Value and note beyond the bar's end, away from zero.
		dir := 1.0
		if end < x0 || end == x0 && r.xs.b < r.xs.a {
			dir = -1
		}
		edge := "left"
		if dir < 0 {
			edge = "right"
		}
		x := end + 5*dir
		extra := ""
		if b.Highlight {
			extra = ` font-weight="bold"`
		}
		if finite(b.Value) {
			s := fmtNum(b.Value, f.o.Digits)
			f.number(x, y+4, edge, s, extra)
			x += dir * (textWidth(s, fontSize) + 6)
		} else if b.Note == "" {
			f.number(x, y+4, edge, "–", "")
		}
		if b.Note != "" {
			f.noteText(x, y+4, edge, b.Note)
		}
	}
	f.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, n1(x0), n1(r.py0), n1(x0), n1(r.py1), axisColor)
	return f.close()
}

// noteText writes a note in the chart's language with its given physical
// edge at x.
func (f *frame) noteText(x, y float64, edge, s string) {
	f.label(x, y, edge, s, ` font-size="11" fill="`+noteColor+`"`)
}
