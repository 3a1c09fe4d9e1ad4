package storetest

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"github.com/egdi-project/egdi"
)

// laterEdition returns the records of a pretend 2026 edition, as the UN
// importer reads them from a Data Center file: the built-in 2024 edition
// with Bahrain's OSI at 0.99, every EGDI the mean of its components
// (5 dp) and competition ranks of it.
func laterEdition(t *testing.T) []egdi.Record {
	t.Helper()
	var recs []egdi.Record
	for _, r := range bi(t).Published[2024] {
		r.Edition = 2026
		if r.ISO3 == "BHR" {
			r.OSI = 0.99
		}
		r.EGDI = math.Round((r.OSI+r.TII+r.HCI)/3*1e5) / 1e5
		recs = append(recs, r)
	}
	for i := range recs {
		recs[i].Rank = 1
		for _, o := range recs {
			if o.EGDI > recs[i].EGDI {
				recs[i].Rank++
			}
		}
	}
	slices.SortFunc(recs, func(a, b egdi.Record) int { return cmp.Compare(a.ISO3, b.ISO3) })
	return recs
}

// testLaterEdition stores an edition that is not built in, as `egdi
// import` of a 2026 UN file does, and reads it back as a published
// edition: ranks, history, the check of its assumed method; importing it
// again changes nothing; a bad file of it leaves the store as it was.
func testLaterEdition(t *testing.T, s egdi.Store) {
	recs := laterEdition(t)
	// A bad file first: one impossible value, nothing stored.
	bad := slices.Clone(recs)
	bad[len(bad)-1].HCI = 2
	_, err := s.Import(t.Context(), &egdi.Batch{File: "EGOV_DATA_2026.csv", Source: "un", Records: bad, Read: len(bad)}, nil)
	wantCode(t, err, egdi.EINVALID)
	if d := dataset(t, s); len(d.Published[2026]) != 0 {
		t.Fatalf("a refused import stored %d records of 2026", len(d.Published[2026]))
	}

	b := &egdi.Batch{File: "EGOV_DATA_2026.csv", Source: "un", Records: recs, Read: len(recs)}
	if sum := importOK(t, s, b); sum.Stored != len(recs) || sum.Unchanged != 0 {
		t.Fatalf("first import: %s, want %d stored", sum, len(recs))
	}
	d := dataset(t, s)
	want := egdi.MergeDataset(bi(t), recs, nil)
	if diff := EqualDatasets(d, want); diff != "" {
		t.Fatalf("after the import: %s", diff)
	}
	if ys := d.Years(); ys[len(ys)-1] != 2026 {
		t.Fatalf("editions %v: 2026 missing", ys)
	}
	scores, err := d.Edition(2026)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[egdi.ISO3]egdi.Record{}
	for _, r := range recs {
		byCode[r.ISO3] = r
	}
	for _, sc := range scores {
		if r := byCode[sc.ISO3]; sc.EGDIRank != r.Rank || sc.EGDI != r.EGDI || sc.Group == "" || sc.RatingClass == "" {
			t.Fatalf("%s 2026: rank %d EGDI %v group %q class %q, want rank %d EGDI %v", sc.ISO3, sc.EGDIRank, sc.EGDI,
				sc.Group, sc.RatingClass, r.Rank, r.EGDI)
		}
	}
	h, err := d.History("BHR")
	if err != nil {
		t.Fatal(err)
	}
	last := h.Entries[len(h.Entries)-1]
	if last.Edition != 2026 || last.Change == nil || last.Change.From != 2024 {
		t.Fatalf("Bahrain's history ends with %+v, want 2026 with its change from 2024", last)
	}
	m, err := egdi.MethodFor(2026)
	if err != nil {
		t.Fatal(err)
	}
	if ck := egdi.CheckEdition(m, d.Published[2026]); !ck.OK() || ck.MethodFrom != 2024 {
		t.Fatalf("the check of the stored 2026 edition:\n%s", ck.Summary())
	}

	// Again: nothing changes.
	if sum := importOK(t, s, b); sum.Stored != 0 || sum.Unchanged != len(recs) {
		t.Fatalf("second import: %s, want 0 stored, %d unchanged", sum, len(recs))
	}
	if diff := EqualDatasets(dataset(t, s), want); diff != "" {
		t.Fatalf("after the second import: %s", diff)
	}
}

// testLaterEditionBuiltIn: an edition imported from a UN file before it
// was built in gives way to a release that has it built in, whose values
// win; the store says so on that release's first open only (the Notice of
// the stores' configs, tested in each store's own tests), and an older
// binary opened afterwards changes nothing.
func testLaterEditionBuiltIn(t *testing.T, open SeedOpener) {
	d1 := bi(t)
	s := open(t, "later", d1, "release-1")
	imported := laterEdition(t)
	importOK(t, s, &egdi.Batch{File: "EGOV_DATA_2026.csv", Source: "un", Records: imported, Read: len(imported)})
	_ = s.Close()

	// Release 2 has 2026 built in, with Bahrain's EGDI as the UN will
	// have published it (another value than the imported file's).
	d2 := &egdi.Dataset{Countries: d1.Countries, Published: map[int][]egdi.Record{}, Observations: d1.Observations}
	for y, rs := range d1.Published {
		d2.Published[y] = rs
	}
	official := slices.Clone(imported)
	for i := range official {
		if official[i].ISO3 == "BHR" {
			official[i].EGDI -= 0.001
		}
	}
	d2.Published[2026] = official
	for _, tc := range []struct {
		name    string
		b       *egdi.Dataset
		version string
	}{
		{"Release2Seeds", d2, "release-2"},
		{"Release2Reopens", d2, "release-2"},
		{"Release1AfterRelease2", d1, "release-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, "later", tc.b, tc.version)
			defer func() { _ = s.Close() }()
			if diff := EqualDatasets(dataset(t, s), d2); diff != "" {
				t.Fatalf("%s: %s", tc.name, diff)
			}
		})
	}
	// Importing the old file now: the built-in values are read-only.
	s = open(t, "later", d2, "release-2")
	defer func() { _ = s.Close() }()
	_, err := s.Import(t.Context(), &egdi.Batch{File: "EGOV_DATA_2026.csv", Source: "un", Records: imported, Read: len(imported)}, nil)
	wantCode(t, err, egdi.ECONFLICT)
}

// NoticeOpener is a [SeedOpener] whose store passes what it has to say
// once to notice (the Notice of the stores' configs).
type NoticeOpener func(t *testing.T, name string, b *egdi.Dataset, version string, notice func(string)) egdi.Store

// RunNotice checks that a store says once, on the first open of the
// release that has it built in, that an imported edition gave way.
func RunNotice(t *testing.T, open NoticeOpener) {
	d1 := bi(t)
	var said []string
	say := func(m string) { said = append(said, m) }
	s := open(t, "notice", d1, "release-1", say)
	imported := laterEdition(t)
	importOK(t, s, &egdi.Batch{File: "EGOV_DATA_2026.csv", Source: "un", Records: imported, Read: len(imported)})
	_ = s.Close()
	d2 := &egdi.Dataset{Countries: d1.Countries, Published: map[int][]egdi.Record{}, Observations: d1.Observations}
	for y, rs := range d1.Published {
		d2.Published[y] = rs
	}
	d2.Published[2026] = imported
	for i, want := range []int{1, 0, 0} {
		said = nil
		_ = open(t, "notice", d2, "release-2", say).Close()
		if len(said) != want {
			t.Fatalf("open %d of release 2: %d notices %q, want %d", i+1, len(said), said, want)
		}
		if want == 1 && said[0] != egdi.SupersededNotice(2026, len(imported), "release-2") {
			t.Errorf("notice %q", said[0])
		}
	}
}
