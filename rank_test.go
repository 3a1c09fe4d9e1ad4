package egdi

import "testing"

func TestClassOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		want [4]int // countries per class
	}{
		{"2020 very high (57)", 57, [4]int{14, 14, 14, 15}},
		{"2022 very high (60)", 60, [4]int{15, 15, 15, 15}},
		{"2022 low (7)", 7, [4]int{1, 2, 2, 2}},
		{"four", 4, [4]int{1, 1, 1, 1}},
		{"two", 2, [4]int{1, 1, 0, 0}},
		{"one", 1, [4]int{1, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got [4]int
			for p := range tc.n {
				got[classOf(p, tc.n)]++
			}
			if got != tc.want {
				t.Errorf("classes %v, want %v", got, tc.want)
			}
		})
	}
}
