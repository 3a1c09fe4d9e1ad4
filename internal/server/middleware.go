package server

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/egdi-project/egdi"
)

// csp is the Content-Security-Policy of every response: scripts, styles,
// fonts and images from this origin only (no inline script, no CDN), no
// framing by other sites, forms and links back to this origin. The one
// inline style allowed, by its hash, is the attribute every SVG chart of
// internal/chart carries: style="max-width:100%;height:auto".
const csp = "default-src 'self'; script-src 'self'; " +
	"style-src 'self' 'unsafe-hashes' 'sha256-OFZH/KmE1spbRSh4CjNax9vyG1iEwWYtQyOeXApqoN4='; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY") // for browsers without frame-ancestors
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses requests that change state (POST, DELETE: job
// start and cancel, and every future write) from another site, so that a
// web page a local user opens cannot use their loopback server: the
// browser's Sec-Fetch-Site must say same-origin (or none: typed by the
// user), or, from browsers without it, Origin must match Host (see
// net/http.CrossOriginProtection). Requests with neither header (curl,
// scripts) are not from a browser page and pass. GET, HEAD and OPTIONS
// never change state. Refusals are 403: JSON under /api/, a page elsewhere.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := egdi.Errorf(egdi.EFORBIDDEN, "Cross-site request refused: %s %s is only accepted from this site's own pages.", r.Method, r.URL.Path)
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.writeError(w, r, err)
			return
		}
		lang := "en"
		if strings.HasPrefix(r.URL.Path, "/ar/") {
			lang = "ar"
		}
		r.SetPathValue("lang", lang)
		s.pageError(w, r, err)
	}))
	return p.Handler(next)
}

// allowedHosts answers 421 Misdirected Request to a Host header the
// server does not serve, so that a DNS-rebinding page (a name of the
// attacker's that now resolves to 127.0.0.1) cannot reach it: IP
// addresses, localhost and the names in Deps.Hosts (`egdi serve --host`)
// are served. A rebinding page always sends its own name.
func (s *Server) allowedHosts(next http.Handler) http.Handler {
	names := map[string]bool{"localhost": true}
	for _, h := range s.deps.Hosts {
		names[strings.ToLower(strings.TrimSuffix(h, "."))] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hostAllowed(r.Host, names) {
			next.ServeHTTP(w, r)
			return
		}
		var b errorBody
		b.Error.Code = egdi.EINVALID
		b.Error.Message = "This server does not serve the host " + strconv.Quote(trunc(r.Host)) +
			": use its address, localhost, or a name given to egdi serve --host."
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusMisdirectedRequest, b)
	})
}

// hostAllowed reports whether a Host header (host or host:port) names an
// IP address, localhost or one of names.
func hostAllowed(hostport string, names map[string]bool) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "]"), "["), ".")
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	host = strings.ToLower(host)
	return names[host] || strings.HasSuffix(host, ".localhost")
}

// statusWriter records the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var requestSeq atomic.Uint64

// logRequests writes one structured line per request: method, path, status,
// bytes, duration and a request id (also sent as X-Request-Id).
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.deps.Now()
		id := fmt.Sprintf("%x-%d", start.Unix(), requestSeq.Add(1))
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", s.deps.Now().Sub(start)), slog.String("remote", r.RemoteAddr))
	})
}

// recoverer turns a panic in a handler into a logged 500: a bug must not
// take the process down. (http.ErrAbortHandler is re-raised, as net/http
// expects.)
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.writeError(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// compressible reports whether a content type is worth gzipping.
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	switch strings.TrimSpace(ct) {
	case "text/html", "text/css", "text/csv", "text/plain", "text/javascript", "application/javascript",
		"application/json", "application/yaml", "image/svg+xml":
		return true
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0")
		}
	}
	return false
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return w
}}

// gzipWriter compresses the body when the handler did not already encode
// it and its type is text.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func (w *gzipWriter) WriteHeader(code int) {
	if !w.decided {
		w.decided = true
		h := w.Header()
		if h.Get("Content-Encoding") == "" && code != http.StatusNoContent && code != http.StatusNotModified &&
			code >= 200 && compressible(h.Get("Content-Type")) {
			h.Set("Content-Encoding", "gzip")
			h.Add("Vary", "Accept-Encoding")
			h.Del("Content-Length")
			h.Del("Accept-Ranges")
			w.gz = gzipPool.Get().(*gzip.Writer)
			w.gz.Reset(w.ResponseWriter)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *gzipWriter) close() {
	if w.gz != nil {
		_ = w.gz.Close()
		gzipPool.Put(w.gz)
		w.gz = nil
	}
}

// Flush sends what is buffered (used by nothing streaming today, but a
// ResponseWriter that hides Flush breaks http.NewResponseController).
func (w *gzipWriter) Flush() {
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *gzipWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, egdi.Errorf(egdi.EINTERNAL, "hijack not supported")
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// gzipMiddleware compresses text responses for clients that accept gzip.
// Handlers that serve pre-compressed bytes set Content-Encoding themselves.
func gzipMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !acceptsGzip(r) || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// serverTimeouts are the limits of the http.Server that serves the handler.
var serverTimeouts = struct {
	ReadHeader, Read, Write, Idle, Shutdown time.Duration
}{ReadHeader: 5 * time.Second, Read: 15 * time.Second, Write: 60 * time.Second, Idle: 120 * time.Second, Shutdown: 20 * time.Second}
