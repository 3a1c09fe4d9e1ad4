package tabular

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// BenchmarkImportITU imports the ITU key ICT indicators workbook (2.3 MB,
// 50,994 rows). Target: at most 2 s per import.
func BenchmarkImportITU(b *testing.B) {
	data, err := os.ReadFile(dataFile(b, "components/itu/ITU_DDD_key_ICT_indicators_2010-2021.xlsx"))
	if err != nil {
		b.Fatal(err)
	}
	cs := builtin.MustDataset().Countries
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Import(context.Background(), "itu.xlsx", bytes.NewReader(data), ImportOptions{Countries: cs}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExportXLSX writes one edition (2024) as an XLSX workbook with
// its English and Arabic sheets. Target: at most 200 ms.
func BenchmarkExportXLSX(b *testing.B) {
	d := builtin.MustDataset()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, d, egdi.LatestEdition); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportUNCSV imports one UN Data Center CSV (193 rows).
func BenchmarkImportUNCSV(b *testing.B) {
	data, err := os.ReadFile(dataFile(b, "egdi/un_datacenter/EGOV_DATA_2024_relabelled.csv"))
	if err != nil {
		b.Fatal(err)
	}
	cs := builtin.MustDataset().Countries
	for b.Loop() {
		if _, err := Import(context.Background(), "un.csv", bytes.NewReader(data), ImportOptions{Countries: cs}); err != nil {
			b.Fatal(err)
		}
	}
}
