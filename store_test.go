package egdi_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
)

// storeCountries is a small country list for the store's pure helpers.
func storeCountries() *egdi.Countries {
	var list []egdi.Country
	for _, c := range []egdi.ISO3{"AAA", "BBB", "CCC", "DDD", "EEE"} {
		list = append(list, egdi.Country{ISO3: c, NameEN: string(c)})
	}
	return egdi.NewCountries(list)
}

func TestPrepareBatch(t *testing.T) {
	obs := func(c egdi.ISO3, y int, v float64) egdi.Observation {
		return egdi.Observation{ISO3: c, Indicator: egdi.InternetUsers, Year: y, Value: v, Vintage: "v1"}
	}
	rec := func(c egdi.ISO3, egdiV float64, rank int) egdi.Record {
		return egdi.Record{Edition: 2030, ISO3: c, Assessed: true, Rank: rank, EGDI: egdiV, OSI: 0.5, TII: 0.5, HCI: 0.5, EPI: 0.5}
	}
	for _, tc := range []struct {
		name    string
		b       egdi.Batch
		code    string // "" for success
		msg     string
		recs    int
		obs     int
		skipped int
	}{
		{"OK", egdi.Batch{Source: "itu", Observations: []egdi.Observation{obs("AAA", 2020, 50), obs("BBB", 2020, 60)},
			Records: []egdi.Record{rec("AAA", 0.9, 1)}}, "", "", 1, 2, 0},
		{"SourceFromBatch", egdi.Batch{Source: "wdi", Observations: []egdi.Observation{obs("AAA", 2020, 50)}}, "", "", 0, 1, 0},
		{"DuplicateSkipped", egdi.Batch{Source: "itu", Observations: []egdi.Observation{obs("AAA", 2020, 50), obs("AAA", 2020, 50)},
			Records: []egdi.Record{rec("AAA", 0.9, 1), rec("AAA", 0.9, 1)}}, "", "", 1, 1, 2},
		{"NotAssessedHasNoValues", egdi.Batch{Source: "un", Records: []egdi.Record{{Edition: 2030, ISO3: "CCC"}}}, "", "", 1, 0, 0},
		{"ErrConflictingObservations", egdi.Batch{File: "f.csv", Source: "itu", Observations: []egdi.Observation{obs("AAA", 2020, 50), obs("AAA", 2020, 51)}},
			egdi.EINVALID, "f.csv: conflicting values for AAA internet_users 2020: 50 and 51", 0, 0, 0},
		{"ErrConflictingRecords", egdi.Batch{File: "f.csv", Source: "un", Records: []egdi.Record{rec("AAA", 0.9, 1), rec("AAA", 0.9, 2)}},
			egdi.EINVALID, "conflicting values for AAA in edition 2030", 0, 0, 0},
		{"ErrUnknownCountry", egdi.Batch{File: "f.csv", Source: "itu", Observations: []egdi.Observation{obs("ZZZ", 2020, 50)}},
			egdi.EINVALID, `unknown country code "ZZZ"`, 0, 0, 0},
		{"ErrValue", egdi.Batch{File: "f.csv", Source: "itu", Observations: []egdi.Observation{obs("AAA", 2020, 101)}},
			egdi.EINVALID, "internet_users = 101 is above 100", 0, 0, 0},
		{"ErrNaN", egdi.Batch{File: "f.csv", Source: "itu", Observations: []egdi.Observation{obs("AAA", 2020, math.NaN())}},
			egdi.EINVALID, "finite", 0, 0, 0},
		{"ErrYear", egdi.Batch{File: "f.csv", Source: "itu", Observations: []egdi.Observation{obs("AAA", 1900, 5)}},
			egdi.EINVALID, "year 1900", 0, 0, 0},
		{"ErrNoSource", egdi.Batch{File: "f.csv", Observations: []egdi.Observation{obs("AAA", 2020, 5)}},
			egdi.EINVALID, "no source", 0, 0, 0},
		{"ErrEGDIAboveOne", egdi.Batch{File: "f.csv", Source: "un", Records: []egdi.Record{rec("AAA", 1.5, 1)}},
			egdi.EINVALID, "egdi = 1.5", 0, 0, 0},
		{"ErrRank", egdi.Batch{File: "f.csv", Source: "un", Records: []egdi.Record{rec("AAA", 0.5, 0)}},
			egdi.EINVALID, "rank 0", 0, 0, 0},
		{"ErrEdition", egdi.Batch{File: "f.csv", Source: "un", Records: []egdi.Record{{Edition: 30, ISO3: "AAA"}}},
			egdi.EINVALID, "edition 30", 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, obs, skipped, err := egdi.PrepareBatch(&tc.b, storeCountries())
			if got := egdi.ErrorCode(err); got != tc.code || !strings.Contains(egdi.ErrorMessage(err), tc.msg) {
				t.Fatalf("error %q (%v), want code %q and %q", got, err, tc.code, tc.msg)
			}
			if len(recs) != tc.recs || len(obs) != tc.obs || len(skipped) != tc.skipped {
				t.Fatalf("%d records, %d observations, %d skipped; want %d, %d, %d", len(recs), len(obs), len(skipped), tc.recs, tc.obs, tc.skipped)
			}
			for _, o := range obs {
				if o.Source == "" {
					t.Fatal("an observation kept no source")
				}
			}
		})
	}
}

func TestCheckScenarioName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"next", true}, {"itu-2020.v2", true}, {"A_b", true}, {strings.Repeat("a", 64), true},
		{"", false}, {"2026", false}, {"1next", false}, {"my edition", false}, {"a/b", false}, {strings.Repeat("a", 65), false}, {"ب", false},
	} {
		if err := egdi.CheckScenarioName(tc.name); (err == nil) != tc.ok {
			t.Errorf("CheckScenarioName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

// scenarioDataset is a published edition 2022 of five countries and ITU
// observations: CCC lacks fixed broadband, DDD's only internet_users value
// is older than the gap-filling window, EEE has two vintages of one year.
func scenarioDataset() *egdi.Dataset {
	d := &egdi.Dataset{Countries: storeCountries(), Published: map[int][]egdi.Record{}}
	for i, c := range []egdi.ISO3{"AAA", "BBB", "CCC", "DDD", "EEE"} {
		v := 0.9 - 0.1*float64(i)
		d.Published[2022] = append(d.Published[2022], egdi.Record{Edition: 2022, ISO3: c, Assessed: true, Rank: i + 1,
			EGDI: v, OSI: v, TII: v - 0.05, HCI: v - 0.02, EPI: v})
	}
	add := func(c egdi.ISO3, ind egdi.Indicator, y int, v float64, vintage string) {
		d.Observations = append(d.Observations, egdi.Observation{ISO3: c, Indicator: ind, Year: y, Value: v, Source: "itu", Vintage: vintage})
	}
	for i, c := range []egdi.ISO3{"AAA", "BBB", "CCC", "DDD", "EEE"} {
		x := float64(10 * (5 - i))
		if c != "DDD" {
			add(c, egdi.InternetUsers, 2020, 40+x, "new")
		} else {
			add(c, egdi.InternetUsers, 2012, 40+x, "old") // older than 2020 − GapYears
		}
		add(c, egdi.MobileSubscriptions, 2019, 80+x, "old")
		add(c, egdi.MobileSubscriptions, 2021, 200, "new") // after the data year: never used
		add(c, egdi.ActiveMobileBroadband, 2020, 30+x, "new")
		if c != "CCC" {
			add(c, egdi.FixedBroadband, 2018, 5+x/10, "old")
		}
	}
	// Two vintages of EEE internet_users 2020: the first listed wins
	// (stores list imported observations before built-in ones).
	d.Observations = append([]egdi.Observation{{ISO3: "EEE", Indicator: egdi.InternetUsers, Year: 2020, Value: 77, Source: "itu", Vintage: "imported"}},
		d.Observations...)
	return d
}

func TestNewScenario(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	sc, rep, err := egdi.NewScenario("s", 2022, 2020, scenarioDataset(), []egdi.Set{{ISO3: "BBB", Indicator: egdi.EPI, Value: 0.25}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Raw["tii"], []egdi.ISO3{"AAA", "BBB", "EEE"}; !slices.Equal(got, want) {
		t.Errorf("TII from raw data for %v, want %v", got, want)
	}
	if got, want := rep.Carried["tii"], []egdi.ISO3{"CCC", "DDD"}; !slices.Equal(got, want) {
		t.Errorf("TII carried for %v, want %v", got, want)
	}
	hci := []string{"adult_literacy", "gross_enrolment", "expected_schooling", "mean_schooling"} // no HCI data at all
	if got := rep.Missing["CCC"]; !slices.Equal(got, append([]string{"fixed_broadband"}, hci...)) {
		t.Errorf("CCC lacks %v, want fixed_broadband and the HCI inputs", got)
	}
	if got := rep.Missing["DDD"]; !slices.Equal(got, append([]string{"internet_users"}, hci...)) {
		t.Errorf("DDD lacks %v, want internet_users (its only value is older than the window) and the HCI inputs", got)
	}
	if len(rep.Carried["hci"]) != 5 || len(rep.Carried["osi"]) != 5 || len(rep.Carried["epi"]) != 4 {
		t.Errorf("carried hci/osi/epi for %d/%d/%d countries, want 5/5/4", len(rep.Carried["hci"]), len(rep.Carried["osi"]), len(rep.Carried["epi"]))
	}
	value := func(c egdi.ISO3, ind egdi.Indicator) egdi.InputValue {
		for _, v := range sc.Values {
			if v.ISO3 == c && v.Indicator == ind {
				return v
			}
		}
		t.Fatalf("%s has no %s", c, ind)
		return egdi.InputValue{}
	}
	for _, tc := range []struct {
		name string
		got  egdi.InputValue
		want egdi.InputValue
	}{
		{"LatestUpToDataYear", value("AAA", egdi.MobileSubscriptions),
			egdi.InputValue{ISO3: "AAA", Indicator: egdi.MobileSubscriptions, Value: 130, Origin: egdi.OriginRaw, Year: 2019, Source: "itu old"}},
		{"ImportedFirst", value("EEE", egdi.InternetUsers),
			egdi.InputValue{ISO3: "EEE", Indicator: egdi.InternetUsers, Value: 77, Origin: egdi.OriginRaw, Year: 2020, Source: "itu imported"}},
		{"Carried", value("CCC", egdi.TII),
			egdi.InputValue{ISO3: "CCC", Indicator: egdi.TII, Value: 0.65, Origin: egdi.OriginCarried, Year: 2022}},
		{"Set", value("BBB", egdi.EPI), egdi.InputValue{ISO3: "BBB", Indicator: egdi.EPI, Value: 0.25, Origin: egdi.OriginSet}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if math.Abs(tc.got.Value-tc.want.Value) > 1e-12 { // float noise of 0.7 − 0.05
				t.Fatalf("%+v, want %+v", tc.got, tc.want)
			}
			tc.got.Value = tc.want.Value
			if tc.got != tc.want {
				t.Fatalf("%+v, want %+v", tc.got, tc.want)
			}
		})
	}
	if !sc.CreatedAt.Equal(now) || sc.Like != 2022 || sc.DataYear != 2020 || len(sc.Countries()) != 5 {
		t.Errorf("scenario %s like %d data year %d, %d countries, created %v", sc.Name, sc.Like, sc.DataYear, len(sc.Countries()), sc.CreatedAt)
	}
	for _, bad := range []struct {
		name     string
		like, dy int
		sets     []egdi.Set
		code     string
	}{
		{"ErrLike", 2021, 2020, nil, egdi.ENOTFOUND},
		{"ErrDataYear", 2022, 1800, nil, egdi.EINVALID},
		{"ErrSetCountry", 2022, 2020, []egdi.Set{{ISO3: "ZZZ", Indicator: egdi.OSI, Value: 1}}, egdi.ENOTFOUND},
		{"ErrNoEdition", 2020, 2020, nil, egdi.ENOTFOUND},
	} {
		t.Run(bad.name, func(t *testing.T) {
			_, _, err := egdi.NewScenario("s", bad.like, bad.dy, scenarioDataset(), bad.sets, now)
			if egdi.ErrorCode(err) != bad.code {
				t.Fatalf("error %v, want code %s", err, bad.code)
			}
		})
	}
}

// TestScenarioCompute: countries with every TII input get the TII of the
// method computed among them; the others keep the carried value; a TII
// set by the user wins over its inputs.
func TestScenarioCompute(t *testing.T) {
	d := scenarioDataset()
	sc, _, err := egdi.NewScenario("s", 2022, 2020, d, []egdi.Set{{ISO3: "EEE", Indicator: egdi.TII, Value: 0.42}}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sc.Compute()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := egdi.MethodFor(2022)
	in := egdi.NewInputs([]egdi.ISO3{"AAA", "BBB"})
	all := sc.Inputs()
	for _, ind := range m.TII.Inputs {
		for i, c := range in.Countries {
			in.Set(ind, i, all.Get(ind, all.Index(c)))
		}
	}
	for _, ind := range []egdi.Indicator{egdi.OSI, egdi.HCI, egdi.EPI} {
		for i, c := range in.Countries {
			in.Set(ind, i, all.Get(ind, all.Index(c)))
		}
	}
	direct, err := m.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	tii := map[egdi.ISO3]float64{}
	for i, c := range res.Countries {
		tii[c] = res.TII[i]
	}
	const tol = 1e-12 // the same arithmetic on the same values
	for i, c := range direct.Countries {
		if math.Abs(tii[c]-direct.TII[i]) > tol {
			t.Errorf("%s: TII %v, want %v computed among the countries with raw data", c, tii[c], direct.TII[i])
		}
	}
	if math.Abs(tii["CCC"]-0.65) > tol || math.Abs(tii["DDD"]-0.55) > tol || tii["EEE"] != 0.42 {
		t.Errorf("carried/set TII: CCC %v DDD %v EEE %v, want 0.65, 0.55 and the 0.42 set", tii["CCC"], tii["DDD"], tii["EEE"])
	}
	if len(res.Scores) != 5 || res.Method.Edition != 2022 {
		t.Fatalf("%d scores with method %d", len(res.Scores), res.Method.Edition)
	}
	// A scenario that lost an input cannot be computed.
	broken := *sc
	broken.Values = slices.DeleteFunc(slices.Clone(sc.Values), func(v egdi.InputValue) bool {
		return v.ISO3 == "AAA" && v.Indicator == egdi.FixedBroadband
	})
	if _, err := broken.Compute(); egdi.ErrorCode(err) != egdi.EINVALID {
		t.Fatalf("computing a scenario without AAA's fixed broadband: %v, want EINVALID", err)
	}
}

func TestMergeDataset(t *testing.T) {
	b := scenarioDataset()
	user := []egdi.Record{{Edition: 2022, ISO3: "AAA", Assessed: true, Rank: 1, EGDI: 0.123}, {Edition: 2040, ISO3: "BBB"}}
	clash := b.Observations[1] // same key as a built-in observation
	clash.Value = 1
	obs := []egdi.Observation{clash, {ISO3: "AAA", Indicator: egdi.MeanSchooling, Year: 2020, Value: 9, Source: "hdr"}}
	before := len(b.Observations)
	d := egdi.MergeDataset(b, user, obs)
	if len(b.Observations) != before || b.Published[2022][0].EGDI != 0.9 {
		t.Fatal("MergeDataset modified the built-in dataset")
	}
	if len(d.Published[2022]) != 5 || len(d.Published[2040]) != 1 {
		t.Fatalf("editions: 2022 has %d records, 2040 %d; want 5 and 1", len(d.Published[2022]), len(d.Published[2040]))
	}
	for _, r := range d.Published[2022] {
		if r.ISO3 == "AAA" && r.EGDI != 0.123 {
			t.Fatalf("the imported AAA 2022 record did not replace the built-in one: %+v", r)
		}
	}
	if len(d.Observations) != before+1 || d.Observations[0] != clash {
		t.Fatalf("%d observations, first %+v; want %d with the imported one first and the clashing built-in one gone", len(d.Observations), d.Observations[0], before+1)
	}
}

func TestJobUpdate(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := func(s egdi.JobStatus) *egdi.JobStatus { return &s }
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name string
		from egdi.JobStatus
		u    egdi.JobUpdate
		code string
		want egdi.JobStatus
	}{
		{"Start", egdi.JobQueued, egdi.JobUpdate{Status: st(egdi.JobRunning)}, "", egdi.JobRunning},
		{"Progress", egdi.JobRunning, egdi.JobUpdate{Progress: f(0.3)}, "", egdi.JobRunning},
		{"Done", egdi.JobRunning, egdi.JobUpdate{Status: st(egdi.JobDone), Result: json.RawMessage(`{}`)}, "", egdi.JobDone},
		{"CancelQueued", egdi.JobQueued, egdi.JobUpdate{Status: st(egdi.JobCanceled)}, "", egdi.JobCanceled},
		{"ErrDoneFromQueued", egdi.JobQueued, egdi.JobUpdate{Status: st(egdi.JobDone)}, egdi.ECONFLICT, ""},
		{"ErrFinished", egdi.JobFailed, egdi.JobUpdate{Progress: f(0.3)}, egdi.ECONFLICT, ""},
		{"Requeue", egdi.JobRunning, egdi.JobUpdate{Status: st(egdi.JobQueued)}, "", egdi.JobQueued},
		{"FailQueued", egdi.JobQueued, egdi.JobUpdate{Status: st(egdi.JobFailed)}, "", egdi.JobFailed},
		{"WorkerHolds", egdi.JobRunning, egdi.JobUpdate{Worker: "w1", Progress: f(0.5)}, "", egdi.JobRunning},
		{"ErrWorkerLost", egdi.JobRunning, egdi.JobUpdate{Worker: "w2", Progress: f(0.5)}, egdi.ECONFLICT, ""},
		{"ErrWorkerOnQueued", egdi.JobQueued, egdi.JobUpdate{Worker: "w1", Progress: f(0.5)}, egdi.ECONFLICT, ""},
		{"ErrCanceledToQueued", egdi.JobCanceled, egdi.JobUpdate{Status: st(egdi.JobQueued)}, egdi.ECONFLICT, ""},
		{"ErrUnknownStatus", egdi.JobRunning, egdi.JobUpdate{Status: st("paused")}, egdi.EINVALID, ""},
		{"ErrProgressNaN", egdi.JobRunning, egdi.JobUpdate{Progress: f(math.NaN())}, egdi.EINVALID, ""},
		{"ErrResultNotJSON", egdi.JobRunning, egdi.JobUpdate{Result: json.RawMessage(`{`)}, egdi.EINVALID, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := &egdi.Job{ID: "1", Status: tc.from, Worker: "w1"}
			err := tc.u.Apply(j, now)
			if egdi.ErrorCode(err) != tc.code {
				t.Fatalf("Apply: %v, want code %q", err, tc.code)
			}
			if tc.code != "" {
				return
			}
			if j.Status != tc.want || !j.UpdatedAt.Equal(now) {
				t.Fatalf("job %+v, want status %s updated now", j, tc.want)
			}
			if tc.want.Finished() != (j.FinishedAt != nil) || (tc.want == egdi.JobRunning && tc.from == egdi.JobQueued && j.StartedAt == nil) {
				t.Fatalf("times: started %v finished %v", j.StartedAt, j.FinishedAt)
			}
		})
	}
}

func TestInputValueJSON(t *testing.T) {
	v := egdi.InputValue{ISO3: "BHR", Indicator: egdi.ActiveMobileBroadband, Value: 109.38, Origin: egdi.OriginRaw, Year: 2020, Source: "itu x"}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"indicator":"active_mobile_broadband"`) {
		t.Fatalf("JSON %s does not name the indicator", b)
	}
	var back egdi.InputValue
	if err := json.Unmarshal(b, &back); err != nil || back != v {
		t.Fatalf("round trip: %+v, %v; want %+v", back, err, v)
	}
	if err := json.Unmarshal([]byte(`{"indicator":"speed"}`), &back); err == nil {
		t.Fatal("an unknown indicator was accepted")
	}
}
