package egdi_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// synthQuestionnaire builds an OSI questionnaire with the 2024 module
// counts (IF 26, CP 8, SP 59, EPART 56, TEC 16), equal weights, every
// fifth item graded (none/partial/full), efforts 1–5 in turn.
func synthQuestionnaire() *egdi.Questionnaire {
	q := &egdi.Questionnaire{ID: "synth-2024", Edition: 2024, Index: egdi.IndexOSI,
		Title:       egdi.Text{EN: "Synthetic", AR: "اصطناعي"},
		BestGuesses: []egdi.Guess{{Name: "subindex_weights", EN: "equal", AR: "متساوية"}}}
	for _, m := range []struct {
		code string
		n    int
	}{{"IF", 26}, {"CP", 8}, {"SP", 59}, {"EPART", 56}, {"TEC", 16}} {
		mod := egdi.Module{Code: m.code, Name: egdi.Text{EN: m.code, AR: "وحدة " + m.code}, Weight: 0.2}
		for k := range m.n {
			it := egdi.Item{Code: fmt.Sprintf("%s-%03d", m.code, k+1), Text: egdi.Text{EN: "q", AR: "س"},
				Evidence: egdi.Text{EN: "e", AR: "د"}, Effort: float64(1 + k%5),
				Answers: []egdi.Choice{{Value: "yes", Points: 1}, {Value: "no", Points: 0}}}
			if k%5 == 4 {
				it.Answers = []egdi.Choice{{Value: "none", Points: 0}, {Value: "partial", Points: 0.5}, {Value: "full", Points: 1}}
			}
			mod.Items = append(mod.Items, it)
		}
		q.Modules = append(q.Modules, mod)
	}
	return q
}

// assess returns an assessment of q for c where item k takes answer
// pick(k) (an index into its answers; −1 leaves it unanswered).
func assess(q *egdi.Questionnaire, name string, c egdi.ISO3, pick func(k int, it *egdi.Item) int) *egdi.Assessment {
	a := &egdi.Assessment{Name: name, Questionnaire: q.ID, Country: c}
	k := 0
	for _, m := range q.Modules {
		for j := range m.Items {
			it := &m.Items[j]
			if p := pick(k, it); p >= 0 {
				a.Answers = append(a.Answers, egdi.Answer{Item: it.Code, Value: it.Answers[p].Value})
			}
			k++
		}
	}
	return a
}

func met(k int, it *egdi.Item) int {
	for j, c := range it.Answers {
		if c.Points == 1 {
			return j
		}
	}
	return -1
}

func unmet(k int, it *egdi.Item) int {
	for j, c := range it.Answers {
		if c.Points == 0 {
			return j
		}
	}
	return -1
}

// firstN meets the first n items and leaves the rest unmet.
func firstN(n int) func(int, *egdi.Item) int {
	return func(k int, it *egdi.Item) int {
		if k < n {
			return met(k, it)
		}
		return unmet(k, it)
	}
}

func TestSynthQuestionnaireValid(t *testing.T) {
	if err := synthQuestionnaire().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestShares(t *testing.T) {
	q := synthQuestionnaire()
	for _, tc := range []struct {
		name    string
		values  map[string]string
		raw     float64 // tolerance 1e-12
		ifShare float64
		code    string
	}{
		{"Nothing", map[string]string{}, 0, 0, ""},
		{"OneYesIF", map[string]string{"IF-001": "yes"}, 0.2 / 26, 1.0 / 26, ""},
		{"PartialIF", map[string]string{"IF-005": "partial"}, 0.2 * 0.5 / 26, 0.5 / 26, ""},
		{"NoCountsZero", map[string]string{"IF-001": "no", "SP-001": "yes"}, 0.2 / 59, 0, ""},
		{"ErrUnknownItem", map[string]string{"XX-001": "yes"}, 0, 0, egdi.EINVALID},
		{"ErrValueNotAllowed", map[string]string{"IF-001": "maybe"}, 0, 0, egdi.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := q.Shares(tc.values)
			if got := egdi.ErrorCode(err); got != tc.code {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			if err != nil {
				return
			}
			if math.Abs(s.Raw-tc.raw) > 1e-12 || math.Abs(s.Module("IF").Share-tc.ifShare) > 1e-12 {
				t.Errorf("raw %g, IF %g; want %g, %g", s.Raw, s.Module("IF").Share, tc.raw, tc.ifShare)
			}
			if s.Items != 165 || s.Answered != len(tc.values) {
				t.Errorf("items %d answered %d, want 165 and %d", s.Items, s.Answered, len(tc.values))
			}
		})
	}
}

func TestCheckAnswer(t *testing.T) {
	q := synthQuestionnaire()
	for _, tc := range []struct {
		name string
		a    egdi.Answer
		want string // substring of the message; "" for no error
	}{
		{"OK", egdi.Answer{Item: "if-001", Value: " YES ", Evidence: "https://bahrain.bh/x"}, ""},
		{"ErrUnknownItem", egdi.Answer{Item: "IF-999", Value: "yes"}, "IF-999"},
		{"ErrValue", egdi.Answer{Item: "IF-001", Value: "partial"}, "IF-001"},
		{"ErrURLScheme", egdi.Answer{Item: "IF-002", Value: "yes", Evidence: "ftp://x.org/a"}, "IF-002"},
		{"ErrURLJavascript", egdi.Answer{Item: "IF-002", Value: "yes", Evidence: "javascript:alert(1)"}, "not an http(s) URL"},
		{"ErrURLNoHost", egdi.Answer{Item: "IF-002", Value: "yes", Evidence: "https:///path"}, "not an http(s) URL"},
		{"ErrURLUserInfo", egdi.Answer{Item: "IF-002", Value: "yes", Evidence: "https://portal.gov.bh@evil.example/"}, "not an http(s) URL"},
		{"ErrURLSpace", egdi.Answer{Item: "IF-002", Value: "yes", Evidence: "https://a.bh/x y"}, "not an http(s) URL"},
		{"ErrFileTooLarge", egdi.Answer{Item: "IF-003", Value: "yes", File: &egdi.EvidenceFile{Name: "a.png", Size: egdi.MaxEvidenceFile + 1}}, "IF-003"},
		{"ErrFilePath", egdi.Answer{Item: "IF-003", Value: "yes", File: &egdi.EvidenceFile{Name: "../a.png", Size: 1}}, "plain file name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.a
			err := q.CheckAnswer(&a)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if a.Item != "IF-001" || a.Value != "yes" {
					t.Errorf("not canonicalised: %+v", a)
				}
				return
			}
			if egdi.ErrorCode(err) != egdi.EINVALID || !strings.Contains(egdi.ErrorMessage(err), tc.want) {
				t.Errorf("err = %v, want EINVALID naming %q", err, tc.want)
			}
		})
	}
}

// genCalibration draws a calibration with a positive slope, as [egdi.Calibrate] guarantees.
func genCalibration(t *rapid.T, index string) egdi.Calibration {
	c := egdi.DefaultCalibration(index)
	if rapid.Bool().Draw(t, "calibrated") {
		c.Intercept = rapid.Float64Range(-0.3, 0.3).Draw(t, "intercept")
		c.Slope = rapid.Float64Range(0.2, 2).Draw(t, "slope")
		c.HalfWidth = rapid.Float64Range(0, 0.2).Draw(t, "h")
	}
	return c
}

// TestPropertyRaisingAnswerNeverLowers: raising any one answer (to an
// answer worth more points) never lowers the raw score, any module share,
// or any estimate or its range ends.
func TestPropertyRaisingAnswerNeverLowers(t *testing.T) {
	q := synthQuestionnaire()
	rapid.Check(t, func(t *rapid.T) {
		cal := egdi.Calibrations{egdi.IndexOSI: genCalibration(t, egdi.IndexOSI), egdi.IndexEPI: genCalibration(t, egdi.IndexEPI)}
		a := assess(q, "p", "BHR", func(k int, it *egdi.Item) int {
			return rapid.IntRange(-1, len(it.Answers)-1).Draw(t, "answer")
		})
		before, err := q.Score(a, cal, nil)
		if err != nil {
			t.Fatal(err)
		}
		k := rapid.IntRange(0, q.NumItems()-1).Draw(t, "item")
		it := itemAt(q, k)
		cur := -1.0
		if x := a.Answer(it.Code); x != nil {
			cur, _ = it.Points(x.Value)
		}
		var higher []string
		for _, c := range it.Answers {
			if c.Points > cur {
				higher = append(higher, c.Value)
			}
		}
		if len(higher) == 0 {
			return
		}
		v := rapid.SampledFrom(higher).Draw(t, "to")
		if x := a.Answer(it.Code); x != nil {
			x.Value = v
		} else {
			a.Answers = append(a.Answers, egdi.Answer{Item: it.Code, Value: v})
		}
		after, err := q.Score(a, cal, nil)
		if err != nil {
			t.Fatal(err)
		}
		if after.Raw < before.Raw {
			t.Fatalf("raw fell %g → %g", before.Raw, after.Raw)
		}
		for m := range after.Modules {
			if after.Modules[m].Share < before.Modules[m].Share {
				t.Fatalf("module %s fell", after.Modules[m].Code)
			}
		}
		for _, p := range [][2]*egdi.Estimate{{before.OSI, after.OSI}, {before.EPI, after.EPI}} {
			if p[1].Estimate < p[0].Estimate || p[1].Low < p[0].Low || p[1].High < p[0].High {
				t.Fatalf("estimate fell: %+v → %+v", *p[0], *p[1])
			}
		}
	})
}

func itemAt(q *egdi.Questionnaire, k int) *egdi.Item {
	for _, m := range q.Modules {
		if k < len(m.Items) {
			return &m.Items[k]
		}
		k -= len(m.Items)
	}
	return nil
}

// TestExtremes: every item met gives the maximum (OSI and EPI 1 before
// calibration), none gives 0, and so does an empty assessment.
func TestExtremes(t *testing.T) {
	q := synthQuestionnaire()
	for _, tc := range []struct {
		name string
		pick func(int, *egdi.Item) int
		want float64
	}{
		{"AllMet", met, 1},
		{"NoneMet", unmet, 0},
		{"NoneAnswered", func(int, *egdi.Item) int { return -1 }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := q.Score(assess(q, "x", "BHR", tc.pick), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Exact: shares are sums of 0 and 1 over counts.
			if s.Raw != tc.want || s.OSI.Estimate != tc.want || s.EPI.Estimate != tc.want {
				t.Errorf("raw %g osi %g epi %g, want %g", s.Raw, s.OSI.Estimate, s.EPI.Estimate, tc.want)
			}
			if len(s.BestGuesses) < 3 {
				t.Errorf("best guesses %v: want the questionnaire's and both calibrations", s.BestGuesses)
			}
		})
	}
}

// TestPropertyOrderIndependent: shuffling the answers changes nothing.
func TestPropertyOrderIndependent(t *testing.T) {
	q := synthQuestionnaire()
	rapid.Check(t, func(t *rapid.T) {
		a := assess(q, "p", "BHR", func(k int, it *egdi.Item) int {
			return rapid.IntRange(-1, len(it.Answers)-1).Draw(t, "answer")
		})
		s1, err := q.Score(a, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		seed := rapid.Uint64().Draw(t, "seed")
		r := rand.New(rand.NewPCG(seed, 1))
		r.Shuffle(len(a.Answers), func(i, j int) { a.Answers[i], a.Answers[j] = a.Answers[j], a.Answers[i] })
		s2, err := q.Score(a, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if s1.Raw != s2.Raw || *s1.OSI != *s2.OSI || *s1.EPI != *s2.EPI {
			t.Fatalf("order changed the score: %+v vs %+v", s1, s2)
		}
	})
}

// TestCalibrationReproducesPublished2024: two reference assessments fitted
// to the Republic of Korea (OSI 1, top) and a middle country reproduce
// their published 2024 OSI; a third assessment with a share between
// theirs lands between them, in order; the range narrows as references
// are added.
func TestCalibrationReproducesPublished2024(t *testing.T) {
	d := builtin.MustDataset()
	pub := map[egdi.ISO3]egdi.Record{}
	for _, r := range d.Published[2024] {
		pub[r.ISO3] = r
	}
	q := synthQuestionnaire()
	kor, mid := pub["KOR"], pub["BHR"]
	if kor.OSI != 1 {
		t.Fatalf("KOR 2024 OSI = %g, the published top is 1", kor.OSI)
	}
	refA := assess(q, "kor", "KOR", firstN(150))
	refB := assess(q, "bhr", "BHR", firstN(120))
	ref := func(a *egdi.Assessment, published float64) egdi.Reference {
		s, err := q.Score(a, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return egdi.Reference{Name: a.Name, Country: a.Country, Raw: s.Raw, Published: published}
	}
	refs := []egdi.Reference{ref(refA, kor.OSI), ref(refB, mid.OSI)}
	cal, err := egdi.Calibrate(egdi.IndexOSI, refs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := egdi.NewBase(d, 2024, egdi.ComponentLevel)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		a   *egdi.Assessment
		rec egdi.Record
	}{{refA, kor}, {refB, mid}} {
		s, err := q.Score(tc.a, egdi.Calibrations{egdi.IndexOSI: cal}, b)
		if err != nil {
			t.Fatal(err)
		}
		// Two points fit exactly: only float rounding (1e-12).
		if math.Abs(s.OSI.Estimate-tc.rec.OSI) > 1e-12 {
			t.Errorf("%s: OSI %g, published %g", tc.a.Name, s.OSI.Estimate, tc.rec.OSI)
		}
		// The published OSI carried into the edition gives the published rank.
		if s.Rank != tc.rec.Rank {
			t.Errorf("%s: rank %d, published %d", tc.a.Name, s.Rank, tc.rec.Rank)
		}
		if !(s.RankLow <= s.Rank && s.Rank <= s.RankHigh) {
			t.Errorf("%s: rank %d outside [%d, %d]", tc.a.Name, s.Rank, s.RankLow, s.RankHigh)
		}
	}
	prev := mid.OSI
	for _, n := range []int{125, 130, 140, 149} {
		s, err := q.Score(assess(q, "third", "BHR", firstN(n)), egdi.Calibrations{egdi.IndexOSI: cal}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !(s.OSI.Estimate > prev && s.OSI.Estimate < kor.OSI) {
			t.Errorf("%d items: OSI %g not in (%g, %g)", n, s.OSI.Estimate, prev, kor.OSI)
		}
		prev = s.OSI.Estimate
	}
	// More references on the same line: the range narrows.
	width := egdi.DefaultCalibration(egdi.IndexOSI).HalfWidth
	all := append(refs, egdi.Reference{Name: "c", Raw: 0.5, Published: cal.Intercept + cal.Slope*0.5},
		egdi.Reference{Name: "d", Raw: 0.4, Published: cal.Intercept + cal.Slope*0.4})
	for n := 1; n <= len(all); n++ {
		c, err := egdi.Calibrate(egdi.IndexOSI, all[:n])
		if err != nil {
			t.Fatal(err)
		}
		if !(c.HalfWidth < width) {
			t.Errorf("%d references: half-width %g, not below %g", n, c.HalfWidth, width)
		}
		width = c.HalfWidth
	}
}

func TestCalibrateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		refs []egdi.Reference
	}{
		{"ErrSingleZero", []egdi.Reference{{Name: "a", Raw: 0, Published: 0.5}}},
		{"ErrSameRaw", []egdi.Reference{{Name: "a", Raw: 0.5, Published: 0.5}, {Name: "b", Raw: 0.5, Published: 0.7}}},
		{"ErrDecreasing", []egdi.Reference{{Name: "a", Raw: 0.4, Published: 0.9}, {Name: "b", Raw: 0.8, Published: 0.5}}},
		{"ErrOutOfRange", []egdi.Reference{{Name: "a", Raw: 1.5, Published: 0.5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := egdi.Calibrate(egdi.IndexOSI, tc.refs); egdi.ErrorCode(err) != egdi.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
	}
}

// TestCalibrateWith: reference assessments of Korea and Togo fit OSI and
// EPI maps through their published 2024 values; a reference of another
// questionnaire or of a country not in the edition is refused.
func TestCalibrateWith(t *testing.T) {
	d := builtin.MustDataset()
	q := synthQuestionnaire()
	kor, tgo := assess(q, "kor", "KOR", firstN(160)), assess(q, "tgo", "TGO", firstN(60))
	cal, err := q.CalibrateWith([]*egdi.Assessment{kor, tgo}, d, 2024)
	if err != nil {
		t.Fatal(err)
	}
	pub := map[egdi.ISO3]egdi.Record{}
	for _, r := range d.Published[2024] {
		pub[r.ISO3] = r
	}
	for _, a := range []*egdi.Assessment{kor, tgo} {
		s, err := q.Score(a, cal, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Two references fit exactly (float rounding only).
		if math.Abs(s.OSI.Estimate-pub[a.Country].OSI) > 1e-9 || math.Abs(s.EPI.Estimate-pub[a.Country].EPI) > 1e-9 {
			t.Errorf("%s: OSI %g EPI %g, published %g %g", a.Name, s.OSI.Estimate, s.EPI.Estimate, pub[a.Country].OSI, pub[a.Country].EPI)
		}
	}
	other := *kor
	other.Questionnaire = "other"
	for name, refs := range map[string][]*egdi.Assessment{
		"ErrOtherQuestionnaire": {&other, tgo},
		"ErrNotInEdition":       {kor, assess(q, "x", "XXX", firstN(10))},
	} {
		if _, err := q.CalibrateWith(refs, d, 2024); egdi.ErrorCode(err) != egdi.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
}

// TestPropertyRaisingAnswerNeverWorsensRank: carried into 2024, raising one
// answer never gives a worse rank (nor a worse rank_low or rank_high) or a
// lower EGDI.
func TestPropertyRaisingAnswerNeverWorsensRank(t *testing.T) {
	b, err := egdi.NewBase(builtin.MustDataset(), 2024, egdi.ComponentLevel)
	if err != nil {
		t.Fatal(err)
	}
	q := synthQuestionnaire()
	rapid.Check(t, func(t *rapid.T) {
		c := rapid.SampledFrom(b.Inputs.Countries).Draw(t, "country")
		cal := egdi.Calibrations{egdi.IndexOSI: genCalibration(t, egdi.IndexOSI)}
		a := assess(q, "p", c, func(k int, it *egdi.Item) int { return rapid.IntRange(0, len(it.Answers)-1).Draw(t, "answer") })
		before, err := q.Score(a, cal, b)
		if err != nil {
			t.Fatal(err)
		}
		k := rapid.IntRange(0, len(a.Answers)-1).Draw(t, "item")
		it, _ := q.Item(a.Answers[k].Item)
		a.Answers[k].Value = it.Met()
		after, err := q.Score(a, cal, b)
		if err != nil {
			t.Fatal(err)
		}
		if after.Rank > before.Rank || after.RankLow > before.RankLow || after.RankHigh > before.RankHigh || after.EGDI < before.EGDI {
			t.Fatalf("%s: meeting %s: rank %d [%d,%d] EGDI %g → rank %d [%d,%d] EGDI %g", c, it.Code,
				before.Rank, before.RankLow, before.RankHigh, before.EGDI, after.Rank, after.RankLow, after.RankHigh, after.EGDI)
		}
	})
}

func TestCheckEvidenceURLAccepts(t *testing.T) {
	for _, u := range []string{"", "https://www.bahrain.bh/wps/portal/x?a=1&b=2#top", "http://127.0.0.1:8080/a", "HTTPS://BAHRAIN.BH",
		"https://[2001:db8::1]/x", "https://portal.gov.bh/وزارة"} {
		if err := egdi.CheckEvidenceURL(u); err != nil {
			t.Errorf("%q: %v", u, err)
		}
	}
}
