package storetest

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/egdi-project/egdi"
)

// trackerFixture is a strategy with a bound and a hand-entered KPI and
// three cooperation records.
func trackerFixture(sample bool) *egdi.Tracker {
	return &egdi.Tracker{
		Strategies: []*egdi.Strategy{{
			Name: "bhr-digital", Title: "Bahrain digital strategy", TitleAR: "الاستراتيجية الرقمية", Scope: "BHR", Sample: sample,
			Waves: []egdi.Wave{{Name: "wave 1", From: 2022, To: 2024, Priorities: []string{"cloud"}}},
			Initiatives: []egdi.Initiative{{Name: "connectivity", Wave: "wave 1", Owner: "iGA", KPIs: []egdi.KPI{
				{ID: "tii-rank", Name: "TII rank", Binding: &egdi.Binding{ISO3: "BHR", Measure: "tii_rank"},
					Baseline: &egdi.Point{Year: 2022, Value: 65}, Targets: []egdi.Point{{Year: 2024, Value: 20}}},
				{ID: "services", Name: "services online", Entries: []egdi.Entry{{Year: 2024, Value: 600, Evidence: "annual report 2024, p. 3"}},
					Targets: []egdi.Point{{Year: 2026, Value: 700}}},
			}}},
		}},
		Cooperation: []*egdi.Cooperation{
			{Kind: egdi.Agreement, Date: "2019", Parties: []string{"BHR", "TKM"}, Title: "MoU on e-government", Sample: sample},
			{Kind: egdi.Visit, Date: "2019-09", Parties: []string{"BHR", "TKM", "Ministry of Industry and Communication"},
				Title: "Turkmenistan delegation", Outcomes: []string{"briefed on the cloud programme"}, Sample: sample},
			{Kind: egdi.Agreement, Parties: []string{"BHR", "KWT", "CITRA"}, Title: "MoU on cloud computing", Topic: "cloud", Sample: sample},
		},
	}
}

func testTracker(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	if ss, err := s.Strategies(ctx); err != nil || len(ss) != 0 {
		t.Fatalf("a new store has strategies %v (%v)", ss, err)
	}
	in := trackerFixture(false)
	if err := s.SaveTracker(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := s.Strategy(ctx, "bhr-digital")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, in.Strategies[0]) {
		t.Fatalf("strategy read back\n%+v\nwant\n%+v", got, in.Strategies[0])
	}
	recs, err := s.Cooperation(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0].Date != "2019" || recs[1].Date != "2019-09" || recs[2].Date != "" {
		t.Fatalf("records %v, want 3 by date, undated last", recs)
	}
	for _, r := range recs {
		if r.ID == 0 {
			t.Fatalf("record %q has no id", r.Title)
		}
	}
	for iso, want := range map[egdi.ISO3]int{"TKM": 2, "KWT": 1, "BHR": 3, "USA": 0} {
		rs, err := s.Cooperation(ctx, iso)
		if err != nil || len(rs) != want {
			t.Errorf("Cooperation(%s) = %d records (%v), want %d", iso, len(rs), err, want)
		}
	}
	// Saving again is idempotent: same names and keys replace, ids stay.
	in2 := trackerFixture(false)
	in2.Cooperation[1].Outcomes = []string{"a second outcome"}
	in2.Strategies[0].Owner = "iGA"
	if err := s.SaveTracker(ctx, in2); err != nil {
		t.Fatal(err)
	}
	recs2, _ := s.Cooperation(ctx, "")
	if len(recs2) != 3 || recs2[1].ID != recs[1].ID || recs2[1].Outcomes[0] != "a second outcome" {
		t.Fatalf("after a second save: %+v", recs2)
	}
	if got, _ := s.Strategy(ctx, "bhr-digital"); got.Owner != "iGA" {
		t.Fatalf("the strategy was not replaced: owner %q", got.Owner)
	}
	wantCode(t, s.DeleteCooperation(ctx, recs[0].ID), "")
	wantCode(t, s.DeleteCooperation(ctx, recs[0].ID), egdi.ENOTFOUND)
	if rs, _ := s.Cooperation(ctx, "TKM"); len(rs) != 1 {
		t.Errorf("after a delete TKM has %d records, want 1", len(rs))
	}
	wantCode(t, s.DeleteStrategy(ctx, "bhr-digital"), "")
	wantCode(t, s.DeleteStrategy(ctx, "bhr-digital"), egdi.ENOTFOUND)
	_, err = s.Strategy(ctx, "bhr-digital")
	wantCode(t, err, egdi.ENOTFOUND)
}

// testTrackerAllOrNothing: a batch with one bad item stores nothing, and
// a canceled save stores nothing.
func testTrackerAllOrNothing(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	for name, edit := range map[string]func(tr *egdi.Tracker){
		"bad record":     func(tr *egdi.Tracker) { tr.Cooperation[2].Parties = []string{"XYZ"} },
		"bad KPI":        func(tr *egdi.Tracker) { tr.Strategies[0].Initiatives[0].KPIs[0].Binding.Measure = "speed" },
		"duplicate key":  func(tr *egdi.Tracker) { tr.Cooperation[2] = tr.Cooperation[0] },
		"duplicate name": func(tr *egdi.Tracker) { tr.Strategies = append(tr.Strategies, tr.Strategies[0]) },
	} {
		tr := trackerFixture(false)
		edit(tr)
		wantCode(t, s.SaveTracker(ctx, tr), egdi.EINVALID)
		assertTrackerEmpty(t, s, name)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.SaveTracker(cctx, trackerFixture(false)); err == nil {
		t.Fatal("a canceled save succeeded")
	}
	assertTrackerEmpty(t, s, "canceled")
}

func assertTrackerEmpty(t *testing.T, s egdi.Store, when string) {
	t.Helper()
	ss, err := s.Strategies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.Cooperation(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 0 || len(rs) != 0 {
		t.Fatalf("%s: %d strategies and %d records stored, want none", when, len(ss), len(rs))
	}
}

// testTrackerSample: removing the sample leaves the user's data.
func testTrackerSample(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	if err := s.SaveTracker(ctx, trackerFixture(true)); err != nil {
		t.Fatal(err)
	}
	user := &egdi.Tracker{
		Strategies:  []*egdi.Strategy{{Name: "mine"}},
		Cooperation: []*egdi.Cooperation{{Kind: egdi.Event, Date: "2025-03-01", Parties: []string{"BHR", "OMN"}, Title: "workshop"}},
	}
	if err := s.SaveTracker(ctx, user); err != nil {
		t.Fatal(err)
	}
	ns, nr, err := s.RemoveSample(ctx)
	if err != nil || ns != 1 || nr != 3 {
		t.Fatalf("RemoveSample = %d, %d, %v; want 1, 3", ns, nr, err)
	}
	ss, _ := s.Strategies(ctx)
	rs, _ := s.Cooperation(ctx, "")
	if len(ss) != 1 || ss[0].Name != "mine" || len(rs) != 1 || rs[0].Title != "workshop" {
		t.Fatalf("after RemoveSample: %v %v", ss, rs)
	}
	if ns, nr, err := s.RemoveSample(ctx); err != nil || ns+nr != 0 {
		t.Fatalf("RemoveSample again = %d, %d, %v", ns, nr, err)
	}
}

// testKPIFollowsImports: a KPI bound to Bahrain's TII rank reads 65
// (2022) and 10 (2024) from the published editions with no hand entry,
// and gains 2026 when a 2026 edition is imported; one bound to fixed
// broadband gains the value of an imported ITU file.
func testKPIFollowsImports(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	tr := trackerFixture(false)
	tr.Strategies[0].Initiatives[0].KPIs = append(tr.Strategies[0].Initiatives[0].KPIs,
		egdi.KPI{ID: "fbb", Name: "fixed broadband", Binding: &egdi.Binding{ISO3: "BHR", Measure: "fixed_broadband"}})
	if err := s.SaveTracker(ctx, tr); err != nil {
		t.Fatal(err)
	}
	view := func() map[string]egdi.KPIView {
		st, err := s.Strategy(ctx, "bhr-digital")
		if err != nil {
			t.Fatal(err)
		}
		v, err := st.View(dataset(t, s))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]egdi.KPIView{}
		for _, k := range v.KPIs {
			out[k.ID] = k
		}
		return out
	}
	at := func(ps []egdi.Point, y int) float64 {
		for _, p := range ps {
			if p.Year == y {
				return p.Value
			}
		}
		return math.NaN()
	}
	k := view()["tii-rank"]
	// E-Government Survey 2022 and 2024: Bahrain's TII rank (exact).
	if at(k.Values, 2022) != 65 || at(k.Values, 2024) != 10 || !math.IsNaN(at(k.Values, 2026)) {
		t.Fatalf("TII rank values %v, want 65 in 2022 and 10 in 2024, nothing in 2026", k.Values)
	}
	if k.Status != egdi.OnTrack {
		t.Errorf("status %s, want on_track (10 beats the target 20)", k.Status)
	}
	// A 2026 edition where Bahrain's TII falls to 0.8: its rank is one
	// more than the number of countries with a higher TII.
	recs := laterEdition(t)
	want := 1
	for i := range recs {
		if recs[i].ISO3 == "BHR" {
			recs[i].TII = 0.8
		}
	}
	for _, r := range recs {
		if r.Assessed && r.TII > 0.8 {
			want++
		}
	}
	importOK(t, s, &egdi.Batch{File: "EGOV_DATA_2026.csv", Source: "un", Records: recs, Read: len(recs)})
	k = view()["tii-rank"]
	if got := at(k.Values, 2026); got != float64(want) || want <= 10 {
		t.Fatalf("2026 TII rank %g, want %d", got, want)
	}
	if k.Status != egdi.OffTrack {
		t.Errorf("status after the fall: %s, want off_track", k.Status)
	}
	fb := view()["fbb"]
	if !math.IsNaN(at(fb.Values, 2023)) {
		t.Fatalf("fixed broadband 2023 already there: %v", fb.Values)
	}
	obs := []egdi.Observation{{ISO3: "BHR", Indicator: egdi.FixedBroadband, Year: 2023, Value: 11.25, Source: "itu", Vintage: "test"}}
	importOK(t, s, &egdi.Batch{File: "ITU.xlsx", Source: "itu", Observations: obs, Read: 1})
	if got := at(view()["fbb"].Values, 2023); got != 11.25 {
		t.Fatalf("fixed broadband 2023 after the ITU import = %g, want 11.25", got)
	}
}

// testTrackerAudited: the audit entries given to a tracker write are
// appended with it (scope tracker, stamped), and a failed write appends
// none.
func testTrackerAudited(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	entry := func(action, item, old, new string) egdi.AuditEntry {
		return egdi.AuditEntry{User: "c@example.org", Action: action, Item: item, Old: old, New: new}
	}
	bad := trackerFixture(true)
	bad.Cooperation[2].Parties = []string{"XYZ"}
	bad.Audit = []egdi.AuditEntry{entry(egdi.AuditSampleLoad, "sample", "", "bad")}
	wantCode(t, s.SaveTracker(ctx, bad), egdi.EINVALID)
	wantCode(t, s.DeleteStrategy(ctx, "nope", entry(egdi.AuditStrategyDelete, "nope", "x", "")), egdi.ENOTFOUND)
	wantCode(t, s.DeleteCooperation(ctx, 1<<40, entry(egdi.AuditCooperationDelete, "x", "x", "")), egdi.ENOTFOUND)
	if got := auditOf(t, s, egdi.AuditScopeTracker); len(got) != 0 {
		t.Fatalf("failed writes left audit entries: %q", got)
	}
	tr := trackerFixture(true)
	tr.Audit = []egdi.AuditEntry{entry(egdi.AuditSampleLoad, "sample", "", "loaded")}
	if err := s.SaveTracker(ctx, tr); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Cooperation(ctx, "KWT")
	if err != nil || len(rs) != 1 {
		t.Fatalf("KWT records %v, %v", rs, err)
	}
	if err := s.DeleteCooperation(ctx, rs[0].ID, entry(egdi.AuditCooperationDelete, "kwt", "record", "")); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStrategy(ctx, "bhr-digital", entry(egdi.AuditStrategyDelete, "bhr-digital", "strategy", "")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RemoveSample(ctx, entry(egdi.AuditSampleRemove, "sample", "", "")); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"c@example.org sample.load sample →loaded ",
		"c@example.org cooperation.delete kwt record→ ",
		"c@example.org strategy.delete bhr-digital strategy→ ",
		`c@example.org sample.remove sample {"strategies":0,"records":2}→ `,
	}
	if got := auditOf(t, s, egdi.AuditScopeTracker); !reflect.DeepEqual(got, want) {
		t.Fatalf("tracker audit\n got %q\nwant %q", got, want)
	}
	es, err := s.Audit(ctx, egdi.AuditScopeTracker)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.At.IsZero() || e.Scope != egdi.AuditScopeTracker {
			t.Errorf("entry %+v: no time or wrong scope", e)
		}
	}
}
