package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestTeamCommands runs a two-reviewer review with egdi assessment …
// --as EMAIL and checks each command's exit status and that each write
// made exactly one entry of the assessment's audit trail with the right
// old and new values, as the API does.
func TestTeamCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "egdi.db")
	for _, u := range [][2]string{{"coord@example.org", "coordinator"}, {"a@example.org", "reviewer"}, {"b@example.org", "reviewer"},
		{"v@example.org", "viewer"}, {"x@example.org", "reviewer"}} {
		if _, errs, code := egdiDB(t, db, "", "user", "add", u[0], "--role", u[1]); code != 0 {
			t.Fatal(errs)
		}
	}
	entries := func() []auditEntry {
		out, errs, code := egdiDB(t, db, "", "assessment", "audit", "bhr", "--as", "coord@example.org", "--format", "json")
		if code != 0 {
			t.Fatalf("audit: %s", errs)
		}
		var v struct{ Entries []auditEntry }
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		return v.Entries
	}
	const url = "https://www.bahrain.bh/"
	steps := []struct {
		name string
		args []string
		code int
		last string // the new entry (user action item old→new reason); "" for none
	}{
		{"Create", []string{"team-create", "bhr", "--questionnaire", "osi-2024", "--country", "BHR", "--as", "coord@example.org"}, 0, "coord@example.org member.set coord@example.org →coordinator "},
		{"ErrCreateAsReviewer", []string{"team-create", "kwt", "--questionnaire", "osi-2024", "--country", "KWT", "--as", "a@example.org"}, 2, ""},
		{"MemberA", []string{"member", "bhr", "a@example.org", "--role", "reviewer", "--as", "coord@example.org"}, 0, "coord@example.org member.set a@example.org →reviewer "},
		{"MemberB", []string{"member", "bhr", "b@example.org", "--role", "reviewer", "--as", "coord@example.org", "--reason", "second"}, 0, "coord@example.org member.set b@example.org →reviewer second"},
		{"MemberV", []string{"member", "bhr", "v@example.org", "--role", "viewer", "--as", "coord@example.org"}, 0, "coord@example.org member.set v@example.org →viewer "},
		{"ErrMemberByReviewer", []string{"member", "bhr", "x@example.org", "--role", "reviewer", "--as", "a@example.org"}, 2, ""},
		{"ErrNonMember", []string{"review", "bhr", "IF-010", "yes", "--as", "x@example.org"}, 2, ""},
		{"ErrViewerReviews", []string{"review", "bhr", "IF-010", "yes", "--as", "v@example.org"}, 2, ""},
		{"ErrNoAs", []string{"review", "bhr", "IF-010", "yes"}, 2, ""},
		{"ReviewA1", []string{"review", "bhr", "IF-010", "no", "--as", "a@example.org", "--evidence", url}, 0, "a@example.org review.answer IF-010 →no " + url + " "},
		{"ReviewA1Again", []string{"review", "bhr", "IF-010", "yes", "--as", "a@example.org", "--if-version", "1"}, 0, "a@example.org review.answer IF-010 no " + url + "→yes "},
		{"ErrStale", []string{"review", "bhr", "IF-010", "no", "--as", "a@example.org", "--if-version", "1"}, 2, ""},
		{"ErrBadValue", []string{"review", "bhr", "IF-010", "maybe", "--as", "a@example.org", "--if-version", "2"}, 2, ""},
		{"ReviewB1", []string{"review", "bhr", "IF-010", "no", "--as", "b@example.org"}, 0, "b@example.org review.answer IF-010 →no "},
		{"ErrDirectAnswer", []string{"answer", "bhr", "IF-010=yes"}, 2, ""},
		{"ErrDelete", []string{"delete", "bhr"}, 2, ""},
		{"ErrDisagreementsEarly", []string{"disagreements", "bhr", "--as", "coord@example.org"}, 2, ""},
		{"SubmitA", []string{"submit", "bhr", "--as", "a@example.org"}, 0, "a@example.org review.submit a@example.org draft→submitted 1 answers "},
		{"SubmitB", []string{"submit", "bhr", "--as", "b@example.org"}, 0, "b@example.org review.submit b@example.org draft→submitted 1 answers "},
		{"Disagreements", []string{"disagreements", "bhr", "--as", "coord@example.org"}, 0, ""},
		{"ErrReconcileNoReason", []string{"reconcile", "bhr", "IF-010", "yes", "--as", "coord@example.org"}, 2, ""},
		{"ErrReconcileByReviewer", []string{"reconcile", "bhr", "IF-010", "yes", "--reason", "r", "--as", "a@example.org"}, 2, ""},
		{"Reconcile", []string{"reconcile", "bhr", "IF-010", "yes", "--reason", "the chart is on the portal", "--as", "coord@example.org"}, 0, "coord@example.org reconcile IF-010 →yes the chart is on the portal"},
		{"ErrAuditByViewer", []string{"audit", "bhr", "--as", "v@example.org"}, 2, ""},
	}
	before := 0
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out, errs, code := egdiDB(t, db, "", append([]string{"assessment"}, st.args...)...)
			if code != st.code {
				t.Fatalf("exit %d, want %d: %s %s", code, st.code, out, errs)
			}
			if st.name == "Disagreements" && (!strings.Contains(out, "IF-010") || !strings.Contains(out, "yes") || !strings.Contains(out, "no")) {
				t.Errorf("disagreements: %q", out)
			}
			if before == 0 && st.name != "Create" {
				t.Fatal("no assessment")
			}
			es := entries()
			n := 0
			if st.last != "" {
				n = 1
				if st.name == "Create" {
					n = 2 // the assessment and its coordinator
				}
			}
			if len(es) != before+n {
				t.Fatalf("%d audit entries added, want %d", len(es)-before, n)
			}
			before = len(es)
			if n > 0 {
				e := es[len(es)-1]
				if got := e.User + " " + e.Action + " " + e.Item + " " + e.Old + "→" + e.New + " " + e.Reason; got != st.last {
					t.Errorf("entry %q, want %q", got, st.last)
				}
			}
		})
	}
	out, _, code := egdiDB(t, db, "", "assessment", "show", "bhr")
	if code != 0 || !strings.Contains(out, "IF-010") {
		t.Errorf("show: %d %s", code, out)
	}
}
