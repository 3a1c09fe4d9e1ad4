// Package csvdata reads the CSV files of internal/builtin/data: the
// reviewable form of the built-in record. The generator gencode turns them
// into Go tables compiled into the binary (so no command parses them at
// start-up), and the tests of package builtin check that the two agree.
package csvdata

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"go/format"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// Read reads countries.csv, published.csv and itu.csv from fsys.
func Read(fsys fs.FS) ([]egdi.Country, []egdi.Record, []egdi.Observation, error) {
	list, err := readCountries(fsys)
	if err != nil {
		return nil, nil, nil, err
	}
	pub, err := readPublished(fsys, egdi.NewCountries(list))
	if err != nil {
		return nil, nil, nil, err
	}
	obs, err := readITU(fsys)
	if err != nil {
		return nil, nil, nil, err
	}
	return list, pub, obs, nil
}

// Vintage names the ITU release the observations come from.
const Vintage = "ITU DDD January 2022"

// table is a CSV file read into header-indexed rows.
type table struct {
	name string
	col  map[string]int
	rows [][]string
}

func readTable(fsys fs.FS, name string, want ...string) (*table, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.ReuseRecord = false
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("csvdata: %s: %w", name, err)
	}
	t := &table{name: name, col: map[string]int{}}
	for i, h := range head {
		t.col[h] = i
	}
	for _, w := range want {
		if _, ok := t.col[w]; !ok {
			return nil, fmt.Errorf("csvdata: %s: no column %q", name, w)
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("csvdata: %s: %w", name, err)
		}
		t.rows = append(t.rows, rec)
	}
	return t, nil
}

func (t *table) get(row []string, col string) string { return row[t.col[col]] }

func (t *table) float(i int, row []string, col string) (float64, error) {
	v, err := strconv.ParseFloat(t.get(row, col), 64)
	if err != nil {
		return 0, fmt.Errorf("csvdata: %s row %d column %s: %w", t.name, i+2, col, err)
	}
	return v, nil
}

func readCountries(fsys fs.FS) ([]egdi.Country, error) {
	t, err := readTable(fsys, "countries.csv", "iso3", "iso2", "m49", "name_en", "name_en_formal", "name_ar",
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
			return nil, fmt.Errorf("csvdata: countries.csv: bad iso3 %q", c.ISO3)
		}
		list = append(list, c)
	}
	return list, nil
}

func readPublished(fsys fs.FS, cs *egdi.Countries) ([]egdi.Record, error) {
	t, err := readTable(fsys, "published.csv", "edition", "iso3", "name_published", "assessed", "rank",
		"egdi", "osi", "tii", "hci", "epi")
	if err != nil {
		return nil, err
	}
	out := make([]egdi.Record, 0, len(t.rows))
	for i, r := range t.rows {
		y, err := strconv.Atoi(t.get(r, "edition"))
		if err != nil {
			return nil, fmt.Errorf("csvdata: published.csv row %d: %w", i+2, err)
		}
		rec := egdi.Record{Edition: y, ISO3: egdi.ISO3(t.get(r, "iso3")), Name: t.get(r, "name_published"),
			Assessed: t.get(r, "assessed") == "1"}
		if cs.Get(rec.ISO3) == nil {
			return nil, fmt.Errorf("csvdata: published.csv row %d: unknown iso3 %s", i+2, rec.ISO3)
		}
		if rec.Assessed {
			if rec.Rank, err = strconv.Atoi(t.get(r, "rank")); err != nil {
				return nil, fmt.Errorf("csvdata: published.csv row %d column rank: %w", i+2, err)
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
		out = append(out, rec)
	}
	return out, nil
}

// loadITU parses itu.csv with a plain line splitter: the generated file
// has no quoted fields (checked), and this file is most of the start-up
// time of every command when read with encoding/csv.
func readITU(fsys fs.FS) ([]egdi.Observation, error) {
	b, err := fs.ReadFile(fsys, "itu.csv")
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(b, '"') >= 0 {
		return nil, fmt.Errorf("csvdata: itu.csv has quoted fields; regenerate it")
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte{'\n'})
	if len(lines) == 0 || string(lines[0]) != "iso3,indicator,year,value,itu_estimate" {
		return nil, fmt.Errorf("csvdata: itu.csv: unexpected header")
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
			return nil, fmt.Errorf("csvdata: itu.csv row %d: %d fields, want 5", i+2, n+1)
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
				return nil, fmt.Errorf("csvdata: itu.csv row %d: unknown indicator %q", i+2, name)
			}
			inds[nInds].name, inds[nInds].ind = name, ind
			nInds++
		}
		y, err := strconv.Atoi(string(f[2]))
		if err != nil {
			return nil, fmt.Errorf("csvdata: itu.csv row %d column year: %w", i+2, err)
		}
		v, err := strconv.ParseFloat(string(f[3]), 64)
		if err != nil {
			return nil, fmt.Errorf("csvdata: itu.csv row %d column value: %w", i+2, err)
		}
		obs = append(obs, egdi.Observation{ISO3: egdi.ISO3(f[0]), Indicator: ind, Year: y, Value: v,
			Source: "itu", Vintage: Vintage, Estimate: len(f[4]) == 1 && f[4][0] == '1'})
	}
	return obs, nil
}

// GoSource returns the gofmt-ed source of package builtin's tables.go.
func GoSource(cs []egdi.Country, pub []egdi.Record, obs []egdi.Observation) ([]byte, error) {
	var b bytes.Buffer
	q := strconv.Quote
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	b.WriteString("// Code generated by gencode from data/*.csv; DO NOT EDIT.\n\npackage builtin\n\nimport \"github.com/egdi-project/egdi\"\n\n")
	b.WriteString("// countries are the UN Member States (data/countries.csv).\nvar countries = []egdi.Country{\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "\t{ISO3: %s, ISO2: %s, M49: %s, NameEN: %s, NameAR: %s, FormalEN: %s, FormalAR: %s, Names: %#v, "+
			"Region: %s, Subregion: %s, IntermediateRegion: %s, LDC: %t, LLDC: %t, SIDS: %t, Income: %s},\n",
			q(string(c.ISO3)), q(c.ISO2), q(c.M49), q(c.NameEN), q(c.NameAR), q(c.FormalEN), q(c.FormalAR), c.Names,
			q(c.Region), q(c.Subregion), q(c.IntermediateRegion), c.LDC, c.LLDC, c.SIDS, q(c.Income))
	}
	b.WriteString("}\n\n// published are the published editions, by edition then code (data/published.csv).\nvar published = []egdi.Record{\n")
	for _, r := range pub {
		fmt.Fprintf(&b, "\t{Edition: %d, ISO3: %s, Name: %s, Assessed: %t, Rank: %d, EGDI: %s, OSI: %s, TII: %s, HCI: %s, EPI: %s},\n",
			r.Edition, q(string(r.ISO3)), q(r.Name), r.Assessed, r.Rank, f(r.EGDI), f(r.OSI), f(r.TII), f(r.HCI), f(r.EPI))
	}
	b.WriteString("}\n\nconst (\n\tituSource  = \"itu\"\n\tituVintage = " + q(Vintage) + "\n)\n\n")
	b.WriteString("// observations are the ITU telecom indicators (data/itu.csv).\nvar observations = []egdi.Observation{\n")
	for _, o := range obs {
		if o.Source != "itu" || o.Vintage != Vintage {
			return nil, fmt.Errorf("observation %+v is not from %s", o, Vintage)
		}
		name, ok := indicatorNames[o.Indicator]
		if !ok {
			return nil, fmt.Errorf("observation %+v: indicator %s has no Go name here", o, o.Indicator)
		}
		fmt.Fprintf(&b, "\t{ISO3: %s, Indicator: egdi.%s, Year: %d, Value: %s, Source: ituSource, Vintage: ituVintage, Estimate: %t},\n",
			q(string(o.ISO3)), name, o.Year, f(o.Value), o.Estimate)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// indicatorNames are the Go names of the indicators the ITU file holds.
var indicatorNames = map[egdi.Indicator]string{
	egdi.InternetUsers:         "InternetUsers",
	egdi.MobileSubscriptions:   "MobileSubscriptions",
	egdi.ActiveMobileBroadband: "ActiveMobileBroadband",
	egdi.FixedBroadband:        "FixedBroadband",
	egdi.FixedTelephone:        "FixedTelephone",
}
