package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/tabular"
)

// stallEnv, for the crash test only: when set, an import stops after its
// first rows are written inside the transaction, says "import stalled" on
// stderr and waits to be killed (or interrupted), so that a test can kill
// it midway for certain.
const stallEnv = "EGDI_TEST_STALL_IMPORT"

func (a *app) importCmd() *cobra.Command {
	var (
		source  string
		edition int
	)
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a file the UN, the ITU, the World Bank or UNDP publishes into the store",
		Long: `import reads a file as its publisher releases it and stores what it holds, all of it
or nothing, in one transaction:

  un   UN E-Government Data Center CSV/XLSX (every header variant): a published edition;
       an edition after 2024 becomes a new edition, with the 2024 method assumed and
       checked against the file's own numbers (see egdi edition check)
  itu  ITU key ICT indicators XLSX: the TII inputs
  wdi  World Bank WDI CSV or XLS (year columns): TII and HCI inputs
  hdr  UNDP HDR composite indices time series CSV: expected and mean years of schooling

The source is detected from the content unless --source is given. Importing the same
file twice changes nothing. Values of the built-in record are read-only: a file that
contradicts them is refused. A summary (rows read, stored, unchanged, skipped and why)
goes to stderr. rank, country, compare and compute use imported data at once.`,
		Example: `  egdi import ITU_DDD_key_ICT_indicators_2010-2021.xlsx
  egdi import EGOV_DATA_2024_relabelled.csv --source un --edition 2024
  egdi import WDI_IT.NET.USER.ZS_2021-09-15.xls --db postgres://egdi@db.example/egdi`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			f, err := os.Open(name)
			if err != nil {
				return egdi.Errorf(egdi.EINVALID, "Cannot read %s: %w.", name, err)
			}
			defer func() { _ = f.Close() }()
			// Names and codes are matched against the built-in Member States.
			builtinData, err := builtin.Dataset()
			if err != nil {
				return err
			}
			b, err := tabular.Import(cmd.Context(), name, f, tabular.ImportOptions{Source: strings.ToLower(source), Edition: edition, Countries: builtinData.Countries})
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			var progress func(done, total int)
			if a.getenv(stallEnv) != "" {
				progress = func(done, total int) {
					_, _ = fmt.Fprintf(a.stderr, "import stalled at %d of %d rows\n", done, total)
					<-ctx.Done()
				}
			}
			sum, err := st.Import(ctx, b, progress)
			if err != nil {
				return err
			}
			printSummary(a.stderr, sum)
			return a.checkNewEditions(ctx, st, b)
		},
	}
	c.Flags().StringVar(&source, "source", "", "the file's publisher: "+strings.Join(tabular.Sources, "|")+" (default: detected)")
	c.Flags().IntVar(&edition, "edition", 0, "the Survey edition of a UN file (default: from the file)")
	return c
}

// printSummary writes an import summary: the counts, then each reason for
// skipping rows with how many rows and the first few row numbers.
func printSummary(w io.Writer, s *egdi.ImportSummary) {
	_, _ = fmt.Fprintf(w, "egdi: imported %s\n", s)
	type group struct {
		reason string
		rows   []int
		n      int
	}
	by := map[string]*group{}
	for _, sk := range s.Skipped {
		g := by[sk.Reason]
		if g == nil {
			g = &group{reason: sk.Reason}
			by[sk.Reason] = g
		}
		g.n++
		if sk.Row > 0 && len(g.rows) < 5 {
			g.rows = append(g.rows, sk.Row)
		}
	}
	gs := make([]*group, 0, len(by))
	for _, g := range by {
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].n != gs[j].n {
			return gs[i].n > gs[j].n
		}
		return gs[i].reason < gs[j].reason
	})
	const maxReasons = 12
	for i, g := range gs {
		if i == maxReasons {
			_, _ = fmt.Fprintf(w, "  … and %d other reasons\n", len(gs)-maxReasons)
			break
		}
		rows := ""
		if len(g.rows) > 0 {
			rs := make([]string, len(g.rows))
			for k, r := range g.rows {
				rs[k] = fmt.Sprint(r)
			}
			rows = " (row " + strings.Join(rs, ", ")
			if g.n > len(g.rows) {
				rows += ", …"
			}
			rows += ")"
		}
		_, _ = fmt.Fprintf(w, "  skipped %d: %s%s\n", g.n, g.reason, rows)
	}
}
