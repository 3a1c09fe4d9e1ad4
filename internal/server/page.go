package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/assets"
	"github.com/egdi-project/egdi/internal/i18n"
)

//go:embed assets
var assetFS embed.FS

// pageFiles are the page templates; each is parsed with layout.html.
var pageFiles = []string{"home", "rankings", "country", "compare", "uncertainty", "methodology", "notfound",
	"assessments", "assessment"} // the last two: assessment.go

// ui holds the interface words in English and Arabic (assets/ui.csv);
// terms of the index itself (names of indices, groups, regions) come from
// the project glossary, internal/i18n.
var ui = sync.OnceValue(func() map[string][2]string {
	b, err := assetFS.ReadFile("assets/ui.csv")
	if err != nil {
		panic(err) // embedded: a test reads it
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		panic(fmt.Errorf("server: ui.csv: %w", err))
	}
	m := make(map[string][2]string, len(recs))
	for _, r := range recs[1:] {
		m[r[0]] = [2]string{r[1], r[2]}
	}
	return m
})

// tr returns the interface word for key in lang: ui.csv first, then the
// glossary; an unknown key shows as itself, never as a blank.
func tr(lang, key string) string {
	if e, ok := ui()[key]; ok {
		if lang == "ar" {
			return e[1]
		}
		return e[0]
	}
	return i18n.T(lang, key)
}

// staticFile is an embedded asset ready to serve.
type staticFile struct {
	ctype string
	body  *cachedResp
	hash  string // first 10 hex digits of the SHA-256, for cache-busting URLs
}

// staticFiles are the files under /static/: assets/static, plus the Noto
// Sans Arabic web fonts of package internal/assets under fonts/ (OFL), whose
// @font-face rules are put in front of style.css.
var staticFiles = sync.OnceValue(func() map[string]*staticFile {
	out := map[string]*staticFile{}
	add := func(name string, b []byte) {
		ct := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
			".svg": "image/svg+xml", ".woff2": "font/woff2", ".png": "image/png", ".ico": "image/x-icon",
			".txt": "text/plain; charset=utf-8"}[path.Ext(name)]
		if ct == "" {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(b)
		out[name] = &staticFile{ctype: ct, body: newCachedResp(ct, "", b), hash: hex.EncodeToString(sum[:5])}
	}
	fonts := assets.FontFS()
	var faces strings.Builder
	for _, f := range assets.Fonts {
		b, err := fs.ReadFile(fonts, f.File)
		if err != nil {
			continue // listed fonts are embedded (internal/assets tests it)
		}
		add("fonts/"+f.File, b)
		// font-display: swap shows text at once in a fallback font.
		fmt.Fprintf(&faces, "@font-face{font-family:'%s';font-style:normal;font-display:swap;font-weight:%d;src:url(%s) format('woff2');unicode-range:%s}\n",
			assets.FontFamily, f.Weight, assetURLIn(out, "fonts/"+f.File), f.UnicodeRange)
	}
	if lic, err := fs.ReadFile(fonts, "OFL.txt"); err == nil {
		add("fonts/OFL.txt", lic)
	}
	_ = fs.WalkDir(assetFS, "assets/static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/static/")
		if name == "style.css" {
			b = append([]byte(faces.String()), b...)
		}
		add(name, b)
		return nil
	})
	return out
})

func assetURLIn(files map[string]*staticFile, name string) string {
	if f, ok := files[name]; ok {
		return "/static/" + name + "?v=" + f.hash
	}
	return "/static/" + name
}

// assetURL returns the URL of a static file with its content hash, so that
// it can be cached for a year: a changed file gets a new URL.
func assetURL(name string) string { return assetURLIn(staticFiles(), name) }

// handleStatic serves embedded CSS, JavaScript and fonts, pre-compressed,
// with an ETag; a URL carrying the current hash is cached as immutable.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := staticFiles()[r.PathValue("path")]
	if !ok {
		s.pageNotFound(w, r)
		return
	}
	cc := "public, max-age=3600"
	if r.URL.Query().Get("v") == f.hash {
		cc = "public, max-age=31536000, immutable"
	}
	writeCached(w, r, f.body, cc)
}

// handleFavicon serves the icon browsers ask for at /favicon.ico.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	writeCached(w, r, staticFiles()["favicon.ico"].body, "public, max-age=86400")
}

func mustParsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"asset":  assetURL,
		"signed": signedInt,
		"fixed":  func(v float64, d int) string { return strconv.FormatFloat(v, 'f', d, 64) },
		"pct":    func(v float64) string { return strconv.FormatFloat(v*100, 'f', 0, 64) },
		"add":    func(a, b int) int { return a + b },
		"fmtIx":  func(m *egdi.Method, ix string, v float64) string { return m.Precision(indicatorOf(ix)).Format(v) },
		"fmtEPI": func(m *egdi.Method, v *float64) string {
			if v == nil {
				return "–"
			}
			return m.EPIPrecision.Format(*v)
		},
		"rankOf": func(r rankingRow, ix string) int { return r.RankBy(ix) },
		"lower":  strings.ToLower,
		// abs writes a rank change without its sign, for "up 3" / "down 16".
		"abs": func(n int) int {
			if n < 0 {
				return -n
			}
			return n
		},
		"valOf": func(r rankingRow, ix string) float64 { return r.ValueOf(ix) },
	}
	out := map[string]*template.Template{}
	for _, p := range pageFiles {
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assetFS,
			"assets/templates/layout.html", "assets/templates/"+p+".html"))
		out[p] = t
	}
	return out
}

func signedInt(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// base is what every page's template gets: language, direction, the
// language switch and navigation.
type base struct {
	Lang, Dir string
	Title     string
	Nav       string // the active navigation entry
	Path      string // this page's path without the language, e.g. "/rankings"
	Query     string // this page's query string, kept by the language switch
	Version   string
	Error     string // a message shown above the content (bad parameter)
	Accounts  bool   // the server has accounts: the menu links to sign-in and sign-out (the account page)
}

// T returns an interface word in the page's language.
func (b *base) T(key string) string { return tr(b.Lang, key) }

// F returns an interface sentence with its {name} placeholders filled
// from name, value pairs (values are strings or ints).
func (b *base) F(key string, kv ...any) string {
	s := tr(b.Lang, key)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(kv[i])+"}", fmt.Sprint(kv[i+1]))
	}
	return s
}

// Count writes a count with the plural form of the page's language
// (i18n.Count: Arabic has six forms).
func (b *base) Count(key string, n int) string { return i18n.Count(b.Lang, key, n) }

// Class names a rating class (VH, V3 …) in the page's language.
func (b *base) Class(code string) string { return classLabel(b.Lang, code) }

// Comma is the list separator of the page's language (Arabic comma in Arabic).
func (b *base) Comma() string { return i18n.Comma(b.Lang) }

// Semi is the semicolon of the page's language (Arabic semicolon in Arabic).
func (b *base) Semi() string { return strings.TrimSpace(i18n.Semicolon(b.Lang)) }

// EditionTitle is the title of an edition's Survey in the page's language.
func (b *base) EditionTitle(year int) string { return i18n.T(b.Lang, "edtitle."+strconv.Itoa(year)) }

// classLabel names a rating class in lang: the UN's English code, or in
// Arabic the group and its quarter (4 the highest, as VH in English).
func classLabel(lang, code string) string {
	if code == "" {
		return ""
	}
	if lang == "ar" && i18n.Has("class."+code) {
		return i18n.T(lang, "class."+code)
	}
	return code
}

// Other is the language the switch offers.
func (b *base) Other() string {
	if b.Lang == "ar" {
		return "en"
	}
	return "ar"
}

// Switch is this page in the other language, with the same query.
func (b *base) Switch() string {
	u := "/" + b.Other() + b.Path
	if b.Query != "" {
		u += "?" + b.Query
	}
	return u
}

// URL is a page path in this page's language.
func (b *base) URL(p string) string { return "/" + b.Lang + p }

// Name is a country's name in the page's language.
func (b *base) Name(c *egdi.Country) string {
	if c == nil {
		return ""
	}
	return c.Name(b.Lang)
}

func (s *Server) newBase(r *http.Request, nav, title string) base {
	lang := r.PathValue("lang")
	if lang != "ar" {
		lang = "en"
	}
	p := strings.TrimPrefix(r.URL.Path, "/"+lang)
	if p == "" {
		p = "/"
	}
	b := base{Lang: lang, Dir: i18n.Dir(lang), Nav: nav, Path: p, Query: r.URL.RawQuery, Version: s.deps.Version,
		Accounts: s.deps.Accounts != nil}
	b.Title = b.T(title)
	return b
}

// render executes a page template. Pages are rendered into a buffer first,
// so that a template error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.log.ErrorContext(r.Context(), "template", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	if status == http.StatusOK && page != "uncertainty" {
		// Every other page is a function of the data, the path and the
		// query: keep it, so the next request skips the work (see pageCached).
		cr := newCachedResp("text/html; charset=utf-8", "", buf.Bytes())
		s.pageCache.put(pageKey(r), cr)
		writeCached(w, r, cr, "no-cache")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func pageKey(r *http.Request) string { return "page:" + r.URL.Path + "?" + r.URL.RawQuery }

// pageCached answers a page from the cache when it was rendered before for
// the current data; pages are revalidated by ETag ("no-cache"), so a
// browser gets a 304 for a page it has.
func (s *Server) pageCached(w http.ResponseWriter, r *http.Request) bool {
	if _, _, err := s.dataset(r.Context()); err != nil {
		return false // the handler reports it
	}
	if cr := s.pageCache.get(pageKey(r)); cr != nil {
		writeCached(w, r, cr, "no-cache")
		return true
	}
	return false
}

// pageError renders the error page for err, with the status of its code.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
	}
	b := s.newBase(r, "", "error")
	b.Error = webWording(egdi.ErrorMessage(err))
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfter)
	}
	if b.Lang == "ar" {
		// The engine's messages are English: an Arabic page says what
		// went wrong in Arabic, by the kind of error.
		switch egdi.ErrorCode(err) {
		case egdi.EINVALID:
			b.Error = b.T("err.bad_request")
		case egdi.ENOTFOUND:
			if b.Error != tr("ar", "not_found_text") {
				b.Error = b.T("err.not_found_item")
			}
		default:
			b.Error = b.T("err.internal")
		}
	}
	if status == http.StatusNotFound {
		b.Title = b.T("not_found")
	}
	s.render(w, r, status, "notfound", &struct{ base }{b})
}

// pageNotFound answers any path no route matches with the HTML 404 page.
func (s *Server) pageNotFound(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowed(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
		return
	}
	lang := "en"
	if strings.HasPrefix(r.URL.Path, "/ar/") {
		lang = "ar"
	}
	r.SetPathValue("lang", lang)
	s.pageError(w, r, egdi.Errorf(egdi.ENOTFOUND, "%s", tr(lang, "not_found_text")))
}

// handleRoot sends / to /ar/ or /en/ by the browser's Accept-Language:
// Arabic when the first language it names with a positive weight is Arabic.
func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Accept-Language")
	target := "/" + i18n.Match(r.Header.Get("Accept-Language")) + "/" + queryTail(r)
	http.Redirect(w, r, target, http.StatusFound)
}

// withQuery returns path with the query values set (empty values dropped).
func withQuery(p string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if e := v.Encode(); e != "" {
		return p + "?" + e
	}
	return p
}
