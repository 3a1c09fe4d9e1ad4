package worldmap

import (
	"encoding/csv"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"
)

// TestEveryMember: each of the 193 Member States (by M49 code in the
// built-in country table) can be pointed at: it has a shape or a dot.
func TestEveryMember(t *testing.T) {
	f, err := os.Open("../builtin/data/countries.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range head {
		if h == "m49" {
			col = i
		}
	}
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if !Has(rec[col]) {
			t.Errorf("member %s has no shape and no dot", rec[col])
		}
	}
	if n != 193 {
		t.Errorf("read %d members, want 193", n)
	}
	if _, err := Shapes(); err != nil {
		t.Fatal(err)
	}
	if vb := strings.Fields(ViewBox()); len(vb) != 4 || vb[2] != "1000" {
		t.Errorf("viewBox = %q", ViewBox())
	}
	if !Has("798") {
		t.Error("Tuvalu (798), absent from the 50m file, has no dot")
	}
}

// TestRender checks the map's structure: well-formed SVG, one link per
// country with data, its class and label escaped, the rest grey.
func TestRender(t *testing.T) {
	tests := []struct {
		name      string
		countries []Country
		links     int
	}{
		{"none", nil, 0},
		{"three", []Country{
			{M49: "048", ISO3: "BHR", Class: "g-very_high", Label: `Bahrain: EGDI 0.91958 <"&'>`, Href: "/en/countries/BHR?edition=2024&x=1"},
			{M49: "682", ISO3: "SAU", Class: "g-very_high", Label: "المملكة العربية السعودية", Href: "/ar/countries/SAU"},
			{M49: "798", ISO3: "TUV", Class: "g-middle", Label: "Tuvalu", Href: "/en/countries/TUV"},
		}, 3},
		{"unknown code", []Country{{M49: "999", ISO3: "XXX", Class: "g-low", Label: "x", Href: "/"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := string(Render(Options{Title: "Map <1>", Desc: "d", Lang: "en"}, tt.countries))
			dec := xml.NewDecoder(strings.NewReader(svg))
			links, paths := 0, 0
			isos := map[string]bool{}
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed SVG: %v", err)
				}
				if se, ok := tok.(xml.StartElement); ok {
					switch se.Name.Local {
					case "a":
						for _, a := range se.Attr {
							if a.Name.Local == "data-iso" && !isos[a.Value] {
								isos[a.Value] = true
								links++
							}
						}
					case "path":
						paths++
					}
				}
			}
			if links != tt.links {
				t.Errorf("links = %d, want %d", links, tt.links)
			}
			if paths < 200 {
				t.Errorf("paths = %d: the world is missing", paths)
			}
			if strings.Contains(svg, `<"&'>`) || strings.Contains(svg, "Map <1>") {
				t.Error("labels are not escaped")
			}
			if again := string(Render(Options{Title: "Map <1>", Desc: "d", Lang: "en"}, tt.countries)); again != svg {
				t.Error("output is not deterministic")
			}
		})
	}
}
