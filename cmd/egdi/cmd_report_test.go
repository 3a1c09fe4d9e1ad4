package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egdi-project/egdi/internal/testenv"
)

// reportRun runs egdi with args and extra environment, in a fresh data
// directory; it returns the output and the exit status.
func reportRun(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	e := map[string]string{"EGDI_DB": "sqlite:" + filepath.Join(dir, "egdi.db"), "XDG_DATA_HOME": dir, "HOME": dir,
		"SOURCE_DATE_EPOCH": "1795651200"} // 2026-11-26: a fixed generation date
	for k, v := range env {
		e[k] = v
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"egdi", "report"}, args...), func(k string) string { return e[k] }, &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestReportCLI(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		args  []string
		files []string // created under dir
		want  string   // in stdout, or in the first file
	}{
		{"country_stdout_ar", []string{"BHR", "--lang", "ar"}, nil, `<html lang="ar" dir="rtl">`},
		{"country_by_name", []string{"Bahrain", "--edition", "2022"}, nil, "<h1>Bahrain</h1>"},
		{"fixed_date", []string{"KEN"}, nil, `<span class="n">2026-11-26</span>`},
		{"country_file", []string{"BHR", "-o", filepath.Join(dir, "bhr.html")}, []string{"bhr.html"}, "<!DOCTYPE html>"},
		{"group_file", []string{"--group", "gcc", "--lang", "ar", "-o", filepath.Join(dir, "gcc.html")}, []string{"gcc.html"}, "مجلس التعاون الخليجي"},
		{"region", []string{"--region", "Oceania"}, nil, "<h1>Oceania</h1>"},
		{"batch", []string{"BHR", "SAU", "-o", filepath.Join(dir, "batch")}, []string{"batch/BHR-2024-en.html", "batch/SAU-2024-en.html"}, "<h1>Bahrain</h1>"},
		{"vs_target", []string{"BHR", "--vs", "ARE", "--target", "10"}, nil, "The gap to United Arab Emirates"},
		{"vs_by_name_ar", []string{"BHR", "--vs", "Saudi Arabia", "--lang", "ar"}, nil, "الفجوة مع المملكة العربية السعودية"},
		{"brief", []string{"BHR", "--brief", "--vs", "ARE"}, nil, `<section class="half" lang="ar" dir="rtl">`},
		{"brief_batch", []string{"BHR", "KEN", "--brief", "-o", filepath.Join(dir, "briefs")}, []string{"briefs/BHR-2024-brief.html", "briefs/KEN-2024-brief.html"}, "الخطة الأقل كلفة"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := reportRun(t, nil, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			got := out
			for i, f := range tc.files {
				p := filepath.Join(dir, f)
				st, err := os.Stat(p)
				if err != nil {
					t.Fatalf("file %s not written: %v", f, err)
				}
				if st.Mode().Perm() != 0o644 {
					t.Errorf("%s has mode %v, want 0644", f, st.Mode().Perm())
				}
				if i == 0 {
					b, _ := os.ReadFile(p)
					got = string(b)
				}
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("output lacks %q", tc.want)
			}
		})
	}
}

func TestReportCLIBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		msg  string // in stderr
	}{
		{"ErrNoSubject", nil, nil, "Say what to report on"},
		{"ErrUnknownCountry", nil, []string{"Atlantis"}, "Unknown country"},
		{"ErrCountryAndGroup", nil, []string{"BHR", "--group", "gcc"}, "not both"},
		{"ErrAllAndCountry", nil, []string{"--all", "BHR"}, "--all"},
		{"ErrFormat", nil, []string{"BHR", "--format", "docx"}, "Unknown --format"},
		{"ErrLang", nil, []string{"BHR", "--lang", "fr"}, "Unknown --lang"},
		{"ErrGroup", nil, []string{"--group", "g77"}, "Unknown group"},
		{"ErrEdition", nil, []string{"BHR", "--edition", "2001"}, "2001"},
		{"ErrSeveralToStdout", nil, []string{"BHR", "SAU"}, "-o DIR"},
		{"ErrSourceDateEpoch", map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}, []string{"BHR"}, "SOURCE_DATE_EPOCH"},
		{"ErrNoChromium", map[string]string{"EGDI_CHROMIUM": "/nonexistent/chromium"}, []string{"BHR", "--format", "pdf", "-o", filepath.Join(dir, "x.pdf")}, "apt-get install chromium"},
		{"ErrUnwritable", nil, []string{"BHR", "-o", filepath.Join(dir, "missing", "x.html")}, "Cannot write"},
		{"ErrVsSelf", nil, []string{"BHR", "--vs", "BHR"}, "name a peer"},
		{"ErrVsUnknown", nil, []string{"BHR", "--vs", "Atlantis"}, "Unknown country"},
		{"ErrTargetNotBetter", nil, []string{"BHR", "--target", "19"}, "not an improvement"},
		{"ErrTargetOutOfRange", nil, []string{"BHR", "--target", "500"}, "not a rank of edition 2024"},
		{"ErrTargetNegative", nil, []string{"BHR", "--target", "-3"}, "not a rank"},
		{"ErrBriefGroup", nil, []string{"--group", "gcc", "--brief"}, "country reports"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, code := reportRun(t, tc.env, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, errs)
			}
			if !strings.Contains(errs, tc.msg) {
				t.Errorf("stderr %q lacks %q", errs, tc.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
		t.Errorf("a failed PDF left a file behind")
	}
}

func TestReportCLIPDF(t *testing.T) {
	_, err := exec.LookPath("chromium")
	testenv.Chromium(t, err)
	dir := t.TempDir()
	p := filepath.Join(dir, "bhr-ar.pdf")
	if _, errs, code := reportRun(t, nil, "BHR", "--lang", "ar", "--format", "pdf", "-o", p); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s is not a PDF", p)
	}
}
