package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/egdi-project/egdi"
)

// Job states.
const (
	JobQueued   = "queued"
	JobRunning  = "running"
	JobDone     = "done"
	JobFailed   = "failed"
	JobCanceled = "canceled"
)

// jobKind is the kind of the uncertainty jobs in the store.
const jobKind = "uncertainty"

// Job is a long computation (an uncertainty analysis) and, once done, its
// result. It is what GET /api/v1/uncertainty/{id} returns. The id is
// random (128 bits) and is what lets a client read or cancel the job.
type Job struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Status   string          `json:"status"`
	Progress float64         `json:"progress"` // 0–1
	Params   json.RawMessage `json:"params"`
	Result   json.RawMessage `json:"result,omitempty"`
	Error    *jobError       `json:"error,omitempty"`
	Created  time.Time       `json:"created"`
	Updated  time.Time       `json:"updated"`
}

type jobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func fromStoreJob(j *egdi.Job) *Job {
	out := &Job{ID: j.ID, Kind: j.Kind, Status: string(j.Status), Progress: j.Progress,
		Params: j.Params, Result: j.Result, Created: j.CreatedAt, Updated: j.UpdatedAt}
	if out.Params == nil {
		out.Params = []byte("{}")
	}
	switch {
	case j.Status == egdi.JobCanceled:
		out.Error = &jobError{Code: egdi.ECANCELED, Message: "Canceled."}
	case j.Error != "":
		code := j.Code
		if code == "" {
			code = egdi.EINTERNAL
		}
		out.Error = &jobError{Code: code, Message: j.Error}
	}
	return out
}

// newWorkerName names this process in the job store: host, pid and a
// random suffix (a restarted process is another worker).
func newWorkerName() string {
	host, _ := os.Hostname() // "" is a fine name part
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails (Go ≥ 1.24)
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// jobs returns the job store, or EUNAVAILABLE when the server has none.
func (s *Server) jobs() (egdi.JobStore, error) {
	if s.deps.Jobs == nil {
		return nil, egdi.Errorf(egdi.EUNAVAILABLE, "This server runs no analyses: it was started without a job store.")
	}
	return s.deps.Jobs, nil
}

// storeError is what a client sees of a store error: an unreachable or
// busy database is logged with its details (host, port, database, user,
// the driver's words) and answered in general terms, so that connection
// details never reach a client.
func (s *Server) storeError(ctx context.Context, err error) error {
	switch egdi.ErrorCode(err) {
	case egdi.EUNAVAILABLE:
		s.log.ErrorContext(ctx, "store unavailable", "err", err)
		return egdi.Errorf(egdi.EUNAVAILABLE, "The database is unavailable: try again in a moment.")
	case egdi.EBUSY:
		s.log.WarnContext(ctx, "store busy", "err", err)
		return egdi.Errorf(egdi.EBUSY, "The database is busy: try again in a moment.")
	}
	return err
}

// job returns a job by the id a client gave (strictly parsed: see
// egdi.ParseJobID).
func (s *Server) job(ctx context.Context, id string) (*Job, error) {
	if _, err := egdi.ParseJobID(id); err != nil {
		return nil, errNoJob(id)
	}
	st, err := s.jobs()
	if err != nil {
		return nil, err
	}
	j, err := st.Job(ctx, id)
	if err != nil {
		if egdi.ErrorCode(err) == egdi.ENOTFOUND {
			return nil, errNoJob(id)
		}
		return nil, s.storeError(ctx, err)
	}
	return fromStoreJob(j), nil
}

// errNoJob is the answer for a job id no store knows (ENOTFOUND, 404),
// the same for a malformed id and an unknown one.
func errNoJob(id string) error {
	return egdi.Errorf(egdi.ENOTFOUND, "No uncertainty job %q: it may have expired.", trunc(id))
}

// cancelJob cancels a queued or running job; a finished job stays as it is.
func (s *Server) cancelJob(ctx context.Context, id string) (*Job, error) {
	if _, err := s.job(ctx, id); err != nil {
		return nil, err
	}
	st := egdi.JobCanceled
	if _, err := s.deps.Jobs.UpdateJob(ctx, id, egdi.JobUpdate{Status: &st}); err != nil && egdi.ErrorCode(err) != egdi.ECONFLICT {
		return nil, s.storeError(ctx, err)
	}
	return s.job(ctx, id)
}

// Work runs queued uncertainty jobs, one at a time (a run uses every
// core), until ctx ends. Every JobPoll, and as soon as this process
// queues a job, it claims the oldest queued job of any process with a
// lease of JobLease, which it renews while the job runs; it also recovers
// the jobs of stopped processes (requeued, or failed after
// egdi.JobAttempts starts), fails jobs queued longer than JobTTL and
// deletes jobs finished more than JobTTL ago. A job of a process that
// stops is thus running again, or failed, within JobLease + JobPoll. When
// ctx ends mid-run the job is put back in the queue for another process.
func (s *Server) Work(ctx context.Context) error {
	if s.deps.Jobs == nil {
		<-ctx.Done()
		return nil
	}
	// Recovery runs on its own, every JobPoll, so that a long run here
	// does not delay the recovery of another process's job.
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		tick := time.NewTicker(s.deps.JobPoll)
		defer tick.Stop()
		for {
			s.tidyJobs(ctx)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	tick := time.NewTicker(s.deps.JobPoll)
	defer tick.Stop()
	for {
		for ctx.Err() == nil {
			j, err := s.deps.Jobs.ClaimJob(ctx, jobKind, s.worker, s.deps.JobLease)
			if err != nil {
				if c := egdi.ErrorCode(err); c != egdi.ENOTFOUND && c != egdi.ECANCELED {
					s.log.Error("job store: claim", "err", err)
				}
				break
			}
			s.runJob(ctx, j)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-s.wake:
		}
	}
}

// tidyJobs recovers the jobs of stopped processes and deletes expired ones.
func (s *Server) tidyJobs(ctx context.Context) {
	expire := s.deps.Now().Add(-s.deps.JobTTL)
	if n, err := s.deps.Jobs.RecoverJobs(ctx, expire); err != nil {
		if egdi.ErrorCode(err) != egdi.ECANCELED {
			s.log.Error("job store: recover", "err", err)
		}
	} else if n > 0 {
		s.log.Info("jobs recovered", "n", n)
	}
	if _, err := s.deps.Jobs.ExpireJobs(ctx, expire); err != nil && egdi.ErrorCode(err) != egdi.ECANCELED {
		s.log.Error("job store: expire", "err", err)
	}
}

// runJob runs one claimed job and records its end. While it runs, a
// heartbeat renews the lease every JobLease/3; a cancellation, or the
// loss of the job to another process, stops the run.
func (s *Server) runJob(ctx context.Context, j *egdi.Job) {
	st := s.deps.Jobs
	upd := func(c context.Context, u egdi.JobUpdate) error {
		u.Worker = s.worker
		_, err := st.UpdateJob(c, j.ID, u)
		return err
	}
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hb := make(chan struct{})
	go func() {
		defer close(hb)
		t := time.NewTicker(s.deps.JobLease / 3)
		defer t.Stop()
		for {
			select {
			case <-jctx.Done():
				return
			case <-t.C:
				if err := upd(jctx, egdi.JobUpdate{Lease: s.deps.JobLease}); egdi.ErrorCode(err) == egdi.ECONFLICT {
					cancel() // canceled, or no longer ours
					return
				}
			}
		}
	}()
	res, err := s.runUncertaintyJob(jctx, j, func(p float64) error {
		p = min(max(p, 0), 1)
		if err := upd(jctx, egdi.JobUpdate{Progress: &p, Lease: s.deps.JobLease}); err != nil {
			if egdi.ErrorCode(err) == egdi.ECONFLICT {
				return egdi.Errorf(egdi.ECANCELED, "Canceled.")
			}
			return err
		}
		return nil
	})
	cancel()
	<-hb
	bg := context.WithoutCancel(ctx)
	var u egdi.JobUpdate
	switch {
	case ctx.Err() != nil: // this process is stopping: another one takes the job
		q := egdi.JobQueued
		u = egdi.JobUpdate{Status: &q}
	case err == nil:
		done, one := egdi.JobDone, 1.0
		u = egdi.JobUpdate{Status: &done, Progress: &one, Result: res}
	case egdi.ErrorCode(err) == egdi.ECANCELED:
		return // canceled by a client, or taken by another process: it stands
	default:
		failed, msg := egdi.JobFailed, egdi.ErrorMessage(err)
		u = egdi.JobUpdate{Status: &failed, Code: egdi.ErrorCode(err), Error: &msg}
		if u.Code == egdi.EINTERNAL {
			s.log.Error("job failed", "job", j.ID, "err", err)
		}
	}
	if err := upd(bg, u); err != nil && egdi.ErrorCode(err) != egdi.ECONFLICT {
		s.log.Error("job store: finish", "job", j.ID, "err", err)
	}
}

// wakeWorker tells Work that a job was queued.
func (s *Server) wakeWorker() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
