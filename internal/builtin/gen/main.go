// Command gen converts the source files in shared/data into the CSV files
// embedded by package builtin.
//
// Run it from the repository root:
//
//	go run ./internal/builtin/gen -src ../shared/data -out internal/builtin/data
//
// or, from internal/builtin, through "//go:generate go run ./gen" (the flag
// defaults fit that directory).
//
// It writes four files into the -out directory:
//
//   - countries.csv: the 193 UN Member States (codes, names in six languages,
//     M49 regions, LDC/LLDC/SIDS flags, World Bank income group and every
//     spelling of the country found in the EGDI files), sorted by iso3;
//   - published.csv: the published EGDI, OSI, TII, HCI and EPI values and the
//     EGDI rank of every Member State in every edition 2003–2024, copied as
//     text from the UN Data Center files, sorted by edition and iso3;
//   - itu.csv: five ITU telecommunication indicators (the TII inputs) per
//     Member State and year, sorted by iso3, indicator and year;
//   - SOURCES.md: the source files read, their SHA-256 and the rows written.
//
// The output is deterministic: the same sources give the same bytes. Every
// source file is checked against the others where they overlap (the derived
// country list against the M49 list and the World Bank FY2025 classification,
// the published values against the derived tidy file); any disagreement or
// unexpected content stops the command with an error naming the file and
// line, and nothing is written. Files are written atomically (temporary file
// and rename).
package main

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"flag"
	"fmt"
	"github.com/egdi-project/egdi/internal/atomicfile"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

// Source files, relative to the -src directory.
const (
	fileMemberStates = "countries/un_member_states_193.csv"
	fileM49          = "countries/un_m49_countries_6lang_ldc_lldc_sids_wbincome2021.csv"
	fileWBClass      = "countries/WB_CLASS_FY2025.xlsx"
	fileUNUCountries = "countries/unu_egov_countries-data_EN.csv"
	fileTidy         = "egdi/egdi_tidy_2003_2024.csv"
	fileWithRegions  = "egdi/un_datacenter/EGOV_WITH_REGIONS_DATA_2022.csv"
	fileITU          = "components/itu/ITU_DDD_key_ICT_indicators_2010-2021.xlsx"
	dirEGDI          = "egdi"
)

// editions lists the UN Data Center file of each Survey edition.
var editions = []struct {
	year int
	file string
}{
	{2003, "egdi/un_datacenter/EGOV_DATA_2003.csv"},
	{2004, "egdi/un_datacenter/EGOV_DATA_2004.csv"},
	{2005, "egdi/un_datacenter/EGOV_DATA_2005.csv"},
	{2008, "egdi/un_datacenter/EGOV_DATA_2008.csv"},
	{2010, "egdi/un_datacenter/EGOV_DATA_2010.csv"},
	{2012, "egdi/un_datacenter/EGOV_DATA_2012.csv"},
	{2014, "egdi/un_datacenter/EGOV_DATA_2014.csv"},
	{2016, "egdi/un_datacenter/EGOV_DATA_2016.csv"},
	{2018, "egdi/un_datacenter/EGOV_DATA_2018.csv"},
	{2020, "egdi/un_datacenter/EGOV_DATA_2020.csv"},
	{2022, "egdi/un_datacenter/EGOV_DATA_2022.csv"},
	{2024, "egdi/un_datacenter/EGOV_DATA_2024_relabelled.csv"},
}

// unuEGDIFiles are the UNU-EGOV copies of the Data Center files. They carry
// ISO3 codes; gen reads them only for the spellings of country names.
var unuEGDIFiles = []string{
	"egdi/unu_egov/egdi-2010.csv",
	"egdi/unu_egov/egdi-2012.csv",
	"egdi/unu_egov/egdi-2014.csv",
	"egdi/unu_egov/egdi-2016.csv",
	"egdi/unu_egov/egdi-2018.csv",
}

// ituIndicators maps the ITU indicator names kept to their output names.
var ituIndicators = map[string]string{
	"Individuals using the Internet, total (%)":                 "internet_users",
	"Mobile-cellular subscriptions per 100 inhabitants":         "mobile_subscriptions",
	"Active mobile-broadband subscriptions per 100 inhabitants": "active_mobile_broadband",
	"Fixed broadband subscriptions per 100 inhabitants":         "fixed_broadband",
	"Fixed-telephone subscriptions per 100 inhabitants":         "fixed_telephone",
}

// Output headers.
var (
	countriesHeader = []string{"iso3", "iso2", "m49", "name_en", "name_en_formal", "name_ar", "name_ar_formal",
		"name_fr", "name_es", "name_ru", "name_zh", "region", "subregion", "intermediate_region",
		"ldc", "lldc", "sids", "income", "income_2021", "name_variants"}
	publishedHeader = []string{"edition", "iso3", "name_published", "assessed", "rank", "egdi", "osi", "tii", "hci", "epi"}
	ituHeader       = []string{"iso3", "indicator", "year", "value", "itu_estimate"}
)

// memberCount is the number of UN Member States.
const memberCount = 193

// gen holds the state of one conversion.
type gen struct {
	src    string
	stderr io.Writer

	hashes map[string]string // source file (relative to src) → SHA-256
	notes  []string          // remarks printed on stderr and kept in SOURCES.md

	countries []*country          // sorted by iso3
	byISO3    map[string]*country // iso3 → country
	names     *nameIndex          // name → iso3, for matching EGDI files

	published []publishedRow
	itu       []ituRow
}

// country is one row of countries.csv.
type country struct {
	iso3, iso2, m49                          string
	nameEN, nameENFormal, nameAR, nameARForm string
	nameFR, nameES, nameRU, nameZH           string
	region, subregion, intermediate          string
	ldc, lldc, sids                          string
	income, income2021                       string

	wbIncomeFY2025 string   // as in the source, for the WB cross-check
	variants       []string // every trimmed spelling seen (unsorted, may repeat)
}

// publishedRow is one row of published.csv.
type publishedRow struct {
	edition  int
	iso3     string
	name     string
	assessed bool
	rank     string
	// egdi, osi, tii, hci, epi as text exactly as in the source (trimmed),
	// including the 0.00000 of not-assessed rows (blanked on output).
	egdi, osi, tii, hci, epi string

	file string
	line int
}

// ituRow is one row of itu.csv.
type ituRow struct {
	iso3, indicator string
	year            int
	value           string
	estimate        string
	line            int
}

func run(args []string, stderr io.Writer) error {
	fl := flag.NewFlagSet("gen", flag.ContinueOnError)
	fl.SetOutput(stderr)
	src := fl.String("src", "../../../shared/data", "directory holding the source data (shared/data)")
	out := fl.String("out", "data", "directory to write the generated files into")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fl.Args())
	}

	g := &gen{src: *src, stderr: stderr, hashes: map[string]string{}}
	if err := g.checkEGDIDir(); err != nil {
		return err
	}
	steps := []func() error{
		g.loadCountries,
		g.checkM49,
		g.checkWBClass,
		g.resolveIncome,
		g.buildNameIndex,
		g.readUNUEGDI,
		g.readPublished,
		g.readWithRegions,
		g.checkTidy,
		g.readITU,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}

	files := []struct {
		name string
		data func() ([]byte, error)
	}{
		{"countries.csv", g.countriesCSV},
		{"published.csv", g.publishedCSV},
		{"itu.csv", g.ituCSV},
		{"SOURCES.md", g.sourcesMD},
	}
	outputs := make([][]byte, len(files))
	for i, f := range files {
		b, err := f.data()
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		outputs[i] = b
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for i, f := range files {
		if err := atomicfile.WriteFile(filepath.Join(*out, f.name), outputs[i], 0o644); err != nil {
			return err
		}
	}
	_, _ = fmt.Fprintf(stderr, "gen: wrote %s: countries.csv %d rows, published.csv %d rows, itu.csv %d rows\n",
		*out, len(g.countries), len(g.published), len(g.itu))
	return nil
}

// note records a remark about the data; it goes to stderr and SOURCES.md.
func (g *gen) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	g.notes = append(g.notes, s)
	_, _ = fmt.Fprintf(g.stderr, "gen: note: %s\n", s)
}

// read returns the content of a source file and records its SHA-256.
func (g *gen) read(rel string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(g.src, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	g.hashes[rel] = hex.EncodeToString(sum[:])
	return b, nil
}

// checkEGDIDir makes sure every file under egdi/ is one gen knows about,
// because name_variants must cover the spellings of all of them.
func (g *gen) checkEGDIDir() error {
	known := map[string]bool{fileTidy: true, fileWithRegions: true}
	for _, e := range editions {
		known[e.file] = true
	}
	for _, f := range unuEGDIFiles {
		known[f] = true
	}
	root := filepath.Join(g.src, dirEGDI)
	var unknown []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(g.src, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !known[rel] {
			unknown = append(unknown, rel)
		}
		delete(known, rel)
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing %s: %w", root, err)
	}
	if len(unknown) > 0 {
		return fmt.Errorf("unknown files under %s/ (gen must read their country names): %s", dirEGDI, strings.Join(unknown, ", "))
	}
	if len(known) > 0 {
		missing := slices.Sorted(maps.Keys(known))
		return fmt.Errorf("missing source files: %s", strings.Join(missing, ", "))
	}
	return nil
}

// ---------------------------------------------------------------------------
// CSV input

// table is a parsed CSV file.
type table struct {
	file   string
	header []string
	rows   [][]string
	lines  []int // line number of each row in the file
}

// readCSV parses a CSV source file. A UTF-8 byte-order mark is dropped, every
// record must have as many fields as the header, and header names must be
// unique.
func (g *gen) readCSV(rel string, comma rune) (*table, error) {
	b, err := g.read(rel)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = comma
	t := &table{file: rel}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		if t.header == nil {
			t.header = rec
			continue
		}
		line, _ := r.FieldPos(0)
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	if t.header == nil {
		return nil, fmt.Errorf("%s: empty file", rel)
	}
	seen := map[string]bool{}
	for _, h := range t.header {
		if seen[h] {
			return nil, fmt.Errorf("%s:1: duplicate column %q", rel, h)
		}
		seen[h] = true
	}
	return t, nil
}

// columns returns the index of each named column, failing when one is absent.
func (t *table) columns(names ...string) (map[string]int, error) {
	idx := map[string]int{}
	for i, h := range t.header {
		idx[h] = i
	}
	out := map[string]int{}
	var missing []string
	for _, n := range names {
		i, ok := idx[n]
		if !ok {
			missing = append(missing, strconv.Quote(n))
			continue
		}
		out[n] = i
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s:1: missing columns %s (header %q)", t.file, strings.Join(missing, ", "), t.header)
	}
	return out, nil
}

// rowError reports a problem in row i of t.
func (t *table) rowError(i int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", t.file, t.lines[i], fmt.Sprintf(format, args...))
}

// ---------------------------------------------------------------------------
// Countries

func (g *gen) loadCountries() error {
	t, err := g.readCSV(fileMemberStates, ',')
	if err != nil {
		return err
	}
	c, err := t.columns("iso3", "iso2", "m49", "name_en", "name_en_formal", "name_ar", "name_ar_formal",
		"name_fr", "name_es", "name_ru", "name_zh", "region", "sub_region", "intermediate_region",
		"ldc", "lldc", "sids", "wb_income_2021_m49list", "wb_income_fy2025", "egdi_name_variants")
	if err != nil {
		return err
	}
	g.byISO3 = map[string]*country{}
	seenISO2, seenM49 := map[string]string{}, map[string]string{}
	for i, r := range t.rows {
		get := func(col string) string { return strings.TrimSpace(r[c[col]]) }
		k := &country{
			iso3: get("iso3"), iso2: get("iso2"),
			nameEN: get("name_en"), nameENFormal: get("name_en_formal"),
			nameAR: get("name_ar"), nameARForm: get("name_ar_formal"),
			nameFR: get("name_fr"), nameES: get("name_es"), nameRU: get("name_ru"), nameZH: get("name_zh"),
			region: get("region"), subregion: get("sub_region"), intermediate: get("intermediate_region"),
			wbIncomeFY2025: get("wb_income_fy2025"),
		}
		if !isUpper(k.iso3, 3) {
			return t.rowError(i, "bad iso3 %q", k.iso3)
		}
		if !isUpper(k.iso2, 2) {
			return t.rowError(i, "%s: bad iso2 %q", k.iso3, k.iso2)
		}
		if k.m49, err = padM49(get("m49")); err != nil {
			return t.rowError(i, "%s: %v", k.iso3, err)
		}
		for col, v := range map[string]string{"name_en": k.nameEN, "name_en_formal": k.nameENFormal,
			"name_ar": k.nameAR, "name_ar_formal": k.nameARForm, "name_fr": k.nameFR, "name_es": k.nameES,
			"name_ru": k.nameRU, "name_zh": k.nameZH, "region": k.region, "sub_region": k.subregion} {
			if v == "" {
				return t.rowError(i, "%s: empty %s", k.iso3, col)
			}
		}
		for _, f := range []struct {
			col string
			dst *string
		}{{"ldc", &k.ldc}, {"lldc", &k.lldc}, {"sids", &k.sids}} {
			v := get(f.col)
			if v != "0" && v != "1" {
				return t.rowError(i, "%s: %s = %q, want 0 or 1", k.iso3, f.col, v)
			}
			*f.dst = v
		}
		if k.income, err = normaliseIncome(k.wbIncomeFY2025); err != nil {
			return t.rowError(i, "%s: wb_income_fy2025: %v", k.iso3, err)
		}
		if k.income2021, err = normaliseIncome(get("wb_income_2021_m49list")); err != nil {
			return t.rowError(i, "%s: wb_income_2021_m49list: %v", k.iso3, err)
		}
		for v := range strings.SplitSeq(r[c["egdi_name_variants"]], "|") {
			if v = trimName(v); v != "" {
				k.variants = append(k.variants, v)
			}
		}
		if g.byISO3[k.iso3] != nil {
			return t.rowError(i, "duplicate iso3 %s", k.iso3)
		}
		if o, ok := seenISO2[k.iso2]; ok {
			return t.rowError(i, "%s: iso2 %s already used by %s", k.iso3, k.iso2, o)
		}
		if o, ok := seenM49[k.m49]; ok {
			return t.rowError(i, "%s: m49 %s already used by %s", k.iso3, k.m49, o)
		}
		seenISO2[k.iso2], seenM49[k.m49] = k.iso3, k.iso3
		g.byISO3[k.iso3] = k
		g.countries = append(g.countries, k)
	}
	if len(g.countries) != memberCount {
		return fmt.Errorf("%s: %d countries, want %d", t.file, len(g.countries), memberCount)
	}
	slices.SortFunc(g.countries, func(a, b *country) int { return cmp.Compare(a.iso3, b.iso3) })
	return nil
}

// checkM49 compares the derived country list with the M49 list it was built
// from, field by field.
func (g *gen) checkM49() error {
	t, err := g.readCSV(fileM49, ',')
	if err != nil {
		return err
	}
	c, err := t.columns("UN Member States", "ISO-alpha3 Code", "ISO-alpha2 Code", "M49 Code",
		"Region Name", "Sub-region Name", "Intermediate Region Name",
		"Least Developed Countries (LDC)", "Land Locked Developing Countries (LLDC)",
		"Small Island Developing States (SIDS)", "World Bank Income Level",
		"English short", "English formal", "Arabic short", "Arabic formal",
		"French short", "Spanish short", "Russian short", "Chinese short")
	if err != nil {
		return err
	}
	flag01 := func(v string) (string, bool) {
		switch strings.TrimSpace(v) {
		case "x":
			return "1", true
		case "":
			return "0", true
		}
		return "", false
	}
	seen := map[string]bool{}
	var diffs []string
	for i, r := range t.rows {
		get := func(col string) string { return strings.TrimSpace(r[c[col]]) }
		switch get("UN Member States") {
		case "":
			continue
		case "x":
		default:
			return t.rowError(i, "UN Member States = %q, want x or empty", get("UN Member States"))
		}
		iso3 := get("ISO-alpha3 Code")
		k := g.byISO3[iso3]
		if k == nil {
			return t.rowError(i, "Member State %s is missing from %s", iso3, fileMemberStates)
		}
		if seen[iso3] {
			return t.rowError(i, "duplicate Member State %s", iso3)
		}
		seen[iso3] = true
		m49, err := padM49(get("M49 Code"))
		if err != nil {
			return t.rowError(i, "%s: %v", iso3, err)
		}
		want := map[string]string{
			"iso2":                k.iso2,
			"m49":                 k.m49,
			"name_en":             k.nameEN,
			"name_en_formal":      k.nameENFormal,
			"name_ar":             k.nameAR,
			"name_ar_formal":      k.nameARForm,
			"name_fr":             k.nameFR,
			"name_es":             k.nameES,
			"name_ru":             k.nameRU,
			"name_zh":             k.nameZH,
			"region":              k.region,
			"subregion":           k.subregion,
			"intermediate_region": k.intermediate,
			"ldc":                 k.ldc,
			"lldc":                k.lldc,
			"sids":                k.sids,
		}
		got := map[string]string{
			"iso2": get("ISO-alpha2 Code"),
			"m49":  m49,
			// The derived list drops UNTERM's " (the)" suffix.
			"name_en":             strings.TrimSuffix(get("English short"), " (the)"),
			"name_en_formal":      get("English formal"),
			"name_ar":             get("Arabic short"),
			"name_ar_formal":      get("Arabic formal"),
			"name_fr":             get("French short"),
			"name_es":             get("Spanish short"),
			"name_ru":             get("Russian short"),
			"name_zh":             get("Chinese short"),
			"region":              get("Region Name"),
			"subregion":           get("Sub-region Name"),
			"intermediate_region": get("Intermediate Region Name"),
		}
		for col, src := range map[string]string{"ldc": "Least Developed Countries (LDC)",
			"lldc": "Land Locked Developing Countries (LLDC)", "sids": "Small Island Developing States (SIDS)"} {
			v, ok := flag01(r[c[src]])
			if !ok {
				return t.rowError(i, "%s: %s = %q, want x or empty", iso3, src, r[c[src]])
			}
			got[col] = v
		}
		inc, err := normaliseIncome(get("World Bank Income Level"))
		if err != nil {
			return t.rowError(i, "%s: World Bank Income Level: %v", iso3, err)
		}
		got["income_2021"], want["income_2021"] = inc, k.income2021
		for _, col := range slices.Sorted(maps.Keys(want)) {
			if got[col] != want[col] {
				diffs = append(diffs, fmt.Sprintf("%s:%d: %s %s: %s has %q, M49 list has %q",
					t.file, t.lines[i], iso3, col, fileMemberStates, want[col], got[col]))
			}
		}
	}
	if len(seen) != memberCount {
		return fmt.Errorf("%s: %d Member States, want %d", t.file, len(seen), memberCount)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%s disagrees with %s:\n  %s", fileMemberStates, fileM49, strings.Join(diffs, "\n  "))
	}
	return nil
}

// checkWBClass compares wb_income_fy2025 with the World Bank FY2025 file.
func (g *gen) checkWBClass() error {
	b, err := g.read(fileWBClass)
	if err != nil {
		return err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", fileWBClass, err)
	}
	defer func() { _ = f.Close() }()
	const sheet = "List of economies"
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return fmt.Errorf("%s: sheet %q: %w", fileWBClass, sheet, err)
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s: sheet %q is empty", fileWBClass, sheet)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	ci, ok1 := col["Code"]
	ii, ok2 := col["Income group"]
	if !ok1 || !ok2 {
		return fmt.Errorf("%s: sheet %q row 1: want columns Code and Income group, got %q", fileWBClass, sheet, rows[0])
	}
	income := map[string]string{}
	for i, r := range rows[1:] {
		cell := func(j int) string {
			if j < len(r) {
				return strings.TrimSpace(r[j])
			}
			return ""
		}
		code := cell(ci)
		if code == "" {
			continue
		}
		if _, dup := income[code]; dup {
			return fmt.Errorf("%s: sheet %q row %d: duplicate code %s", fileWBClass, sheet, i+2, code)
		}
		income[code] = cell(ii)
	}
	// This copy codes Serbia SCG (see PROVENANCE.md §4.2).
	if _, ok := income["SRB"]; !ok {
		if v, ok := income["SCG"]; ok {
			income["SRB"] = v
			g.note("%s codes Serbia SCG instead of SRB; read as SRB", fileWBClass)
		}
	}
	var diffs []string
	for _, k := range g.countries {
		v, ok := income[k.iso3]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s: not in %s", k.iso3, fileWBClass))
			continue
		}
		if v != k.wbIncomeFY2025 {
			diffs = append(diffs, fmt.Sprintf("%s: %s has wb_income_fy2025 %q, %s has %q", k.iso3, fileMemberStates, k.wbIncomeFY2025, fileWBClass, v))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%s disagrees with %s:\n  %s", fileMemberStates, fileWBClass, strings.Join(diffs, "\n  "))
	}
	return nil
}

// resolveIncome fills income where the FY2025 group is missing: from the
// 2021 group of the M49 list, else from the UNU-EGOV country list (~2018).
func (g *gen) resolveIncome() error {
	t, err := g.readCSV(fileUNUCountries, ';')
	if err != nil {
		return err
	}
	c, err := t.columns("COUNTRY CODE", "INCOME")
	if err != nil {
		return err
	}
	unu := map[string]string{}
	for i, r := range t.rows {
		code := strings.TrimSpace(r[c["COUNTRY CODE"]])
		inc, err := normaliseIncome(r[c["INCOME"]])
		if err != nil {
			return t.rowError(i, "%s: INCOME: %v", code, err)
		}
		unu[code] = inc
	}
	for _, k := range g.countries {
		if k.income2021 == "" {
			g.note("%s (%s) has no 2021 income group in %s; income_2021 left empty", k.iso3, k.nameEN, fileM49)
		}
		if k.income != "" {
			continue
		}
		switch {
		case k.income2021 != "":
			k.income = k.income2021
			g.note("%s (%s) is unclassified in WB FY2025; income = %s, the 2021 group", k.iso3, k.nameEN, k.income)
		case unu[k.iso3] != "":
			k.income = unu[k.iso3]
			g.note("%s (%s) is unclassified in WB FY2025 and has no 2021 group; income = %s, from %s (about 2018; the WB FY2025 notes say it was upper middle income until FY21)",
				k.iso3, k.nameEN, k.income, fileUNUCountries)
		default:
			return fmt.Errorf("%s (%s): no income group in %s, %s or %s", k.iso3, k.nameEN, fileWBClass, fileM49, fileUNUCountries)
		}
	}
	return nil
}

// Income groups, as written in countries.csv.
const (
	incomeHigh        = "high_income"
	incomeUpperMiddle = "upper_middle_income"
	incomeLowerMiddle = "lower_middle_income"
	incomeLow         = "low_income"
)

// normaliseIncome maps a World Bank income group as spelled in the sources
// ("High income", "Upper Middle Income", "Lower-Middle", "Low", …) to one of
// the four income constants. It returns "" for a blank or unclassified value
// and an error for anything else.
func normaliseIncome(s string) (string, error) {
	k := strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, "-", " ")), " "))
	k = strings.TrimSuffix(k, " income")
	switch k {
	case "", "..", "unclassified", "not classified":
		return "", nil
	case "high", "high income":
		return incomeHigh, nil
	case "upper middle":
		return incomeUpperMiddle, nil
	case "lower middle":
		return incomeLowerMiddle, nil
	case "low":
		return incomeLow, nil
	}
	return "", fmt.Errorf("unknown income group %q", s)
}

// padM49 writes an M49 code as three digits.
func padM49(s string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 || n > 999 {
		return "", fmt.Errorf("bad M49 code %q", s)
	}
	return fmt.Sprintf("%03d", n), nil
}

func isUpper(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// Country names

// trimName removes surrounding white space (including no-break and
// zero-width spaces and byte-order marks) and double quotes from a country
// name as found in a source file.
func trimName(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '\u200B' || r == '\uFEFF'
	})
}

// nameKey is the form under which names are matched: trimmed, white space
// collapsed, typographic apostrophes made straight, lower case, and without a
// leading "the " or a trailing " (the)" (UNTERM writes both).
func nameKey(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u2019', '\u2018', '`', '\u00B4':
			return '\''
		case '\u200B', '\uFEFF':
			return -1
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, trimName(s))
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	s = strings.TrimPrefix(s, "the ")
	s = strings.TrimSuffix(s, " (the)")
	return s
}

// nameIndex finds the ISO3 code of a country from any of its names.
type nameIndex struct {
	iso       map[string]string   // key → iso3
	ambiguous map[string][]string // key → the iso3 codes sharing it
}

func newNameIndex() *nameIndex {
	return &nameIndex{iso: map[string]string{}, ambiguous: map[string][]string{}}
}

// add records name as a name of iso3. A name whose key already belongs to
// another country becomes ambiguous and matches neither.
func (x *nameIndex) add(name, iso3 string) {
	k := nameKey(name)
	if k == "" {
		return
	}
	if codes, ok := x.ambiguous[k]; ok {
		if !slices.Contains(codes, iso3) {
			x.ambiguous[k] = append(codes, iso3)
			slices.Sort(x.ambiguous[k])
		}
		return
	}
	if old, ok := x.iso[k]; ok && old != iso3 {
		delete(x.iso, k)
		x.ambiguous[k] = []string{min(old, iso3), max(old, iso3)}
		return
	}
	x.iso[k] = iso3
}

// lookup returns the ISO3 code of name. It fails when the name is unknown or
// ambiguous.
func (x *nameIndex) lookup(name string) (string, error) {
	k := nameKey(name)
	if iso, ok := x.iso[k]; ok {
		return iso, nil
	}
	if codes, ok := x.ambiguous[k]; ok {
		return "", fmt.Errorf("country name %q is ambiguous (%s)", name, strings.Join(codes, ", "))
	}
	return "", fmt.Errorf("unknown country name %q", name)
}

// buildNameIndex indexes every name of the countries table.
func (g *gen) buildNameIndex() error {
	g.names = newNameIndex()
	for _, k := range g.countries {
		for _, n := range []string{k.nameEN, k.nameENFormal, k.nameAR, k.nameARForm, k.nameFR, k.nameES, k.nameRU, k.nameZH} {
			g.names.add(n, k.iso3)
		}
		for _, n := range k.variants {
			g.names.add(n, k.iso3)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(g.names.ambiguous)) {
		g.note("name %q is shared by %s and is not used for matching", key, strings.Join(g.names.ambiguous[key], ", "))
	}
	return nil
}

// addVariant records a spelling of a country's name.
func (g *gen) addVariant(iso3, name string) {
	if name = trimName(name); name != "" {
		g.byISO3[iso3].variants = append(g.byISO3[iso3].variants, name)
	}
}

// readUNUEGDI reads the country names of the UNU-EGOV files. Their ISO3 code
// is authoritative; a name that matches another country is an error.
func (g *gen) readUNUEGDI() error {
	for _, file := range unuEGDIFiles {
		t, err := g.readCSV(file, ',')
		if err != nil {
			return err
		}
		c, err := t.columns("country-code", "country-name")
		if err != nil {
			return err
		}
		for i, r := range t.rows {
			iso3 := strings.TrimSpace(r[c["country-code"]])
			name := trimName(r[c["country-name"]])
			if g.byISO3[iso3] == nil {
				return t.rowError(i, "%q: %s is not a Member State", name, iso3)
			}
			if got, err := g.names.lookup(name); err == nil && got != iso3 {
				return t.rowError(i, "%q is coded %s but the countries table gives %s", name, iso3, got)
			}
			g.addVariant(iso3, name)
		}
	}
	for _, k := range g.countries {
		for _, v := range k.variants {
			g.names.add(v, k.iso3)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Published values

// egdiColumns maps the header names of the Data Center files (original and
// relabelled 2024) to field names.
var egdiColumns = map[string]string{
	"Survey Year":                            "year",
	"Country Name":                           "country",
	"Country":                                "country",
	"E-Government Rank":                      "rank",
	"Rank":                                   "rank",
	"E-Government Index":                     "egdi",
	"E_Index":                                "egdi",
	"E-Participation Index":                  "epi",
	"E_Participation":                        "epi",
	"Online Service Index":                   "osi",
	"Online_Service":                         "osi",
	"Human Capital Index":                    "hci",
	"Human_Capital":                          "hci",
	"Telecommunication Infrastructure Index": "tii",
	"Tele_Infra":                             "tii",
	"Region":                                 "", // ignored: partly wrong in 2024, hand-made in 2022
}

// mapEGDIHeader returns the column of each field of a Data Center file.
func mapEGDIHeader(t *table) (map[string]int, error) {
	c := map[string]int{}
	for i, h := range t.header {
		f, ok := egdiColumns[strings.TrimSpace(h)]
		if !ok {
			return nil, fmt.Errorf("%s:1: unknown column %q", t.file, h)
		}
		if f == "" {
			continue
		}
		if _, dup := c[f]; dup {
			return nil, fmt.Errorf("%s:1: two columns for %s", t.file, f)
		}
		c[f] = i
	}
	for _, f := range []string{"year", "country", "rank", "egdi", "epi", "osi", "hci", "tii"} {
		if _, ok := c[f]; !ok {
			return nil, fmt.Errorf("%s:1: no column for %s (header %q)", t.file, f, t.header)
		}
	}
	return c, nil
}

// readPublished reads every edition's Data Center file.
func (g *gen) readPublished() error {
	var unmatched []string
	for _, e := range editions {
		t, err := g.readCSV(e.file, ',')
		if err != nil {
			return err
		}
		c, err := mapEGDIHeader(t)
		if err != nil {
			return err
		}
		seen := map[string]int{}
		assessed := 0
		var rows []publishedRow
		for i, r := range t.rows {
			get := func(f string) string { return strings.TrimSpace(r[c[f]]) }
			if y := get("year"); y != strconv.Itoa(e.year) {
				return t.rowError(i, "Survey Year %q, want %d", y, e.year)
			}
			p := publishedRow{edition: e.year, name: trimName(r[c["country"]]), rank: get("rank"),
				egdi: get("egdi"), osi: get("osi"), tii: get("tii"), hci: get("hci"), epi: get("epi"),
				file: t.file, line: t.lines[i]}
			iso3, err := g.names.lookup(p.name)
			if err != nil {
				unmatched = append(unmatched, fmt.Sprintf("%s:%d: %q", t.file, t.lines[i], p.name))
				continue
			}
			p.iso3 = iso3
			if prev, ok := seen[iso3]; ok {
				return t.rowError(i, "%q is %s, already matched on line %d", p.name, iso3, prev)
			}
			seen[iso3] = t.lines[i]

			allZero := true
			for _, f := range []string{"egdi", "osi", "tii", "hci", "epi"} {
				v := get(f)
				x, err := strconv.ParseFloat(v, 64)
				if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
					return t.rowError(i, "%s %s: %s = %q, want a number >= 0", p.name, iso3, f, v)
				}
				if x > 1 {
					// Published as is (2003 HCI of FSM and TUV); kept, but flagged.
					g.note("%d %s: %s = %s is above 1 in %s:%d; copied as published", e.year, iso3, f, v, t.file, t.lines[i])
				}
				if x != 0 {
					allZero = false
				}
			}
			switch {
			case p.rank == "" && allZero:
				p.assessed = false
			case p.rank == "":
				return t.rowError(i, "%s %s: blank rank but non-zero indices", p.name, iso3)
			default:
				n, err := strconv.Atoi(p.rank)
				if err != nil || n < 1 || n > memberCount || strconv.Itoa(n) != p.rank {
					return t.rowError(i, "%s %s: bad rank %q", p.name, iso3, p.rank)
				}
				p.assessed = true
				assessed++
			}
			rows = append(rows, p)
		}
		if len(unmatched) > 0 {
			continue // reported below, with the other editions'
		}
		if len(seen) != memberCount {
			return fmt.Errorf("%s: %d distinct Member States, want %d", e.file, len(seen), memberCount)
		}
		g.published = append(g.published, rows...)
		g.note("%d: %d Member States, %d assessed (%s)", e.year, len(seen), assessed, e.file)
	}
	if len(unmatched) > 0 {
		return fmt.Errorf("country names not found in the countries table:\n  %s", strings.Join(unmatched, "\n  "))
	}
	for _, p := range g.published {
		g.addVariant(p.iso3, p.name)
	}
	slices.SortFunc(g.published, func(a, b publishedRow) int {
		return cmp.Or(cmp.Compare(a.edition, b.edition), cmp.Compare(a.iso3, b.iso3))
	})
	return nil
}

// readWithRegions reads the country names of the rounded 2022 file (its
// values are not used).
func (g *gen) readWithRegions() error {
	t, err := g.readCSV(fileWithRegions, ',')
	if err != nil {
		return err
	}
	c, err := mapEGDIHeader(t)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var unmatched []string
	for i, r := range t.rows {
		name := trimName(r[c["country"]])
		iso3, err := g.names.lookup(name)
		if err != nil {
			unmatched = append(unmatched, fmt.Sprintf("%s:%d: %q", t.file, t.lines[i], name))
			continue
		}
		if seen[iso3] {
			return t.rowError(i, "%q is %s, already matched", name, iso3)
		}
		seen[iso3] = true
		g.addVariant(iso3, name)
	}
	if len(unmatched) > 0 {
		return fmt.Errorf("country names not found in the countries table:\n  %s", strings.Join(unmatched, "\n  "))
	}
	if len(seen) != memberCount {
		return fmt.Errorf("%s: %d distinct Member States, want %d", t.file, len(seen), memberCount)
	}
	return nil
}

// checkTidy compares the published rows with the derived tidy file.
func (g *gen) checkTidy() error {
	t, err := g.readCSV(fileTidy, ',')
	if err != nil {
		return err
	}
	c, err := t.columns("survey_year", "iso3", "country_name_published", "egdi_rank", "egdi", "epi", "osi", "hci", "tii", "assessed")
	if err != nil {
		return err
	}
	type key struct {
		year int
		iso3 string
	}
	ours := map[key]publishedRow{}
	for _, p := range g.published {
		ours[key{p.edition, p.iso3}] = p
	}
	var diffs []string
	seen := map[key]bool{}
	for i, r := range t.rows {
		get := func(f string) string { return strings.TrimSpace(r[c[f]]) }
		y, err := strconv.Atoi(get("survey_year"))
		if err != nil {
			return t.rowError(i, "bad survey_year %q", get("survey_year"))
		}
		k := key{y, get("iso3")}
		if seen[k] {
			return t.rowError(i, "duplicate %d %s", k.year, k.iso3)
		}
		seen[k] = true
		p, ok := ours[k]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s:%d: %d %s is not in the Data Center files", t.file, t.lines[i], k.year, k.iso3))
			continue
		}
		name := trimName(r[c["country_name_published"]])
		if iso3, err := g.names.lookup(name); err != nil || iso3 != k.iso3 {
			diffs = append(diffs, fmt.Sprintf("%s:%d: %d %s: name %q does not match the countries table", t.file, t.lines[i], k.year, k.iso3, name))
		}
		g.addVariant(k.iso3, name)
		assessed := "0"
		if p.assessed {
			assessed = "1"
		}
		for _, f := range []struct{ col, want string }{
			{"country_name_published", p.name}, {"egdi_rank", p.rank}, {"assessed", assessed},
			{"egdi", p.egdi}, {"epi", p.epi}, {"osi", p.osi}, {"hci", p.hci}, {"tii", p.tii},
		} {
			if got := trimName(r[c[f.col]]); got != f.want {
				diffs = append(diffs, fmt.Sprintf("%s:%d: %d %s %s: tidy %q, %s:%d %q",
					t.file, t.lines[i], k.year, k.iso3, f.col, got, p.file, p.line, f.want))
			}
		}
	}
	for _, p := range g.published {
		if !seen[key{p.edition, p.iso3}] {
			diffs = append(diffs, fmt.Sprintf("%d %s (%s:%d) is missing from %s", p.edition, p.iso3, p.file, p.line, t.file))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("published values differ from %s:\n  %s", fileTidy, strings.Join(diffs, "\n  "))
	}
	return nil
}

// ---------------------------------------------------------------------------
// ITU

func (g *gen) readITU() error {
	b, err := g.read(fileITU)
	if err != nil {
		return err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", fileITU, err)
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		return fmt.Errorf("%s: %d sheets %q, want 1", fileITU, len(sheets), sheets)
	}
	sheet := sheets[0]
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return fmt.Errorf("%s: sheet %q: %w", fileITU, sheet, err)
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s: sheet %q is empty", fileITU, sheet)
	}
	where := func(i int) string { return fmt.Sprintf("%s: sheet %q row %d", fileITU, sheet, i+1) }

	want := []string{"Country", "Region", "ISO", "Indicator name", "Year", "Value", "ITU estimate?"}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, h := range want {
		if _, ok := col[h]; !ok {
			return fmt.Errorf("%s: no column %q (header %q)", where(0), h, rows[0])
		}
	}

	type key struct {
		iso3, indicator string
		year            int
	}
	kept := map[key]ituRow{}
	found := map[string]bool{}
	nulls, dups := 0, 0
	dropped := map[string]int{} // non-member ISO → rows of the five indicators, NULL or not
	droppedName := map[string]string{}
	footer := false
	for i := 1; i < len(rows); i++ {
		r := rows[i]
		cell := func(h string) string {
			if j := col[h]; j < len(r) {
				return strings.TrimSpace(r[j])
			}
			return ""
		}
		blank := true
		for _, v := range r {
			if strings.TrimSpace(v) != "" {
				blank = false
			}
		}
		if blank {
			footer = true
			continue
		}
		if footer {
			// After the first blank row only the source note may follow.
			if len(r) == 1 && strings.HasPrefix(strings.TrimSpace(r[0]), "Source:") {
				continue
			}
			return fmt.Errorf("%s: data after the end of the table: %q", where(i), r)
		}
		ind := cell("Indicator name")
		name, ok := ituIndicators[ind]
		if !ok {
			continue
		}
		found[ind] = true
		iso := cell("ISO")
		if !isUpper(iso, 3) {
			return fmt.Errorf("%s: bad ISO code %q", where(i), iso)
		}
		if g.byISO3[iso] == nil {
			dropped[iso]++
			droppedName[iso] = cell("Country")
			continue
		}
		value := cell("Value")
		if value == "NULL" {
			nulls++
			continue
		}
		year, err := strconv.Atoi(cell("Year"))
		if err != nil || year < 1990 || year > 2100 {
			return fmt.Errorf("%s: bad year %q", where(i), cell("Year"))
		}
		x, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return fmt.Errorf("%s: %s %s %d: bad value %q", where(i), iso, ind, year, value)
		}
		var est string
		switch e := cell("ITU estimate?"); strings.ToLower(e) {
		case "yes":
			est = "1"
		case "", "no":
			est = "0"
		default:
			return fmt.Errorf("%s: %s %s %d: ITU estimate? = %q, want Yes or empty", where(i), iso, ind, year, e)
		}
		row := ituRow{iso3: iso, indicator: name, year: year,
			value: strconv.FormatFloat(x, 'f', -1, 64), estimate: est, line: i + 1}
		k := key{iso, name, year}
		if prev, ok := kept[k]; ok {
			if prev.value != row.value || prev.estimate != row.estimate {
				return fmt.Errorf("%s: %s %s %d: value %s (estimate %s) conflicts with row %d: %s (estimate %s)",
					where(i), iso, ind, year, row.value, row.estimate, prev.line, prev.value, prev.estimate)
			}
			dups++
			continue
		}
		kept[k] = row
	}
	var missing []string
	for ind := range ituIndicators {
		if !found[ind] {
			missing = append(missing, strconv.Quote(ind))
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("%s: indicators not found: %s", fileITU, strings.Join(missing, ", "))
	}
	g.itu = slices.SortedFunc(func(yield func(ituRow) bool) {
		for _, r := range kept {
			if !yield(r) {
				return
			}
		}
	}, func(a, b ituRow) int {
		return cmp.Or(cmp.Compare(a.iso3, b.iso3), cmp.Compare(a.indicator, b.indicator), cmp.Compare(a.year, b.year))
	})

	g.note("ITU: %d rows kept; %d NULL values of Member States skipped", len(g.itu), nulls)
	if dups > 0 {
		g.note("ITU: %d exact duplicate rows skipped", dups)
	}
	if len(dropped) > 0 {
		total := 0
		var parts []string
		for _, iso := range slices.Sorted(maps.Keys(dropped)) {
			total += dropped[iso]
			parts = append(parts, fmt.Sprintf("%s %s (%d)", iso, droppedName[iso], dropped[iso]))
		}
		g.note("ITU: %d rows (NULL or not) dropped for economies that are not Member States: %s", total, strings.Join(parts, ", "))
	}
	has := map[string]bool{}
	for _, r := range g.itu {
		has[r.iso3] = true
	}
	var absent []string
	for _, k := range g.countries {
		if !has[k.iso3] {
			absent = append(absent, k.iso3+" "+k.nameEN)
		}
	}
	if len(absent) > 0 {
		g.note("ITU: no data for %s", strings.Join(absent, ", "))
	}
	return nil
}

// ---------------------------------------------------------------------------
// Output

func writeCSV(header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return nil, err
	}
	for _, r := range rows {
		if len(r) != len(header) {
			return nil, fmt.Errorf("row %q has %d fields, want %d", r, len(r), len(header))
		}
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func (g *gen) countriesCSV() ([]byte, error) {
	var rows [][]string
	for _, k := range g.countries {
		var vs []string
		for _, v := range k.variants {
			if strings.Contains(v, "|") {
				return nil, fmt.Errorf("%s: name variant %q contains |", k.iso3, v)
			}
			if v != k.nameEN {
				vs = append(vs, v)
			}
		}
		slices.Sort(vs)
		vs = slices.Compact(vs)
		if k.income == "" {
			return nil, fmt.Errorf("%s: no income group", k.iso3)
		}
		rows = append(rows, []string{k.iso3, k.iso2, k.m49, k.nameEN, k.nameENFormal, k.nameAR, k.nameARForm,
			k.nameFR, k.nameES, k.nameRU, k.nameZH, k.region, k.subregion, k.intermediate,
			k.ldc, k.lldc, k.sids, k.income, k.income2021, strings.Join(vs, "|")})
	}
	return writeCSV(countriesHeader, rows)
}

func (g *gen) publishedCSV() ([]byte, error) {
	var rows [][]string
	for _, p := range g.published {
		r := []string{strconv.Itoa(p.edition), p.iso3, p.name, "1", p.rank, p.egdi, p.osi, p.tii, p.hci, p.epi}
		if !p.assessed {
			// Not assessed: the source's 0.00000 are not real zeros.
			r = []string{strconv.Itoa(p.edition), p.iso3, p.name, "0", "", "", "", "", "", ""}
		}
		rows = append(rows, r)
	}
	return writeCSV(publishedHeader, rows)
}

func (g *gen) ituCSV() ([]byte, error) {
	var rows [][]string
	for _, r := range g.itu {
		rows = append(rows, []string{r.iso3, r.indicator, strconv.Itoa(r.year), r.value, r.estimate})
	}
	return writeCSV(ituHeader, rows)
}

func (g *gen) sourcesMD() ([]byte, error) {
	var b strings.Builder
	b.WriteString("# Sources of the embedded data\n\n")
	b.WriteString("Generated by `internal/builtin/gen`; do not edit. Regenerate from the repository root with\n\n")
	b.WriteString("    go run ./internal/builtin/gen -src ../shared/data -out internal/builtin/data\n\n")
	b.WriteString("Paths are relative to `shared/data` (see its `README.md` and `PROVENANCE.md`).\n\n")
	b.WriteString("## Files written\n\n| file | data rows |\n|---|---|\n")
	fmt.Fprintf(&b, "| countries.csv | %d |\n", len(g.countries))
	fmt.Fprintf(&b, "| published.csv | %d |\n", len(g.published))
	fmt.Fprintf(&b, "| itu.csv | %d |\n", len(g.itu))

	roles := map[string]string{
		fileMemberStates: "countries.csv (all columns)",
		fileM49:          "check of countries.csv",
		fileWBClass:      "check of the FY2025 income group",
		fileUNUCountries: "income fallback when FY2025 and 2021 are both missing",
		fileTidy:         "check of published.csv; name variants",
		fileWithRegions:  "name variants only (values are rounded)",
		fileITU:          "itu.csv",
	}
	for _, e := range editions {
		roles[e.file] = fmt.Sprintf("published.csv, edition %d; name variants", e.year)
	}
	for _, f := range unuEGDIFiles {
		roles[f] = "name variants only"
	}
	b.WriteString("\n## Source files read\n\n| file | used for | SHA-256 |\n|---|---|---|\n")
	for _, f := range slices.Sorted(maps.Keys(g.hashes)) {
		role, ok := roles[f]
		if !ok {
			return nil, fmt.Errorf("no role for source %s", f)
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` |\n", f, role, g.hashes[f])
	}
	b.WriteString("\n## Notes\n\n")
	for _, n := range g.notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	return []byte(b.String()), nil
}
