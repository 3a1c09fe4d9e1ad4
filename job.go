package egdi

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// JobStatus is the state of a job.
type JobStatus string

// Job states: queued → running → done | failed; queued or running →
// canceled; running → queued when the process running it stopped (its
// lease ran out) and it may be tried again; queued → failed when it waited
// longer than results are kept, or was tried [JobAttempts] times.
const (
	JobQueued   JobStatus = "queued"
	JobRunning  JobStatus = "running"
	JobDone     JobStatus = "done"
	JobFailed   JobStatus = "failed"
	JobCanceled JobStatus = "canceled"
)

// JobAttempts is how many times a job is started before a job whose
// process keeps stopping is failed rather than requeued.
const JobAttempts = 3

// Finished reports whether the status is final.
func (s JobStatus) Finished() bool { return s == JobDone || s == JobFailed || s == JobCanceled }

// Valid reports whether s is a known status.
func (s JobStatus) Valid() bool {
	switch s {
	case JobQueued, JobRunning, JobDone, JobFailed, JobCanceled:
		return true
	}
	return false
}

// Next reports whether a job in state s may move to t.
func (s JobStatus) Next(t JobStatus) bool {
	switch s {
	case JobQueued:
		return t == JobRunning || t == JobCanceled || t == JobQueued || t == JobFailed
	case JobRunning:
		return t == JobRunning || t == JobDone || t == JobFailed || t == JobCanceled || t == JobQueued
	}
	return false
}

// Job is a unit of background work, kept in the store so that several
// server processes can share it. Params and Result are JSON written by the
// job's kind.
//
// ID is random (128 bits, 32 lower-case hex digits, drawn by the store):
// knowing it is what lets a client read or cancel the job, so it is never
// guessable and never sequential.
type Job struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Status   JobStatus       `json:"status"`
	Progress float64         `json:"progress"` // 0–1
	Params   json.RawMessage `json:"params,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
	// Code and Error say why a job failed (an error code of this package
	// and a message for people).
	Code  string `json:"code,omitempty"`
	Error string `json:"error,omitempty"`
	// Worker names the process running the job; LeaseUntil is when it is
	// presumed dead unless it renews the lease; Attempts counts the starts.
	Worker     string     `json:"worker,omitempty"`
	LeaseUntil *time.Time `json:"lease_until,omitempty"`
	Attempts   int        `json:"attempts"`
	// Client names who asked (an address); Key is the fingerprint of kind
	// and params (see [JobKey]) under which identical requests share a job.
	Client string `json:"client,omitempty"`
	Key    string `json:"key,omitempty"`
	// Times are stored to the microsecond.
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// JobIDLen is the length of a job id: 16 random bytes in hex.
const JobIDLen = 32

// ParseJobID checks a job id as a client sends it: exactly [JobIDLen]
// lower-case hex digits, nothing else (no sign, no padding, no other
// spelling of the same id). Anything else is an unknown job (ENOTFOUND),
// so that a malformed id and a wrong one look alike.
func ParseJobID(s string) (string, error) {
	ok := len(s) == JobIDLen
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
	}
	if !ok {
		return "", Errorf(ENOTFOUND, "No job %q: it may have expired.", truncID(s))
	}
	return s, nil
}

func truncID(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// JobLimits bound what [JobStore.CreateJob] accepts; a zero field is no
// limit.
type JobLimits struct {
	// MaxActive bounds the jobs queued or running, over every process
	// sharing the store.
	MaxActive int
	// MaxPerClient bounds one client's jobs queued or running.
	MaxPerClient int
	// MaxKept bounds every job kept, finished ones included: beyond it the
	// oldest finished jobs are deleted.
	MaxKept int
}

// NewJob is a job to create.
type NewJob struct {
	Kind   string
	Params json.RawMessage
	Client string // who asks (an address): the unit of MaxPerClient
	// Key, when not empty, lets identical requests share one job: a job
	// of the same kind and key that is done (any client's) or queued or
	// running (this client's) is returned instead of a new one.
	Key    string
	Limits JobLimits
}

// Check checks a new job's kind and params. Errors: EINVALID.
func (n NewJob) Check() error {
	if strings.TrimSpace(n.Kind) == "" {
		return Errorf(EINVALID, "A job needs a kind.")
	}
	if n.Params != nil && !json.Valid(n.Params) {
		return Errorf(EINVALID, "Job params are not JSON.")
	}
	return nil
}

// CheckLimits says whether one more job may be queued, given the jobs
// queued or running now (active) and those of this client (mine).
// Errors: ETOOMANY.
func (l JobLimits) CheckLimits(active, mine int) error {
	if l.MaxPerClient > 0 && mine >= l.MaxPerClient {
		return Errorf(ETOOMANY, "You have %d analyses queued or running, the limit: wait for one to finish.", mine)
	}
	if l.MaxActive > 0 && active >= l.MaxActive {
		return Errorf(ETOOMANY, "The server has %d analyses queued or running, the limit: try again in a few seconds.", active)
	}
	return nil
}

// JobUpdate is a change to a job; nil or zero fields are left as they are.
type JobUpdate struct {
	Status   *JobStatus
	Progress *float64
	Result   json.RawMessage
	Code     string
	Error    *string
	// Worker, when set, makes the update conditional: it applies only if
	// the job is running for this worker (a worker whose lease ran out and
	// whose job went to another must stop, not overwrite it).
	Worker string
	// Lease, when positive, renews the lease: LeaseUntil = now + Lease.
	Lease time.Duration
}

// Apply checks the update against the job and applies it at time now.
// Errors: EINVALID, ECONFLICT (see [JobStore.UpdateJob]).
func (u JobUpdate) Apply(j *Job, now time.Time) error {
	if j.Status.Finished() {
		return Errorf(ECONFLICT, "Job %s is %s: it can no longer change.", j.ID, j.Status)
	}
	if u.Worker != "" && (j.Status != JobRunning || j.Worker != u.Worker) {
		return Errorf(ECONFLICT, "Job %s is no longer running for %s.", j.ID, u.Worker)
	}
	if u.Progress != nil && !(*u.Progress >= 0 && *u.Progress <= 1) {
		return Errorf(EINVALID, "Job progress %v is outside 0–1.", *u.Progress)
	}
	if u.Result != nil && !json.Valid(u.Result) {
		return Errorf(EINVALID, "Job %s: the result is not JSON.", j.ID)
	}
	if u.Status != nil {
		if !u.Status.Valid() {
			return Errorf(EINVALID, "Unknown job status %q.", *u.Status)
		}
		if !j.Status.Next(*u.Status) {
			return Errorf(ECONFLICT, "Job %s cannot go from %s to %s.", j.ID, j.Status, *u.Status)
		}
		if *u.Status == JobRunning && j.StartedAt == nil {
			t := now
			j.StartedAt = &t
		}
		if *u.Status == JobQueued && j.Status == JobRunning {
			j.Worker, j.LeaseUntil, j.Progress = "", nil, 0
		}
		if u.Status.Finished() {
			t := now
			j.FinishedAt = &t
			j.LeaseUntil = nil
		}
		j.Status = *u.Status
	}
	if u.Progress != nil {
		j.Progress = *u.Progress
	}
	if u.Result != nil {
		j.Result = slices.Clone(u.Result)
	}
	if u.Code != "" {
		j.Code = u.Code
	}
	if u.Error != nil {
		j.Error = *u.Error
	}
	if u.Lease > 0 && j.Status == JobRunning {
		t := now.Add(u.Lease)
		j.LeaseUntil = &t
	}
	j.UpdatedAt = now
	return nil
}

// Claim moves a queued job to running for worker, with a lease of the
// given length, counting the attempt.
func (j *Job) Claim(worker string, lease time.Duration, now time.Time) error {
	st := JobRunning
	if err := (JobUpdate{Status: &st, Lease: lease}).Apply(j, now); err != nil {
		return err
	}
	j.Worker = worker
	j.Attempts++
	t := now.Add(lease)
	j.LeaseUntil = &t
	return nil
}

// Recover is what becomes of a job whose process stopped, seen at time
// now: a running job whose lease ran out goes back to the queue, or fails
// once it has been started [JobAttempts] times; a queued job created
// before expire (it waited as long as results are kept) fails. ok is
// false for a job that needs nothing.
func (j *Job) Recover(now, expire time.Time) (u JobUpdate, ok bool) {
	switch {
	case j.Status == JobRunning && j.LeaseUntil != nil && now.After(*j.LeaseUntil) && j.Attempts < JobAttempts:
		st := JobQueued
		return JobUpdate{Status: &st}, true
	case j.Status == JobRunning && (j.LeaseUntil == nil || now.After(*j.LeaseUntil)):
		st, msg := JobFailed, "The server processes running this analysis stopped: start it again."
		return JobUpdate{Status: &st, Code: EUNAVAILABLE, Error: &msg}, true
	case j.Status == JobQueued && j.CreatedAt.Before(expire):
		st, msg := JobFailed, "No server process took this analysis in time: start it again."
		return JobUpdate{Status: &st, Code: EUNAVAILABLE, Error: &msg}, true
	}
	return JobUpdate{}, false
}
