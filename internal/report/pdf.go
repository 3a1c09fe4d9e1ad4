package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/assets"
)

// Time limits of the PDF path. A report prints in about a second; the
// limits only stop a browser that hangs.
const (
	startTimeout = 30 * time.Second // browser start
	printTimeout = 60 * time.Second // one report: load, fonts, print
)

// pdfState is the browser a Renderer keeps for its PDFs and the loopback
// server that hands it the pages.
type pdfState struct {
	mu      sync.Mutex
	browser context.Context
	stop    []func()
	base    string      // http://127.0.0.1:port
	tabs    chan tab    // idle tabs, reused across reports
	active  int         // prints in progress (under mu)
	idle    *time.Timer // closes the browser after Config.IdleTimeout
	printed atomic.Int64
}

// tab is a browser tab kept for reuse: opening a tab costs about as much
// as loading a report, so a batch reuses them. Each tab shows a blank page
// of the loopback server (its frame is frame); a report is written into
// that frame (Page.setDocumentContent), so its relative font URLs resolve
// to the server, and the fonts come from the tab's cache after the first
// report.
type tab struct {
	ctx   context.Context
	close context.CancelFunc
	frame cdp.FrameID
}

// maxIdleTabs bounds the tabs kept open between reports (one per core of a
// small server is plenty; more are opened, and closed, under load).
const maxIdleTabs = 4

// chromiumNames are the browser binaries looked for on PATH, in order.
// The headless shells come first: they are Chromium's engine without the
// browser's user interface (Debian: apt-get install chromium-headless-shell;
// Chrome for Testing: chrome-headless-shell), print the same tagged PDF,
// start in about a third of the time (measured here: 0.3 s against 1.0 s)
// and spend about a quarter less CPU a report.
var chromiumNames = []string{"chromium-headless-shell", "chrome-headless-shell",
	"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// errNoChromium is the message users see when PDF output has no browser.
func errNoChromium(detail string) error {
	return egdi.Errorf(egdi.EUNAVAILABLE,
		"PDF output needs Chromium, and %s. Install it (Debian/Ubuntu: apt-get install chromium, "+
			"or the faster chromium-headless-shell; other systems: install Chromium or Google Chrome and put it on PATH), "+
			"or use --format html.", detail)
}

// ChromiumPath returns the browser binary PDFs would use (Config.Chromium,
// else the first of chromium-headless-shell, chrome-headless-shell,
// chromium, chromium-browser, google-chrome, google-chrome-stable on
// PATH), or an EUNAVAILABLE error saying how to install one.
func (r *Renderer) ChromiumPath() (string, error) {
	if r.cfg.Chromium != "" {
		p, err := exec.LookPath(r.cfg.Chromium)
		if err != nil {
			return "", errNoChromium(fmt.Sprintf("%q cannot be run (%v)", r.cfg.Chromium, err))
		}
		return p, nil
	}
	for _, n := range chromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", errNoChromium("none was found on PATH")
}

// start launches the browser and the loopback server, once.
func (r *Renderer) start() error {
	p := &r.pdf
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser != nil {
		return nil
	}
	path, err := r.ChromiumPath()
	if err != nil {
		return err // not remembered: Chromium may be installed before the next call
	}

	// The loopback server: fonts from go:embed, the pages from memory.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("report: loopback listener for the browser: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /fonts/", http.StripPrefix("/fonts/", http.FileServerFS(assets.FontFS())))
	mux.HandleFunc("GET /blank", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!DOCTYPE html><title></title>")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	p.base = "http://" + ln.Addr().String()

	// The browser. The flags keep a headless Chromium from reaching for
	// the network (no internet is needed or assumed) and let it run as
	// root in containers (no sandbox: it only ever loads our own pages
	// from loopback).
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("font-render-hinting", "none"),
		// No screen frames unless asked for (headless shell; Chromium
		// ignores it): a PDF needs none, and drawing each report on the
		// screen as well cost the shell about a sixth of its CPU a report
		// (measured, median of 9 runs: 0.56 s → 0.47 s).
		chromedp.Flag("enable-begin-frame-control", true),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	// The first action on bctx starts the browser, which then lives as long
	// as bctx: a timeout context here would kill it after the start, so
	// the start limit is a timer instead.
	t0 := time.Now()
	timer := time.AfterFunc(startTimeout, bcancel)
	var frame cdp.FrameID
	err = chromedp.Do(bctx, prepare(p.base, &frame))
	timer.Stop()
	if err != nil {
		bcancel()
		acancel()
		_ = srv.Close()
		return errNoChromium(fmt.Sprintf("%s did not start (%v)", path, err))
	}
	r.cfg.Logger.Info("browser started", "path", path, "took", time.Since(t0))
	p.browser = bctx
	p.tabs = make(chan tab, maxIdleTabs)
	// The tab the start opened is the first idle tab: opening another
	// costs a few hundred milliseconds. Closing it is the browser's job.
	p.tabs <- tab{ctx: bctx, close: func() {}, frame: frame}
	// Stopping cancels the allocator, which kills Chromium and removes its
	// temporary profile: a graceful close would only save a profile that
	// is thrown away, and takes half a second more.
	p.stop = []func(){bcancel, acancel, func() { _ = srv.Close() }}
	return nil
}

// PDF writes the report as an A4, tagged PDF printed by Chromium. The
// browser starts on the first call and serves every later one.
func (r *Renderer) PDF(ctx context.Context, w io.Writer, d *egdi.Dataset, q Request) error {
	// The browser starts (once) while the page is built: both take
	// hundreds of milliseconds on a first report.
	started := make(chan error, 1)
	go func() { started <- r.start() }()
	var page bytes.Buffer
	err := r.html(&page, d, q, "/fonts/")
	if serr := <-started; err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		return err
	}
	b, err := r.Print(ctx, page.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Print prints an HTML page made by this package to PDF. The page loads
// its fonts from /fonts/ on the loopback server.
func (r *Renderer) Print(ctx context.Context, html []byte) ([]byte, error) {
	p := &r.pdf
	p.mu.Lock()
	p.active++ // before start: an idle close never runs while a print waits
	if p.idle != nil {
		p.idle.Stop()
	}
	p.mu.Unlock()
	defer r.printDone()
	if err := r.start(); err != nil {
		return nil, err
	}
	t, err := p.getTab()
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() { p.putTab(t, ok) }()
	tctx, cancel := context.WithTimeout(t.ctx, printTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel) // the caller's cancellation reaches the tab
	defer stop()

	fail := func(step string, err error) ([]byte, error) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, egdi.Errorf(egdi.EUNAVAILABLE, "The browser did not finish the PDF (%s) within %s.", step, printTimeout)
		}
		return nil, fmt.Errorf("report: PDF %s: %w", step, err)
	}
	// The page is written into the tab's blank page rather than navigated
	// to: a navigation costs Chromium a new document, a request and the
	// load events (measured: 110–220 ms a report against 40–50 ms).
	if err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.SetDocumentContent, cdppage.SetDocumentContentParams{FrameID: t.frame, HTML: string(html)})
		return err
	})); err != nil {
		return fail("load", err)
	}
	// Print only once the web fonts are in: otherwise Chromium prints with
	// a fallback font, or with none. Every face the page declares is loaded
	// (from the tab's cache after the first report) without laying the page
	// out for the screen: the print lays it out once, for A4.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`Promise.all([...document.fonts].map(f => f.load())).then(() => document.fonts.ready).then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return fail("fonts", err)
	}
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(
		chromedp.PDFPreferCSSPageSize(), // A4 and margins from @page in report.css
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(), // outline from the headings, tags for screen readers
	))
	if err != nil {
		return fail("print", err)
	}
	p.printed.Add(1)
	ok = true
	return pdf, nil
}

// printDone ends a print and, with Config.IdleTimeout, arms the timer that
// stops the browser when no print follows.
func (r *Renderer) printDone() {
	p := &r.pdf
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active--
	if p.active == 0 && r.cfg.IdleTimeout > 0 && p.browser != nil {
		p.idle = time.AfterFunc(r.cfg.IdleTimeout, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.active == 0 {
				r.closeLocked()
			}
		})
	}
}

// getTab returns an idle tab, or opens one on the shared browser.
func (p *pdfState) getTab() (tab, error) {
	p.mu.Lock()
	tabs, browser, base := p.tabs, p.browser, p.base
	p.mu.Unlock()
	if browser == nil {
		return tab{}, egdi.Errorf(egdi.EUNAVAILABLE, "The browser was stopped while the PDF was being made; try again.")
	}
	select {
	case t := <-tabs:
		return t, nil
	default:
	}
	// The first action on a tab's context opens the tab, which then lives
	// as long as that context: it must be the tab's own context, not a
	// per-report timeout, or the tab dies with the first report.
	ctx, cancel := chromedp.NewContext(browser)
	timer := time.AfterFunc(startTimeout, cancel)
	var frame cdp.FrameID
	err := chromedp.Do(ctx, prepare(base, &frame))
	timer.Stop()
	if err != nil {
		cancel()
		return tab{}, egdi.Errorf(egdi.EUNAVAILABLE, "The browser could not open a tab for the PDF: %w.", err)
	}
	return tab{ctx, cancel, frame}, nil
}

// prepare readies a new tab for reports. It turns off the DevTools
// domains chromedp enables on every tab and a print never reads: CSS and
// DOM (the renderer would report every style sheet and node of each
// report), Network (every request, with its headers), Log and Inspector. Page (load events) and Runtime (the fonts
// wait) stay on. A report then costs the renderer and the browser about a
// fifth less CPU (measured: 1.17 s → 0.96 s of Chromium CPU a report).
// It then opens the loopback server's blank page and sets *frame to the
// tab's main frame, where reports are written.
func prepare(base string, frame *cdp.FrameID) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// CSS before DOM: the CSS agent needs the DOM agent.
		for _, c := range []cdp.Command[cdp.Empty, cdp.Empty]{css.Disable, dom.Disable, network.Disable, log.Disable, inspector.Disable} {
			if _, err := cdp.Call(ctx, t, c, cdp.Empty{}); err != nil {
				return fmt.Errorf("%s: %w", c.Method, err)
			}
		}
		if _, err := chromedp.Navigate(base+"/blank")(ctx, t); err != nil {
			return err
		}
		ft, err := cdp.Call(ctx, t, cdppage.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		*frame = ft.FrameTree.Frame.ID
		return nil
	})
}

// putTab keeps a tab that printed well for the next report, and closes a
// tab that failed (its state is unknown) or that is one too many.
func (p *pdfState) putTab(t tab, ok bool) {
	if ok {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.tabs != nil && p.browser != nil {
			select {
			case p.tabs <- t:
				return
			default:
			}
		}
	}
	t.close()
}

// Close stops the browser and the loopback server, if they were started.
// The Renderer can still write HTML; a later PDF starts a new browser.
func (r *Renderer) Close() error {
	r.pdf.mu.Lock()
	defer r.pdf.mu.Unlock()
	r.closeLocked()
	return nil
}

// closeLocked stops the browser; the caller holds pdf.mu.
func (r *Renderer) closeLocked() {
	p := &r.pdf
	if p.idle != nil {
		p.idle.Stop()
		p.idle = nil
	}
	if p.tabs != nil {
		for len(p.tabs) > 0 {
			(<-p.tabs).close()
		}
	}
	for _, f := range p.stop {
		f()
	}
	if p.browser != nil {
		r.cfg.Logger.Info("browser stopped", "pdfs", p.printed.Load())
	}
	p.stop, p.browser, p.tabs = nil, nil, nil
}

// BrowserRunning reports whether the Renderer's browser is started.
func (r *Renderer) BrowserRunning() bool {
	r.pdf.mu.Lock()
	defer r.pdf.mu.Unlock()
	return r.pdf.browser != nil
}
