// Package builtin holds the data egdi ships with: the 193 UN Member States,
// every published edition of the UN E-Government Survey (2003–2024) and the
// ITU telecom indicators 2010–2021, embedded in the binary.
//
// The CSV files under data/ are produced from the project's source files,
// and tables.go from them, by
//
//	go generate ./internal/builtin
//
// (see gen/ and gencode/), so they can be redone when the UN, the ITU or the
// World Bank publish. The tables are compiled in as static data: no command
// parses anything at start-up. Sources and terms: the NOTICE file at the repository root.
//
// Why tables.go (1.9 MB of generated Go beside the 0.65 MB of CSV it is
// made from) and not the embedded CSV: it pays at every command's start.
// On the 2-core test machine under load (load average 11–16), 100
// iterations, three alternating runs: BenchmarkLoad (the tables) 2.8, 3.0,
// 4.5 ms/op, 0.24 MB and 3,850 allocations; BenchmarkLoadCSV (parsing
// data/*.csv) 28.5, 32.8, 23.2 ms/op, 3.5 MB and 32,176 allocations.
package builtin

//go:generate go run ./gen -src ../../../shared/data -out data
//go:generate go run ./gencode -in data -out tables.go

import (
	"sync"

	"github.com/egdi-project/egdi"
)

// Version names the data release embedded: the newest edition and the ITU
// vintage. It changes whenever the generated files change meaningfully.
const Version = "egdi-2024+itu-ddd-2022-01"

var (
	once    sync.Once
	dataset *egdi.Dataset
	loadErr error
)

// Dataset returns the built-in dataset, parsed once. The result is shared:
// callers must not modify it.
func Dataset() (*egdi.Dataset, error) {
	once.Do(func() { dataset, loadErr = load() })
	return dataset, loadErr
}

// MustDataset is Dataset for tests and programs that cannot go on without it.
func MustDataset() *egdi.Dataset {
	d, err := Dataset()
	if err != nil {
		panic(err)
	}
	return d
}

func load() (*egdi.Dataset, error) {
	pub := make(map[int][]egdi.Record)
	start := 0
	for i := 1; i <= len(published); i++ {
		if i == len(published) || published[i].Edition != published[start].Edition {
			// A full slice expression, so that appending to one edition
			// copies it instead of overwriting the next.
			pub[published[start].Edition] = published[start:i:i]
			start = i
		}
	}
	return &egdi.Dataset{Countries: egdi.NewCountries(countries), Published: pub,
		Observations: observations[:len(observations):len(observations)]}, nil
}

// Load builds a new Dataset value over the built-in tables (Dataset caches
// one); for benchmarks and callers that replace parts of it. The tables
// themselves are shared and must not be modified.
func Load() (*egdi.Dataset, error) { return load() }
