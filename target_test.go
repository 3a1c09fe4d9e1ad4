package egdi_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/cliparse"
)

// replay applies a plan as a user would, through `egdi whatif --set`
// strings, and returns the country's score after it.
func replay(t testing.TB, b *egdi.Base, c egdi.ISO3, p egdi.Plan) egdi.Score {
	t.Helper()
	var sets []egdi.Set
	for _, ch := range p.Changes {
		s, err := cliparse.ParseSet(string(c) + "." + ch.Indicator + "=" + strconv.FormatFloat(ch.To, 'f', -1, 64))
		if err != nil {
			t.Fatalf("plan %s: %v", p.Name, err)
		}
		sets = append(sets, s)
	}
	scores, _, err := b.Apply(sets)
	if err != nil {
		t.Fatalf("plan %s: %v", p.Name, err)
	}
	return scores[b.Index(c)]
}

// reaches reports whether a score reaches the target in the scores of the
// replayed edition.
func reaches(b *egdi.Base, c egdi.ISO3, p egdi.Plan, s egdi.Score, tg egdi.Target, t testing.TB) bool {
	switch {
	case tg.Rank > 0:
		return s.EGDIRank <= tg.Rank
	case tg.Group != "":
		return groupIndex(s.Group) <= groupIndex(tg.Group)
	case tg.Class != "":
		return s.RatingClass != "" && egdi.ClassRank(s.RatingClass) <= egdi.ClassRank(tg.Class)
	case tg.Beat != "":
		var sets []egdi.Set
		for _, ch := range p.Changes {
			s, _ := cliparse.ParseSet(string(c) + "." + ch.Indicator + "=" + strconv.FormatFloat(ch.To, 'f', -1, 64))
			sets = append(sets, s)
		}
		scores, _, err := b.Apply(sets)
		if err != nil {
			t.Fatal(err)
		}
		return s.EGDIRank < scores[b.Index(tg.Beat)].EGDIRank
	}
	return false
}

func groupIndex(g egdi.Group) int {
	for i, x := range egdi.Groups {
		if x == g {
			return i
		}
	}
	return -1
}

// TestPlanReplays: every plan that says it reaches its target, replayed
// through what-if, reaches it, with the EGDI and rank it reports; at
// component level the cheapest plan costs no more than any one-pillar plan.
func TestPlanReplays(t *testing.T) {
	for _, tc := range []struct {
		name   string
		year   int
		level  egdi.Level
		c      egdi.ISO3
		target egdi.Target
	}{
		{"Bahrain 2024 top 10", 2024, egdi.ComponentLevel, "BHR", egdi.Target{Rank: 10}},
		{"Bahrain 2022 class VH", 2022, egdi.ComponentLevel, "BHR", egdi.Target{Class: "VH"}},
		{"Bahrain 2020 beat the UAE (ordinal)", 2020, egdi.ComponentLevel, "BHR", egdi.Target{Beat: "ARE"}},
		{"India 2022 very high", 2022, egdi.ComponentLevel, "IND", egdi.Target{Group: egdi.VeryHigh}},
		{"Libya 2012 from a zero OSI", 2012, egdi.ComponentLevel, "LBY", egdi.Target{Rank: 150}},
		{"Bhutan 2008 (0.34/0.33/0.33)", 2008, egdi.ComponentLevel, "BTN", egdi.Target{Rank: 100}},
		{"Bahrain 2022 raw top 10", 2022, egdi.RawLevel, "BHR", egdi.Target{Rank: 10}},
		{"Chad 2020 raw middle", 2020, egdi.RawLevel, "TCD", egdi.Target{Group: egdi.Middle}},
		{"Peru 2024 raw beat Chile", 2024, egdi.RawLevel, "PER", egdi.Target{Beat: "CHL"}},
		{"Eritrea 2022 raw rank 150", 2022, egdi.RawLevel, "ERI", egdi.Target{Rank: 150}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := mustBase(t, tc.year, tc.level)
			res, err := b.Plan(tc.c, tc.target, egdi.DefaultCosts(b))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Reachable || len(res.Plans) == 0 {
				t.Fatalf("not reachable: %+v", res)
			}
			cheapest := math.Inf(1)
			for _, p := range res.Plans {
				if !p.Reached {
					continue
				}
				s := replay(t, b, tc.c, p)
				if !reaches(b, tc.c, p, s, tc.target, t) {
					t.Errorf("plan %s %v replays to rank %d, EGDI %v, %s %s: target %s missed", p.Name, p.Changes, s.EGDIRank, s.EGDI,
						s.Group, s.RatingClass, tc.target)
				}
				if s.EGDIRank != p.Rank || s.EGDI != p.EGDI {
					t.Errorf("plan %s says rank %d EGDI %v; replay gives %d %v", p.Name, p.Rank, p.EGDI, s.EGDIRank, s.EGDI)
				}
				if len(p.Changes) == 0 || p.Cost <= 0 {
					t.Errorf("plan %s: %d changes at cost %v", p.Name, len(p.Changes), p.Cost)
				}
				for _, ch := range p.Changes {
					if ch.To <= ch.From {
						t.Errorf("plan %s lowers %s", p.Name, ch.Indicator)
					}
				}
				if p.Name == "cheapest" {
					cheapest = p.Cost
				} else if tc.level == egdi.ComponentLevel && p.Cost < cheapest-1e-6 {
					t.Errorf("plan %s costs %v, less than the cheapest %v", p.Name, p.Cost, cheapest)
				}
			}
			if res.BestRank > res.Rank || res.BestRank < 1 {
				t.Errorf("best rank %d, baseline rank %d", res.BestRank, res.Rank)
			}
		})
	}
}

// TestPlanEveryCountry plans ten places up for every country of 2022 at
// component level and checks each reached plan by replay, and the time.
func TestPlanEveryCountry(t *testing.T) {
	if testing.Short() {
		t.Skip("193 plans")
	}
	b := mustBase(t, 2022, egdi.ComponentLevel)
	costs := egdi.DefaultCosts(b)
	var slowest time.Duration
	for _, s := range b.Scores {
		if s.EGDIRank <= 1 {
			continue
		}
		tg := egdi.Target{Rank: max(1, s.EGDIRank-10)}
		start := time.Now()
		res, err := b.Plan(s.ISO3, tg, costs)
		slowest = max(slowest, time.Since(start)/time.Duration(max(1, len(res.Plans))))
		if err != nil {
			t.Fatalf("%s: %v", s.ISO3, err)
		}
		for _, p := range res.Plans {
			if p.Reached && !reaches(b, s.ISO3, p, replay(t, b, s.ISO3, p), tg, t) {
				t.Errorf("%s plan %s misses %s", s.ISO3, p.Name, tg)
			}
		}
		if !res.Reachable {
			t.Errorf("%s: ten places up unreachable (best rank %d)", s.ISO3, res.BestRank)
		}
	}
	t.Logf("slowest plan: %v (measured by BenchmarkPlan; not asserted here)", slowest)
}

// TestPlanUnreachable: a target beyond every ceiling says so and gives the
// best rank reachable.
func TestPlanUnreachable(t *testing.T) {
	b := mustBase(t, 2024, egdi.ComponentLevel)
	costs := egdi.DefaultCosts(b)
	for _, ind := range []egdi.Indicator{egdi.OSI, egdi.TII, egdi.HCI} {
		costs[ind].Max = b.Inputs.Get(ind, b.Index("TCD")) + 0.02
	}
	res, err := b.Plan("TCD", egdi.Target{Rank: 1}, costs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reachable || res.BestRank <= 1 || res.BestRank > res.Rank {
		t.Errorf("reachable %v, best rank %d (baseline %d)", res.Reachable, res.BestRank, res.Rank)
	}
	for _, p := range res.Plans {
		if p.Reached {
			t.Errorf("plan %s says reached", p.Name)
		}
	}
	// A single pillar may fail where all together succeed.
	res, err = b.Plan("TCD", egdi.Target{Group: egdi.High}, egdi.DefaultCosts(b))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range res.Plans {
		got[p.Name] = p.Reached
	}
	if !got["cheapest"] {
		t.Errorf("Chad to the high group with every pillar: %+v", res.Plans)
	}
}

// TestPlanErrors: contradictory targets are EINVALID (or ENOTFOUND).
func TestPlanErrors(t *testing.T) {
	b20 := mustBase(t, 2020, egdi.ComponentLevel)
	b18 := mustBase(t, 2018, egdi.ComponentLevel)
	for _, tc := range []struct {
		name string
		base *egdi.Base
		c    egdi.ISO3
		tg   egdi.Target
		code string
		msg  string
	}{
		{"ErrNoTarget", b20, "BHR", egdi.Target{}, egdi.EINVALID, "exactly one target"},
		{"ErrTwoTargets", b20, "BHR", egdi.Target{Rank: 5, Group: egdi.VeryHigh}, egdi.EINVALID, "exactly one target"},
		{"ErrRankNotBetter", b20, "BHR", egdi.Target{Rank: 100}, egdi.EINVALID, "not an improvement"},
		{"ErrRankOutOfRange", b20, "BHR", egdi.Target{Rank: 500}, egdi.EINVALID, "not a rank"},
		{"ErrGroupAlready", b20, "BHR", egdi.Target{Group: egdi.High}, egdi.EINVALID, "already in the very_high group"},
		{"ErrUnknownGroup", b20, "BHR", egdi.Target{Group: "top"}, egdi.EINVALID, "Unknown group"},
		{"ErrUnknownClass", b20, "BHR", egdi.Target{Class: "XX"}, egdi.EINVALID, "Unknown rating class"},
		{"ErrNoClassesBefore2020", b18, "BHR", egdi.Target{Class: "VH"}, egdi.EINVALID, "no rating classes"},
		{"ErrBeatSelf", b20, "BHR", egdi.Target{Beat: "BHR"}, egdi.EINVALID, "itself"},
		{"ErrBeatBehind", b20, "BHR", egdi.Target{Beat: "TCD"}, egdi.EINVALID, "already ahead"},
		{"ErrBeatUnknown", b20, "BHR", egdi.Target{Beat: "XXX"}, egdi.ENOTFOUND, "not assessed"},
		{"ErrCountryUnknown", b20, "XXX", egdi.Target{Rank: 1}, egdi.ENOTFOUND, "not assessed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.base.Plan(tc.c, tc.tg, egdi.DefaultCosts(tc.base))
			if egdi.ErrorCode(err) != tc.code || !strings.Contains(egdi.ErrorMessage(err), tc.msg) {
				t.Errorf("got %v (%s), want %s containing %q", err, egdi.ErrorCode(err), tc.code, tc.msg)
			}
		})
	}
}

// BenchmarkPlan measures one plan (the four families of one target),
// cycling through every country: the target is ten places up.
func BenchmarkPlan(b *testing.B) {
	for _, tc := range []struct {
		year  int
		level egdi.Level
	}{{2024, egdi.ComponentLevel}, {2022, egdi.RawLevel}} {
		b.Run(fmt.Sprintf("%d-%s", tc.year, tc.level), func(b *testing.B) {
			base := mustBase(b, tc.year, tc.level)
			costs := egdi.DefaultCosts(base)
			k := 0
			var slowest time.Duration
			for b.Loop() {
				s := base.Scores[k%len(base.Scores)]
				k++
				if s.EGDIRank == 1 {
					continue
				}
				start := time.Now()
				if _, err := base.Plan(s.ISO3, egdi.Target{Rank: max(1, s.EGDIRank-10)}, costs); err != nil {
					b.Fatal(err)
				}
				slowest = max(slowest, time.Since(start))
			}
			b.ReportMetric(float64(slowest.Microseconds())/1000, "ms-slowest-target")
		})
	}
}
