package builtin_test

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/builtin/csvdata"
)

func TestDataset(t *testing.T) {
	d, err := builtin.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Countries.Len(); n != 193 {
		t.Errorf("%d countries, want the 193 Member States", n)
	}
	if ys := d.Years(); len(ys) != len(egdi.Editions) {
		t.Errorf("editions %v, want %v", ys, egdi.Editions)
	}
	for _, y := range egdi.Editions {
		if n := len(d.Published[y]); n != 193 {
			t.Errorf("%d: %d rows, want 193 (assessed or not)", y, n)
		}
	}
	bhr := d.Countries.Get("BHR")
	if bhr == nil || bhr.NameAR != "البحرين" || bhr.Subregion != "Western Asia" || bhr.Income != egdi.HighIncome {
		t.Errorf("Bahrain = %+v", bhr)
	}
	for _, name := range []string{"Bahrain", "bahrain ", "البحرين", "Bahreïn", "Georgia (Country)", "Türkiye", "Czech Republic"} {
		if _, err := d.Countries.Lookup(name); err != nil {
			t.Errorf("Lookup(%q): %v", name, err)
		}
	}
	// ITU: the five TII indicators, 2010–2021, Member States only.
	seen := map[egdi.Indicator]int{}
	for _, o := range d.Observations {
		if d.Countries.Get(o.ISO3) == nil || o.Year < 2010 || o.Year > 2021 || o.Source != "itu" {
			t.Fatalf("unexpected observation %+v", o)
		}
		seen[o.Indicator]++
	}
	for _, ind := range []egdi.Indicator{egdi.InternetUsers, egdi.MobileSubscriptions, egdi.ActiveMobileBroadband, egdi.FixedBroadband, egdi.FixedTelephone} {
		if seen[ind] < 1500 {
			t.Errorf("%s: %d observations, want ≥ 1500", ind, seen[ind])
		}
	}
}

// BenchmarkLoad parses the embedded files: the start-up cost of every command.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := builtin.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCSV parses the CSV files the tables are generated from, as
// every command would at start-up without tables.go: the yardstick that
// says whether the generated tables pay.
func BenchmarkLoadCSV(b *testing.B) {
	fsys := os.DirFS("data")
	for b.Loop() {
		cs, _, _, err := csvdata.Read(fsys)
		if err != nil || len(cs) != 193 {
			b.Fatal(err, len(cs))
		}
	}
}

// TestTablesMatchCSV: the compiled tables (tables.go) hold exactly what the
// reviewable CSV files hold; run `go generate ./internal/builtin` after
// changing the CSV files.
func TestTablesMatchCSV(t *testing.T) {
	cs, pub, obs, err := csvdata.Read(os.DirFS("data"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cs, d.Countries.All()) {
		t.Error("countries differ from data/countries.csv: run go generate ./internal/builtin")
	}
	var all []egdi.Record
	for _, y := range d.Years() {
		all = append(all, d.Published[y]...)
	}
	if !reflect.DeepEqual(pub, all) {
		t.Error("published records differ from data/published.csv: run go generate ./internal/builtin")
	}
	if !reflect.DeepEqual(obs, d.Observations) {
		t.Error("observations differ from data/itu.csv: run go generate ./internal/builtin")
	}
	src, err := csvdata.GoSource(cs, pub, obs)
	if err != nil {
		t.Fatal(err)
	}
	disk, err := os.ReadFile("tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, disk) {
		t.Error("tables.go is not what gencode writes from data/: run go generate ./internal/builtin")
	}
}

// TestAppendDoesNotLeak: appending to one edition's records must not
// overwrite the next edition's (the tables are shared).
func TestAppendDoesNotLeak(t *testing.T) {
	d, _ := builtin.Load()
	next := d.Published[2004][0]
	_ = append(d.Published[2003], egdi.Record{Edition: 2003, ISO3: "XXX"})
	if d2, _ := builtin.Load(); d2.Published[2004][0] != next {
		t.Fatal("appending to 2003 changed 2004")
	}
}
