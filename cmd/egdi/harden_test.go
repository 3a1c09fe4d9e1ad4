package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// manySheetsXLSX writes a small workbook declaring n sheets (all one
// tiny worksheet part), as the probe's 496 KB workbook of 100,000 sheets.
func manySheetsXLSX(t *testing.T, path string, n int) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var sheets strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sheets, `<sheet name="S%d" sheetId="%d" r:id="rId1"/>`, i, i)
	}
	rels := `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`},
		{"_rels/.rels", rels + `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` + sheets.String() + `</sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", rels + `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`},
	} {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestImportManySheets (finding 4): `egdi import` of a workbook declaring
// 100,000 sheets exits 2 in at most a second, naming the file and the
// limit.
func TestImportManySheets(t *testing.T) {
	file := filepath.Join(t.TempDir(), "many.xlsx")
	manySheetsXLSX(t, file, 100_000)
	start := time.Now()
	_, stderr, code := egdiRun(t, "import", file)
	took := time.Since(start)
	if code != exitInvalid || !strings.Contains(stderr, "many.xlsx") || !strings.Contains(stderr, "more than 256 sheets") {
		t.Fatalf("exit %d, stderr %q; want 2 naming the file and the sheet limit", code, stderr)
	}
	if took > time.Second {
		t.Errorf("egdi import took %s, want ≤ 1 s", took)
	}
	t.Logf("refused in %s: %s", took, strings.TrimSpace(stderr))
}

// TestImportInterrupt (finding 4): Ctrl-C (SIGINT) during a long import,
// while the file is read and while its rows are written, ends egdi with
// exit status 130 within a second, the store as it was.
func TestImportInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "egdi.db")
	env := []string{"EGDI_DB=sqlite:" + path, "XDG_DATA_HOME=" + dir, "HOME=" + dir}
	before := openDataset(t, path) // creates and seeds the store

	// A 60 MB ITU file whose rows are all read and skipped: seconds of work.
	long := filepath.Join(dir, "itu-long.csv")
	var b bytes.Buffer
	b.WriteString("Country,ISO,Indicator name,Year,Value\n")
	for b.Len() < 60<<20 {
		b.WriteString("Bahrain,BHR,Some other indicator,2020,12.5\n")
	}
	if err := os.WriteFile(long, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join("..", "..", "internal", "tabular", "testdata", "bad", "wdi_small.csv")
	for _, tc := range []struct {
		name  string
		env   []string
		file  string
		ready func(p *process)
	}{
		{"WhileReading", nil, long, func(*process) { time.Sleep(400 * time.Millisecond) }},
		{"WhileWriting", []string{stallEnv + "=1"}, small, func(p *process) { p.waitFor(t, "import stalled at") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startEgdi(t, bin, append(env, tc.env...), "import", tc.file)
			tc.ready(p)
			sent := time.Now()
			if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			errs, code := p.wait()
			took := time.Since(sent)
			if code != exitCanceled {
				t.Fatalf("exit %d after SIGINT, want %d:\n%s", code, exitCanceled, errs)
			}
			if took > time.Second {
				t.Errorf("exited %s after SIGINT, want ≤ 1 s", took)
			}
			after := openDataset(t, path)
			if len(after.Observations) != len(before.Observations) || len(after.Published) != len(before.Published) {
				t.Fatalf("the store changed: %d → %d observations", len(before.Observations), len(after.Observations))
			}
			t.Logf("exit %d %s after SIGINT: %s", code, took, strings.TrimSpace(errs))
		})
	}
}

// TestImportDuplicateRows (finding 7): a UN file with a row repeated
// identically imports (exit 0) and the summary reports the repeated row
// as skipped, as the README says; different values for one key exit 2.
func TestImportDuplicateRows(t *testing.T) {
	bad := filepath.Join("..", "..", "internal", "tabular", "testdata", "bad")
	_, stderr, code := egdiRun(t, "import", filepath.Join(bad, "duplicate_identical.csv"))
	if code != 0 || !strings.Contains(stderr, "skipped 1: duplicate of row 2") {
		t.Errorf("identical duplicate: exit %d, %q; want 0 and the row reported skipped", code, stderr)
	}
	_, stderr, code = egdiRun(t, "import", filepath.Join(bad, "duplicate_conflict.csv"))
	if code != exitInvalid || !strings.Contains(stderr, "different values") {
		t.Errorf("conflicting duplicate: exit %d, %q; want 2", code, stderr)
	}
}

// TestListenURLs (finding 5): the start-up message names every address
// the server listens on: its own, or loopback and every interface for
// :PORT, 0.0.0.0:PORT and [::]:PORT.
func TestListenURLs(t *testing.T) {
	ifs := func() ([]net.Addr, error) {
		return []net.Addr{
			&net.IPNet{IP: net.ParseIP("127.0.0.1"), Mask: net.CIDRMask(8, 32)},
			&net.IPNet{IP: net.ParseIP("192.168.1.5"), Mask: net.CIDRMask(24, 32)},
			&net.IPNet{IP: net.ParseIP("::1"), Mask: net.CIDRMask(128, 128)},
			&net.IPNet{IP: net.ParseIP("2001:db8::5"), Mask: net.CIDRMask(64, 128)},
			&net.IPNet{IP: net.ParseIP("fe80::1"), Mask: net.CIDRMask(64, 128)},
		}, nil
	}
	for _, tc := range []struct {
		name, addr string
		want       []string
	}{
		{"Loopback", "127.0.0.1:8080", []string{"http://127.0.0.1:8080/"}},
		{"OneAddress", "192.168.1.5:8080", []string{"http://192.168.1.5:8080/"}},
		{"AllIPv4", "0.0.0.0:18290", []string{"http://127.0.0.1:18290/", "http://192.168.1.5:18290/"}},
		{"AllDualStack", "[::]:18290", []string{"http://127.0.0.1:18290/", "http://[::1]:18290/", "http://192.168.1.5:18290/", "http://[2001:db8::5]:18290/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, err := net.ResolveTCPAddr("tcp", tc.addr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := listenURLs(addr, ifs)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("listenURLs(%s) = %q, %v; want %q", tc.addr, got, err, tc.want)
			}
		})
	}
	// The real thing: `--addr :0` lists every interface address.
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	got, err := listenURLs(ln.Addr(), net.InterfaceAddrs)
	if err != nil || len(got) < 1 || !strings.HasPrefix(got[0], "http://127.0.0.1:") {
		t.Fatalf("listenURLs(%s) = %q, %v", ln.Addr(), got, err)
	}
	as, _ := net.InterfaceAddrs()
	for _, a := range as {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		host := ipn.IP.String()
		if ipn.IP.To4() == nil {
			host = "[" + host + "]"
		}
		if !slices.ContainsFunc(got, func(u string) bool { return strings.Contains(u, "//"+host+":") }) {
			t.Errorf("interface address %s missing from %q", host, got)
		}
	}
}
