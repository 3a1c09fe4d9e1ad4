package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi"
)

// This file implements egdi.TeamworkStore (migration 00051). A version
// check is part of the write itself (INSERT … ON CONFLICT DO NOTHING for
// a first answer, UPDATE … WHERE version = the version read), so two
// servers writing one item at once cannot both succeed.

func assessmentExists(ctx context.Context, tx pgx.Tx, name string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM assessments WHERE name = $1`, name).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s.", name)
	}
	return nil
}

func memberRole(ctx context.Context, tx pgx.Tx, name string, userID int64) (egdi.MemberRole, *time.Time, error) {
	var role string
	var sub *time.Time
	err := tx.QueryRow(ctx, `SELECT role, submitted_at FROM assessment_members WHERE assessment = $1 AND user_id = $2`, name, userID).Scan(&role, &sub)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, nil
	}
	return egdi.MemberRole(role), sub, err
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
	return d.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO assessments (name, questionnaire, country, city, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (name) DO NOTHING`, a.Name, a.Questionnaire, string(a.Country), a.City, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return egdi.Errorf(egdi.ECONFLICT, "An assessment named %s exists already.", a.Name)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO assessment_members (assessment, user_id, role) VALUES ($1, $2, 'coordinator')`, a.Name, creator.ID); err != nil {
			return err
		}
		a.CreatedAt, a.UpdatedAt, a.Answers = now, now, []egdi.Answer{}
		if err := appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: creator.Email, Scope: a.Name, Action: egdi.AuditAssessmentCreate,
			Item: a.Name, New: a.Questionnaire + " " + string(a.Country), Reason: reason}); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: creator.Email, Scope: a.Name, Action: egdi.AuditMemberSet,
			Item: creator.Email, New: string(egdi.MemberCoordinator), Reason: reason})
	})
}

// SetMember adds a member or changes their role (see egdi.TeamworkStore).
func (d *DB) SetMember(ctx context.Context, name string, userID int64, role egdi.MemberRole, by egdi.Actor, reason string) error {
	if _, err := egdi.ParseMemberRole(string(role)); err != nil {
		return err
	}
	now := d.now()
	return d.write(ctx, func(tx pgx.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		u, err := getUser(ctx, tx, `id = $1`, userID)
		if err != nil {
			return err
		}
		// Lock the row (if any) so that two changes of one membership
		// audit the right old role.
		var old string
		err = tx.QueryRow(ctx, `SELECT role FROM assessment_members WHERE assessment = $1 AND user_id = $2 FOR UPDATE`, name, userID).Scan(&old)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if egdi.MemberRole(old) == role {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO assessment_members (assessment, user_id, role) VALUES ($1, $2, $3)
			ON CONFLICT (assessment, user_id) DO UPDATE SET role = excluded.role`, name, userID, string(role)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: string(by), Scope: name, Action: egdi.AuditMemberSet,
			Item: u.Email, Old: old, New: string(role), Reason: reason})
	})
}

// RemoveMember removes a member (see egdi.TeamworkStore).
func (d *DB) RemoveMember(ctx context.Context, name string, userID int64, by egdi.Actor, reason string) error {
	now := d.now()
	return d.write(ctx, func(tx pgx.Tx) error {
		u, err := getUser(ctx, tx, `id = $1`, userID)
		if err != nil {
			return err
		}
		var old string
		err = tx.QueryRow(ctx, `DELETE FROM assessment_members WHERE assessment = $1 AND user_id = $2 RETURNING role`, name, userID).Scan(&old)
		if errors.Is(err, pgx.ErrNoRows) {
			return egdi.Errorf(egdi.ENOTFOUND, "%s is not a member of %s.", u.Email, name)
		}
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: string(by), Scope: name, Action: egdi.AuditMemberRemove,
			Item: u.Email, Old: old, Reason: reason})
	})
}

// Members returns an assessment's members (see egdi.TeamworkStore).
func (d *DB) Members(ctx context.Context, name string) ([]egdi.Member, error) {
	var out []egdi.Member
	err := d.write(ctx, func(tx pgx.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT u.email, u.id, m.role, m.submitted_at FROM assessment_members m
			JOIN users u ON u.id = m.user_id WHERE m.assessment = $1 ORDER BY u.email`, name)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m egdi.Member
			var role string
			if err := rows.Scan(&m.Email, &m.UserID, &role, &m.Submitted); err != nil {
				return err
			}
			m.Role = egdi.MemberRole(role)
			if m.Submitted != nil {
				t := m.Submitted.UTC()
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
	rows, err := d.pool.Query(ctx, `SELECT assessment, role FROM assessment_members WHERE user_id = $1`, userID)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
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

func scanReview(row pgx.Row) (*egdi.Answer, error) {
	var a egdi.Answer
	if err := row.Scan(&a.Item, &a.Value, &a.Evidence, &a.Note, &a.Author, &a.At, &a.Version); err != nil {
		return nil, err
	}
	a.At = a.At.UTC()
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
	err := d.write(ctx, func(tx pgx.Tx) error {
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
		current := func() (*egdi.Answer, error) {
			cur, err := scanReview(tx.QueryRow(ctx, `SELECT item, value, evidence, note, $1, at, version FROM review_answers
				WHERE assessment = $2 AND reviewer = $3 AND item = $4 FOR UPDATE`, reviewer.Email, name, reviewer.ID, a.Item))
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, nil
			}
			return cur, err
		}
		cur, err := current()
		if err != nil {
			return err
		}
		if v := versionOf(cur); v != ifVersion {
			return &egdi.VersionConflict{Item: a.Item, Want: ifVersion, Current: cur}
		}
		if cur != nil && cur.Value == a.Value && cur.Evidence == a.Evidence && cur.Note == a.Note {
			out = cur
			return nil
		}
		a.Version, a.Author, a.At = ifVersion+1, reviewer.Email, now
		var tag interface{ RowsAffected() int64 }
		if ifVersion == 0 {
			tag, err = tx.Exec(ctx, `INSERT INTO review_answers (assessment, reviewer, item, value, evidence, note, at, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT (assessment, reviewer, item) DO NOTHING`,
				name, reviewer.ID, a.Item, a.Value, a.Evidence, a.Note, now)
		} else {
			tag, err = tx.Exec(ctx, `UPDATE review_answers SET value = $1, evidence = $2, note = $3, at = $4, version = version + 1
				WHERE assessment = $5 AND reviewer = $6 AND item = $7 AND version = $8`,
				a.Value, a.Evidence, a.Note, now, name, reviewer.ID, a.Item, ifVersion)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			cur, err := current()
			if err != nil {
				return err
			}
			return &egdi.VersionConflict{Item: a.Item, Want: ifVersion, Current: cur}
		}
		out = &a
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: reviewer.Email, Scope: name, Action: egdi.AuditReviewAnswer,
			Item: a.Item, Old: egdi.AnswerText(cur), New: egdi.AnswerText(&a)})
	})
	return out, err
}

// ReviewAnswers returns a reviewer's answers (see egdi.TeamworkStore).
func (d *DB) ReviewAnswers(ctx context.Context, name string, reviewerID int64) ([]egdi.Answer, error) {
	rows, err := d.pool.Query(ctx, `SELECT r.item, r.value, r.evidence, r.note, u.email, r.at, r.version FROM review_answers r
		JOIN users u ON u.id = r.reviewer WHERE r.assessment = $1 AND r.reviewer = $2 ORDER BY r.item`, name, reviewerID)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
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
	return d.write(ctx, func(tx pgx.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		role, _, err := memberRole(ctx, tx, name, reviewer.ID)
		if err != nil {
			return err
		}
		if role != egdi.MemberReviewer {
			return egdi.Errorf(egdi.ENOTFOUND, "%s is not a reviewer of %s.", reviewer.Email, name)
		}
		tag, err := tx.Exec(ctx, `UPDATE assessment_members SET submitted_at = $1 WHERE assessment = $2 AND user_id = $3 AND submitted_at IS NULL`,
			now, name, reviewer.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return egdi.Errorf(egdi.ECONFLICT, "%s has submitted the review of %s already.", reviewer.Email, name)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM review_answers WHERE assessment = $1 AND reviewer = $2`, name, reviewer.ID).Scan(&n); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: reviewer.Email, Scope: name, Action: egdi.AuditReviewSubmit,
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
	err := d.write(ctx, func(tx pgx.Tx) error {
		if err := assessmentExists(ctx, tx, name); err != nil {
			return err
		}
		current := func() (*egdi.Answer, error) {
			cur, err := scanReview(tx.QueryRow(ctx, `SELECT item, value, evidence, note, author, at, version FROM assessment_answers
				WHERE assessment = $1 AND item = $2 FOR UPDATE`, name, a.Item))
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, nil
			}
			return cur, err
		}
		cur, err := current()
		if err != nil {
			return err
		}
		if v := versionOf(cur); v != ifVersion {
			return &egdi.VersionConflict{Item: a.Item, Want: ifVersion, Current: cur}
		}
		a.Version, a.Author, a.At = ifVersion+1, string(by), now
		var tag interface{ RowsAffected() int64 }
		if ifVersion == 0 {
			tag, err = tx.Exec(ctx, `INSERT INTO assessment_answers (assessment, item, value, evidence, note, author, at, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT (assessment, item) DO NOTHING`,
				name, a.Item, a.Value, a.Evidence, a.Note, a.Author, now)
		} else {
			tag, err = tx.Exec(ctx, `UPDATE assessment_answers SET value = $1, evidence = $2, note = $3, author = $4, at = $5, version = version + 1
				WHERE assessment = $6 AND item = $7 AND version = $8`, a.Value, a.Evidence, a.Note, a.Author, now, name, a.Item, ifVersion)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			cur, err := current()
			if err != nil {
				return err
			}
			return &egdi.VersionConflict{Item: a.Item, Want: ifVersion, Current: cur}
		}
		if _, err := tx.Exec(ctx, `UPDATE assessments SET updated_at = $1 WHERE name = $2`, now, name); err != nil {
			return err
		}
		out = &a
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: string(by), Scope: name, Action: egdi.AuditReconcile,
			Item: a.Item, Old: egdi.AnswerText(cur), New: egdi.AnswerText(&a), Reason: reason})
	})
	return out, err
}

func versionOf(a *egdi.Answer) int {
	if a == nil {
		return 0
	}
	return a.Version
}
