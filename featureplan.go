package egdi

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// ItemChange is one unmet item a feature plan implements: its answer
// moves from From ("" when unanswered) to To, the answer worth most.
type ItemChange struct {
	Item   string  `json:"item"`
	From   string  `json:"from"`
	To     string  `json:"to"`
	Effort float64 `json:"effort"`
}

// FeaturePlan is one set of features that reaches a target, verified by
// rescoring the assessment with the changes and recomputing the edition.
type FeaturePlan struct {
	// Name: cheapest (least total effort), fewest_items, or module_CODE
	// (items of one module only).
	Name    string       `json:"name"`
	Reached bool         `json:"reached"`
	Changes []ItemChange `json:"changes"`
	Cost    float64      `json:"cost"`
	Raw     float64      `json:"raw"`
	OSI     float64      `json:"osi"`
	EGDI    float64      `json:"egdi"`
	Rank    int          `json:"rank"`
	Group   Group        `json:"group"`
	Class   string       `json:"class,omitempty"`
}

// FeatureTargetResult is the answer of the feature planner. Rank, EGDI,
// Group, Class and OSI are the country's standing with the assessment's
// current estimate; BestRank is its rank with every item met.
type FeatureTargetResult struct {
	ISO3          ISO3          `json:"iso3"`
	Edition       int           `json:"edition"`
	Assessment    string        `json:"assessment"`
	Questionnaire string        `json:"questionnaire"`
	Target        Target        `json:"target"`
	OSI           float64       `json:"osi"`
	Rank          int           `json:"rank"`
	EGDI          float64       `json:"egdi"`
	Group         Group         `json:"group"`
	Class         string        `json:"class,omitempty"`
	Reachable     bool          `json:"reachable"`
	BestRank      int           `json:"best_rank"`
	Plans         []FeaturePlan `json:"plans"`
	BestGuesses   []Guess       `json:"best_guesses"`
}

// ItemCosts overrides the effort of items (item code → effort > 0); the
// command line reads them with cliparse.ParseItemCosts.
type ItemCosts map[string]float64

// candidate is an unmet item with its gain in raw score and its effort.
type candidate struct {
	item   *Item
	module int
	from   string
	gain   float64
	cost   float64
}

// featurePlanner holds what one call of [Questionnaire.Plan] shares.
type featurePlanner struct {
	q      *Questionnaire
	b      *Base
	i      int
	t      Target
	cal    Calibration
	a      *Assessment
	values map[string]string
}

// rescore returns the scores of the edition with the assessment's answers
// plus changes, and the raw score and OSI estimate that produced them.
func (p *featurePlanner) rescore(changes []candidate) ([]Score, float64, float64, error) {
	vals := make(map[string]string, len(p.values)+len(changes))
	for k, v := range p.values {
		vals[k] = v
	}
	for _, c := range changes {
		vals[c.item.Code] = c.item.Met()
	}
	sh, err := p.q.Shares(vals)
	if err != nil {
		return nil, 0, 0, err
	}
	osi := p.cal.Estimate(sh.Raw).Estimate
	scores, _, err := p.b.Apply([]Set{{ISO3: p.b.Inputs.Countries[p.i], Indicator: OSI, Value: osi}})
	return scores, sh.Raw, osi, err
}

func (p *featurePlanner) plan(name string, changes []candidate) (FeaturePlan, error) {
	scores, raw, osi, err := p.rescore(changes)
	if err != nil {
		return FeaturePlan{}, err
	}
	s := scores[p.i]
	fp := FeaturePlan{Name: name, Reached: p.b.met(scores, p.i, p.t), Changes: []ItemChange{}, Raw: raw, OSI: osi,
		EGDI: s.EGDI, Rank: s.EGDIRank, Group: s.Group, Class: s.RatingClass}
	cs := slices.Clone(changes)
	slices.SortStableFunc(cs, func(x, y candidate) int {
		return cmp.Or(cmp.Compare(x.cost, y.cost), cmp.Compare(y.gain, x.gain), cmp.Compare(x.item.Code, y.item.Code))
	})
	for _, c := range cs {
		fp.Cost += c.cost
		fp.Changes = append(fp.Changes, ItemChange{Item: c.item.Code, From: c.from, To: c.item.Met(), Effort: c.cost})
	}
	fp.Cost = round12(fp.Cost)
	return fp, nil
}

// Plan finds sets of unmet items of an OSI assessment that reach the
// target in b's edition, cheapest first, each verified by rescoring the
// assessment with the items met, mapping the raw score through cal and
// recomputing the whole edition (the what-if path).
//
// The OSI estimate rises with the raw score, and the rank with the OSI, so
// the target fixes the least raw score R* that reaches it (found by
// bisection over the raw score, each step a full recomputation). Meeting
// item k of module m adds gₖ = wₘ·(1 − pointsₖ)/nₘ to the raw score; the
// cheapest plan is the 0/1 knapsack min Σ costₖ subject to Σ gₖ ≥ R* − raw,
// solved exactly by dynamic programming over the costs (in units of 0.1;
// coarser when the costs are very large, see knapsack).
// Other plans: fewest_items (largest gains first) and one per module
// (module_CODE, items of that module only) when it can reach the target.
//
// Errors: EINVALID for a questionnaire that does not estimate the OSI, or
// a target that is not an improvement on the assessment's current
// standing (see [Target]); ENOTFOUND for a country not in the edition. A
// target no set of items reaches is not an error: Reachable is false and
// BestRank is the rank with every item met.
func (q *Questionnaire) Plan(a *Assessment, cal Calibration, b *Base, t Target, costs ItemCosts) (*FeatureTargetResult, error) {
	if q.Index != IndexOSI {
		return nil, Errorf(EINVALID, "Questionnaire %s estimates the %s, which does not enter the EGDI: plans need an OSI questionnaire.", q.ID, strings.ToUpper(q.Index))
	}
	i := b.Index(a.Country)
	if i < 0 {
		return nil, Errorf(ENOTFOUND, "%s was not assessed in edition %d.", a.Country, b.Edition)
	}
	if t.Group != "" {
		if g, ok := ParseGroup(strings.ToLower(string(t.Group))); ok {
			t.Group = g
		}
	}
	t.Class = strings.ToUpper(t.Class)
	p := &featurePlanner{q: q, b: b, i: i, t: t, cal: cal, a: a, values: a.Values()}
	scores, raw0, osi0, err := p.rescore(nil)
	if err != nil {
		return nil, err
	}
	cur := *b
	cur.Scores = scores
	if err := cur.checkTarget(i, t); err != nil {
		return nil, err
	}
	s := scores[i]
	res := &FeatureTargetResult{ISO3: a.Country, Edition: b.Edition, Assessment: a.Name, Questionnaire: q.ID, Target: t,
		OSI: osi0, Rank: s.EGDIRank, EGDI: s.EGDI, Group: s.Group, Class: s.RatingClass, Plans: []FeaturePlan{},
		BestGuesses: append(append([]Guess{}, q.BestGuesses...), cal.BestGuess(),
			Guess{Name: "item_effort", EN: "default effort of each item, 1 (small) to 5 (very large): a best guess; override with --costs",
				AR: "الجهد الافتراضي لكل بند من 1 (صغير) إلى 5 (كبير جدًا): أفضل تقدير؛ يمكن تغييره بـ --costs"})}
	var cands []candidate
	for m, mod := range q.Modules {
		for k := range mod.Items {
			it := &mod.Items[k]
			v := p.values[it.Code]
			pts, _ := it.Points(v)
			if pts >= 1 {
				continue
			}
			c := candidate{item: it, module: m, from: v, gain: mod.Weight * (1 - pts) / float64(len(mod.Items)), cost: it.Effort}
			if x, ok := costs[it.Code]; ok {
				c.cost = x
			}
			cands = append(cands, c)
		}
	}
	all, err := p.plan("every_item", cands)
	if err != nil {
		return nil, err
	}
	res.BestRank = all.Rank
	if !all.Reached {
		res.Plans = append(res.Plans, all)
		return res, nil
	}
	res.Reachable = true
	// The least raw score that reaches the target: bisection between the
	// current raw score (not enough) and the raw score with every item met.
	metAt := func(raw float64) (bool, error) {
		sc, _, err := b.Apply([]Set{{ISO3: a.Country, Indicator: OSI, Value: cal.Estimate(raw).Estimate}})
		if err != nil {
			return false, err
		}
		return b.met(sc, i, t), nil
	}
	lo, hi := raw0, all.Raw
	for range 40 {
		mid := (lo + hi) / 2
		ok, err := metAt(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	need := hi - raw0
	seen := map[string]bool{}
	add := func(name string, chosen []candidate, pool []candidate) error {
		chosen, err := p.complete(chosen, pool)
		if err != nil || chosen == nil {
			return err
		}
		fp, err := p.plan(name, chosen)
		if err != nil || !fp.Reached {
			return err
		}
		key := fmt.Sprint(fp.Changes)
		if seen[key] {
			return nil
		}
		seen[key] = true
		res.Plans = append(res.Plans, fp)
		return nil
	}
	if err := add("cheapest", knapsack(cands, need), cands); err != nil {
		return nil, err
	}
	byGain := slices.Clone(cands)
	slices.SortStableFunc(byGain, func(x, y candidate) int { return cmp.Or(cmp.Compare(y.gain, x.gain), cmp.Compare(x.cost, y.cost)) })
	var few []candidate
	sum := 0.0
	for _, c := range byGain {
		if sum >= need-1e-12 {
			break
		}
		few = append(few, c)
		sum += c.gain
	}
	if err := add("fewest_items", few, byGain); err != nil {
		return nil, err
	}
	for m, mod := range q.Modules {
		var pool []candidate
		for _, c := range cands {
			if c.module == m {
				pool = append(pool, c)
			}
		}
		if len(pool) == 0 {
			continue
		}
		if err := add("module_"+mod.Code, knapsack(pool, need), pool); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(res.Plans, func(x, y FeaturePlan) int { return cmp.Compare(x.Cost, y.Cost) })
	return res, nil
}

// complete verifies chosen and, when rounding leaves it just short of the
// target, adds the remaining items of pool with the best gain per effort
// until it is met; nil when pool cannot reach it.
func (p *featurePlanner) complete(chosen, pool []candidate) ([]candidate, error) {
	if chosen == nil {
		return nil, nil
	}
	rest := slices.Clone(pool)
	slices.SortStableFunc(rest, func(x, y candidate) int { return cmp.Compare(x.cost/x.gain, y.cost/y.gain) })
	in := map[*Item]bool{}
	for _, c := range chosen {
		in[c.item] = true
	}
	for {
		scores, _, _, err := p.rescore(chosen)
		if err != nil {
			return nil, err
		}
		if p.b.met(scores, p.i, p.t) {
			return chosen, nil
		}
		k := slices.IndexFunc(rest, func(c candidate) bool { return !in[c.item] })
		if k < 0 {
			return nil, nil
		}
		in[rest[k].item] = true
		chosen = append(chosen, rest[k])
	}
}

// maxUnits bounds the cost axis of [knapsack] (its table has one bit per
// item and unit): 20,000 units × 165 items is 3.3 MB.
const maxUnits = 20000

// knapsack returns the items of least total cost whose gains sum to at
// least need, or nil when all of them do not. Costs are counted in units
// of u = max(0.1, Σ cost / 20,000) (at least one unit an item): exact for
// the default efforts (integers 1–5) and costs files with one decimal, to
// within u an item otherwise. dp[c] is the largest gain with total cost
// ≤ c units, over items 0..k, and take[k][c] records the choice.
func knapsack(cs []candidate, need float64) []candidate {
	if need <= 0 {
		return []candidate{}
	}
	sum := 0.0
	for _, c := range cs {
		sum += c.cost
	}
	unit := max(0.1, sum/maxUnits)
	units := make([]int, len(cs))
	total := 0
	for k, c := range cs {
		units[k] = max(1, int(math.Round(c.cost/unit)))
		total += units[k]
	}
	dp := make([]float64, total+1)
	take := make([][]bool, len(cs))
	for k, c := range cs {
		take[k] = make([]bool, total+1)
		for u := total; u >= units[k]; u-- {
			if g := dp[u-units[k]] + c.gain; g > dp[u]+1e-15 {
				dp[u] = g
				take[k][u] = true
			}
		}
	}
	best := -1
	for u := 0; u <= total; u++ {
		if dp[u] >= need-1e-12 {
			best = u
			break
		}
	}
	if best < 0 {
		return nil
	}
	out := []candidate{}
	for k, u := len(cs)-1, best; k >= 0; k-- {
		if take[k][u] {
			out = append(out, cs[k])
			u -= units[k]
		}
	}
	return out
}
