package report

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/assets"
)

//go:embed templates/*.html templates/*.css
var templateFS embed.FS

// Formats a report can be written in.
const (
	HTML = "html"
	PDF  = "pdf"
)

// Renderer writes reports. Its zero value is not usable: build it with
// [New]. A Renderer is safe for concurrent use; it starts one browser, on
// the first PDF, and keeps it until [Renderer.Close].
type Renderer struct {
	cfg  Config
	tmpl *template.Template

	mu   sync.Mutex
	data *data // the scored editions of the last dataset seen

	pdf pdfState
}

// Config holds what a Renderer needs from outside.
type Config struct {
	// Now is the clock that dates reports (time.Now when nil); tests fix it.
	Now func() time.Time
	// DataVersion names the data release, printed on every report.
	DataVersion string
	// Chromium is the browser binary for PDFs; "" looks for
	// chromium-headless-shell, chrome-headless-shell, chromium,
	// chromium-browser, google-chrome and google-chrome-stable on PATH.
	Chromium string
	// Logger receives the browser's start and stop (discarded when nil).
	Logger *slog.Logger
	// IdleTimeout stops the browser when no PDF has been asked for that
	// long (0: it runs until Close). A server sets it, so that an idle
	// process does not keep Chromium's memory; the next PDF starts it again.
	IdleTimeout time.Duration
	// FontBase is where the HTML page loads its fonts from: "" inlines
	// them (a saved HTML file then carries its fonts), a URL prefix links
	// them (a server that serves assets.FontFS there).
	FontBase string
}

// New returns a Renderer. It parses the embedded templates (a failure is a
// bug caught by the package's tests) and starts nothing.
func New(cfg Config) *Renderer {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	t := template.Must(template.New("report").Funcs(template.FuncMap{
		"pair": func(a, b any) pair { return pair{a, b} },
	}).ParseFS(templateFS, "templates/*.html"))
	return &Renderer{cfg: cfg, tmpl: t}
}

// page is the root of the template data.
type page struct {
	words
	Dir, Title, Subtitle string
	Footer               string
	Generated            string
	DataVersion          string
	Edition              int
	FontCSS              template.CSS
	Style                template.CSS
	Country              *countryView
	Group                *groupView
	Methods              []methodRow
	Notes                []template.HTML
	Sources              []template.HTML
}

// dataFor returns the scored editions of d, computing them once per dataset.
func (r *Renderer) dataFor(d *egdi.Dataset) (*data, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.data != nil && r.data.d == d {
		return r.data, nil
	}
	x, err := newData(d)
	if err != nil {
		return nil, err
	}
	r.data = x
	return x, nil
}

// build makes the template data of a request.
func (r *Renderer) build(d *egdi.Dataset, q Request) (*page, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	x, err := r.dataFor(d)
	if err != nil {
		return nil, err
	}
	w := words{q.Lang}
	p := &page{words: w, Dir: "ltr", DataVersion: r.cfg.DataVersion}
	if q.Lang == "ar" {
		p.Dir = "rtl"
	}
	p.Generated = r.cfg.Now().UTC().Format("2006-01-02")
	var years []int
	if q.IsGroup() {
		g, err := buildGroup(x, q, w)
		if err != nil {
			return nil, err
		}
		p.Group, p.Edition = g, g.Edition
		p.Title = g.Name
		p.Subtitle = w.T("report.group_title") + " · " + w.T("egdi") + " " + itoa(g.Edition)
		years = []int{g.Edition}
		if g.Prev > 0 {
			years = []int{g.Prev, g.Edition}
		}
	} else {
		c, err := buildCountry(x, q, w)
		if err != nil {
			return nil, err
		}
		r.analyse(x, c, w)
		if err := r.requested(x, c, q, w); err != nil {
			return nil, err
		}
		p.Country, p.Edition = c, c.Edition
		p.Title = c.Name
		p.Subtitle = w.T("report.country_title") + " · " + w.T("egdi") + " " + itoa(c.Edition)
		years = c.HistoryYears
	}
	p.Footer = p.Title + " · " + w.T("egdi") + " " + itoa(p.Edition)
	p.Methods = methodRows(w, years)
	p.Notes = methodNotes(w, p.Edition)
	p.Sources = sources(w, x.years, r.cfg.DataVersion)
	return p, nil
}

// HTML writes the report as one self-contained HTML page.
func (r *Renderer) HTML(w io.Writer, d *egdi.Dataset, q Request) error {
	return r.html(w, d, q, r.cfg.FontBase)
}

func (r *Renderer) html(w io.Writer, d *egdi.Dataset, q Request, fontBase string) error {
	if q.Brief {
		return r.brief(w, d, q, fontBase)
	}
	p, err := r.build(d, q)
	if err != nil {
		return err
	}
	css, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		return err
	}
	p.FontCSS = template.CSS(assets.PrintFontFaceCSS(fontBase)) // our own embedded CSS, not user input
	p.Style = template.CSS(css)
	var buf bytes.Buffer
	if err := r.tmpl.ExecuteTemplate(&buf, "page.html", p); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// briefPage is the template data of a brief: the same country in both
// languages, English first.
type briefPage struct {
	EN, AR  *page
	FontCSS template.CSS
	Style   template.CSS
}

// brief writes the one-page brief of a country (Request.Brief): for each
// language the headline and figures, the change since the previous edition
// and why, the gap to a peer (Request.Vs, or the country ranked just above
// in its peer area) and the cheapest plan to the next target
// (Request.Target, or the next class, group or round rank).
func (r *Renderer) brief(w io.Writer, d *egdi.Dataset, q Request, fontBase string) error {
	var b briefPage
	for _, lang := range []string{"en", "ar"} {
		q.Lang = lang
		p, err := r.build(d, q)
		if err != nil {
			return err
		}
		if lang == "en" {
			b.EN = p
		} else {
			b.AR = p
		}
	}
	css, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		return err
	}
	b.FontCSS = template.CSS(assets.PrintFontFaceCSS(fontBase)) // our own embedded CSS, not user input
	b.Style = template.CSS(css)
	var buf bytes.Buffer
	if err := r.tmpl.ExecuteTemplate(&buf, "brief", &b); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Render writes the report in format (HTML or PDF) to w.
func (r *Renderer) Render(ctx context.Context, w io.Writer, d *egdi.Dataset, q Request, format string) error {
	switch format {
	case HTML:
		return r.HTML(w, d, q)
	case PDF:
		return r.PDF(ctx, w, d, q)
	}
	return egdi.Errorf(egdi.EINVALID, "Unknown report format %q: choose html or pdf.", format)
}

// Slug returns a file name stem for a request: BHR-2024-ar, gcc-2024-en.
func (r *Renderer) Slug(d *egdi.Dataset, q Request) string {
	x, err := r.dataFor(d)
	y := q.Edition
	if err == nil && y == 0 {
		y, _ = x.edition(0)
	}
	subject := q.Group + q.Region + q.Subregion
	if !q.IsGroup() {
		if c, err := d.Countries.Lookup(q.Country); err == nil {
			subject = string(c.ISO3)
		}
	}
	b := make([]byte, 0, len(subject))
	for _, c := range []byte(subject) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		case len(b) > 0 && b[len(b)-1] != '-':
			b = append(b, '-')
		}
	}
	out := string(b) + "-" + itoa(y) + "-" + q.Lang
	if q.Brief {
		out = string(b) + "-" + itoa(y) + "-brief"
	}
	if q.Vs != "" {
		if c, err := d.Countries.Lookup(q.Vs); err == nil {
			out += "-vs-" + string(c.ISO3)
		}
	}
	if q.Target > 0 {
		out += "-rank" + itoa(q.Target)
	}
	return out
}

// pair passes two values to a sub-template: the page (for words) and a part.
type pair struct{ A, B any }

func nan() float64 { return math.NaN() }
