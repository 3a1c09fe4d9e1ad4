package cliparse

import (
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/questionnaire"
)

func TestParseItemCosts(t *testing.T) {
	set, err := questionnaire.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	q, _ := set.Get("osi-2024")
	for _, tc := range []struct {
		name, in, want string
	}{
		{"OK", "item,cost\nSP-095a,0.5\nif-010,10\n", ""},
		{"ErrHeader", "input,cost\nSP-095a,1\n", "header"},
		{"ErrUnknownItem", "item,cost\nXX-1,1\n", "row 2"},
		{"ErrCost", "item,cost\nSP-095a,-1\n", "cost"},
		{"ErrDuplicate", "item,cost\nSP-095a,1\nsp-095a,2\n", "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseItemCosts("costs.csv", []byte(tc.in), q)
			if tc.want == "" {
				if err != nil || c["SP-095a"] != 0.5 || c["IF-010"] != 10 {
					t.Fatalf("costs %v, err %v", c, err)
				}
				return
			}
			if egdi.ErrorCode(err) != egdi.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want EINVALID with %q", err, tc.want)
			}
		})
	}
}

// FuzzParseItemCosts: the parser never panics; what it accepts names
// items of the questionnaire with costs > 0.
func FuzzParseItemCosts(f *testing.F) {
	set, err := questionnaire.Builtin()
	if err != nil {
		f.Fatal(err)
	}
	q, _ := set.Get("osi-2024")
	f.Add([]byte("item,cost\nSP-095a,0.5\nIF-010,10\n"))
	f.Add([]byte("item,cost\n\"SP-095a\",1e6\n"))
	f.Add([]byte("\uFEFFitem,cost\r\nIF-010,3\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseItemCosts("costs.csv", data, q)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("code %q: %v", egdi.ErrorCode(err), err)
			}
			return
		}
		for item, v := range c {
			if it, _ := q.Item(item); it == nil || it.Code != item || !(v > 0) {
				t.Fatalf("accepted %s = %g", item, v)
			}
		}
	})
}
