package questionnaire_test

import (
	"testing"

	"github.com/egdi-project/egdi"
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
