// Command gen converts the world-atlas TopoJSON (countries-50m.json, npm
// world-atlas 2.0.2, ISC; Natural Earth data, public domain) into the
// projected SVG shapes that package worldmap embeds (shapes.tsv). It runs at
// development time only:
//
//	cd $(mktemp -d) && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//	go run ./internal/worldmap/gen -in $OLDPWD/package/countries-50m.json \
//	    -countries internal/builtin/data/countries.csv -out internal/worldmap/shapes.tsv
//
// Steps: decode the quantised, delta-encoded arcs; stitch each ring (a
// negative arc index ~i means arc i reversed); unwrap longitudes and clip
// rings that cross the antimeridian at ±180° (so Chukotka and Fiji draw
// without bars or wedges); project with Equal Earth; simplify with
// Douglas–Peucker; write relative SVG path data with one decimal. UN Member
// States whose shape is too small to point at, or absent from the 50m file
// (Tuvalu), also get a circle. Antarctica is left out.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Map size in SVG user units: the viewBox is W wide.
const (
	W = 1000.0
	// eps is the Douglas–Peucker tolerance in user units (0.35 of a pixel
	// at 1000 px wide): below what the eye sees at that size.
	eps = 0.35
	// small is the size (user units) below which a member state also gets
	// a circle, so that it can be hovered and clicked.
	small = 5.0
	dotR  = 3.2
)

// extra places the members the 50m file lacks (lon, lat of the capital).
var extra = map[string][2]float64{
	"798": {179.19, -8.52}, // Tuvalu, Funafuti
}

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects struct {
		Countries struct {
			Geometries []struct {
				Type       string          `json:"type"`
				ID         string          `json:"id"`
				Arcs       json.RawMessage `json:"arcs"`
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			} `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
	Arcs [][][2]float64 `json:"arcs"`
}

type pt struct{ x, y float64 }

func main() {
	in := flag.String("in", "countries-50m.json", "world-atlas countries-50m.json")
	countries := flag.String("countries", "internal/builtin/data/countries.csv", "egdi countries.csv (for the M49 codes of members)")
	out := flag.String("out", "internal/worldmap/shapes.tsv", "output file")
	flag.Parse()
	if err := run(*in, *countries, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, countries, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	members, err := readMembers(countries)
	if err != nil {
		return err
	}
	arcs := decodeArcs(&t)

	type feature struct {
		id, name string
		rings    [][]pt // projected, simplified
	}
	byID := map[string]*feature{}
	var order []string
	for i, g := range t.Objects.Countries.Geometries {
		if g.ID == "010" { // Antarctica: no member state, and it would fill the bottom third
			continue
		}
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return err
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return err
			}
		default:
			continue
		}
		id := g.ID
		if id == "" {
			id = fmt.Sprintf("x%03d", i) // no code (Somaliland, Kosovo, …): drawn grey
		}
		f := byID[id]
		if f == nil {
			// The same id twice (Australia and its Ashmore and Cartier
			// Islands): merged into one feature.
			f = &feature{id: id, name: g.Properties.Name}
			byID[id] = f
			order = append(order, id)
		}
		for _, poly := range polys {
			for _, ring := range poly {
				for _, r := range clipRing(stitch(arcs, ring)) {
					pr := make([]pt, len(r))
					for k, p := range r {
						pr[k] = project(p)
					}
					f.rings = append(f.rings, pr)
				}
			}
		}
	}
	// Frame: the projected bounds, with a small margin.
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, f := range byID {
		for _, r := range f.rings {
			for _, p := range r {
				minY, maxY = math.Min(minY, p.y), math.Max(maxY, p.y)
			}
		}
	}
	xmax := project(pt{180, 0}).x
	scale := W / (2 * xmax)
	tx := func(p pt) pt { return pt{(p.x + xmax) * scale, (maxY - p.y) * scale} }
	h := math.Ceil((maxY-minY)*scale) + 1

	var buf strings.Builder
	fmt.Fprintf(&buf, "# egdi world map: world-atlas 2.0.2 countries-50m (ISC; Natural Earth, public domain), Equal Earth projection\n")
	fmt.Fprintf(&buf, "viewbox\t0 0 %s %s\n", num(W), num(h))
	sort.Strings(order)
	seen := map[string]bool{}
	for _, id := range order {
		f := byID[id]
		var parts []string
		var biggest []pt
		bigSize := -1.0
		for _, r := range f.rings {
			for k := range r {
				r[k] = tx(r[k])
			}
			s := simplify(r, eps)
			w, hh := size(r)
			if math.Max(w, hh) > bigSize {
				bigSize, biggest = math.Max(w, hh), r
			}
			if len(s) < 3 || math.Max(w, hh) < 0.8 {
				continue // an islet smaller than a pixel
			}
			parts = append(parts, pathData(s))
		}
		if len(parts) == 0 && biggest != nil {
			parts = append(parts, pathData(simplify(biggest, eps/4)))
		}
		name := strings.ReplaceAll(f.name, "\t", " ")
		fmt.Fprintf(&buf, "path\t%s\t%s\t%s\n", id, name, strings.Join(parts, ""))
		if members[id] {
			seen[id] = true
			if bigSize < small && biggest != nil {
				c := centroid(biggest)
				fmt.Fprintf(&buf, "dot\t%s\t%s\t%s %s %s\n", id, name, num(c.x), num(c.y), num(dotR))
			}
		}
	}
	for id := range members {
		if seen[id] {
			continue
		}
		ll, ok := extra[id]
		if !ok {
			return fmt.Errorf("member %s has no shape in %s and no place in extra", id, in)
		}
		c := tx(project(pt{ll[0], ll[1]}))
		fmt.Fprintf(&buf, "dot\t%s\t%s\t%s %s %s\n", id, "", num(c.x), num(c.y), num(dotR))
	}
	return os.WriteFile(out, []byte(buf.String()), 0o644)
}

func readMembers(path string) (map[string]bool, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = fh.Close() }()
	r := csv.NewReader(bufio.NewReader(fh))
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	col := slices.Index(head, "m49")
	if col < 0 {
		return nil, fmt.Errorf("%s: no m49 column", path)
	}
	out := map[string]bool{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		out[rec[col]] = true
	}
	return out, nil
}

// decodeArcs turns the quantised, delta-encoded arcs into longitudes and
// latitudes: x_k = Σ_{j≤k} dx_j, lon = x·scale + translate.
func decodeArcs(t *topology) [][]pt {
	out := make([][]pt, len(t.Arcs))
	sx, sy := t.Transform.Scale[0], t.Transform.Scale[1]
	ox, oy := t.Transform.Translate[0], t.Transform.Translate[1]
	for i, a := range t.Arcs {
		var x, y float64
		r := make([]pt, len(a))
		for k, d := range a {
			x += d[0]
			y += d[1]
			r[k] = pt{x*sx + ox, y*sy + oy}
		}
		out[i] = r
	}
	return out
}

// stitch joins a ring's arcs; an index ~i (negative) is arc i reversed.
// Each arc starts where the previous ended, so that point is skipped.
func stitch(arcs [][]pt, ring []int) []pt {
	var out []pt
	for _, i := range ring {
		var a []pt
		if i >= 0 {
			a = arcs[i]
		} else {
			a = slices.Clone(arcs[^i])
			slices.Reverse(a)
		}
		if len(out) > 0 {
			a = a[1:]
		}
		out = append(out, a...)
	}
	return out
}

// clipRing unwraps a ring's longitudes so that no step exceeds 180°, and,
// when the ring then reaches past ±180°, returns its parts on each side
// clipped to [−180°, 180°] (Sutherland–Hodgman against the two meridians).
func clipRing(r []pt) [][]pt {
	if len(r) < 3 {
		return nil
	}
	u := make([]pt, len(r))
	u[0] = r[0]
	for i := 1; i < len(r); i++ {
		x := r[i].x
		for x-u[i-1].x > 180 {
			x -= 360
		}
		for x-u[i-1].x < -180 {
			x += 360
		}
		u[i] = pt{x, r[i].y}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range u {
		lo, hi = math.Min(lo, p.x), math.Max(hi, p.x)
	}
	if lo >= -180 && hi <= 180 {
		return [][]pt{u}
	}
	var out [][]pt
	for _, shift := range []float64{-360, 0, 360} {
		s := make([]pt, len(u))
		for i, p := range u {
			s[i] = pt{p.x + shift, p.y}
		}
		s = clipX(s, -180, true)
		s = clipX(s, 180, false)
		if len(s) >= 3 {
			out = append(out, s)
		}
	}
	return out
}

// clipX keeps the part of polygon p with x ≥ bound (keepAbove) or x ≤ bound.
func clipX(p []pt, bound float64, keepAbove bool) []pt {
	in := func(q pt) bool {
		if keepAbove {
			return q.x >= bound
		}
		return q.x <= bound
	}
	var out []pt
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		if in(a) {
			out = append(out, a)
		}
		if in(a) != in(b) {
			t := (bound - a.x) / (b.x - a.x)
			out = append(out, pt{bound, a.y + t*(b.y-a.y)})
		}
	}
	return out
}

// Equal Earth projection (Šavrič, Patterson and Jenny 2018):
//
//	θ = asin(√3/2 · sin φ)
//	x = 2√3·λ·cos θ / (3·(9A4θ⁸ + 7A3θ⁶ + 3A2θ² + A1))
//	y = A4θ⁹ + A3θ⁷ + A2θ³ + A1θ
//
// with A1 = 1.340264, A2 = −0.081106, A3 = 0.000893, A4 = 0.003796 and λ,
// φ in radians.
func project(p pt) pt {
	const a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
	lam, phi := p.x*math.Pi/180, p.y*math.Pi/180
	th := math.Asin(math.Sqrt(3) / 2 * math.Sin(phi))
	t2 := th * th
	t6 := t2 * t2 * t2
	x := 2 * math.Sqrt(3) * lam * math.Cos(th) / (3 * (9*a4*t6*t2 + 7*a3*t6 + 3*a2*t2 + a1))
	y := th * (a4*t6*t2 + a3*t6 + a2*t2 + a1)
	return pt{x, y}
}

// simplify is Douglas–Peucker with tolerance e, keeping the ring closed.
func simplify(r []pt, e float64) []pt {
	if len(r) < 4 {
		return r
	}
	keep := make([]bool, len(r))
	keep[0], keep[len(r)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		if j <= i+1 {
			return
		}
		a, b := r[i], r[j]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		best, k := -1.0, -1
		for m := i + 1; m < j; m++ {
			var d float64
			if l == 0 {
				d = math.Hypot(r[m].x-a.x, r[m].y-a.y)
			} else {
				d = math.Abs(dy*r[m].x-dx*r[m].y+b.x*a.y-b.y*a.x) / l
			}
			if d > best {
				best, k = d, m
			}
		}
		if best > e {
			keep[k] = true
			rec(i, k)
			rec(k, j)
		}
	}
	// A closed ring: split at the point farthest from the start.
	far, fk := -1.0, 0
	for k, p := range r {
		if d := math.Hypot(p.x-r[0].x, p.y-r[0].y); d > far {
			far, fk = d, k
		}
	}
	keep[fk] = true
	rec(0, fk)
	rec(fk, len(r)-1)
	var out []pt
	for k, p := range r {
		if keep[k] {
			out = append(out, p)
		}
	}
	return out
}

func size(r []pt) (w, h float64) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range r {
		x0, y0, x1, y1 = math.Min(x0, p.x), math.Min(y0, p.y), math.Max(x1, p.x), math.Max(y1, p.y)
	}
	return x1 - x0, y1 - y0
}

// centroid is the centre of the ring's bounding box (good enough to place
// a dot on a small state).
func centroid(r []pt) pt {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range r {
		x0, y0, x1, y1 = math.Min(x0, p.x), math.Min(y0, p.y), math.Max(x1, p.x), math.Max(y1, p.y)
	}
	return pt{(x0 + x1) / 2, (y0 + y1) / 2}
}

// pathData writes a closed subpath: an absolute move, then relative lines,
// every coordinate rounded to 0.1. Steps that round to nothing are dropped.
func pathData(r []pt) string {
	var b strings.Builder
	q := func(v float64) int { return int(math.Round(v * 10)) }
	x, y := q(r[0].x), q(r[0].y)
	b.WriteString("M" + dec(x) + " " + dec(y))
	n := 0
	for _, p := range r[1:] {
		nx, ny := q(p.x), q(p.y)
		if nx == x && ny == y {
			continue
		}
		if n == 0 {
			b.WriteString("l")
		} else if nx-x >= 0 {
			b.WriteString(" ")
		}
		b.WriteString(dec(nx - x))
		if ny-y >= 0 {
			b.WriteString(" ")
		}
		b.WriteString(dec(ny - y))
		x, y = nx, ny
		n++
	}
	b.WriteString("z")
	return b.String()
}

// dec writes tenths as a short decimal: 12 → "1.2", -3 → "-.3", 20 → "2".
func dec(t int) string {
	neg := t < 0
	if neg {
		t = -t
	}
	s := strconv.Itoa(t / 10)
	if t%10 != 0 {
		if s == "0" {
			s = ""
		}
		s += "." + strconv.Itoa(t%10)
	}
	if neg {
		s = "-" + s
	}
	return s
}

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
