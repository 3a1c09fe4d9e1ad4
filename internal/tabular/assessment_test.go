package tabular_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/questionnaire"
	"github.com/egdi-project/egdi/internal/tabular"
)

func osi2024(t testing.TB) *egdi.Questionnaire {
	t.Helper()
	s, err := questionnaire.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	q, err := s.Get("osi-2024")
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func sampleAssessment(q *egdi.Questionnaire) *egdi.Assessment {
	a := &egdi.Assessment{Name: "bhr", Questionnaire: q.ID, Country: "BHR"}
	at := time.Date(2026, 3, 1, 9, 30, 0, 123000000, time.UTC)
	for k, m := range q.Modules {
		for j, it := range m.Items {
			if j%3 == 2 {
				continue
			}
			x := egdi.Answer{Item: it.Code, Value: it.Answers[(j+k)%len(it.Answers)].Value, Author: "owner", At: at}
			if j%2 == 0 {
				x.Evidence = "https://www.bahrain.bh/wps/portal/" + it.Code + "?q=a,b"
			}
			if j%4 == 0 {
				x.Note = "\"وُجد\" في ثلاث نقرات, \"quoted\"\nsecond line"
			}
			a.Answers = append(a.Answers, x)
		}
	}
	return a
}

// TestAssessmentRoundTrip: export then import gives back every answer
// (item, value, evidence, note, author, time) in each format.
func TestAssessmentRoundTrip(t *testing.T) {
	q := osi2024(t)
	a := sampleAssessment(q)
	for _, format := range []string{"csv", "xlsx", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tabular.WriteAssessment(&buf, a, q, format); err != nil {
				t.Fatal(err)
			}
			got, err := tabular.ReadAssessment("a."+format, buf.Bytes(), "", q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Answers) != len(a.Answers) {
				t.Fatalf("%d answers, want %d", len(got.Answers), len(a.Answers))
			}
			for k, want := range a.Answers {
				g := got.Answers[k]
				if g.Item != want.Item || g.Value != want.Value || g.Evidence != want.Evidence || g.Note != want.Note ||
					g.Author != want.Author || !g.At.Equal(want.At) {
					t.Errorf("answer %d: %+v, want %+v", k, g, want)
				}
			}
			if format == "json" && (got.Name != "bhr" || got.Country != "BHR") {
				t.Errorf("json: name %q country %q", got.Name, got.Country)
			}
		})
	}
}

// TestAssessmentXLSXArabicSheet: the workbook has an English and an Arabic
// right-to-left sheet with Arabic headings and Arabic question text.
func TestAssessmentXLSXArabicSheet(t *testing.T) {
	q := osi2024(t)
	a := sampleAssessment(q)
	var buf bytes.Buffer
	if err := tabular.WriteAssessment(&buf, a, q, "xlsx"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // an in-memory workbook: nothing to lose
	en, ar := tabular.AssessmentSheets()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != en || got[1] != ar {
		t.Fatalf("sheets %v, want %s and %s", got, en, ar)
	}
	rows, err := f.GetRows(ar)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "البند" || rows[0][1] != "الإجابة" {
		t.Errorf("Arabic header %v", rows[0])
	}
	it, _ := q.Item(rows[1][0])
	if it == nil || rows[1][6] != it.Text.AR {
		t.Errorf("row 2 question %q, want the Arabic text of %s", rows[1][6], rows[1][0])
	}
	view, err := f.GetSheetView(ar, 0)
	if err != nil || view.RightToLeft == nil || !*view.RightToLeft {
		t.Errorf("the Arabic sheet is not right to left: %+v %v", view, err)
	}
}

// TestAssessmentBadFiles: each bad file is an *egdi.InputError naming the
// row, the column and the item.
func TestAssessmentBadFiles(t *testing.T) {
	q := osi2024(t)
	item := q.Modules[2].Items[0].Code
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"UnknownItem", "item,answer,evidence,note\nSP-999,yes,,\n", []string{"row 2", "column item", "SP-999"}},
		{"ValueNotAllowed", "item,answer,evidence,note\n" + item + ",maybe,,\n", []string{"row 2", "column answer", item, "maybe"}},
		{"URLNotHTTP", "item,answer,evidence,note\n" + item + ",yes,ftp://x.org/a,\n", []string{"row 2", "column evidence", item}},
		{"JavascriptURL", "item,answer,evidence,note\n" + item + ",yes,javascript:alert(1),\n", []string{"column evidence", item}},
		{"Duplicate", "item,answer,evidence,note\n" + item + ",yes,,\n" + item + ",no,,\n", []string{"row 3", item, "twice"}},
		{"NoHeader", "code,value\nSP-001,yes\n", []string{"header must start"}},
		{"BadTime", "item,answer,evidence,note,author,at\n" + item + ",yes,,,me,yesterday\n", []string{"column at", item}},
		{"Truncated", "item,answer,evidence,note\n" + item + ",yes\n", []string{"row 2", "truncated"}},
		{"NotUTF8", "item,answer,evidence,note\n" + item + ",yes,,caf\xe9\n", []string{"UTF-8"}},
		{"JSONWrongQuestionnaire", `{"name":"x","questionnaire":"epi-2024","country":"BHR","answers":[]}`, []string{"epi-2024"}},
		{"JSONBadAnswer", `{"name":"x","questionnaire":"osi-2024","country":"BHR","answers":[{"item":"` + item + `","value":"maybe"}]}`, []string{item, "row 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tabular.ReadAssessment("bad.csv", []byte(tc.in), "", q)
			var ie *egdi.InputError
			if !errors.As(err, &ie) || egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("err = %v, want an *egdi.InputError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err.Error(), w)
				}
			}
		})
	}
}

// FuzzReadAssessment: the importer never panics; what it accepts passes
// the questionnaire's checks and survives a CSV round trip.
func FuzzReadAssessment(f *testing.F) {
	q := osi2024(f)
	var buf bytes.Buffer
	if err := tabular.WriteAssessment(&buf, sampleAssessment(q), q, "csv"); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("item,answer,evidence,note\nIF-010,yes,https://a.b/c,n\n"))
	f.Add([]byte(`{"name":"x","questionnaire":"osi-2024","country":"BHR","answers":[{"item":"IF-010","value":"yes"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := tabular.ReadAssessment("fuzz", data, "", q)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("code %q: %v", egdi.ErrorCode(err), err)
			}
			return
		}
		seen := map[string]bool{}
		for k := range a.Answers {
			x := a.Answers[k]
			if err := q.CheckAnswer(&x); err != nil || seen[x.Item] {
				t.Fatalf("accepted a bad answer %+v: %v", x, err)
			}
			seen[x.Item] = true
		}
		var out bytes.Buffer
		if err := tabular.WriteAssessment(&out, a, q, "csv"); err != nil {
			t.Fatal(err)
		}
		b, err := tabular.ReadAssessment("again.csv", out.Bytes(), "csv", q)
		if err != nil || len(b.Answers) != len(a.Answers) {
			t.Fatalf("round trip: %v (%d vs %d answers)", err, len(b.Answers), len(a.Answers))
		}
		for k, x := range a.Answers {
			y := b.Answers[k]
			if x.Item != y.Item || x.Value != y.Value || x.Evidence != y.Evidence || x.Note != y.Note || x.Author != y.Author || !x.At.Equal(y.At) {
				t.Fatalf("round trip changed %+v into %+v", x, y)
			}
		}
	})
}
