package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi"
)

// jobLock serialises job creation over every process sharing the
// database, so that the queue limits hold exactly.
const jobLock = 0x65676469_0003

const jobColumns = `id, kind, status, progress, params::text, result::text, code, error, worker, lease_until, attempts, client, key,
	created_at, updated_at, started_at, finished_at`

// newJobID draws a job id: 16 bytes from crypto/rand in hex (see egdi.Job).
func newJobID() string {
	var b [egdi.JobIDLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// CreateJob stores a queued job, or returns the job its key matches (see
// egdi.JobStore), under a transaction advisory lock.
func (d *DB) CreateJob(ctx context.Context, n egdi.NewJob) (*egdi.Job, error) {
	if err := n.Check(); err != nil {
		return nil, err
	}
	now := egdi.StoreTime(d.cfg.Now())
	var j *egdi.Job
	err := d.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(jobLock)); err != nil {
			return err
		}
		if n.Key != "" {
			var err error
			j, err = scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = $1 AND key = $2
				AND (status = 'done' OR (status IN ('queued', 'running') AND client = $3)) ORDER BY seq DESC LIMIT 1`,
				n.Kind, n.Key, n.Client))
			if err == nil || !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			j = nil
		}
		var active, mine, total int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FILTER (WHERE status IN ('queued', 'running')),
			COUNT(*) FILTER (WHERE status IN ('queued', 'running') AND client = $1), COUNT(*) FROM jobs`,
			n.Client).Scan(&active, &mine, &total); err != nil {
			return err
		}
		if err := n.Limits.CheckLimits(active, mine); err != nil {
			return err
		}
		if n.Limits.MaxKept > 0 && total >= n.Limits.MaxKept {
			if _, err := tx.Exec(ctx, `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs
				WHERE status IN ('done', 'failed', 'canceled') ORDER BY seq LIMIT $1)`, total-n.Limits.MaxKept+1); err != nil {
				return err
			}
		}
		var err error
		j, err = scanJob(tx.QueryRow(ctx, `INSERT INTO jobs (id, kind, status, progress, params, result, code, error, worker,
			attempts, client, key, created_at, updated_at) VALUES ($1, $2, 'queued', 0, $3::json, NULL, '', '', '', 0, $4, $5, $6, $6)
			RETURNING `+jobColumns, newJobID(), n.Kind, nullJSON(n.Params), n.Client, n.Key, now))
		return err
	})
	return j, err
}

// Job returns a job (see egdi.JobStore).
func (d *DB) Job(ctx context.Context, id string) (*egdi.Job, error) {
	j, err := getJob(ctx, d.pool, id, "")
	return j, d.error(err)
}

// Jobs lists jobs (see egdi.JobStore).
func (d *DB) Jobs(ctx context.Context, kind string, status egdi.JobStatus, limit int) ([]*egdi.Job, error) {
	q := `SELECT ` + jobColumns + ` FROM jobs WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR status = $2) ORDER BY seq DESC`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	return d.queryJobs(ctx, d.pool, q, kind, string(status))
}

type jobQueryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func (d *DB) queryJobs(ctx context.Context, q jobQueryer, sql string, args ...any) ([]*egdi.Job, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
	var out []*egdi.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, d.error(err)
		}
		out = append(out, j)
	}
	return out, d.error(rows.Err())
}

// ClaimJob moves the oldest queued job of a kind to running (see
// egdi.JobStore). FOR UPDATE SKIP LOCKED lets several workers claim at
// once without waiting for each other or taking the same job.
func (d *DB) ClaimJob(ctx context.Context, kind, worker string, lease time.Duration) (*egdi.Job, error) {
	var j *egdi.Job
	err := d.write(ctx, func(tx pgx.Tx) error {
		var err error
		j, err = scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = $1 AND status = 'queued'
			ORDER BY seq FOR UPDATE SKIP LOCKED LIMIT 1`, kind))
		if errors.Is(err, pgx.ErrNoRows) {
			return egdi.Errorf(egdi.ENOTFOUND, "No queued %s job.", kind)
		}
		if err != nil {
			return err
		}
		if err := j.Claim(worker, lease, egdi.StoreTime(d.cfg.Now())); err != nil {
			return err
		}
		return saveJob(ctx, tx, j)
	})
	return j, err
}

func saveJob(ctx context.Context, tx pgx.Tx, j *egdi.Job) error {
	_, err := tx.Exec(ctx, `UPDATE jobs SET status = $2, progress = $3, result = $4::json, code = $5, error = $6, worker = $7,
		lease_until = $8, attempts = $9, updated_at = $10, started_at = $11, finished_at = $12 WHERE id = $1`,
		j.ID, string(j.Status), j.Progress, nullJSON(j.Result), j.Code, j.Error, j.Worker, j.LeaseUntil, j.Attempts,
		j.UpdatedAt, j.StartedAt, j.FinishedAt)
	return err
}

// UpdateJob changes a job (see egdi.JobStore).
func (d *DB) UpdateJob(ctx context.Context, id string, u egdi.JobUpdate) (*egdi.Job, error) {
	var j *egdi.Job
	err := d.write(ctx, func(tx pgx.Tx) error {
		var err error
		if j, err = getJob(ctx, tx, id, " FOR UPDATE"); err != nil {
			return err
		}
		if err := u.Apply(j, egdi.StoreTime(d.cfg.Now())); err != nil {
			return err
		}
		return saveJob(ctx, tx, j)
	})
	return j, err
}

// RecoverJobs requeues or fails the jobs of stopped processes (see
// egdi.JobStore); rows another process is updating are skipped, to be seen
// on the next call.
func (d *DB) RecoverJobs(ctx context.Context, expire time.Time) (int, error) {
	now := egdi.StoreTime(d.cfg.Now())
	n := 0
	err := d.write(ctx, func(tx pgx.Tx) error {
		n = 0
		js, err := d.queryJobs(ctx, tx, `SELECT `+jobColumns+` FROM jobs WHERE (status = 'running' AND (lease_until IS NULL OR lease_until < $1))
			OR (status = 'queued' AND created_at < $2) FOR UPDATE SKIP LOCKED`, now, egdi.StoreTime(expire))
		if err != nil {
			return err
		}
		for _, j := range js {
			u, ok := j.Recover(now, expire)
			if !ok {
				continue
			}
			if err := u.Apply(j, now); err != nil {
				return err
			}
			if err := saveJob(ctx, tx, j); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ExpireJobs deletes the jobs finished before t (see egdi.JobStore).
func (d *DB) ExpireJobs(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := d.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM jobs WHERE finished_at < $1`, egdi.StoreTime(t))
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}

// DeleteJob deletes a job (see egdi.JobStore).
func (d *DB) DeleteJob(ctx context.Context, id string) error {
	return d.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM jobs WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No job %s.", id)
		}
		return nil
	})
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func getJob(ctx context.Context, q queryRower, id, lock string) (*egdi.Job, error) {
	j, err := scanJob(q.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`+lock, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No job %s.", id)
	}
	return j, err
}

func scanJob(row pgx.Row) (*egdi.Job, error) {
	j := &egdi.Job{}
	var status string
	var params, result *string
	var lease, started, finished *time.Time
	if err := row.Scan(&j.ID, &j.Kind, &status, &j.Progress, &params, &result, &j.Code, &j.Error, &j.Worker, &lease, &j.Attempts,
		&j.Client, &j.Key, &j.CreatedAt, &j.UpdatedAt, &started, &finished); err != nil {
		return nil, err
	}
	j.Status = egdi.JobStatus(status)
	if params != nil {
		j.Params = json.RawMessage(*params)
	}
	if result != nil {
		j.Result = json.RawMessage(*result)
	}
	j.CreatedAt, j.UpdatedAt = j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	j.LeaseUntil, j.StartedAt, j.FinishedAt = utcPtr(lease), utcPtr(started), utcPtr(finished)
	return j, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func nullJSON(b json.RawMessage) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}
