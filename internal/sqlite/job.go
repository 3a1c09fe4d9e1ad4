package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"github.com/egdi-project/egdi"
)

const jobColumns = `id, kind, status, progress, params, result, error, worker, created_at, updated_at, started_at, finished_at`

// CreateJob stores a queued job (see egdi.JobStore).
func (d *DB) CreateJob(ctx context.Context, kind string, params json.RawMessage) (*egdi.Job, error) {
	if err := egdi.CheckJob(kind, params); err != nil {
		return nil, err
	}
	now := d.now()
	var j *egdi.Job
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, status, progress, params, result, error, worker, created_at, updated_at)
			VALUES (?, 'queued', 0, ?, NULL, '', '', ?, ?)`, kind, nullJSON(params), now, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		j, err = getJob(ctx, tx, id)
		return err
	})
	return j, err
}

// Job returns a job (see egdi.JobStore).
func (d *DB) Job(ctx context.Context, id int64) (*egdi.Job, error) {
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
	q += ` ORDER BY id DESC`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
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
func (d *DB) ClaimJob(ctx context.Context, kind, worker string) (*egdi.Job, error) {
	var j *egdi.Job
	err := d.write(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE kind = ? AND status = 'queued' ORDER BY id LIMIT 1`, kind).Scan(&id)
		if isNoRows(err) {
			return egdi.Errorf(egdi.ENOTFOUND, "No queued %s job.", kind)
		}
		if err != nil {
			return err
		}
		now := d.now()
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'running', worker = ?, started_at = ?, updated_at = ? WHERE id = ?`,
			worker, now, now, id); err != nil {
			return err
		}
		j, err = getJob(ctx, tx, id)
		return err
	})
	return j, err
}

// UpdateJob changes a job (see egdi.JobStore).
func (d *DB) UpdateJob(ctx context.Context, id int64, u egdi.JobUpdate) (*egdi.Job, error) {
	var j *egdi.Job
	err := d.write(ctx, func(tx *sql.Tx) error {
		var err error
		if j, err = getJob(ctx, tx, id); err != nil {
			return err
		}
		if err := u.Apply(j, d.cfg.Now()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE jobs SET status = ?, progress = ?, result = ?, error = ?, updated_at = ?,
			started_at = ?, finished_at = ? WHERE id = ?`, string(j.Status), j.Progress, nullJSON(j.Result), j.Error,
			fmtTime(j.UpdatedAt), nullTime(j.StartedAt), nullTime(j.FinishedAt), id)
		if err != nil {
			return err
		}
		j, err = getJob(ctx, tx, id)
		return err
	})
	return j, err
}

// DeleteJob deletes a job (see egdi.JobStore).
func (d *DB) DeleteJob(ctx context.Context, id int64) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No job %d.", id)
		}
		return nil
	})
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getJob(ctx context.Context, q querier, id int64) (*egdi.Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No job %d.", id)
	}
	return j, err
}

type scanner interface{ Scan(dest ...any) error }

func scanJob(s scanner) (*egdi.Job, error) {
	j := &egdi.Job{}
	var status, created, updated string
	var params, result, started, finished sql.NullString
	if err := s.Scan(&j.ID, &j.Kind, &status, &j.Progress, &params, &result, &j.Error, &j.Worker,
		&created, &updated, &started, &finished); err != nil {
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
	if started.Valid {
		t, err := parseTime(started.String)
		if err != nil {
			return nil, err
		}
		j.StartedAt = &t
	}
	if finished.Valid {
		t, err := parseTime(finished.String)
		if err != nil {
			return nil, err
		}
		j.FinishedAt = &t
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
