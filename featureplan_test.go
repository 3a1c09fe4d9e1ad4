package egdi_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// replayFeatures answers a plan's items on a copy of the assessment, as a
// user would with `egdi assessment answer`, and rescores it in the edition.
func replayFeatures(t testing.TB, q *egdi.Questionnaire, a *egdi.Assessment, cal egdi.Calibration, b *egdi.Base, p egdi.FeaturePlan) (*egdi.SelfScore, []egdi.Score) {
	t.Helper()
	c := *a
	c.Answers = slices.Clone(a.Answers)
	for _, ch := range p.Changes {
		if x := c.Answer(ch.Item); x != nil {
			if x.Value != ch.From {
				t.Fatalf("plan %s: %s is %q, the plan says from %q", p.Name, ch.Item, x.Value, ch.From)
			}
			x.Value = ch.To
		} else {
			c.Answers = append(c.Answers, egdi.Answer{Item: ch.Item, Value: ch.To})
		}
	}
	if err := q.Check(&c); err != nil {
		t.Fatal(err)
	}
	s, err := q.Score(&c, egdi.Calibrations{egdi.IndexOSI: cal}, b)
	if err != nil {
		t.Fatal(err)
	}
	scores, _, err := b.Apply(s.Sets(0))
	if err != nil {
		t.Fatal(err)
	}
	return s, scores
}

func reachesTarget(b *egdi.Base, scores []egdi.Score, c egdi.ISO3, tg egdi.Target) bool {
	s := scores[b.Index(c)]
	switch {
	case tg.Rank > 0:
		return s.EGDIRank <= tg.Rank
	case tg.Group != "":
		return groupIndex(s.Group) <= groupIndex(tg.Group)
	case tg.Class != "":
		return s.RatingClass != "" && egdi.ClassRank(s.RatingClass) <= egdi.ClassRank(tg.Class)
	case tg.Beat != "":
		return s.EGDIRank < scores[b.Index(tg.Beat)].EGDIRank
	}
	return false
}

// TestFeaturePlanReplays: over many countries of 2024 (every fourth), with
// assessments drawn at random and calibrated or not, and targets of every
// kind, each plan replayed by answering its items reaches its target, the
// plans come cheapest first, and an unreachable target gives the best
// rank with every item met.
func TestFeaturePlanReplays(t *testing.T) {
	d := builtin.MustDataset()
	b, err := egdi.NewBase(d, 2024, egdi.ComponentLevel)
	if err != nil {
		t.Fatal(err)
	}
	q := synthQuestionnaire()
	cals := []egdi.Calibration{egdi.DefaultCalibration(egdi.IndexOSI), {Index: egdi.IndexOSI, Intercept: 0.1, Slope: 0.9, HalfWidth: 0.05}}
	r := rand.New(rand.NewPCG(12, 1))
	plans, unreachable, countries := 0, 0, 0
	for k, c := range b.Inputs.Countries {
		if k%4 != 0 {
			continue
		}
		share := r.Float64()
		a := assess(q, "a", c, func(int, *egdi.Item) int {
			if r.Float64() < share {
				return 0 // the first answer: yes or none
			}
			return 1
		})
		for i := range a.Answers {
			if a.Answers[i].Value == "none" && r.IntN(2) == 0 {
				a.Answers[i].Value = "full"
			}
		}
		cal := cals[k%2]
		s, err := q.Score(a, egdi.Calibrations{egdi.IndexOSI: cal}, b)
		if err != nil {
			t.Fatal(err)
		}
		countries++
		var targets []egdi.Target
		if s.Rank > 1 {
			targets = append(targets, egdi.Target{Rank: max(1, s.Rank-1-r.IntN(30))}, egdi.Target{Rank: 1})
			ahead := b.Inputs.Countries[r.IntN(len(b.Inputs.Countries))]
			targets = append(targets, egdi.Target{Beat: ahead})
		}
		if s.Group != egdi.Groups[0] {
			targets = append(targets, egdi.Target{Group: egdi.Groups[0]})
		}
		if s.Class != "" && s.Class != "VH" {
			targets = append(targets, egdi.Target{Class: "VH"})
		}
		for _, tg := range targets {
			res, err := q.Plan(a, cal, b, tg, nil)
			if err != nil {
				if egdi.ErrorCode(err) == egdi.EINVALID && strings.Contains(egdi.ErrorMessage(err), "already") {
					continue // e.g. --beat a country already behind
				}
				t.Fatalf("%s %s: %v", c, tg, err)
			}
			if !res.Reachable {
				unreachable++
				if len(res.Plans) != 1 || res.Plans[0].Reached || res.Plans[0].Rank != res.BestRank {
					t.Errorf("%s %s unreachable: plans %+v, best rank %d", c, tg, res.Plans, res.BestRank)
				}
				_, scores := replayFeatures(t, q, a, cal, b, res.Plans[0])
				if reachesTarget(b, scores, c, tg) || scores[b.Index(c)].EGDIRank != res.BestRank {
					t.Errorf("%s %s: every item met gives rank %d, result says best %d", c, tg, scores[b.Index(c)].EGDIRank, res.BestRank)
				}
				continue
			}
			if len(res.Plans) == 0 || res.Plans[0].Name != "cheapest" && res.Plans[0].Cost > res.Plans[len(res.Plans)-1].Cost {
				t.Errorf("%s %s: plans not cheapest first: %+v", c, tg, res.Plans)
			}
			for i, p := range res.Plans {
				plans++
				if i > 0 && p.Cost < res.Plans[i-1].Cost {
					t.Errorf("%s %s: plan %s costs %g, less than the one before", c, tg, p.Name, p.Cost)
				}
				if len(p.Changes) == 0 {
					t.Errorf("%s %s: plan %s has no changes", c, tg, p.Name)
				}
				ss, scores := replayFeatures(t, q, a, cal, b, p)
				if !reachesTarget(b, scores, c, tg) {
					t.Errorf("%s %s: plan %s replayed gives rank %d, does not reach the target", c, tg, p.Name, ss.Rank)
				}
				if ss.Rank != p.Rank {
					t.Errorf("%s %s: plan %s says rank %d, replay gives %d", c, tg, p.Name, p.Rank, ss.Rank)
				}
			}
		}
	}
	if countries < 40 || plans < 100 || unreachable == 0 {
		t.Errorf("too few cases: %d countries, %d plans, %d unreachable", countries, plans, unreachable)
	}
	t.Logf("%d countries, %d plans replayed, %d unreachable targets", countries, plans, unreachable)
}

// TestFeaturePlanCheapestIsOptimal: on a small case, the cheapest plan
// costs no more than any subset of unmet items that reaches the target
// (checked by enumerating every subset of 12 items).
func TestFeaturePlanCheapestIsOptimal(t *testing.T) {
	d := builtin.MustDataset()
	b, err := egdi.NewBase(d, 2024, egdi.ComponentLevel)
	if err != nil {
		t.Fatal(err)
	}
	q := synthQuestionnaire()
	// Meet everything except 12 items spread over the modules.
	open := map[string]bool{}
	for _, code := range []string{"IF-001", "IF-002", "IF-003", "CP-001", "CP-002", "SP-001", "SP-002", "SP-003", "EPART-001", "EPART-002", "TEC-001", "TEC-002"} {
		open[code] = true
	}
	a := assess(q, "a", "BHR", func(k int, it *egdi.Item) int {
		if open[it.Code] {
			return unmet(k, it)
		}
		return met(k, it)
	})
	cal := egdi.DefaultCalibration(egdi.IndexOSI)
	s, err := q.Score(a, egdi.Calibrations{egdi.IndexOSI: cal}, b)
	if err != nil {
		t.Fatal(err)
	}
	tg := egdi.Target{Rank: s.Rank - 3}
	res, err := q.Plan(a, cal, b, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Reachable {
		t.Fatalf("rank %d unreachable from %d", tg.Rank, s.Rank)
	}
	codes := slices.Sorted(func(yield func(string) bool) {
		for c := range open {
			if !yield(c) {
				return
			}
		}
	})
	best := -1.0
	for mask := 1; mask < 1<<len(codes); mask++ {
		var p egdi.FeaturePlan
		cost := 0.0
		for j, c := range codes {
			if mask&(1<<j) != 0 {
				it, _ := q.Item(c)
				p.Changes = append(p.Changes, egdi.ItemChange{Item: c, From: it.Unmet(), To: it.Met()})
				cost += it.Effort
			}
		}
		if best >= 0 && cost >= best {
			continue
		}
		if _, scores := replayFeatures(t, q, a, cal, b, p); reachesTarget(b, scores, "BHR", tg) {
			best = cost
		}
	}
	if res.Plans[0].Name != "cheapest" || res.Plans[0].Cost != best {
		t.Errorf("first plan %s costs %g, the cheapest subset costs %g", res.Plans[0].Name, res.Plans[0].Cost, best)
	}
}

// TestFeaturePlanHugeCosts: costs a million times the defaults keep the
// knapsack table small and still give verified plans, cheapest first.
func TestFeaturePlanHugeCosts(t *testing.T) {
	b, _ := egdi.NewBase(builtin.MustDataset(), 2024, egdi.ComponentLevel)
	q := synthQuestionnaire()
	a := assess(q, "a", "BHR", firstN(100))
	costs := egdi.ItemCosts{}
	for _, m := range q.Modules {
		for _, it := range m.Items {
			costs[it.Code] = it.Effort * 1e6
		}
	}
	cal := egdi.DefaultCalibration(egdi.IndexOSI)
	res, err := q.Plan(a, cal, b, egdi.Target{Rank: 25}, costs)
	if err != nil || !res.Reachable || len(res.Plans) == 0 {
		t.Fatalf("plan: %v %+v", err, res)
	}
	small, _ := q.Plan(a, cal, b, egdi.Target{Rank: 25}, nil)
	// No plan costs less than the exact optimum (the default efforts, ×1e6);
	// the coarser units (u = Σ cost / 20,000) lose at most u an item.
	sum := 0.0
	for _, c := range costs {
		sum += c
	}
	lo, got := small.Plans[0].Cost*1e6, res.Plans[0].Cost
	if got < lo-1e-6 || got > lo+float64(len(res.Plans[0].Changes))*sum/20000 {
		t.Errorf("cheapest cost %g, want within [%g, %g + %d·u]", got, lo, lo, len(res.Plans[0].Changes))
	}
	for _, p := range res.Plans {
		if _, scores := replayFeatures(t, q, a, cal, b, p); !reachesTarget(b, scores, "BHR", egdi.Target{Rank: 25}) {
			t.Errorf("plan %s does not reach rank 25", p.Name)
		}
	}
}

func TestFeaturePlanErrors(t *testing.T) {
	d := builtin.MustDataset()
	b, _ := egdi.NewBase(d, 2024, egdi.ComponentLevel)
	q := synthQuestionnaire()
	a := assess(q, "a", "BHR", firstN(100))
	cal := egdi.DefaultCalibration(egdi.IndexOSI)
	epi := *q
	epi.Index = egdi.IndexEPI
	for _, tc := range []struct {
		name string
		q    *egdi.Questionnaire
		a    *egdi.Assessment
		tg   egdi.Target
		code string
	}{
		{"ErrNotOSI", &epi, a, egdi.Target{Rank: 1}, egdi.EINVALID},
		{"ErrTwoTargets", q, a, egdi.Target{Rank: 1, Group: "very_high"}, egdi.EINVALID},
		{"ErrAlreadyThere", q, assess(q, "b", "BHR", met), egdi.Target{Rank: 150}, egdi.EINVALID},
		{"ErrCountryNotInEdition", q, assess(q, "c", "XXX", met), egdi.Target{Rank: 1}, egdi.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.q.Plan(tc.a, cal, b, tc.tg, nil); egdi.ErrorCode(err) != tc.code {
				t.Errorf("err = %v, want %s", err, tc.code)
			}
		})
	}
}

// BenchmarkScoreAssessment: scoring one 165-item assessment (target ≤ 1 ms).
func BenchmarkScoreAssessment(bm *testing.B) {
	q := synthQuestionnaire()
	a := assess(q, "a", "BHR", firstN(100))
	for bm.Loop() {
		if _, err := q.Score(a, nil, nil); err != nil {
			bm.Fatal(err)
		}
	}
}

// BenchmarkScoreAssessmentInEdition: scoring and carrying into 2024
// (three recomputations of the edition, for the estimate and its range).
func BenchmarkScoreAssessmentInEdition(bm *testing.B) {
	b, _ := egdi.NewBase(builtin.MustDataset(), 2024, egdi.ComponentLevel)
	q := synthQuestionnaire()
	a := assess(q, "a", "BHR", firstN(100))
	for bm.Loop() {
		if _, err := q.Score(a, nil, b); err != nil {
			bm.Fatal(err)
		}
	}
}

// BenchmarkFeaturePlan: the feature plans to rank 25 (reachable) for an assessment
// meeting 100 of 165 items (target ≤ 500 ms).
func BenchmarkFeaturePlan(bm *testing.B) {
	b, _ := egdi.NewBase(builtin.MustDataset(), 2024, egdi.ComponentLevel)
	q := synthQuestionnaire()
	a := assess(q, "a", "BHR", firstN(100))
	cal := egdi.DefaultCalibration(egdi.IndexOSI)
	for bm.Loop() {
		if _, err := q.Plan(a, cal, b, egdi.Target{Rank: 25}, nil); err != nil {
			bm.Fatal(err)
		}
	}
}
