// Package cliparse reads what a user types or hands to the command line:
// the `--set ISO3.indicator=value` overrides of a what-if or a scenario and
// the CSV costs file of the target planner. It turns text into the domain's
// types (egdi.Set, egdi.Costs); the domain itself parses no input.
package cliparse

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// ParseSet reads `ISO3.indicator=value`, for example
// `BHR.internet_users=99.5` or `BHR.osi=0.95`. The indicator is a raw
// indicator of the TII or HCI or a component index (osi, tii, hci, epi);
// questionnaire points cannot be set, because points of one edition are
// not comparable with another's. Errors: egdi.EINVALID.
func ParseSet(s string) (egdi.Set, error) {
	bad := func(why string) (egdi.Set, error) {
		return egdi.Set{}, egdi.Errorf(egdi.EINVALID, "--set %q: %s (expected ISO3.indicator=value, e.g. BHR.internet_users=99.5).", s, why)
	}
	lhs, val, ok := strings.Cut(s, "=")
	if !ok {
		return bad("no '='")
	}
	code, name, ok := strings.Cut(strings.TrimSpace(lhs), ".")
	if !ok {
		return bad("no '.' between the country and the indicator")
	}
	iso := egdi.ISO3(strings.ToUpper(strings.TrimSpace(code)))
	if !iso.Valid() {
		return bad(fmt.Sprintf("%q is not an ISO3 code", code))
	}
	ind, ok := egdi.ParseIndicator(strings.ToLower(strings.TrimSpace(name)))
	if !ok {
		return bad(fmt.Sprintf("unknown indicator %q", name))
	}
	if ind == egdi.OSIPoints || ind == egdi.EPIPoints {
		return bad("questionnaire points cannot be set in a scenario; set osi or epi")
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
	if err != nil {
		return bad(fmt.Sprintf("%q is not a number", val))
	}
	if err := ind.CheckValue(v); err != nil {
		return bad(err.Error())
	}
	return egdi.Set{ISO3: iso, Indicator: ind, Value: v}, nil
}

// ParseCosts reads a costs file over base (usually [egdi.DefaultCosts]). The
// file is CSV with a header row naming the columns input, cost and,
// optionally, max; each row overrides one input:
//
//	input,cost,max
//	internet_users,1.5,
//	fixed_broadband,4,40
//	osi,80,0.95
//
// input is a what-if input name; cost is the effort per unit (≥ 0, finite);
// max, when given, is the highest value a plan may give the input (within
// the input's bounds, and ≤ 1 for an index); an empty cell keeps the
// default. Errors are *egdi.InputError values naming the file, row and column.
func ParseCosts(file string, data []byte, base egdi.Costs) (egdi.Costs, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	bad := func(row int, col string, format string, args ...any) error {
		return &egdi.InputError{File: file, Row: row, Column: col, Err: fmt.Errorf(format, args...)}
	}
	head, err := r.Read()
	if err == io.EOF {
		return base, bad(0, "", "empty file: the first row must be the header input,cost[,max]")
	}
	if err != nil {
		return base, csvError(file, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; dup {
			return base, bad(1, h, "column %q appears twice", h)
		}
		if h != "input" && h != "cost" && h != "max" {
			return base, bad(1, h, "unknown column %q: the columns are input, cost and max", h)
		}
		col[h] = i
	}
	if _, ok := col["input"]; !ok {
		return base, bad(1, "", "no column input: the header is input,cost[,max]")
	}
	if _, ok := col["cost"]; !ok {
		return base, bad(1, "", "no column cost: the header is input,cost[,max]")
	}
	out := base
	seen := map[egdi.Indicator]bool{}
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return base, csvError(file, err)
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		name := cell("input")
		ind, ok := egdi.ParseIndicator(strings.ToLower(name))
		if !ok || ind == egdi.OSIPoints || ind == egdi.EPIPoints {
			return base, bad(row, "input", "unknown input %q", name)
		}
		if seen[ind] {
			return base, bad(row, "input", "%s appears twice", ind)
		}
		seen[ind] = true
		v, err := strconv.ParseFloat(cell("cost"), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return base, bad(row, "cost", "cost %q is not a number ≥ 0", cell("cost"))
		}
		out[ind].PerUnit = v
		if s := cell("max"); s != "" {
			mx, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return base, bad(row, "max", "max %q is not a number", s)
			}
			if err := ind.CheckValue(mx); err != nil {
				return base, bad(row, "max", "%w", err)
			}
			if ind.IsIndex() && mx > 1 {
				return base, bad(row, "max", "%s = %g is above 1", ind, mx)
			}
			out[ind].Max = mx
		}
	}
	return out, nil
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &egdi.InputError{File: file, Row: pe.Line, Column: strconv.Itoa(pe.Column), Err: pe.Err}
	}
	return &egdi.InputError{File: file, Err: err}
}
