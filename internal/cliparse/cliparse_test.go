package cliparse

import (
	"math"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

func mustBase(t testing.TB, year int, level egdi.Level) *egdi.Base {
	t.Helper()
	b, err := egdi.NewBase(builtin.MustDataset(), year, level)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseSet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want egdi.Set
		err  string
	}{
		{"BHR.internet_users=99.5", egdi.Set{ISO3: "BHR", Indicator: egdi.InternetUsers, Value: 99.5}, ""},
		{" bhr . osi = 0.95 ", egdi.Set{ISO3: "BHR", Indicator: egdi.OSI, Value: 0.95}, ""},
		{"BHR.tii=1", egdi.Set{ISO3: "BHR", Indicator: egdi.TII, Value: 1}, ""},
		{"BHR.osi", egdi.Set{}, "no '='"},
		{"BHR=0.5", egdi.Set{}, "no '.'"},
		{"BAHRAIN.osi=0.5", egdi.Set{}, "not an ISO3 code"},
		{"BHR.speed=1", egdi.Set{}, "unknown indicator"},
		{"BHR.osi_points=3", egdi.Set{}, "points cannot be set"},
		{"BHR.osi=high", egdi.Set{}, "not a number"},
		{"BHR.osi=1.2", egdi.Set{}, "above 1"},
		{"BHR.internet_users=NaN", egdi.Set{}, "finite"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSet(tc.in)
			if tc.err != "" {
				if egdi.ErrorCode(err) != egdi.EINVALID || !strings.Contains(egdi.ErrorMessage(err), tc.err) {
					t.Fatalf("ParseSet(%q) = %v, want EINVALID with %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseSet(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}

func FuzzParseSet(f *testing.F) {
	for _, s := range []string{"BHR.internet_users=99.5", "bhr.osi=0.95", "X.y=", "=.", "BHR.osi=1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseSet(s)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("ParseSet(%q): error code %s, want %s", s, egdi.ErrorCode(err), egdi.EINVALID)
			}
			return
		}
		if !st.ISO3.Valid() || st.Indicator.CheckValue(st.Value) != nil || st.Indicator == egdi.OSIPoints || st.Indicator == egdi.EPIPoints {
			t.Fatalf("ParseSet(%q) accepted %+v", s, st)
		}
	})
}

// TestParseCosts reads good files and names the place of every bad one.
func TestParseCosts(t *testing.T) {
	b := mustBase(t, 2022, egdi.ComponentLevel)
	def := egdi.DefaultCosts(b)
	good, err := ParseCosts("costs.csv", []byte("\uFEFFinput,cost,max\ninternet_users,1.5,\nosi,80,0.95\n\n"), def)
	if err != nil {
		t.Fatal(err)
	}
	if good[egdi.InternetUsers] != (egdi.Cost{PerUnit: 1.5, Max: 100}) || good[egdi.OSI] != (egdi.Cost{PerUnit: 80, Max: 0.95}) ||
		good[egdi.TII] != def[egdi.TII] {
		t.Errorf("parsed %+v %+v %+v", good[egdi.InternetUsers], good[egdi.OSI], good[egdi.TII])
	}
	if def[egdi.MobileSubscriptions].Max != 120 || def[egdi.ExpectedSchooling].Max != 18 || def[egdi.MeanSchooling].Max != 15 {
		t.Errorf("default ceilings: mobile %v, EYS %v, MYS %v", def[egdi.MobileSubscriptions].Max, def[egdi.ExpectedSchooling].Max,
			def[egdi.MeanSchooling].Max)
	}
	for _, tc := range []struct {
		name, in, where string
	}{
		{"ErrEmpty", "", "costs.csv: empty file"},
		{"ErrNoCostColumn", "input,max\nosi,1\n", "row 1"},
		{"ErrUnknownColumn", "input,cost,price\n", "row 1, column price"},
		{"ErrUnknownInput", "input,cost\nbroadband,1\n", "row 2, column input"},
		{"ErrPoints", "input,cost\nosi_points,1\n", "row 2, column input"},
		{"ErrNegativeCost", "input,cost\nosi,-1\n", "row 2, column cost"},
		{"ErrNaNCost", "input,cost\nosi,NaN\n", "row 2, column cost"},
		{"ErrMaxAboveOne", "input,cost,max\nosi,1,1.5\n", "row 2, column max"},
		{"ErrMaxAboveBound", "input,cost,max\ninternet_users,1,120\n", "row 2, column max"},
		{"ErrTwice", "input,cost\nosi,1\nosi,2\n", "row 3, column input"},
		{"ErrQuote", "input,cost\n\"osi,1\n", "costs.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCosts("costs.csv", []byte(tc.in), def)
			if egdi.ErrorCode(err) != egdi.EINVALID || !strings.Contains(egdi.ErrorMessage(err), tc.where) {
				t.Errorf("got %v (%s), want EINVALID naming %q", err, egdi.ErrorCode(err), tc.where)
			}
		})
	}
}

// FuzzParseCosts: any file either parses into finite, non-negative costs
// within bounds, or fails with an EINVALID *InputError; it never panics.
func FuzzParseCosts(f *testing.F) {
	for _, s := range []string{"input,cost,max\ninternet_users,1.5,\nosi,80,0.95\n", "input,cost\n", "cost,input\n1,osi\n",
		"input,cost,max\nfixed_broadband,4,40\n", "\"", "input,cost\nosi,1e308\n"} {
		f.Add([]byte(s))
	}
	b := mustBase(f, 2022, egdi.ComponentLevel)
	def := egdi.DefaultCosts(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCosts("fuzz.csv", data, def)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("error %v has code %s", err, egdi.ErrorCode(err))
			}
			return
		}
		for i, x := range c {
			ind := egdi.Indicator(i)
			if math.IsNaN(x.PerUnit) || math.IsInf(x.PerUnit, 0) || x.PerUnit < 0 {
				t.Fatalf("%s cost %v", ind, x.PerUnit)
			}
			if x != def[i] && ind.CheckValue(x.Max) != nil {
				t.Fatalf("%s max %v out of bounds", ind, x.Max)
			}
		}
	})
}
