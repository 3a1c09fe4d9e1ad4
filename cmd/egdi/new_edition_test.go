package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// edition2026 is a 2026 file made from the relabelled 2024 Data Center
// file with known changes: Bahrain's OSI becomes 0.99, Denmark's TII falls
// by 0.1 and Kenya's HCI rises by 0.05; every EGDI is then w·(OSI, TII,
// HCI) rounded to 5 dp and the ranks are competition ranks of it. Drop
// names columns to leave out.
type edition2026 struct {
	weights [3]float64
	drop    []string
	// Filled by write: the values of the file and of 2024, by code.
	egdi, egdi24, osi24 map[egdi.ISO3]float64
	rank, rank24        map[egdi.ISO3]int
}

// The known changes.
const (
	bhrOSI2026 = 0.99
	dnkTIIDrop = 0.1
	kenHCIRise = 0.05
)

// write writes the file into dir and returns its path.
func (e *edition2026) write(t *testing.T, dir string) string {
	t.Helper()
	src := sharedFile(t, "egdi/un_datacenter/EGOV_DATA_2024_relabelled.csv")
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	col := map[string]int{}
	for j, h := range head {
		col[h] = j
	}
	name := map[string]egdi.ISO3{"Bahrain": "BHR", "Denmark": "DNK", "Kenya": "KEN"}
	num := func(r []string, c string) float64 {
		v, err := strconv.ParseFloat(r[col[c]], 64)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		return v
	}
	d := builtin.MustDataset() // for the country codes
	e.egdi, e.egdi24, e.osi24 = map[egdi.ISO3]float64{}, map[egdi.ISO3]float64{}, map[egdi.ISO3]float64{}
	e.rank, e.rank24 = map[egdi.ISO3]int{}, map[egdi.ISO3]int{}
	codes := make([]egdi.ISO3, len(rows)-1)
	vals := make([]float64, len(rows)-1)
	for i, r := range rows[1:] {
		c, err := d.Countries.Lookup(strings.TrimSpace(r[col["Country"]]))
		if err != nil {
			t.Fatal(err)
		}
		codes[i] = c.ISO3
		e.egdi24[c.ISO3], e.osi24[c.ISO3] = num(r, "E_Index"), num(r, "Online_Service")
		e.rank24[c.ISO3], _ = strconv.Atoi(r[col["Rank"]])
		osi, tii, hci := num(r, "Online_Service"), num(r, "Tele_Infra"), num(r, "Human_Capital")
		switch name[strings.TrimSpace(r[col["Country"]])] {
		case "BHR":
			osi = bhrOSI2026
		case "DNK":
			tii -= dnkTIIDrop
		case "KEN":
			hci += kenHCIRise
		}
		r[col["Survey Year"]] = "2026"
		r[col["Online_Service"]] = strconv.FormatFloat(osi, 'f', 5, 64)
		r[col["Tele_Infra"]] = strconv.FormatFloat(tii, 'f', 5, 64)
		r[col["Human_Capital"]] = strconv.FormatFloat(hci, 'f', 5, 64)
		w := e.weights
		vals[i] = math.Round((w[0]*osi+w[1]*tii+w[2]*hci)*1e5) / 1e5
		r[col["E_Index"]] = strconv.FormatFloat(vals[i], 'f', 5, 64)
	}
	for i, r := range rows[1:] {
		rank := 1
		for _, v := range vals {
			if v > vals[i] {
				rank++
			}
		}
		r[col["Rank"]] = strconv.Itoa(rank)
		e.rank[codes[i]], e.egdi[codes[i]] = rank, vals[i]
	}
	// Drop columns.
	keep := []int{}
	for j, h := range head {
		if !strings.Contains(strings.Join(e.drop, "\x00"), h) {
			keep = append(keep, j)
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	for _, r := range rows {
		out := make([]string, 0, len(keep))
		for _, j := range keep {
			out = append(out, r[j])
		}
		_ = w.Write(out) // writing to a strings.Builder does not fail
	}
	w.Flush()
	path := filepath.Join(dir, "EGOV_DATA_2026.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var equalWeights = [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3}

func jsonOut(t *testing.T, env map[string]string, v any, args ...string) {
	t.Helper()
	if err := json.Unmarshal([]byte(mustEgdi(t, env, args...)), v); err != nil {
		t.Fatalf("egdi %s: %v", strings.Join(args, " "), err)
	}
}

// TestNewEdition imports a 2026 file and uses it as every command uses a
// built-in edition.
func TestNewEdition(t *testing.T) {
	env := storeEnv(t)
	e := &edition2026{weights: equalWeights}
	file := e.write(t, t.TempDir())

	_, errs, code := egdiIn(t, env, "import", file)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"193 stored", "edition 2026 is not built in", "assumed from 2024", "the assumed method holds",
		"egdi_from_components passed: 193 passed, 0 failed", "ranks passed: 193 passed, 0 failed", "groups passed"} {
		if !strings.Contains(errs, want) {
			t.Errorf("import output lacks %q:\n%s", want, errs)
		}
	}

	t.Run("Rank", func(t *testing.T) {
		var rows []struct {
			ISO3    egdi.ISO3 `json:"iso3"`
			Edition int       `json:"edition"`
			EGDI    float64   `json:"egdi"`
			Rank    int       `json:"egdi_rank"`
			Group   string    `json:"group"`
			Class   string    `json:"rating_class"`
		}
		jsonOut(t, env, &rows, "rank", "--edition", "2026", "--format", "json")
		if len(rows) != 193 {
			t.Fatalf("%d rows, want 193", len(rows))
		}
		for _, r := range rows {
			if r.Edition != 2026 || r.Rank != e.rank[r.ISO3] || math.Abs(r.EGDI-e.egdi[r.ISO3]) > 1e-12 || r.Group == "" || r.Class == "" {
				t.Fatalf("%+v, want rank %d EGDI %.5f with a group and class", r, e.rank[r.ISO3], e.egdi[r.ISO3])
			}
		}
		// The known change shows: Bahrain's OSI rose to 0.99, so it
		// moved up.
		if e.rank["BHR"] >= e.rank24["BHR"] {
			t.Errorf("Bahrain 2026 rank %d, 2024 %d: the OSI rise should move it up", e.rank["BHR"], e.rank24["BHR"])
		}
	})
	t.Run("CountryHistory", func(t *testing.T) {
		var c struct {
			History []struct {
				Edition int     `json:"edition"`
				EGDI    float64 `json:"egdi"`
				Rank    int     `json:"egdi_rank"`
				Change  *struct {
					From       int `json:"from"`
					RankChange int `json:"rank_change"`
				} `json:"change"`
			} `json:"history"`
		}
		jsonOut(t, env, &c, "country", "BHR", "--format", "json")
		last := c.History[len(c.History)-1]
		if last.Edition != 2026 || last.Rank != e.rank["BHR"] || last.Change == nil || last.Change.From != 2024 ||
			last.Change.RankChange != e.rank24["BHR"]-e.rank["BHR"] {
			t.Fatalf("last history entry %+v (change %+v), want 2026 rank %d, up %d from 2024", last, last.Change,
				e.rank["BHR"], e.rank24["BHR"]-e.rank["BHR"])
		}
		if n := len(c.History); n != len(egdi.Editions)+1 {
			t.Errorf("%d editions in the history, want %d", n, len(egdi.Editions)+1)
		}
	})
	t.Run("Explain", func(t *testing.T) {
		var x struct {
			From, To      int
			EGDIChange    float64 `json:"egdi_change"`
			Contributions struct {
				OSI, TII, HCI, Weights, Rounding float64
			} `json:"contributions"`
			RankFrom      int `json:"rank_from"`
			RankTo        int `json:"rank_to"`
			MethodChanges []struct {
				Field, To string
			} `json:"method_changes"`
		}
		jsonOut(t, env, &x, "explain", "BHR", "--from", "2024", "--to", "2026", "--format", "json")
		c := x.Contributions
		// Only the OSI changed: its contribution is Δosi/3 (1e-9: float
		// noise); the parts add up to the change (1e-9).
		if math.Abs(c.OSI-(bhrOSI2026-e.osi24["BHR"])/3) > 1e-9 || c.TII != 0 || c.HCI != 0 || c.Weights != 0 {
			t.Errorf("contributions %+v, want OSI %.9f and nothing else", c, (bhrOSI2026-e.osi24["BHR"])/3)
		}
		if sum := c.OSI + c.TII + c.HCI + c.Weights + c.Rounding; math.Abs(sum-x.EGDIChange) > 1e-9 ||
			math.Abs(x.EGDIChange-(e.egdi["BHR"]-e.egdi24["BHR"])) > 1e-9 {
			t.Errorf("contributions sum to %.9f, change %.9f, want %.9f", sum, x.EGDIChange, e.egdi["BHR"]-e.egdi24["BHR"])
		}
		// The one method change is that the 2026 method is assumed.
		if len(x.MethodChanges) != 1 || x.MethodChanges[0].Field != "method" || x.MethodChanges[0].To != "assumed from 2024" {
			t.Errorf("method changes %+v, want the assumed method only", x.MethodChanges)
		}
		// Without --from, the edition before 2026 is 2024.
		if a, b := mustEgdi(t, env, "explain", "BHR", "--from", "2024", "--to", "2026", "--format", "json"),
			mustEgdi(t, env, "explain", "BHR", "--to", "2026", "--format", "json"); a != b {
			t.Errorf("explain --to 2026 does not start from 2024")
		}
		if x.RankFrom != e.rank24["BHR"] || x.RankTo != e.rank["BHR"] {
			t.Errorf("ranks %d → %d, want %d → %d", x.RankFrom, x.RankTo, e.rank24["BHR"], e.rank["BHR"])
		}
	})
	t.Run("WhatIf", func(t *testing.T) {
		var w egdi.WhatIfResult
		jsonOut(t, env, &w, "whatif", "--edition", "2026", "--set", "KEN.osi=1", "--format", "json")
		found := false
		for _, c := range w.Countries {
			if c.ISO3 == "KEN" {
				found = true
				if w.Edition != 2026 || c.RankBefore != e.rank["KEN"] || c.RankAfter >= c.RankBefore {
					t.Errorf("Kenya %+v in edition %d: want rank before %d and a better rank after", c, w.Edition, e.rank["KEN"])
				}
			}
		}
		if !found {
			t.Errorf("Kenya not in the what-if result %+v", w)
		}
	})
	t.Run("ReportHTML", func(t *testing.T) {
		out := mustEgdi(t, env, "report", "BHR", "--edition", "2026")
		// The report shows the EGDI to 4 decimals.
		for _, want := range []string{"2026", strconv.FormatFloat(e.egdi["BHR"], 'f', 4, 64), "assumed from the 2024 edition"} {
			if !strings.Contains(out, want) {
				t.Errorf("the 2026 report lacks %q", want)
			}
		}
	})
	t.Run("Editions", func(t *testing.T) {
		for _, lang := range []string{"en", "ar"} {
			out := mustEgdi(t, env, "editions", "--lang", lang)
			want := map[string]string{"en": "assumed from 2024", "ar": "مفترض من منهجية 2024"}[lang]
			i := strings.LastIndex(out, "2026")
			if i < 0 || !strings.Contains(out[i:], want) {
				t.Errorf("egdi editions --lang %s: no 2026 block with %q:\n%s", lang, want, out[max(0, len(out)-600):])
			}
		}
		var ms []egdi.Method
		jsonOut(t, env, &ms, "editions", "--format", "json")
		last := ms[len(ms)-1]
		if last.Edition != 2026 || last.MethodFrom != 2024 || len(last.Params) == 0 {
			t.Fatalf("last edition %d from %d with %d params", last.Edition, last.MethodFrom, len(last.Params))
		}
		for _, p := range last.Params {
			if p.Status != "assumed from 2024" {
				t.Errorf("2026 parameter %s is %q, want assumed from 2024", p.Name, p.Status)
			}
		}
	})
	t.Run("Golden", func(t *testing.T) {
		golden(t, "edition_check_2026_json", mustEgdi(t, env, "edition", "check", "2026", "--format", "json"))
		// The 2026 block of egdi editions, in English and Arabic.
		for _, lang := range []string{"en", "ar"} {
			out := mustEgdi(t, env, "editions", "--lang", lang)
			lines := strings.Split(out, "\n")
			start := -1
			for i, l := range lines {
				if strings.Contains(l, "2026") && start < 0 {
					start = i
				}
			}
			if start < 0 {
				t.Fatalf("no 2026 in egdi editions --lang %s", lang)
			}
			golden(t, "editions_2026_"+lang, strings.Join(lines[start:], "\n"))
		}
	})
	t.Run("CheckJSON", func(t *testing.T) {
		var raw map[string]json.RawMessage
		jsonOut(t, env, &raw, "edition", "check", "2026", "--format", "json")
		var ck egdi.EditionCheck
		jsonOut(t, env, &ck, "edition", "check", "2026", "--format", "json")
		if string(raw["edition"]) != "2026" || string(raw["method_from"]) != "2024" || len(ck.Checks) != 3 {
			t.Fatalf("check %s", mustEgdi(t, env, "edition", "check", "2026", "--format", "json"))
		}
		for i, name := range []string{"egdi_from_components", "ranks", "groups"} {
			if k := ck.Checks[i]; k.Name != name || k.Passed != 193 || k.Failed != 0 || k.Examples == nil {
				t.Errorf("check %d: %+v, want %s passed by 193", i, k, name)
			}
		}
	})
	t.Run("XLSXRoundTrip", func(t *testing.T) {
		// The edition exported as XLSX imports into a new store as the
		// same edition: the XLSX path and egdi's own header variant.
		x := filepath.Join(t.TempDir(), "egdi-2026.xlsx")
		mustEgdi(t, env, "export", "--edition", "2026", "-o", x)
		env2 := storeEnv(t)
		if _, errs, code := egdiIn(t, env2, "import", x); code != 0 || !strings.Contains(errs, "the assumed method holds") {
			t.Fatalf("import of the XLSX: exit %d\n%s", code, errs)
		}
		a := mustEgdi(t, env, "rank", "--edition", "2026", "--format", "csv")
		if b := mustEgdi(t, env2, "rank", "--edition", "2026", "--format", "csv"); a != b {
			t.Errorf("the 2026 ranking differs after an XLSX round trip")
		}
	})
	t.Run("ReimportChangesNothing", func(t *testing.T) {
		before := mustEgdi(t, env, "rank", "--edition", "2026", "--format", "csv")
		_, errs, code := egdiIn(t, env, "import", file)
		if code != 0 || !strings.Contains(errs, "0 stored, 193 unchanged") {
			t.Fatalf("re-import: exit %d\n%s", code, errs)
		}
		if after := mustEgdi(t, env, "rank", "--edition", "2026", "--format", "csv"); after != before {
			t.Errorf("the ranking changed on re-import")
		}
	})
}

// TestNewEditionOtherWeights imports a 2026 file whose EGDI was made with
// the weights 0.5/0.25/0.25: egdi_from_components fails, names countries
// and gives the fitted weights.
func TestNewEditionOtherWeights(t *testing.T) {
	env := storeEnv(t)
	e := &edition2026{weights: [3]float64{0.5, 0.25, 0.25}}
	file := e.write(t, t.TempDir())
	_, errs, code := egdiIn(t, env, "import", file)
	if code != 0 || !strings.Contains(errs, "egdi_from_components FAILED") || !strings.Contains(errs, "does NOT fully hold") {
		t.Fatalf("import: exit %d, want the check failing in the summary\n%s", code, errs)
	}
	golden(t, "edition_check_2026_other_weights", mustEgdi(t, env, "edition", "check", "2026"))
	var ck egdi.EditionCheck
	jsonOut(t, env, &ck, "edition", "check", "2026", "--format", "json")
	k := ck.Checks[0]
	if k.Name != egdi.CheckEGDI || k.Failed < 150 || len(k.Examples) != egdi.CheckExamples || k.FittedWeights == nil {
		t.Fatalf("egdi_from_components %+v: want most of 193 failing, %d named, fitted weights", k, egdi.CheckExamples)
	}
	// The fitted weights recover 0.5/0.25/0.25 (5e-4: the values are
	// rounded to 5 dp), and the suggestion says so.
	w := k.FittedWeights
	if math.Abs(w.OSI-0.5) > 5e-4 || math.Abs(w.TII-0.25) > 5e-4 || math.Abs(w.HCI-0.25) > 5e-4 {
		t.Errorf("fitted weights %+v, want 0.5/0.25/0.25", *w)
	}
	if !strings.Contains(k.Suggestion, "other weights") {
		t.Errorf("suggestion %q does not point to other weights", k.Suggestion)
	}
	for _, c := range k.Examples {
		if e.egdi[c] == 0 {
			t.Errorf("example %q is not a country of the file", c)
		}
	}
	// Ranks come from the file's own EGDI: they still hold.
	if ck.Checks[1].Failed != 0 {
		t.Errorf("ranks: %+v", ck.Checks[1])
	}
}

// TestNewEditionBadFile: a 2026 file without the HCI column stops with
// exit status 2 naming the column, and the store is unchanged.
func TestNewEditionBadFile(t *testing.T) {
	env := storeEnv(t)
	e := &edition2026{weights: equalWeights, drop: []string{"Human_Capital"}}
	file := e.write(t, t.TempDir())
	before := mustEgdi(t, env, "editions", "--format", "csv")
	_, errs, code := egdiIn(t, env, "import", file)
	if code != exitInvalid || !strings.Contains(errs, "no column for hci") || !strings.Contains(errs, "EGOV_DATA_2026.csv") {
		t.Fatalf("import: exit %d, want %d naming the file and the missing column\n%s", code, exitInvalid, errs)
	}
	_, errs, code = egdiIn(t, env, "rank", "--edition", "2026")
	if code != exitInvalid || !strings.Contains(errs, "not in the store") {
		t.Errorf("rank --edition 2026 after a failed import: exit %d\n%s", code, errs)
	}
	if after := mustEgdi(t, env, "editions", "--format", "csv"); after != before {
		t.Errorf("the editions changed after a failed import")
	}
}
