package main

import (
	"context"
	"fmt"
	"github.com/egdi-project/egdi/internal/atomicfile"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/report"
)

// reportFlags are the options of `egdi report`.
type reportFlags struct {
	group, region, subregion string
	all                      bool
	edition                  int
	lang, format, out        string
	vs                       string
	target                   int
	brief                    bool
}

func (a *app) reportCmd() *cobra.Command {
	var f reportFlags
	c := &cobra.Command{
		Use:   "report [ISO3|NAME ...]",
		Short: "Write a country or peer-group report in English or Arabic, as HTML or PDF",
		Long: `report writes the report of a country (headline, components, history, peers,
methodology notes, sources) or of a peer group (its members ranked, averages
against the world, movement since the previous edition), in English or Arabic.

HTML needs nothing else. PDF is printed by headless Chromium (Debian/Ubuntu:
apt-get install chromium, or chromium-headless-shell, which is used first when
present and starts faster; EGDI_CHROMIUM names another binary); one browser
serves every report of a run.

With one subject, -o names the file (default: standard output). With several
countries, or --all, -o names a directory (created if needed) that receives
one file per report, named like BHR-2024-ar.pdf.

A country report can add the gap to a peer (--vs ISO3, as egdi explain --vs)
and plan to a chosen EGDI rank (--target N) instead of the next rating class.
--brief writes one A4 page with an English and an Arabic half: the headline,
the change and why, the gap to the peer (--vs, or the country just above in
its peer area) and the cheapest plan to the next target.

The generation date printed on a report is today's, or SOURCE_DATE_EPOCH
(seconds since 1970) when that variable is set, for reproducible files.`,
		Example: `  egdi report BHR --lang ar --format pdf -o bahrain-ar.pdf
  egdi report Kenya --edition 2020 -o kenya.html
  egdi report --group gcc --lang ar --format pdf -o gcc.pdf
  egdi report --subregion "Western Asia" -o western-asia.html
  egdi report --all --format pdf --lang ar -o reports/
  egdi report BHR --vs ARE --target 10 --lang ar --format pdf -o bhr-vs-are.pdf
  egdi report BHR --brief --vs ARE --format pdf -o bhr-brief.pdf`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runReport(cmd, args, f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.group, "group", "", "peer-group report of a group: "+strings.Join(egdi.GroupNames, "|"))
	fl.StringVar(&f.region, "region", "", "peer-group report of an M49 region, e.g. Asia")
	fl.StringVar(&f.subregion, "subregion", "", `peer-group report of an M49 sub-region, e.g. "Western Asia"`)
	fl.BoolVar(&f.all, "all", false, "a country report for every country assessed in the edition (-o is a directory)")
	fl.IntVar(&f.edition, "edition", 0, "edition year (default: the newest)")
	fl.StringVar(&f.lang, "lang", "en", "language of the report: en|ar")
	fl.StringVar(&f.format, "format", "html", "output format: html|pdf")
	fl.StringVarP(&f.out, "output", "o", "", "output file, or directory for several reports (default: standard output)")
	fl.StringVar(&f.vs, "vs", "", "country reports: add the gap to this peer (ISO3 or name), as egdi explain --vs")
	fl.IntVar(&f.target, "target", 0, "country reports: plan to this EGDI rank instead of the next rating class")
	fl.BoolVar(&f.brief, "brief", false, "country reports: one A4 page in English and Arabic (headline, change and why, gap to a peer, cheapest plan); --lang is ignored")
	return c
}

func (a *app) runReport(cmd *cobra.Command, args []string, f reportFlags) error {
	if f.format != report.HTML && f.format != report.PDF {
		return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose html or pdf.", f.format)
	}
	if f.lang != "en" && f.lang != "ar" {
		return egdi.Errorf(egdi.EINVALID, "Unknown --lang %q: choose en or ar.", f.lang)
	}
	groupSet := f.group != "" || f.region != "" || f.subregion != ""
	switch {
	case f.all && (len(args) > 0 || groupSet):
		return egdi.Errorf(egdi.EINVALID, "--all makes every country report: give no country and no --group, --region or --subregion with it.")
	case groupSet && len(args) > 0:
		return egdi.Errorf(egdi.EINVALID, "Give either countries or one of --group, --region, --subregion, not both.")
	case !f.all && !groupSet && len(args) == 0:
		return egdi.Errorf(egdi.EINVALID, "Say what to report on: a country (egdi report BHR), --group, --region, --subregion or --all.")
	}
	now, err := reportClock(a.getenv)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	d, err := a.dataset(ctx)
	if err != nil {
		return err
	}

	// The requests, checked before anything is written.
	base := report.Request{Edition: f.edition, Lang: f.lang, Vs: f.vs, Target: f.target, Brief: f.brief}
	if groupSet && (f.vs != "" || f.target != 0 || f.brief) {
		return egdi.Errorf(egdi.EINVALID, "--vs, --target and --brief are for country reports, not with --group, --region or --subregion.")
	}
	var qs []report.Request
	switch {
	case groupSet:
		q := base
		q.Group, q.Region, q.Subregion = f.group, f.region, f.subregion
		qs = append(qs, q)
	case f.all:
		year := f.edition
		if year == 0 {
			ys := d.Years()
			if len(ys) == 0 {
				return egdi.Errorf(egdi.ENOTFOUND, "The dataset holds no published edition.")
			}
			year = ys[len(ys)-1]
		}
		scores, err := d.Edition(year)
		if err != nil {
			return err
		}
		for _, s := range scores {
			q := base
			q.Country = string(s.ISO3)
			qs = append(qs, q)
		}
	default:
		for _, arg := range args {
			c, err := d.Countries.Lookup(arg)
			if err != nil {
				return err
			}
			q := base
			q.Country = string(c.ISO3)
			qs = append(qs, q)
		}
	}

	r := report.New(report.Config{Now: now, DataVersion: builtin.Version, Chromium: a.getenv("EGDI_CHROMIUM")})
	defer func() { _ = r.Close() }()
	if f.format == report.PDF {
		if _, err := r.ChromiumPath(); err != nil {
			return err // before any file is created
		}
	}

	if len(qs) == 1 && !f.all {
		if f.out == "" || f.out == "-" {
			return r.Render(ctx, a.stdout, d, qs[0], f.format)
		}
		return writeReportFile(ctx, r, d, qs[0], f.format, f.out)
	}
	if f.out == "" || f.out == "-" {
		return egdi.Errorf(egdi.EINVALID, "Several reports need -o DIR, the directory that receives them.")
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return writeError(f.out, err)
	}
	return a.batch(ctx, r, d, qs, f)
}

// batch writes several reports into the directory f.out, with as many
// reports in flight as there are cores (at most 4): Chromium prints one page
// per tab, so a second tab keeps a second core busy. The first error stops
// the batch.
func (a *app) batch(ctx context.Context, r *report.Renderer, d *egdi.Dataset, qs []report.Request, f reportFlags) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan report.Request)
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		wg       sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), 4, len(qs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := range jobs {
				path := filepath.Join(f.out, r.Slug(d, q)+"."+f.format)
				err := writeReportFile(ctx, r, d, q, f.format, path)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				if err == nil {
					done++
					_, _ = fmt.Fprintf(a.stderr, "egdi: [%d/%d] %s\n", done, len(qs), path)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, q := range qs {
		select {
		case jobs <- q:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// writeReportFile writes one report to path atomically, so that a failure
// never leaves a half-written report behind.
func writeReportFile(ctx context.Context, r *report.Renderer, d *egdi.Dataset, q report.Request, format, path string) error {
	var renderErr error
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		renderErr = r.Render(ctx, w, d, q, format)
		return renderErr
	})
	switch {
	case err == nil:
		return nil
	case renderErr != nil:
		return renderErr
	}
	return writeError(path, err)
}

// reportClock returns the clock that dates reports: SOURCE_DATE_EPOCH
// (the reproducible-builds convention) when set, else the system clock.
func reportClock(getenv func(string) string) (func() time.Time, error) {
	s := getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Now, nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || sec < 0 {
		return nil, egdi.Errorf(egdi.EINVALID, "SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970.", s)
	}
	t := time.Unix(sec, 0).UTC()
	return func() time.Time { return t }, nil
}
