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
// canceled.
const (
	JobQueued   JobStatus = "queued"
	JobRunning  JobStatus = "running"
	JobDone     JobStatus = "done"
	JobFailed   JobStatus = "failed"
	JobCanceled JobStatus = "canceled"
)

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
		return t == JobRunning || t == JobCanceled || t == JobQueued
	case JobRunning:
		return t == JobRunning || t == JobDone || t == JobFailed || t == JobCanceled
	}
	return false
}

// Job is a unit of background work, kept in the store so that several
// server processes can share it. Params and Result are JSON written by the
// job's kind.
type Job struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`
	Status   JobStatus       `json:"status"`
	Progress float64         `json:"progress"` // 0–1
	Params   json.RawMessage `json:"params,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
	Error    string          `json:"error,omitempty"`
	Worker   string          `json:"worker,omitempty"`
	// Times are stored to the microsecond.
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// JobUpdate is a change to a job; nil fields are left as they are.
type JobUpdate struct {
	Status   *JobStatus
	Progress *float64
	Result   json.RawMessage
	Error    *string
}

// Apply checks the update against the job and applies it at time now.
// Errors: EINVALID, ECONFLICT (see [JobStore.UpdateJob]).
func (u JobUpdate) Apply(j *Job, now time.Time) error {
	if j.Status.Finished() {
		return Errorf(ECONFLICT, "Job %d is %s: it can no longer change.", j.ID, j.Status)
	}
	if u.Progress != nil && !(*u.Progress >= 0 && *u.Progress <= 1) {
		return Errorf(EINVALID, "Job progress %v is outside 0–1.", *u.Progress)
	}
	if u.Result != nil && !json.Valid(u.Result) {
		return Errorf(EINVALID, "Job %d: the result is not JSON.", j.ID)
	}
	if u.Status != nil {
		if !u.Status.Valid() {
			return Errorf(EINVALID, "Unknown job status %q.", *u.Status)
		}
		if !j.Status.Next(*u.Status) {
			return Errorf(ECONFLICT, "Job %d cannot go from %s to %s.", j.ID, j.Status, *u.Status)
		}
		if *u.Status == JobRunning && j.StartedAt == nil {
			t := now
			j.StartedAt = &t
		}
		if u.Status.Finished() {
			t := now
			j.FinishedAt = &t
		}
		j.Status = *u.Status
	}
	if u.Progress != nil {
		j.Progress = *u.Progress
	}
	if u.Result != nil {
		j.Result = slices.Clone(u.Result)
	}
	if u.Error != nil {
		j.Error = *u.Error
	}
	j.UpdatedAt = now
	return nil
}

// CheckJob checks a new job's kind and params. Errors: EINVALID.
func CheckJob(kind string, params json.RawMessage) error {
	if strings.TrimSpace(kind) == "" {
		return Errorf(EINVALID, "A job needs a kind.")
	}
	if params != nil && !json.Valid(params) {
		return Errorf(EINVALID, "Job params are not JSON.")
	}
	return nil
}
