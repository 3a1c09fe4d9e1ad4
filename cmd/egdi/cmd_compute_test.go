package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// writeFile writes s to a file name in a temporary directory.
func writeFile(t *testing.T, name, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// published returns a country's published record of an edition.
func published(t *testing.T, year int, c egdi.ISO3) egdi.Record {
	t.Helper()
	for _, r := range builtin.MustDataset().Published[year] {
		if r.ISO3 == c {
			return r
		}
	}
	t.Fatalf("%s has no record in %d", c, year)
	return egdi.Record{}
}

// componentsFile is a one-country file of a country's published indices.
func componentsFile(t *testing.T, year int, c egdi.ISO3) string {
	t.Helper()
	r := published(t, year, c)
	return writeFile(t, string(c)+".csv", fmt.Sprintf("iso3,osi,tii,hci,epi\n%s,%v,%v,%v,%v\n", c, r.OSI, r.TII, r.HCI, r.EPI))
}

// TestComputeAgainst: a file of one country's published components,
// placed with --against among the edition's other countries, gets the
// country's published world rank, group and rating class.
func TestComputeAgainst(t *testing.T) {
	for _, tc := range []struct {
		name string
		year int
		iso  egdi.ISO3
	}{
		{"Bahrain2024", 2024, "BHR"}, // the case: published 0.91958, from its components 0.91961 (Q6), rank 18 either way
		{"Korea2022", 2022, "KOR"},
		{"Denmark2024", 2024, "DNK"},
		{"Somalia2024", 2024, "SOM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := fmt.Sprint(tc.year)
			out, errs, code := egdiRun(t, "compute", "--against", y, "--input", componentsFile(t, tc.year, tc.iso), "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var rows []computeRow
			if err := json.Unmarshal([]byte(out), &rows); err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].ISO3 != tc.iso {
				t.Fatalf("rows %+v, want one row of %s", rows, tc.iso)
			}
			r, p := rows[0], published(t, tc.year, tc.iso)
			if r.EGDIRank != p.Rank {
				t.Errorf("world rank %d, published %d", r.EGDIRank, p.Rank)
			}
			m, _ := egdi.MethodFor(tc.year)
			if g := m.GroupOf(p.EGDI); r.Group != g {
				t.Errorf("group %s, published EGDI's group %s", r.Group, g)
			}
			// The EGDI from the published components is within the error
			// their precision allows (METHODOLOGY Q6 for 2024: 4e-5).
			if d := r.EGDI - p.EGDI; d > 5e-5 || d < -5e-5 {
				t.Errorf("EGDI %v, published %v", r.EGDI, p.EGDI)
			}
			if !strings.Contains(errs, "placed among the 192 other countries of edition "+y) {
				t.Errorf("stderr %q does not say what the ranks are relative to", errs)
			}
		})
	}
	// The table marks the world rank, and says nothing of the file alone.
	out, _, code := egdiRun(t, "compute", "--against", "2024", "--input", componentsFile(t, 2024, "BHR"))
	if code != 0 || !strings.Contains(out, "0.91961  0.9041  18 ") {
		t.Errorf("table:\n%s", out)
	}
}

// TestComputeAgainstEveryCountry places each country of 2022 and 2024
// alone among the others, from its published components. Its EGDI is
// within the bound of its edition (2022: one unit of the 4th digit, from
// three rounded components; 2024: 4e-5, METHODOLOGY Q6, the UN computed
// it from unpublished values), and its world rank is the competition rank
// of that EGDI among the others' published EGDI — so, where the EGDI
// equals the published one, the published rank.
func TestComputeAgainstEveryCountry(t *testing.T) {
	d := builtin.MustDataset()
	a := &app{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard,
		dataset: func(context.Context) (*egdi.Dataset, error) { return d, nil }}
	for _, tc := range []struct {
		year     int
		bound    float64
		minEqual int // countries whose EGDI recomputes exactly, at least
	}{{2022, 1e-4 + 1e-9, 150}, {2024, 4e-5 + 1e-9, 30}} {
		recs := d.Published[tc.year]
		same := 0
		for _, r := range recs {
			if !r.Assessed {
				continue
			}
			pl, err := a.computeAgainst(t.Context(), tc.year, componentsFile(t, tc.year, r.ISO3))
			if err != nil {
				t.Fatalf("%d %s: %v", tc.year, r.ISO3, err)
			}
			got := pl.rows[0]
			if diff := got.EGDI - r.EGDI; diff > tc.bound || diff < -tc.bound {
				t.Errorf("%d %s: EGDI %v, published %v", tc.year, r.ISO3, got.EGDI, r.EGDI)
			}
			want := 1
			for _, o := range recs {
				if o.Assessed && o.ISO3 != r.ISO3 && o.EGDI > got.EGDI {
					want++
				}
			}
			if got.EGDIRank != want {
				t.Errorf("%d %s: rank %d with EGDI %v, want %d", tc.year, r.ISO3, got.EGDIRank, got.EGDI, want)
			}
			if got.EGDI == r.EGDI {
				same++
				if got.EGDIRank != r.Rank {
					t.Errorf("%d %s: rank %d, published %d", tc.year, r.ISO3, got.EGDIRank, r.Rank)
				}
			}
		}
		if same < tc.minEqual {
			t.Errorf("%d: only %d countries recompute to their published EGDI", tc.year, same)
		}
	}
}

// TestComputeAgainstRaw: a raw input placed with --against is the what-if
// at raw level with the same value.
func TestComputeAgainstRaw(t *testing.T) {
	f := writeFile(t, "bhr.csv", "iso3,fixed_broadband\nBHR,30\n")
	out, errs, code := egdiRun(t, "compute", "--against", "2022", "--input", f, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []computeRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	wout, _, code := egdiRun(t, "whatif", "--edition", "2022", "--level", "raw", "--set", "BHR.fixed_broadband=30", "--format", "json")
	if code != 0 {
		t.Fatal(code)
	}
	var w egdi.WhatIfResult
	if err := json.Unmarshal([]byte(wout), &w); err != nil {
		t.Fatal(err)
	}
	for _, c := range w.Countries {
		if c.ISO3 == "BHR" && (c.RankAfter != rows[0].EGDIRank || c.EGDIAfter != rows[0].EGDI) {
			t.Errorf("compute --against: rank %d EGDI %v; whatif: rank %d EGDI %v", rows[0].EGDIRank, rows[0].EGDI, c.RankAfter, c.EGDIAfter)
		}
	}
	if !strings.Contains(errs, "at raw level") {
		t.Errorf("stderr %q", errs)
	}
}

// TestComputeWarnsWhenPartial: without --against, a file of fewer
// countries than the edition is computed among its own countries, and
// stderr says so; a file of the whole edition gets no warning.
func TestComputeWarnsWhenPartial(t *testing.T) {
	f := componentsFile(t, 2024, "BHR")
	out, errs, code := egdiRun(t, "compute", "--edition", "2024", "--input", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"BHR.csv has 1 country and edition 2024 assessed 193", "among the 1 country of the file only", "--against 2024"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q lacks %q", errs, want)
		}
	}
	if !strings.Contains(out, "BHR") {
		t.Errorf("stdout %q", out)
	}
	var b strings.Builder
	b.WriteString("iso3,osi,tii,hci\n")
	for _, r := range builtin.MustDataset().Published[2024] {
		fmt.Fprintf(&b, "%s,%v,%v,%v\n", r.ISO3, r.OSI, r.TII, r.HCI)
	}
	_, errs, code = egdiRun(t, "compute", "--edition", "2024", "--input", writeFile(t, "all.csv", b.String()))
	if code != 0 || errs != "" {
		t.Errorf("whole edition: exit %d, stderr %q", code, errs)
	}
}

// TestComputeAgainstBadInput: what --against cannot place is refused with
// the file named.
func TestComputeAgainstBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"Points", []string{"--against", "2022", "--input", writeFile(t, "p.csv", "iso3,osi_points,tii,hci\nBHR,100,0.5,0.5\n")},
			"p.csv, row 1, column osi_points: --against 2022 cannot place osi_points"},
		{"HCIRaw", []string{"--against", "2022", "--input", writeFile(t, "h.csv", "iso3,osi,tii,adult_literacy\nBHR,1,1,90\n")},
			"h.csv, row 1, column adult_literacy"},
		{"RawBeforeITU", []string{"--against", "2012", "--input", writeFile(t, "r.csv", "iso3,internet_users\nBHR,90\n")},
			"r.csv, row 1, column internet_users: --against 2012 cannot place internet_users: the other countries' internet_users are not published or built in; give the indices osi, tii, hci, epi"},
		{"OtherEdition", []string{"--against", "2022", "--edition", "2024", "--input", writeFile(t, "o.csv", "iso3,osi\nBHR,1\n")},
			"drop --edition or give --edition 2022"},
		{"NewCountryIncomplete", []string{"--against", "2010", "--input", writeFile(t, "n.csv", "iso3,osi,tii\nSSD,0.2,0.1\n")},
			"n.csv, row 2, column hci: SSD has no hci here and none in edition 2010"},
		{"UnknownEdition", []string{"--against", "2007", "--input", writeFile(t, "u.csv", "iso3,osi\nBHR,1\n")}, "2007"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := egdiRun(t, append([]string{"compute"}, tc.args...)...)
			if code != exitInvalid || !strings.Contains(errs, tc.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", code, out, errs, exitInvalid, tc.want)
			}
		})
	}
}
