package egdi

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Target is what a country aims for in an edition. Exactly one field is set.
type Target struct {
	Rank  int    `json:"rank,omitempty"`  // an EGDI rank of Rank or better
	Group Group  `json:"group,omitempty"` // this EGDI group or a higher one
	Class string `json:"class,omitempty"` // this rating class or a better one (from 2020)
	Beat  ISO3   `json:"beat,omitempty"`  // a rank strictly better than this country's
}

// String describes the target as the CLI flags do.
func (t Target) String() string {
	switch {
	case t.Rank > 0:
		return "--rank " + strconv.Itoa(t.Rank)
	case t.Group != "":
		return "--group " + string(t.Group)
	case t.Class != "":
		return "--class " + t.Class
	case t.Beat != "":
		return "--beat " + string(t.Beat)
	}
	return "no target"
}

// Cost is the effort model of one input: the effort of raising it by one
// unit of its own scale, and the highest value a plan may give it.
type Cost struct {
	PerUnit float64 `json:"cost"`
	Max     float64 `json:"max"`
}

// Costs is the effort model of every input, by [Indicator].
type Costs [NumIndicators]Cost

// Default effort per unit of each input. The unit is the input's own:
// one index point is 1.0 of an index (so 0.01 of OSI costs 1), one
// percentage point, one subscription per 100 inhabitants, one year of
// schooling. They are relative efforts, not money: an OSI point (services
// online) and a TII point cost the same, an HCI point half again as much
// because education moves slowly; a fixed-broadband subscription costs four
// mobile ones (wiring against spectrum); a year of mean schooling of
// adults costs twice a year of expected schooling of children. Override
// them with a costs file (cliparse.ParseCosts reads one).
var defaultCost = [NumIndicators]float64{
	InternetUsers: 1, MobileSubscriptions: 0.5, ActiveMobileBroadband: 0.5, FixedBroadband: 2,
	FixedTelephone: 1, WirelessBroadband: 0.5,
	AdultLiteracy: 3, GrossEnrolment: 2, ExpectedSchooling: 20, MeanSchooling: 40,
	OSIPoints: 0, EPIPoints: 0,
	OSI: 100, TII: 100, HCI: 150, EPI: 100,
}

// DefaultCosts returns the default effort model of a base. Bounds
// (realistic ceilings, not the impossibility bounds of [Indicator.Bounds]):
//
//   - percentages (Internet users, literacy, gross enrolment): 100;
//   - subscriptions per 100 inhabitants: the edition's TII cap (120 from
//     2020), since more counts for nothing; before 2020, with no cap, the
//     larger of 120 and the highest value any country of the base has —
//     no plan asks for more than the world's best;
//   - indices (OSI, TII, HCI, EPI): 1;
//   - expected years of schooling 18, mean years of schooling 15.
func DefaultCosts(b *Base) Costs {
	var c Costs
	for i := range c {
		ind := Indicator(i)
		c[i].PerUnit = defaultCost[i]
		switch ind {
		case InternetUsers, AdultLiteracy, GrossEnrolment:
			c[i].Max = 100
		case MobileSubscriptions, ActiveMobileBroadband, FixedBroadband, FixedTelephone, WirelessBroadband:
			if b != nil && b.Method.TII.Cap > 0 {
				c[i].Max = b.Method.TII.Cap
			} else {
				c[i].Max = 120
				if b != nil {
					for _, v := range b.Inputs.Values[ind] {
						if v > c[i].Max {
							c[i].Max = v
						}
					}
				}
			}
		case ExpectedSchooling:
			c[i].Max = 18
		case MeanSchooling:
			c[i].Max = 15
		case OSIPoints, EPIPoints:
			c[i].Max = 0
		default:
			c[i].Max = 1
		}
	}
	return c
}

// PlanChange is one input a plan changes. Indicator is a what-if input
// name, so a plan replays with `egdi whatif --set ISO3.indicator=to`.
type PlanChange struct {
	Indicator string  `json:"indicator"`
	From      float64 `json:"from"`
	To        float64 `json:"to"`
}

// Plan is one way to reach a target, verified by recomputing the whole
// edition with its changes.
type Plan struct {
	// Name: cheapest (every input), online_services (OSI), infrastructure
	// (TII or its raw inputs), human_capital (HCI or its raw inputs).
	Name    string       `json:"name"`
	Reached bool         `json:"reached"`
	Changes []PlanChange `json:"changes"`
	Cost    float64      `json:"cost"`
	EGDI    float64      `json:"egdi"`
	Rank    int          `json:"rank"`
	Group   Group        `json:"group"`
	Class   string       `json:"class,omitempty"`
}

// TargetResult is the answer of the target planner.
type TargetResult struct {
	ISO3    ISO3   `json:"iso3"`
	Edition int    `json:"edition"`
	Level   Level  `json:"level"`
	Target  Target `json:"target"`
	// Rank, EGDI, Group and Class are the country's baseline.
	Rank  int     `json:"rank"`
	EGDI  float64 `json:"egdi"`
	Group Group   `json:"group"`
	Class string  `json:"class,omitempty"`
	// Reachable is true when some plan reaches the target. BestRank is the
	// best rank reachable with every input at its ceiling.
	Reachable bool     `json:"reachable"`
	BestRank  int      `json:"best_rank"`
	Plans     []Plan   `json:"plans"`
	Notes     []string `json:"notes,omitempty"`
}

// family is a plan's name and the inputs it may change.
type family struct {
	name   string
	inputs []Indicator
}

// families returns the plan families of country i at the base's level.
func (b *Base) families(c ISO3) []family {
	var online, infra, human []Indicator
	for _, ind := range b.Settable(c) {
		switch ind {
		case OSI:
			online = append(online, ind)
		case EPI:
		case TII:
			infra = append(infra, ind)
		case HCI, AdultLiteracy, GrossEnrolment, ExpectedSchooling, MeanSchooling:
			human = append(human, ind)
		default:
			infra = append(infra, ind)
		}
	}
	all := slices.Concat(online, infra, human)
	return []family{{"cheapest", all}, {"online_services", online}, {"infrastructure", infra}, {"human_capital", human}}
}

// checkTarget returns an EINVALID (or ENOTFOUND) error when the target is
// not one improvement over the country's baseline.
func (b *Base) checkTarget(i int, t Target) error {
	s := b.Scores[i]
	n := 0
	for _, set := range []bool{t.Rank != 0, t.Group != "", t.Class != "", t.Beat != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return Errorf(EINVALID, "Give exactly one target: --rank N, --group very_high, --class VH or --beat ISO3 (%d given).", n)
	}
	switch {
	case t.Rank != 0:
		if t.Rank < 1 || t.Rank > len(b.Scores) {
			return Errorf(EINVALID, "--rank %d is not a rank of edition %d (1 to %d).", t.Rank, b.Edition, len(b.Scores))
		}
		if s.EGDIRank <= t.Rank {
			return Errorf(EINVALID, "%s is already ranked %d in %d: --rank %d is not an improvement.", s.ISO3, s.EGDIRank, b.Edition, t.Rank)
		}
	case t.Group != "":
		g, ok := ParseGroup(string(t.Group))
		if !ok {
			return Errorf(EINVALID, "Unknown group %q: choose very_high, high, middle or low.", t.Group)
		}
		if slices.Index(Groups, s.Group) <= slices.Index(Groups, g) {
			return Errorf(EINVALID, "%s is already in the %s group in %d: --group %s is not an improvement.", s.ISO3, s.Group, b.Edition, g)
		}
	case t.Class != "":
		if !b.Method.RatingClasses {
			return Errorf(EINVALID, "Edition %d has no rating classes (they start in 2020): use --rank or --group.", b.Edition)
		}
		k := ClassRank(t.Class)
		if k < 0 {
			return Errorf(EINVALID, "Unknown rating class %q: choose one of VH, V3, V2, V1, HV, H3, … L1.", t.Class)
		}
		if ClassRank(s.RatingClass) <= k {
			return Errorf(EINVALID, "%s is already in class %s in %d: --class %s is not an improvement.", s.ISO3, s.RatingClass, b.Edition, t.Class)
		}
	case t.Beat != "":
		j := b.Index(t.Beat)
		if j < 0 {
			return Errorf(ENOTFOUND, "%s was not assessed in edition %d.", t.Beat, b.Edition)
		}
		if j == i {
			return Errorf(EINVALID, "--beat names the country itself (%s).", t.Beat)
		}
		if s.EGDIRank < b.Scores[j].EGDIRank {
			return Errorf(EINVALID, "%s (rank %d) is already ahead of %s (rank %d) in %d.", s.ISO3, s.EGDIRank, t.Beat, b.Scores[j].EGDIRank, b.Edition)
		}
	}
	return nil
}

// met reports whether country i reaches the target in scores.
func (b *Base) met(scores []Score, i int, t Target) bool {
	s := scores[i]
	switch {
	case t.Rank != 0:
		return s.EGDIRank <= t.Rank
	case t.Group != "":
		return slices.Index(Groups, s.Group) <= slices.Index(Groups, t.Group)
	case t.Class != "":
		return s.RatingClass != "" && ClassRank(s.RatingClass) <= ClassRank(t.Class)
	case t.Beat != "":
		return s.EGDIRank < scores[b.Index(t.Beat)].EGDIRank
	}
	return false
}

// Plan finds, for each plan family, the least-effort change of the
// country's inputs that reaches the target, and verifies it by recomputing
// the whole edition through [Base.Apply] (the what-if code path).
//
// At component level the EGDI is linear in the components, so the least
// effort to reach a given EGDI is a fractional knapsack: raise the
// components in order of cost per EGDI point (cost/weight), each up to its
// ceiling. The EGDI to reach is the smallest published value that meets
// the target with every other country fixed, found by bisection over the
// values that matter (the others' values, one unit above them, the group
// cut-offs). At raw level others move with the country (z-scores and
// min–max), so the plan is a greedy walk: repeatedly raise the input with
// the best EGDI gain per unit of effort by a step of its room, and bisect
// the last step; each step is recomputed in full.
//
// Target values are rounded up (to the index's published digits, or to
// 0.01 of a raw input) so that a plan reads and replays as printed.
// Errors: EINVALID for a contradictory target (see [Target]); a target no
// plan reaches is not an error: Reachable is false and BestRank says how
// far the country can get.
func (b *Base) Plan(c ISO3, t Target, costs Costs) (*TargetResult, error) {
	i := b.Index(c)
	if i < 0 {
		return nil, Errorf(ENOTFOUND, "%s was not assessed in edition %d.", c, b.Edition)
	}
	if t.Group != "" {
		g, _ := ParseGroup(strings.ToLower(string(t.Group)))
		if g != "" {
			t.Group = g
		}
	}
	t.Class = strings.ToUpper(t.Class)
	if err := b.checkTarget(i, t); err != nil {
		return nil, err
	}
	s := b.Scores[i]
	res := &TargetResult{ISO3: c, Edition: b.Edition, Level: b.Level, Target: t, Rank: s.EGDIRank, EGDI: s.EGDI,
		Group: s.Group, Class: s.RatingClass, Plans: []Plan{}, Notes: b.Notes}
	for _, f := range b.families(c) {
		if len(f.inputs) == 0 {
			continue
		}
		p, best, err := b.plan(i, t, f, costs)
		if err != nil {
			return nil, err
		}
		if f.name == "cheapest" {
			res.BestRank = best
		}
		if p.Reached {
			res.Reachable = true
		}
		res.Plans = append(res.Plans, p)
	}
	return res, nil
}

// plan computes one plan; best is the rank with every input of the family
// at its ceiling.
func (b *Base) plan(i int, t Target, f family, costs Costs) (Plan, int, error) {
	from := make([]float64, len(f.inputs))
	hi := make([]float64, len(f.inputs))
	for k, ind := range f.inputs {
		from[k] = b.Inputs.Get(ind, i)
		hi[k] = max(from[k], costs[ind].Max)
	}
	// The ceiling: every input at its bound.
	top, err := b.evaluate(i, f.inputs, from, hi, costs)
	if err != nil {
		return Plan{}, 0, err
	}
	if !b.met(top.scores, i, t) {
		p := top.plan(f.name, false)
		return p, top.scores[i].EGDIRank, nil
	}
	var to []float64
	if b.Level == ComponentLevel {
		to, err = b.planLinear(i, t, f.inputs, from, hi, costs)
	} else {
		to, err = b.planGreedy(i, t, f.inputs, from, hi, costs)
	}
	if err != nil {
		return Plan{}, 0, err
	}
	if to == nil { // no verified plan below the ceiling: the ceiling is one
		return top.plan(f.name, true), top.scores[i].EGDIRank, nil
	}
	ev, err := b.evaluate(i, f.inputs, from, to, costs)
	if err != nil {
		return Plan{}, 0, err
	}
	return ev.plan(f.name, true), top.scores[i].EGDIRank, nil
}

// evaluation is a candidate plan recomputed in full.
type evaluation struct {
	i       int
	inputs  []Indicator
	from    []float64
	to      []float64
	cost    float64
	scores  []Score
	changed bool
}

func (e *evaluation) plan(name string, reached bool) Plan {
	s := e.scores[e.i]
	p := Plan{Name: name, Reached: reached, Changes: []PlanChange{}, Cost: round12(e.cost), EGDI: s.EGDI, Rank: s.EGDIRank,
		Group: s.Group, Class: s.RatingClass}
	for k, ind := range e.inputs {
		if e.to[k] != e.from[k] {
			p.Changes = append(p.Changes, PlanChange{Indicator: ind.String(), From: e.from[k], To: e.to[k]})
		}
	}
	return p
}

// evaluate recomputes the edition with the country's inputs set to to.
func (b *Base) evaluate(i int, inputs []Indicator, from, to []float64, costs Costs) (*evaluation, error) {
	e := &evaluation{i: i, inputs: inputs, from: from, to: slices.Clone(to)}
	var sets []Set
	for k, ind := range inputs {
		if to[k] != from[k] {
			sets = append(sets, Set{ISO3: b.Inputs.Countries[i], Indicator: ind, Value: to[k]})
			e.cost += costs[ind].PerUnit * (to[k] - from[k])
		}
	}
	scores, changed, err := b.Apply(sets)
	if err != nil {
		return nil, err
	}
	e.scores, e.changed = scores, changed[i]
	return e, nil
}

// roundUp rounds v up to the input's display step (an index's published
// digits, 0.01 of a raw input), without passing hi.
func (b *Base) roundUp(ind Indicator, v, hi float64) float64 {
	d := 2
	if ind.IsIndex() {
		d = b.Method.Precision(ind).Digits
	}
	s := math.Pow10(d)
	r := math.Ceil(v*s-1e-7) / s
	return min(max(r, v-1e-12), hi)
}

// planLinear is the component-level planner (see [Base.Plan]).
func (b *Base) planLinear(i int, t Target, inputs []Indicator, from, hi []float64, costs Costs) ([]float64, error) {
	m := b.Method
	w := func(ind Indicator) float64 {
		switch ind {
		case OSI:
			return m.Weights.OSI
		case TII:
			return m.Weights.TII
		case HCI:
			return m.Weights.HCI
		}
		return 0
	}
	// Candidate published values, ascending: the others' values, one unit
	// above each, and the cut-offs.
	unit := m.EGDIPrecision.Unit()
	var cands []float64
	for j, s := range b.Scores {
		if j != i {
			cands = append(cands, s.EGDI, m.EGDIPrecision.Apply(s.EGDI+unit))
		}
	}
	cands = append(cands, m.Cutoffs[:]...)
	slices.Sort(cands)
	cands = slices.Compact(cands)
	cur := b.Scores[i].EGDI
	k := sort.Search(len(cands), func(k int) bool {
		if cands[k] <= cur {
			return false
		}
		return b.met(b.withEGDI(i, cands[k]), i, t)
	})
	// Order inputs by cost per EGDI point.
	order := make([]int, 0, len(inputs))
	for k, ind := range inputs {
		if w(ind) > 0 {
			order = append(order, k)
		}
	}
	slices.SortStableFunc(order, func(a, c int) int {
		return cmp.Compare(costs[inputs[a]].PerUnit/w(inputs[a]), costs[inputs[c]].PerUnit/w(inputs[c]))
	})
	s0 := 0.0
	comp := comps(b, i)
	for x, ind := range []Indicator{OSI, TII, HCI} {
		s0 += w(ind) * comp[x]
	}
	for ; k < len(cands); k++ {
		v := cands[k]
		// The unrounded EGDI that publishes as v: half a unit below when
		// rounded, v itself when truncated; then a little more on each try.
		e := v
		if m.EGDIPrecision.Mode == Round {
			e = v - 0.49*unit
		}
		for try := 0; try < 6; try++ {
			to := slices.Clone(from)
			// Zero rules: a zero OSI (or missing HCI) zeroes the EGDI,
			// whatever the rest; lift it first.
			for x, ind := range inputs {
				if (m.ZeroRule == ZeroIfOSI && ind == OSI || m.ZeroRule == ZeroIfHCI && ind == HCI) && to[x] == 0 {
					to[x] = min(m.Precision(ind).Unit(), hi[x])
				}
			}
			need := e - s0
			for x, ind := range inputs {
				need -= w(ind) * (to[x] - from[x])
			}
			for _, x := range order {
				if need <= 0 {
					break
				}
				wx := w(inputs[x])
				d := min(hi[x]-to[x], need/wx)
				if d > 0 {
					to[x] += d
					need -= wx * d
				}
			}
			if need > 1e-12 {
				break // beyond the ceiling at this value: try the next one
			}
			for x, ind := range inputs {
				if to[x] != from[x] {
					to[x] = b.roundUp(ind, to[x], hi[x])
				}
			}
			ev, err := b.evaluate(i, inputs, from, to, costs)
			if err != nil {
				return nil, err
			}
			if b.met(ev.scores, i, t) {
				return to, nil
			}
			e += 0.25 * unit
		}
	}
	return nil, nil
}

// withEGDI scores the base with country i's published EGDI set to v (and
// its unrounded EGDI to v, for the ordinal tie rule).
func (b *Base) withEGDI(i int, v float64) []Score {
	osi, tii, hci, epi, raw, err := b.components(b.Inputs)
	if err != nil {
		return b.Scores
	}
	pub := make([]float64, len(b.Scores))
	for j := range pub {
		pub[j] = b.Scores[j].EGDI
	}
	pub[i], raw[i] = v, v
	return b.Method.Score(b.Inputs.Countries, osi, tii, hci, epi, raw, pub)
}

// metFast decides from unrounded EGDI values alone whether country i
// reaches the target, when that can be decided without the full scoring:
// rank, group and beat targets under the competition rule (rank = 1 + the
// countries with a higher published value). exact is false otherwise
// (rating classes, the ordinal rule): the caller must score in full.
func (b *Base) metFast(e []float64, i int, t Target) (ok, exact bool) {
	m := b.Method
	if t.Class != "" || m.Ties != Competition {
		return false, false
	}
	p := m.EGDIPrecision
	pi := p.Apply(e[i])
	switch {
	case t.Group != "":
		return slices.Index(Groups, m.GroupOf(pi)) <= slices.Index(Groups, t.Group), true
	case t.Beat != "":
		return pi > p.Apply(e[b.Index(t.Beat)]), true
	}
	higher := 0
	for j, x := range e {
		if j != i && p.Apply(x) > pi {
			higher++
		}
	}
	return 1+higher <= t.Rank, true
}

// planGreedy is the raw-level planner (see [Base.Plan]).
func (b *Base) planGreedy(i int, t Target, inputs []Indicator, from, hi []float64, costs Costs) ([]float64, error) {
	const steps = 16 // steps of the room of each input
	to := slices.Clone(from)
	in := b.Inputs.Clone()
	// egdiOf returns every country's unrounded EGDI with country i's inputs at x.
	egdiOf := func(x []float64) ([]float64, error) {
		for k, ind := range inputs {
			in.Set(ind, i, x[k])
		}
		_, _, _, _, e, err := b.components(in)
		return e, err
	}
	// met checks x: fast where exact, else by a full recomputation.
	met := func(x []float64, e []float64) (bool, error) {
		if ok, exact := b.metFast(e, i, t); exact {
			return ok, nil
		}
		ev, err := b.evaluate(i, inputs, from, x, costs)
		if err != nil {
			return false, err
		}
		return b.met(ev.scores, i, t), nil
	}
	cur, err := egdiOf(to)
	if err != nil {
		return nil, err
	}
	trial := slices.Clone(to)
	for iter := 0; iter < steps*len(inputs)+1; iter++ {
		best, bestGain := -1, math.Inf(-1)
		var bestE []float64
		for k, ind := range inputs {
			room := hi[k] - to[k]
			if room <= 0 {
				continue
			}
			copy(trial, to)
			trial[k] += min(room, (hi[k]-from[k])/steps)
			e, err := egdiOf(trial)
			if err != nil {
				return nil, err
			}
			gain := (e[i] - cur[i]) / (max(costs[ind].PerUnit, 1e-9) * (trial[k] - to[k]))
			if gain > bestGain {
				best, bestGain, bestE = k, gain, e
			}
		}
		if best < 0 {
			return nil, nil
		}
		prev := to[best]
		to[best] += min(hi[best]-to[best], (hi[best]-from[best])/steps)
		cur = bestE
		ok, err := met(to, cur)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		// Bisect the last step, then round up and verify in full.
		lo, up := prev, to[best]
		for range 12 {
			copy(trial, to)
			trial[best] = (lo + up) / 2
			e, err := egdiOf(trial)
			if err != nil {
				return nil, err
			}
			ok, err := met(trial, e)
			if err != nil {
				return nil, err
			}
			if ok {
				up = trial[best]
			} else {
				lo = trial[best]
			}
		}
		to[best] = up
		for k, ind := range inputs {
			if to[k] != from[k] {
				to[k] = b.roundUp(ind, to[k], hi[k])
			}
		}
		ev, err := b.evaluate(i, inputs, from, to, costs)
		if err != nil {
			return nil, err
		}
		if b.met(ev.scores, i, t) {
			return to, nil
		}
		if cur, err = egdiOf(to); err != nil {
			return nil, err
		}
	}
	return nil, nil
}
