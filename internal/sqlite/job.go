package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/egdi-project/egdi"
)

const jobColumns = `id, kind, status, progress, params, result, code, error, worker, lease_until, attempts, client, key,
	created_at, updated_at, started_at, finished_at`

// newJobID draws a job id: 16 bytes from crypto/rand in hex (see egdi.Job).
func newJobID() string {
	var b [egdi.JobIDLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// CreateJob stores a queued job, or returns the job its key matches (see
// egdi.JobStore). The write transaction holds the database's write lock,
// so the limits hold over every process sharing the file.
func (d *DB) CreateJob(ctx context.Context, n egdi.NewJob) (*egdi.Job, error) {
	if err := n.Check(); err != nil {
		return nil, err
	}
	now := d.now()
	var j *egdi.Job
	err := d.write(ctx, func(tx *sql.Tx) error {
		if n.Key != "" {
			var err error
			j, err = scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = ? AND key = ?
				AND (status = 'done' OR (status IN ('queued', 'running') AND client = ?)) ORDER BY seq DESC LIMIT 1`,
				n.Kind, n.Key, n.Client))
			if err == nil || !isNoRows(err) {
				return err
			}
			j = nil
		}
		var active, mine, total, seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(status IN ('queued', 'running')), 0),
			COALESCE(SUM(status IN ('queued', 'running') AND client = ?), 0), COUNT(*), COALESCE(MAX(seq), 0) FROM jobs`,
			n.Client).Scan(&active, &mine, &total, &seq); err != nil {
			return err
		}
		if err := n.Limits.CheckLimits(active, mine); err != nil {
			return err
		}
		if n.Limits.MaxKept > 0 && total >= n.Limits.MaxKept {
			if _, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs
				WHERE status IN ('done', 'failed', 'canceled') ORDER BY seq LIMIT ?)`, total-n.Limits.MaxKept+1); err != nil {
				return err
			}
		}
		id := newJobID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, seq, kind, status, progress, params, result, code, error, worker,
			attempts, client, key, created_at, updated_at) VALUES (?, ?, ?, 'queued', 0, ?, NULL, '', '', '', 0, ?, ?, ?, ?)`,
			id, seq+1, n.Kind, nullJSON(n.Params), n.Client, n.Key, now, now); err != nil {
			return err
		}
		var err error
		j, err = getJob(ctx, tx, id)
		return err
	})
	return j, err
}

// Job returns a job (see egdi.JobStore).
func (d *DB) Job(ctx context.Context, id string) (*egdi.Job, error) {
	j, err := getJob(ctx, d.db, id)
	return j, d.error(err)
}

// Jobs lists jobs (see egdi.JobStore).
func (d *DB) Jobs(ctx context.Context, kind string, status egdi.JobStatus, limit int) ([]*egdi.Job, error) {
	q := `SELECT ` + jobColumns + ` FROM jobs WHERE 1 = 1`
	var args []any
	if kind != "" {
		q += ` AND kind = ?`
		args = append(args, kind)
	}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, string(status))
	}
	q += ` ORDER BY seq DESC`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	return d.queryJobs(ctx, d.db, q, args...)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d *DB) queryJobs(ctx context.Context, q queryer, query string, args ...any) ([]*egdi.Job, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
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
// egdi.JobStore). The IMMEDIATE transaction holds the write lock from the
// SELECT on, so two processes never claim the same job.
func (d *DB) ClaimJob(ctx context.Context, kind, worker string, lease time.Duration) (*egdi.Job, error) {
	var j *egdi.Job
	err := d.write(ctx, func(tx *sql.Tx) error {
		var err error
		j, err = scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = ? AND status = 'queued'
			ORDER BY seq LIMIT 1`, kind))
		if isNoRows(err) {
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

// saveJob writes back the mutable fields of a job.
func saveJob(ctx context.Context, tx *sql.Tx, j *egdi.Job) error {
	_, err := tx.ExecContext(ctx, `UPDATE jobs SET status = ?, progress = ?, result = ?, code = ?, error = ?, worker = ?,
		lease_until = ?, attempts = ?, updated_at = ?, started_at = ?, finished_at = ? WHERE id = ?`,
		string(j.Status), j.Progress, nullJSON(j.Result), j.Code, j.Error, j.Worker, nullTime(j.LeaseUntil), j.Attempts,
		fmtTime(j.UpdatedAt), nullTime(j.StartedAt), nullTime(j.FinishedAt), j.ID)
	return err
}

// UpdateJob changes a job (see egdi.JobStore).
func (d *DB) UpdateJob(ctx context.Context, id string, u egdi.JobUpdate) (*egdi.Job, error) {
	var j *egdi.Job
	err := d.write(ctx, func(tx *sql.Tx) error {
		var err error
		if j, err = getJob(ctx, tx, id); err != nil {
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
// egdi.JobStore), in one write transaction.
func (d *DB) RecoverJobs(ctx context.Context, expire time.Time) (int, error) {
	now := egdi.StoreTime(d.cfg.Now())
	// Every serving process calls this every second: a read first, so
	// that the write lock is taken only when a job needs recovering.
	var any bool
	if err := d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM jobs WHERE (status = 'running' AND (lease_until IS NULL OR lease_until < ?))
		OR (status = 'queued' AND created_at < ?))`, fmtTime(now), fmtTime(expire)).Scan(&any); err != nil || !any {
		return 0, d.error(err)
	}
	n := 0
	err := d.write(ctx, func(tx *sql.Tx) error {
		n = 0
		js, err := d.queryJobs(ctx, tx, `SELECT `+jobColumns+` FROM jobs WHERE (status = 'running' AND (lease_until IS NULL OR lease_until < ?))
			OR (status = 'queued' AND created_at < ?)`, fmtTime(now), fmtTime(expire))
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
	var any bool
	if err := d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?)`,
		fmtTime(t)).Scan(&any); err != nil || !any {
		return 0, d.error(err)
	}
	var n int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?`, fmtTime(t))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// DeleteJob deletes a job (see egdi.JobStore).
func (d *DB) DeleteJob(ctx context.Context, id string) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No job %s.", id)
		}
		return nil
	})
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getJob(ctx context.Context, q querier, id string) (*egdi.Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No job %s.", id)
	}
	return j, err
}

type scanner interface{ Scan(dest ...any) error }

func scanJob(s scanner) (*egdi.Job, error) {
	j := &egdi.Job{}
	var status, created, updated string
	var params, result, lease, started, finished sql.NullString
	if err := s.Scan(&j.ID, &j.Kind, &status, &j.Progress, &params, &result, &j.Code, &j.Error, &j.Worker, &lease, &j.Attempts,
		&j.Client, &j.Key, &created, &updated, &started, &finished); err != nil {
		return nil, err
	}
	j.Status = egdi.JobStatus(status)
	if params.Valid {
		j.Params = json.RawMessage(params.String)
	}
	if result.Valid {
		j.Result = json.RawMessage(result.String)
	}
	var err error
	if j.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if j.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		s   sql.NullString
		dst **time.Time
	}{{lease, &j.LeaseUntil}, {started, &j.StartedAt}, {finished, &j.FinishedAt}} {
		if !p.s.Valid {
			continue
		}
		t, err := parseTime(p.s.String)
		if err != nil {
			return nil, err
		}
		*p.dst = &t
	}
	return j, nil
}

func nullJSON(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}
