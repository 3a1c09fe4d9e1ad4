// Package builtin holds the data egdi ships with: the 193 UN Member States,
// every published edition of the UN E-Government Survey (2003–2024) and the
// ITU telecom indicators 2010–2021, embedded in the binary.
//
// The files under data/ are produced from the project's source files by
//
//	go generate ./internal/builtin
//
// (see gen/), so they can be redone when the UN, the ITU or the World Bank
// publish. Sources and terms: the NOTICE file at the repository root.
package builtin

//go:generate go run ./gen -src ../../../shared/data -out data

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/egdi-project/egdi"
)

//go:embed data/countries.csv data/published.csv data/itu.csv
var files embed.FS

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
	cs, err := loadCountries()
	if err != nil {
		return nil, err
	}
	pub, err := loadPublished(cs)
	if err != nil {
		return nil, err
	}
	obs, err := loadITU(cs)
	if err != nil {
		return nil, err
	}
	return &egdi.Dataset{Countries: cs, Published: pub, Observations: obs}, nil
}

// table reads an embedded CSV file into header-indexed rows.
type table struct {
	name string
	col  map[string]int
	rows [][]string
}

func readTable(name string, want ...string) (*table, error) {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.ReuseRecord = false
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("builtin: %s: %w", name, err)
	}
	t := &table{name: name, col: map[string]int{}}
	for i, h := range head {
		t.col[h] = i
	}
	for _, w := range want {
		if _, ok := t.col[w]; !ok {
			return nil, fmt.Errorf("builtin: %s: no column %q", name, w)
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("builtin: %s: %w", name, err)
		}
		t.rows = append(t.rows, rec)
	}
	return t, nil
}

func (t *table) get(row []string, col string) string { return row[t.col[col]] }

func (t *table) float(i int, row []string, col string) (float64, error) {
	v, err := strconv.ParseFloat(t.get(row, col), 64)
	if err != nil {
		return 0, fmt.Errorf("builtin: %s row %d column %s: %w", t.name, i+2, col, err)
	}
	return v, nil
}

func loadCountries() (*egdi.Countries, error) {
	t, err := readTable("countries.csv", "iso3", "iso2", "m49", "name_en", "name_en_formal", "name_ar",
		"name_ar_formal", "name_fr", "name_es", "name_ru", "name_zh", "region", "subregion",
		"intermediate_region", "ldc", "lldc", "sids", "income", "name_variants")
	if err != nil {
		return nil, err
	}
	list := make([]egdi.Country, 0, len(t.rows))
	for _, r := range t.rows {
		c := egdi.Country{
			ISO3: egdi.ISO3(t.get(r, "iso3")), ISO2: t.get(r, "iso2"), M49: t.get(r, "m49"),
			NameEN: t.get(r, "name_en"), NameAR: t.get(r, "name_ar"),
			FormalEN: t.get(r, "name_en_formal"), FormalAR: t.get(r, "name_ar_formal"),
			Region: t.get(r, "region"), Subregion: t.get(r, "subregion"),
			IntermediateRegion: t.get(r, "intermediate_region"),
			LDC:                t.get(r, "ldc") == "1", LLDC: t.get(r, "lldc") == "1", SIDS: t.get(r, "sids") == "1",
			Income: t.get(r, "income"),
		}
		for _, k := range []string{"name_fr", "name_es", "name_ru", "name_zh"} {
			if v := t.get(r, k); v != "" {
				c.Names = append(c.Names, v)
			}
		}
		if v := t.get(r, "name_variants"); v != "" {
			c.Names = append(c.Names, strings.Split(v, "|")...)
		}
		if !c.ISO3.Valid() {
			return nil, fmt.Errorf("builtin: countries.csv: bad iso3 %q", c.ISO3)
		}
		list = append(list, c)
	}
	return egdi.NewCountries(list), nil
}

func loadPublished(cs *egdi.Countries) (map[int][]egdi.Record, error) {
	t, err := readTable("published.csv", "edition", "iso3", "name_published", "assessed", "rank",
		"egdi", "osi", "tii", "hci", "epi")
	if err != nil {
		return nil, err
	}
	out := map[int][]egdi.Record{}
	for i, r := range t.rows {
		y, err := strconv.Atoi(t.get(r, "edition"))
		if err != nil {
			return nil, fmt.Errorf("builtin: published.csv row %d: %w", i+2, err)
		}
		rec := egdi.Record{Edition: y, ISO3: egdi.ISO3(t.get(r, "iso3")), Name: t.get(r, "name_published"),
			Assessed: t.get(r, "assessed") == "1"}
		if cs.Get(rec.ISO3) == nil {
			return nil, fmt.Errorf("builtin: published.csv row %d: unknown iso3 %s", i+2, rec.ISO3)
		}
		if rec.Assessed {
			if rec.Rank, err = strconv.Atoi(t.get(r, "rank")); err != nil {
				return nil, fmt.Errorf("builtin: published.csv row %d column rank: %w", i+2, err)
			}
			for _, f := range []struct {
				col string
				dst *float64
			}{{"egdi", &rec.EGDI}, {"osi", &rec.OSI}, {"tii", &rec.TII}, {"hci", &rec.HCI}, {"epi", &rec.EPI}} {
				if *f.dst, err = t.float(i, r, f.col); err != nil {
					return nil, err
				}
			}
		}
		out[y] = append(out[y], rec)
	}
	return out, nil
}

// loadITU parses itu.csv with a plain line splitter: the generated file
// has no quoted fields (checked), and this file is most of the start-up
// time of every command when read with encoding/csv.
func loadITU(cs *egdi.Countries) ([]egdi.Observation, error) {
	b, err := files.ReadFile("data/itu.csv")
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(b, '"') >= 0 {
		return nil, fmt.Errorf("builtin: itu.csv has quoted fields; regenerate it")
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte{'\n'})
	if len(lines) == 0 || string(lines[0]) != "iso3,indicator,year,value,itu_estimate" {
		return nil, fmt.Errorf("builtin: itu.csv: unexpected header")
	}
	obs := make([]egdi.Observation, 0, len(lines)-1)
	var inds [8]struct {
		name string
		ind  egdi.Indicator
	}
	nInds := 0
	for i, line := range lines[1:] {
		var f [5][]byte
		n := 0
		for n < 4 {
			j := bytes.IndexByte(line, ',')
			if j < 0 {
				break
			}
			f[n], line = line[:j], line[j+1:]
			n++
		}
		f[n] = line
		if n != 4 {
			return nil, fmt.Errorf("builtin: itu.csv row %d: %d fields, want 5", i+2, n+1)
		}
		name := string(f[1])
		var ind egdi.Indicator = -1
		for k := range nInds {
			if inds[k].name == name {
				ind = inds[k].ind
			}
		}
		if ind < 0 {
			var ok bool
			if ind, ok = egdi.ParseIndicator(name); !ok || nInds == len(inds) {
				return nil, fmt.Errorf("builtin: itu.csv row %d: unknown indicator %q", i+2, name)
			}
			inds[nInds].name, inds[nInds].ind = name, ind
			nInds++
		}
		y, err := strconv.Atoi(string(f[2]))
		if err != nil {
			return nil, fmt.Errorf("builtin: itu.csv row %d column year: %w", i+2, err)
		}
		v, err := strconv.ParseFloat(string(f[3]), 64)
		if err != nil {
			return nil, fmt.Errorf("builtin: itu.csv row %d column value: %w", i+2, err)
		}
		obs = append(obs, egdi.Observation{ISO3: egdi.ISO3(f[0]), Indicator: ind, Year: y, Value: v,
			Source: "itu", Vintage: ituVintage, Estimate: len(f[4]) == 1 && f[4][0] == '1'})
	}
	return obs, nil
}

// ituVintage names the ITU release the observations come from.
const ituVintage = "ITU DDD January 2022"

// Load parses the embedded files anew (Dataset caches the result); for
// benchmarks and for callers that modify the dataset.
func Load() (*egdi.Dataset, error) { return load() }
