package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/egdi-project/egdi/internal/atomicfile"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/tabular"
)

func (a *app) exportCmd() *cobra.Command {
	var edition, format, output string
	c := &cobra.Command{
		Use:   "export -o FILE [--edition Y|NAME] [--format csv|xlsx|json]",
		Short: "Write an edition's scores to a CSV, XLSX or JSON file",
		Long: `export writes every country's scores in one edition:

  csv   the UN E-Government Data Center columns (Survey Year, Country Name, E-Government Rank,
        E-Government Index, E-Participation Index, Online Service Index, Human Capital Index,
        Telecommunication Infrastructure Index) plus iso3, region and subregion, at the
        edition's published precision; UTF-8 with a byte-order mark, for Excel
  xlsx  the same table on an English sheet and on an Arabic, right-to-left sheet
  json  the ranking rows, exactly as egdi rank --format json prints them, then one row
        {"iso3", "edition", "assessed": false, "name", ...} per Member State not assessed

The format is taken from the file's extension unless --format is given. The file is written
whole or not at all (a temporary file renamed into place). egdi import reads a CSV, XLSX or
JSON export back unchanged. An edition of yours (egdi edition list) is computed and exported
under its name.`,
		Example: `  egdi export -o egdi-2024.csv
  egdi export --edition 2022 -o egdi-2022.xlsx
  egdi export --edition my-2026 --format json -o my-2026.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" {
				return egdi.Errorf(egdi.EINVALID, "Give the file to write: -o FILE (- for standard output).")
			}
			if format == "" {
				format = strings.TrimPrefix(strings.ToLower(filepath.Ext(output)), ".")
				if !slices.Contains(tabular.ExportFormats, format) {
					return egdi.Errorf(egdi.EINVALID, "Cannot tell the format from %q: give --format %s.", output, strings.Join(tabular.ExportFormats, "|"))
				}
			}
			if !slices.Contains(tabular.ExportFormats, format) {
				return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose one of %s.", format, strings.Join(tabular.ExportFormats, ", "))
			}
			t, err := a.exportTable(cmd.Context(), edition)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := t.Write(&buf, format); err != nil {
				return err
			}
			if output == "-" {
				_, err := a.stdout.Write(buf.Bytes())
				return err
			}
			if err := atomicfile.WriteFile(output, buf.Bytes(), 0o644); err != nil {
				return writeError(output, err)
			}
			_, _ = fmt.Fprintf(a.stderr, "egdi: wrote %s (%s, edition %s, %d countries)\n", output, format, t.Edition, len(t.Scores))
			return nil
		},
	}
	c.Flags().StringVar(&edition, "edition", strconv.Itoa(egdi.LatestEdition), "edition (survey year), or the name of an edition of yours (egdi edition list)")
	c.Flags().StringVar(&format, "format", "", "file format: "+strings.Join(tabular.ExportFormats, "|")+" (default: from the file's extension)")
	c.Flags().StringVarP(&output, "output", "o", "", "file to write; - for standard output")
	return c
}

// exportTable returns the table of a published edition (a year) or of an
// edition of the user's (a name), computed with its method.
func (a *app) exportTable(ctx context.Context, edition string) (*tabular.Table, error) {
	d, err := a.dataset(ctx)
	if err != nil {
		return nil, err
	}
	if year, err := strconv.Atoi(edition); err == nil {
		return tabular.PublishedTable(d, year)
	}
	if err := egdi.CheckScenarioName(edition); err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "--edition %q is neither a survey year nor the name of an edition of yours.", edition)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	sc, err := st.Scenario(ctx, edition)
	if err != nil {
		return nil, err
	}
	res, err := sc.Compute()
	if err != nil {
		return nil, err
	}
	return &tabular.Table{Edition: sc.Name, Method: res.Method, Countries: d.Countries, Scores: res.Scores}, nil
}
