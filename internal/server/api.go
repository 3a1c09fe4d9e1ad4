package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/egdi-project/egdi"
)

// statusOf maps the project's error codes to HTTP statuses: the one place
// where the error vocabulary meets HTTP. Every input problem is a 4xx.
func statusOf(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if egdi.ErrorCode(err) == egdi.EUNAUTHORIZED { // user.go: no session or token, or a bad one
		return http.StatusUnauthorized
	}
	switch egdi.ErrorCode(err) {
	case egdi.EINVALID:
		return http.StatusBadRequest
	case egdi.ENOTFOUND:
		return http.StatusNotFound
	case egdi.ECONFLICT:
		return http.StatusConflict
	case egdi.EBUSY, egdi.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case egdi.ETOOMANY:
		return http.StatusTooManyRequests
	case egdi.EFORBIDDEN:
		return http.StatusForbidden
	case egdi.ECANCELED:
		return 499 // client closed the request (nginx's convention); never seen by the client
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON body of every API error.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError answers err as JSON. Internal errors are logged with the
// request and reported to the client only as "Internal error.".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	var b errorBody
	b.Error.Code = egdi.ErrorCode(err)
	b.Error.Message = webWording(egdi.ErrorMessage(err))
	if status == http.StatusRequestEntityTooLarge {
		b.Error.Code = egdi.EINVALID
		b.Error.Message = "Request body too large: the limit is " + strconv.Itoa(maxBodyBytes>>10) + " KiB."
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, b)
}

// retryAfter is the Retry-After of a 429 or 503, in seconds: about the
// time the queue takes to move on a 2-core machine.
const retryAfter = "5"

// webWording turns the CLI's words in a message into the web's: the
// domain names its options as flags ("--rank 120 is not a rank…"), which
// the API and the pages call fields ("rank 120 is not a rank…").
func webWording(msg string) string {
	var b strings.Builder
	for i := 0; i < len(msg); i++ {
		if msg[i] == '-' && i+2 < len(msg) && msg[i+1] == '-' && 'a' <= msg[i+2] && msg[i+2] <= 'z' &&
			(i == 0 || msg[i-1] == ' ' || msg[i-1] == '(' || msg[i-1] == '"' || msg[i-1] == ',') {
			i++
			continue
		}
		b.WriteByte(msg[i])
	}
	return b.String()
}

// errNotFound is the API's answer to a path no route matches.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowed(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		var b errorBody
		b.Error.Code = egdi.EINVALID
		b.Error.Message = "Method " + r.Method + " is not allowed here: use " + strings.Join(allow, " or ") + "."
		writeJSON(w, http.StatusMethodNotAllowed, b)
		return
	}
	s.writeError(w, r, egdi.Errorf(egdi.ENOTFOUND, "No API route %s %s: see /api/v1/openapi.yaml.", r.Method, r.URL.Path))
}

// marshal encodes v as compact JSON with a final newline, HTML left
// unescaped (the body is JSON, never HTML). Compact: a ranking is a third
// smaller than indented, and clients pretty-print if they want to.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsonType is the content type of every JSON answer.
const jsonType = "application/json; charset=utf-8"

// serveCachedJSON is serveCached for a JSON answer: render returns the
// value, encoded with marshal; an error from either is answered as JSON.
func (s *Server) serveCachedJSON(w http.ResponseWriter, r *http.Request, key string, render func() (any, error)) {
	s.serveCached(w, r, key, func() ([]byte, string, string, error) {
		v, err := render()
		if err != nil {
			return nil, "", "", err
		}
		b, err := marshal(v)
		return b, jsonType, "", err
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"Internal error."}}` + "\n")
	}
	w.Header().Set("Content-Type", jsonType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// decodeBody reads a JSON request body into v: sent as application/json
// (a browser cannot send that type to another site without asking it
// first, which this server never allows), at most maxBodyBytes, one JSON
// object (not null, not an array), no key given twice at any depth, no
// unknown fields. Problems are EINVALID (400) or, for an oversize body,
// 413.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		if ct == "" {
			ct = "none"
		}
		return egdi.Errorf(egdi.EINVALID, "Send the request body as JSON with Content-Type: application/json (not %q).", trunc(ct))
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return egdi.Errorf(egdi.EINVALID, "Cannot read the request body: %w.", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return egdi.Errorf(egdi.EINVALID, "The request body is empty: send a JSON object.")
	}
	if err := checkJSONObject(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return egdi.Errorf(egdi.EINVALID, "Malformed JSON body: %w.", err)
	}
	return nil
}

// checkJSONObject checks that data is exactly one JSON object whose
// objects, at every depth, name each key once: encoding/json would take
// the last of two values silently.
func checkJSONObject(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return egdi.Errorf(egdi.EINVALID, "Malformed JSON body: %v.", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return egdi.Errorf(egdi.EINVALID, "The request body must be a JSON object, not %s.", jsonKind(tok))
	}
	// keys[i] holds the keys seen in the i-th open object, nil for arrays.
	keys := []map[string]bool{{}}
	expectKey := true
	for len(keys) > 0 {
		tok, err := dec.Token()
		if err != nil {
			return egdi.Errorf(egdi.EINVALID, "Malformed JSON body: %v.", err)
		}
		top := keys[len(keys)-1]
		if top != nil && expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				keys = keys[:len(keys)-1]
				expectKey = len(keys) > 0 && keys[len(keys)-1] != nil
				continue
			}
			k, _ := tok.(string)
			if top[k] {
				return egdi.Errorf(egdi.EINVALID, "Malformed JSON body: the key %q is given twice.", trunc(k))
			}
			top[k] = true
			expectKey = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			keys = append(keys, map[string]bool{})
			expectKey = true
			continue
		case json.Delim('['):
			keys = append(keys, nil)
			continue
		case json.Delim(']'):
			keys = keys[:len(keys)-1]
		}
		// A value ended: in an object the next token is a key.
		expectKey = len(keys) > 0 && keys[len(keys)-1] != nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return egdi.Errorf(egdi.EINVALID, "Malformed JSON body: one JSON object expected, more found.")
	}
	return nil
}

func jsonKind(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		if t == '[' {
			return "an array"
		}
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return "that"
}

// query reads and checks query parameters. The first problem found is kept
// in err; later reads are then no-ops, so a handler reads every parameter
// and checks err once.
//
// On the API (strict) a parameter given empty (edition=) is refused: it
// is not the same as leaving it out. Pages accept it, because their forms
// send an empty value for "all".
type query struct {
	v      url.Values
	err    error
	strict bool
}

func newQuery(r *http.Request) *query {
	q := &query{strict: strings.HasPrefix(r.URL.Path, "/api/")}
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		q.err = egdi.Errorf(egdi.EINVALID, "Malformed query string: %w.", err)
	}
	n := 0
	for _, vs := range v {
		n += len(vs)
	}
	if n > maxQueryValues && q.err == nil {
		q.err = egdi.Errorf(egdi.EINVALID, "Too many query parameters (%d): the limit is %d.", n, maxQueryValues)
	}
	q.v = v
	return q
}

// str returns a parameter given at most once.
func (q *query) str(name string) string {
	if q.err != nil {
		return ""
	}
	vs := q.v[name]
	if len(vs) > 1 {
		q.err = egdi.Errorf(egdi.EINVALID, "Parameter %s is given %d times: give it once.", name, len(vs))
		return ""
	}
	if len(vs) == 0 {
		return ""
	}
	s := strings.TrimSpace(vs[0])
	if s == "" && q.strict {
		q.err = egdi.Errorf(egdi.EINVALID, "Parameter %s is empty: give a value or leave it out.", name)
		return ""
	}
	if len(s) > 200 {
		q.err = egdi.Errorf(egdi.EINVALID, "Parameter %s is too long.", name)
		return ""
	}
	return s
}

// edition returns the edition parameter (the latest when absent). An
// unknown edition is a bad parameter (400), not a missing resource.
func (q *query) edition(name string) int {
	s := q.str(name)
	if q.err != nil || s == "" {
		return egdi.LatestEdition
	}
	y, err := strconv.Atoi(s)
	if err != nil || !egdi.IsEditionYear(y) {
		q.err = egdi.Errorf(egdi.EINVALID, "Unknown %s %q: choose one of %s (or a later edition imported into the store).", name, s, editionList())
		return 0
	}
	return y
}

// oneOf returns a parameter that must be one of allowed (def when absent).
func (q *query) oneOf(name, def string, allowed []string) string {
	s := strings.ToLower(q.str(name))
	if q.err != nil || s == "" {
		return def
	}
	if !slices.Contains(allowed, s) {
		q.err = egdi.Errorf(egdi.EINVALID, "Unknown %s %q: choose one of %s.", name, s, strings.Join(allowed, ", "))
		return def
	}
	return s
}

// intRange returns an integer parameter in [lo, hi] (def when absent).
func (q *query) intRange(name string, def, lo, hi int) int {
	s := q.str(name)
	if q.err != nil || s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.err = egdi.Errorf(egdi.EINVALID, "Parameter %s must be a whole number from %d to %d, not %q.", name, lo, hi, s)
		return def
	}
	return n
}

// float returns a number parameter in [lo, hi]; ok is false when absent.
func (q *query) float(name string, lo, hi float64) (v float64, ok bool) {
	s := q.str(name)
	if q.err != nil || s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= lo && f <= hi) {
		q.err = egdi.Errorf(egdi.EINVALID, "Parameter %s must be a number from %g to %g, not %q.", name, lo, hi, s)
		return 0, false
	}
	return f, true
}

// filter returns the view filter of the region, subregion and group
// parameters, read in that order (group in lower case; Top left 0).
func (q *query) filter() egdi.Filter {
	return egdi.Filter{Region: q.str("region"), Subregion: q.str("subregion"), Group: strings.ToLower(q.str("group"))}
}

// lang returns the lang parameter: en (default) or ar.
func (q *query) lang() string { return q.oneOf("lang", "en", []string{"en", "ar"}) }

func editionList() string {
	s := make([]string, len(egdi.Editions))
	for i, y := range egdi.Editions {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ", ")
}

// parseISO3 checks the shape of a country code from a URL: three letters,
// any case. A malformed code is EINVALID; an unknown one ENOTFOUND.
func parseISO3(d *egdi.Dataset, s string) (*egdi.Country, error) {
	c := egdi.ISO3(strings.ToUpper(s))
	if !c.Valid() {
		return nil, egdi.Errorf(egdi.EINVALID, "%q is not an ISO3 code: give three letters, e.g. BHR.", trunc(s))
	}
	ct := d.Countries.Get(c)
	if ct == nil {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "Unknown country %s: it is not a UN Member State code.", c)
	}
	return ct, nil
}
