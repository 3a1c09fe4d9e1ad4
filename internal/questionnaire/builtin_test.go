package questionnaire_test

import (
	"math"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/questionnaire"
)

// TestBuiltinCounts: the embedded questionnaires load and validate (every
// item has English and Arabic text and evidence: Validate checks it), and
// their item counts per module equal ../shared/docs/OSI-QUESTIONNAIRE.md
// (§3.1–3.7 for the 2024 toolkit, §5 and §5.1 for LOSI).
func TestBuiltinCounts(t *testing.T) {
	s, err := questionnaire.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id      string
		index   string
		edition int
		counts  map[string]int
	}{
		{"osi-2024", egdi.IndexOSI, 2024, map[string]int{"IF": 26, "CP": 8, "SP": 59, "EPART": 56, "TEC": 16}},
		{"epi-2024", egdi.IndexEPI, 2024, map[string]int{"EINF": -1, "ECON": -1, "EDEC": -1}}, // 56 in all, by level (§4, a best guess)
		{"egl-2024", egdi.IndexEGL, 2024, map[string]int{"EGL": 18}},
		{"losi-2024", egdi.IndexLOSI, 2024, map[string]int{"IF": 6, "CP": 30, "SP": 22, "PE": 15, "EGL": 10, "TEC": 12}},
		{"losi-2022", egdi.IndexLOSI, 2022, map[string]int{"IF": 8, "CP": 25, "SP": 18, "PE": 17, "TEC": 18}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			q, err := s.Get(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if q.Index != tc.index || q.Edition != tc.edition {
				t.Errorf("index %s edition %d, want %s %d", q.Index, q.Edition, tc.index, tc.edition)
			}
			if len(q.Modules) != len(tc.counts) {
				t.Errorf("%d modules, want %d", len(q.Modules), len(tc.counts))
			}
			for _, m := range q.Modules {
				want, ok := tc.counts[m.Code]
				if !ok {
					t.Errorf("unexpected module %s", m.Code)
				} else if want >= 0 && len(m.Items) != want {
					t.Errorf("module %s: %d items, want %d", m.Code, len(m.Items), want)
				}
				for _, it := range m.Items {
					if it.Text.EN == "" || it.Text.AR == "" || it.Evidence.EN == "" || it.Evidence.AR == "" {
						t.Errorf("%s lacks English or Arabic", it.Code)
					}
				}
			}
			if tc.id == "epi-2024" && q.NumItems() != 56 {
				t.Errorf("epi-2024: %d items, want 56", q.NumItems())
			}
			if len(q.BestGuesses) == 0 {
				t.Error("no best guesses: every unknown must be named")
			}
		})
	}
}

// TestBuiltinEPIItemsAreOSIItems: every epi-2024 item is an osi-2024 item
// with the same code and answers, so one OSI assessment also scores the EPI.
func TestBuiltinEPIItemsAreOSIItems(t *testing.T) {
	s, err := questionnaire.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	osi, _ := s.Get("osi-2024")
	epi, _ := s.Get("epi-2024")
	for _, m := range epi.Modules {
		for _, it := range m.Items {
			o, mod := osi.Item(it.Code)
			if o == nil || osi.Modules[mod].Code != egdi.EPIModule {
				t.Errorf("%s is not an E-Participation item of osi-2024", it.Code)
			}
		}
	}
}

// TestBuiltinExtremes: for every built-in questionnaire, every item met
// gives a raw score and estimates of 1 before calibration, none gives 0.
func TestBuiltinExtremes(t *testing.T) {
	s, err := questionnaire.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range s.All() {
		for _, tc := range []struct {
			name string
			want float64
		}{{"all", 1}, {"none", 0}} {
			a := &egdi.Assessment{Name: "x", Questionnaire: q.ID, Country: "BHR"}
			for _, m := range q.Modules {
				for _, it := range m.Items {
					v := it.Met()
					if tc.want == 0 {
						v = it.Unmet()
					}
					a.Answers = append(a.Answers, egdi.Answer{Item: it.Code, Value: v})
				}
			}
			sc, err := q.Score(a, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Weights sum to 1 within 1e-6 (Validate), so the total is within 1e-6.
			if math.Abs(sc.Raw-tc.want) > 1e-6 {
				t.Errorf("%s %s: raw %g, want %g", q.ID, tc.name, sc.Raw, tc.want)
			}
			for _, e := range []*egdi.Estimate{sc.OSI, sc.EPI, sc.LOSI, sc.EGL} {
				if e != nil && math.Abs(e.Estimate-tc.want) > 1e-6 {
					t.Errorf("%s %s: estimate %g, want %g", q.ID, tc.name, e.Estimate, tc.want)
				}
			}
		}
	}
}

// TestBuiltinCalibration2024: with osi-2024 itself, reference assessments
// of the Republic of Korea and of Togo reproduce their published 2024 OSI
// (and carried into 2024, their published ranks); assessments with shares
// between theirs land between them, in order.
func TestBuiltinCalibration2024(t *testing.T) {
	s, err := questionnaire.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	q, _ := s.Get("osi-2024")
	d := builtin.MustDataset()
	pub := map[egdi.ISO3]egdi.Record{}
	for _, r := range d.Published[2024] {
		pub[r.ISO3] = r
	}
	meet := func(name string, c egdi.ISO3, share float64) *egdi.Assessment {
		a := &egdi.Assessment{Name: name, Questionnaire: q.ID, Country: c}
		for _, m := range q.Modules {
			for k, it := range m.Items {
				v := it.Unmet()
				if float64(k) < share*float64(len(m.Items)) {
					v = it.Met()
				}
				a.Answers = append(a.Answers, egdi.Answer{Item: it.Code, Value: v})
			}
		}
		return a
	}
	kor, tgo := meet("kor", "KOR", 0.95), meet("tgo", "TGO", 0.4)
	cal, err := q.CalibrateWith([]*egdi.Assessment{kor, tgo}, d, 2024)
	if err != nil {
		t.Fatal(err)
	}
	b, err := egdi.NewBase(d, 2024, egdi.ComponentLevel)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*egdi.Assessment{kor, tgo} {
		sc, err := q.Score(a, cal, b)
		if err != nil {
			t.Fatal(err)
		}
		// Two references fit exactly: float rounding only.
		if math.Abs(sc.OSI.Estimate-pub[a.Country].OSI) > 1e-9 || sc.Rank != pub[a.Country].Rank {
			t.Errorf("%s: OSI %g rank %d; published %g, %d", a.Name, sc.OSI.Estimate, sc.Rank, pub[a.Country].OSI, pub[a.Country].Rank)
		}
	}
	prev := pub["TGO"].OSI
	for _, share := range []float64{0.5, 0.6, 0.7, 0.8, 0.9} {
		sc, err := q.Score(meet("x", "BHR", share), cal, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !(sc.OSI.Estimate > prev && sc.OSI.Estimate < pub["KOR"].OSI) {
			t.Errorf("share %.1f: OSI %g not between %g and %g", share, sc.OSI.Estimate, prev, pub["KOR"].OSI)
		}
		prev = sc.OSI.Estimate
	}
}
