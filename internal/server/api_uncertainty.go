package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/montecarlo"
)

// uncertaintyRequest is the body of POST /api/v1/uncertainty: the ranks of
// an edition's countries under Monte Carlo perturbation of the method (the
// engine's egdi.Model, run by internal/montecarlo on every core). The
// result lists the countries of a peer group or region, or all.
//
// Edition and Replications are pointers so that a value given as 0 is
// refused rather than taken for "absent" (the default); the params stored
// with a job are the checked request, every default filled in.
type uncertaintyRequest struct {
	Edition      *int   `json:"edition"`
	Group        string `json:"group"`  // ldc, lldc, sids, gcc, arab or an income group
	Region       string `json:"region"` // or an M49 region
	Replications *int   `json:"replications"`
	Seed         uint64 `json:"seed"`
	// Vary lists what each replication draws, as `egdi uncertainty
	// --vary`: "weights,normalisation,noise=0.05,aggregation" (the
	// default: everything that applies to published components).
	Vary string `json:"vary"`
}

// Limits of an uncertainty request: a server answers many people, so one
// request is kept under a second of work (about 5 µs a replication per core).
const (
	defaultReplications = 10_000
	maxReplications     = 200_000
)

func (q *uncertaintyRequest) check(cs *egdi.Countries) (egdi.Vary, error) {
	if q.Edition == nil {
		q.Edition = ptr(egdi.LatestEdition)
	}
	if !egdi.IsEditionYear(*q.Edition) {
		return egdi.Vary{}, egdi.Errorf(egdi.EINVALID, "Unknown edition %d: choose one of %s.", *q.Edition, editionList())
	}
	if q.Replications == nil {
		q.Replications = ptr(defaultReplications)
	}
	if n := *q.Replications; n < 100 || n > maxReplications {
		return egdi.Vary{}, egdi.Errorf(egdi.EINVALID, "replications must be from 100 to %d, not %d.", maxReplications, n)
	}
	vary := egdi.DefaultVary
	if q.Vary != "" {
		v, err := egdi.ParseVary(q.Vary)
		if err != nil {
			return egdi.Vary{}, err
		}
		vary = v
	}
	q.Group = strings.ToLower(q.Group)
	return vary, egdi.Filter{Group: q.Group, Region: q.Region}.Validate(cs)
}

func ptr[T any](v T) *T { return &v }

// intervalRow is one country's rank interval.
type intervalRow struct {
	ISO3       egdi.ISO3 `json:"iso3"`
	Name       string    `json:"name"`
	NameAR     string    `json:"name_ar"`
	Rank       int       `json:"rank"` // published rank
	RankP05    int       `json:"rank_p05"`
	RankMedian int       `json:"rank_median"`
	RankP95    int       `json:"rank_p95"`
	PVeryHigh  float64   `json:"p_very_high"`
	PTop10     float64   `json:"p_top10"`
}

// uncertaintyResult is the result of a finished uncertainty job.
type uncertaintyResult struct {
	Edition      int           `json:"edition"`
	Group        string        `json:"group,omitempty"`
	Region       string        `json:"region,omitempty"`
	Replications int           `json:"replications"`
	Seed         uint64        `json:"seed"`
	Vary         egdi.Vary     `json:"vary"`
	Notes        []string      `json:"notes,omitempty"`
	Rows         []intervalRow `json:"rows"`
}

// runUncertainty runs the analysis. progress is called as work completes
// with the share done; its error (a cancellation seen in the job store)
// stops the run.
func runUncertainty(ctx context.Context, d *egdi.Dataset, b *egdi.Base, req uncertaintyRequest, vary egdi.Vary,
	progress func(float64) error) (*uncertaintyResult, error) {
	md, err := egdi.NewModel(b, egdi.UncertaintyOptions{Replications: *req.Replications, Seed: req.Seed, Vary: vary})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var perr error
	last := -1.0
	res, err := montecarlo.Run(ctx, md, montecarlo.Options{Progress: func(done, total int64) {
		p := float64(done) / float64(max(total, 1))
		if perr != nil || p-last < 0.05 && done < total {
			return // at most one store write per 5 %
		}
		last = p
		if perr = progress(p); perr != nil {
			cancel()
		}
	}})
	if perr != nil {
		return nil, perr
	}
	if err != nil {
		return nil, err
	}
	f := egdi.Filter{Group: req.Group, Region: req.Region}
	out := &uncertaintyResult{Edition: *req.Edition, Group: req.Group, Region: req.Region, Replications: res.Replications,
		Seed: res.Seed, Vary: res.Vary, Notes: res.Notes, Rows: []intervalRow{}}
	for _, u := range res.Countries {
		c := d.Countries.Get(u.ISO3)
		if !f.Keep(c) {
			continue
		}
		out.Rows = append(out.Rows, intervalRow{ISO3: u.ISO3, Name: c.Name("en"), NameAR: c.NameAR, Rank: u.Rank,
			RankP05: u.RankP05, RankMedian: u.RankMedian, RankP95: u.RankP95, PVeryHigh: u.PVeryHigh, PTop10: u.PTop10})
	}
	slices.SortStableFunc(out.Rows, func(x, y intervalRow) int { return x.Rank - y.Rank })
	return out, nil
}

// jobResponse is what the job endpoints answer: the job and its URL.
type jobResponse struct {
	*Job
	URL string `json:"url"`
}

// handleUncertaintyStart answers POST /api/v1/uncertainty: 202 with the job
// URL (also in Location). The job is queued in the store; [Server.Work] of
// any process sharing the store runs it.
func (s *Server) handleUncertaintyStart(w http.ResponseWriter, r *http.Request) {
	var req uncertaintyRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	job, err := s.startUncertainty(r, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	url := "/api/v1/uncertainty/" + job.ID
	w.Header().Set("Location", url)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusAccepted, jobResponse{Job: job, URL: url})
}

// params checks an uncertainty request against the data (check fills in
// its defaults) and returns it encoded as the job's params, with the
// fingerprint under which identical requests share a job. This and
// [Server.jobRequest], which reads the params back, are the one place
// where an uncertainty job's params are handled.
func (s *Server) params(ctx context.Context, req uncertaintyRequest) (params []byte, key string, err error) {
	d, _, err := s.dataset(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, err := req.check(d.Countries); err != nil {
		return nil, "", err
	}
	if params, err = json.Marshal(req); err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(params)
	return params, hex.EncodeToString(sum[:]), nil
}

// jobRequest reads a job's params back and checks them against the
// current data: the request, what it varies, and the edition's base.
func (s *Server) jobRequest(ctx context.Context, params []byte) (uncertaintyRequest, *egdi.Dataset, egdi.Vary, *egdi.Base, error) {
	var req uncertaintyRequest
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, nil, egdi.Vary{}, nil, egdi.Errorf(egdi.EINTERNAL, "stored job params: %v", err)
	}
	d, v, err := s.dataset(ctx)
	if err != nil {
		return req, nil, egdi.Vary{}, nil, err
	}
	vary, err := req.check(d.Countries)
	if err != nil {
		return req, nil, egdi.Vary{}, nil, err
	}
	b, err := v.base(*req.Edition)
	return req, d, vary, b, err
}

// startUncertainty queues the job of a request (the API's POST and the
// page's form both start jobs here), or finds the job identical requests
// share. The client (the remote address) is the unit of the per-client
// limit. A request whose client went away before the job was stored
// stores nothing, and a job stored for a client that went away meanwhile
// is deleted again.
func (s *Server) startUncertainty(r *http.Request, req uncertaintyRequest) (*Job, error) {
	ctx := r.Context()
	params, key, err := s.params(ctx, req)
	if err != nil {
		return nil, err
	}
	st, err := s.jobs()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	before := egdi.StoreTime(time.Now())
	j, err := st.CreateJob(ctx, egdi.NewJob{Kind: jobKind, Params: params, Key: key, Client: clientOf(r), Limits: s.deps.JobLimits})
	if err != nil {
		return nil, s.storeError(ctx, err)
	}
	if ctx.Err() != nil && j.Status == egdi.JobQueued && !j.CreatedAt.Before(before) {
		if err := st.DeleteJob(context.WithoutCancel(ctx), j.ID); err != nil && egdi.ErrorCode(err) != egdi.ENOTFOUND {
			s.log.Error("job store: delete an orphan job", "job", j.ID, "err", err)
		}
		return nil, ctx.Err()
	}
	s.wakeWorker()
	return fromStoreJob(j), nil
}

// clientOf names the client of a request for the per-client job limit:
// its IP address.
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// runUncertaintyJob runs a claimed job and returns its result as JSON.
func (s *Server) runUncertaintyJob(ctx context.Context, j *egdi.Job, progress func(float64) error) ([]byte, error) {
	req, d, vary, b, err := s.jobRequest(ctx, j.Params)
	if err != nil {
		return nil, err
	}
	res, err := runUncertainty(ctx, d, b, req, vary, progress)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

func (s *Server) handleUncertaintyGet(w http.ResponseWriter, r *http.Request) {
	job, err := s.job(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, jobResponse{Job: job, URL: "/api/v1/uncertainty/" + job.ID})
}

func (s *Server) handleUncertaintyCancel(w http.ResponseWriter, r *http.Request) {
	job, err := s.cancelJob(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, jobResponse{Job: job, URL: "/api/v1/uncertainty/" + job.ID})
}

// unmarshal decodes a stored job result.
func unmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return egdi.Errorf(egdi.EINTERNAL, "stored job result: %v", err)
	}
	return nil
}
