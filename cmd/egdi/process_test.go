package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// buildBinary builds cmd/egdi into a temporary directory.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "egdi")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkRankJSONProcess runs `egdi rank --format json` as a whole
// process, start to exit, on an already-created store (the first run
// creates it). Target ≤ 30 ms.
func BenchmarkRankJSONProcess(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	env := append(os.Environ(), "EGDI_DB=sqlite:"+filepath.Join(dir, "egdi.db"), "XDG_DATA_HOME="+dir)
	runOnce := func() {
		cmd := exec.Command(bin, "rank", "--format", "json")
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil || len(out) < 1000 {
			b.Fatalf("egdi rank: %v (%d bytes)", err, len(out))
		}
	}
	runOnce()
	for b.Loop() {
		runOnce()
	}
}
