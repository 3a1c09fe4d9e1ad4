// Package storetest is the conformance suite of egdi.Store: one set of
// behavioural tests that every implementation (internal/sqlite,
// internal/postgres) must pass, in the manner of testing/fstest.TestFS.
//
// An implementation's test calls
//
//	storetest.Run(t, func(t *testing.T) egdi.Store { … a new, empty store seeded with builtin.Dataset() … })
//	storetest.RunSeeding(t, func(t *testing.T, name string, b *egdi.Dataset, version string) egdi.Store { … })
package storetest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// Run runs the conformance suite. open must return a new, empty store
// seeded with builtin.Dataset() and builtin.Version, closed by t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) egdi.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s egdi.Store)
	}{
		{"DatasetEqualsBuiltin", testDatasetEqualsBuiltin},
		{"ImportIdempotent", testImportIdempotent},
		{"ImportBuiltinValuesUnchanged", testImportBuiltinUnchanged},
		{"ImportBuiltinReadOnly", testImportBuiltinReadOnly},
		{"ImportAllOrNothing", testImportAllOrNothing},
		{"ImportCanceledMidway", testImportCanceled},
		{"ImportConflictingRows", testImportConflicting},
		{"ImportDuplicateRows", testImportDuplicates},
		{"ImportReplacesImportedValue", testImportReplaces},
		{"ImportedDataUsed", testImportedDataUsed},
		{"Scenarios", testScenarios},
		{"ScenarioErrors", testScenarioErrors},
		{"Results", testResults},
		{"Jobs", testJobs},
		{"JobsConcurrentClaims", testJobsConcurrentClaims},
		{"LaterEdition", testLaterEdition},
		{"JobLimits", testJobLimits},
		{"JobLimitsConcurrent", testJobLimitsConcurrent},
		{"JobKeys", testJobKeys},
		{"JobRecovery", testJobRecovery},
		{"Tracker", testTracker}, {"TrackerAllOrNothing", testTrackerAllOrNothing}, {"TrackerSample", testTrackerSample}, {"KPIFollowsImports", testKPIFollowsImports}, {"TrackerAudited", testTrackerAudited},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
	runAssessments(t, open)           // assessment.go
	for _, tc := range accountTests { // account.go
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func bi(t *testing.T) *egdi.Dataset {
	t.Helper()
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func code(err error) string { return egdi.ErrorCode(err) }

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func dataset(t *testing.T, s egdi.Store) *egdi.Dataset {
	t.Helper()
	d, err := s.Dataset(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sortedRecords returns an edition's records by country.
func sortedRecords(rs []egdi.Record) []egdi.Record {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b egdi.Record) int { return cmp.Compare(a.ISO3, b.ISO3) })
	return out
}

// EqualDatasets reports the first difference between two datasets, or "".
// Records are compared exactly (stores keep float64 values bit for bit:
// tolerance 0), in country order; observations as sets by key.
func EqualDatasets(got, want *egdi.Dataset) string {
	if got.Countries.Len() != want.Countries.Len() {
		return fmt.Sprintf("%d countries, want %d", got.Countries.Len(), want.Countries.Len())
	}
	if g, w := slices.Sorted(maps.Keys(got.Published)), slices.Sorted(maps.Keys(want.Published)); !slices.Equal(g, w) {
		return fmt.Sprintf("editions %v, want %v", g, w)
	}
	for y, wr := range want.Published {
		g, w := sortedRecords(got.Published[y]), sortedRecords(wr)
		if len(g) != len(w) {
			return fmt.Sprintf("edition %d: %d records, want %d", y, len(g), len(w))
		}
		for i := range w {
			if g[i] != w[i] {
				return fmt.Sprintf("edition %d: record %+v, want %+v", y, g[i], w[i])
			}
		}
	}
	if len(got.Observations) != len(want.Observations) {
		return fmt.Sprintf("%d observations, want %d", len(got.Observations), len(want.Observations))
	}
	wm := make(map[egdi.ObservationKey]egdi.Observation, len(want.Observations))
	for _, o := range want.Observations {
		wm[o.Key()] = o
	}
	for _, o := range got.Observations {
		if w, ok := wm[o.Key()]; !ok || w != o {
			return fmt.Sprintf("observation %+v, want %+v", o, w)
		}
	}
	return ""
}

func testDatasetEqualsBuiltin(t *testing.T, s egdi.Store) {
	if diff := EqualDatasets(dataset(t, s), bi(t)); diff != "" {
		t.Fatalf("a new store's dataset differs from the built-in record: %s", diff)
	}
}

// userObservations returns n observations of a vintage no built-in row has.
func userObservations(t *testing.T, vintage string, n int) []egdi.Observation {
	t.Helper()
	d := bi(t)
	var out []egdi.Observation
	for i, c := range d.Countries.All() {
		if len(out) == n {
			break
		}
		out = append(out, egdi.Observation{ISO3: c.ISO3, Indicator: egdi.InternetUsers, Year: 2023,
			Value: float64(i%100) + 0.25, Source: "itu", Vintage: vintage, Estimate: i%2 == 0})
	}
	return out
}

// userEdition returns records of an edition the built-in record lacks.
func userEdition(t *testing.T, year, n int) []egdi.Record {
	t.Helper()
	var out []egdi.Record
	for i, c := range bi(t).Countries.All() {
		if i == n {
			break
		}
		out = append(out, egdi.Record{Edition: year, ISO3: c.ISO3, Name: c.NameEN, Assessed: true, Rank: i + 1,
			EGDI: 0.9 - float64(i)/1000, OSI: 0.8, TII: 0.7, HCI: 0.6, EPI: 0.5})
	}
	return out
}

func importOK(t *testing.T, s egdi.Store, b *egdi.Batch) *egdi.ImportSummary {
	t.Helper()
	sum, err := s.Import(t.Context(), b, nil)
	if err != nil {
		t.Fatalf("import %s: %v", b.File, err)
	}
	return sum
}

func testImportIdempotent(t *testing.T, s egdi.Store) {
	obs := userObservations(t, "test vintage A", 50)
	recs := userEdition(t, 2030, 20)
	b := &egdi.Batch{File: "a.csv", Source: "itu", Observations: obs, Records: recs, Read: 70}
	var calls, last, total int
	sum, err := s.Import(t.Context(), b, func(done, n int) { calls++; last, total = done, n })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 70 || sum.Unchanged != 0 || sum.Read != 70 || len(sum.Skipped) != 0 {
		t.Fatalf("first import: %+v, want 70 stored", sum)
	}
	if calls == 0 || last != total || total != 70 {
		t.Errorf("progress: %d calls, last %d of %d; want the last call at 70 of 70", calls, last, total)
	}
	before := dataset(t, s)
	sum = importOK(t, s, b)
	if sum.Stored != 0 || sum.Unchanged != 70 {
		t.Fatalf("second import of the same batch: %+v, want 0 stored and 70 unchanged", sum)
	}
	if diff := EqualDatasets(dataset(t, s), before); diff != "" {
		t.Fatalf("the second import changed the data: %s", diff)
	}
	want := egdi.MergeDataset(bi(t), recs, obs)
	if diff := EqualDatasets(before, want); diff != "" {
		t.Fatalf("dataset after import: %s", diff)
	}
}

func testImportBuiltinUnchanged(t *testing.T, s egdi.Store) {
	d := bi(t)
	b := &egdi.Batch{File: "EGOV_DATA_2022.csv", Source: "un", Records: d.Published[2022], Read: len(d.Published[2022]),
		Observations: d.Observations[:100]}
	sum := importOK(t, s, b)
	if sum.Stored != 0 || sum.Unchanged != len(d.Published[2022])+100 {
		t.Fatalf("importing built-in values: %+v, want all unchanged", sum)
	}
	// A different published name is a label, not a value.
	recs := slices.Clone(d.Published[2022])
	recs[0].Name += " (renamed)"
	if sum := importOK(t, s, &egdi.Batch{File: "x.csv", Source: "un", Records: recs}); sum.Stored != 0 {
		t.Fatalf("a renamed country counted as a change: %+v", sum)
	}
}

func testImportBuiltinReadOnly(t *testing.T, s egdi.Store) {
	d := bi(t)
	recs := slices.Clone(d.Published[2022])
	recs[5].EGDI += 0.01
	obs := userObservations(t, "test vintage B", 10)
	_, err := s.Import(t.Context(), &egdi.Batch{File: "bad.csv", Source: "un", Records: recs, Observations: obs}, nil)
	wantCode(t, err, egdi.ECONFLICT)
	if diff := EqualDatasets(dataset(t, s), d); diff != "" {
		t.Fatalf("a refused import changed the store: %s", diff)
	}
	o := d.Observations[7]
	o.Value++
	_, err = s.Import(t.Context(), &egdi.Batch{File: "itu.xlsx", Source: "itu", Observations: []egdi.Observation{o}}, nil)
	wantCode(t, err, egdi.ECONFLICT)
}

func testImportAllOrNothing(t *testing.T, s egdi.Store) {
	for _, tc := range []struct {
		name string
		bad  func(b *egdi.Batch)
	}{
		{"ErrUnknownCountry", func(b *egdi.Batch) { b.Observations[len(b.Observations)-1].ISO3 = "XXX" }},
		{"ErrValueOutOfBounds", func(b *egdi.Batch) { b.Observations[len(b.Observations)-1].Value = 101 }},
		{"ErrNaN", func(b *egdi.Batch) { b.Observations[len(b.Observations)-1].Value = math.NaN() }},
		{"ErrRecordIndexAboveOne", func(b *egdi.Batch) { b.Records[len(b.Records)-1].EGDI = 1.2 }},
		{"ErrEditionNotAYear", func(b *egdi.Batch) { b.Records[len(b.Records)-1].Edition = 22 }},
		{"ErrYear", func(b *egdi.Batch) { b.Observations[0].Year = 20 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &egdi.Batch{File: "bad.csv", Source: "itu", Observations: userObservations(t, "test vintage C", 30),
				Records: userEdition(t, 2031, 10)}
			tc.bad(b)
			_, err := s.Import(t.Context(), b, nil)
			wantCode(t, err, egdi.EINVALID)
			if diff := EqualDatasets(dataset(t, s), bi(t)); diff != "" {
				t.Fatalf("a failed import left rows: %s", diff)
			}
		})
	}
}

// testImportCanceled stops an import after its first rows are written:
// the transaction must leave nothing behind.
func testImportCanceled(t *testing.T, s egdi.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	b := &egdi.Batch{File: "big.csv", Source: "itu", Observations: userObservations(t, "test vintage D", 190)}
	b.Observations = append(b.Observations, userObservations(t, "test vintage E", 190)...)
	b.Observations = append(b.Observations, userObservations(t, "test vintage F", 190)...)
	seen := 0
	_, err := s.Import(ctx, b, func(done, total int) {
		seen = done
		if done < total {
			cancel()
		}
	})
	if seen == 0 {
		t.Fatal("progress was never reported: the test cannot stop the import midway")
	}
	if err == nil {
		t.Fatalf("an import canceled after %d rows succeeded", seen)
	}
	wantCode(t, err, egdi.ECANCELED)
	if diff := EqualDatasets(dataset(t, s), bi(t)); diff != "" {
		t.Fatalf("a canceled import left rows: %s", diff)
	}
}

func testImportConflicting(t *testing.T, s egdi.Store) {
	obs := userObservations(t, "test vintage G", 5)
	dup := obs[2]
	dup.Value += 1
	_, err := s.Import(t.Context(), &egdi.Batch{File: "dup.csv", Source: "itu", Observations: append(obs, dup)}, nil)
	wantCode(t, err, egdi.EINVALID)
	recs := userEdition(t, 2032, 3)
	r := recs[1]
	r.Rank = 7
	_, err = s.Import(t.Context(), &egdi.Batch{File: "dup.csv", Source: "un", Records: append(recs, r)}, nil)
	wantCode(t, err, egdi.EINVALID)
	if diff := EqualDatasets(dataset(t, s), bi(t)); diff != "" {
		t.Fatalf("a conflicting batch left rows: %s", diff)
	}
}

func testImportDuplicates(t *testing.T, s egdi.Store) {
	obs := userObservations(t, "test vintage H", 5)
	obs = append(obs, obs[1], obs[3])
	sum := importOK(t, s, &egdi.Batch{File: "dup.csv", Source: "itu", Observations: obs, Read: 7,
		Skipped: []egdi.Skip{{Row: 9, Reason: "aggregate: World"}}})
	if sum.Stored != 5 || len(sum.Skipped) != 3 {
		t.Fatalf("duplicates: %+v, want 5 stored and 3 skipped (1 from the importer, 2 duplicates)", sum)
	}
	for _, sk := range sum.Skipped[1:] {
		if sk.Reason == "" {
			t.Errorf("a skipped row has no reason: %+v", sk)
		}
	}
}

func testImportReplaces(t *testing.T, s egdi.Store) {
	obs := userObservations(t, "test vintage I", 4)
	importOK(t, s, &egdi.Batch{File: "v1.csv", Source: "itu", Observations: obs})
	obs2 := slices.Clone(obs)
	obs2[0].Value = 42.5
	sum := importOK(t, s, &egdi.Batch{File: "v1-corrected.csv", Source: "itu", Observations: obs2})
	if sum.Stored != 1 || sum.Unchanged != 3 {
		t.Fatalf("corrected file: %+v, want 1 stored and 3 unchanged", sum)
	}
	if diff := EqualDatasets(dataset(t, s), egdi.MergeDataset(bi(t), nil, obs2)); diff != "" {
		t.Fatal(diff)
	}
}

// testImportedDataUsed checks that an imported value is preferred to a
// built-in one of the same year by the gap-filling rule.
func testImportedDataUsed(t *testing.T, s egdi.Store) {
	d := bi(t)
	var o egdi.Observation
	for _, x := range d.Observations {
		if x.ISO3 == "BHR" && x.Indicator == egdi.InternetUsers && x.Year == 2020 {
			o = x
		}
	}
	if o.ISO3 == "" {
		t.Fatal("no built-in BHR internet_users 2020")
	}
	o.Vintage, o.Value = "test vintage J", 55.5
	importOK(t, s, &egdi.Batch{File: "j.csv", Source: "itu", Observations: []egdi.Observation{o}})
	in := egdi.LatestInputs(dataset(t, s).Observations, []egdi.ISO3{"BHR"}, []egdi.Indicator{egdi.InternetUsers}, 2020, egdi.GapYears)
	if got := in.Get(egdi.InternetUsers, 0); got != 55.5 {
		t.Fatalf("BHR internet_users 2020 = %v after importing 55.5, want the imported value", got)
	}
}

func scenario(t *testing.T, s egdi.Store, name string, sets ...egdi.Set) *egdi.Scenario {
	t.Helper()
	sc, _, err := egdi.NewScenario(name, 2022, 2020, dataset(t, s), sets, egdi.StoreTime(time.Date(2026, 11, 26, 10, 0, 0, 123456789, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func equalScenario(t *testing.T, got, want *egdi.Scenario) {
	t.Helper()
	if got.Name != want.Name || got.Like != want.Like || got.DataYear != want.DataYear || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("scenario %s/%d/%d/%v, want %s/%d/%d/%v", got.Name, got.Like, got.DataYear, got.CreatedAt,
			want.Name, want.Like, want.DataYear, want.CreatedAt)
	}
	if !slices.Equal(got.Values, want.Values) { // exact: tolerance 0
		t.Fatalf("scenario %s: %d values differ from the %d saved", got.Name, len(got.Values), len(want.Values))
	}
}

func testScenarios(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	a := scenario(t, s, "alpha", egdi.Set{ISO3: "BHR", Indicator: egdi.OSI, Value: 0.99})
	b := scenario(t, s, "beta")
	for _, sc := range []*egdi.Scenario{b, a} {
		if err := s.SaveScenario(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Scenario(ctx, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	equalScenario(t, got, a)
	all, err := s.Scenarios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != "alpha" || all[1].Name != "beta" {
		t.Fatalf("Scenarios = %d, want alpha and beta in order", len(all))
	}
	equalScenario(t, all[1], b)
	wantCode(t, s.SaveScenario(ctx, a), egdi.ECONFLICT)
	if err := s.DeleteScenario(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Scenario(ctx, "alpha")
	wantCode(t, err, egdi.ENOTFOUND)
	wantCode(t, s.DeleteScenario(ctx, "alpha"), egdi.ENOTFOUND)
	// The name is free again.
	if err := s.SaveScenario(ctx, a); err != nil {
		t.Fatal(err)
	}
}

func testScenarioErrors(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	good := scenario(t, s, "good")
	for _, tc := range []struct {
		name string
		edit func(sc *egdi.Scenario)
		code string
	}{
		{"ErrNameLooksLikeAYear", func(sc *egdi.Scenario) { sc.Name = "2022" }, egdi.EINVALID},
		{"ErrNameEmpty", func(sc *egdi.Scenario) { sc.Name = "" }, egdi.EINVALID},
		{"ErrNoValues", func(sc *egdi.Scenario) { sc.Values = nil }, egdi.EINVALID},
		{"ErrValueOutOfBounds", func(sc *egdi.Scenario) { sc.Values[3].Value = -1 }, egdi.EINVALID},
		{"ErrTwoValuesOfOneKey", func(sc *egdi.Scenario) { sc.Values = append(sc.Values, sc.Values[0]) }, egdi.EINVALID},
		{"ErrUnknownOrigin", func(sc *egdi.Scenario) { sc.Values[0].Origin = "guessed" }, egdi.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := *good
			sc.Values = slices.Clone(good.Values)
			tc.edit(&sc)
			wantCode(t, s.SaveScenario(ctx, &sc), tc.code)
			all, err := s.Scenarios(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 0 {
				t.Fatalf("a refused scenario left %d scenarios", len(all))
			}
		})
	}
}

func testResults(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	sc := scenario(t, s, "gamma")
	if err := s.SaveScenario(ctx, sc); err != nil {
		t.Fatal(err)
	}
	res, err := sc.Compute()
	if err != nil {
		t.Fatal(err)
	}
	r, err := egdi.NewResult(sc, res, sc.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	id1, err := s.SaveResult(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := s.SaveResult(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if id2 <= id1 {
		t.Fatalf("result ids %d then %d: want increasing", id1, id2)
	}
	got, err := s.Result(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Edition != "gamma" || got.Scenario != "gamma" || got.Method != 2022 || !got.CreatedAt.Equal(r.CreatedAt) {
		t.Fatalf("result %+v", got)
	}
	if !slices.Equal(got.Inputs, r.Inputs) {
		t.Fatal("the result's inputs differ from those saved")
	}
	if len(got.Scores) != len(r.Scores) {
		t.Fatalf("%d scores, want %d", len(got.Scores), len(r.Scores))
	}
	for i := range r.Scores {
		g, w := got.Scores[i], r.Scores[i]
		if g.ISO3 != w.ISO3 || g.EGDI != w.EGDI || g.EGDIRank != w.EGDIRank || g.RatingClass != w.RatingClass ||
			(g.EPI == nil) != (w.EPI == nil) || (g.EPI != nil && *g.EPI != *w.EPI) {
			t.Fatalf("score %d = %+v, want %+v", i, g, w)
		}
	}
	var gm, wm any
	if json.Unmarshal(got.MethodJSON, &gm) != nil || json.Unmarshal(r.MethodJSON, &wm) != nil || fmt.Sprint(gm) != fmt.Sprint(wm) {
		t.Fatal("the result's method differs from the one saved")
	}
	list, err := s.Results(ctx, "gamma")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != id2 || list[1].ID != id1 {
		t.Fatalf("Results(gamma) = %d results, want %d then %d", len(list), id2, id1)
	}
	bad := *r
	bad.Scenario = "nope"
	_, err = s.SaveResult(ctx, &bad)
	wantCode(t, err, egdi.ENOTFOUND)
	bad = *r
	bad.Scores = nil
	_, err = s.SaveResult(ctx, &bad)
	wantCode(t, err, egdi.EINVALID)
	// A published edition's result has no scenario.
	pub := *r
	pub.Scenario, pub.Edition = "", "2022"
	if _, err := s.SaveResult(ctx, &pub); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteScenario(ctx, "gamma"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Result(ctx, id1)
	wantCode(t, err, egdi.ENOTFOUND)
	if list, _ := s.Results(ctx, "2022"); len(list) != 1 {
		t.Fatalf("deleting a scenario deleted %d-1 results of edition 2022", 1-len(list))
	}
}

func newJob(kind string, params string) egdi.NewJob {
	n := egdi.NewJob{Kind: kind, Client: "127.0.0.1"}
	if params != "" {
		n.Params = json.RawMessage(params)
	}
	return n
}

func testJobs(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	_, err := s.CreateJob(ctx, newJob("", ""))
	wantCode(t, err, egdi.EINVALID)
	_, err = s.CreateJob(ctx, newJob("montecarlo", `{"n":`))
	wantCode(t, err, egdi.EINVALID)
	a, err := s.CreateJob(ctx, newJob("montecarlo", `{"n":1000,"edition":2024}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateJob(ctx, newJob("montecarlo", ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateJob(ctx, newJob("report", "")); err != nil {
		t.Fatal(err)
	}
	if a.Status != egdi.JobQueued || a.ID == b.ID || a.CreatedAt.IsZero() || string(a.Params) != `{"n":1000,"edition":2024}` ||
		a.Client != "127.0.0.1" || a.Attempts != 0 {
		t.Fatalf("new jobs %+v, %+v", a, b)
	}
	for _, j := range []*egdi.Job{a, b} {
		if _, err := egdi.ParseJobID(j.ID); err != nil {
			t.Fatalf("job id %q is not 32 random hex digits: %v", j.ID, err)
		}
	}
	got, err := s.Job(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != a.ID || got.Kind != a.Kind || string(got.Params) != string(a.Params) || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("Job = %+v, want %+v", got, a)
	}
	_, err = s.Job(ctx, "0123456789abcdef0123456789abcdef")
	wantCode(t, err, egdi.ENOTFOUND)

	c, err := s.ClaimJob(ctx, "montecarlo", "worker-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != a.ID || c.Status != egdi.JobRunning || c.Worker != "worker-1" || c.StartedAt == nil || c.Attempts != 1 ||
		c.LeaseUntil == nil || !c.LeaseUntil.After(c.UpdatedAt) {
		t.Fatalf("claimed %+v, want job %s running for worker-1 with a lease", c, a.ID)
	}
	p := 0.5
	u, err := s.UpdateJob(ctx, a.ID, egdi.JobUpdate{Progress: &p, Worker: "worker-1", Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if u.Progress != 0.5 || u.UpdatedAt.Before(u.CreatedAt) {
		t.Fatalf("after progress 0.5: %+v", u)
	}
	_, err = s.UpdateJob(ctx, a.ID, egdi.JobUpdate{Progress: &p, Worker: "worker-2"})
	wantCode(t, err, egdi.ECONFLICT)
	bad := 1.5
	_, err = s.UpdateJob(ctx, a.ID, egdi.JobUpdate{Progress: &bad})
	wantCode(t, err, egdi.EINVALID)
	_, err = s.UpdateJob(ctx, a.ID, egdi.JobUpdate{Result: json.RawMessage(`{`)})
	wantCode(t, err, egdi.EINVALID)
	done, one := egdi.JobDone, 1.0
	u, err = s.UpdateJob(ctx, a.ID, egdi.JobUpdate{Status: &done, Progress: &one, Result: json.RawMessage(`{"p50":0.91}`)})
	if err != nil {
		t.Fatal(err)
	}
	if u.Status != egdi.JobDone || u.FinishedAt == nil || string(u.Result) != `{"p50":0.91}` || u.Progress != 1 || u.LeaseUntil != nil {
		t.Fatalf("finished job %+v", u)
	}
	_, err = s.UpdateJob(ctx, a.ID, egdi.JobUpdate{Progress: &p})
	wantCode(t, err, egdi.ECONFLICT)
	_, err = s.UpdateJob(ctx, "0123456789abcdef0123456789abcdef", egdi.JobUpdate{Progress: &p})
	wantCode(t, err, egdi.ENOTFOUND)

	list, err := s.Jobs(ctx, "montecarlo", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
		t.Fatalf("Jobs(montecarlo) = %d jobs, want %s then %s", len(list), b.ID, a.ID)
	}
	if list, _ := s.Jobs(ctx, "", egdi.JobQueued, 0); len(list) != 2 {
		t.Fatalf("%d queued jobs, want 2", len(list))
	}
	if list, _ := s.Jobs(ctx, "", "", 1); len(list) != 1 {
		t.Fatalf("limit 1 gave %d jobs", len(list))
	}
	if err := s.DeleteJob(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeleteJob(ctx, a.ID), egdi.ENOTFOUND)
	if _, err := s.ClaimJob(ctx, "montecarlo", "w", time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err = s.ClaimJob(ctx, "montecarlo", "w", time.Minute)
	wantCode(t, err, egdi.ENOTFOUND)
}

// testJobLimits: the queue bounds and the per-client bound refuse with
// ETOOMANY, finished jobs do not count, and MaxKept deletes the oldest
// finished jobs so that the table never holds more.
func testJobLimits(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	lim := egdi.JobLimits{MaxActive: 3, MaxPerClient: 2, MaxKept: 5}
	mk := func(client string) (*egdi.Job, error) {
		return s.CreateJob(ctx, egdi.NewJob{Kind: "k", Client: client, Limits: lim})
	}
	for _, c := range []string{"a", "a", "b"} {
		if _, err := mk(c); err != nil {
			t.Fatal(err)
		}
	}
	_, err := mk("a")
	wantCode(t, err, egdi.ETOOMANY) // a has 2
	_, err = mk("c")
	wantCode(t, err, egdi.ETOOMANY) // 3 active in all
	finished := 0
	for i := range 10 { // run jobs to the end one by one: the table keeps at most MaxKept
		j, err := s.ClaimJob(ctx, "k", "w", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		st := egdi.JobDone
		if _, err := s.UpdateJob(ctx, j.ID, egdi.JobUpdate{Status: &st, Result: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
		finished++
		if _, err := mk(fmt.Sprint("d", i)); err != nil {
			t.Fatalf("after %d finished: %v", finished, err)
		}
		all, err := s.Jobs(ctx, "", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) > lim.MaxKept {
			t.Fatalf("%d jobs kept, the bound is %d", len(all), lim.MaxKept)
		}
	}
}

// testJobLimitsConcurrent creates jobs from several goroutines at once
// (as several server processes would): exactly MaxActive are accepted,
// the others refused with ETOOMANY.
func testJobLimitsConcurrent(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	const tries, bound = 16, 5
	var mu sync.Mutex
	ok, refused, busy := 0, 0, 0
	var wg sync.WaitGroup
	errs := make(chan error, tries)
	for i := range tries {
		wg.Go(func() {
			_, err := s.CreateJob(ctx, egdi.NewJob{Kind: "c", Client: fmt.Sprint("client-", i), Limits: egdi.JobLimits{MaxActive: bound}})
			mu.Lock()
			defer mu.Unlock()
			switch code(err) {
			case "":
				ok++
			case egdi.ETOOMANY:
				refused++
			case egdi.EBUSY: // the store's lock wait ran out: also a refusal
				refused++
				busy++
			default:
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if list, _ := s.Jobs(ctx, "c", "", 0); ok > bound || busy == 0 && ok != bound || len(list) != ok || ok+refused != tries {
		t.Fatalf("%d accepted (%d stored), %d refused of %d; the bound is %d", ok, len(list), refused, tries, bound)
	}
}

// testJobKeys: identical requests (same kind and key) share a job: a
// client's own queued or running job, or anyone's done job; a failed or
// canceled job is not reused.
func testJobKeys(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	n := egdi.NewJob{Kind: "k", Key: "abc", Client: "a", Params: json.RawMessage(`{"x":1}`)}
	j1, err := s.CreateJob(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	j2, err := s.CreateJob(ctx, n)
	if err != nil || j2.ID != j1.ID {
		t.Fatalf("same client, same key: %v, %v; want job %s again", j2, err, j1.ID)
	}
	nb := n
	nb.Client = "b"
	jb, err := s.CreateJob(ctx, nb)
	if err != nil || jb.ID == j1.ID {
		t.Fatalf("another client shares a queued job: %v %v", jb, err)
	}
	if _, err := s.ClaimJob(ctx, "k", "w", time.Minute); err != nil {
		t.Fatal(err)
	}
	st := egdi.JobDone
	if _, err := s.UpdateJob(ctx, j1.ID, egdi.JobUpdate{Status: &st, Result: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	nc := n
	nc.Client = "c"
	jc, err := s.CreateJob(ctx, nc)
	if err != nil || jc.ID != j1.ID || jc.Status != egdi.JobDone {
		t.Fatalf("a done result is not shared: %+v %v", jc, err)
	}
	cancel := egdi.JobCanceled
	if _, err := s.UpdateJob(ctx, jb.ID, egdi.JobUpdate{Status: &cancel}); err != nil {
		t.Fatal(err)
	}
	if jb2, err := s.CreateJob(ctx, nb); err != nil || jb2.ID == jb.ID {
		t.Fatalf("a canceled job was reused: %+v %v", jb2, err)
	}
}

// testJobRecovery: a job whose worker stopped renewing its lease is
// requeued and, after JobAttempts starts, failed; a job queued before the
// expiry fails; ExpireJobs deletes finished jobs. A worker that lost its
// job can no longer update it.
func testJobRecovery(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	j, err := s.CreateJob(ctx, newJob("r", ""))
	if err != nil {
		t.Fatal(err)
	}
	longAgo := time.Now().Add(-time.Hour)
	for attempt := 1; attempt <= egdi.JobAttempts; attempt++ {
		worker := fmt.Sprint("w", attempt)
		c, err := s.ClaimJob(ctx, "r", worker, time.Millisecond)
		if err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		if c.ID != j.ID || c.Attempts != attempt {
			t.Fatalf("attempt %d claimed %+v", attempt, c)
		}
		time.Sleep(5 * time.Millisecond)
		n, err := s.RecoverJobs(ctx, longAgo)
		if err != nil || n != 1 {
			t.Fatalf("attempt %d: RecoverJobs = %d, %v; want 1", attempt, n, err)
		}
		p := 0.5
		_, err = s.UpdateJob(ctx, j.ID, egdi.JobUpdate{Progress: &p, Worker: worker})
		wantCode(t, err, egdi.ECONFLICT)
		got, err := s.Job(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := egdi.JobQueued
		if attempt == egdi.JobAttempts {
			want = egdi.JobFailed
		}
		if got.Status != want || (want == egdi.JobFailed && got.Code != egdi.EUNAVAILABLE) {
			t.Fatalf("attempt %d: %s (%s), want %s", attempt, got.Status, got.Code, want)
		}
	}
	if n, err := s.RecoverJobs(ctx, longAgo); err != nil || n != 0 {
		t.Fatalf("RecoverJobs again = %d, %v; want 0", n, err)
	}
	q, err := s.CreateJob(ctx, newJob("q", ""))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.RecoverJobs(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("RecoverJobs(expiry after the queued job) = %d, %v; want 1", n, err)
	}
	if got, _ := s.Job(ctx, q.ID); got == nil || got.Status != egdi.JobFailed {
		t.Fatalf("a job queued past the expiry: %+v", got)
	}
	if n, err := s.ExpireJobs(ctx, longAgo); err != nil || n != 0 {
		t.Fatalf("ExpireJobs(an hour ago) = %d, %v; want 0", n, err)
	}
	if n, err := s.ExpireJobs(ctx, time.Now().Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("ExpireJobs(in an hour) = %d, %v; want 2", n, err)
	}
	if all, _ := s.Jobs(ctx, "", "", 0); len(all) != 0 {
		t.Fatalf("%d jobs left after expiry", len(all))
	}
}

// testJobsConcurrentClaims claims from several goroutines at once: every
// job is claimed exactly once.
func testJobsConcurrentClaims(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	const jobs, workers = 12, 4
	for range jobs {
		if _, err := s.CreateJob(ctx, newJob("race", "")); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	claimed := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for {
				j, err := s.ClaimJob(ctx, "race", fmt.Sprint("w", w), time.Minute)
				if code(err) == egdi.ENOTFOUND {
					return
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				claimed[j.ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
	if len(claimed) != jobs {
		t.Fatalf("%d jobs claimed, want %d", len(claimed), jobs)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Fatalf("job %s claimed %d times", id, n)
		}
	}
}
