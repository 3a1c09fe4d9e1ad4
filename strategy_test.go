package egdi_test

import (
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// TestKPIStatus checks the status rule of egdi.KPIStatus on its boundary
// values: baseline 50 (2020), target 60 (2024), so the planned change is
// 10 and the at-risk band is 1 (10 %); the expected value in 2022 is 55.
func TestKPIStatus(t *testing.T) {
	base := &egdi.Point{Year: 2020, Value: 50}
	tg := []egdi.Point{{Year: 2024, Value: 60}}
	rankBase := &egdi.Point{Year: 2022, Value: 65}
	rankTg := []egdi.Point{{Year: 2026, Value: 10}} // planned change 55, band 5.5; expected 2024: 37.5
	for _, tt := range []struct {
		name     string
		baseline *egdi.Point
		targets  []egdi.Point
		values   []egdi.Point
		lower    bool
		want     egdi.Status
	}{
		{"no target", base, nil, []egdi.Point{{2022, 55}}, false, egdi.NoTarget},
		{"no value", base, tg, nil, false, egdi.NoData},
		{"on the path", base, tg, []egdi.Point{{2022, 55}}, false, egdi.OnTrack},
		{"above the path", base, tg, []egdi.Point{{2022, 58}}, false, egdi.OnTrack},
		{"just below the path", base, tg, []egdi.Point{{2022, 54.999}}, false, egdi.AtRisk},
		{"at the edge of the band", base, tg, []egdi.Point{{2022, 54}}, false, egdi.AtRisk},
		{"just past the band", base, tg, []egdi.Point{{2022, 53.999}}, false, egdi.OffTrack},
		{"target year, met", base, tg, []egdi.Point{{2024, 60}}, false, egdi.OnTrack},
		{"target year, missed by the band", base, tg, []egdi.Point{{2024, 59}}, false, egdi.AtRisk},
		{"target year, missed", base, tg, []egdi.Point{{2024, 58.9}}, false, egdi.OffTrack},
		{"after the last target", base, tg, []egdi.Point{{2026, 60}}, false, egdi.OnTrack},
		{"at the baseline year", base, tg, []egdi.Point{{2020, 50}}, false, egdi.OnTrack},
		{"before the baseline", base, tg, []egdi.Point{{2018, 49}}, false, egdi.AtRisk},
		{"latest value counts", base, tg, []egdi.Point{{2024, 50}, {2022, 60}}, false, egdi.OffTrack},
		{"rank on the path", rankBase, rankTg, []egdi.Point{{2024, 37.5}}, true, egdi.OnTrack},
		{"rank ahead", rankBase, rankTg, []egdi.Point{{2024, 10}}, true, egdi.OnTrack},
		{"rank within the band", rankBase, rankTg, []egdi.Point{{2024, 43}}, true, egdi.AtRisk},
		{"rank past the band", rankBase, rankTg, []egdi.Point{{2024, 43.5}}, true, egdi.OffTrack},
		{"keep a level, held", &egdi.Point{2020, 1}, []egdi.Point{{2024, 1}}, []egdi.Point{{2022, 1}}, true, egdi.OnTrack},
		{"keep a level, lost", &egdi.Point{2020, 1}, []egdi.Point{{2024, 1}}, []egdi.Point{{2022, 2}}, true, egdi.OffTrack},
		{"no baseline: first value", nil, tg, []egdi.Point{{2020, 50}, {2022, 55}}, false, egdi.OnTrack},
		{"two targets, second leg", base, []egdi.Point{{2022, 60}, {2026, 80}}, []egdi.Point{{2024, 69}}, false, egdi.AtRisk},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := egdi.KPIStatus(tt.baseline, tt.targets, tt.values, tt.lower); got != tt.want {
				t.Errorf("KPIStatus = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestKPIStatusMonotone: raising a higher-is-better KPI's latest value
// never worsens its status.
func TestKPIStatusMonotone(t *testing.T) {
	order := map[egdi.Status]int{egdi.OffTrack: 0, egdi.AtRisk: 1, egdi.OnTrack: 2}
	rapid.Check(t, func(t *rapid.T) {
		b := egdi.Point{Year: 2020, Value: rapid.Float64Range(-100, 100).Draw(t, "b")}
		tg := []egdi.Point{{Year: rapid.IntRange(2021, 2030).Draw(t, "ty"), Value: rapid.Float64Range(-100, 100).Draw(t, "tv")}}
		y := rapid.IntRange(2015, 2035).Draw(t, "y")
		v := rapid.Float64Range(-100, 100).Draw(t, "v")
		d := rapid.Float64Range(0, 50).Draw(t, "d")
		lo := egdi.KPIStatus(&b, tg, []egdi.Point{{y, v}}, false)
		hi := egdi.KPIStatus(&b, tg, []egdi.Point{{y, v + d}}, false)
		if order[hi] < order[lo] {
			t.Fatalf("value %g → %s, value %g → %s", v, lo, v+d, hi)
		}
	})
}

func value(ps []egdi.Point, year int) (float64, bool) {
	for _, p := range ps {
		if p.Year == year {
			return p.Value, true
		}
	}
	return math.NaN(), false
}

// TestBindingValues checks bound KPIs against the published UN data.
func TestBindingValues(t *testing.T) {
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		b    egdi.Binding
		year int
		want float64
		tol  float64 // published precision
	}{
		// Bahrain's TII rank, E-Government Survey 2022 and 2024.
		{"BHR tii_rank 2022", egdi.Binding{ISO3: "BHR", Measure: "tii_rank"}, 2022, 65, 0},
		{"BHR tii_rank 2024", egdi.Binding{ISO3: "BHR", Measure: "tii_rank"}, 2024, 10, 0},
		// Survey 2018: Bahrain 4th in the TII (the source page says so too).
		{"BHR tii_rank 2018", egdi.Binding{ISO3: "BHR", Measure: "tii_rank"}, 2018, 4, 0},
		{"BHR egdi_rank 2016", egdi.Binding{ISO3: "BHR", Measure: "egdi_rank"}, 2016, 24, 0},
		// GCC mean EGDI 2024: the mean of the six members' published
		// values (gccMean, read from the records), to 1e-9.
		{"GCC mean egdi 2024", egdi.Binding{ISO3: "gcc", Measure: "egdi"}, 2024, gccMean(t, d, 2024), 1e-9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := tt.b.Values(d)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := value(vs, tt.year)
			if !ok || math.Abs(got-tt.want) > tt.tol {
				t.Errorf("%d = %g (found %v), want %g ± %g", tt.year, got, ok, tt.want, tt.tol)
			}
		})
	}
	// A raw input: Bahrain's fixed broadband per 100 in 2020 (ITU).
	vs, err := egdi.Binding{ISO3: "BHR", Measure: "fixed_broadband"}.Values(d)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	for _, o := range d.Observations {
		if o.ISO3 == "BHR" && o.Indicator == egdi.FixedBroadband && o.Year == 2020 {
			want = o.Value
			break
		}
	}
	if got, ok := value(vs, 2020); !ok || got != want || want == 0 {
		t.Errorf("BHR fixed_broadband 2020 = %g (%v), want the ITU value %g", got, ok, want)
	}
	for _, b := range []egdi.Binding{{"XXX", "egdi"}, {"BHR", "speed"}, {"BHR", "osi_points"}} {
		if _, err := b.Values(d); egdi.ErrorCode(err) != egdi.EINVALID {
			t.Errorf("%v: error %v, want invalid", b, err)
		}
	}
}

// gccMean is the mean of the six GCC members' published EGDI, computed
// from the records directly (an independent path).
func gccMean(t *testing.T, d *egdi.Dataset, year int) float64 {
	sum, n := 0.0, 0
	for _, r := range d.Published[year] {
		for _, c := range egdi.GCC {
			if r.ISO3 == c && r.Assessed {
				sum += r.EGDI
				n++
			}
		}
	}
	if n != 6 {
		t.Fatalf("GCC %d: %d members found", year, n)
	}
	return sum / 6
}

func TestStrategyValidate(t *testing.T) {
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	good := func() *egdi.Strategy {
		return &egdi.Strategy{Name: "s", Waves: []egdi.Wave{{Name: "w1"}}, Initiatives: []egdi.Initiative{{
			Name: "i", Wave: "w1", KPIs: []egdi.KPI{
				{ID: "a", Name: "A", Binding: &egdi.Binding{ISO3: "BHR", Measure: "tii_rank"}, Targets: []egdi.Point{{2026, 5}}},
				{ID: "b", Name: "B", Entries: []egdi.Entry{{2024, 3, "annual report 2024"}}},
			}}}}
	}
	if err := good().Validate(d.Countries); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		edit func(s *egdi.Strategy)
	}{
		{"ErrNameEmpty", func(s *egdi.Strategy) { s.Name = " " }},
		{"ErrNameControl", func(s *egdi.Strategy) { s.Name = "a\x00b" }},
		{"ErrScope", func(s *egdi.Strategy) { s.Scope = "Gulf" }},
		{"ErrNameSlash", func(s *egdi.Strategy) { s.Name = "gcc/2026" }},
		{"ErrNameSpace", func(s *egdi.Strategy) { s.Name = " gcc" }},
		{"ErrWaveTwice", func(s *egdi.Strategy) { s.Waves = append(s.Waves, egdi.Wave{Name: "w1"}) }},
		{"ErrWaveYears", func(s *egdi.Strategy) { s.Waves[0].From, s.Waves[0].To = 2020, 2019 }},
		{"ErrUnknownWave", func(s *egdi.Strategy) { s.Initiatives[0].Wave = "w9" }},
		{"ErrKPIID", func(s *egdi.Strategy) { s.Initiatives[0].KPIs[0].ID = "A B" }},
		{"ErrKPITwice", func(s *egdi.Strategy) { s.Initiatives[0].KPIs[1].ID = "a" }},
		{"ErrBindingCountry", func(s *egdi.Strategy) { s.Initiatives[0].KPIs[0].Binding.ISO3 = "XYZ" }},
		{"ErrBindingMeasure", func(s *egdi.Strategy) { s.Initiatives[0].KPIs[0].Binding.Measure = "speed" }},
		{"ErrBoundWithEntries", func(s *egdi.Strategy) {
			s.Initiatives[0].KPIs[0].Entries = []egdi.Entry{{2024, 1, "x"}}
		}},
		{"ErrEntryNoEvidence", func(s *egdi.Strategy) { s.Initiatives[0].KPIs[1].Entries[0].Evidence = "" }},
		{"ErrTargetTwice", func(s *egdi.Strategy) {
			s.Initiatives[0].KPIs[0].Targets = []egdi.Point{{2026, 5}, {2026, 4}}
		}},
		{"ErrTargetYear", func(s *egdi.Strategy) { s.Initiatives[0].KPIs[0].Targets[0].Year = 1800 }},
		{"ErrTargetNaN", func(s *egdi.Strategy) { s.Initiatives[0].KPIs[0].Targets[0].Value = math.NaN() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := good()
			tt.edit(s)
			if err := s.Validate(d.Countries); egdi.ErrorCode(err) != egdi.EINVALID {
				t.Errorf("Validate = %v, want invalid", err)
			}
		})
	}
}

func TestKPIsFromPlan(t *testing.T) {
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	b, err := egdi.NewBase(d, 2024, egdi.ComponentLevel)
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Plan("BHR", egdi.Target{Rank: 10}, egdi.DefaultCosts(b))
	if err != nil {
		t.Fatal(err)
	}
	ks, err := egdi.KPIsFromPlan(res, "cheapest", 2026)
	if err != nil {
		t.Fatal(err)
	}
	var plan *egdi.Plan
	for i := range res.Plans {
		if res.Plans[i].Name == "cheapest" {
			plan = &res.Plans[i]
		}
	}
	if len(ks) != 1+len(plan.Changes) {
		t.Fatalf("%d KPIs, want 1 + %d changes", len(ks), len(plan.Changes))
	}
	if k := ks[0]; k.Binding.Measure != "egdi_rank" || k.Baseline.Value != 18 || k.Targets[0] != (egdi.Point{2026, 10}) {
		t.Errorf("rank KPI = %+v (baseline %+v), want egdi_rank from 18 (2024) to 10 (2026)", k, k.Baseline)
	}
	for i, c := range plan.Changes {
		k := ks[i+1]
		if k.Binding.Measure != c.Indicator || k.Baseline.Value != c.From || k.Targets[0].Value != c.To {
			t.Errorf("KPI %d = %+v, want %+v", i+1, k, c)
		}
	}
	s := &egdi.Strategy{Name: "bhr", Initiatives: []egdi.Initiative{{Name: "rank 10", KPIs: ks}}}
	if err := s.Validate(d.Countries); err != nil {
		t.Errorf("a strategy from the plan does not validate: %v", err)
	}
	if _, err := egdi.KPIsFromPlan(res, "nope", 2026); egdi.ErrorCode(err) != egdi.ENOTFOUND {
		t.Errorf("unknown plan: %v", err)
	}
}

func TestCooperation(t *testing.T) {
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		c    egdi.Cooperation
		ok   bool
	}{
		{"good", egdi.Cooperation{Kind: egdi.Agreement, Date: "2019-09", Parties: []string{"BHR", "TKM"}, Title: "MoU"}, true},
		{"undated", egdi.Cooperation{Kind: egdi.Visit, Parties: []string{"BHR", "UN DESA"}, Title: "x"}, true},
		{"ErrKind", egdi.Cooperation{Kind: "party", Date: "2019", Parties: []string{"BHR"}, Title: "x"}, false},
		{"ErrDate", egdi.Cooperation{Kind: egdi.Event, Date: "2019-13", Parties: []string{"BHR"}, Title: "x"}, false},
		{"ErrDay", egdi.Cooperation{Kind: egdi.Event, Date: "2019-02-30", Parties: []string{"BHR"}, Title: "x"}, false},
		{"ErrEndBefore", egdi.Cooperation{Kind: egdi.Event, Date: "2019", End: "2018", Parties: []string{"BHR"}, Title: "x"}, false},
		{"ErrNoParties", egdi.Cooperation{Kind: egdi.Event, Date: "2019", Title: "x"}, false},
		{"ErrUnknownCountry", egdi.Cooperation{Kind: egdi.Event, Date: "2019", Parties: []string{"XYZ"}, Title: "x"}, false},
		{"ErrNoTitle", egdi.Cooperation{Kind: egdi.Event, Date: "2019", Parties: []string{"BHR"}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate(d.Countries)
			if (err == nil) != tt.ok || (err != nil && egdi.ErrorCode(err) != egdi.EINVALID) {
				t.Errorf("Validate = %v, want ok %v", err, tt.ok)
			}
		})
	}
	rs := []*egdi.Cooperation{
		{Kind: egdi.Visit, Title: "undated", Parties: []string{"TKM"}},
		{Kind: egdi.Visit, Date: "2019-09", Title: "b", Parties: []string{"BHR", "TKM"}},
		{Kind: egdi.Award, Date: "2010", Title: "a", Parties: []string{"BHR"}},
		{Kind: egdi.Agreement, Date: "2019", Title: "c", Parties: []string{"TKM", "BHR"}},
	}
	got := egdi.Timeline(rs, "TKM")
	if len(got) != 3 || got[0].Date != "2019" || got[1].Date != "2019-09" || got[2].Date != "" {
		t.Errorf("TKM timeline = %v", got)
	}
	if n := len(egdi.Timeline(rs, "")); n != 4 {
		t.Errorf("full timeline has %d records", n)
	}
}

func TestChanges(t *testing.T) {
	k := func(id string, st egdi.Status, vs ...egdi.Point) egdi.KPIView {
		return egdi.KPIView{ID: id, Name: id, Status: st, Values: vs}
	}
	prev := &egdi.StrategyView{KPIs: []egdi.KPIView{
		k("same", egdi.OnTrack, egdi.Point{2022, 1}),
		k("value", egdi.OnTrack, egdi.Point{2022, 1}),
		k("status", egdi.OnTrack, egdi.Point{2022, 1}),
		k("gone", egdi.OnTrack),
	}}
	cur := &egdi.StrategyView{KPIs: []egdi.KPIView{
		k("same", egdi.OnTrack, egdi.Point{2022, 1}),
		k("value", egdi.OnTrack, egdi.Point{2022, 1}, egdi.Point{2024, 2}),
		k("status", egdi.AtRisk, egdi.Point{2022, 1}),
		k("new", egdi.NoTarget),
	}}
	got := egdi.Changes(prev, cur)
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, ",") != "value,status,new" {
		t.Fatalf("changes %v, want value,status,new", ids)
	}
	if c := got[0]; c.FromYear != 2022 || c.ToYear != 2024 || c.ToValue != 2 {
		t.Errorf("value change %+v", c)
	}
	if c := got[1]; c.FromStatus != egdi.OnTrack || c.ToStatus != egdi.AtRisk {
		t.Errorf("status change %+v", c)
	}
	if !got[2].New {
		t.Errorf("new KPI not marked new: %+v", got[2])
	}
	if egdi.Changes(nil, cur) != nil {
		t.Error("no previous report: want nil")
	}
}

// TestTimelineProperty: a timeline holds exactly the records the country
// is a party to, dated ones by date, undated ones last.
func TestTimelineProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 20).Draw(t, "n")
		var rs []*egdi.Cooperation
		for i := 0; i < n; i++ {
			date := ""
			if rapid.Bool().Draw(t, "dated") {
				date = rapid.SampledFrom([]string{"2010", "2012-12", "2013", "2019-09", "2019-09-15", "2019"}).Draw(t, "date")
			}
			parties := []string{"BHR"}
			if rapid.Bool().Draw(t, "tkm") {
				parties = append(parties, "TKM")
			}
			rs = append(rs, &egdi.Cooperation{Kind: egdi.Visit, Date: date, Title: itoaTest(i), Parties: parties})
		}
		got := egdi.Timeline(rs, "TKM")
		want := 0
		for _, r := range rs {
			if r.Involves("TKM") {
				want++
			}
		}
		if len(got) != want {
			t.Fatalf("%d records, want %d", len(got), want)
		}
		for i, r := range got {
			if !r.Involves("TKM") {
				t.Fatalf("record %q does not involve TKM", r.Title)
			}
			if i > 0 {
				p := got[i-1]
				if p.Date == "" && r.Date != "" {
					t.Fatalf("undated %q before dated %q", p.Title, r.Title)
				}
				if p.Date != "" && r.Date != "" && p.Date > r.Date {
					t.Fatalf("%s before %s", p.Date, r.Date)
				}
			}
		}
	})
}

func itoaTest(i int) string { return string(rune('a'+i%26)) + string(rune('0'+i/26)) }
