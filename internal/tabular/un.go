package tabular

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/i18n"
)

// unHeaders maps the header cells of every known UN table (as headerKey
// writes them) to the fields of a Record:
//
//   - UN Data Center CSV (2003–2022): Survey Year, Country Name,
//     E-Government Rank, E-Government Index, E-Participation Index, Online
//     Service Index, Human Capital Index, Telecommunication Infrastructure
//     Index (and Region in the 2022 "with regions" copy);
//   - the relabelled 2024 copy: Survey Year, Country, Rank, E_Index,
//     E_Participation, Online_Service, Human_Capital, Tele_Infra, Region;
//   - the UNU-EGOV copies: country-code, country-name, e-gov-rank,
//     e-gov-index, e-pat-index, osi, hci, tii (no year column);
//   - the derived tidy file: survey_year, iso3, country_name_published,
//     egdi_rank, egdi, epi, osi, hci, tii, assessed, …;
//   - egdi's exports: the Data Center columns plus iso3, region, subregion,
//     and their Arabic headings (from the i18n glossary).
//
// Columns not listed (Region, computed ranks, source_file …) are ignored:
// the Region columns of the published copies are partly wrong or hand-made.
var unHeaders = map[string]string{
	"survey year": "year", "survey_year": "year", "year": "year", "edition": "year",
	"country name": "country", "country": "country", "country-name": "country",
	"country_name_published": "country", "name": "country", "name_published": "country",
	"iso3": "iso3", "country-code": "iso3", "iso": "iso3",
	"e-government rank": "rank", "rank": "rank", "e-gov-rank": "rank", "egdi_rank": "rank",
	"e-government index": "egdi", "e_index": "egdi", "e-gov-index": "egdi", "egdi": "egdi",
	"e-participation index": "epi", "e_participation": "epi", "e-pat-index": "epi", "epi": "epi",
	"online service index": "osi", "online_service": "osi", "osi": "osi",
	"human capital index": "hci", "human_capital": "hci", "hci": "hci",
	"telecommunication infrastructure index": "tii", "tele_infra": "tii", "tii": "tii",
	"assessed": "assessed",
}

// unHeadersAR are the Arabic headings of egdi's Arabic export sheet.
var unHeadersAR = func() map[string]string {
	m := map[string]string{}
	for key, field := range map[string]string{"edition": "year", "country": "country", "iso3": "iso3", "rank": "rank",
		"egdi": "egdi", "epi": "epi", "osi": "osi", "tii": "tii", "hci": "hci"} {
		m[headerKey(i18n.T("ar", key))] = field
	}
	return m
}()

// unField returns the Record field a header cell names, or "".
func unField(h string) string {
	k := headerKey(h)
	if f, ok := unHeaders[k]; ok {
		return f
	}
	return unHeadersAR[k]
}

// isUNHeader reports whether a row is the header of a UN table: a country
// (name or code) and the five indices.
func isUNHeader(row []string) bool {
	f := map[string]bool{}
	for _, c := range row {
		f[unField(c)] = true
	}
	return (f["country"] || f["iso3"]) && f["egdi"] && f["osi"] && f["tii"] && f["hci"] && f["epi"]
}

// isPartialUNHeader reports whether a row looks like the header of a UN
// table with columns missing: a country column and at least three other
// UN columns (year, rank, indices).
func isPartialUNHeader(row []string) bool {
	f := map[string]bool{}
	for _, c := range row {
		f[unField(c)] = true
	}
	delete(f, "")
	return (f["country"] || f["iso3"]) && len(f) >= 4
}

// firstRow returns the index of the first row that is not blank, or −1.
func (g *grid) firstRow() int {
	for i := range g.rows {
		if !g.blank(i) {
			return i
		}
	}
	return -1
}

// unValueFields are the indices of a Record, in the order they are read.
var unValueFields = []string{"egdi", "osi", "tii", "hci", "epi"}

// unRow is one data row of a UN table, read.
type unRow struct {
	rec  egdi.Record
	i    int // row index in the grid
	line int // row number in the file
}

// importUN reads a UN Data Center table (see [unHeaders]) whose header is
// row hi of g.
func importUN(g *grid, hi int, opts ImportOptions) (*egdi.Batch, error) {
	col := map[string]int{}
	for j, h := range g.rows[hi] {
		f := unField(h)
		if f == "" {
			continue
		}
		if prev, dup := col[f]; dup {
			return nil, g.err(hi, j, fmt.Errorf("a second column for %s (the first is %s)", f, g.colName(g.rows[hi], prev)))
		}
		col[f] = j
	}
	var missing []string
	if _, ok := col["country"]; !ok {
		if _, ok := col["iso3"]; !ok {
			missing = append(missing, "Country Name (or iso3)")
		}
	}
	for _, f := range append([]string{"rank"}, unValueFields...) {
		if _, ok := col[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, g.err(hi, -1, fmt.Errorf("not a UN E-Government Data Center table: no column for %s (header %q)",
			strings.Join(missing, ", "), trimAll(g.rows[hi])))
	}
	edition := opts.Edition
	yearCol, hasYear := col["year"]
	if !hasYear && edition == 0 {
		edition = fileEdition(g.file)
		if edition == 0 {
			return nil, g.err(hi, -1, errors.New("the table has no Survey Year column and the file name holds no edition year: give the edition (--edition)"))
		}
	}
	if edition != 0 && !egdi.IsEditionYear(edition) {
		return nil, g.err(hi, -1, fmt.Errorf("%d is not a published edition (%s)", edition, editionList()))
	}

	b := &egdi.Batch{}
	type unmatched struct {
		line int
		name string
	}
	var unknown []unmatched
	type key struct {
		year int
		iso  egdi.ISO3
	}
	seen := map[key]unRow{}
	var rows []unRow
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
		get := func(f string) (string, int, error) {
			j, ok := col[f]
			if !ok {
				return "", -1, nil
			}
			v, err := g.cell(i, hi, j)
			return v, j, err
		}
		r := unRow{i: i, line: g.nums[i], rec: egdi.Record{Edition: edition}}
		if hasYear {
			s, err := g.cell(i, hi, yearCol)
			if err != nil {
				return nil, err
			}
			y, err := parseInt(s)
			if err != nil || !egdi.IsEditionYear(y) {
				return nil, g.errAt(i, hi, yearCol, fmt.Errorf("%q is not a published edition (%s)", s, editionList()))
			}
			if opts.Edition != 0 && y != opts.Edition {
				return nil, g.errAt(i, hi, yearCol, fmt.Errorf("the row is of edition %d, but edition %d was asked for", y, opts.Edition))
			}
			r.rec.Edition = y
		}
		// The country: the code when the table has one, else the name.
		name, nj, err := get("country")
		if err != nil {
			return nil, err
		}
		code, cj, err := get("iso3")
		if err != nil {
			return nil, err
		}
		r.rec.Name = name
		switch {
		case cj >= 0:
			c := opts.Countries.Get(egdi.ISO3(strings.ToUpper(code)))
			if c == nil {
				return nil, g.errAt(i, hi, cj, fmt.Errorf("%q is not the ISO3 code of a UN Member State", code))
			}
			if name != "" {
				if byName, err := lookupName(opts.Countries, name); err == nil && byName.ISO3 != c.ISO3 {
					return nil, g.errAt(i, hi, nj, fmt.Errorf("%q is %s, but the row's code is %s", name, byName.ISO3, c.ISO3))
				}
			}
			r.rec.ISO3 = c.ISO3
		default:
			c, err := lookupName(opts.Countries, name)
			if err != nil {
				unknown = append(unknown, unmatched{g.nums[i], name})
				continue
			}
			r.rec.ISO3 = c.ISO3
		}
		// The rank and the indices.
		rank, rj, err := get("rank")
		if err != nil {
			return nil, err
		}
		vals := make([]float64, len(unValueFields))
		blank := make([]bool, len(unValueFields))
		allZero := true
		for k, f := range unValueFields {
			s, j, err := get(f)
			if err != nil {
				return nil, err
			}
			if s == "" {
				blank[k] = true
				continue
			}
			v, err := parseNum(s)
			if err != nil {
				return nil, g.errAt(i, hi, j, err)
			}
			if err := checkIndex(f, v); err != nil {
				return nil, g.errAt(i, hi, j, err)
			}
			vals[k] = v
			allZero = allZero && v == 0
		}
		assessed := rank != ""
		if s, aj, err := get("assessed"); err != nil {
			return nil, err
		} else if aj >= 0 {
			switch strings.ToLower(s) {
			case "1", "true", "yes":
				if !assessed {
					return nil, g.errAt(i, hi, rj, errors.New("the row is marked assessed but has no rank"))
				}
			case "0", "false", "no":
				if assessed {
					return nil, g.errAt(i, hi, rj, errors.New("the row is marked not assessed but has a rank"))
				}
			default:
				return nil, g.errAt(i, hi, aj, fmt.Errorf("%q: want 1 or 0", s))
			}
		}
		if !assessed {
			// Not assessed that year: blank rank, indices zero or blank.
			if !allZero {
				return nil, g.errAt(i, hi, rj, errors.New("the rank is blank but the indices are not zero: a blank rank means the country was not assessed"))
			}
		} else {
			n, err := parseInt(rank)
			if err != nil || n < 1 || n > 1000 {
				return nil, g.errAt(i, hi, rj, fmt.Errorf("%q is not a rank (a whole number from 1)", rank))
			}
			for k, f := range unValueFields {
				// The one blank a ranked row may have: a component the UN
				// had no data for in an edition whose rule then made the
				// EGDI 0 (2008–2010); the Data Center published it as 0 and
				// the UNU-EGOV copies left it blank. It is read as the 0 the
				// UN published, and only when the EGDI is given as 0.
				if blank[k] && (k == 0 || blank[0] || vals[0] != 0) {
					return nil, g.errAt(i, hi, col[f], fmt.Errorf("%s is blank, but the country has a rank", f))
				}
			}
			r.rec.Assessed, r.rec.Rank = true, n
			r.rec.EGDI, r.rec.OSI, r.rec.TII, r.rec.HCI, r.rec.EPI = vals[0], vals[1], vals[2], vals[3], vals[4]
		}
		k := key{r.rec.Edition, r.rec.ISO3}
		if prev, dup := seen[k]; dup {
			if sameRecord(prev.rec, r.rec) {
				b.Skipped = append(b.Skipped, egdi.Skip{Row: r.line, Reason: fmt.Sprintf("duplicate of row %d (%s %d)", prev.line, k.iso, k.year)})
				continue
			}
			return nil, g.err(i, -1, fmt.Errorf("%s %d has different values in row %d and row %d", k.iso, k.year, prev.line, r.line))
		}
		seen[k] = r
		rows = append(rows, r)
	}
	if len(unknown) > 0 {
		parts := make([]string, len(unknown))
		for k, u := range unknown {
			parts[k] = fmt.Sprintf("%q (row %d)", u.name, u.line)
		}
		return nil, &egdi.InputError{File: g.file, Sheet: g.sheet, Row: unknown[0].line, Column: g.colName(g.rows[hi], col["country"]),
			Err: fmt.Errorf("%d country names match no UN Member State: %s; use the UN short name or the ISO3 code", len(unknown), strings.Join(parts, ", "))}
	}
	if len(rows) == 0 {
		return nil, g.err(hi, -1, errors.New("no country rows after the header"))
	}
	b.Records = sortedRecords(rows)
	return b, nil
}

// sameRecord compares two records by value, the published name aside.
func sameRecord(a, b egdi.Record) bool {
	a.Name, b.Name = "", ""
	return a == b
}

// checkIndex checks a published index value: EGDI in [0,1], the others by
// their indicator's bounds (HCI up to 1.5, see egdi.Indicator.Bounds).
func checkIndex(field string, v float64) error {
	switch field {
	case "osi":
		return egdi.OSI.CheckValue(v)
	case "tii":
		return egdi.TII.CheckValue(v)
	case "hci":
		return egdi.HCI.CheckValue(v)
	case "epi":
		return egdi.EPI.CheckValue(v)
	}
	if v < 0 || v > 1 {
		return fmt.Errorf("egdi = %g is outside [0, 1]", v)
	}
	return nil
}

// lookupName matches a published country name to a Member State, trying
// the name as written and then with typographic apostrophes made straight
// and a leading "the " or trailing " (the)" dropped (UNTERM writes both).
func lookupName(cs *egdi.Countries, name string) (*egdi.Country, error) {
	name = cleanCell(name)
	if name == "" {
		return nil, errors.New("blank country name")
	}
	c, err := cs.Lookup(name)
	if err == nil {
		return c, nil
	}
	alt := strings.NewReplacer("\u2019", "'", "\u2018", "'", "`", "'", "\u00B4", "'").Replace(name)
	low := strings.ToLower(alt)
	switch {
	case strings.HasPrefix(low, "the "):
		alt = alt[4:]
	case strings.HasSuffix(low, " (the)"):
		alt = alt[:len(alt)-6]
	}
	if alt != name {
		if c, err2 := cs.Lookup(alt); err2 == nil {
			return c, nil
		}
	}
	return nil, err
}

var reEditionInName = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})(?:[^0-9]|$)`)

// fileEdition returns the edition year a file name holds, when it holds
// exactly one edition year, built in or later (egdi-2010.csv → 2010,
// EGOV_DATA_2026.csv → 2026), else 0.
func fileEdition(name string) int {
	base := filepath.Base(filepath.ToSlash(name))
	found := 0
	for _, m := range reEditionInName.FindAllStringSubmatch(base, -1) {
		y, _ := strconv.Atoi(m[1])
		if !egdi.IsEditionYear(y) {
			continue
		}
		if found != 0 && found != y {
			return 0
		}
		found = y
	}
	return found
}

// editionList lists the editions a UN file may hold: the built-in ones,
// and a later one (see egdi.IsLaterEdition), which the import adds.
func editionList() string {
	s := make([]string, len(egdi.Editions))
	for i, y := range egdi.Editions {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ", ") + ", or a later even year up to " + strconv.Itoa(egdi.MaxEdition)
}

// parseNum parses a decimal number written with a dot: no hex, no
// underscores, no Inf or NaN.
func parseNum(s string) (float64, error) {
	if strings.ContainsAny(s, "xXpP_nN") || s == "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// parseInt parses a whole number, also written as a float with a zero
// fraction ("136.0", as the UNU-EGOV copies write ranks).
func parseInt(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	v, err := parseNum(s)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > 1e9 {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return int(v), nil
}

// ---------------------------------------------------------------------------
// JSON

// jsonRow is the part of a ranking row (see [Row]) an import reads.
type jsonRow struct {
	ISO3          *string `json:"iso3"`
	Edition       *int    `json:"edition"`
	Name          string  `json:"name"`
	NamePublished string  `json:"name_published"` // the record's name when present
	Assessed      *bool   `json:"assessed"`       // false: a Member State not assessed (no rank, no values)

	EGDI     *float64 `json:"egdi"`
	EGDIRank *int     `json:"egdi_rank"`
	OSI      *float64 `json:"osi"`
	TII      *float64 `json:"tii"`
	HCI      *float64 `json:"hci"`
	EPI      *float64 `json:"epi"`
}

// importJSON reads an array of ranking rows, as `egdi rank --format json`
// and [WriteJSON] write them, as the published records of their edition.
// Errors name the element (Row is its 1-based position in the array) and
// the field (Column).
func importJSON(name string, text []byte, opts ImportOptions) (*egdi.Batch, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(text, &elems); err != nil {
		e := &egdi.InputError{File: name, Err: fmt.Errorf("not a JSON array of ranking rows: %w", err)}
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset > 0 && se.Offset <= int64(len(text)) {
			e.Err = fmt.Errorf("malformed JSON at line %d: %w (truncated?)", 1+bytes.Count(text[:se.Offset], []byte{'\n'}), err)
		}
		return nil, e
	}
	if len(elems) == 0 {
		return nil, &egdi.InputError{File: name, Err: errors.New("the JSON array is empty")}
	}
	b := &egdi.Batch{}
	type key struct {
		year int
		iso  egdi.ISO3
	}
	seen := map[key]unRow{}
	var rows []unRow
	for k, raw := range elems {
		if err := opts.stop(k); err != nil {
			return nil, err
		}
		at := func(field string, err error) error {
			return &egdi.InputError{File: name, Row: k + 1, Column: field, Err: err}
		}
		b.Read++
		var jr jsonRow
		if err := json.Unmarshal(raw, &jr); err != nil {
			return nil, at("", fmt.Errorf("not a ranking row: %w", err))
		}
		if jr.ISO3 == nil {
			return nil, at("iso3", errors.New("missing"))
		}
		c := opts.Countries.Get(egdi.ISO3(strings.ToUpper(strings.TrimSpace(*jr.ISO3))))
		if c == nil {
			return nil, at("iso3", fmt.Errorf("%q is not the ISO3 code of a UN Member State", *jr.ISO3))
		}
		if jr.Edition == nil {
			return nil, at("edition", errors.New("missing"))
		}
		y := *jr.Edition
		if !egdi.IsEditionYear(y) {
			return nil, at("edition", fmt.Errorf("%d is not a published edition (%s)", y, editionList()))
		}
		if opts.Edition != 0 && y != opts.Edition {
			return nil, at("edition", fmt.Errorf("the row is of edition %d, but edition %d was asked for", y, opts.Edition))
		}
		name := jr.Name
		if jr.NamePublished != "" {
			name = jr.NamePublished
		}
		var rec egdi.Record
		if jr.Assessed != nil && !*jr.Assessed {
			if jr.EGDIRank != nil || jr.EGDI != nil {
				return nil, at("assessed", errors.New("a row marked not assessed has a rank or an EGDI"))
			}
			rec = egdi.Record{Edition: y, ISO3: c.ISO3, Name: name}
		} else {
			var err error
			if rec, err = jsonRecord(jr, y, c.ISO3, name, at); err != nil {
				return nil, err
			}
		}
		r := unRow{rec: rec, i: k, line: k + 1}
		kk := key{y, c.ISO3}
		if prev, dup := seen[kk]; dup {
			if sameRecord(prev.rec, rec) {
				b.Skipped = append(b.Skipped, egdi.Skip{Row: k + 1, Reason: fmt.Sprintf("duplicate of element %d (%s %d)", prev.line, c.ISO3, y)})
				continue
			}
			return nil, at("", fmt.Errorf("%s %d has different values in element %d and element %d", c.ISO3, y, prev.line, k+1))
		}
		seen[kk] = r
		rows = append(rows, r)
	}
	b.Records = sortedRecords(rows)
	b.File, b.Source = name, SourceUN
	return b, nil
}

// jsonRecord is the record of an assessed ranking row: a rank and the
// five indices, each checked.
func jsonRecord(jr jsonRow, y int, iso egdi.ISO3, name string, at func(string, error) error) (egdi.Record, error) {
	if jr.EGDIRank == nil || *jr.EGDIRank < 1 || *jr.EGDIRank > 1000 {
		return egdi.Record{}, at("egdi_rank", errors.New("missing or not a rank (a whole number from 1)"))
	}
	rec := egdi.Record{Edition: y, ISO3: iso, Name: name, Assessed: true, Rank: *jr.EGDIRank}
	for _, f := range []struct {
		name string
		src  *float64
		dst  *float64
	}{{"egdi", jr.EGDI, &rec.EGDI}, {"osi", jr.OSI, &rec.OSI}, {"tii", jr.TII, &rec.TII}, {"hci", jr.HCI, &rec.HCI}, {"epi", jr.EPI, &rec.EPI}} {
		if f.src == nil {
			return egdi.Record{}, at(f.name, errors.New("missing"))
		}
		if err := checkIndex(f.name, *f.src); err != nil {
			return egdi.Record{}, at(f.name, err)
		}
		*f.dst = *f.src
	}
	return rec, nil
}

// sortedRecords returns the rows' records by edition, then ISO3: the order
// a batch keeps, whatever the order of the file.
func sortedRecords(rows []unRow) []egdi.Record {
	slices.SortFunc(rows, func(a, b unRow) int {
		if a.rec.Edition != b.rec.Edition {
			return a.rec.Edition - b.rec.Edition
		}
		return strings.Compare(string(a.rec.ISO3), string(b.rec.ISO3))
	})
	out := make([]egdi.Record, len(rows))
	for k, r := range rows {
		out[k] = r.rec
	}
	return out
}
