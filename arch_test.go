package egdi_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLayering enforces the package layout of STYLE §6: the root (the
// domain) imports no adapter; only the command wires storage in; nothing
// imports the command.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	const mod = "github.com/egdi-project/egdi"
	storage := map[string]bool{mod + "/internal/sqlite": true, mod + "/internal/postgres": true}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		for _, imp := range imports {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			checked++
			switch {
			case pkg == mod && strings.HasPrefix(imp, mod+"/"):
				t.Errorf("the domain package imports %s: the root must not depend on adapters", imp)
			case storage[imp] && pkg != mod+"/cmd/egdi":
				t.Errorf("%s imports the storage adapter %s: only cmd/egdi wires storage in", pkg, imp)
			case strings.HasPrefix(imp, mod+"/cmd/"):
				t.Errorf("%s imports the command %s", pkg, imp)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no internal imports seen: the check did not run")
	}
}

// ioPackages are standard packages that reach files, processes, the
// network, databases or the terminal: adapters' business, not the domain's.
var ioPackages = []string{
	"os", "os/exec", "os/signal", "os/user", "io/fs", "io/ioutil", "path/filepath",
	"net", "net/http", "net/rpc", "net/smtp", "database/sql", "database/sql/driver",
	"syscall", "embed", "plugin", "log/syslog", "runtime/cgo", "unsafe",
}

// TestDomainDoesNoIO: the root package (the domain, STYLE §6) imports no
// package that does I/O, directly or through another package of the
// module's (its imports are only the standard library, checked above).
// io itself stays allowed: its Reader and Writer are interfaces.
func TestDomainDoesNoIO(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	imports := strings.Fields(string(out))
	if !slices.Contains(imports, "fmt") {
		t.Fatalf("go list gave %q, without fmt: the check did not run", out)
	}
	for _, imp := range imports {
		for _, bad := range ioPackages {
			if imp == bad || strings.HasPrefix(imp, "net/") && bad == "net" {
				t.Errorf("the domain package imports %s: I/O belongs in an adapter under internal/", imp)
			}
		}
	}
}
