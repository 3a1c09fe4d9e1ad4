package chart

import (
	"html/template"
	"math"
	"strings"
)

// Line draws one line per series across categories (editions), in the
// order in which categories first appear in the series. A missing or
// non-finite point breaks its line. The highlighted series has its values
// written above its points; every point carries a <title> tooltip.
func Line(o Options, s ...Series) template.HTML {
	var cats []string
	pos := map[string]int{}
	var vals []float64
	for _, sr := range s {
		for _, p := range sr.Points {
			if _, ok := pos[p.X]; !ok {
				pos[p.X] = len(cats)
				cats = append(cats, p.X)
			}
			if !p.Missing && finite(p.Y) {
				vals = append(vals, p.Y)
			}
		}
	}
	f := newFrame(o, 0)
	f.open()
	if len(cats) == 0 || len(vals) == 0 {
		return f.noData()
	}
	lo, hi, ticks, td := axis(f.o, vals, false)

	top := 30.0
	tickW := 0.0
	for _, t := range ticks {
		tickW = math.Max(tickW, textWidth(fmtNum(t, td), fontSize))
	}
	side, far := 10+tickW+8, 16.0
	px0, px1 := side, f.w-far
	if f.rtl {
		px0, px1 = far, f.w-side
	}
	var legendRows [][]int
	if len(s) > 1 {
		legendRows = f.legendRows(s, px1-px0)
		top += 20 * float64(len(legendRows))
	}
	top += 14 // room for value labels above the highest point
	py0, py1 := top, f.h-28
	if py1-py0 < 20 {
		py1 = py0 + 20
	}
	ys := scale{lo, hi, py1, py0}
	if f.o.InvertY {
		ys = scale{lo, hi, py0, py1}
	}
	step := (px1 - px0) / float64(len(cats))
	xAt := func(i int) float64 {
		if f.rtl {
			return px1 - (float64(i)+0.5)*step
		}
		return px0 + (float64(i)+0.5)*step
	}

	// Grid and value axis.
	f.printf(`<g stroke="%s" stroke-width="1">`, gridColor)
	for _, t := range ticks {
		y := ys.at(t)
		f.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, n1(px0), n1(y), n1(px1), n1(y))
	}
	f.b.WriteString(`</g>`)
	f.printf(`<g fill="%s">`, axisColor)
	for _, t := range ticks {
		y := ys.at(t) + 4
		if f.rtl {
			f.number(px1+8, y, "left", fmtNum(t, td), "")
		} else {
			f.number(px0-8, y, "right", fmtNum(t, td), "")
		}
	}
	// Category axis: thin the labels out when they would overlap.
	catW := 0.0
	for _, c := range cats {
		catW = math.Max(catW, textWidth(c, fontSize))
	}
	every := max(1, int(math.Ceil((catW+8)/step)))
	for i, c := range cats {
		if i%every == 0 {
			f.number(xAt(i), py1+18, "middle", c, "")
		}
	}
	f.b.WriteString(`</g>`)
	f.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, n1(px0), n1(py1), n1(px1), n1(py1), axisColor)

	if legendRows != nil {
		f.legend(s, legendRows, px0, px1, 38)
	}

	// Muted series first, so that the highlighted ones are drawn on top.
	order := make([]int, 0, len(s))
	for i := range s {
		if !s[i].Highlight {
			order = append(order, i)
		}
	}
	for i := range s {
		if s[i].Highlight {
			order = append(order, i)
		}
	}
	for k, i := range order {
		sr := s[i]
		color, dash, width, r := seriesStyle(sr, k, f.o.Palette)
		var path strings.Builder
		pen := false
		for _, p := range sr.Points {
			if p.Missing || !finite(p.Y) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			path.WriteString(cmd + n1(xAt(pos[p.X])) + " " + n1(ys.at(p.Y)) + " ")
			pen = true
		}
		if d := strings.TrimSpace(path.String()); strings.Contains(d, "L") {
			f.printf(`<path d="%s" fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round"%s/>`, d, color, width, dash)
		}
		f.printf(`<g fill="%s">`, color)
		for _, p := range sr.Points {
			if p.Missing || !finite(p.Y) {
				continue
			}
			x, y := xAt(pos[p.X]), ys.at(p.Y)
			tip := p.X + ": " + fmtNum(p.Y, f.o.Digits)
			if sr.Name != "" {
				tip = sr.Name + " — " + tip
			}
			f.printf(`<circle cx="%s" cy="%s" r="%s"><title>%s</title></circle>`, n1(x), n1(y), r, esc(tip))
		}
		f.b.WriteString(`</g>`)
		if sr.Highlight {
			f.printf(`<g fill="%s" font-weight="bold">`, textColor)
			for _, p := range sr.Points {
				if !p.Missing && finite(p.Y) {
					f.number(xAt(pos[p.X]), ys.at(p.Y)-9, "middle", fmtNum(p.Y, f.o.Digits), "")
				}
			}
			f.b.WriteString(`</g>`)
		}
	}
	return f.close()
}

// seriesStyle returns colour, dash attribute, stroke width and dot radius
// of the k-th drawn series; pal, when given, comes before the default
// muted palette.
func seriesStyle(sr Series, k int, pal []string) (color, dash, width, r string) {
	if sr.Highlight {
		return accent, "", "2.5", "4"
	}
	if k < len(pal) {
		color = pal[k]
	} else {
		color = palette[(k-len(pal))%len(palette)]
	}
	if d := dashes[k%len(dashes)]; d != "" {
		dash = ` stroke-dasharray="` + d + `"`
	}
	return color, dash, "1.5", "3"
}

// legendEntryW is the width of one legend entry: swatch, gap, name
// (shortened to fit the plot) and the space before the next entry.
func legendEntryW(name string, avail float64) float64 {
	return 22 + textWidth(truncate(name, avail-22, fontSize), fontSize) + 16
}

// legendRows flows the legend entries into rows no wider than avail px,
// returning the series indices of each row.
func (f *frame) legendRows(s []Series, avail float64) [][]int {
	var rows [][]int
	used := 0.0
	for i, sr := range s {
		w := legendEntryW(sr.Name, avail)
		if len(rows) == 0 || used+w-16 > avail {
			rows = append(rows, nil)
			used = 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
		used += w
	}
	return rows
}

// legend draws a swatch and the name of each series, row by row from y,
// flowing from the reading side.
func (f *frame) legend(s []Series, rows [][]int, px0, px1, y float64) {
	// The k-th muted series in drawing order has the k-th muted style.
	mutedK := make([]int, len(s))
	k := 0
	for i, sr := range s {
		if !sr.Highlight {
			mutedK[i] = k
			k++
		}
	}
	for ri, row := range rows {
		x := px0
		if f.rtl {
			x = px1
		}
		ly := y + 20*float64(ri)
		for _, i := range row {
			sr := s[i]
			color, dash, width, _ := seriesStyle(sr, mutedK[i], f.o.Palette)
			name := truncate(sr.Name, px1-px0-22, fontSize)
			w := legendEntryW(sr.Name, px1-px0)
			sx0, sx1, tx := x, x+18, x+22
			if f.rtl {
				sx0, sx1, tx = x, x-18, x-22
			}
			extra := ""
			f.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`, n1(sx0), n1(ly-4), n1(sx1), n1(ly-4), color, width, dash)
			if f.rtl {
				f.label(tx, ly, "right", name, extra)
				x -= w
			} else {
				f.label(tx, ly, "left", name, extra)
				x += w
			}
		}
	}
}
