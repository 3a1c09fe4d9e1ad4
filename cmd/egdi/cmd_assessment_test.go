package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/questionnaire/data"
)

// writeAnswers writes a CSV assessment file answering every item of
// osi-2024: the first share·n items of each module met, the rest unmet.
func writeAnswers(t *testing.T, dir, name string, share float64) string {
	t.Helper()
	q, err := getQuestionnaire("osi-2024")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("item,answer,evidence,note\n")
	for _, m := range q.Modules {
		for k, it := range m.Items {
			v := it.Unmet()
			if float64(k) < share*float64(len(m.Items)) {
				v = it.Met()
			}
			b.WriteString(it.Code + "," + v + ",https://portal.example/" + it.Code + ",\n")
		}
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAssessmentCommands walks the CLI: create, answer, import,
// export, show, score (JSON contract), target --assessment, delete; bad
// answers and files exit 2 naming the item and leave the store unchanged.
func TestAssessmentCommands(t *testing.T) {
	env := storeEnv(t)
	dir := t.TempDir()
	mustEgdi(t, env, "assessment", "create", "bhr", "--questionnaire", "osi-2024", "--country", "Bahrain")
	out := mustEgdi(t, env, "assessment", "answer", "bhr", "SP-095a=yes", "IF-010=no", "--evidence", "https://www.bahrain.bh/a", "--note", "ملاحظة")
	if !strings.Contains(out, "SP-095a = yes (version 1)") {
		t.Errorf("answer printed %q", out)
	}
	mustEgdi(t, env, "assessment", "answer", "bhr", "IF-010=yes")
	before := mustEgdi(t, env, "assessment", "show", "bhr", "--format", "json")
	if !strings.Contains(before, `"version": 2`) {
		t.Errorf("IF-010 changed twice should be version 2: %s", before)
	}
	big := filepath.Join(dir, "big.png")
	if err := os.WriteFile(big, make([]byte, egdi.MaxEvidenceFile+1), 0o644); err != nil {
		t.Fatal(err)
	}
	badCSV := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(badCSV, []byte("item,answer,evidence,note\nIF-010,no,,\nSP-095a,maybe,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"UnknownItem", []string{"assessment", "answer", "bhr", "IF-010=no", "ZZ-999=yes"}, "ZZ-999"},
		{"ValueNotAllowed", []string{"assessment", "answer", "bhr", "IF-010=no", "SP-095a=perhaps"}, "SP-095a"},
		{"URLNotHTTP", []string{"assessment", "answer", "bhr", "IF-011=yes", "--evidence", "javascript:alert(1)"}, "IF-011"},
		{"FileOverLimit", []string{"assessment", "answer", "bhr", "IF-012=yes", "--file", big}, "IF-012"},
		{"BadImportRow", []string{"assessment", "import", "bhr", badCSV}, "row 3, column answer: Item SP-095a"},
		{"NotFound", []string{"assessment", "score", "nope"}, "nope"},
		{"NoQuestionnaire", []string{"assessment", "create", "x", "--country", "BHR"}, "--questionnaire"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, code := egdiIn(t, env, tc.args...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %q", code, errs, tc.want)
			}
			if after := mustEgdi(t, env, "assessment", "show", "bhr", "--format", "json"); after != before {
				t.Errorf("the store changed:\n%s\nwas\n%s", after, before)
			}
		})
	}
	// Import a whole file, then export and re-import each format: lossless.
	mustEgdi(t, env, "assessment", "import", "bhr", writeAnswers(t, dir, "bhr.csv", 0.7))
	for _, f := range []string{"csv", "xlsx", "json"} {
		p := filepath.Join(dir, "out."+f)
		mustEgdi(t, env, "assessment", "export", "bhr", "-o", p)
		mustEgdi(t, env, "assessment", "import", "copy-"+f, p, "--questionnaire", "osi-2024", "--country", "BHR")
		var a, b egdi.Assessment
		mustUnmarshal(t, []byte(mustEgdi(t, env, "assessment", "show", "bhr", "--format", "json")), &a)
		mustUnmarshal(t, []byte(mustEgdi(t, env, "assessment", "show", "copy-"+f, "--format", "json")), &b)
		if len(a.Answers) != 165 || len(b.Answers) != len(a.Answers) {
			t.Fatalf("%s: %d and %d answers", f, len(a.Answers), len(b.Answers))
		}
		for k := range a.Answers {
			x, y := a.Answers[k], b.Answers[k]
			if x.Item != y.Item || x.Value != y.Value || x.Evidence != y.Evidence || x.Note != y.Note || x.Author != y.Author || !x.At.Equal(y.At) {
				t.Errorf("%s round trip: %+v became %+v", f, x, y)
			}
		}
	}
	// The score's JSON carries the contract's fields.
	var score map[string]json.RawMessage
	if err := json.Unmarshal([]byte(mustEgdi(t, env, "assessment", "score", "bhr", "--format", "json")), &score); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"assessment", "questionnaire", "country", "answered", "total", "modules", "osi", "epi", "edition",
		"egdi", "rank", "rank_low", "rank_high", "group", "best_guesses"} {
		if _, ok := score[k]; !ok {
			t.Errorf("score JSON lacks %q", k)
		}
	}
	// --scenario carries the estimate into a new edition the engine computes.
	mustEgdi(t, env, "assessment", "score", "bhr", "--scenario", "bhr-est")
	var sc egdi.SelfScore
	mustUnmarshal(t, []byte(mustEgdi(t, env, "assessment", "score", "bhr", "--format", "json")), &sc)
	if out := mustEgdi(t, env, "edition", "show", "bhr-est", "--format", "json"); !strings.Contains(out, `"osi"`) {
		t.Errorf("edition show bhr-est: %s", out)
	}
	// egdi nowcast --assessment puts the estimate in the nowcast, as --osi does.
	var nc, ncOSI struct {
		Countries []struct {
			ISO3 string  `json:"iso3"`
			OSI  float64 `json:"osi"`
			Rank int     `json:"rank"`
		} `json:"countries"`
	}
	mustUnmarshal(t, []byte(mustEgdi(t, env, "nowcast", "--assessment", "bhr", "--format", "json")), &nc)
	mustUnmarshal(t, []byte(mustEgdi(t, env, "nowcast", "--osi", "BHR="+strconv.FormatFloat(sc.OSI.Estimate, 'f', -1, 64), "--format", "json")), &ncOSI)
	found := false
	for k, c := range nc.Countries {
		found = found || c.ISO3 == "BHR"
		if c.ISO3 == "BHR" && (math.Abs(c.OSI-sc.OSI.Estimate) > 1e-4 || c != ncOSI.Countries[k]) {
			t.Errorf("nowcast --assessment: BHR %+v, with --osi %+v, estimate %g", c, ncOSI.Countries[k], sc.OSI.Estimate)
		}
	}
	if !found || len(nc.Countries) != len(ncOSI.Countries) {
		t.Errorf("nowcast: BHR not found among %d countries", len(nc.Countries))
	}
	var guesses []egdi.Guess
	mustUnmarshal(t, score["best_guesses"], &guesses)
	names := []string{}
	for _, g := range guesses {
		names = append(names, g.Name)
	}
	if !slices.Contains(names, "subindex_weights") || !slices.Contains(names, "osi_calibration") {
		t.Errorf("best guesses %v lack subindex_weights or osi_calibration", names)
	}
	// A feature plan, replayed with `assessment answer`, reaches its target.
	var res egdi.FeatureTargetResult
	if err := json.Unmarshal([]byte(mustEgdi(t, env, "target", "BHR", "--edition", "2024", "--rank", "20", "--assessment", "bhr", "--format", "json")), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Reachable || len(res.Plans) == 0 {
		t.Fatalf("rank 20 unreachable: %+v", res)
	}
	args := []string{"assessment", "answer", "copy-json"}
	for _, ch := range res.Plans[0].Changes {
		args = append(args, ch.Item+"="+ch.To)
	}
	mustEgdi(t, env, args...)
	var replay egdi.SelfScore
	mustUnmarshal(t, []byte(mustEgdi(t, env, "assessment", "score", "copy-json", "--format", "json")), &replay)
	if replay.Rank > 20 {
		t.Errorf("replayed plan gives rank %d, target 20", replay.Rank)
	}
	// Unreachable: exit 2 with the best reachable rank.
	out, errs, code := egdiIn(t, env, "target", "BHR", "--edition", "2024", "--rank", "1", "--assessment", "bhr", "--format", "json")
	var un egdi.FeatureTargetResult
	mustUnmarshal(t, []byte(out), &un)
	if code != 2 || !strings.Contains(errs, "best reachable rank") || un.Reachable || un.BestRank <= 1 || len(un.Plans) != 1 || un.Plans[0].Rank != un.BestRank {
		t.Errorf("rank 1 with Bahrain's EGDI: exit %d %q, result %+v", code, errs, un)
	}
	if _, errs, code := egdiIn(t, env, "target", "BHR", "--edition", "2024", "--rank", "1", "--assessment", "never"); code != 2 || !strings.Contains(errs, "never") {
		t.Errorf("unknown assessment: exit %d %q", code, errs)
	}
	mustEgdi(t, env, "assessment", "delete", "copy-csv")
	if _, _, code := egdiIn(t, env, "assessment", "show", "copy-csv"); code != 2 {
		t.Errorf("deleted assessment still shown (exit %d)", code)
	}
}

// TestQuestionnaireShowJSON: the contract's shape of `questionnaire show --format json`.
func TestQuestionnaireShowJSON(t *testing.T) {
	out, _, code := egdiRun(t, "questionnaire", "show", "osi-2024", "--format", "json", "--lang", "ar")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var v struct {
		ID      string `json:"id"`
		Edition int    `json:"edition"`
		Index   string `json:"index"`
		Modules []struct {
			Code  string `json:"code"`
			Name  string `json:"name"`
			Items []struct {
				Code    string   `json:"code"`
				Text    string   `json:"text"`
				Answers []string `json:"answers"`
			} `json:"items"`
		} `json:"modules"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range v.Modules {
		n += len(m.Items)
		for _, it := range m.Items {
			if it.Text == "" || !strings.ContainsFunc(it.Text, func(r rune) bool { return r >= 0x600 && r <= 0x6FF }) || len(it.Answers) < 2 {
				t.Errorf("%s: text %q answers %v", it.Code, it.Text, it.Answers)
			}
		}
	}
	if v.ID != "osi-2024" || v.Edition != 2024 || v.Index != "osi" || len(v.Modules) != 5 || n != 165 {
		t.Errorf("got %s %d %s, %d modules, %d items", v.ID, v.Edition, v.Index, len(v.Modules), n)
	}
}

// TestAssessmentGolden pins what a person reads: the questionnaire list,
// a module of osi-2024 in Arabic, the score table and a feature plan of a
// fixed assessment (70 % of each module met).
func TestAssessmentGolden(t *testing.T) {
	env := storeEnv(t)
	env["EGDI_AUTHOR"] = "tester"
	mustEgdi(t, env, "assessment", "import", "bhr", writeAnswers(t, t.TempDir(), "bhr.csv", 0.7), "--questionnaire", "osi-2024", "--country", "BHR")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"questionnaire_list", []string{"questionnaire", "list"}},
		{"questionnaire_show_egl_ar", []string{"questionnaire", "show", "egl-2024", "--lang", "ar"}},
		{"assessment_score", []string{"assessment", "score", "bhr"}},
		{"assessment_score_ar", []string{"assessment", "score", "bhr", "--lang", "ar"}},
		{"target_assessment", []string{"target", "BHR", "--edition", "2024", "--rank", "25", "--assessment", "bhr"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, mustEgdi(t, env, tc.args...))
		})
	}
}

// TestQuestionnaireExportIsTheFile: `questionnaire export ID` writes the
// questionnaire file byte for byte (nothing is lost between the file, the
// domain type and the export).
func TestQuestionnaireExportIsTheFile(t *testing.T) {
	for _, id := range []string{"osi-2024", "epi-2024", "egl-2024", "losi-2024", "losi-2022"} {
		out, _, code := egdiRun(t, "questionnaire", "export", id)
		want, err := data.FS.ReadFile(id + ".json")
		if err != nil || code != 0 {
			t.Fatalf("%s: exit %d, %v", id, code, err)
		}
		if out != string(want) {
			t.Errorf("%s: the export differs from the file", id)
		}
	}
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}
