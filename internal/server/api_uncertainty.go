package server

import (
	"context"
	"encoding/json"
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
type uncertaintyRequest struct {
	Edition      int    `json:"edition"`
	Group        string `json:"group"`  // ldc, lldc, sids, gcc, arab or an income group
	Region       string `json:"region"` // or an M49 region
	Replications int    `json:"replications"`
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
	if q.Edition == 0 {
		q.Edition = egdi.LatestEdition
	}
	if !egdi.IsEditionYear(q.Edition) {
		return egdi.Vary{}, egdi.Errorf(egdi.EINVALID, "Unknown edition %d: choose one of %s.", q.Edition, editionList())
	}
	if q.Replications == 0 {
		q.Replications = defaultReplications
	}
	if q.Replications < 100 || q.Replications > maxReplications {
		return egdi.Vary{}, egdi.Errorf(egdi.EINVALID, "replications must be from 100 to %d, not %d.", maxReplications, q.Replications)
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
	md, err := egdi.NewModel(b, egdi.UncertaintyOptions{Replications: req.Replications, Seed: req.Seed, Vary: vary})
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
	out := &uncertaintyResult{Edition: req.Edition, Group: req.Group, Region: req.Region, Replications: res.Replications,
		Seed: res.Seed, Vary: res.Vary, Notes: res.Notes, Rows: []intervalRow{}}
	for _, u := range res.Countries {
		c := d.Countries.Get(u.ISO3)
		if !f.Keep(c) {
			continue
		}
		out.Rows = append(out.Rows, intervalRow{ISO3: u.ISO3, Name: c.NameEN, NameAR: c.NameAR, Rank: u.Rank,
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
// URL (also in Location). The job runs in this process and reports to the
// job store; any process can answer GET and DELETE.
func (s *Server) handleUncertaintyStart(w http.ResponseWriter, r *http.Request) {
	var req uncertaintyRequest
	if err := decodeBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	d, v, err := s.dataset(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	job, err := s.startUncertainty(r, d, v, req, json.Marshal)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	url := "/api/v1/uncertainty/" + job.ID
	w.Header().Set("Location", url)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusAccepted, jobResponse{Job: job, URL: url})
}

// startUncertainty checks an uncertainty request against the data (check
// fills in its defaults), records its job in the store with the checked
// request as its params (encoded by encode) and runs it in this process,
// detached from the request that started it. Both the API (POST
// /api/v1/uncertainty, json.Marshal) and the page (?run=1, marshal) start
// jobs here.
func (s *Server) startUncertainty(r *http.Request, d *egdi.Dataset, v *derived, req uncertaintyRequest,
	encode func(any) ([]byte, error)) (*Job, error) {
	vary, err := req.check(d.Countries)
	if err != nil {
		return nil, err
	}
	base, err := v.base(req.Edition)
	if err != nil {
		return nil, err
	}
	params, _ := encode(req)
	job, err := s.deps.Jobs.CreateJob(r.Context(), "uncertainty", params)
	if err != nil {
		return nil, err
	}
	go s.runJob(contextWithoutCancel(r), job.ID, d, base, req, vary)
	return job, nil
}

// staleJob is how long a queued or running job may go without an update
// before it is reported failed: the process running it has stopped (a
// run reports progress every 5 % and takes about a second).
const staleJob = 5 * time.Minute

// runJob runs one uncertainty job in this process, one at a time (a run
// already uses every core), and records its result in the job store.
func (s *Server) runJob(ctx context.Context, id string, d *egdi.Dataset, b *egdi.Base, req uncertaintyRequest, vary egdi.Vary) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.jobSlot <- struct{}{} // queued until the previous run ends
	defer func() { <-s.jobSlot }()
	if err := s.deps.Jobs.Progress(ctx, id, 0); err != nil { // running, unless canceled already
		_ = s.deps.Jobs.FinishJob(ctx, id, nil, err)
		return
	}
	res, err := runUncertainty(ctx, d, b, req, vary, func(p float64) error { return s.deps.Jobs.Progress(ctx, id, p) })
	var body []byte
	if err == nil {
		body, err = json.Marshal(res)
	}
	if ferr := s.deps.Jobs.FinishJob(ctx, id, body, err); ferr != nil {
		s.log.Error("job store", "job", id, "err", ferr)
	}
}

// job returns a job from the store; one left queued or running by a
// process that stopped (no update for staleJob) is recorded as failed.
func (s *Server) job(ctx context.Context, id string) (*Job, error) {
	job, err := s.deps.Jobs.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	if (job.Status == JobQueued || job.Status == JobRunning) && s.deps.Now().Sub(job.Updated) > staleJob {
		stopped := egdi.Errorf(egdi.EUNAVAILABLE, "The server process running this analysis stopped: start it again.")
		if err := s.deps.Jobs.FinishJob(ctx, id, nil, stopped); err != nil {
			return nil, err
		}
		return s.deps.Jobs.Job(ctx, id)
	}
	return job, nil
}

func (s *Server) handleUncertaintyGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	job, err := s.job(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, jobResponse{Job: job, URL: "/api/v1/uncertainty/" + job.ID})
}

func (s *Server) handleUncertaintyCancel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.deps.Jobs.CancelJob(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	job, err := s.deps.Jobs.Job(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, jobResponse{Job: job, URL: "/api/v1/uncertainty/" + job.ID})
}

func contextWithoutCancel(r *http.Request) context.Context { return context.WithoutCancel(r.Context()) }

// unmarshal decodes a stored job result.
func unmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return egdi.Errorf(egdi.EINTERNAL, "stored job result: %v", err)
	}
	return nil
}
