package server

import (
	"context"
	"strconv"

	"github.com/egdi-project/egdi"
)

// StoreJobs adapts the store's job table (egdi.JobStore, SQLite or
// PostgreSQL) to [Jobs], so that every `egdi serve` process sharing one
// database sees every job, its progress, its result and its cancellation.
func StoreJobs(st egdi.JobStore) Jobs { return storeJobs{st} }

type storeJobs struct{ st egdi.JobStore }

// parseJobID reads a job id from a URL; anything but a positive integer
// is an unknown job.
func parseJobID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, errNoJob(id)
	}
	return n, nil
}

func fromStoreJob(j *egdi.Job) *Job {
	out := &Job{ID: strconv.FormatInt(j.ID, 10), Kind: j.Kind, Status: string(j.Status), Progress: j.Progress,
		Params: j.Params, Result: j.Result, Created: j.CreatedAt, Updated: j.UpdatedAt}
	if out.Params == nil {
		out.Params = []byte("{}")
	}
	switch {
	case j.Status == egdi.JobCanceled:
		out.Error = &jobError{Code: egdi.ECANCELED, Message: "Canceled."}
	case j.Error != "":
		out.Error = &jobError{Code: egdi.EINTERNAL, Message: j.Error}
	}
	return out
}

func (s storeJobs) CreateJob(ctx context.Context, kind string, params []byte) (*Job, error) {
	j, err := s.st.CreateJob(ctx, kind, params)
	if err != nil {
		return nil, err
	}
	return fromStoreJob(j), nil
}

func (s storeJobs) Job(ctx context.Context, id string) (*Job, error) {
	n, err := parseJobID(id)
	if err != nil {
		return nil, err
	}
	j, err := s.st.Job(ctx, n)
	if err != nil {
		if egdi.ErrorCode(err) == egdi.ENOTFOUND {
			return nil, errNoJob(id)
		}
		return nil, err
	}
	return fromStoreJob(j), nil
}

// Progress records progress and marks the job running; a job canceled by
// any process answers ECANCELED, which stops the run.
func (s storeJobs) Progress(ctx context.Context, id string, p float64) error {
	n, err := parseJobID(id)
	if err != nil {
		return err
	}
	running := egdi.JobRunning
	p = min(max(p, 0), 1)
	if _, err := s.st.UpdateJob(ctx, n, egdi.JobUpdate{Status: &running, Progress: &p}); err != nil {
		if egdi.ErrorCode(err) == egdi.ECONFLICT {
			return egdi.Errorf(egdi.ECANCELED, "Canceled.")
		}
		return err
	}
	return nil
}

func (s storeJobs) FinishJob(ctx context.Context, id string, result []byte, jobErr error) error {
	n, err := parseJobID(id)
	if err != nil {
		return err
	}
	var u egdi.JobUpdate
	switch {
	case jobErr == nil:
		st, one := egdi.JobDone, 1.0
		u = egdi.JobUpdate{Status: &st, Progress: &one, Result: result}
	case egdi.ErrorCode(jobErr) == egdi.ECANCELED:
		st := egdi.JobCanceled
		u = egdi.JobUpdate{Status: &st}
	default:
		st, msg := egdi.JobFailed, egdi.ErrorMessage(jobErr)
		u = egdi.JobUpdate{Status: &st, Error: &msg}
	}
	if _, err := s.st.UpdateJob(ctx, n, u); err != nil && egdi.ErrorCode(err) != egdi.ECONFLICT {
		return err // ECONFLICT: canceled meanwhile, which stands
	}
	return nil
}

func (s storeJobs) CancelJob(ctx context.Context, id string) error {
	n, err := parseJobID(id)
	if err != nil {
		return err
	}
	st := egdi.JobCanceled
	if _, err := s.st.UpdateJob(ctx, n, egdi.JobUpdate{Status: &st}); err != nil {
		switch egdi.ErrorCode(err) {
		case egdi.ECONFLICT:
			return nil // already finished: it stays as it is
		case egdi.ENOTFOUND:
			return errNoJob(id)
		}
		return err
	}
	return nil
}
