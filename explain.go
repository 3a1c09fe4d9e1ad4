package egdi

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Contributions split an EGDI difference into its sources. They sum to the
// difference exactly (to float rounding, below 1e-9):
//
//	Δ = OSI + TII + HCI + Weights + ZeroRule + Rounding
//
// With s = Σ_k w_k·c_k the weighted sum of the published components c_k
// (k = OSI, TII, HCI) in each edition, the change of each term is split by
// the midpoint (Shapley) rule, exact for a product of two factors:
//
//	w₂c₂ − w₁c₁ = w̄·(c₂ − c₁) + c̄·(w₂ − w₁),  w̄ = (w₁+w₂)/2, c̄ = (c₁+c₂)/2
//
// so OSI = w̄_OSI·ΔOSI (and likewise TII and HCI) is what the component's own
// change brought at the mean weight, and Weights = Σ_k c̄_k·Δw_k is what
// the change of weights brought (non-zero only between 2008/2010, weighted
// 0.34/0.33/0.33, and an edition with equal weights). ZeroRule is the
// change of (EGDI − s) where an edition's zero rule set the EGDI to 0, and
// Rounding is what separates the published EGDI from the weighted mean of
// the published components: the edition's rounding of its unrounded
// components and EGDI (and, in 2024, the unpublished component values, Q6).
type Contributions struct {
	OSI      float64 `json:"osi"`
	TII      float64 `json:"tii"`
	HCI      float64 `json:"hci"`
	Weights  float64 `json:"weights,omitempty"`
	ZeroRule float64 `json:"zero_rule,omitempty"`
	Rounding float64 `json:"rounding"`
}

// Sum returns the sum of the contributions.
func (c Contributions) Sum() float64 {
	return c.OSI + c.TII + c.HCI + c.Weights + c.ZeroRule + c.Rounding
}

// MethodChange is one difference between the methods of two editions.
type MethodChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
	Text  string `json:"text"` // the change in words
}

// Explanation explains a country's change between two editions.
type Explanation struct {
	ISO3 ISO3 `json:"iso3"`
	From int  `json:"from"`
	To   int  `json:"to"`

	EGDIFrom float64 `json:"egdi_from"`
	EGDITo   float64 `json:"egdi_to"`
	// EGDIChange is the change of the published EGDI; Contributions sum to it.
	EGDIChange    float64       `json:"egdi_change"`
	Contributions Contributions `json:"contributions"`

	RankFrom int `json:"rank_from"`
	RankTo   int `json:"rank_to"`
	// RankChange = RankFrom − RankTo: positive when the country moved up.
	// It is split as RankChange = OwnEffect + OthersEffect, where
	//
	//	OwnEffect    = RankFrom − R*
	//	OthersEffect = R* − RankTo
	//
	// and R* is the rank the country would have had in the From edition
	// with its To EGDI, every other country keeping its From EGDI (ranked
	// with the From edition's tie rule). OwnEffect is what the country's
	// own change of score did against a standing field; OthersEffect is
	// everything else: other countries' changes, countries that entered or
	// left the ranking, and a change of tie rule.
	RankChange   int `json:"rank_change"`
	OwnEffect    int `json:"own_effect"`
	OthersEffect int `json:"others_effect"`
	RankOwn      int `json:"rank_own"` // R*

	MethodChanges []MethodChange `json:"method_changes"`
}

// Explain explains a country's change of EGDI and rank from base a to
// base b (two editions, or an edition and a scenario). Both bases must be
// at component level, so that the published values are what is explained.
func Explain(a, b *Base, c ISO3) (*Explanation, error) {
	if a.Level != ComponentLevel || b.Level != ComponentLevel {
		return nil, Errorf(EINVALID, "Explain works on component-level bases.")
	}
	ia, ib := a.Index(c), b.Index(c)
	if ia < 0 {
		return nil, Errorf(ENOTFOUND, "%s was not assessed in edition %d.", c, a.Edition)
	}
	if ib < 0 {
		return nil, Errorf(ENOTFOUND, "%s was not assessed in edition %d.", c, b.Edition)
	}
	sa, sb := a.Scores[ia], b.Scores[ib]
	e := &Explanation{ISO3: c, From: a.Edition, To: b.Edition, EGDIFrom: sa.EGDI, EGDITo: sb.EGDI,
		EGDIChange: round12(sb.EGDI - sa.EGDI), RankFrom: sa.EGDIRank, RankTo: sb.EGDIRank}
	e.Contributions = contributions(a, ia, b, ib)
	e.RankChange = sa.EGDIRank - sb.EGDIRank
	own, err := rankAgainst(a, ia, b, ib)
	if err != nil {
		return nil, err
	}
	e.RankOwn = own
	e.OwnEffect = sa.EGDIRank - own
	e.OthersEffect = own - sb.EGDIRank
	e.MethodChanges = MethodChanges(a.Method, b.Method)
	return e, nil
}

// contributions splits egdi(b, ib) − egdi(a, ia) (see [Contributions]).
func contributions(a *Base, ia int, b *Base, ib int) Contributions {
	wa, wb := a.Method.Weights, b.Method.Weights
	ca, cb := comps(a, ia), comps(b, ib)
	w1 := [3]float64{wa.OSI, wa.TII, wa.HCI}
	w2 := [3]float64{wb.OSI, wb.TII, wb.HCI}
	var own [3]float64
	var weights float64
	for k := range 3 {
		own[k] = (w1[k] + w2[k]) / 2 * (cb[k] - ca[k])
		weights += (ca[k] + cb[k]) / 2 * (w2[k] - w1[k])
	}
	// s: the weighted sums; e: the EGDI after the zero rule; p: published.
	sa := wa.OSI*ca[0] + wa.TII*ca[1] + wa.HCI*ca[2]
	sb := wb.OSI*cb[0] + wb.TII*cb[1] + wb.HCI*cb[2]
	ea := a.Method.EGDIOf(ca[0], ca[1], ca[2])
	eb := b.Method.EGDIOf(cb[0], cb[1], cb[2])
	pa, pb := a.Scores[ia].EGDI, b.Scores[ib].EGDI
	return Contributions{OSI: round12(own[0]), TII: round12(own[1]), HCI: round12(own[2]), Weights: round12(weights),
		ZeroRule: round12((eb - sb) - (ea - sa)), Rounding: round12((pb - eb) - (pa - ea))}
}

// comps returns a country's OSI, TII and HCI as the base holds them (a
// missing HCI of 2008–2010 counts as 0, as published).
func comps(b *Base, i int) [3]float64 {
	var out [3]float64
	for k, ind := range []Indicator{OSI, TII, HCI} {
		v := b.Inputs.Get(ind, i)
		if math.IsNaN(v) {
			v = 0
		}
		out[k] = v
	}
	return out
}

// rankAgainst returns the rank of country ib of b, with its EGDI of b,
// among the countries of a other than itself with their EGDI of a, by a's
// tie rule (see [Explanation.RankChange]).
func rankAgainst(a *Base, ia int, b *Base, ib int) (int, error) {
	in := a.Inputs.Clone()
	cb := comps(b, ib)
	in.Set(OSI, ia, cb[0])
	in.Set(TII, ia, cb[1])
	in.Set(HCI, ia, cb[2])
	osi, tii, hci, epi, raw, err := a.components(in)
	if err != nil {
		return 0, err
	}
	n := in.Len()
	pub := make([]float64, n)
	for i := range pub {
		pub[i] = a.Scores[i].EGDI
	}
	pub[ia] = b.Scores[ib].EGDI
	// The raw value (used only by the ordinal rule to break ties of equal
	// published values) is the weighted mean of b's components.
	raw[ia] = b.Method.EGDIOf(cb[0], cb[1], cb[2])
	s := a.Method.Score(in.Countries, osi, tii, hci, epi, raw, pub)
	return s[ia].EGDIRank, nil
}

// Gap explains the gap between a country and a peer in one edition.
type Gap struct {
	ISO3    ISO3 `json:"iso3"`
	Vs      ISO3 `json:"vs"`
	Edition int  `json:"edition"`

	EGDI     float64 `json:"egdi"`
	EGDIPeer float64 `json:"egdi_vs"`
	// EGDIGap = EGDIPeer − EGDI: positive when the peer is ahead.
	// Contributions sum to it: OSI = w_OSI·(OSI_peer − OSI) and so on.
	EGDIGap       float64       `json:"egdi_gap"`
	Contributions Contributions `json:"contributions"`

	Rank     int `json:"rank"`
	RankPeer int `json:"rank_vs"`
	// RankGap = Rank − RankPeer: positive when the peer is ahead.
	RankGap int `json:"rank_gap"`
	// Between lists the countries ranked strictly between the two.
	Between []ISO3 `json:"between"`
}

// ExplainGap explains the gap from country c to peer in one component-level base.
func ExplainGap(b *Base, c, peer ISO3) (*Gap, error) {
	if b.Level != ComponentLevel {
		return nil, Errorf(EINVALID, "ExplainGap works on a component-level base.")
	}
	if c == peer {
		return nil, Errorf(EINVALID, "--vs names the country itself (%s): name a peer.", c)
	}
	i, j := b.Index(c), b.Index(peer)
	if i < 0 {
		return nil, Errorf(ENOTFOUND, "%s was not assessed in edition %d.", c, b.Edition)
	}
	if j < 0 {
		return nil, Errorf(ENOTFOUND, "%s was not assessed in edition %d.", peer, b.Edition)
	}
	s, p := b.Scores[i], b.Scores[j]
	g := &Gap{ISO3: c, Vs: peer, Edition: b.Edition, EGDI: s.EGDI, EGDIPeer: p.EGDI, EGDIGap: round12(p.EGDI - s.EGDI),
		Contributions: contributions(b, i, b, j), Rank: s.EGDIRank, RankPeer: p.EGDIRank, RankGap: s.EGDIRank - p.EGDIRank,
		Between: []ISO3{}}
	lo, hi := min(s.EGDIRank, p.EGDIRank), max(s.EGDIRank, p.EGDIRank)
	order := slices.Clone(b.Scores)
	SortByRank(order, "egdi")
	for _, x := range order {
		if x.EGDIRank > lo && x.EGDIRank < hi {
			g.Between = append(g.Between, x.ISO3)
		}
	}
	return g, nil
}

// MethodChanges lists, in words, the differences between the methods of
// two editions that bear on the EGDI and its ranking: the index name,
// weights, TII and HCI indicators, cap, standardisation and rescaling,
// tie rule, zero rule, published precision, group cut-offs and rating
// classes. The list is empty when the methods agree on all of them.
func MethodChanges(a, b *Method) []MethodChange {
	out := []MethodChange{}
	add := func(field, from, to, text string) {
		if from != to {
			out = append(out, MethodChange{Field: field, From: from, To: to, Text: text})
		}
	}
	add("index_name", a.IndexName, b.IndexName, "index renamed from "+a.IndexName+" to "+b.IndexName)
	wf := func(w Weights) string { return fmt.Sprintf("OSI %.4g, TII %.4g, HCI %.4g", w.OSI, w.TII, w.HCI) }
	add("weights", wf(a.Weights), wf(b.Weights), "EGDI weights changed from "+wf(a.Weights)+" to "+wf(b.Weights))
	for _, c := range []struct {
		name   string
		ca, cb *Composite
	}{{"tii", &a.TII, &b.TII}, {"hci", &a.HCI, &b.HCI}} {
		up := strings.ToUpper(c.name)
		dropped, added := listDiff(c.ca.Indicators, c.cb.Indicators)
		from, to := strings.Join(c.ca.Indicators, ", "), strings.Join(c.cb.Indicators, ", ")
		var words []string
		if len(dropped) > 0 {
			words = append(words, strings.Join(dropped, ", ")+" dropped")
		}
		if len(added) > 0 {
			words = append(words, strings.Join(added, ", ")+" added")
		}
		add(c.name+"_indicators", from, to, up+" indicators: "+strings.Join(words, "; "))
		capf := func(v float64) string {
			if v == 0 {
				return "none"
			}
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		cf, ct := capf(c.ca.Cap), capf(c.cb.Cap)
		text := up + " cap changed from " + cf + " to " + ct
		switch {
		case cf == "none":
			text = up + " cap of " + ct + " per 100 inhabitants introduced: values above it count as " + ct
		case ct == "none":
			text = up + " cap of " + cf + " removed"
		}
		add(c.name+"_cap", cf, ct, text)
		add(c.name+"_standardisation", string(c.ca.Standardisation), string(c.cb.Standardisation),
			up+" standardisation changed from "+string(c.ca.Standardisation)+" to "+string(c.cb.Standardisation))
		add(c.name+"_rescaled", strconv.FormatBool(c.ca.Rescale), strconv.FormatBool(c.cb.Rescale),
			map[bool]string{true: up + " now min–max rescaled (best country 1, worst 0)", false: up + " no longer min–max rescaled"}[c.cb.Rescale])
		wsf := func(w []float64) string {
			if w == nil {
				return "equal"
			}
			s := make([]string, len(w))
			for i, x := range w {
				s[i] = strconv.FormatFloat(x, 'f', 4, 64)
			}
			return strings.Join(s, ", ")
		}
		add(c.name+"_weights", wsf(c.ca.Weights), wsf(c.cb.Weights), up+" indicator weights changed from "+wsf(c.ca.Weights)+" to "+wsf(c.cb.Weights))
	}
	add("ties", string(a.Ties), string(b.Ties), "tie rule changed from "+string(a.Ties)+" to "+string(b.Ties)+
		map[TieRule]string{Ordinal: " (equal published values get distinct ranks)", Competition: " (equal published values share a rank)"}[b.Ties])
	add("zero_rule", string(a.ZeroRule), string(b.ZeroRule), "zero rule changed from "+string(a.ZeroRule)+" to "+string(b.ZeroRule))
	pf := func(p Precision) string { return strconv.Itoa(p.Digits) + " dp, " + string(p.Mode) }
	for _, p := range []struct {
		name   string
		pa, pb Precision
	}{{"egdi", a.EGDIPrecision, b.EGDIPrecision}, {"osi", a.OSIPrecision, b.OSIPrecision},
		{"tii", a.TIIPrecision, b.TIIPrecision}, {"hci", a.HCIPrecision, b.HCIPrecision}} {
		add(p.name+"_precision", pf(p.pa), pf(p.pb), strings.ToUpper(p.name)+" published to "+pf(p.pb)+" instead of "+pf(p.pa))
	}
	cut := func(c [3]float64) string { return fmt.Sprintf("%g/%g/%g", c[0], c[1], c[2]) }
	add("cutoffs", cut(a.Cutoffs), cut(b.Cutoffs), "group cut-offs changed from "+cut(a.Cutoffs)+" to "+cut(b.Cutoffs))
	add("rating_classes", strconv.FormatBool(a.RatingClasses), strconv.FormatBool(b.RatingClasses),
		map[bool]string{true: "rating classes introduced: each group split into four classes by count", false: "no rating classes"}[b.RatingClasses])
	// A later edition's method is not known but assumed: say so, since
	// "no change" is then an assumption, not a finding.
	if b.MethodFrom > 0 {
		add("method", "published", AssumedFrom(b.MethodFrom), fmt.Sprintf("the %d method is not published: it is assumed to be the %d method (egdi edition check %d tests it)",
			b.Edition, b.MethodFrom, b.Edition))
	}
	return out
}

// listDiff returns the items of a not in b and the items of b not in a.
func listDiff(a, b []string) (dropped, added []string) {
	for _, x := range a {
		if !slices.Contains(b, x) {
			dropped = append(dropped, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			added = append(added, x)
		}
	}
	return dropped, added
}
