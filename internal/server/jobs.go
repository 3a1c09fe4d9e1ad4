package server

import (
	"context"
	"encoding/json"
	"fmt"
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

// Job is a long computation (an uncertainty analysis) and, once done, its
// result. It is what GET /api/v1/uncertainty/{id} returns.
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

// Jobs keeps jobs where every server process can see them. The store
// engineer's egdi.Store implements it over SQLite/PostgreSQL; [MemJobs] is
// the in-process version. Cancellation goes through the store too: a
// process that runs a job learns from Progress that another process
// canceled it.
type Jobs interface {
	// CreateJob stores a new queued job and returns it with its ID.
	CreateJob(ctx context.Context, kind string, params []byte) (*Job, error)
	// Job returns a job, or ENOTFOUND.
	Job(ctx context.Context, id string) (*Job, error)
	// Progress records progress (0–1) and marks the job running; it
	// returns an ECANCELED error when the job was canceled.
	Progress(ctx context.Context, id string, p float64) error
	// FinishJob stores the result, or the error, of a job.
	FinishJob(ctx context.Context, id string, result []byte, jobErr error) error
	// CancelJob marks a queued or running job canceled (ENOTFOUND when
	// unknown; a finished job is left as it is).
	CancelJob(ctx context.Context, id string) error
}

// errNoJob is the answer for a job id no store knows (ENOTFOUND, 404):
// the same words from [MemJobs] and the database-backed store.
func errNoJob(id string) error {
	return egdi.Errorf(egdi.ENOTFOUND, "No uncertainty job %q: it may have expired.", trunc(id))
}

// MemJobs is an in-process [Jobs]: enough for one `egdi serve` process,
// and for tests.
type MemJobs struct {
	now  func() time.Time
	mu   sync.Mutex
	seq  int
	jobs map[string]*Job
}

// NewMemJobs returns an empty in-process job store. now is the clock.
func NewMemJobs(now func() time.Time) *MemJobs {
	if now == nil {
		now = time.Now
	}
	return &MemJobs{now: now, jobs: map[string]*Job{}}
}

// maxMemJobs bounds the jobs kept in memory; the oldest finished ones go first.
const maxMemJobs = 256

func (m *MemJobs) CreateJob(_ context.Context, kind string, params []byte) (*Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.jobs) >= maxMemJobs {
		var oldest *Job
		for _, j := range m.jobs {
			if j.Status != JobQueued && j.Status != JobRunning && (oldest == nil || j.Updated.Before(oldest.Updated)) {
				oldest = j
			}
		}
		if oldest == nil {
			return nil, egdi.Errorf(egdi.EBUSY, "Too many analyses running: try again in a minute.")
		}
		delete(m.jobs, oldest.ID)
	}
	m.seq++
	now := m.now()
	j := &Job{ID: fmt.Sprintf("u%x%04d", now.Unix(), m.seq), Kind: kind, Status: JobQueued,
		Params: append(json.RawMessage(nil), params...), Created: now, Updated: now}
	m.jobs[j.ID] = j
	c := *j
	return &c, nil
}

func (m *MemJobs) Job(_ context.Context, id string) (*Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return nil, errNoJob(id)
	}
	c := *j
	return &c, nil
}

func (m *MemJobs) Progress(_ context.Context, id string, p float64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return egdi.Errorf(egdi.ENOTFOUND, "No job %q.", id)
	}
	if j.Status == JobCanceled {
		return egdi.Errorf(egdi.ECANCELED, "Canceled.")
	}
	j.Status, j.Progress, j.Updated = JobRunning, p, m.now()
	return nil
}

func (m *MemJobs) FinishJob(_ context.Context, id string, result []byte, jobErr error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return egdi.Errorf(egdi.ENOTFOUND, "No job %q.", id)
	}
	if j.Status == JobCanceled {
		return nil
	}
	j.Updated = m.now()
	if jobErr != nil {
		j.Status = JobFailed
		if egdi.ErrorCode(jobErr) == egdi.ECANCELED {
			j.Status = JobCanceled
		}
		j.Error = &jobError{Code: egdi.ErrorCode(jobErr), Message: egdi.ErrorMessage(jobErr)}
		return nil
	}
	j.Status, j.Progress, j.Result = JobDone, 1, append(json.RawMessage(nil), result...)
	return nil
}

func (m *MemJobs) CancelJob(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return errNoJob(id)
	}
	if j.Status == JobQueued || j.Status == JobRunning {
		j.Status, j.Updated = JobCanceled, m.now()
		j.Error = &jobError{Code: egdi.ECANCELED, Message: "Canceled."}
	}
	return nil
}
