package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/egdi-project/egdi"
)

// This file implements egdi.TeamworkStore (migration 00051). Each write
// runs in one IMMEDIATE transaction (the file's write lock), so a version
// check and the write it guards cannot interleave with another writer's.

func assessmentExists(ctx context.Context, tx *sql.Tx, name string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM assessments WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s.", name)
	}
	return nil
}

func memberRole(ctx context.Context, tx *sql.Tx, name string, userID int64) (egdi.MemberRole, *string, error) {
	var role string
	var sub sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT role, submitted_at FROM assessment_members WHERE assessment = ? AND user_id = ?`, name, userID).Scan(&role, &sub)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, nil
	}
	if sub.Valid {
		return egdi.MemberRole(role), &sub.String, err
	}
	return egdi.MemberRole(role), nil, err
}

// CreateTeamAssessment stores a new assessment with its coordinator (see egdi.TeamworkStore).
func (d *DB) CreateTeamAssessment(ctx context.Context, a *egdi.Assessment, creator *egdi.User, reason string) error {
	if err := egdi.CheckAssessmentName(a.Name); err != nil {
		return err
	}
	if len(a.Answers) > 0 {
		return egdi.Errorf(egdi.EINVALID, "A team assessment starts without answers: the reviewers give them.")
	}
	now := d.now()
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO assessments (name, questionnaire, country, city, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`, a.Name, a.Questionnaire, string(a.Country), a.City, now, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return egdi.Errorf(egdi.ECONFLICT, "An assessment named %s exists already.", a.Name)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_members (assessment, user_id, role) VALUES (?, ?, 'coordinator')`, a.Name, creator.ID); err != nil {
			return err
		}
		at := parseTimeOrZero(now)
		a.CreatedAt, a.UpdatedAt, a.Answers = at, at, []egdi.Answer{}
		if err := appendAudit(ctx, tx, egdi.AuditEntry{At: at, User: creator.Email, Scope: a.Name, Action: egdi.AuditAssessmentCreate,
			Item: a.Name, New: a.Questionnaire + " " + string(a.Country), Reason: reason}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: at, User: creator.Email, Scope: a.Name, Action: egdi.AuditMemberSet,
			Item: creator.Email, New: string(egdi.MemberCoordinator), Reason: reason})
	})
}

// SetMember adds a member or changes their role (see egdi.TeamworkStore).
func (d *DB) SetMember(ctx context.Context, name string, userID int64, role egdi.MemberRole, by egdi.Actor, reason string) error {
	if _, err := egdi.ParseMemberRole(string(role)); err != nil {
		return err
	}
	now := d.now()
	return d.write(ctx, func(tx *sql.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		u, err := getUser(ctx, tx, `id = ?`, userID)
		if err != nil {
			return err
		}
		old, _, err := memberRole(ctx, tx, name, userID)
		if err != nil || old == role {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_members (assessment, user_id, role) VALUES (?, ?, ?)
			ON CONFLICT (assessment, user_id) DO UPDATE SET role = excluded.role`, name, userID, string(role)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: parseTimeOrZero(now), User: string(by), Scope: name, Action: egdi.AuditMemberSet,
			Item: u.Email, Old: string(old), New: string(role), Reason: reason})
	})
}

// RemoveMember removes a member (see egdi.TeamworkStore).
func (d *DB) RemoveMember(ctx context.Context, name string, userID int64, by egdi.Actor, reason string) error {
	now := d.now()
	return d.write(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, `id = ?`, userID)
		if err != nil {
			return err
		}
		old, _, err := memberRole(ctx, tx, name, userID)
		if err != nil {
			return err
		}
		if old == "" {
			return egdi.Errorf(egdi.ENOTFOUND, "%s is not a member of %s.", u.Email, name)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM assessment_members WHERE assessment = ? AND user_id = ?`, name, userID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: parseTimeOrZero(now), User: string(by), Scope: name, Action: egdi.AuditMemberRemove,
			Item: u.Email, Old: string(old), Reason: reason})
	})
}

// Members returns an assessment's members (see egdi.TeamworkStore).
func (d *DB) Members(ctx context.Context, name string) ([]egdi.Member, error) {
	var out []egdi.Member
	err := d.write(ctx, func(tx *sql.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT u.email, u.id, m.role, m.submitted_at FROM assessment_members m
			JOIN users u ON u.id = m.user_id WHERE m.assessment = ? ORDER BY u.email`, name)
		if err != nil {
			return err
		}
		defer func() { _ = rows.Close() }()
		for rows.Next() {
			var m egdi.Member
			var role string
			var sub sql.NullString
			if err := rows.Scan(&m.Email, &m.UserID, &role, &sub); err != nil {
				return err
			}
			m.Role = egdi.MemberRole(role)
			if sub.Valid {
				t := parseTimeOrZero(sub.String)
				m.Submitted = &t
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// Memberships returns a user's assessments (see egdi.TeamworkStore).
func (d *DB) Memberships(ctx context.Context, userID int64) (map[string]egdi.MemberRole, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT assessment, role FROM assessment_members WHERE user_id = ?`, userID)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	out := map[string]egdi.MemberRole{}
	for rows.Next() {
		var n, r string
		if err := rows.Scan(&n, &r); err != nil {
			return nil, d.error(err)
		}
		out[n] = egdi.MemberRole(r)
	}
	return out, d.error(rows.Err())
}

func scanReview(row interface{ Scan(...any) error }) (*egdi.Answer, error) {
	var a egdi.Answer
	var at string
	if err := row.Scan(&a.Item, &a.Value, &a.Evidence, &a.Note, &a.Author, &at, &a.Version); err != nil {
		return nil, err
	}
	a.At = parseTimeOrZero(at)
	return &a, nil
}

// SaveReviewAnswer stores a reviewer's answer under a version check (see egdi.TeamworkStore).
func (d *DB) SaveReviewAnswer(ctx context.Context, name string, reviewer *egdi.User, a egdi.Answer, ifVersion int) (*egdi.Answer, error) {
	a.File = nil
	if err := egdi.CheckAnswer(&a); err != nil {
		return nil, err
	}
	now := d.now()
	var out *egdi.Answer
	err := d.write(ctx, func(tx *sql.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		role, sub, err := memberRole(ctx, tx, name, reviewer.ID)
		if err != nil {
			return err
		}
		if role != egdi.MemberReviewer {
			return egdi.Errorf(egdi.ENOTFOUND, "%s is not a reviewer of %s.", reviewer.Email, name)
		}
		if sub != nil {
			return egdi.Errorf(egdi.ECONFLICT, "%s has submitted the review of %s: it can no longer change.", reviewer.Email, name)
		}
		cur, err := scanReview(tx.QueryRowContext(ctx, `SELECT item, value, evidence, note, ?, at, version FROM review_answers
			WHERE assessment = ? AND reviewer = ? AND item = ?`, reviewer.Email, name, reviewer.ID, a.Item))
		if errors.Is(err, sql.ErrNoRows) {
			cur, err = nil, nil
		}
		if err != nil {
			return err
		}
		v := 0
		if cur != nil {
			v = cur.Version
		}
		if v != ifVersion {
			return &egdi.VersionConflict{Item: a.Item, Want: ifVersion, Current: cur}
		}
		if cur != nil && cur.Value == a.Value && cur.Evidence == a.Evidence && cur.Note == a.Note {
			out = cur
			return nil
		}
		a.Version, a.Author, a.At = v+1, reviewer.Email, parseTimeOrZero(now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_answers (assessment, reviewer, item, value, evidence, note, at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (assessment, reviewer, item) DO UPDATE SET
			value = excluded.value, evidence = excluded.evidence, note = excluded.note, at = excluded.at, version = excluded.version`,
			name, reviewer.ID, a.Item, a.Value, a.Evidence, a.Note, now, a.Version); err != nil {
			return err
		}
		out = &a
		return appendAudit(ctx, tx, egdi.AuditEntry{At: a.At, User: reviewer.Email, Scope: name, Action: egdi.AuditReviewAnswer,
			Item: a.Item, Old: egdi.AnswerText(cur), New: egdi.AnswerText(&a)})
	})
	return out, err
}

// ReviewAnswers returns a reviewer's answers (see egdi.TeamworkStore).
func (d *DB) ReviewAnswers(ctx context.Context, name string, reviewerID int64) ([]egdi.Answer, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT r.item, r.value, r.evidence, r.note, u.email, r.at, r.version FROM review_answers r
		JOIN users u ON u.id = r.reviewer WHERE r.assessment = ? AND r.reviewer = ? ORDER BY r.item`, name, reviewerID)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	out := []egdi.Answer{}
	for rows.Next() {
		a, err := scanReview(rows)
		if err != nil {
			return nil, d.error(err)
		}
		out = append(out, *a)
	}
	return out, d.error(rows.Err())
}

// SubmitReview marks a review final (see egdi.TeamworkStore).
func (d *DB) SubmitReview(ctx context.Context, name string, reviewer *egdi.User) error {
	now := d.now()
	return d.write(ctx, func(tx *sql.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		role, sub, err := memberRole(ctx, tx, name, reviewer.ID)
		if err != nil {
			return err
		}
		if role != egdi.MemberReviewer {
			return egdi.Errorf(egdi.ENOTFOUND, "%s is not a reviewer of %s.", reviewer.Email, name)
		}
		if sub != nil {
			return egdi.Errorf(egdi.ECONFLICT, "%s has submitted the review of %s already.", reviewer.Email, name)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_answers WHERE assessment = ? AND reviewer = ?`, name, reviewer.ID).Scan(&n); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assessment_members SET submitted_at = ? WHERE assessment = ? AND user_id = ?`, now, name, reviewer.ID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: parseTimeOrZero(now), User: reviewer.Email, Scope: name, Action: egdi.AuditReviewSubmit,
			Item: reviewer.Email, Old: "draft", New: "submitted " + strconv.Itoa(n) + " answers"})
	})
}

// Reconcile sets the assessment's answer under a version check (see egdi.TeamworkStore).
func (d *DB) Reconcile(ctx context.Context, name string, a egdi.Answer, ifVersion int, by egdi.Actor, reason string) (*egdi.Answer, error) {
	a.File = nil
	if err := egdi.CheckAnswer(&a); err != nil {
		return nil, err
	}
	if reason == "" {
		return nil, egdi.Errorf(egdi.EINVALID, "Item %s: give the reason of the decision.", a.Item)
	}
	now := d.now()
	var out *egdi.Answer
	err := d.write(ctx, func(tx *sql.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		cur, err := scanReview(tx.QueryRowContext(ctx, `SELECT item, value, evidence, note, author, at, version FROM assessment_answers
			WHERE assessment = ? AND item = ?`, name, a.Item))
		if errors.Is(err, sql.ErrNoRows) {
			cur, err = nil, nil
		}
		if err != nil {
			return err
		}
		v := 0
		if cur != nil {
			v = cur.Version
		}
		if v != ifVersion {
			return &egdi.VersionConflict{Item: a.Item, Want: ifVersion, Current: cur}
		}
		a.Version, a.Author, a.At = v+1, string(by), parseTimeOrZero(now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_answers (assessment, item, value, evidence, note, author, at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (assessment, item) DO UPDATE SET value = excluded.value,
			evidence = excluded.evidence, note = excluded.note, author = excluded.author, at = excluded.at, version = excluded.version`,
			name, a.Item, a.Value, a.Evidence, a.Note, a.Author, now, a.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE assessments SET updated_at = ? WHERE name = ?`, now, name); err != nil {
			return err
		}
		out = &a
		return appendAudit(ctx, tx, egdi.AuditEntry{At: a.At, User: string(by), Scope: name, Action: egdi.AuditReconcile,
			Item: a.Item, Old: egdi.AnswerText(cur), New: egdi.AnswerText(&a), Reason: reason})
	})
	return out, err
}
