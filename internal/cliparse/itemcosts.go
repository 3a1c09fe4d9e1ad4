package cliparse

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// ParseItemCosts reads a costs file for items: CSV with the header
// item,cost; each row sets one item's effort (a number > 0, any scale —
// the defaults are 1 small … 5 very large). Errors are *InputError values
// naming the file, row and column (egdi.EINVALID).
func ParseItemCosts(file string, data []byte, q *egdi.Questionnaire) (egdi.ItemCosts, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	bad := func(row int, col, format string, args ...any) error {
		return &egdi.InputError{File: file, Row: row, Column: col, Err: fmt.Errorf(format, args...)}
	}
	head, err := r.Read()
	if err == io.EOF {
		return nil, bad(0, "", "empty file: the first row must be the header item,cost")
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	if len(head) < 2 || strings.ToLower(strings.TrimSpace(strings.TrimPrefix(head[0], "\uFEFF"))) != "item" || strings.ToLower(strings.TrimSpace(head[1])) != "cost" {
		return nil, bad(1, "", "the header must be item,cost")
	}
	out := egdi.ItemCosts{}
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < 2 {
			return nil, bad(row, "cost", "no cost")
		}
		it, _ := q.Item(strings.TrimSpace(rec[0]))
		if it == nil {
			return nil, bad(row, "item", "item %q is not in questionnaire %s", rec[0], q.ID)
		}
		if _, dup := out[it.Code]; dup {
			return nil, bad(row, "item", "%s appears twice", it.Code)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) || v > 1e6 {
			return nil, bad(row, "cost", "cost %q is not a number > 0", rec[1])
		}
		out[it.Code] = v
	}
	return out, nil
}
