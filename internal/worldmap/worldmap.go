// Package worldmap draws the world choropleth of the dashboard as inline SVG.
//
// The shapes (shapes.tsv) are produced at development time by ./gen from
// world-atlas 2.0.2 countries-50m.json (ISC licence, M. Bostock; Natural
// Earth data, public domain), projected with Equal Earth, simplified to a
// tenth of a unit of a 1000-unit-wide map, and committed as an asset:
// nothing is fetched at run time. Shapes are keyed by UN M49 code. Member
// States too small to point at, and Tuvalu (absent from the 50m file), also
// have a dot, so that every one of the 193 can be hovered and clicked.
// Features without a member code (Somaliland, Kosovo, Western Sahara, …)
// are drawn grey and carry no data.
package worldmap

import (
	_ "embed"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"sync"
)

//go:embed shapes.tsv
var shapesTSV string

// Shape is one feature of the map: path data, or a dot for a small state.
type Shape struct {
	M49  string // UN M49 code, or "x…" for a feature without one
	Name string // Natural Earth's English name (not shown: names come from the country table)
	D    string // SVG path data; empty for a dot
	Dot  bool
	CX   string
	CY   string
	R    string
}

type parsed struct {
	viewBox string
	shapes  []Shape
	byM49   map[string][]int
	err     error
}

var data = sync.OnceValue(func() *parsed {
	p := &parsed{byM49: map[string][]int{}}
	for i, line := range strings.Split(shapesTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		switch {
		case f[0] == "viewbox" && len(f) == 2:
			p.viewBox = f[1]
			continue
		case f[0] == "path" && len(f) == 4:
			p.shapes = append(p.shapes, Shape{M49: f[1], Name: f[2], D: f[3]})
		case f[0] == "dot" && len(f) == 4:
			c := strings.Fields(f[3])
			if len(c) != 3 {
				p.err = fmt.Errorf("worldmap: shapes.tsv line %d: bad dot", i+1)
				return p
			}
			p.shapes = append(p.shapes, Shape{M49: f[1], Name: f[2], Dot: true, CX: c[0], CY: c[1], R: c[2]})
		default:
			p.err = fmt.Errorf("worldmap: shapes.tsv line %d: bad line", i+1)
			return p
		}
		p.byM49[p.shapes[len(p.shapes)-1].M49] = append(p.byM49[p.shapes[len(p.shapes)-1].M49], len(p.shapes)-1)
	}
	return p
})

// Shapes returns every shape of the map. The slice must not be modified.
func Shapes() ([]Shape, error) {
	p := data()
	return p.shapes, p.err
}

// ViewBox returns the map's SVG viewBox ("0 0 1000 440").
func ViewBox() string { return data().viewBox }

// Has reports whether a member state (by M49 code) has a shape or a dot.
func Has(m49 string) bool { return len(data().byM49[m49]) > 0 }

// Country is what the map shows of one member state.
type Country struct {
	M49   string
	ISO3  string
	Class string // CSS class of its fill (e.g. "g3"); "nd" for no data
	Label string // tooltip and accessible name, e.g. "Bahrain: EGDI 0.8721, rank 18"
	Href  string // page the shape links to
}

// Options are the map's labels.
type Options struct {
	Title string // the SVG's <title> and aria-label
	Desc  string
	Lang  string // lang attribute of the labels
}

// Render draws the map, a labelled group (role="group": it holds links, which
// an image may not): every feature with data is a link (focusable, with
// a <title> tooltip) to its Href, filled by its Class; the rest are grey.
// Countries are drawn in M49 order; the output is deterministic.
func Render(o Options, countries []Country) template.HTML {
	p := data()
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="worldmap" viewBox="%s" role="group" aria-label="%s" lang="%s">`,
		esc(p.viewBox), esc(o.Title), esc(o.Lang))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(o.Title))
	if o.Desc != "" {
		fmt.Fprintf(&b, `<desc>%s</desc>`, esc(o.Desc))
	}
	used := map[string]bool{}
	sorted := append([]Country(nil), countries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].M49 < sorted[j].M49 })
	// Shapes without data first, underneath.
	b.WriteString(`<g class="nd">`)
	with := map[string]bool{}
	for _, c := range sorted {
		with[c.M49] = true
	}
	for _, s := range p.shapes {
		if !with[s.M49] && !s.Dot {
			fmt.Fprintf(&b, `<path d="%s"/>`, s.D)
		}
	}
	b.WriteString(`</g>`)
	var dots strings.Builder
	for _, c := range sorted {
		idx := p.byM49[c.M49]
		if len(idx) == 0 || used[c.M49] {
			continue
		}
		used[c.M49] = true
		open := fmt.Sprintf(`<a href="%s" class="%s" data-iso="%s" aria-label="%s">`, esc(c.Href), esc(c.Class), esc(c.ISO3), esc(c.Label))
		b.WriteString(open)
		for _, i := range idx {
			if s := p.shapes[i]; !s.Dot {
				fmt.Fprintf(&b, `<path d="%s"><title>%s</title></path>`, s.D, esc(c.Label))
			}
		}
		b.WriteString(`</a>`)
		// Dots go last, above every shape, so that a small state is never hidden.
		for _, i := range idx {
			if s := p.shapes[i]; s.Dot {
				dots.WriteString(open)
				fmt.Fprintf(&dots, `<circle class="dot" cx="%s" cy="%s" r="%s"><title>%s</title></circle></a>`, s.CX, s.CY, s.R, esc(c.Label))
			}
		}
	}
	b.WriteString(dots.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every caller string went through esc; path data are our own digits
}
