package server

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"

	"github.com/egdi-project/egdi"
)

// uncertaintyRequest is the body of POST /api/v1/uncertainty: the ranks of
// an edition's countries (those of a peer group, or all) under Monte Carlo
// perturbation of the method.
type uncertaintyRequest struct {
	Edition    int    `json:"edition"`
	Group      string `json:"group"`  // ldc, lldc, sids, gcc, arab or an income group
	Region     string `json:"region"` // or an M49 region
	Replicates int    `json:"replicates"`
	Seed       uint64 `json:"seed"`
}

// Limits of an uncertainty request.
const (
	defaultReplicates = 1000
	maxReplicates     = 20000
)

func (q *uncertaintyRequest) check(cs *egdi.Countries) error {
	if q.Edition == 0 {
		q.Edition = egdi.LatestEdition
	}
	if !slices.Contains(egdi.Editions, q.Edition) {
		return egdi.Errorf(egdi.EINVALID, "Unknown edition %d: choose one of %s.", q.Edition, editionList())
	}
	if q.Replicates == 0 {
		q.Replicates = defaultReplicates
	}
	if q.Replicates < 10 || q.Replicates > maxReplicates {
		return egdi.Errorf(egdi.EINVALID, "replicates must be from 10 to %d, not %d.", maxReplicates, q.Replicates)
	}
	q.Group = strings.ToLower(q.Group)
	return egdi.Filter{Group: q.Group, Region: q.Region}.Validate(cs)
}

// intervalRow is one country's rank interval.
type intervalRow struct {
	ISO3   egdi.ISO3 `json:"iso3"`
	Name   string    `json:"name"`
	NameAR string    `json:"name_ar"`
	Rank   int       `json:"rank"` // published rank
	P05    float64   `json:"p05"`
	Median float64   `json:"median"`
	P95    float64   `json:"p95"`
}

// uncertaintyResult is the result of a finished uncertainty job.
type uncertaintyResult struct {
	Edition    int           `json:"edition"`
	Group      string        `json:"group,omitempty"`
	Region     string        `json:"region,omitempty"`
	Replicates int           `json:"replicates"`
	Seed       uint64        `json:"seed"`
	Method     string        `json:"method"`
	Rows       []intervalRow `json:"rows"`
}

// uncertaintyMethod describes the perturbation, for the result and the page.
//
// NOTE: the analysis issue provides uncertainty.go and internal/montecarlo;
// this minimal engine is to be replaced by it once it lands.
const uncertaintyMethod = "weights w_k·exp(N(0, 0.1²)) renormalised to sum 1; each component index jittered " +
	"uniformly within its publication rounding error; global competition ranks; replicate i uses PCG(seed, i)"

// runUncertainty computes rank intervals. progress is called now and then
// with the share done; its error (a cancellation) stops the run.
func runUncertainty(ctx context.Context, d *egdi.Dataset, scores []egdi.Score, req uncertaintyRequest,
	progress func(float64) error) (*uncertaintyResult, error) {
	m, err := egdi.MethodFor(req.Edition)
	if err != nil {
		return nil, err
	}
	n := len(scores)
	f := egdi.Filter{Group: req.Group, Region: req.Region}
	var keep []int
	for i, s := range scores {
		if f.Keep(d.Countries.Get(s.ISO3)) {
			keep = append(keep, i)
		}
	}
	ranks := make([][]float64, len(keep))
	for k := range ranks {
		ranks[k] = make([]float64, req.Replicates)
	}
	egdiV := make([]float64, n)
	rk := make([]int, n)
	idx := make([]int, n)
	eo, et, eh := m.OSIPrecision.MaxError(), m.TIIPrecision.MaxError(), m.HCIPrecision.MaxError()
	for i := 0; i < req.Replicates; i++ {
		if i%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, egdi.Errorf(egdi.ECANCELED, "Canceled.")
			}
			if err := progress(float64(i) / float64(req.Replicates)); err != nil {
				return nil, err
			}
		}
		rng := rand.New(rand.NewPCG(req.Seed, uint64(i)))
		wo := m.Weights.OSI * math.Exp(0.1*rng.NormFloat64())
		wt := m.Weights.TII * math.Exp(0.1*rng.NormFloat64())
		wh := m.Weights.HCI * math.Exp(0.1*rng.NormFloat64())
		sum := wo + wt + wh
		wo, wt, wh = wo/sum, wt/sum, wh/sum
		for j, s := range scores {
			o := s.OSI + eo*(2*rng.Float64()-1)
			t := s.TII + et*(2*rng.Float64()-1)
			h := s.HCI + eh*(2*rng.Float64()-1)
			egdiV[j] = wo*o + wt*t + wh*h
		}
		egdi.CompetitionRanks(egdiV, rk, idx)
		for k, j := range keep {
			ranks[k][i] = float64(rk[j])
		}
	}
	out := &uncertaintyResult{Edition: req.Edition, Group: req.Group, Region: req.Region, Replicates: req.Replicates,
		Seed: req.Seed, Method: uncertaintyMethod, Rows: []intervalRow{}}
	for k, j := range keep {
		r := ranks[k]
		slices.Sort(r)
		c := d.Countries.Get(scores[j].ISO3)
		row := intervalRow{ISO3: scores[j].ISO3, Rank: scores[j].EGDIRank,
			P05: quantile(r, 0.05), Median: quantile(r, 0.5), P95: quantile(r, 0.95)}
		if c != nil {
			row.Name, row.NameAR = c.NameEN, c.NameAR
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// quantile is the empirical quantile of sorted x: x[ceil(p·n) − 1].
func quantile(x []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(x)))) - 1
	return x[max(0, min(i, len(x)-1))]
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
	if err := req.check(d.Countries); err != nil {
		s.writeError(w, r, err)
		return
	}
	scores, err := v.scores(req.Edition)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	params, _ := json.Marshal(req)
	job, err := s.deps.Jobs.CreateJob(r.Context(), "uncertainty", params)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	go s.runJob(context.WithoutCancel(r.Context()), job.ID, d, scores, req)
	url := "/api/v1/uncertainty/" + job.ID
	w.Header().Set("Location", url)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusAccepted, jobResponse{Job: job, URL: url})
}

func (s *Server) runJob(ctx context.Context, id string, d *egdi.Dataset, scores []egdi.Score, req uncertaintyRequest) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res, err := runUncertainty(ctx, d, scores, req, func(p float64) error { return s.deps.Jobs.Progress(ctx, id, p) })
	var body []byte
	if err == nil {
		body, err = json.Marshal(res)
	}
	if ferr := s.deps.Jobs.FinishJob(ctx, id, body, err); ferr != nil {
		s.log.Error("job store", "job", id, "err", ferr)
	}
}

func (s *Server) handleUncertaintyGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	job, err := s.deps.Jobs.Job(r.Context(), id)
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
