package tabular

import (
	"bytes"
	"context"
	"encoding/csv"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/testenv"
)

// dataFile returns the path of a file under shared/data (see testenv.DataFile:
// the test skips when it is missing, and fails with EGDI_REQUIRE_DATA=1).
func dataFile(t testing.TB, rel string) string {
	t.Helper()
	return testenv.DataFile(t, rel)
}

func importFile(t testing.TB, path string, opts ImportOptions) *egdi.Batch {
	t.Helper()
	if opts.Countries == nil {
		opts.Countries = builtin.MustDataset().Countries
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	b, err := Import(context.Background(), path, f, opts)
	if err != nil {
		t.Fatalf("Import(context.Background(), %s): %v", path, err)
	}
	return b
}

// TestImportPublishedFiles: importing every file in shared/data/egdi gives
// back the built-in record exactly — each edition's 193 Member States, each
// with the built-in rank, assessed flag and values.
//
// Values are compared to each file's own precision: exactly (tolerance 0)
// for the UN Data Center files and the tidy file, which print the
// published digits; within 1e-12 for the UNU-EGOV copies, which print the
// same 5-dp values through binary floating point (0.6955600000000001);
// within half a unit of the 4th decimal (5e-5, plus 1e-12 for the binary
// representation) for EGOV_WITH_REGIONS_DATA_2022.csv, which is rounded to
// 4 dp. Published names are compared for the files the built-in record was
// taken from (the Data Center files and the tidy file); the other copies
// spell some names differently, which is what name matching is for.
func TestImportPublishedFiles(t *testing.T) {
	root := dataFile(t, "egdi")
	d := builtin.MustDataset()
	var files []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 19 {
		t.Fatalf("found %d files under %s, want the 19 published copies", len(files), root)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			tol, names := 0.0, true
			switch {
			case strings.HasPrefix(filepath.Base(path), "EGOV_WITH_REGIONS"):
				tol, names = 0.5e-4+1e-12, false
			case strings.HasPrefix(filepath.ToSlash(rel), "unu_egov/"):
				tol, names = 1e-12, false
			}
			b := importFile(t, path, ImportOptions{})
			if b.Source != SourceUN {
				t.Fatalf("source %q, want un", b.Source)
			}
			if len(b.Skipped) > 0 {
				t.Errorf("skipped %v, want none", b.Skipped)
			}
			byEdition := map[int][]egdi.Record{}
			for _, r := range b.Records {
				byEdition[r.Edition] = append(byEdition[r.Edition], r)
			}
			if b.Read != len(b.Records) {
				t.Errorf("read %d rows but returned %d records", b.Read, len(b.Records))
			}
			for y, got := range byEdition {
				want := d.Published[y]
				if len(got) != len(want) {
					t.Fatalf("edition %d: %d records, built-in has %d", y, len(got), len(want))
				}
				wantBy := map[egdi.ISO3]egdi.Record{}
				for _, w := range want {
					wantBy[w.ISO3] = w
				}
				for _, g := range got {
					w, ok := wantBy[g.ISO3]
					if !ok {
						t.Errorf("%d %s: not in the built-in record", y, g.ISO3)
						continue
					}
					if g.Assessed != w.Assessed || g.Rank != w.Rank {
						t.Errorf("%d %s: assessed %v rank %d, built-in %v %d", y, g.ISO3, g.Assessed, g.Rank, w.Assessed, w.Rank)
					}
					if names && g.Name != w.Name {
						t.Errorf("%d %s: name %q, built-in %q", y, g.ISO3, g.Name, w.Name)
					}
					for _, v := range [][3]any{{"egdi", g.EGDI, w.EGDI}, {"osi", g.OSI, w.OSI}, {"tii", g.TII, w.TII}, {"hci", g.HCI, w.HCI}, {"epi", g.EPI, w.EPI}} {
						if diff := math.Abs(v[1].(float64) - v[2].(float64)); diff > tol {
							t.Errorf("%d %s %s: %v, built-in %v (|diff| %g > tolerance %g)", y, g.ISO3, v[0], v[1], v[2], diff, tol)
						}
					}
				}
			}
		})
	}
}

// TestImportITU: the ITU workbook gives the same observations as the
// built-in ITU data (generated from the same file by internal/builtin/gen),
// value for value (exactly), and every row it reads is either kept or
// skipped with a reason.
func TestImportITU(t *testing.T) {
	path := dataFile(t, "components/itu/ITU_DDD_key_ICT_indicators_2010-2021.xlsx")
	b := importFile(t, path, ImportOptions{})
	if b.Source != SourceITU {
		t.Fatalf("source %q, want itu", b.Source)
	}
	want := slices.Clone(builtin.MustDataset().Observations)
	sortObservations(want)
	if len(b.Observations) != len(want) {
		t.Fatalf("%d observations, built-in has %d", len(b.Observations), len(want))
	}
	for i := range want {
		if b.Observations[i] != want[i] {
			t.Fatalf("observation %d: %+v, built-in %+v", i, b.Observations[i], want[i])
		}
	}
	if got := len(b.Observations) + len(b.Skipped); got != b.Read {
		t.Errorf("read %d rows, but kept %d and skipped %d", b.Read, len(b.Observations), len(b.Skipped))
	}
	reasons := map[string]int{}
	for _, s := range b.Skipped {
		switch {
		case strings.Contains(s.Reason, "not a UN Member State"):
			reasons["non-member"]++
		case strings.HasPrefix(s.Reason, "no value"):
			reasons["null"]++
		case strings.Contains(s.Reason, "not an EGDI input"):
			reasons["other indicator"]++
		default:
			t.Errorf("row %d skipped for an unexpected reason: %s", s.Row, s.Reason)
		}
	}
	for _, k := range []string{"non-member", "null", "other indicator"} {
		if reasons[k] == 0 {
			t.Errorf("no row skipped as %s; the file has such rows (see internal/builtin/data/SOURCES.md)", k)
		}
	}
}

// readWide reads a WDI CSV or the HDR CSV independently of the importer,
// with encoding/csv, and returns the non-blank value of every (code,
// column) pair for the rows whose code is a Member State.
func readWide(t *testing.T, path string, headerLine int, codeCol string, keep func(col string, row map[string]string) (egdi.Indicator, int, bool)) map[obsKey]float64 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	lines := bytes.SplitN(raw, []byte("\n"), headerLine)
	r := csv.NewReader(bytes.NewReader(lines[len(lines)-1]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cs := builtin.MustDataset().Countries
	out := map[obsKey]float64{}
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for j, h := range recs[0] {
			if j < len(rec) {
				row[h] = rec[j]
			}
		}
		c := cs.Get(egdi.ISO3(row[codeCol]))
		if c == nil {
			continue
		}
		for h, v := range row {
			ind, year, ok := keep(h, row)
			if !ok || v == "" {
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %s %s: %v", path, row[codeCol], h, err)
			}
			out[obsKey{c.ISO3, ind, year}] = x
		}
	}
	return out
}

func observationMap(b *egdi.Batch) map[obsKey]float64 {
	m := map[obsKey]float64{}
	for _, o := range b.Observations {
		m[obsKey{o.ISO3, o.Indicator, o.Year}] = o.Value
	}
	return m
}

// TestImportWDI: each WDI CSV gives exactly the values an independent read
// of the file finds for Member States; the XLS files are read, their
// aggregates (blank Region in the metadata sheet) are all in
// wdiAggregates, and every WDI file has a vintage from its preamble.
func TestImportWDI(t *testing.T) {
	dir := dataFile(t, "components/wdi")
	paths, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(paths) == 0 {
		t.Fatalf("no files in %s", dir)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b := importFile(t, path, ImportOptions{})
			if b.Source != SourceWDI {
				t.Fatalf("source %q, want wdi", b.Source)
			}
			if len(b.Observations) == 0 {
				t.Fatal("no observations")
			}
			for _, o := range b.Observations {
				if !strings.HasPrefix(o.Vintage, "WDI 20") {
					t.Fatalf("vintage %q, want WDI and the last updated date", o.Vintage)
				}
			}
			agg := 0
			for _, s := range b.Skipped {
				if strings.Contains(s.Reason, "aggregate") {
					agg++
				}
			}
			if agg != len(wdiAggregates) {
				t.Errorf("%d aggregate rows skipped, want %d (one per aggregate)", agg, len(wdiAggregates))
			}
			if strings.HasSuffix(path, ".csv") {
				want := readWide(t, path, 5, "Country Code", func(h string, row map[string]string) (egdi.Indicator, int, bool) {
					y, err := strconv.Atoi(h)
					ind, ok := wdiSeries[row["Indicator Code"]]
					return ind, y, err == nil && ok
				})
				got := observationMap(b)
				if len(got) != len(want) {
					t.Errorf("%d observations, an independent read finds %d", len(got), len(want))
				}
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%v: %v, the file says %v", k, got[k], v)
					}
				}
				return
			}
			// XLS: the metadata sheet says which codes are aggregates.
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			grids, err := readXLS(context.Background(), path, raw)
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			for _, g := range grids {
				if g.sheet != "Metadata - Countries" {
					continue
				}
				for _, r := range g.rows[1:] {
					if len(r) > 1 && cleanCell(r[1]) == "" {
						checked++
						if !wdiAggregates[cleanCell(r[0])] {
							t.Errorf("%s is an aggregate in the metadata sheet but not in wdiAggregates", r[0])
						}
					}
				}
			}
			if checked == 0 {
				t.Error("no aggregate found in the metadata sheet")
			}
		})
	}
}

// TestImportHDR: the HDR time series gives exactly the eys_YYYY and
// mys_YYYY values an independent read of the file finds for Member States.
func TestImportHDR(t *testing.T) {
	path := dataFile(t, "components/undp_hdr/HDR23-24_Composite_indices_complete_time_series.csv")
	b := importFile(t, path, ImportOptions{})
	if b.Source != SourceHDR {
		t.Fatalf("source %q, want hdr", b.Source)
	}
	want := readWide(t, path, 1, "iso3", func(h string, _ map[string]string) (egdi.Indicator, int, bool) {
		m := reHDRCol.FindStringSubmatch(h)
		if m == nil {
			return 0, 0, false
		}
		y, _ := strconv.Atoi(m[2])
		if m[1] == "eys" {
			return egdi.ExpectedSchooling, y, true
		}
		return egdi.MeanSchooling, y, true
	})
	got := observationMap(b)
	if len(got) != len(want) || len(want) == 0 {
		t.Errorf("%d observations, an independent read finds %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%v: %v, the file says %v", k, got[k], v)
		}
	}
	for _, s := range b.Skipped {
		if !strings.Contains(s.Reason, "aggregate") && !strings.Contains(s.Reason, "not a UN Member State") {
			t.Errorf("row %d skipped for an unexpected reason: %s", s.Row, s.Reason)
		}
	}
}

// TestImportNeedsCountries: Import has no list of Member States of its own
// to fall back on; forgetting to pass one is a bug of the caller.
func TestImportNeedsCountries(t *testing.T) {
	_, err := Import(context.Background(), "un.csv", strings.NewReader("Survey Year,Country Name,E-Government Index\n2024,Bahrain,0.9\n"), ImportOptions{})
	if egdi.ErrorCode(err) != egdi.EINTERNAL || !strings.Contains(egdi.ErrorMessage(err), "ImportOptions.Countries is nil") {
		t.Fatalf("got %v (%s), want EINTERNAL naming ImportOptions.Countries", err, egdi.ErrorCode(err))
	}
}
