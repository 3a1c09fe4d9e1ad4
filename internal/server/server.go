package server

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/egdi-project/egdi"
)

// Deps are what the server needs from outside. Only Dataset is required.
type Deps struct {
	// Dataset returns the data to serve: the built-in record or a store's.
	// It is called for every request that reads data; it should be cheap
	// (a store caches its dataset). A new *egdi.Dataset value means new
	// data: cached responses are then dropped.
	Dataset func(ctx context.Context) (*egdi.Dataset, error)
	// Jobs keeps uncertainty jobs and their results (the store: SQLite or
	// PostgreSQL, shared by every process). Nil: the server starts no job
	// (503). Jobs are run by [Server.Work].
	Jobs egdi.JobStore
	// JobLimits bound the job queue (see [DefaultJobLimits]).
	JobLimits egdi.JobLimits
	// JobTTL is how long a finished job and its result are kept (and the
	// longest a job may wait in the queue); 1 h when zero.
	JobTTL time.Duration
	// JobLease is how long a job whose process stopped renewing it stays
	// running before any process requeues it; 30 s when zero.
	JobLease time.Duration
	// JobPoll is how often [Server.Work] looks for queued jobs and for
	// jobs of stopped processes; 1 s when zero.
	JobPoll time.Duration
	// Hosts are the host names (without port) the server answers to, on
	// top of IP addresses and localhost: any other Host header is refused
	// with 421, so that a DNS-rebinding page cannot reach the server.
	Hosts []string
	// Assessments keeps self-assessments (assessment.go). Nil means an
	// in-process store (NewMemAssessments), lost when the process ends.
	Assessments egdi.AssessmentStore
	// Refresh is how long a dataset is reused before Dataset is asked
	// again (default 1 s): a store answers with one query, but not one per
	// request; an import by another process shows within Refresh.
	Refresh time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Version names the build and the data, shown in /healthz and in the
	// page footer.
	Version string
	// Tracker keeps strategies and cooperation records (api_strategy.go); nil: none.
	Tracker egdi.TrackerStore

	// Accounts keeps users, sessions, tokens and the audit log
	// (account.go). Nil means a server without accounts: published data
	// only; every route that needs a user answers 401.
	Accounts egdi.TeamStore
	// SecureCookies marks the session cookie Secure even over plain HTTP
	// (behind a TLS-terminating proxy); it is Secure over TLS anyway.
	SecureCookies bool
	// SessionTTL is how long a session lasts from sign-in (12 h when 0).
	SessionTTL time.Duration
}

// Limits of what a client may send.
const (
	maxBodyBytes   = 64 << 10 // JSON request bodies: 64 KiB is far above any valid request
	maxCompare     = 8        // countries on one comparison
	maxQueryValues = 64       // values in one query string
)

// Server serves the API and the dashboard. Build it with [NewServer].
type Server struct {
	log   *slog.Logger
	deps  Deps
	mux   *http.ServeMux
	pages map[string]*template.Template
	cache *respCache
	// pageCache keeps rendered pages (50–200 KB each): fewer than API
	// responses, so that a crawl of what-if URLs cannot take much memory.
	pageCache *respCache

	mu        sync.Mutex
	lastData  *egdi.Dataset
	lastCheck time.Time
	derived   *derived // views computed once per dataset (editions, averages)

	reports reports // the report renderer, built on the first report (api_reports.go)

	// worker names this process in the job store; wake tells Work that
	// a job was queued here.
	worker string
	wake   chan struct{}
}

// DefaultJobLimits fit a 2-core machine: an analysis of the default
// 10,000 replications takes about 0.1 s of both cores, the longest
// (200,000) about 2 s, so 16 queued jobs wait at most half a minute.
var DefaultJobLimits = egdi.JobLimits{MaxActive: 16, MaxPerClient: 4, MaxKept: 1000}

// NewServer returns the handler of the whole site: API, pages, assets and
// /healthz, wrapped in the production middleware (request logs, panic
// recovery, allowed hosts, cross-origin protection, security headers,
// gzip). logger receives one line per request. It runs no job: use [New]
// and [Server.Work] for that.
func NewServer(logger *slog.Logger, deps Deps) http.Handler {
	s := newServer(logger, deps)
	return s.handler()
}

// New returns the server: [Server.Handler] answers requests and
// [Server.Work] runs the queued jobs.
func New(logger *slog.Logger, deps Deps) *Server { return newServer(logger, deps) }

// Handler returns the handler of the whole site (see [NewServer]).
func (s *Server) Handler() http.Handler { return s.handler() }

func newServer(logger *slog.Logger, deps Deps) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Refresh == 0 {
		deps.Refresh = time.Second
	}
	if deps.JobLimits == (egdi.JobLimits{}) {
		deps.JobLimits = DefaultJobLimits
	}
	if deps.JobTTL <= 0 {
		deps.JobTTL = time.Hour
	}
	if deps.JobLease <= 0 {
		deps.JobLease = 30 * time.Second
	}
	if deps.JobPoll <= 0 {
		deps.JobPoll = time.Second
	}
	if deps.Assessments == nil {
		deps.Assessments = NewMemAssessments(deps.Now)
	}
	s := &Server{log: logger, deps: deps, mux: http.NewServeMux(), cache: newRespCache(512), pageCache: newRespCache(64),
		worker: newWorkerName(), wake: make(chan struct{}, 1)}
	s.pages = mustParsePages()
	s.addRoutes()
	return s
}

func (s *Server) handler() http.Handler {
	var h http.Handler = s.mux
	h = gzipMiddleware(h)
	h = s.crossOrigin(h)
	h = securityHeaders(h)
	h = s.allowedHosts(h)
	h = s.recoverer(h)
	h = s.logRequests(h)
	return h
}

// queryData is the common start of a handler that reads the query and the
// data: a bad parameter (q.err) or data that cannot be read is answered with
// fail (s.writeError in the API, s.pageError on pages) and ok is false;
// otherwise it returns the current dataset and its derived views.
func (s *Server) queryData(w http.ResponseWriter, r *http.Request, q *query,
	fail func(http.ResponseWriter, *http.Request, error)) (*egdi.Dataset, *derived, bool) {
	if q.err != nil {
		fail(w, r, q.err)
		return nil, nil, false
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		fail(w, r, err)
		return nil, nil, false
	}
	return d, v, true
}

// queryCountry is queryData for a route with a country in its path
// ({iso3}): a malformed or unknown code is answered with fail too.
func (s *Server) queryCountry(w http.ResponseWriter, r *http.Request, q *query,
	fail func(http.ResponseWriter, *http.Request, error)) (*egdi.Dataset, *derived, *egdi.Country, bool) {
	d, v, ok := s.queryData(w, r, q, fail)
	if !ok {
		return nil, nil, nil, false
	}
	c, err := parseISO3(d, r.PathValue("iso3"))
	if err != nil {
		fail(w, r, err)
		return nil, nil, nil, false
	}
	return d, v, c, true
}

// dataset returns the current dataset and the views derived from it,
// dropping cached responses when the dataset changed.
func (s *Server) dataset(ctx context.Context) (*egdi.Dataset, *derived, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.deps.Now()
	if s.lastData != nil && now.Sub(s.lastCheck) < s.deps.Refresh {
		return s.lastData, s.derived, nil
	}
	d, err := s.deps.Dataset(ctx)
	if err != nil {
		return nil, nil, s.storeError(ctx, err)
	}
	if d == nil || d.Countries == nil {
		return nil, nil, egdi.Errorf(egdi.EUNAVAILABLE, "No data loaded.")
	}
	s.lastCheck = now
	if d != s.lastData {
		s.lastData = d
		s.derived = newDerived(d)
		s.cache.reset()
		s.pageCache.reset()
	}
	return d, s.derived, nil
}
