package main

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
)

// app is what every command shares: the environment and the data.
type app struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer

	// dataset returns the data commands read; by default the store's.
	dataset func(ctx context.Context) (*egdi.Dataset, error)

	// db is the --db flag; store is the store, opened on first use (store.go).
	db    string
	store egdi.Store
}

// run is the whole program: main only builds its arguments.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	out := &checkedWriter{w: stdout} // output is printed with errors discarded: checked here once
	a := &app{getenv: getenv, stdout: out, stderr: stderr}
	a.dataset = a.storeDataset()
	defer a.closeStore()
	root := a.rootCmd()
	root.SetArgs(args[1:])
	root.SetOut(out)
	root.SetErr(stderr)
	started := false
	root.PersistentPreRunE = func(*cobra.Command, []string) error { started = true; return nil }
	err := root.ExecuteContext(ctx)
	if err != nil && !started && egdi.ErrorCode(err) == egdi.EINTERNAL {
		// Cobra's own errors: unknown command or flag, wrong arguments.
		return egdi.Errorf(egdi.EINVALID, "%s (see egdi help)", strings.Join(strings.Fields(err.Error()), " "))
	}
	if err != nil && errors.Is(ctx.Err(), context.Canceled) && egdi.ErrorCode(err) == egdi.EINTERNAL {
		return egdi.Errorf(egdi.ECANCELED, "Interrupted.")
	}
	if err == nil && out.err != nil {
		return egdi.Errorf(egdi.EINTERNAL, "Cannot write the output: %w.", out.err)
	}
	return err
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "egdi",
		Short: "The UN E-Government Development Index engine",
		Long: `egdi holds every edition of the UN E-Government Survey (2003–2024) and
recomputes each index from its inputs as the UN did, edition by edition.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return egdi.Errorf(egdi.EINVALID, "%w (see egdi help)", err)
	})
	root.PersistentFlags().StringVar(&a.db, "db", "", dbFlagHelp)
	// The command list: one constructor per file cmd_*.go.
	for _, c := range []func() *cobra.Command{
		a.editionsCmd,
		a.rankCmd,
		a.countryCmd,
		a.compareCmd,
		a.computeCmd,
		a.importCmd,
		a.editionCmd,
		a.serveCmd,
		a.reportCmd,
		a.whatifCmd,
		a.targetCmd,
		a.explainCmd,
		a.uncertaintyCmd,
		a.exportCmd,
		a.questionnaireCmd,
		a.assessmentCmd,
		a.nowcastCmd,
		a.sampleCmd, a.strategyCmd, a.cooperationCmd,
		a.userCmd, a.tokenCmd, a.auditCmd, // cmd_user.go: accounts
	} {
		root.AddCommand(c())
	}
	return root
}

// outputFlags are the --format and --lang flags shared by most commands.
type outputFlags struct {
	format  string
	lang    string
	formats []string
}

func (o *outputFlags) add(c *cobra.Command, formats ...string) {
	c.Flags().StringVar(&o.format, "format", formats[0], "output format: "+strings.Join(formats, "|"))
	c.Flags().StringVar(&o.lang, "lang", "en", "language of names and headings: en|ar")
	o.formats = formats
}

func (o *outputFlags) check() error {
	ok := false
	for _, f := range o.formats {
		ok = ok || f == o.format
	}
	if !ok {
		return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose one of %s.", o.format, strings.Join(o.formats, ", "))
	}
	if o.lang != "en" && o.lang != "ar" {
		return egdi.Errorf(egdi.EINVALID, "Unknown --lang %q: choose en or ar.", o.lang)
	}
	return nil
}

// country reads the data and finds the country a command names (ISO3 code
// or any UN name).
func (a *app) country(ctx context.Context, name string) (*egdi.Dataset, *egdi.Country, error) {
	d, err := a.dataset(ctx)
	if err != nil {
		return nil, nil, err
	}
	ct, err := d.Countries.Lookup(name)
	if err != nil {
		return nil, nil, err
	}
	return d, ct, nil
}
