package sqlite

import (
	"context"
	"database/sql"

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
	err = d.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM assessments WHERE name = ?`, a.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return egdi.Errorf(egdi.ECONFLICT, "An assessment named %s exists already: delete it first (egdi assessment delete %s).", a.Name, a.Name)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessments (name, questionnaire, country, city, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.Name, a.Questionnaire, string(a.Country), a.City, fmtTime(now), fmtTime(now)); err != nil {
			return err
		}
		return putAnswers(ctx, tx, a.Name, changed)
	})
	if err != nil {
		return err
	}
	a.Answers, a.CreatedAt, a.UpdatedAt = answers, now, now
	for k := range a.Answers {
		if f := a.Answers[k].File; f != nil {
			f.Data = nil
		}
	}
	return nil
}

func putAnswers(ctx context.Context, tx *sql.Tx, name string, answers []egdi.Answer) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO assessment_answers
		(assessment, item, value, evidence, note, file_name, file_size, file_sha256, file_data, author, at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (assessment, item) DO UPDATE SET value = excluded.value, evidence = excluded.evidence,
		note = excluded.note, file_name = excluded.file_name, file_size = excluded.file_size,
		file_sha256 = excluded.file_sha256, file_data = COALESCE(excluded.file_data, assessment_answers.file_data),
		author = excluded.author, at = excluded.at, version = excluded.version`)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	for _, a := range answers {
		var fname, fsha sql.NullString
		var fsize sql.NullInt64
		var fdata []byte
		if f := a.File; f != nil {
			fname = sql.NullString{String: f.Name, Valid: true}
			fsha = sql.NullString{String: f.SHA256, Valid: true}
			fsize = sql.NullInt64{Int64: f.Size, Valid: true}
			fdata = f.Data
		}
		if _, err := st.ExecContext(ctx, name, a.Item, a.Value, a.Evidence, a.Note, fname, fsize, fsha, fdata,
			a.Author, fmtTime(a.At), a.Version); err != nil {
			return err
		}
	}
	return nil
}

// Assessment returns an assessment (see egdi.AssessmentStore).
func (d *DB) Assessment(ctx context.Context, name string) (*egdi.Assessment, error) {
	as, err := d.assessments(ctx, d.db, name)
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
	return d.assessments(ctx, d.db, "")
}

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d *DB) assessments(ctx context.Context, db rowsQuerier, name string) ([]*egdi.Assessment, error) {
	q := `SELECT name, questionnaire, country, city, created_at, updated_at FROM assessments`
	var args []any
	if name != "" {
		q += ` WHERE name = ?`
		args = append(args, name)
	}
	rows, err := db.QueryContext(ctx, q+` ORDER BY name`, args...)
	if err != nil {
		return nil, d.error(err)
	}
	var out []*egdi.Assessment
	byName := map[string]*egdi.Assessment{}
	for rows.Next() {
		a := &egdi.Assessment{Answers: []egdi.Answer{}}
		var country, created, updated string
		if err := rows.Scan(&a.Name, &a.Questionnaire, &country, &a.City, &created, &updated); err != nil {
			_ = rows.Close()
			return nil, d.error(err)
		}
		a.Country = egdi.ISO3(country)
		if a.CreatedAt, err = parseTime(created); err == nil {
			a.UpdatedAt, err = parseTime(updated)
		}
		if err != nil {
			_ = rows.Close()
			return nil, err
		}
		out = append(out, a)
		byName[a.Name] = a
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, d.error(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	q = `SELECT assessment, item, value, evidence, note, file_name, file_size, file_sha256, author, at, version FROM assessment_answers`
	if name != "" {
		q += ` WHERE assessment = ?`
	}
	arows, err := db.QueryContext(ctx, q+` ORDER BY assessment, item`, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = arows.Close() }()
	for arows.Next() {
		var owner, at string
		var x egdi.Answer
		var fname, fsha sql.NullString
		var fsize sql.NullInt64
		if err := arows.Scan(&owner, &x.Item, &x.Value, &x.Evidence, &x.Note, &fname, &fsize, &fsha, &x.Author, &at, &x.Version); err != nil {
			return nil, d.error(err)
		}
		if x.At, err = parseTime(at); err != nil {
			return nil, err
		}
		if fname.Valid {
			x.File = &egdi.EvidenceFile{Name: fname.String, Size: fsize.Int64, SHA256: fsha.String}
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
	err := d.write(ctx, func(tx *sql.Tx) error {
		as, err := d.assessments(ctx, tx, name)
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
			if _, err := tx.ExecContext(ctx, `UPDATE assessments SET updated_at = ? WHERE name = ?`, fmtTime(now), name); err != nil {
				return err
			}
			a.UpdatedAt = now
		}
		for k := range merged {
			if f := merged[k].File; f != nil {
				g := *f
				g.Data = nil
				merged[k].File = &g
			}
		}
		a.Answers = merged
		out = a
		return nil
	})
	return out, err
}

// EvidenceFile returns an answer's file with its data (see egdi.AssessmentStore).
func (d *DB) EvidenceFile(ctx context.Context, name, item string) (*egdi.EvidenceFile, error) {
	var f egdi.EvidenceFile
	var fname, fsha sql.NullString
	var fsize sql.NullInt64
	err := d.db.QueryRowContext(ctx, `SELECT file_name, file_size, file_sha256, file_data FROM assessment_answers
		WHERE assessment = ? AND item = ?`, name, item).Scan(&fname, &fsize, &fsha, &f.Data)
	if err == sql.ErrNoRows || err == nil && !fname.Valid {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "Assessment %s has no evidence file for item %s.", name, item)
	}
	if err != nil {
		return nil, d.error(err)
	}
	f.Name, f.Size, f.SHA256 = fname.String, fsize.Int64, fsha.String
	if f.Data == nil {
		f.Data = []byte{}
	}
	return &f, nil
}

// DeleteAssessment deletes an assessment (see egdi.AssessmentStore).
func (d *DB) DeleteAssessment(ctx context.Context, name string) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM assessment_answers WHERE assessment = ?`, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM assessments WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s (see egdi assessment show).", name)
		}
		return nil
	})
}
