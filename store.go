package egdi

import (
	"context"
	"fmt"
	"time"
)

// Store keeps egdi's data between runs: the published editions (the
// built-in record, read-only, plus imported ones), raw indicator
// observations, user-defined editions (scenarios), computed results with
// the inputs and method that produced them, and background jobs.
//
// Two implementations exist, internal/sqlite (the embedded default) and
// internal/postgres (for teams), and one conformance suite,
// internal/storetest, that both pass. Every method may also return
// EUNAVAILABLE when the database cannot be reached, EBUSY when another
// writer holds it longer than the store waits, and ECANCELED when ctx ends.
type Store interface {
	DatasetStore
	ImportStore
	ScenarioStore
	ResultStore
	JobStore
	AssessmentStore
	TrackerStore
	TeamStore // user.go, audit.go: accounts, sessions, tokens, the audit log
	// Close releases the store's connections.
	Close() error
}

// DatasetStore is the read side the ranking commands use.
type DatasetStore interface {
	// Dataset returns the data the commands work on: the countries (the
	// built-in list), every published edition (built-in and imported) and
	// every raw observation, imported ones before built-in ones so that
	// [LatestInputs] prefers an imported value over a built-in value of the
	// same year. The result may be shared: stores keep it (and the
	// built-in record's slices in it) until the data change, so callers
	// must not modify it.
	Dataset(ctx context.Context) (*Dataset, error)
}

// ImportStore stores what an importer read from a file.
type ImportStore interface {
	// Import stores a batch in one transaction: all of it or, on any error,
	// nothing. It is idempotent: rows equal to stored rows are counted as
	// unchanged and not written, so importing the same file twice changes
	// nothing. progress, when not nil, is called as rows are written
	// (done of total) from inside the transaction.
	//
	// Errors: EINVALID for a row that is not valid (unknown country or
	// indicator, value out of bounds) or two rows of the batch with the
	// same key and different values, naming the file and the key;
	// ECONFLICT when a row would change a built-in published value, which
	// is read-only.
	Import(ctx context.Context, b *Batch, progress func(done, total int)) (*ImportSummary, error)
}

// ScenarioStore keeps user-defined editions.
type ScenarioStore interface {
	// SaveScenario stores a new scenario. Errors: EINVALID for a bad name
	// or an empty scenario, ECONFLICT when the name is taken.
	SaveScenario(ctx context.Context, s *Scenario) error
	// Scenario returns the named scenario with its values. Errors:
	// ENOTFOUND.
	Scenario(ctx context.Context, name string) (*Scenario, error)
	// Scenarios returns every scenario, with its values, by name.
	Scenarios(ctx context.Context) ([]*Scenario, error)
	// DeleteScenario deletes a scenario and the results computed from it.
	// Errors: ENOTFOUND.
	DeleteScenario(ctx context.Context, name string) error
}

// ResultStore keeps computed results.
type ResultStore interface {
	// SaveResult stores a computed result with its inputs and method and
	// returns its id. When r.Scenario is set the scenario must exist
	// (ENOTFOUND); the result is deleted with it. Errors: EINVALID for a
	// result without scores.
	SaveResult(ctx context.Context, r *Result) (int64, error)
	// Result returns a result by id. Errors: ENOTFOUND.
	Result(ctx context.Context, id int64) (*Result, error)
	// Results returns the results of an edition (a year as text, or a
	// scenario's name), newest first, without their inputs and scores.
	Results(ctx context.Context, edition string) ([]*Result, error)
}

// JobStore keeps background jobs (Monte Carlo runs and the like), so that
// several server processes sharing one database can share the work. Any
// process may run any queued job: it claims it with a lease, which it
// renews while it runs; a job whose lease runs out (its process stopped)
// is requeued or failed by [JobStore.RecoverJobs], which every process
// calls, so every process sees the same outcome.
type JobStore interface {
	// CreateJob stores a new queued job with a fresh random id and
	// returns it with its times set, or returns the existing job that
	// n.Key matches (see [NewJob]). Finished jobs beyond n.Limits.MaxKept
	// are deleted, oldest first. Errors: EINVALID for an empty kind or
	// params that are not JSON; ETOOMANY beyond n.Limits.
	CreateJob(ctx context.Context, n NewJob) (*Job, error)
	// Job returns a job. Errors: ENOTFOUND.
	Job(ctx context.Context, id string) (*Job, error)
	// Jobs returns jobs, newest first, filtered by kind and status when
	// they are not empty, at most limit (0: all).
	Jobs(ctx context.Context, kind string, status JobStatus, limit int) ([]*Job, error)
	// ClaimJob moves the oldest queued job of a kind to running for a
	// worker with a lease of the given length, atomically: two workers
	// never claim the same job (see [Job.Claim]). Errors: ENOTFOUND when
	// no job is queued.
	ClaimJob(ctx context.Context, kind, worker string, lease time.Duration) (*Job, error)
	// UpdateJob changes a job's status, progress, result or error, or
	// renews its lease. Errors: ENOTFOUND; EINVALID for a progress
	// outside [0,1] or a result that is not JSON; ECONFLICT for a job
	// already finished, a status change the job's state does not allow
	// (see [JobStatus.Next]) or a worker that no longer holds the job.
	UpdateJob(ctx context.Context, id string, u JobUpdate) (*Job, error)
	// RecoverJobs applies [Job.Recover] to every job that needs it, at
	// the store's time, and returns how many changed: jobs of stopped
	// processes are requeued or failed, jobs queued before expire fail.
	RecoverJobs(ctx context.Context, expire time.Time) (int, error)
	// ExpireJobs deletes the jobs finished before t and returns how many.
	ExpireJobs(ctx context.Context, t time.Time) (int, error)
	// DeleteJob deletes a job. Errors: ENOTFOUND.
	DeleteJob(ctx context.Context, id string) error
}

// ImportSummary says what an import did. Read is what the importer read
// (data rows of the file); Stored counts rows written (new or replacing a
// different imported value), Unchanged rows already stored with the same
// value, and Skipped the rows left out, with the reason.
type ImportSummary struct {
	File      string `json:"file"`
	Source    string `json:"source"`
	Read      int    `json:"read"`
	Stored    int    `json:"stored"`
	Unchanged int    `json:"unchanged"`
	Skipped   []Skip `json:"skipped,omitempty"`
}

// String is the summary as the CLI prints it.
func (s *ImportSummary) String() string {
	return fmt.Sprintf("%s (%s): %d rows read, %d stored, %d unchanged, %d skipped",
		s.File, s.Source, s.Read, s.Stored, s.Unchanged, len(s.Skipped))
}

// StoreTime is the form in which stores keep times: UTC, to the
// microsecond (PostgreSQL's precision).
func StoreTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
