package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi"
)

// CreateAssessment stores a new assessment (see egdi.AssessmentStore).
func (d *DB) CreateAssessment(ctx context.Context, a *egdi.Assessment) error {
	if err := egdi.CheckAssessmentName(a.Name); err != nil {
		return err
	}
	now := egdi.StoreTime(d.cfg.Now())
	answers, changed, err := egdi.MergeAnswers(nil, a.Answers, now)
	if err != nil {
		return err
	}
	err = d.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO assessments (name, questionnaire, country, city, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (name) DO NOTHING`, a.Name, a.Questionnaire, string(a.Country), a.City, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return egdi.Errorf(egdi.ECONFLICT, "An assessment named %s exists already: delete it first (egdi assessment delete %s).", a.Name, a.Name)
		}
		return putAnswers(ctx, tx, a.Name, changed)
	})
	if err != nil {
		return err
	}
	a.Answers, a.CreatedAt, a.UpdatedAt = dropData(answers), now, now
	return nil
}

// dropData returns answers whose files carry no data.
func dropData(as []egdi.Answer) []egdi.Answer {
	for k := range as {
		if f := as[k].File; f != nil {
			g := *f
			g.Data = nil
			as[k].File = &g
		}
	}
	return as
}

func putAnswers(ctx context.Context, tx pgx.Tx, name string, answers []egdi.Answer) error {
	b := &pgx.Batch{}
	for _, a := range answers {
		var fname, fsha *string
		var fsize *int64
		var fdata []byte
		if f := a.File; f != nil {
			fname, fsha, fsize, fdata = &f.Name, &f.SHA256, &f.Size, f.Data
		}
		b.Queue(`INSERT INTO assessment_answers
			(assessment, item, value, evidence, note, file_name, file_size, file_sha256, file_data, author, at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (assessment, item) DO UPDATE SET value = EXCLUDED.value, evidence = EXCLUDED.evidence,
			note = EXCLUDED.note, file_name = EXCLUDED.file_name, file_size = EXCLUDED.file_size,
			file_sha256 = EXCLUDED.file_sha256, file_data = COALESCE(EXCLUDED.file_data, assessment_answers.file_data),
			author = EXCLUDED.author, at = EXCLUDED.at, version = EXCLUDED.version`,
			name, a.Item, a.Value, a.Evidence, a.Note, fname, fsize, fsha, fdata, a.Author, egdi.StoreTime(a.At), a.Version)
	}
	return tx.SendBatch(ctx, b).Close()
}

// Assessment returns an assessment (see egdi.AssessmentStore).
func (d *DB) Assessment(ctx context.Context, name string) (*egdi.Assessment, error) {
	as, err := d.assessments(ctx, d.pool, name, false)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s (see egdi assessment show).", name)
	}
	return as[0], nil
}

// Assessments returns every assessment (see egdi.AssessmentStore).
func (d *DB) Assessments(ctx context.Context) ([]*egdi.Assessment, error) {
	return d.assessments(ctx, d.pool, "", false)
}

type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func (d *DB) assessments(ctx context.Context, db queryer, name string, lock bool) ([]*egdi.Assessment, error) {
	q := `SELECT name, questionnaire, country, city, created_at, updated_at FROM assessments`
	var args []any
	if name != "" {
		q += ` WHERE name = $1`
		args = append(args, name)
	}
	q += ` ORDER BY name`
	if lock {
		q += ` FOR UPDATE`
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, d.error(err)
	}
	var out []*egdi.Assessment
	byName := map[string]*egdi.Assessment{}
	for rows.Next() {
		a := &egdi.Assessment{Answers: []egdi.Answer{}}
		var country string
		if err := rows.Scan(&a.Name, &a.Questionnaire, &country, &a.City, &a.CreatedAt, &a.UpdatedAt); err != nil {
			rows.Close()
			return nil, d.error(err)
		}
		a.Country = egdi.ISO3(country)
		a.CreatedAt, a.UpdatedAt = egdi.StoreTime(a.CreatedAt), egdi.StoreTime(a.UpdatedAt)
		out = append(out, a)
		byName[a.Name] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, d.error(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	q = `SELECT assessment, item, value, evidence, note, file_name, file_size, file_sha256, author, at, version FROM assessment_answers`
	if name != "" {
		q += ` WHERE assessment = $1`
	}
	arows, err := db.Query(ctx, q+` ORDER BY assessment, item COLLATE "C"`, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer arows.Close()
	for arows.Next() {
		var owner string
		var x egdi.Answer
		var fname, fsha *string
		var fsize *int64
		if err := arows.Scan(&owner, &x.Item, &x.Value, &x.Evidence, &x.Note, &fname, &fsize, &fsha, &x.Author, &x.At, &x.Version); err != nil {
			return nil, d.error(err)
		}
		x.At = egdi.StoreTime(x.At)
		if fname != nil {
			x.File = &egdi.EvidenceFile{Name: *fname}
			if fsize != nil {
				x.File.Size = *fsize
			}
			if fsha != nil {
				x.File.SHA256 = *fsha
			}
		}
		if a := byName[owner]; a != nil {
			a.Answers = append(a.Answers, x)
		}
	}
	return out, d.error(arows.Err())
}

// SaveAnswers adds or replaces answers (see egdi.AssessmentStore).
func (d *DB) SaveAnswers(ctx context.Context, name string, answers []egdi.Answer) (*egdi.Assessment, error) {
	var out *egdi.Assessment
	err := d.write(ctx, func(tx pgx.Tx) error {
		as, err := d.assessments(ctx, tx, name, true)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s (see egdi assessment show).", name)
		}
		a := as[0]
		now := egdi.StoreTime(d.cfg.Now())
		merged, changed, err := egdi.MergeAnswers(a.Answers, answers, now)
		if err != nil {
			return err
		}
		if len(changed) > 0 {
			if err := putAnswers(ctx, tx, name, changed); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE assessments SET updated_at = $1 WHERE name = $2`, now, name); err != nil {
				return err
			}
			a.UpdatedAt = now
		}
		a.Answers = dropData(merged)
		out = a
		return nil
	})
	return out, err
}

// EvidenceFile returns an answer's file with its data (see egdi.AssessmentStore).
func (d *DB) EvidenceFile(ctx context.Context, name, item string) (*egdi.EvidenceFile, error) {
	var fname, fsha *string
	var fsize *int64
	var data []byte
	err := d.pool.QueryRow(ctx, `SELECT file_name, file_size, file_sha256, file_data FROM assessment_answers
		WHERE assessment = $1 AND item = $2`, name, item).Scan(&fname, &fsize, &fsha, &data)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && fname == nil {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "Assessment %s has no evidence file for item %s.", name, item)
	}
	if err != nil {
		return nil, d.error(err)
	}
	f := &egdi.EvidenceFile{Name: *fname, Data: data}
	if fsize != nil {
		f.Size = *fsize
	}
	if fsha != nil {
		f.SHA256 = *fsha
	}
	if f.Data == nil {
		f.Data = []byte{}
	}
	return f, nil
}

// DeleteAssessment deletes an assessment (see egdi.AssessmentStore).
func (d *DB) DeleteAssessment(ctx context.Context, name string) error {
	return d.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM assessment_answers WHERE assessment = $1`, name); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM assessments WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s (see egdi assessment show).", name)
		}
		return nil
	})
}
