package egdi_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/cliparse"
)

func mustBase(t testing.TB, year int, level egdi.Level) *egdi.Base {
	t.Helper()
	b, err := egdi.NewBase(builtin.MustDataset(), year, level)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustSets(t testing.TB, ss ...string) []egdi.Set {
	t.Helper()
	var out []egdi.Set
	for _, s := range ss {
		x, err := cliparse.ParseSet(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
	return out
}

// TestWhatIfNoChange: with no change, the component-level base of every
// edition is exactly the published ranking (value, rank, group, class),
// and a what-if lists nothing.
func TestWhatIfNoChange(t *testing.T) {
	d := builtin.MustDataset()
	for _, y := range egdi.Editions {
		t.Run(fmt.Sprint(y), func(t *testing.T) {
			b := mustBase(t, y, egdi.ComponentLevel)
			ed, err := d.Edition(y)
			if err != nil {
				t.Fatal(err)
			}
			if len(ed) != len(b.Scores) {
				t.Fatalf("%d countries in the base, %d published", len(b.Scores), len(ed))
			}
			for _, want := range ed {
				got := b.Score(want.ISO3)
				if got == nil {
					t.Fatalf("%s missing from the base", want.ISO3)
				}
				if got.EGDI != want.EGDI || got.EGDIRank != want.EGDIRank || got.Group != want.Group || got.RatingClass != want.RatingClass {
					t.Errorf("%s: base %v #%d %s %s, published %v #%d %s %s", want.ISO3, got.EGDI, got.EGDIRank, got.Group,
						got.RatingClass, want.EGDI, want.EGDIRank, want.Group, want.RatingClass)
				}
			}
			res, err := b.WhatIf(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Countries) != 0 || res.Level != egdi.ComponentLevel {
				t.Errorf("no change listed %d countries at level %s", len(res.Countries), res.Level)
			}
			// Setting a value to itself changes nothing either.
			s := ed[len(ed)/2]
			same := []egdi.Set{{ISO3: s.ISO3, Indicator: egdi.OSI, Value: b.Inputs.Get(egdi.OSI, b.Index(s.ISO3))}}
			if res, err := b.WhatIf(same); err != nil || len(res.Countries) != 0 {
				t.Errorf("setting OSI to its own value: %v, %d countries listed", err, len(res.Countries))
			}
		})
	}
}

// TestWhatIfComponent checks one change at component level against the
// rule: the changed country's EGDI is the weighted mean of its components
// cut to the edition's precision; every other country keeps its published
// EGDI, and exactly the countries it passes move down one place.
func TestWhatIfComponent(t *testing.T) {
	for _, tc := range []struct {
		name string
		year int
		set  string
	}{
		{"Bahrain 2024 OSI to 1", 2024, "BHR.osi=1"},
		{"Bahrain 2018 TII to 0.95", 2018, "BHR.tii=0.95"},
		{"Chad 2020 HCI to 0.9 (ordinal ties)", 2020, "TCD.hci=0.9"},
		{"Libya 2012 OSI from 0 (zero rule)", 2012, "LBY.osi=0.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := mustBase(t, tc.year, egdi.ComponentLevel)
			sets := mustSets(t, tc.set)
			res, err := b.WhatIf(sets)
			if err != nil {
				t.Fatal(err)
			}
			m := b.Method
			c := sets[0].ISO3
			i := b.Index(c)
			comp := map[egdi.Indicator]float64{}
			for _, ind := range []egdi.Indicator{egdi.OSI, egdi.TII, egdi.HCI} {
				comp[ind] = b.Inputs.Get(ind, i)
			}
			comp[sets[0].Indicator] = sets[0].Value
			want := m.EGDIPrecision.Apply(m.EGDIOf(comp[egdi.OSI], comp[egdi.TII], comp[egdi.HCI]))
			after, _, err := b.Apply(sets)
			if err != nil {
				t.Fatal(err)
			}
			if after[i].EGDI != want {
				t.Errorf("%s EGDI after = %v, want %v", c, after[i].EGDI, want)
			}
			before := b.Scores[i]
			listed := map[egdi.ISO3]egdi.WhatIfCountry{}
			for _, x := range res.Countries {
				listed[x.ISO3] = x
			}
			if _, ok := listed[c]; !ok {
				t.Errorf("%s not listed", c)
			}
			for j, a := range after {
				p := b.Scores[j]
				if j == i {
					continue
				}
				if a.EGDI != p.EGDI {
					t.Errorf("%s EGDI moved %v → %v though unchanged", a.ISO3, p.EGDI, a.EGDI)
				}
				passed := p.EGDIRank < before.EGDIRank && a.EGDIRank > after[i].EGDIRank
				if passed && a.EGDIRank != p.EGDIRank+1 {
					t.Errorf("%s passed: rank %d → %d, want +1", a.ISO3, p.EGDIRank, a.EGDIRank)
				}
				if _, ok := listed[a.ISO3]; (a.EGDIRank != p.EGDIRank) && !ok {
					t.Errorf("%s moved %d → %d but is not listed", a.ISO3, p.EGDIRank, a.EGDIRank)
				}
			}
			if !slices.IsSortedFunc(res.Countries, func(x, y egdi.WhatIfCountry) int { return x.RankAfter - y.RankAfter }) {
				t.Error("countries are not sorted by rank after")
			}
		})
	}
}

// TestWhatIfRawEqualsRecompute: a raw what-if equals recomputing the edition
// from scratch with the changed input — both through a base built from a
// dataset holding the new observation, and through Method.Compute on the
// countries with every TII input.
func TestWhatIfRawEqualsRecompute(t *testing.T) {
	for _, tc := range []struct {
		name string
		year int
		set  string
	}{
		{"Bahrain 2022 Internet users", 2022, "BHR.internet_users=100"},
		{"Chad 2020 fixed broadband", 2020, "TCD.fixed_broadband=30"},
		{"Korea 2018 mobile subscriptions", 2018, "KOR.mobile_subscriptions=40"},
		{"Niger 2024 active mobile broadband", 2024, "NER.active_mobile_broadband=110"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := builtin.MustDataset()
			b := mustBase(t, tc.year, egdi.RawLevel)
			s := mustSets(t, tc.set)[0]
			after, changed, err := b.Apply([]egdi.Set{s})
			if err != nil {
				t.Fatal(err)
			}
			if !changed[b.Index(s.ISO3)] {
				t.Fatal("the country is not marked changed")
			}
			// From scratch 1: the dataset with the new observation first, so
			// that it wins the gap-filling for the data year.
			d2 := *d
			d2.Observations = append([]egdi.Observation{{ISO3: s.ISO3, Indicator: s.Indicator, Year: b.Method.DataYear,
				Value: s.Value, Source: "user"}}, d.Observations...)
			b2, err := egdi.NewBase(&d2, tc.year, egdi.RawLevel)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmpScores(after, b2.Scores); diff != "" {
				t.Errorf("what-if differs from the base rebuilt from scratch: %s", diff)
			}
			// From scratch 2: Method.Compute on the complete countries gives
			// the same TII (to the published digit) for each of them.
			in := b.Inputs.Subset(func(i int) bool {
				for _, ind := range b.Method.TII.Inputs {
					if math.IsNaN(b.Inputs.Get(ind, i)) {
						return false
					}
				}
				return true
			})
			in.Values[egdi.TII] = nil
			in.Set(s.Indicator, in.Index(s.ISO3), s.Value)
			r, err := b.Method.Compute(in)
			if err != nil {
				t.Fatal(err)
			}
			moved := 0
			for j, c := range r.Countries {
				got := after[b.Index(c)].TII
				if want := b.Method.TIIPrecision.Apply(r.TII[j]); got != want {
					t.Errorf("%s TII %v, Compute gives %v", c, got, want)
				}
				if got != b.Scores[b.Index(c)].TII {
					moved++
				}
			}
			if moved < 2 {
				t.Errorf("only %d countries' TII moved: a raw change should move others' z-scores", moved)
			}
		})
	}
}

func cmpScores(a, b []egdi.Score) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d vs %d scores", len(a), len(b))
	}
	var diffs []string
	for i := range a {
		x, y := a[i], b[i]
		if x.ISO3 != y.ISO3 || x.EGDI != y.EGDI || x.EGDIRank != y.EGDIRank || x.TII != y.TII || x.Group != y.Group || x.RatingClass != y.RatingClass {
			diffs = append(diffs, fmt.Sprintf("%s: %v #%d tii %v vs %s: %v #%d tii %v", x.ISO3, x.EGDI, x.EGDIRank, x.TII, y.ISO3, y.EGDI, y.EGDIRank, y.TII))
		}
	}
	return strings.Join(diffs, "; ")
}

// TestRawBase checks what the raw level says about itself.
func TestRawBase(t *testing.T) {
	b := mustBase(t, 2022, egdi.RawLevel)
	if got := len(b.Carried); got != 193-188 {
		t.Errorf("%d countries carried in 2022, want 5 (188 have all four ITU inputs)", got)
	}
	if b.Level != egdi.RawLevel || len(b.Notes) == 0 {
		t.Errorf("level %s, notes %q", b.Level, b.Notes)
	}
	// 2014 has no wireless broadband data built in: every country carries.
	if b14 := mustBase(t, 2014, egdi.RawLevel); len(b14.Carried) != len(b14.Scores) {
		t.Errorf("2014: %d of %d carried", len(b14.Carried), len(b14.Scores))
	}
	if _, err := egdi.NewBase(builtin.MustDataset(), 2010, egdi.RawLevel); egdi.ErrorCode(err) != egdi.EINVALID {
		t.Errorf("2010 raw: %v, want EINVALID", err)
	}
}

// TestWhatIfErrors: every bad input is an EINVALID (or ENOTFOUND) error
// with a message that says what to do.
func TestWhatIfErrors(t *testing.T) {
	comp := mustBase(t, 2022, egdi.ComponentLevel)
	raw := mustBase(t, 2022, egdi.RawLevel)
	for _, tc := range []struct {
		name    string
		base    *egdi.Base
		set     string
		code    string
		message string
	}{
		{"ErrUnknownInput", comp, "BHR.broadband=3", egdi.EINVALID, "unknown indicator"},
		{"ErrNotANumber", comp, "BHR.osi=high", egdi.EINVALID, "not a number"},
		{"ErrBadShape", comp, "BHR-osi=0.5", egdi.EINVALID, "ISO3.indicator=value"},
		{"ErrAboveBound", comp, "BHR.internet_users=101", egdi.EINVALID, "above 100"},
		{"ErrIndexAboveOne", comp, "BHR.osi=1.2", egdi.EINVALID, "above 1"},
		{"ErrNegative", comp, "BHR.tii=-0.1", egdi.EINVALID, "below 0"},
		{"ErrRawAtComponentLevel", comp, "BHR.internet_users=99", egdi.EINVALID, "--level raw"},
		{"ErrTIIAtRawLevel", raw, "BHR.tii=0.9", egdi.EINVALID, "recomputed from raw inputs"},
		{"ErrUnusedInput", raw, "BHR.fixed_telephone=30", egdi.EINVALID, "does not use fixed_telephone"},
		{"ErrUnknownCountry", comp, "XXX.osi=0.5", egdi.ENOTFOUND, "not assessed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := cliparse.ParseSet(tc.set)
			if err == nil {
				_, err = tc.base.WhatIf([]egdi.Set{s})
			}
			if egdi.ErrorCode(err) != tc.code || !strings.Contains(egdi.ErrorMessage(err), tc.message) {
				t.Errorf("got %v (%s), want %s containing %q", err, egdi.ErrorCode(err), tc.code, tc.message)
			}
		})
	}
	twice := mustSets(t, "BHR.osi=0.9", "BHR.osi=0.8")
	if _, err := comp.WhatIf(twice); egdi.ErrorCode(err) != egdi.EINVALID {
		t.Errorf("set twice: %v", err)
	}
}

func BenchmarkWhatIf(b *testing.B) {
	for _, level := range []egdi.Level{egdi.ComponentLevel, egdi.RawLevel} {
		b.Run(string(level), func(b *testing.B) {
			base := mustBase(b, 2022, level)
			set := "BHR.osi=0.99"
			if level == egdi.RawLevel {
				set = "BHR.internet_users=100"
			}
			sets := mustSets(b, set)
			for b.Loop() {
				if _, err := base.WhatIf(sets); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// scenario is a made-up edition of five countries with every raw input
// (not UN data): what a scenario edition from the store looks like.
func scenario() *egdi.Inputs {
	in := egdi.NewInputs([]egdi.ISO3{"AAA", "BBB", "CCC", "DDD", "EEE"})
	rows := [][9]float64{
		// internet, mobile, active mobile BB, fixed BB, literacy, GER, EYS, MYS, OSI
		{95, 130, 110, 40, 99, 100, 18, 13, 0.95},
		{70, 115, 80, 20, 95, 90, 15, 10, 0.70},
		{30, 80, 35, 2, 70, 60, 10, 5, 0.40},
		{10, 45, 12, 0.1, 30, 35, 6, 2, 0.10},
		{55, 100, 60, 9, 88, 75, 13, 8, 0.55},
	}
	inds := []egdi.Indicator{egdi.InternetUsers, egdi.MobileSubscriptions, egdi.ActiveMobileBroadband, egdi.FixedBroadband,
		egdi.AdultLiteracy, egdi.GrossEnrolment, egdi.ExpectedSchooling, egdi.MeanSchooling, egdi.OSI}
	for i, r := range rows {
		for k, ind := range inds {
			in.Set(ind, i, r[k])
		}
	}
	return in
}

// TestScenarioBase: a scenario edition (a method and raw inputs of one's
// own) plugs into the what-if: its base is Method.Compute's result, and a
// raw HCI change equals computing again with the changed input.
func TestScenarioBase(t *testing.T) {
	m, err := egdi.MethodFor(2022)
	if err != nil {
		t.Fatal(err)
	}
	in := scenario()
	b, err := egdi.RawBase(m, in)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Raw[egdi.TII] || !b.Raw[egdi.HCI] || len(b.Carried) != 0 {
		t.Fatalf("raw %v, carried %v", b.Raw, b.Carried)
	}
	r, err := m.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmpScores(b.Scores, r.Scores); diff != "" {
		t.Errorf("base differs from Compute: %s", diff)
	}
	sets := mustSets(t, "EEE.adult_literacy=99", "EEE.mean_schooling=12")
	after, _, err := b.Apply(sets)
	if err != nil {
		t.Fatal(err)
	}
	in2 := in.Clone()
	in2.Set(egdi.AdultLiteracy, 4, 99)
	in2.Set(egdi.MeanSchooling, 4, 12)
	r2, err := m.Compute(in2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmpScores(after, r2.Scores); diff != "" {
		t.Errorf("what-if differs from Compute: %s", diff)
	}
	if _, err := b.WhatIf(mustSets(t, "EEE.hci=0.5")); egdi.ErrorCode(err) != egdi.EINVALID {
		t.Errorf("setting hci where it is recomputed: %v", err)
	}
}

// ExampleBase_WhatIf raises Bahrain's OSI of 2024 to 1 at component level:
// it passes six countries, each of which moves down one place.
func ExampleBase_WhatIf() {
	b, _ := egdi.NewBase(builtin.MustDataset(), 2024, egdi.ComponentLevel)
	s, _ := cliparse.ParseSet("BHR.osi=1")
	res, _ := b.WhatIf([]egdi.Set{s})
	for _, c := range res.Countries {
		fmt.Printf("%s %d → %d\n", c.ISO3, c.RankBefore, c.RankAfter)
	}
	// Output:
	// BHR 18 → 12
	// DEU 12 → 13
	// JPN 13 → 14
	// SWE 14 → 15
	// NOR 15 → 16
	// NZL 16 → 17
	// ESP 17 → 18
}
