package storetest

import (
	"slices"
	"testing"

	"github.com/egdi-project/egdi"
)

// SeedOpener opens the store called name (the same name gives the same
// database, kept across calls within one test) as a binary whose built-in
// record is b, released as version, would. The store is closed by
// t.Cleanup or by the caller.
type SeedOpener func(t *testing.T, name string, b *egdi.Dataset, version string) egdi.Store

// RunSeeding checks how stores take in built-in releases: the first open
// seeds; a newer release replaces the built-in rows without touching user
// rows; an older binary opened afterwards does not put its older data
// back; reopening does not seed again.
func RunSeeding(t *testing.T, open SeedOpener) {
	t.Run("NewerReleaseKeepsUserData", func(t *testing.T) { testNewerRelease(t, open) })
	t.Run("LaterEditionBuiltIn", func(t *testing.T) { testLaterEditionBuiltIn(t, open) })
}

// release2 is the built-in record of a pretend next release: one edition
// more, one observation revised and one gone.
func release2(t *testing.T) *egdi.Dataset {
	d1 := bi(t)
	d2 := &egdi.Dataset{Countries: d1.Countries, Published: map[int][]egdi.Record{}}
	for y, rs := range d1.Published {
		d2.Published[y] = rs
	}
	d2.Published[2040] = userEdition(t, 2040, 30)
	d2.Observations = slices.Clone(d1.Observations[1:])
	d2.Observations[0].Value = d2.Observations[0].Value/2 + 0.125
	return d2
}

func testNewerRelease(t *testing.T, open SeedOpener) {
	d1 := bi(t)
	s := open(t, "db", d1, "release-1")
	if diff := EqualDatasets(dataset(t, s), d1); diff != "" {
		t.Fatalf("release 1: %s", diff)
	}
	userObs := userObservations(t, "user vintage", 20)
	userRecs := userEdition(t, 2041, 5)
	// This user row has the key of a row release 2 will add.
	clash := userEdition(t, 2040, 1)
	clash[0].EGDI = 0.123
	userRecs = append(userRecs, clash...)
	importOK(t, s, &egdi.Batch{File: "user.csv", Source: "itu", Observations: userObs, Records: userRecs})
	_ = s.Close()

	d2 := release2(t)
	want2 := egdi.MergeDataset(d2, userRecs, userObs)
	for _, tc := range []struct {
		name    string
		b       *egdi.Dataset
		version string
	}{
		{"Release2Seeds", d2, "release-2"},
		{"Release2Reopens", d2, "release-2"},
		{"Release1AfterRelease2", d1, "release-1"},
		{"Release2Again", d2, "release-2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, "db", tc.b, tc.version)
			defer func() { _ = s.Close() }()
			got := dataset(t, s)
			if diff := EqualDatasets(got, want2); diff != "" {
				t.Fatalf("%s: %s", tc.name, diff)
			}
			for _, r := range got.Published[2040] {
				if r.ISO3 == clash[0].ISO3 && r.EGDI != 0.123 {
					t.Fatalf("the release overwrote the user's %s 2040 row: EGDI %v", r.ISO3, r.EGDI)
				}
			}
		})
	}
}
