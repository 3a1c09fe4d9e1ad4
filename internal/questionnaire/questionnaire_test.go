package questionnaire_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/questionnaire"
)

func fixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/mini-2024.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadFixture(t *testing.T) {
	s, err := questionnaire.Load(fstest.MapFS{"mini-2024.json": {Data: fixture(t)}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := s.Get("mini-2024")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := q.NumItems(), 7; got != want {
		t.Errorf("items = %d, want %d", got, want)
	}
	if _, err := s.Get("nope"); egdi.ErrorCode(err) != egdi.ENOTFOUND || !strings.Contains(egdi.ErrorMessage(err), "mini-2024") {
		t.Errorf("Get(nope) = %v, want ENOTFOUND listing mini-2024", err)
	}
}

// TestParseErrors: every kind of bad file is EINVALID, naming the file and,
// where there is one, the item.
func TestParseErrors(t *testing.T) {
	good := string(fixture(t))
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"UnknownKey", `"source"`, `"sauce"`, "unknown field"},
		{"Syntax", `"modules": [`, `"modules": [[`, "mini.json"},
		{"WeightsSum", `"weight": 0.4`, `"weight": 0.5`, "sum to"},
		{"NoArabic", `"ar": "هل يوجد بيان للخصوصية؟"`, `"ar": ""`, "IF-014"},
		{"DuplicateItem", `"code": "IF-014"`, `"code": "IF-010"`, "IF-010 appears twice"},
		{"PointsAbove1", `"points": 0.5`, `"points": 1.5`, "SP-078"},
		{"TwoZeros", `"points": 0.5`, `"points": 0`, "exactly one answer worth 0"},
		{"Effort", `"effort": 5`, `"effort": 9`, "SP-117"},
		{"Level", `"level": "e-information"`, `"level": "e-voting"`, "EPART-033"},
		{"Index", `"index": "osi"`, `"index": "xyz"`, "unknown index"},
		{"Trailing", `"status": "inferred",`, `"status": "inferred",`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.from) {
				t.Fatalf("fixture lacks %q", tc.from)
			}
			in := strings.Replace(good, tc.from, tc.to, 1)
			if tc.name == "Trailing" {
				in += "{}"
				tc.want = "more than one"
			}
			_, err := questionnaire.Parse("mini.json", []byte(in))
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if msg := egdi.ErrorMessage(err); !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "mini.json") {
				t.Errorf("message %q lacks %q or the file name", msg, tc.want)
			}
		})
	}
}

func TestLoadIDMustMatchFile(t *testing.T) {
	_, err := questionnaire.Load(fstest.MapFS{"other.json": {Data: fixture(t)}})
	if egdi.ErrorCode(err) != egdi.EINVALID || !strings.Contains(egdi.ErrorMessage(err), "file name") {
		t.Errorf("err = %v, want EINVALID about the file name", err)
	}
}

// FuzzParse: Parse never panics, and what it accepts is valid and survives
// a JSON round trip.
func FuzzParse(f *testing.F) {
	f.Add(fixture(f))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"a","modules":[{"code":"A","items":[{}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := questionnaire.Parse("fuzz.json", data)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("error code %q: %v", egdi.ErrorCode(err), err)
			}
			return
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("accepted an invalid questionnaire: %v", err)
		}
	})
}
