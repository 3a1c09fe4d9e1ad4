package tabular

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

func trackerCountries(t testing.TB) *egdi.Countries {
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	return d.Countries
}

func sampleTracker(t testing.TB) *egdi.Tracker {
	tr, err := builtin.SampleTracker()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tr.Strategies {
		s.Sample = false
	}
	for _, c := range tr.Cooperation {
		c.Sample = false
	}
	// A KPI with every field, so the round trip covers them.
	s := tr.Strategies[0]
	s.Waves[0].From, s.Waves[0].To, s.Waves[0].Priorities = 2020, 2021, []string{"cloud", "Arabic content"}
	s.Initiatives[0].Wave = "Wave 1"
	s.Initiatives[0].KPIs = []egdi.KPI{{ID: "services", Name: "services online", Owner: "iGA", Lower: true,
		Baseline: &egdi.Point{Year: 2020, Value: 400}, Targets: []egdi.Point{{Year: 2024, Value: 300}, {Year: 2026, Value: 250.5}},
		Entries: []egdi.Entry{{Year: 2022, Value: 350, Evidence: "report, p. 3 | annex"}}}}
	return tr
}

// canon is v as JSON with empty and absent lists alike.
func canon(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), `"targets":null`, `"targets":[]`)
}

// TestTrackerRoundTrip: what the writers write, the readers read back
// unchanged, in every format.
func TestTrackerRoundTrip(t *testing.T) {
	cs := trackerCountries(t)
	tr := sampleTracker(t)
	for _, format := range []string{"csv", "xlsx", "json"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTracker(&b, format, "strategies", StrategyColumns, StrategyRows(tr.Strategies), tr.Strategies); err != nil {
				t.Fatal(err)
			}
			ss, err := ReadStrategies("s."+format, &b, cs)
			if err != nil {
				t.Fatal(err)
			}
			want := tr.Strategies
			if got, want := canon(t, ss), canon(t, want); got != want {
				t.Errorf("strategies read back differ:\n%s\nwant\n%s", got, want)
			}
			b.Reset()
			if err := WriteTracker(&b, format, "cooperation", CooperationColumns, CooperationRows(tr.Cooperation), tr.Cooperation); err != nil {
				t.Fatal(err)
			}
			rs, err := ReadCooperation("c."+format, &b, cs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rs, tr.Cooperation) {
				t.Errorf("records read back differ: %+v", rs[0])
			}
		})
	}
}

// TestTrackerBadFiles: every bad file is an InputError naming the row and
// column.
func TestTrackerBadFiles(t *testing.T) {
	cs := trackerCountries(t)
	const shead = "record,strategy,wave,initiative,kpi,name,iso3,measure,year,value,evidence\n"
	const chead = "kind,date,parties,title\n"
	for _, tt := range []struct {
		name, file, text, want string
		coop                   bool
	}{
		{"ErrEmpty", "s.csv", "", "empty", false},
		{"ErrUnknownColumn", "s.csv", "record,strategy,colour\n", `column colour: unknown column "colour"`, false},
		{"ErrNoRecordColumn", "s.csv", "strategy\nx\n", "no column record", false},
		{"ErrUnknownRecord", "s.csv", shead + "goal,s,,,,,,,,,\n", "row 2, column record: unknown record", false},
		{"ErrNoParent", "s.csv", shead + "wave,s,w,,,,,,,,\n", `row 2, column strategy: no strategy row for "s"`, false},
		{"ErrCellNotUsed", "s.csv", shead + "strategy,s,w,,,,,,,,\n", "row 2, column wave: a strategy row has no wave", false},
		{"ErrValue", "s.csv", shead + "strategy,s,,,,,,,,,\ninitiative,s,,i,,,,,,,\nkpi,s,,i,k,K,,,,,\ntarget,s,,,k,,,,2026,ten,\n", `row 5, column value: "ten" is not a number`, false},
		{"ErrYear", "s.csv", shead + "strategy,s,,,,,,,,,\ninitiative,s,,i,,,,,,,\nkpi,s,,i,k,K,,,,,\ntarget,s,,,k,,,,soon,1,\n", `row 5, column year: "soon" is not a year`, false},
		{"ErrMeasure", "s.csv", shead + "strategy,s,,,,,,,,,\ninitiative,s,,i,,,,,,,\nkpi,s,,i,k,K,BHR,speed,,,\n", "Unknown measure", false},
		{"ErrTruncated", "s.csv", shead + "strategy,s\n", "row 2: the row has 2 fields", false},
		{"ErrJSONField", "s.json", "[{\"name\":\"s\",\n\"colour\":1}]", `row 2: json: unknown field "colour"`, false},
		{"ErrJSONBroken", "s.json", "[{\"name\":", "unexpected EOF", false},
		{"ErrNotUTF8", "s.csv", "record,strategy\nstrategy,\xe4\xf1\n", "UTF-8", false},
		{"ErrCoopKind", "c.csv", chead + "party,2019,BHR,x\n", `row 2: Cooperation record "x": unknown kind`, true},
		{"ErrCoopDate", "c.csv", chead + "visit,2019-13,BHR,x\n", `row 2: Cooperation record "x": date`, true},
		{"ErrCoopCountry", "c.csv", chead + "visit,2019,BHR | XYZ,x\n", "unknown country XYZ", true},
		{"ErrCoopDuplicate", "c.csv", chead + "visit,2019,BHR,x\nvisit,2019,BHR,x\n", "row 3: record 2 repeats record 1", true},
		{"ErrCoopNoTitle", "c.csv", "kind,date,parties\n", "no column title", true},
		{"ErrCoopZip", "c.xlsx", "PK\x03\x04junk", "not a readable XLSX", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.coop {
				_, err = ReadCooperation(tt.file, strings.NewReader(tt.text), cs)
			} else {
				_, err = ReadStrategies(tt.file, strings.NewReader(tt.text), cs)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if _, ok := err.(*egdi.InputError); !ok {
				t.Errorf("error %T, want *egdi.InputError", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.file) {
				t.Errorf("error %q, want it to name %s and say %q", err, tt.file, tt.want)
			}
		})
	}
}

// FuzzReadStrategies and FuzzReadCooperation: no input panics, every
// error is an InputError, and what is read writes and reads back the same.
func FuzzReadStrategies(f *testing.F) {
	tr := sampleTracker(f)
	for _, format := range []string{"csv", "json"} {
		var b bytes.Buffer
		if err := WriteTracker(&b, format, "strategies", StrategyColumns, StrategyRows(tr.Strategies), tr.Strategies); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte("record,strategy,kpi,year,value\ntarget,s,k,2026,1\n"))
	cs := trackerCountries(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, err := ReadStrategies("f", bytes.NewReader(data), cs)
		if err != nil {
			if _, ok := err.(*egdi.InputError); !ok {
				t.Fatalf("error %T %v, want *egdi.InputError", err, err)
			}
			return
		}
		var b bytes.Buffer
		if err := WriteTracker(&b, "json", "", nil, nil, ss); err != nil {
			t.Fatal(err)
		}
		again, err := ReadStrategies("f.json", &b, cs)
		if err != nil || canon(t, again) != canon(t, ss) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, again, ss)
		}
	})
}

func FuzzReadCooperation(f *testing.F) {
	tr := sampleTracker(f)
	for _, format := range []string{"csv", "json"} {
		var b bytes.Buffer
		if err := WriteTracker(&b, format, "cooperation", CooperationColumns, CooperationRows(tr.Cooperation), tr.Cooperation); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte("kind,date,parties,title\nvisit,2019-09,BHR | TKM,x\n"))
	cs := trackerCountries(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ReadCooperation("f", bytes.NewReader(data), cs)
		if err != nil {
			if _, ok := err.(*egdi.InputError); !ok {
				t.Fatalf("error %T %v, want *egdi.InputError", err, err)
			}
			return
		}
		var b bytes.Buffer
		if err := WriteTracker(&b, "csv", "", CooperationColumns, CooperationRows(rs), nil); err != nil {
			t.Fatal(err)
		}
		again, err := ReadCooperation("f.csv", &b, cs)
		if err != nil || len(again) != len(rs) {
			t.Fatalf("round trip: %v (%d of %d)", err, len(again), len(rs))
		}
	})
}
