package egdi_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/egdi-project/egdi"
)

// TestExplainSums: for every pair of consecutive editions and every
// country assessed in both, the contributions sum to the published EGDI
// change to 1e-9, the rank effects sum to the rank change, and the
// rounding term stays within what the two editions' precisions allow.
func TestExplainSums(t *testing.T) {
	const sumTol = 1e-9 // float rounding of six terms each rounded to 1e-12
	for k := 1; k < len(egdi.Editions); k++ {
		y1, y2 := egdi.Editions[k-1], egdi.Editions[k]
		t.Run(fmt.Sprintf("%d-%d", y1, y2), func(t *testing.T) {
			a, b := mustBase(t, y1, egdi.ComponentLevel), mustBase(t, y2, egdi.ComponentLevel)
			tol := precisionBound(a.Method) + precisionBound(b.Method)
			checked := 0
			for _, s := range b.Scores {
				if a.Index(s.ISO3) < 0 {
					continue
				}
				e, err := egdi.Explain(a, b, s.ISO3)
				if err != nil {
					t.Fatal(err)
				}
				checked++
				if got := e.Contributions.Sum(); math.Abs(got-e.EGDIChange) > sumTol {
					t.Errorf("%s: contributions sum to %.12f, change %.12f", s.ISO3, got, e.EGDIChange)
				}
				if e.OwnEffect+e.OthersEffect != e.RankChange || e.RankChange != e.RankFrom-e.RankTo {
					t.Errorf("%s: own %d + others %d ≠ rank change %d", s.ISO3, e.OwnEffect, e.OthersEffect, e.RankChange)
				}
				if math.Abs(e.Contributions.Rounding) > tol && !isAnomaly(y1, s.ISO3) && !isAnomaly(y2, s.ISO3) {
					t.Errorf("%s: rounding term %.6f above the precision bound %.6f", s.ISO3, e.Contributions.Rounding, tol)
				}
				if e.Contributions.Weights != 0 && (y1 > 2010 || y2 < 2008 || (y1 >= 2008 && y2 <= 2010)) {
					t.Errorf("%s: weight effect %v between editions with the same weights", s.ISO3, e.Contributions.Weights)
				}
			}
			if checked < 180 {
				t.Errorf("only %d countries checked", checked)
			}
		})
	}
}

// precisionBound is the largest distance between a published EGDI and the
// weighted mean of the published components the edition's rounding allows
// (as in TestPublishedEGDI), 4e-5 in 2024 (Q6).
func precisionBound(m *egdi.Method) float64 {
	if m.Edition == 2024 {
		return 4e-5
	}
	return m.Weights.OSI*m.OSIPrecision.MaxError() + m.Weights.TII*m.TIIPrecision.MaxError() +
		m.Weights.HCI*m.HCIPrecision.MaxError() + m.EGDIPrecision.MaxError() + 1e-12
}

func isAnomaly(y int, c egdi.ISO3) bool {
	return slices.ContainsFunc(egdiAnomalies, func(a anomaly) bool { return a.edition == y && a.iso3 == c })
}

// TestExplainCases checks named explanations against hand reasoning.
func TestExplainCases(t *testing.T) {
	t.Run("same edition explains nothing", func(t *testing.T) {
		a := mustBase(t, 2022, egdi.ComponentLevel)
		e, err := egdi.Explain(a, a, "BHR")
		if err != nil {
			t.Fatal(err)
		}
		if e.EGDIChange != 0 || e.RankChange != 0 || e.OwnEffect != 0 || e.OthersEffect != 0 || len(e.MethodChanges) != 0 {
			t.Errorf("2022→2022: %+v", e)
		}
	})
	t.Run("own effect is the rank against the standing field", func(t *testing.T) {
		a, b := mustBase(t, 2020, egdi.ComponentLevel), mustBase(t, 2022, egdi.ComponentLevel)
		e, err := egdi.Explain(a, b, "BHR")
		if err != nil {
			t.Fatal(err)
		}
		// R* = 1 + the 2020 countries (other than Bahrain) whose 2020 EGDI is
		// above Bahrain's 2022 EGDI (2020 ranks are ordinal, but no 2020
		// value equals Bahrain's 2022 value, checked here).
		want := 1
		for _, s := range a.Scores {
			if s.ISO3 == "BHR" {
				continue
			}
			if s.EGDI == e.EGDITo {
				t.Fatalf("%s 2020 equals Bahrain 2022: pick another case", s.ISO3)
			}
			if s.EGDI > e.EGDITo {
				want++
			}
		}
		if e.RankOwn != want {
			t.Errorf("R* = %d, want %d", e.RankOwn, want)
		}
	})
	t.Run("method changes 2018 to 2020", func(t *testing.T) {
		ma, _ := egdi.MethodFor(2018)
		mb, _ := egdi.MethodFor(2020)
		got := map[string]egdi.MethodChange{}
		for _, c := range egdi.MethodChanges(ma, mb) {
			got[c.Field] = c
		}
		for field, want := range map[string][2]string{
			"tii_cap":        {"none", "120"},
			"ties":           {"competition", "ordinal"},
			"rating_classes": {"false", "true"},
		} {
			if c, ok := got[field]; !ok || c.From != want[0] || c.To != want[1] || c.Text == "" {
				t.Errorf("%s: %+v, want %s → %s", field, c, want[0], want[1])
			}
		}
		if c := got["tii_indicators"]; c.Text != "TII indicators: fixed telephone dropped" {
			t.Errorf("tii_indicators: %q", c.Text)
		}
	})
	t.Run("weights between 2010 and 2012", func(t *testing.T) {
		a, b := mustBase(t, 2010, egdi.ComponentLevel), mustBase(t, 2012, egdi.ComponentLevel)
		e, err := egdi.Explain(a, b, "KOR")
		if err != nil {
			t.Fatal(err)
		}
		if e.Contributions.Weights == 0 {
			t.Error("no weight effect from 0.34/0.33/0.33 to 1/3 each")
		}
		if !slices.ContainsFunc(e.MethodChanges, func(c egdi.MethodChange) bool { return c.Field == "weights" }) {
			t.Error("weights change not listed")
		}
	})
	t.Run("errors", func(t *testing.T) {
		a, b := mustBase(t, 2010, egdi.ComponentLevel), mustBase(t, 2012, egdi.ComponentLevel)
		if _, err := egdi.Explain(a, b, "SSD"); egdi.ErrorCode(err) != egdi.ENOTFOUND {
			t.Errorf("South Sudan 2010: %v, want ENOTFOUND", err)
		}
		if _, err := egdi.ExplainGap(b, "BHR", "BHR"); egdi.ErrorCode(err) != egdi.EINVALID {
			t.Errorf("vs itself: %v, want EINVALID", err)
		}
	})
}

// TestExplainGap: the gap to a peer splits into contributions that sum to
// it, and the countries between are those ranked strictly between.
func TestExplainGap(t *testing.T) {
	b := mustBase(t, 2024, egdi.ComponentLevel)
	for _, tc := range []struct {
		name    string
		c, peer egdi.ISO3
	}{
		{"Bahrain to the UAE", "BHR", "ARE"},
		{"Denmark to Estonia (peer behind)", "DNK", "EST"},
		{"Chad to Niger", "TCD", "NER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := egdi.ExplainGap(b, tc.c, tc.peer)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(g.Contributions.Sum()-g.EGDIGap) > 1e-9 {
				t.Errorf("contributions sum %.12f, gap %.12f", g.Contributions.Sum(), g.EGDIGap)
			}
			if g.RankGap != g.Rank-g.RankPeer || (g.RankGap > 0) != (g.EGDIGap > 0) {
				t.Errorf("rank gap %d for EGDI gap %v", g.RankGap, g.EGDIGap)
			}
			lo, hi := min(g.Rank, g.RankPeer), max(g.Rank, g.RankPeer)
			want := 0
			for _, s := range b.Scores {
				if s.EGDIRank > lo && s.EGDIRank < hi {
					want++
				}
			}
			if len(g.Between) != want {
				t.Errorf("%d between, want %d", len(g.Between), want)
			}
		})
	}
}
