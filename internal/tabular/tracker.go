package tabular

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/egdi-project/egdi"
)

// Strategy and cooperation files (`egdi strategy import|export`, `egdi
// cooperation import|export`), in three formats told apart by content:
// JSON (an array, exactly as the export and `list --format json` write
// it), XLSX (the first sheet) and CSV (UTF-8, comma).
//
// A strategy table is in long form, one item a row, parents before their
// children; the record column says what a row is and which columns it
// uses (other cells must be empty):
//
//	record      strategy  wave  initiative  kpi  name  name_ar  owner  scope  iso3  measure  lower_is_better  year  to_year  value  evidence
//	strategy    S                                title title_ar owner  scope   (and description, description_ar, source)
//	wave        S         W                      -     name_ar                                                 from  to
//	priority    S         W                      text
//	initiative  S         (W)   I                -     name_ar  owner
//	kpi         S               I           K    name  name_ar  owner         (iso3  measure) lower_is_better
//	baseline    S                           K                                                                  year         value
//	target      S                           K                                                                  year         value
//	entry       S                           K                                                                  year         value  evidence
//
// A KPI with iso3 and measure is bound to egdi's data; without them its
// values are its entries. A cooperation table has one record a row:
// kind, date, end, parties, topic, topic_ar, title, title_ar, documents,
// documents_ar, outcomes, outcomes_ar, source; the list cells (parties, documents, outcomes) separate items
// with " | ". Imported items are never marked as sample.

// StrategyColumns and CooperationColumns are the headers the writers use.
var (
	StrategyColumns = []string{"record", "strategy", "wave", "initiative", "kpi", "name", "name_ar", "owner", "scope",
		"iso3", "measure", "lower_is_better", "year", "to_year", "value", "evidence", "description", "description_ar", "source"}
	CooperationColumns = []string{"kind", "date", "end", "parties", "topic", "topic_ar", "title", "title_ar", "documents", "documents_ar",
		"outcomes", "outcomes_ar", "source"}
)

// listSep separates the items of a list cell.
const listSep = " | "

// trackerGrid reads a file's first table (CSV or the first XLSX sheet),
// or returns the JSON text when the file is a JSON array.
func trackerGrid(name string, r io.Reader) (*grid, []byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, nil, &egdi.InputError{File: name, Err: err}
	}
	if len(data) > MaxImportSize {
		return nil, nil, &egdi.InputError{File: name, Err: fmt.Errorf("the file is larger than %d MiB, the import limit", MaxImportSize>>20)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &egdi.InputError{File: name, Err: errors.New("the file is empty")}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		gs, err := readXLSX(context.Background(), name, data) // tracker files are small: read whole, not cancelled
		if err != nil {
			return nil, nil, err
		}
		g := gs[0]
		if g.load != nil {
			if err := g.load(); err != nil {
				return nil, nil, err
			}
		}
		return g, nil, nil
	}
	if bytes.HasPrefix(data, []byte("PK")) || bytes.HasPrefix(data, oleMagic) {
		return nil, nil, &egdi.InputError{File: name, Err: errors.New("not a readable file: use CSV, XLSX or JSON")}
	}
	text, err := decodeText(name, data)
	if err != nil {
		return nil, nil, err
	}
	if t := bytes.TrimLeft(text, " \t\r\n"); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return nil, t, nil
	}
	g, err := readCSV(context.Background(), name, text)
	return g, nil, err
}

// jsonError turns a decoding error into an InputError with the line.
func jsonError(name string, text []byte, off int64, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	e := &egdi.InputError{File: name, Err: err}
	if off >= 0 && off <= int64(len(text)) {
		e.Row = 1 + bytes.Count(text[:off], []byte("\n"))
	}
	return e
}

func decodeJSON(name string, text []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(name, text, dec.InputOffset(), err)
	}
	if dec.More() {
		return &egdi.InputError{File: name, Err: errors.New("text after the JSON array")}
	}
	return nil
}

// header maps the header row's columns to their indices; unknown and
// repeated columns are errors.
func (g *grid) header(known []string) (map[string]int, int, error) {
	hi := -1
	for i := range g.rows {
		if !g.blank(i) {
			hi = i
			break
		}
	}
	if hi < 0 {
		return nil, 0, &egdi.InputError{File: g.file, Sheet: g.sheet, Err: errors.New("the file has no header row")}
	}
	col := map[string]int{}
	for j := range g.rows[hi] {
		c, err := g.cell(hi, hi, j)
		if err != nil {
			return nil, 0, err
		}
		k := headerKey(c)
		if k == "" {
			continue
		}
		if !slices.Contains(known, k) {
			return nil, 0, g.err(hi, j, fmt.Errorf("unknown column %q: the columns are %s", c, strings.Join(known, ", ")))
		}
		if _, dup := col[k]; dup {
			return nil, 0, g.err(hi, j, fmt.Errorf("column %q appears twice", k))
		}
		col[k] = j
	}
	return col, hi, nil
}

// ReadStrategies reads a strategy file (see the package comment above).
// Errors are *egdi.InputError values naming the file, sheet, row and
// column; the strategies are then validated against cs ([egdi.Strategy.Validate]).
func ReadStrategies(name string, r io.Reader, cs *egdi.Countries) (out []*egdi.Strategy, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &egdi.InputError{File: name, Err: fmt.Errorf("cannot read the file (internal error: %v)", p)}
		}
	}()
	g, js, err := trackerGrid(name, r)
	if err != nil {
		return nil, err
	}
	if js != nil {
		if err := decodeJSON(name, js, &out); err != nil {
			return nil, err
		}
		if out == nil {
			return nil, &egdi.InputError{File: name, Err: errors.New("the JSON is not an array of strategies")}
		}
		for i, s := range out {
			if s == nil {
				return nil, &egdi.InputError{File: name, Err: fmt.Errorf("item %d is null", i+1)}
			}
			s.Sample = false
		}
	} else if out, err = strategiesFromGrid(g); err != nil {
		return nil, err
	}
	for _, s := range out {
		if err := s.Validate(cs); err != nil {
			return nil, &egdi.InputError{File: name, Err: errors.New(egdi.ErrorMessage(err))}
		}
	}
	return out, nil
}

func strategiesFromGrid(g *grid) ([]*egdi.Strategy, error) {
	col, hi, err := g.header(StrategyColumns)
	if err != nil {
		return nil, err
	}
	if _, ok := col["record"]; !ok {
		return nil, g.err(hi, -1, errors.New("no column record: see egdi strategy export for the layout"))
	}
	uses := map[string][]string{
		"strategy":   {"strategy", "name", "name_ar", "owner", "scope", "description", "description_ar", "source"},
		"wave":       {"strategy", "wave", "name_ar", "year", "to_year"},
		"priority":   {"strategy", "wave", "name"},
		"initiative": {"strategy", "wave", "initiative", "name_ar", "owner"},
		"kpi":        {"strategy", "initiative", "kpi", "name", "name_ar", "owner", "iso3", "measure", "lower_is_better"},
		"baseline":   {"strategy", "kpi", "year", "value"},
		"target":     {"strategy", "kpi", "year", "value"},
		"entry":      {"strategy", "kpi", "year", "value", "evidence"},
	}
	out := []*egdi.Strategy{}
	byName := map[string]*egdi.Strategy{}
	for i := hi + 1; i < len(g.rows); i++ {
		if g.blank(i) {
			continue
		}
		if err := g.checkWidth(i, hi); err != nil {
			return nil, err
		}
		cells := map[string]string{}
		for k, j := range col {
			v, err := g.cell(i, hi, j)
			if err != nil {
				return nil, err
			}
			cells[k] = v
		}
		bad := func(c string, format string, args ...any) error {
			j := -1
			if c != "" {
				j = col[c]
			}
			return g.errAt(i, hi, j, fmt.Errorf(format, args...))
		}
		rec := strings.ToLower(cells["record"])
		use, ok := uses[rec]
		if !ok {
			return nil, bad("record", "unknown record %q: strategy, wave, priority, initiative, kpi, baseline, target or entry", cells["record"])
		}
		for k, v := range cells {
			if v != "" && k != "record" && !slices.Contains(use, k) {
				return nil, bad(k, "a %s row has no %s (leave the cell empty)", rec, k)
			}
		}
		num := func(c string) (float64, error) {
			v, err := strconv.ParseFloat(cells[c], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, bad(c, "%q is not a number", cells[c])
			}
			return v, nil
		}
		year := func(c string) (int, error) {
			if cells[c] == "" && rec == "wave" {
				return 0, nil
			}
			y, err := strconv.Atoi(cells[c])
			if err != nil {
				return 0, bad(c, "%q is not a year", cells[c])
			}
			return y, nil
		}
		sname := cells["strategy"]
		if sname == "" {
			return nil, bad("strategy", "the strategy is empty")
		}
		if rec == "strategy" {
			if byName[sname] != nil {
				return nil, bad("strategy", "strategy %q appears twice", sname)
			}
			s := &egdi.Strategy{Name: sname, Title: cells["name"], TitleAR: cells["name_ar"], Owner: cells["owner"], Scope: cells["scope"],
				Description: cells["description"], DescriptionAR: cells["description_ar"], Source: cells["source"]}
			byName[sname] = s
			out = append(out, s)
			continue
		}
		s := byName[sname]
		if s == nil {
			return nil, bad("strategy", "no strategy row for %q above this row", sname)
		}
		kpi := func() (*egdi.KPI, error) {
			_, k := s.FindKPI(cells["kpi"])
			if k == nil {
				return nil, bad("kpi", "no kpi row for %q above this row", cells["kpi"])
			}
			return k, nil
		}
		switch rec {
		case "wave":
			from, err := year("year")
			if err != nil {
				return nil, err
			}
			to, err := year("to_year")
			if err != nil {
				return nil, err
			}
			s.Waves = append(s.Waves, egdi.Wave{Name: cells["wave"], NameAR: cells["name_ar"], From: from, To: to})
		case "priority":
			found := false
			for w := range s.Waves {
				if s.Waves[w].Name == cells["wave"] {
					s.Waves[w].Priorities = append(s.Waves[w].Priorities, cells["name"])
					found = true
				}
			}
			if !found {
				return nil, bad("wave", "no wave row for %q above this row", cells["wave"])
			}
		case "initiative":
			s.Initiatives = append(s.Initiatives, egdi.Initiative{Name: cells["initiative"], NameAR: cells["name_ar"], Wave: cells["wave"], Owner: cells["owner"]})
		case "kpi":
			var in *egdi.Initiative
			for n := range s.Initiatives {
				if s.Initiatives[n].Name == cells["initiative"] {
					in = &s.Initiatives[n]
				}
			}
			if in == nil {
				return nil, bad("initiative", "no initiative row for %q above this row", cells["initiative"])
			}
			if _, dup := s.FindKPI(cells["kpi"]); dup != nil {
				return nil, bad("kpi", "KPI %q appears twice", cells["kpi"])
			}
			k := egdi.KPI{ID: cells["kpi"], Name: cells["name"], NameAR: cells["name_ar"], Owner: cells["owner"]}
			if cells["iso3"] != "" || cells["measure"] != "" {
				k.Binding = &egdi.Binding{ISO3: strings.ToUpper(cells["iso3"]), Measure: strings.ToLower(cells["measure"])}
			}
			switch strings.ToLower(cells["lower_is_better"]) {
			case "", "false", "no", "0":
			case "true", "yes", "1":
				k.Lower = true
			default:
				return nil, bad("lower_is_better", "%q is not true or false", cells["lower_is_better"])
			}
			in.KPIs = append(in.KPIs, k)
		default: // baseline, target, entry
			k, err := kpi()
			if err != nil {
				return nil, err
			}
			y, err := year("year")
			if err != nil {
				return nil, err
			}
			v, err := num("value")
			if err != nil {
				return nil, err
			}
			switch rec {
			case "baseline":
				if k.Baseline != nil {
					return nil, bad("kpi", "KPI %q has two baselines", k.ID)
				}
				k.Baseline = &egdi.Point{Year: y, Value: v}
			case "target":
				k.Targets = append(k.Targets, egdi.Point{Year: y, Value: v})
			case "entry":
				k.Entries = append(k.Entries, egdi.Entry{Year: y, Value: v, Evidence: cells["evidence"]})
			}
		}
	}
	return out, nil
}

// StrategyRows returns the strategies as the rows of a strategy table
// (without the header).
func StrategyRows(ss []*egdi.Strategy) [][]string {
	var rows [][]string
	add := func(kv ...string) {
		r := make([]string, len(StrategyColumns))
		for i := 0; i < len(kv); i += 2 {
			r[slices.Index(StrategyColumns, kv[i])] = kv[i+1]
		}
		rows = append(rows, r)
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	yr := func(y int) string {
		if y == 0 {
			return ""
		}
		return strconv.Itoa(y)
	}
	for _, s := range ss {
		add("record", "strategy", "strategy", s.Name, "name", s.Title, "name_ar", s.TitleAR, "owner", s.Owner, "scope", s.Scope,
			"description", s.Description, "description_ar", s.DescriptionAR, "source", s.Source)
		for _, w := range s.Waves {
			add("record", "wave", "strategy", s.Name, "wave", w.Name, "name_ar", w.NameAR, "year", yr(w.From), "to_year", yr(w.To))
			for _, p := range w.Priorities {
				add("record", "priority", "strategy", s.Name, "wave", w.Name, "name", p)
			}
		}
		for _, in := range s.Initiatives {
			add("record", "initiative", "strategy", s.Name, "wave", in.Wave, "initiative", in.Name, "name_ar", in.NameAR, "owner", in.Owner)
			for _, k := range in.KPIs {
				iso, m := "", ""
				if k.Binding != nil {
					iso, m = k.Binding.ISO3, k.Binding.Measure
				}
				lower := ""
				if k.Lower {
					lower = "true"
				}
				add("record", "kpi", "strategy", s.Name, "initiative", in.Name, "kpi", k.ID, "name", k.Name, "name_ar", k.NameAR,
					"owner", k.Owner, "iso3", iso, "measure", m, "lower_is_better", lower)
				if b := k.Baseline; b != nil {
					add("record", "baseline", "strategy", s.Name, "kpi", k.ID, "year", yr(b.Year), "value", num(b.Value))
				}
				for _, t := range k.Targets {
					add("record", "target", "strategy", s.Name, "kpi", k.ID, "year", yr(t.Year), "value", num(t.Value))
				}
				for _, e := range k.Entries {
					add("record", "entry", "strategy", s.Name, "kpi", k.ID, "year", yr(e.Year), "value", num(e.Value), "evidence", e.Evidence)
				}
			}
		}
	}
	return rows
}

// ReadCooperation reads a cooperation file (see the package comment
// above). Errors are *egdi.InputError values naming the file, sheet, row
// and column; records are validated against cs.
func ReadCooperation(name string, r io.Reader, cs *egdi.Countries) (out []*egdi.Cooperation, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &egdi.InputError{File: name, Err: fmt.Errorf("cannot read the file (internal error: %v)", p)}
		}
	}()
	g, js, err := trackerGrid(name, r)
	if err != nil {
		return nil, err
	}
	rowOf := map[*egdi.Cooperation]int{}
	if js != nil {
		if err := decodeJSON(name, js, &out); err != nil {
			return nil, err
		}
		if out == nil {
			return nil, &egdi.InputError{File: name, Err: errors.New("the JSON is not an array of cooperation records")}
		}
		for i, c := range out {
			if c == nil {
				return nil, &egdi.InputError{File: name, Err: fmt.Errorf("item %d is null", i+1)}
			}
			c.Sample, c.ID = false, 0
		}
	} else {
		out = []*egdi.Cooperation{}
		col, hi, err := g.header(CooperationColumns)
		if err != nil {
			return nil, err
		}
		for _, need := range []string{"kind", "parties", "title"} {
			if _, ok := col[need]; !ok {
				return nil, g.err(hi, -1, fmt.Errorf("no column %s: the columns are %s", need, strings.Join(CooperationColumns, ", ")))
			}
		}
		for i := hi + 1; i < len(g.rows); i++ {
			if g.blank(i) {
				continue
			}
			if err := g.checkWidth(i, hi); err != nil {
				return nil, err
			}
			cells := map[string]string{}
			for k, j := range col {
				v, err := g.cell(i, hi, j)
				if err != nil {
					return nil, err
				}
				cells[k] = v
			}
			c := &egdi.Cooperation{Kind: egdi.CooperationKind(strings.ToLower(cells["kind"])), Date: cells["date"], End: cells["end"],
				Parties: splitList(cells["parties"]), Topic: cells["topic"], TopicAR: cells["topic_ar"], Title: cells["title"], TitleAR: cells["title_ar"],
				Documents: splitList(cells["documents"]), DocumentsAR: splitList(cells["documents_ar"]),
				Outcomes: splitList(cells["outcomes"]), OutcomesAR: splitList(cells["outcomes_ar"]), Source: cells["source"]}
			rowOf[c] = g.nums[i]
			out = append(out, c)
		}
	}
	keys := map[egdi.CooperationKey]int{}
	for i, c := range out {
		row := rowOf[c]
		if err := c.Validate(cs); err != nil {
			return nil, &egdi.InputError{File: name, Sheet: sheetOf(g), Row: row, Err: errors.New(egdi.ErrorMessage(err))}
		}
		if j, dup := keys[c.Key()]; dup {
			return nil, &egdi.InputError{File: name, Sheet: sheetOf(g), Row: row,
				Err: fmt.Errorf("record %d repeats record %d (same kind, date and title)", i+1, j+1)}
		}
		keys[c.Key()] = i
	}
	return out, nil
}

func sheetOf(g *grid) string {
	if g == nil {
		return ""
	}
	return g.sheet
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// CooperationRows returns the records as the rows of a cooperation table.
func CooperationRows(rs []*egdi.Cooperation) [][]string {
	rows := make([][]string, len(rs))
	for i, c := range rs {
		rows[i] = []string{string(c.Kind), c.Date, c.End, strings.Join(c.Parties, listSep), c.Topic, c.TopicAR, c.Title, c.TitleAR,
			strings.Join(c.Documents, listSep), strings.Join(c.DocumentsAR, listSep), strings.Join(c.Outcomes, listSep),
			strings.Join(c.OutcomesAR, listSep), c.Source}
	}
	return rows
}

// WriteTracker writes a table (head, rows) as csv or xlsx (one sheet
// named sheet), or v as json.
func WriteTracker(w io.Writer, format, sheet string, head []string, rows [][]string, v any) error {
	switch format {
	case "json":
		return EncodeJSON(w, v)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(head); err != nil {
			return err
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	case "xlsx":
		f := excelize.NewFile()
		defer func() { _ = f.Close() }()
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
		if err := setRow(f, sheet, 1, head); err != nil {
			return err
		}
		for i, r := range rows {
			if err := setRow(f, sheet, i+2, r); err != nil {
				return err
			}
		}
		_, err := f.WriteTo(w)
		return err
	}
	return egdi.Errorf(egdi.EINVALID, "Unknown format %q: choose csv, xlsx or json.", format)
}
