package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/sqlite"
	"github.com/egdi-project/egdi/internal/storetest"
)

// storeDataset opens the SQLite store at path and returns its dataset.
func openDataset(t *testing.T, path string) *egdi.Dataset {
	t.Helper()
	db, err := sqlite.Open(t.Context(), sqlite.Config{Path: path, Builtin: builtin.MustDataset(), BuiltinVersion: builtin.Version})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	d, err := db.Dataset(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// process is egdi running as a separate process.
type process struct {
	cmd    *exec.Cmd
	stderr *bufio.Reader
	mu     sync.Mutex
	errs   bytes.Buffer
}

func startEgdi(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	pr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stderr: bufio.NewReader(pr)}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return p
}

// waitFor reads stderr until a line contains s, or fails after 60 s.
func (p *process) waitFor(t *testing.T, s string) {
	t.Helper()
	found := make(chan error, 1)
	go func() {
		for {
			line, err := p.stderr.ReadString('\n')
			p.mu.Lock()
			p.errs.WriteString(line)
			p.mu.Unlock()
			if strings.Contains(line, s) {
				found <- nil
				return
			}
			if err != nil {
				found <- err
				return
			}
		}
	}()
	select {
	case err := <-found:
		if err != nil {
			t.Fatalf("egdi ended before saying %q: %v\n%s", s, err, p.errs.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("egdi did not say %q within 60 s", s)
	}
}

// wait reads the rest of stderr and returns it with the exit status.
func (p *process) wait() (string, int) {
	rest, _ := io.ReadAll(p.stderr)
	err := p.cmd.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errs.Write(rest)
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	}
	return p.errs.String(), code
}

// TestStoreProcesses runs egdi as separate processes writing to one
// store (one build of the binary for all).
func TestStoreProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	sharedFile(t, "components")
	bin := buildBinary(t)
	t.Run("ImportKilled", func(t *testing.T) { testImportKilled(t, bin) })
	t.Run("ConcurrentImports", func(t *testing.T) { testConcurrentImports(t, bin) })
}

// testImportKilled kills an import with SIGKILL in the middle of its
// transaction (after its first 500 rows are written): the store must be
// exactly as before, and usable.
func testImportKilled(t *testing.T, bin string) {
	wdi := sharedFile(t, "components/wdi/WDI_IT.NET.USER.ZS_2021-09-15.xls")
	path := filepath.Join(t.TempDir(), "egdi.db")
	env := []string{"EGDI_DB=sqlite:" + path}
	hdr := sharedFile(t, "components/undp_hdr/HDR23-24_Composite_indices_complete_time_series.csv")
	p := startEgdi(t, bin, env, "import", hdr)
	if errs, code := p.wait(); code != 0 {
		t.Fatalf("first import: exit %d\n%s", code, errs)
	}
	before := openDataset(t, path)

	p = startEgdi(t, bin, append(env, stallEnv+"=1"), "import", wdi)
	p.waitFor(t, "import stalled at 500 of")
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if _, code := p.wait(); code != -1 {
		t.Fatalf("the killed import exited %d, want killed (-1)", code)
	}
	if diff := storetest.EqualDatasets(openDataset(t, path), before); diff != "" {
		t.Fatalf("the killed import changed the store: %s", diff)
	}
	// The store is not locked or damaged: the same import now succeeds.
	p = startEgdi(t, bin, env, "import", wdi)
	errs, code := p.wait()
	if code != 0 || !strings.Contains(errs, "stored") {
		t.Fatalf("import after the kill: exit %d\n%s", code, errs)
	}
	if after := openDataset(t, path); len(after.Observations) <= len(before.Observations) {
		t.Fatalf("the import after the kill stored nothing: %d observations, %d before", len(after.Observations), len(before.Observations))
	}
}

// testConcurrentImports runs two writers at once. Two imports started
// together both succeed (the second waits for the first) and everything
// is stored; a writer that waits longer than the busy timeout (5 s)
// fails with exit status 3 and a "busy" message, and changes nothing.
func testConcurrentImports(t *testing.T, bin string) {
	files := []string{
		sharedFile(t, "components/wdi/WDI_IT.CEL.SETS.P2_2024-02-21.csv"),
		sharedFile(t, "components/wdi/WDI_IT.MLT.MAIN.P2_2024-02-21.csv"),
	}
	t.Run("BothSucceed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "egdi.db")
		env := []string{"EGDI_DB=sqlite:" + path}
		ps := []*process{startEgdi(t, bin, env, "import", files[0]), startEgdi(t, bin, env, "import", files[1])}
		var stored int
		for i, p := range ps {
			errs, code := p.wait()
			switch {
			case code == 0:
				stored++
			case code == exitBusy && strings.Contains(errs, "busy"):
				t.Logf("import %d was refused as busy: %s", i, errs)
			default:
				t.Fatalf("import %d: exit %d\n%s", i, code, errs)
			}
		}
		d := openDataset(t, path)
		vintages := map[string]int{}
		for _, o := range d.Observations {
			if o.Source == "wdi" {
				vintages[o.Indicator.String()]++
			}
		}
		if len(vintages) != stored {
			t.Fatalf("%d imports succeeded but the store holds WDI data of %d indicators: %v", stored, len(vintages), vintages)
		}
		if stored != 2 {
			t.Errorf("only %d of 2 concurrent imports succeeded (the other was busy)", stored)
		}
	})
	t.Run("ErrBusy", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "egdi.db")
		env := []string{"EGDI_DB=sqlite:" + path}
		p := startEgdi(t, bin, env, "rank", "--top", "1") // create and seed the store first
		if errs, code := p.wait(); code != 0 {
			t.Fatalf("rank: exit %d\n%s", code, errs)
		}
		before := openDataset(t, path)
		holder := startEgdi(t, bin, append(env, stallEnv+"=1"), "import", files[0])
		holder.waitFor(t, "import stalled")
		// A reader is not blocked by the writer (WAL).
		out, err := exec.Command(bin, "--db", "sqlite:"+path, "rank", "--top", "1", "--format", "csv").Output()
		if err != nil || !strings.Contains(string(out), "DNK") {
			t.Fatalf("rank while an import holds the lock: %v %s", err, out)
		}
		second := startEgdi(t, bin, env, "import", files[1])
		errs, code := second.wait()
		if code != exitBusy || !strings.Contains(errs, "busy") || !strings.Contains(errs, path) {
			t.Fatalf("second writer: exit %d, stderr %q; want exit %d and a busy message naming the database", code, errs, exitBusy)
		}
		_ = holder.cmd.Process.Signal(syscall.SIGKILL)
		holder.wait()
		if diff := storetest.EqualDatasets(openDataset(t, path), before); diff != "" {
			t.Fatalf("the busy and the killed import changed the store: %s", diff)
		}
	})
}
