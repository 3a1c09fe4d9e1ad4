package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// cachedResp is a rendered response of published data, kept both plain and
// gzip-compressed, with its entity tag.
type cachedResp struct {
	ctype, disposition string
	body, gz           []byte
	etag               string
}

// respCache keeps rendered responses by request key. Published data do not
// change for one dataset, so an entry is valid until the dataset changes
// (then [Server.dataset] resets the cache). When full it is simply
// emptied: the keys are the few views people ask for, and a refill costs
// one render each.
type respCache struct {
	mu  sync.RWMutex
	max int
	m   map[string]*cachedResp
}

func newRespCache(max int) *respCache { return &respCache{max: max, m: make(map[string]*cachedResp)} }

func (c *respCache) get(k string) *cachedResp {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[k]
}

func (c *respCache) put(k string, v *cachedResp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = v
}

func (c *respCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

func newCachedResp(ctype, disposition string, body []byte) *cachedResp {
	sum := sha256.Sum256(body)
	cr := &cachedResp{ctype: ctype, disposition: disposition, body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	if compressible(ctype) && len(body) > 512 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		cr.gz = buf.Bytes()
	}
	return cr
}

// cacheKey is the path and the query with its keys sorted, so that the
// same view asked in a different order shares an entry.
func cacheKey(r *http.Request, extra string) string {
	return r.URL.Path + "?" + r.URL.Query().Encode() + "#" + extra
}

// serveCached answers from the cache or renders, stores and answers. render
// returns the body and its content type; an error is answered as JSON and
// not cached. The response carries an ETag (answered by 304 on a match)
// and may be cached by clients for five minutes, then revalidated.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, key string,
	render func() (body []byte, ctype, disposition string, err error)) {
	cr := s.cache.get(key)
	if cr == nil {
		body, ctype, disp, err := render()
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		cr = newCachedResp(ctype, disp, body)
		s.cache.put(key, cr)
	}
	writeCached(w, r, cr, "public, max-age=300")
}

func writeCached(w http.ResponseWriter, r *http.Request, cr *cachedResp, cacheControl string) {
	h := w.Header()
	h.Set("ETag", cr.etag)
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Accept-Encoding")
	if cr.disposition != "" {
		h.Set("Content-Disposition", cr.disposition)
	}
	if etagMatch(r.Header.Get("If-None-Match"), cr.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", cr.ctype)
	body := cr.body
	if cr.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = cr.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etagMatch implements the weak comparison of If-None-Match (RFC 9110 §13.1.2).
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
