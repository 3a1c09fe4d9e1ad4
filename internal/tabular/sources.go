package tabular

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/egdi-project/egdi"
)

// ituIndicators maps the ITU indicator names of the TII inputs to
// indicators. Other ITU indicators are not EGDI inputs and are skipped.
var ituIndicators = map[string]egdi.Indicator{
	"individuals using the internet, total (%)":                 egdi.InternetUsers,
	"mobile-cellular subscriptions per 100 inhabitants":         egdi.MobileSubscriptions,
	"active mobile-broadband subscriptions per 100 inhabitants": egdi.ActiveMobileBroadband,
	"fixed broadband subscriptions per 100 inhabitants":         egdi.FixedBroadband,
	"fixed-telephone subscriptions per 100 inhabitants":         egdi.FixedTelephone,
}

// wdiSeries maps World Bank WDI series codes to indicators.
var wdiSeries = map[string]egdi.Indicator{
	"IT.NET.USER.ZS": egdi.InternetUsers,       // Individuals using the Internet (% of population)
	"IT.CEL.SETS.P2": egdi.MobileSubscriptions, // Mobile cellular subscriptions (per 100 people)
	"IT.NET.BBND.P2": egdi.FixedBroadband,      // Fixed broadband subscriptions (per 100 people)
	"IT.MLT.MAIN.P2": egdi.FixedTelephone,      // Fixed telephone subscriptions (per 100 people)
	"SE.ADT.LITR.ZS": egdi.AdultLiteracy,       // Literacy rate, adult total (% of people ages 15 and above)
}

// wdiAggregates are the WDI codes of aggregates — the world, regions,
// income and lending groups — rather than economies: the rows whose Region
// is blank in the "Metadata - Countries" sheet of the WDI downloads
// (checked against the 2021 XLS files in the tests), and INX ("Not
// classified"), which later downloads carry.
var wdiAggregates = map[string]bool{
	"AFE": true, "AFW": true, "ARB": true, "CEB": true, "CSS": true, "EAP": true, "EAR": true, "EAS": true,
	"ECA": true, "ECS": true, "EMU": true, "EUU": true, "FCS": true, "HIC": true, "HPC": true, "IBD": true,
	"IBT": true, "IDA": true, "IDB": true, "IDX": true, "INX": true, "LAC": true, "LCN": true, "LDC": true,
	"LIC": true, "LMC": true, "LMY": true, "LTE": true, "MEA": true, "MIC": true, "MNA": true, "NAC": true,
	"OED": true, "OSS": true, "PRE": true, "PSS": true, "PST": true, "SAS": true, "SSA": true, "SSF": true,
	"SST": true, "TEA": true, "TEC": true, "TLA": true, "TMN": true, "TSA": true, "TSS": true, "UMC": true,
	"WLD": true,
}

// obsKey identifies an observation.
type obsKey struct {
	iso  egdi.ISO3
	ind  egdi.Indicator
	year int
}

// minYear and maxYear bound the data years an observation may have.
const (
	minYear = 1950
	maxYear = 2100
)

// columns finds the named header cells (headerKey form) in row hi and
// fails naming the missing ones.
func columns(g *grid, hi int, layout string, names ...string) (map[string]int, error) {
	col := map[string]int{}
	for j, h := range g.rows[hi] {
		k := headerKey(h)
		if _, dup := col[k]; dup && slices.Contains(names, k) {
			return nil, g.err(hi, j, fmt.Errorf("a second column %q", cleanCell(h)))
		}
		col[k] = j
	}
	var missing []string
	for _, n := range names {
		if _, ok := col[n]; !ok {
			missing = append(missing, strconv.Quote(n))
		}
	}
	if len(missing) > 0 {
		return nil, g.err(hi, -1, fmt.Errorf("not %s: no column %s (header %q)", layout, strings.Join(missing, ", "), trimAll(g.rows[hi])))
	}
	return col, nil
}

// member returns the Member State with code s, or a reason to skip the row.
func member(cs *egdi.Countries, code, name string) (*egdi.Country, string) {
	c := cs.Get(egdi.ISO3(strings.ToUpper(code)))
	if c == nil {
		return nil, fmt.Sprintf("%s %s is not a UN Member State", code, name)
	}
	return c, ""
}

// checkObs checks an observation's value against its indicator's bounds.
func checkObs(g *grid, i, hi, j int, ind egdi.Indicator, s string) (float64, error) {
	v, err := parseNum(s)
	if err != nil {
		return 0, g.errAt(i, hi, j, err)
	}
	if err := ind.CheckValue(v); err != nil {
		return 0, g.errAt(i, hi, j, err)
	}
	return v, nil
}

func sortObservations(obs []egdi.Observation) {
	slices.SortFunc(obs, func(a, b egdi.Observation) int {
		if a.ISO3 != b.ISO3 {
			return strings.Compare(string(a.ISO3), string(b.ISO3))
		}
		if a.Indicator != b.Indicator {
			return int(a.Indicator) - int(b.Indicator)
		}
		return a.Year - b.Year
	})
}

// ---------------------------------------------------------------------------
// ITU

var reMonthYear = regexp.MustCompile(`(?i)(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4})`)

// importITU reads the ITU key ICT indicators workbook (Digital Development
// Dashboard, long format: Country, Region, ISO, Indicator name, Year,
// Value, ITU estimate?). The five TII inputs become observations of source
// "itu", with the release ("ITU DDD January 2022") taken from the sheet
// name or the source note under the table. Rows of other indicators, of
// economies that are not Member States, and NULL values are skipped with
// the reason; after the first blank row only the source note may follow.
func importITU(g *grid, hi int, opts ImportOptions) (*egdi.Batch, error) {
	col, err := columns(g, hi, "the ITU key ICT indicators", "iso", "indicator name", "year", "value")
	if err != nil {
		return nil, err
	}
	estCol, hasEst := col["itu estimate?"]
	countryCol := col["country"]
	vintage := ""
	if m := reMonthYear.FindStringSubmatch(g.sheet); m != nil {
		vintage = "ITU DDD " + m[1] + " " + m[2]
	}
	b := &egdi.Batch{}
	seen := map[obsKey]int{} // → index in b.Observations
	rowOf := []int{}         // row number of each observation
	footer := false
	for i := hi + 1; i < len(g.rows); i++ {
		if err := opts.stop(i); err != nil {
			return nil, err
		}
		if g.blank(i) {
			footer = true
			continue
		}
		if footer {
			r := trimAll(g.rows[i])
			if len(slices.DeleteFunc(r, func(s string) bool { return s == "" })) == 1 && strings.HasPrefix(r[0], "Source:") {
				if m := reMonthYear.FindStringSubmatch(r[0]); m != nil && vintage == "" {
					vintage = "ITU DDD " + m[1] + " " + m[2]
				}
				continue
			}
			return nil, g.err(i, -1, errors.New("data after the blank row that ends the table"))
		}
		b.Read++
		if err := g.checkWidth(i, hi); err != nil {
			return nil, err
		}
		indName, err := g.cell(i, hi, col["indicator name"])
		if err != nil {
			return nil, err
		}
		ind, ok := ituIndicators[headerKey(indName)]
		if !ok {
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: fmt.Sprintf("indicator %q is not an EGDI input", indName)})
			continue
		}
		code, err := g.cell(i, hi, col["iso"])
		if err != nil {
			return nil, err
		}
		name, _ := g.cell(i, hi, countryCol)
		if !egdi.ISO3(strings.ToUpper(code)).Valid() {
			return nil, g.errAt(i, hi, col["iso"], fmt.Errorf("%q is not an ISO3 code", code))
		}
		c, why := member(opts.Countries, code, name)
		if c == nil {
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: why})
			continue
		}
		ys, err := g.cell(i, hi, col["year"])
		if err != nil {
			return nil, err
		}
		year, err := parseInt(ys)
		if err != nil || year < minYear || year > maxYear {
			return nil, g.errAt(i, hi, col["year"], fmt.Errorf("%q is not a year", ys))
		}
		vs, err := g.cell(i, hi, col["value"])
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(vs, "NULL") || vs == "" {
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: fmt.Sprintf("no value (%q) for %s %s %d", vs, c.ISO3, ind, year)})
			continue
		}
		v, err := checkObs(g, i, hi, col["value"], ind, vs)
		if err != nil {
			return nil, err
		}
		est := false
		if hasEst {
			e, err := g.cell(i, hi, estCol)
			if err != nil {
				return nil, err
			}
			switch strings.ToLower(e) {
			case "yes", "y", "1", "true":
				est = true
			case "", "no", "n", "0", "false":
			default:
				return nil, g.errAt(i, hi, estCol, fmt.Errorf("%q: want Yes or blank", e))
			}
		}
		o := egdi.Observation{ISO3: c.ISO3, Indicator: ind, Year: year, Value: v, Source: SourceITU, Estimate: est}
		k := obsKey{c.ISO3, ind, year}
		if p, dup := seen[k]; dup {
			if prev := b.Observations[p]; prev.Value == o.Value && prev.Estimate == o.Estimate {
				b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: fmt.Sprintf("duplicate of row %d", rowOf[p])})
				continue
			}
			return nil, g.errAt(i, hi, col["value"], fmt.Errorf("%s %s %d is %g here but %g in row %d", c.ISO3, ind, year, o.Value, b.Observations[p].Value, rowOf[p]))
		}
		seen[k] = len(b.Observations)
		rowOf = append(rowOf, g.nums[i])
		b.Observations = append(b.Observations, o)
	}
	for k := range b.Observations {
		b.Observations[k].Vintage = vintage
	}
	sortObservations(b.Observations)
	return b, nil
}

// ---------------------------------------------------------------------------
// Wide layouts: one row per country (and series), one column per year

// wideRow reads the year columns of a WDI or HDR row into observations,
// skipping blank cells and the ".." the World Bank writes for no data.
func wideRow(g *grid, i, hi int, years map[int]int, c *egdi.Country, ind egdi.Indicator, src, vintage string) ([]egdi.Observation, error) {
	var out []egdi.Observation
	for _, j := range slices.Sorted(maps.Keys(years)) {
		s, err := g.cell(i, hi, j)
		if err != nil {
			return nil, err
		}
		if s == "" || s == ".." {
			continue
		}
		v, err := checkObs(g, i, hi, j, ind, s)
		if err != nil {
			return nil, err
		}
		out = append(out, egdi.Observation{ISO3: c.ISO3, Indicator: ind, Year: years[j], Value: v, Source: src, Vintage: vintage})
	}
	return out, nil
}

// sameCells compares the cells of two rows at the given columns and returns
// the first column that differs, or -1.
func sameCells(g *grid, a, b int, cols []int) int {
	for _, j := range cols {
		var x, y string
		if j < len(g.rows[a]) {
			x = cleanCell(g.rows[a][j])
		}
		if j < len(g.rows[b]) {
			y = cleanCell(g.rows[b][j])
		}
		if x != y {
			return j
		}
	}
	return -1
}

var reWDIYear = regexp.MustCompile(`^(\d{4})(?: \[yr\d{4}\])?$`)

// importWDI reads a World Bank WDI download (the API_… CSV with its four
// preamble lines, or the XLS "Data" sheet): Country Name, Country Code,
// Indicator Name, Indicator Code and one column per year. Rows of the five
// series in [wdiSeries] become observations of source "wdi" whose vintage
// is the "Last Updated Date" of the preamble; aggregates, economies that
// are not Member States and other series are skipped with the reason.
func importWDI(g *grid, hi int, opts ImportOptions) (*egdi.Batch, error) {
	col, err := columns(g, hi, "a World Bank WDI table", "country name", "country code", "indicator name", "indicator code")
	if err != nil {
		return nil, err
	}
	vintage := ""
	for i := 0; i < hi; i++ {
		if len(g.rows[i]) >= 2 && headerKey(g.rows[i][0]) == "last updated date" {
			vintage = "WDI " + wdiDate(cleanCell(g.rows[i][1]))
		}
	}
	years := map[int]int{}
	var yearCols []int
	for j, h := range g.rows[hi] {
		if m := reWDIYear.FindStringSubmatch(headerKey(h)); m != nil {
			y, _ := strconv.Atoi(m[1])
			if y < minYear || y > maxYear {
				return nil, g.err(hi, j, fmt.Errorf("%q is not a data year", cleanCell(h)))
			}
			years[j] = y
			yearCols = append(yearCols, j)
		}
	}
	if len(years) == 0 {
		return nil, g.err(hi, -1, errors.New("no year columns (1960, 1961, …)"))
	}
	b := &egdi.Batch{}
	type key struct {
		iso    egdi.ISO3
		series string
	}
	seen := map[key]int{} // → row index
	known := false
	var series []string
	for i := hi + 1; i < len(g.rows); i++ {
		if err := opts.stop(i); err != nil {
			return nil, err
		}
		if g.blank(i) {
			continue
		}
		b.Read++
		if err := g.checkWidth(i, hi); err != nil {
			return nil, err
		}
		code, err := g.cell(i, hi, col["indicator code"])
		if err != nil {
			return nil, err
		}
		ind, ok := wdiSeries[strings.ToUpper(code)]
		if !ok {
			if !slices.Contains(series, code) {
				series = append(series, code)
			}
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: fmt.Sprintf("series %s is not an EGDI input", code)})
			continue
		}
		known = true
		cc, err := g.cell(i, hi, col["country code"])
		if err != nil {
			return nil, err
		}
		name, _ := g.cell(i, hi, col["country name"])
		if wdiAggregates[strings.ToUpper(cc)] {
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: fmt.Sprintf("%s %s is an aggregate (World Bank region or income group), not a country", cc, name)})
			continue
		}
		c, why := member(opts.Countries, cc, name)
		if c == nil {
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: why})
			continue
		}
		k := key{c.ISO3, strings.ToUpper(code)}
		if p, dup := seen[k]; dup {
			if j := sameCells(g, p, i, yearCols); j >= 0 {
				return nil, g.errAt(i, hi, j, fmt.Errorf("%s %s differs from row %d", c.ISO3, code, g.nums[p]))
			}
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: fmt.Sprintf("duplicate of row %d", g.nums[p])})
			continue
		}
		seen[k] = i
		obs, err := wideRow(g, i, hi, years, c, ind, SourceWDI, vintage)
		if err != nil {
			return nil, err
		}
		b.Observations = append(b.Observations, obs...)
	}
	if !known && b.Read > 0 {
		return nil, g.err(hi, col["indicator code"], fmt.Errorf("no EGDI input in this file (series %s); egdi reads %s",
			strings.Join(series, ", "), strings.Join(slices.Sorted(maps.Keys(wdiSeries)), ", ")))
	}
	sortObservations(b.Observations)
	return b, nil
}

// wdiDate writes the "Last Updated Date" of a WDI file as YYYY-MM-DD: the
// CSV has the date as text, the XLS an Excel date serial (days since
// 1899-12-30).
func wdiDate(s string) string {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 200000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format("2006-01-02")
	}
	return s
}

var reHDRCol = regexp.MustCompile(`^(eys|mys)_(\d{4})$`)

// importHDR reads the UNDP HDR composite indices time series (iso3,
// country, …, eys_1990 … eys_2022, mys_1990 … mys_2022, …): expected and
// mean years of schooling become observations of source "hdr". The
// aggregates (codes ZZA.VHHD … ZZK.WORLD) and economies that are not
// Member States are skipped with the reason; other columns are ignored.
func importHDR(g *grid, hi int, opts ImportOptions) (*egdi.Batch, error) {
	col, err := columns(g, hi, "the UNDP HDR time series", "iso3")
	if err != nil {
		return nil, err
	}
	cols := map[egdi.Indicator]map[int]int{egdi.ExpectedSchooling: {}, egdi.MeanSchooling: {}}
	var valueCols []int
	last := 0
	for j, h := range g.rows[hi] {
		m := reHDRCol.FindStringSubmatch(headerKey(h))
		if m == nil {
			continue
		}
		y, _ := strconv.Atoi(m[2])
		if y < minYear || y > maxYear {
			return nil, g.err(hi, j, fmt.Errorf("%q is not a data year", cleanCell(h)))
		}
		ind := egdi.ExpectedSchooling
		if m[1] == "mys" {
			ind = egdi.MeanSchooling
		}
		cols[ind][j] = y
		valueCols = append(valueCols, j)
		last = max(last, y)
	}
	if len(valueCols) == 0 {
		return nil, g.err(hi, -1, errors.New("not the UNDP HDR time series: no eys_YYYY or mys_YYYY column"))
	}
	vintage := fmt.Sprintf("UNDP HDR time series to %d", last)
	b := &egdi.Batch{}
	seen := map[egdi.ISO3]int{}
	for i := hi + 1; i < len(g.rows); i++ {
		if err := opts.stop(i); err != nil {
			return nil, err
		}
		if g.blank(i) {
			continue
		}
		b.Read++
		if err := g.checkWidth(i, hi); err != nil {
			return nil, err
		}
		code, err := g.cell(i, hi, col["iso3"])
		if err != nil {
			return nil, err
		}
		name, _ := g.cell(i, hi, col["country"])
		if strings.HasPrefix(strings.ToUpper(code), "ZZ") || strings.Contains(code, ".") {
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: fmt.Sprintf("%s %s is an aggregate, not a country", code, name)})
			continue
		}
		c, why := member(opts.Countries, code, name)
		if c == nil {
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: why})
			continue
		}
		if p, dup := seen[c.ISO3]; dup {
			if j := sameCells(g, p, i, valueCols); j >= 0 {
				return nil, g.errAt(i, hi, j, fmt.Errorf("%s differs from row %d", c.ISO3, g.nums[p]))
			}
			b.Skipped = append(b.Skipped, egdi.Skip{Row: g.nums[i], Reason: fmt.Sprintf("duplicate of row %d", g.nums[p])})
			continue
		}
		seen[c.ISO3] = i
		for _, ind := range []egdi.Indicator{egdi.ExpectedSchooling, egdi.MeanSchooling} {
			obs, err := wideRow(g, i, hi, cols[ind], c, ind, SourceHDR, vintage)
			if err != nil {
				return nil, err
			}
			b.Observations = append(b.Observations, obs...)
		}
	}
	sortObservations(b.Observations)
	return b, nil
}
