package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// TestShares: a rank two countries hold prints as "=r"; one country's
// rank, and no rank, print as before.
func TestShares(t *testing.T) {
	scores := []egdi.Score{
		{ISO3: "AAA", EGDIRank: 1, OSIRank: 2},
		{ISO3: "BBB", EGDIRank: 2, OSIRank: 1},
		{ISO3: "CCC", EGDIRank: 2, OSIRank: 3},
		{ISO3: "DDD", EGDIRank: 4, OSIRank: 3},
	}
	sh := newShares(scores)
	for _, tc := range []struct {
		name, index string
		rank        int
		want        string
	}{
		{"Alone", "egdi", 1, "1"},
		{"Shared", "egdi", 2, "=2"},
		{"AfterShared", "egdi", 4, "4"},
		{"OtherIndex", "osi", 2, "2"},
		{"OtherIndexShared", "osi", 3, "=3"},
		{"NoRank", "epi", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sh.cell(tc.index, tc.rank); got != tc.want {
				t.Errorf("cell(%s, %d) = %q, want %q", tc.index, tc.rank, got, tc.want)
			}
		})
	}
	var none shares
	if got := none.cell("egdi", 2); got != "2" {
		t.Errorf("nil shares: %q", got)
	}
}

// TestSharedRankPrinted: in every published edition, each country whose
// EGDI rank another country holds too shows it as "=r" in `egdi rank`,
// while JSON and CSV keep the number.
func TestSharedRankPrinted(t *testing.T) {
	d := builtin.MustDataset()
	found := 0
	for _, year := range d.Years() {
		count := map[int]int{}
		for _, r := range d.Published[year] {
			if r.Assessed {
				count[r.Rank]++
			}
		}
		for rank, n := range count {
			if n < 2 {
				continue
			}
			found++
			y := strconv.Itoa(year)
			out, errs, code := egdiRun(t, "rank", "--edition", y)
			if code != 0 {
				t.Fatalf("%d: exit %d: %s", year, code, errs)
			}
			lines := 0
			for _, line := range strings.Split(out, "\n") {
				if f := strings.Fields(line); len(f) > 2 && f[1] == "="+strconv.Itoa(rank) {
					lines++
				}
			}
			if lines != n {
				t.Errorf("%d: %d rows show rank =%d, want %d", year, lines, rank, n)
			}
			jout, _, _ := egdiRun(t, "rank", "--edition", y, "--format", "json")
			var rows []map[string]any
			if err := json.Unmarshal([]byte(jout), &rows); err != nil {
				t.Fatal(err)
			}
			numeric := 0
			for _, r := range rows {
				if r["egdi_rank"] == float64(rank) {
					numeric++
				}
			}
			if numeric != n {
				t.Errorf("%d: JSON has %d rows of egdi_rank %d, want %d", year, numeric, rank, n)
			}
			break // one shared rank an edition is enough
		}
	}
	if found == 0 {
		t.Fatal("no published edition has a shared EGDI rank: the test checks nothing")
	}
}

// TestWhatIfUnchangedMove: the case — at raw level, raising
// Bahrain's fixed broadband leaves Singapore's EGDI at 0.9139 and moves it
// from 11 to 12, because the United Kingdom, which shared rank 11 with it,
// rose to 0.9140 and is not in the table (its rank stayed 11). The table
// shows the shared rank and a note says why.
func TestWhatIfUnchangedMove(t *testing.T) {
	args := []string{"whatif", "--edition", "2022", "--level", "raw", "--set", "BHR.fixed_broadband=30"}
	out, errs, code := egdiRun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"SGP   Singapore  0.9139       0.9139  =11          12",
		"note: SGP kept its EGDI (0.9139) and went from rank =11 to 12: GBR, which shared rank 11 with it, moved ahead (EGDI 0.9139 → 0.9140, rank =11 → 11)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Countries passed by Bahrain itself, which the table shows, get no note.
	if strings.Contains(out, "note: UKR") {
		t.Errorf("a note explains a move the table shows:\n%s", out)
	}
	jout, _, _ := egdiRun(t, append(args, "--format", "json")...)
	var res egdi.WhatIfResult
	if err := json.Unmarshal([]byte(jout), &res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "SGP kept its EGDI") || res.Countries[0].RankBefore != 11 {
		t.Errorf("JSON notes %q, first row %+v", res.Notes, res.Countries[0])
	}
}

// TestUnchangedMoves: each way a country can move with its EGDI unchanged,
// on a four-country edition; a move the table shows gets no note.
func TestUnchangedMoves(t *testing.T) {
	m, _ := egdi.MethodFor(2022)
	sc := func(iso egdi.ISO3, v float64, r int) egdi.Score { return egdi.Score{ISO3: iso, EGDI: v, EGDIRank: r} }
	for _, tc := range []struct {
		name          string
		before, after []egdi.Score
		listed        []egdi.WhatIfCountry
		want          string // "" for no note
	}{
		{"SharedThenPassed",
			[]egdi.Score{sc("AAA", 0.9, 1), sc("BBB", 0.8, 2), sc("CCC", 0.8, 2), sc("DDD", 0.1, 4)},
			[]egdi.Score{sc("AAA", 0.9, 1), sc("BBB", 0.8, 3), sc("CCC", 0.8001, 2), sc("DDD", 0.1, 4)},
			[]egdi.WhatIfCountry{{ISO3: "BBB", EGDIBefore: 0.8, EGDIAfter: 0.8, RankBefore: 2, RankAfter: 3}},
			"BBB kept its EGDI (0.8000) and went from rank =2 to 3: CCC, which shared rank 2 with it, moved ahead (EGDI 0.8000 → 0.8001, rank =2 → 2)"},
		{"NowShared",
			[]egdi.Score{sc("AAA", 0.9, 1), sc("BBB", 0.8, 2), sc("CCC", 0.7, 3), sc("DDD", 0.1, 4)},
			[]egdi.Score{sc("AAA", 0.7, 2), sc("BBB", 0.8, 1), sc("CCC", 0.7, 2), sc("DDD", 0.1, 4)},
			[]egdi.WhatIfCountry{{ISO3: "AAA", Changed: true}, {ISO3: "BBB", EGDIBefore: 0.8, EGDIAfter: 0.8, RankBefore: 2, RankAfter: 1},
				{ISO3: "CCC", EGDIBefore: 0.7, EGDIAfter: 0.7, RankBefore: 3, RankAfter: 2}},
			""}, // AAA, which passed them, is in the table
		{"FellBehindHidden",
			[]egdi.Score{sc("AAA", 0.9, 1), sc("BBB", 0.8, 2), sc("CCC", 0.7, 3), sc("DDD", 0.1, 4)},
			[]egdi.Score{sc("AAA", 0.9, 1), sc("BBB", 0.6, 3), sc("CCC", 0.7, 2), sc("DDD", 0.1, 4)},
			[]egdi.WhatIfCountry{{ISO3: "CCC", EGDIBefore: 0.7, EGDIAfter: 0.7, RankBefore: 3, RankAfter: 2}},
			"CCC kept its EGDI (0.7000) and went from rank 3 to 2: BBB fell behind (EGDI 0.8000 → 0.6000, rank 2 → 3)"},
		{"NowSharedHidden",
			[]egdi.Score{sc("AAA", 0.9, 1), sc("BBB", 0.8, 2), sc("CCC", 0.7, 3), sc("DDD", 0.1, 4)},
			[]egdi.Score{sc("AAA", 0.9, 1), sc("BBB", 0.7, 2), sc("CCC", 0.7, 2), sc("DDD", 0.1, 4)},
			[]egdi.WhatIfCountry{{ISO3: "CCC", EGDIBefore: 0.7, EGDIAfter: 0.7, RankBefore: 3, RankAfter: 2}},
			"CCC kept its EGDI (0.7000) and went from rank 3 to =2: BBB now shares rank 2 with it (EGDI 0.8000 → 0.7000, rank 2 → =2)"},
		{"EGDIChanged",
			[]egdi.Score{sc("AAA", 0.9, 1), sc("BBB", 0.8, 2)},
			[]egdi.Score{sc("AAA", 0.7, 2), sc("BBB", 0.8, 1)},
			[]egdi.WhatIfCountry{{ISO3: "AAA", EGDIBefore: 0.9, EGDIAfter: 0.7, RankBefore: 1, RankAfter: 2}},
			""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := unchangedMoves(m, tc.before, tc.after, &egdi.WhatIfResult{Countries: tc.listed})
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("notes %q, want none", got)
			case tc.want != "" && (len(got) != 1 || got[0] != tc.want):
				t.Errorf("notes %q, want %q", got, tc.want)
			}
		})
	}
}
