package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// trackerEntries reads the tracker's audit log with egdi audit.
func trackerEntries(t *testing.T, db string) []auditEntry {
	t.Helper()
	out, errs, code := egdiDB(t, db, "", "audit", "--scope", "tracker", "--format", "json")
	if code != 0 {
		t.Fatalf("audit: %s", errs)
	}
	var v struct{ Entries []auditEntry }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v.Entries
}

// TestTrackerCommandsAudited: on a store with accounts, every tracker
// write of the command line needs --as a coordinator or admin (exit 2
// otherwise, store unchanged), and each accepted write makes exactly one
// audit entry with the right user, action, item, old and new.
func TestTrackerCommandsAudited(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "egdi.db")
	for _, u := range [][2]string{{"c@example.org", "coordinator"}, {"v@example.org", "viewer"}, {"r@example.org", "reviewer"}} {
		if _, errs, code := egdiDB(t, db, "", "user", "add", u[0], "--role", u[1]); code != 0 {
			t.Fatal(errs)
		}
	}
	mine := filepath.Join(dir, "mine.csv")
	if err := os.WriteFile(mine, []byte("kind,date,parties,title\nevent,2025-03-01,BHR | OMN,Joint workshop\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	strategies := filepath.Join(dir, "strategies.json")
	recordID := func() string {
		out, errs, code := egdiDB(t, db, "", "cooperation", "list", "--country", "OMN", "--format", "json")
		if code != 0 {
			t.Fatal(errs)
		}
		var rs []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		}
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Title == "Joint workshop" {
				return strconv.FormatInt(r.ID, 10)
			}
		}
		t.Fatalf("no Joint workshop in %s", out)
		return ""
	}
	const c = "--as=c@example.org"
	steps := []struct {
		name string
		args func() []string
		code int
		// The new entry: user action item, and text its old and new
		// values must contain ("" for an empty value); action "" for none.
		user, action, item, old, new string
	}{
		{"ErrNoAs", func() []string { return []string{"sample", "load"} }, 2, "", "", "", "", ""},
		{"ErrViewer", func() []string { return []string{"sample", "load", "--as", "v@example.org"} }, 2, "", "", "", "", ""},
		{"ErrReviewer", func() []string { return []string{"cooperation", "import", mine, "--as", "r@example.org"} }, 2, "", "", "", "", ""},
		{"ErrUnknown", func() []string { return []string{"sample", "load", "--as", "nobody@example.org"} }, 2, "", "", "", "", ""},
		{"SampleLoad", func() []string { return []string{"sample", "load", c} }, 0, "c@example.org", "sample.load", "sample", "", `{"records":21,"strategies":1}`},
		{"CooperationImport", func() []string { return []string{"cooperation", "import", mine, c} }, 0, "c@example.org", "tracker.import", mine, "", "Joint workshop"},
		{"StrategyExport", func() []string { return []string{"strategy", "export", "--format", "json", "-o", strategies} }, 0, "", "", "", "", ""},
		{"StrategyImport", func() []string { return []string{"strategy", "import", strategies, c} }, 0, "c@example.org", "tracker.import", strategies, "", `"strategies":["gcc-egov"]`},
		{"FromPlan", func() []string {
			return []string{"strategy", "from-plan", "BHR", "--rank", "5", "--year", "2030", "--name", "bhr-plan", c}
		}, 0, "c@example.org", "strategy.initiative.add", "bhr-plan/Reach EGDI rank 5 by 2030", "", `"name":"Reach EGDI rank 5 by 2030"`},
		{"ErrDeleteAsViewer", func() []string { return []string{"strategy", "delete", "bhr-plan", "--as", "v@example.org"} }, 2, "", "", "", "", ""},
		{"StrategyDelete", func() []string { return []string{"strategy", "delete", "bhr-plan", c} }, 0, "c@example.org", "strategy.delete", "bhr-plan", `"name":"bhr-plan"`, ""},
		{"CooperationDelete", func() []string { return []string{"cooperation", "delete", recordID(), c} }, 0, "c@example.org", "cooperation.delete", "", `"title":"Joint workshop"`, ""},
		{"SampleRemove", func() []string { return []string{"sample", "remove", c} }, 0, "c@example.org", "sample.remove", "sample", `{"strategies":0,"records":21}`, ""}, // the import made gcc-egov the user's own
	}
	for _, st := range steps {
		before := len(trackerEntries(t, db))
		args := st.args()
		_, errs, code := egdiDB(t, db, "", args...)
		if code != st.code {
			t.Fatalf("%s: exit %d, want %d: %s", st.name, code, st.code, errs)
		}
		got := trackerEntries(t, db)[before:]
		if st.action == "" {
			if len(got) != 0 {
				t.Fatalf("%s: %d audit entries, want none: %+v", st.name, len(got), got)
			}
			continue
		}
		if len(got) != 1 {
			t.Fatalf("%s: %d audit entries, want 1: %+v", st.name, len(got), got)
		}
		g := got[0]
		item := st.item
		if st.name == "CooperationDelete" {
			item = args[2]
		}
		if g.User != st.user || g.Action != st.action || (g.Item != item && g.Item != filepath.Base(item)) {
			t.Errorf("%s: entry %s %s %s, want %s %s %s", st.name, g.User, g.Action, g.Item, st.user, st.action, item)
		}
		for _, v := range [][2]string{{g.Old, st.old}, {g.New, st.new}} {
			if (v[1] == "") != (v[0] == "") || !strings.Contains(v[0], v[1]) {
				t.Errorf("%s: old %q new %q, want old with %q, new with %q", st.name, g.Old, g.New, st.old, st.new)
			}
		}
	}
}

// TestTrackerCommandsNoAccounts: without accounts the writes need no
// --as and are audited as the command line.
func TestTrackerCommandsNoAccounts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "egdi.db")
	if _, errs, code := egdiDB(t, db, "", "sample", "load"); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := egdiDB(t, db, "", "sample", "remove"); code != 0 {
		t.Fatal(errs)
	}
	es := trackerEntries(t, db)
	if len(es) != 2 || es[0].User != "cli" || es[0].Action != "sample.load" || es[1].Action != "sample.remove" {
		t.Errorf("entries %+v, want sample.load and sample.remove by cli", es)
	}
}
