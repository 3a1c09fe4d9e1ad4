package tabular_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/tabular"
)

func TestReadInputs(t *testing.T) {
	cs := builtin.MustDataset().Countries
	for _, tc := range []struct {
		name    string
		in      string
		wantErr string // substring of the error; "" = no error
		row     int
		col     string
	}{
		{name: "OK", in: "iso3,internet_users,osi\nBHR,99.7,0.9\nARE,100,1\n"},
		{name: "OKBOM", in: "\ufeffiso3,osi\nBHR,0.5\n"},
		{name: "OKBlankValueIsMissing", in: "iso3,osi,epi\nBHR,0.5,\n"},
		{name: "OKLowerCaseCode", in: "iso3,osi\nbhr,0.5\n"},
		{name: "ErrEmpty", in: "", wantErr: "empty"},
		{name: "ErrHeaderOnly", in: "iso3,osi\n", wantErr: "no country rows"},
		{name: "ErrFirstColumn", in: "country,osi\nBHR,1\n", wantErr: "first column must be iso3", row: 1, col: "country"},
		{name: "ErrUnknownColumn", in: "iso3,internet\nBHR,1\n", wantErr: `unknown column "internet"`, row: 1, col: "internet"},
		{name: "ErrDuplicateColumn", in: "iso3,osi,osi\nBHR,1,1\n", wantErr: "appears twice", row: 1, col: "osi"},
		{name: "ErrNotANumber", in: "iso3,osi\nBHR,high\n", wantErr: `"high" is not a number`, row: 2, col: "osi"},
		{name: "ErrHexNumber", in: "iso3,osi\nBHR,0x1p-2\n", wantErr: "is not a number", row: 2, col: "osi"},
		{name: "ErrNaN", in: "iso3,osi\nBHR,NaN\n", wantErr: "is not a number", row: 2, col: "osi"},
		{name: "ErrNegative", in: "iso3,fixed_broadband\nBHR,-1\n", wantErr: "below 0", row: 2, col: "fixed_broadband"},
		{name: "ErrLiteracyAbove100", in: "iso3,adult_literacy\nBHR,101\n", wantErr: "above 100", row: 2, col: "adult_literacy"},
		{name: "ErrOSIAbove1", in: "iso3,osi\nBHR,1.3\n", wantErr: "above 1", row: 2, col: "osi"},
		{name: "ErrUnknownCountry", in: "iso3,osi\nXYZ,0.5\n", wantErr: `unknown country code "XYZ"`, row: 2, col: "iso3"},
		{name: "ErrDuplicateCountry", in: "iso3,osi\nBHR,0.5\nARE,0.4\nBHR,0.6\n", wantErr: "BHR appears twice (also row 2)", row: 4, col: "iso3"},
		{name: "ErrShortRow", in: "iso3,osi,tii\nBHR,0.5\n", wantErr: "2 fields, but the header has 3", row: 2},
		{name: "ErrBareQuote", in: "iso3,osi\nBHR,0\"5\n", wantErr: "bare", row: 2},
		{name: "ErrUTF16", in: "\xff\xfei\x00s\x00", wantErr: "UTF-16"},
		{name: "ErrWindows1256", in: "iso3,osi\n\xc7\xe1\xc8\xcd\xd1\xed\xe4,0.5\n", wantErr: "not UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tabular.ReadInputs("in.csv", strings.NewReader(tc.in), cs)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if f.Inputs.Len() == 0 {
					t.Fatal("no rows read")
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
			var ie *egdi.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *egdi.InputError", err)
			}
			if ie.File != "in.csv" || ie.Row != tc.row || (tc.col != "" && ie.Column != tc.col) {
				t.Errorf("error at file %q row %d column %q, want in.csv row %d column %q", ie.File, ie.Row, ie.Column, tc.row, tc.col)
			}
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Errorf("code %q, want %q", egdi.ErrorCode(err), egdi.EINVALID)
			}
		})
	}
}

func TestReadInputsValues(t *testing.T) {
	f, err := tabular.ReadInputs("in.csv", strings.NewReader("iso3,osi,epi\nBHR,0.5,\nARE,1,0.25\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	in := f.Inputs
	if in.Get(egdi.OSI, 0) != 0.5 || !math.IsNaN(in.Get(egdi.EPI, 0)) || in.Get(egdi.EPI, 1) != 0.25 {
		t.Errorf("values osi %v epi %v/%v, want 0.5, NaN, 0.25", in.Get(egdi.OSI, 0), in.Get(egdi.EPI, 0), in.Get(egdi.EPI, 1))
	}
	// A value the computation needs but missing: named by row and column.
	err = f.CheckComplete([]egdi.Indicator{egdi.OSI, egdi.EPI})
	var ie *egdi.InputError
	if !errors.As(err, &ie) || ie.Row != 2 || ie.Column != "epi" {
		t.Errorf("CheckComplete = %v, want an error at row 2 column epi", err)
	}
}

func TestReadInputsTooLarge(t *testing.T) {
	big := "iso3,osi\n" + strings.Repeat("BHR,0.5\n", tabular.MaxInputSize/8+1)
	_, err := tabular.ReadInputs("big.csv", strings.NewReader(big), nil)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}

// FuzzReadInputs: any bytes give either inputs whose every value is within
// its indicator's bounds (or missing), or an *egdi.InputError — never a
// panic, never a silent zero for an unparsable cell.
func FuzzReadInputs(f *testing.F) {
	for _, s := range []string{
		"iso3,internet_users,mobile_subscriptions,active_mobile_broadband,fixed_broadband,osi,hci\nBHR,99.67,102.77,109.38,8.75,0.75,0.8\n",
		"\ufeffiso3,osi\nbhr,0.5\n",
		"iso3,osi\nBHR,\"0.5\"\n",
		"iso3,adult_literacy\nBHR,101\n",
		"iso3,osi\nBHR,1e-3\nARE,0\n",
		"# my forecast\n\niso3,osi\nBHR,0.5\n",
		"PK\x03\x04\x14\x00",
	} {
		f.Add([]byte(s))
	}
	cs := builtin.MustDataset().Countries
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := tabular.ReadInputs("fuzz.csv", strings.NewReader(string(b)), cs)
		if err != nil {
			var ie *egdi.InputError
			if !errors.As(err, &ie) || ie.File != "fuzz.csv" {
				t.Fatalf("error %v (%T) is not an InputError naming the file", err, err)
			}
			return
		}
		in := got.Inputs
		if in.Len() == 0 {
			t.Fatal("no error and no rows")
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("accepted inputs fail validation: %v", err)
		}
		for i, c := range in.Countries {
			if cs.Get(c) == nil {
				t.Fatalf("row %d: unknown country %q accepted", i, c)
			}
		}
	})
}
