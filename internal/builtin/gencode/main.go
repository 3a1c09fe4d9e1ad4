// Command gencode turns the CSV files of internal/builtin/data into Go
// tables (tables.go) compiled into the binary as static data, so that no
// command parses the built-in record at start-up. Run it through
// `go generate ./internal/builtin`, after gen.
package main

import (
	"flag"
	"fmt"
	"github.com/egdi-project/egdi/internal/atomicfile"
	"os"

	"github.com/egdi-project/egdi/internal/builtin/csvdata"
)

func main() {
	in := flag.String("in", "data", "folder of countries.csv, published.csv, itu.csv")
	out := flag.String("out", "tables.go", "Go file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencode:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	cs, pub, obs, err := csvdata.Read(os.DirFS(in))
	if err != nil {
		return err
	}
	src, err := csvdata.GoSource(cs, pub, obs)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(out, src, 0o644)
}
