package storetest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
)

// assessmentTests are the conformance tests of egdi.AssessmentStore.
var assessmentTests = []struct {
	name string
	fn   func(t *testing.T, s egdi.Store)
}{
	{"Assessments", testAssessments},
	{"AssessmentAnswers", testAssessmentAnswers},
	{"AssessmentAllOrNothing", testAssessmentAllOrNothing},
	{"AssessmentDelete", testAssessmentDelete},
	{"AssessmentFileMetadataOnly", testAssessmentFileMetadataOnly},
}

func runAssessments(t *testing.T, open func(t *testing.T) egdi.Store) {
	for _, tc := range assessmentTests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func newAssessment() *egdi.Assessment {
	return &egdi.Assessment{Name: "bhr-2024", Questionnaire: "osi-2024", Country: "BHR", Answers: []egdi.Answer{
		{Item: "SP-012", Value: "yes", Evidence: "https://www.bahrain.bh/services", Note: "ملاحظة بالعربية", Author: "owner"},
		{Item: "IF-010", Value: "no", File: &egdi.EvidenceFile{Name: "chart.png", Data: []byte("\x89PNG fake")}},
	}}
}

func getAssessment(t *testing.T, s egdi.Store, name string) *egdi.Assessment {
	t.Helper()
	a, err := s.Assessment(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func testAssessments(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	a := newAssessment()
	if err := s.CreateAssessment(ctx, a); err != nil {
		t.Fatal(err)
	}
	got := getAssessment(t, s, "bhr-2024")
	if got.Questionnaire != "osi-2024" || got.Country != "BHR" || got.City != "" || got.CreatedAt.IsZero() || !got.UpdatedAt.Equal(got.CreatedAt) {
		t.Errorf("assessment = %+v", got)
	}
	if len(got.Answers) != 2 || got.Answers[0].Item != "IF-010" || got.Answers[1].Item != "SP-012" {
		t.Fatalf("answers = %+v, want IF-010 and SP-012 in order", got.Answers)
	}
	sp := got.Answers[1]
	if sp.Value != "yes" || sp.Evidence != "https://www.bahrain.bh/services" || sp.Note != "ملاحظة بالعربية" || sp.Author != "owner" || sp.Version != 1 || sp.At.IsZero() {
		t.Errorf("SP-012 = %+v", sp)
	}
	f := got.Answers[0].File
	if f == nil || f.Name != "chart.png" || f.Size != 9 || len(f.SHA256) != 64 || f.Data != nil {
		t.Errorf("IF-010 file = %+v, want chart.png, 9 bytes, a SHA-256 and no data", f)
	}
	ef, err := s.EvidenceFile(ctx, "bhr-2024", "IF-010")
	if err != nil || !bytes.Equal(ef.Data, []byte("\x89PNG fake")) {
		t.Errorf("evidence file = %+v, %v", ef, err)
	}
	wantCode(t, func() error { _, err := s.EvidenceFile(ctx, "bhr-2024", "SP-012"); return err }(), egdi.ENOTFOUND)
	// Create returns what it stored.
	if len(a.Answers) != 2 || a.Answers[0].Version != 1 || a.CreatedAt.IsZero() {
		t.Errorf("created = %+v", a)
	}
	wantCode(t, s.CreateAssessment(ctx, newAssessment()), egdi.ECONFLICT)
	wantCode(t, s.CreateAssessment(ctx, &egdi.Assessment{Name: "bad name!", Questionnaire: "osi-2024", Country: "BHR"}), egdi.EINVALID)
	city := &egdi.Assessment{Name: "manama", Questionnaire: "losi-2024", Country: "BHR", City: "Manama"}
	if err := s.CreateAssessment(ctx, city); err != nil {
		t.Fatal(err)
	}
	all, err := s.Assessments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != "bhr-2024" || all[1].City != "Manama" || len(all[0].Answers) != 2 || all[1].Answers == nil {
		t.Errorf("assessments = %+v", all)
	}
	wantCode(t, func() error { _, err := s.Assessment(ctx, "nope"); return err }(), egdi.ENOTFOUND)
}

func testAssessmentAnswers(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	if err := s.CreateAssessment(ctx, newAssessment()); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a, err := s.SaveAnswers(ctx, "bhr-2024", []egdi.Answer{
		{Item: "IF-010", Value: "yes", Note: "now published", At: at},                                        // changed; no file given: the file stays
		{Item: "SP-012", Value: "yes", Evidence: "https://www.bahrain.bh/services", Note: "ملاحظة بالعربية"}, // the same
		{Item: "CP-117", Value: "yes"}, // new
	})
	if err != nil {
		t.Fatal(err)
	}
	got := getAssessment(t, s, "bhr-2024")
	for _, x := range []*egdi.Assessment{a, got} {
		if len(x.Answers) != 3 {
			t.Fatalf("answers = %+v", x.Answers)
		}
		want := map[string]int{"CP-117": 1, "IF-010": 2, "SP-012": 1}
		for _, y := range x.Answers {
			if y.Version != want[y.Item] {
				t.Errorf("%s version %d, want %d", y.Item, y.Version, want[y.Item])
			}
		}
		ifa := x.Answer("IF-010")
		if ifa.Value != "yes" || !ifa.At.Equal(at) || ifa.File == nil || ifa.File.Name != "chart.png" {
			t.Errorf("IF-010 = %+v", ifa)
		}
	}
	if !got.UpdatedAt.After(got.CreatedAt) && !got.UpdatedAt.Equal(got.CreatedAt) {
		t.Errorf("updated %v before created %v", got.UpdatedAt, got.CreatedAt)
	}
	ef, err := s.EvidenceFile(ctx, "bhr-2024", "IF-010")
	if err != nil || string(ef.Data) != "\x89PNG fake" {
		t.Errorf("file after a change without a file: %+v, %v", ef, err)
	}
	// A new file replaces the old one and counts as a change.
	if _, err := s.SaveAnswers(ctx, "bhr-2024", []egdi.Answer{{Item: "IF-010", Value: "yes", Note: "now published",
		File: &egdi.EvidenceFile{Name: "new.pdf", Data: []byte("%PDF-1.7")}}}); err != nil {
		t.Fatal(err)
	}
	ef, err = s.EvidenceFile(ctx, "bhr-2024", "IF-010")
	if err != nil || ef.Name != "new.pdf" || string(ef.Data) != "%PDF-1.7" || getAssessment(t, s, "bhr-2024").Answer("IF-010").Version != 3 {
		t.Errorf("replaced file = %+v, %v", ef, err)
	}
	wantCode(t, func() error {
		_, err := s.SaveAnswers(ctx, "nope", []egdi.Answer{{Item: "IF-010", Value: "yes"}})
		return err
	}(), egdi.ENOTFOUND)
}

// testAssessmentAllOrNothing: a bad answer among good ones (a URL that is
// not http(s), a file over the limit, an item given twice) is EINVALID
// naming the item, and the store is unchanged.
func testAssessmentAllOrNothing(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	if err := s.CreateAssessment(ctx, newAssessment()); err != nil {
		t.Fatal(err)
	}
	before := getAssessment(t, s, "bhr-2024")
	for _, tc := range []struct {
		name, item string
		bad        egdi.Answer
	}{
		{"URLNotHTTP", "SP-020", egdi.Answer{Item: "SP-020", Value: "yes", Evidence: "file:///etc/passwd"}},
		{"FileOverLimit", "SP-021", egdi.Answer{Item: "SP-021", Value: "yes", File: &egdi.EvidenceFile{Name: "big.png", Data: make([]byte, egdi.MaxEvidenceFile+1)}}},
		{"ItemTwice", "SP-012", egdi.Answer{Item: "SP-012", Value: "no"}},
		{"NoValue", "SP-022", egdi.Answer{Item: "SP-022"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.SaveAnswers(ctx, "bhr-2024", []egdi.Answer{{Item: "IF-010", Value: "yes"}, {Item: "SP-012", Value: "no"}, tc.bad})
			wantCode(t, err, egdi.EINVALID)
			if !strings.Contains(egdi.ErrorMessage(err), tc.item) {
				t.Errorf("message %q does not name %s", egdi.ErrorMessage(err), tc.item)
			}
			after := getAssessment(t, s, "bhr-2024")
			if len(after.Answers) != len(before.Answers) || !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Fatalf("store changed: %+v", after)
			}
			for k := range after.Answers {
				if after.Answers[k].Value != before.Answers[k].Value || after.Answers[k].Version != before.Answers[k].Version {
					t.Errorf("answer %s changed", after.Answers[k].Item)
				}
			}
			bad := newAssessment()
			bad.Name = "bad-" + strings.ToLower(tc.name)
			bad.Answers = append(bad.Answers, tc.bad)
			wantCode(t, s.CreateAssessment(ctx, bad), egdi.EINVALID)
			wantCode(t, func() error { _, err := s.Assessment(ctx, bad.Name); return err }(), egdi.ENOTFOUND)
		})
	}
}

func testAssessmentDelete(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	if err := s.CreateAssessment(ctx, newAssessment()); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAssessment(ctx, "bhr-2024"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, func() error { _, err := s.Assessment(ctx, "bhr-2024"); return err }(), egdi.ENOTFOUND)
	wantCode(t, func() error { _, err := s.EvidenceFile(ctx, "bhr-2024", "IF-010"); return err }(), egdi.ENOTFOUND)
	wantCode(t, s.DeleteAssessment(ctx, "bhr-2024"), egdi.ENOTFOUND)
	// The name is free again, and the new assessment starts afresh.
	if err := s.CreateAssessment(ctx, newAssessment()); err != nil {
		t.Fatal(err)
	}
	if v := getAssessment(t, s, "bhr-2024").Answer("SP-012").Version; v != 1 {
		t.Errorf("version after re-creating = %d, want 1", v)
	}
}

// testAssessmentFileMetadataOnly: an answer carrying only a file's
// metadata (as an export does) keeps the stored file; a new assessment
// without answers has an empty (not nil) list.
func testAssessmentFileMetadataOnly(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	if err := s.CreateAssessment(ctx, newAssessment()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveAnswers(ctx, "bhr-2024", []egdi.Answer{{Item: "IF-010", Value: "no", File: &egdi.EvidenceFile{Name: "other.png", Size: 3}}}); err != nil {
		t.Fatal(err)
	}
	ef, err := s.EvidenceFile(ctx, "bhr-2024", "IF-010")
	if err != nil || ef.Name != "chart.png" || string(ef.Data) != "\x89PNG fake" {
		t.Errorf("file = %+v, %v; want the stored chart.png", ef, err)
	}
	empty := &egdi.Assessment{Name: "empty", Questionnaire: "egl-2024", Country: "BHR"}
	if err := s.CreateAssessment(ctx, empty); err != nil {
		t.Fatal(err)
	}
	if empty.Answers == nil || getAssessment(t, s, "empty").Answers == nil {
		t.Error("an assessment without answers has a nil answer list")
	}
}
