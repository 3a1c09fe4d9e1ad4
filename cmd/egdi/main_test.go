package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// egdiRun runs the program with args in a fresh data directory and
// returns its output and exit status.
func egdiRun(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{
		"EGDI_DB":       "sqlite:" + filepath.Join(dir, "egdi.db"),
		"XDG_DATA_HOME": dir,
		"HOME":          dir,
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"egdi"}, args...), func(k string) string { return env[k] }, &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update and review the diff):\n--- got\n%s", path, got)
	}
}

// TestGolden pins every output a person reads.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"rank_top10", []string{"rank", "--top", "10"}},
		{"rank_gcc_2018_ar", []string{"rank", "--edition", "2018", "--group", "gcc", "--lang", "ar"}},
		{"rank_western_asia_tii_csv", []string{"rank", "--edition", "2016", "--subregion", "Western Asia", "--by", "tii", "--format", "csv"}},
		{"rank_arab_2022_json", []string{"rank", "--edition", "2022", "--group", "arab", "--top", "3", "--format", "json"}},
		{"country_bhr", []string{"country", "BHR"}},
		{"country_bahrain_ar", []string{"country", "Bahrain", "--lang", "ar"}},
		{"country_kor_json", []string{"country", "Republic of Korea", "--format", "json"}},
		{"compare_gcc_2018", []string{"compare", "BHR", "ARE", "SAU", "QAT", "KWT", "OMN", "--edition", "2018"}},
		{"editions", []string{"editions"}},
		{"editions_csv", []string{"editions", "--format", "csv"}},
		{"editions_ar", []string{"editions", "--lang", "ar"}},
		{"compute_synthetic", []string{"compute", "--edition", "2022", "--input", "testdata/synthetic.csv"}},
		{"compute_synthetic_json", []string{"compute", "--edition", "2022", "--input", "testdata/synthetic.csv", "--format", "json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := egdiRun(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, tc.name, out)
		})
	}
}

// TestEditionsArabic: in Arabic every heading and value of the methodology
// table comes from the glossary — a key the glossary lacks would show as
// itself (i18n.T's fallback), with its "ed.", "ind.", "param." or "guess."
// prefix, or as an English word.
func TestEditionsArabic(t *testing.T) {
	out, errs, code := egdiRun(t, "editions", "--lang", "ar")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, leak := range []string{"ed.", "ind.", "param.", "guess.", "Index", "Internet", "literacy", "yes", "none", "competition", "truncate"} {
		if strings.Contains(out, leak) {
			t.Errorf("Arabic methodology table contains %q", leak)
		}
	}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line != "" && !strings.HasPrefix(line, rlm) {
			t.Errorf("line %d does not start with a right-to-left mark: %q", i+1, line)
		}
	}
}

// TestRankJSONContract checks the fields every ranking row carries.
func TestRankJSONContract(t *testing.T) {
	out, errs, code := egdiRun(t, "rank", "--edition", "2018", "--group", "gcc", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d GCC rows, want 6", len(rows))
	}
	for _, f := range []string{"iso3", "name", "edition", "egdi", "egdi_rank", "osi", "osi_rank", "tii", "tii_rank",
		"hci", "hci_rank", "epi", "epi_rank", "group", "region", "subregion", "rank_within"} {
		if _, ok := rows[0][f]; !ok {
			t.Errorf("field %q missing", f)
		}
	}
	// Bahrain 2018: 26th in the world, 2nd in the GCC after the UAE.
	if rows[1]["iso3"] != "BHR" || rows[1]["egdi_rank"] != 26.0 || rows[1]["rank_within"] != 2.0 {
		t.Errorf("second GCC row = %v %v %v, want BHR 26 2", rows[1]["iso3"], rows[1]["egdi_rank"], rows[1]["rank_within"])
	}
}

// TestCountryJSONContract checks `egdi country --format json`.
func TestCountryJSONContract(t *testing.T) {
	out, _, code := egdiRun(t, "country", "bhr", "--format", "json")
	if code != 0 {
		t.Fatal(code)
	}
	var c struct {
		ISO3    string `json:"iso3"`
		Name    string `json:"name"`
		History []struct {
			Edition  int     `json:"edition"`
			EGDIRank int     `json:"egdi_rank"`
			EGDI     float64 `json:"egdi"`
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.ISO3 != "BHR" || c.Name != "Bahrain" || len(c.History) != 12 || c.History[0].Edition != 2003 {
		t.Fatalf("got %s %s with %d editions", c.ISO3, c.Name, len(c.History))
	}
	for _, w := range []struct{ edition, rank int }{{2014, 18}, {2016, 24}, {2018, 26}} {
		for _, h := range c.History {
			if h.Edition == w.edition && h.EGDIRank != w.rank {
				t.Errorf("%d rank %d, want %d", w.edition, h.EGDIRank, w.rank)
			}
		}
	}
}

// TestArabicOutput: --lang ar prints Arabic names, the UN's Arabic index
// names and a right-to-left mark at the start of each line.
func TestArabicOutput(t *testing.T) {
	out, _, code := egdiRun(t, "rank", "--group", "gcc", "--lang", "ar")
	if code != 0 {
		t.Fatal(code)
	}
	for _, want := range []string{"البحرين", "مؤشر تطوير الحكومة الإلكترونية", "مؤشر الخدمات الإلكترونية",
		"مؤشر البنية التحتية للاتصالات", "مؤشر رأس المال البشري", "مؤشر المشاركة الإلكترونية"} {
		if !strings.Contains(out, want) {
			t.Errorf("Arabic output lacks %q", want)
		}
	}
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if !strings.HasPrefix(line, rlm) {
			t.Errorf("line %d does not start with U+200F", i+1)
		}
	}
}

// TestBadInput: every bad input gives exit status 2 and one clear message.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"UnknownCountry", []string{"country", "Atlantis"}, `Unknown country "Atlantis"`},
		{"UnknownEdition", []string{"rank", "--edition", "2007"}, "Unknown edition 2007"},
		{"UnknownIndex", []string{"rank", "--by", "gdp"}, `Unknown index "gdp"`},
		{"UnknownRegion", []string{"rank", "--region", "Atlantis"}, `Unknown region "Atlantis"`},
		{"UnknownGroup", []string{"rank", "--group", "g7"}, `Unknown group "g7"`},
		{"BadFormat", []string{"rank", "--format", "xml"}, `Unknown --format "xml"`},
		{"BadLang", []string{"rank", "--lang", "fr"}, `Unknown --lang "fr"`},
		{"NegativeTop", []string{"rank", "--top", "-1"}, "--top must be 0 or more"},
		{"NotAnInteger", []string{"rank", "--edition", "twenty"}, "invalid argument"},
		{"UnknownCommand", []string{"rnak"}, "unknown command"},
		{"UnknownFlag", []string{"rank", "--colour"}, "unknown flag"},
		{"CompareOne", []string{"compare", "BHR"}, "requires at least 2 arg"},
		{"CompareNotAssessed", []string{"compare", "SSD", "BHR", "--edition", "2010"}, "SSD was not assessed in edition 2010"},
		{"ComputeNoInput", []string{"compute", "--edition", "2022"}, "--input FILE.csv is required"},
		{"ComputeMissingFile", []string{"compute", "--input", filepath.Join(dir, "nope.csv")}, "Cannot read"},
		{"ComputeUnknownColumn", []string{"compute", "--input", write("a.csv", "iso3,osi,tii,hci,gdp\nBHR,1,1,1,5\n")}, `a.csv, row 1, column gdp: unknown column "gdp"`},
		{"ComputeNotANumber", []string{"compute", "--input", write("b.csv", "iso3,osi,tii,hci\nBHR,1,x,1\n")}, `b.csv, row 2, column tii: "x" is not a number`},
		{"ComputeMissingValue", []string{"compute", "--edition", "2022", "--input", write("c.csv", "iso3,osi,tii,hci\nBHR,1,0.5,0.5\nARE,0.9,,0.7\n")}, "c.csv, row 3, column tii: ARE has no value"},
		{"ComputeMissingColumn", []string{"compute", "--edition", "2022", "--input", write("d.csv", "iso3,osi,hci\nBHR,1,0.5\n")}, "d.csv, row 1: Edition 2022 needs tii or its inputs internet_users, mobile_subscriptions, active_mobile_broadband, fixed_broadband: column internet_users is missing"},
		{"ComputeRawNotPublished", []string{"compute", "--edition", "2008", "--input", write("e.csv", "iso3,osi,hci,internet_users\nBHR,1,0.5,50\n")}, "Edition 2008 needs the column tii"},
		{"ComputeDuplicate", []string{"compute", "--input", write("f.csv", "iso3,osi,tii,hci\nBHR,1,1,1\nBHR,1,1,1\n")}, "f.csv, row 3, column iso3: BHR appears twice"},
		{"ComputeNegative", []string{"compute", "--input", write("g.csv", "iso3,osi,tii,hci,fixed_broadband\nBHR,1,1,1,-3\n")}, "g.csv, row 2, column fixed_broadband: fixed_broadband = -3 is below 0"},
		{"ComputeLiteracy", []string{"compute", "--input", write("h.csv", "iso3,osi,tii,adult_literacy,gross_enrolment,expected_schooling,mean_schooling\nBHR,1,1,104,90,15,10\n")}, "column adult_literacy: adult_literacy = 104 is above 100"},
		{"ComputeUnknownCountry", []string{"compute", "--input", write("i.csv", "iso3,osi,tii,hci\nXKX,1,1,1\n")}, `unknown country code "XKX"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := egdiRun(t, tc.args...)
			if code != exitInvalid {
				t.Errorf("exit status %d, want %d (stderr %q)", code, exitInvalid, errs)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q does not contain %q", errs, tc.want)
			}
			if strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Errorf("want one line of error, got %q", errs)
			}
			if out != "" {
				t.Errorf("printed %q on stdout despite the error", out)
			}
		})
	}
}
