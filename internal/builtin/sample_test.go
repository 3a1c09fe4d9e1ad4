package builtin

import (
	"testing"

	"github.com/egdi-project/egdi"
)

// TestSampleTracker: the sample is valid, marked as sample, and holds the
// records the source lists for Kuwait and Turkmenistan.
func TestSampleTracker(t *testing.T) {
	d, err := Dataset()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := SampleTracker()
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Validate(d.Countries); err != nil {
		t.Fatal(err)
	}
	if len(tr.Strategies) != 1 || len(tr.Strategies[0].Waves) != 3 || !tr.Strategies[0].Sample {
		t.Fatalf("strategies %+v: want one sample strategy with three waves", tr.Strategies)
	}
	for iso, want := range map[egdi.ISO3]int{"KWT": 3, "TKM": 2, "KOR": 1, "MAR": 1} {
		if n := len(egdi.Timeline(tr.Cooperation, iso)); n != want {
			t.Errorf("%s: %d records, want %d", iso, n, want)
		}
	}
	for _, c := range tr.Cooperation {
		if !c.Sample || c.TitleAR == "" {
			t.Errorf("record %q: sample %v, Arabic title %q", c.Title, c.Sample, c.TitleAR)
		}
	}
}
