package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProject pins Equal Earth at known points (tolerance 1e-9, float
// rounding): the origin, the equator's ends (x = 2√3·π/(3·A1)) and the pole
// (y = A4θ⁹ + A3θ⁷ + A2θ³ + A1θ with θ = asin(√3/2) = π/3).
func TestProject(t *testing.T) {
	const a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
	th := math.Pi / 3
	for _, tt := range []struct {
		name   string
		in     pt
		x, y   float64
		checkY bool
	}{
		{"origin", pt{0, 0}, 0, 0, true},
		{"east end of the equator", pt{180, 0}, 2 * math.Sqrt(3) * math.Pi / (3 * a1), 0, true},
		{"west end of the equator", pt{-180, 0}, -2 * math.Sqrt(3) * math.Pi / (3 * a1), 0, true},
		{"north pole", pt{0, 90}, 0, a4*math.Pow(th, 9) + a3*math.Pow(th, 7) + a2*math.Pow(th, 3) + a1*th, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := project(tt.in)
			if math.Abs(got.x-tt.x) > 1e-9 || math.Abs(got.y-tt.y) > 1e-9 {
				t.Errorf("project(%v) = %v, want (%g, %g)", tt.in, got, tt.x, tt.y)
			}
		})
	}
}

func TestStitch(t *testing.T) {
	arcs := [][]pt{{{0, 0}, {1, 0}, {1, 1}}, {{1, 1}, {0, 1}, {0, 0}}}
	for _, tt := range []struct {
		name string
		ring []int
		want []pt
	}{
		{"forward", []int{0, 1}, []pt{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},
		{"reversed arc", []int{^1, ^0}, []pt{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := stitch(arcs, tt.ring)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestClipRing: a ring crossing the antimeridian is cut into its parts on
// each side, every point within ±180°; others are left whole.
func TestClipRing(t *testing.T) {
	for _, tt := range []struct {
		name  string
		ring  []pt
		parts int
	}{
		{"inside", []pt{{10, 10}, {20, 10}, {20, 20}, {10, 20}, {10, 10}}, 1},
		{"across 180", []pt{{170, 60}, {-170, 60}, {-170, 70}, {170, 70}, {170, 60}}, 2},
		{"degenerate", []pt{{0, 0}, {1, 1}}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := clipRing(tt.ring)
			if len(got) != tt.parts {
				t.Fatalf("%d parts, want %d: %v", len(got), tt.parts, got)
			}
			for _, r := range got {
				for _, p := range r {
					if p.x < -180-1e-9 || p.x > 180+1e-9 {
						t.Errorf("point %v outside ±180°", p)
					}
				}
			}
		})
	}
}

func TestDec(t *testing.T) {
	for in, want := range map[int]string{0: "0", 12: "1.2", -3: "-.3", 20: "2", -15: "-1.5", 7: ".7"} {
		if got := dec(in); got != want {
			t.Errorf("dec(%d) = %q, want %q", in, got, want)
		}
	}
}

// TestRun converts a tiny topology: one member square, one square across
// the antimeridian, Antarctica (left out), and Tuvalu added as a dot.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	topo := `{"type":"Topology","transform":{"scale":[1,1],"translate":[-180,-90]},
	"objects":{"countries":{"type":"GeometryCollection","geometries":[
	 {"type":"Polygon","id":"048","properties":{"name":"Bahrain"},"arcs":[[0]]},
	 {"type":"Polygon","id":"242","properties":{"name":"Fiji"},"arcs":[[1]]},
	 {"type":"Polygon","id":"010","properties":{"name":"Antarctica"},"arcs":[[2]]}]}},
	"arcs":[[[230,116],[1,0],[0,1],[-1,0],[0,-1]],
	        [[355,70],[10,0],[-5,5],[0,0]],
	        [[0,0],[360,0],[0,10],[-360,0],[0,-10]]]}`
	in := filepath.Join(dir, "in.json")
	countries := filepath.Join(dir, "countries.csv")
	out := filepath.Join(dir, "shapes.tsv")
	if err := os.WriteFile(in, []byte(topo), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(countries, []byte("iso3,m49\nBHR,048\nFJI,242\nTUV,798\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(in, countries, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"viewbox\t0 0 1000 ", "path\t048\tBahrain\tM", "path\t242\tFiji\tM", "dot\t798\t"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Antarctica") {
		t.Error("Antarctica is drawn")
	}
	if strings.Count(strings.SplitN(strings.SplitN(got, "path\t242\tFiji\t", 2)[1], "\n", 2)[0], "M") != 2 {
		t.Error("Fiji, across the antimeridian, should be two subpaths")
	}
	// A member with no shape and no known place is an error, not a silent gap.
	if err := os.WriteFile(countries, []byte("iso3,m49\nBHR,048\nXXX,999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(in, countries, out); err == nil {
		t.Error("a member without a shape was accepted")
	}
	if err := os.WriteFile(in, []byte(`{"arcs":`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(in, countries, out); err == nil {
		t.Error("malformed TopoJSON was accepted")
	}
}

// FuzzRing: any ring survives clipping, simplification and path writing
// without a panic, and clipped points stay within ±180°.
func FuzzRing(f *testing.F) {
	f.Add(170.0, 60.0, -170.0, 60.0, -170.0, 70.0, 0.3)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(-179.9, -89.0, 179.9, 89.0, 0.0, 0.0, 5.0)
	f.Fuzz(func(t *testing.T, x1, y1, x2, y2, x3, y3, e float64) {
		for _, v := range []float64{x1, y1, x2, y2, x3, y3, e} {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
				return
			}
		}
		ring := []pt{{x1, y1}, {x2, y2}, {x3, y3}, {x1, y1}}
		for _, r := range clipRing(ring) {
			for _, p := range r {
				if p.x < -180-1e-6 || p.x > 180+1e-6 {
					t.Fatalf("point %v outside ±180°", p)
				}
			}
			s := simplify(r, math.Abs(e))
			if len(s) > 0 {
				_ = pathData(s)
			}
		}
	})
}
