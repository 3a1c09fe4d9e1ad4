package sqlite

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

func TestSnapshotRoundTrip(t *testing.T) {
	d := builtin.MustDataset()
	for _, tc := range []struct {
		name string
		recs []egdi.Record
		obs  []egdi.Observation
	}{
		{"Empty", nil, nil},
		{"Edition2022", d.Published[2022], nil},
		{"BuiltinObservations", nil, d.Observations},
		{"Both", d.Published[2003], d.Observations[:500]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, obs, err := decodeSnapshot(encodeSnapshot(tc.recs, tc.obs))
			if err != nil {
				t.Fatal(err)
			}
			// Exact: the snapshot keeps float64 bits (tolerance 0).
			if !slices.Equal(recs, tc.recs) || !slices.Equal(obs, tc.obs) {
				t.Fatalf("round trip changed the rows: %d/%d records, %d/%d observations", len(recs), len(tc.recs), len(obs), len(tc.obs))
			}
		})
	}
}

func TestSnapshotDamaged(t *testing.T) {
	good := encodeSnapshot(builtin.MustDataset().Published[2022], builtin.MustDataset().Observations[:50])
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"ErrEmpty", nil},
		{"ErrMagic", append([]byte("XXXXX"), good[5:]...)},
		{"ErrTruncated", good[:len(good)-3]},
		{"ErrTrailingBytes", append(slices.Clone(good), 0)},
		{"ErrHugeCount", append([]byte(snapshotMagic), 0xff, 0xff, 0xff, 0xff, 0x0f)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := decodeSnapshot(tc.data); err == nil {
				t.Fatal("a damaged snapshot decoded without error")
			}
		})
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	d := builtin.MustDataset()
	f.Add(encodeSnapshot(d.Published[2024][:3], d.Observations[:3]))
	f.Add([]byte(snapshotMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, obs, err := decodeSnapshot(data)
		if err != nil {
			return
		}
		// What decodes must encode back to the same bytes.
		if again := encodeSnapshot(recs, obs); len(again) > len(data) {
			t.Fatalf("re-encoding grew the snapshot: %d > %d bytes", len(again), len(data))
		}
	})
}

// BenchmarkDecodeSnapshot decodes 50,000 observations, the size of every
// WDI and HDR file imported.
func BenchmarkDecodeSnapshot(b *testing.B) {
	src := builtin.MustDataset().Observations
	obs := make([]egdi.Observation, 0, 50000)
	for len(obs) < 50000 {
		for _, o := range src {
			if len(obs) == 50000 {
				break
			}
			o.Vintage = "v" + string(rune('a'+len(obs)/len(src)))
			obs = append(obs, o)
		}
	}
	data := encodeSnapshot(nil, obs)
	for b.Loop() {
		if _, _, err := decodeSnapshot(data); err != nil {
			b.Fatal(err)
		}
	}
}

// benchImported returns 50,000 observations, the size of every WDI and HDR
// file imported: the built-in ones under five new vintages.
func benchImported() []egdi.Observation {
	src := builtin.MustDataset().Observations
	obs := make([]egdi.Observation, 0, 50000)
	for len(obs) < 50000 {
		for _, o := range src {
			if len(obs) == 50000 {
				break
			}
			o.Vintage = "v" + string(rune('a'+len(obs)/len(src)))
			obs = append(obs, o)
		}
	}
	return obs
}

// BenchmarkReadImportedRows reads the 50,000 imported observations of
// BenchmarkDecodeSnapshot as rows, as Dataset would without the snapshot:
// the yardstick that says whether the snapshot pays.
func BenchmarkReadImportedRows(b *testing.B) {
	d, err := Open(b.Context(), Config{Path: filepath.Join(b.TempDir(), "egdi.db"), Builtin: builtin.MustDataset(), BuiltinVersion: builtin.Version})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	if _, err := d.Import(b.Context(), &egdi.Batch{File: "bench", Source: "wdi", Observations: benchImported()}, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		obs, err := d.observations(b.Context(), `WHERE builtin = 0`)
		if err != nil || len(obs) != 50000 {
			b.Fatal(err, len(obs))
		}
	}
}
