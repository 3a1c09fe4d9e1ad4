package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/egdi-project/egdi"
)

// This file implements egdi.AccountStore and egdi.AuditStore (migration
// 00050). Every audited change appends its entry in its own transaction.

const userColumns = `id, email, role, disabled, password_hash, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*egdi.User, error) {
	var u egdi.User
	var role, created, updated string
	var disabled int
	if err := row.Scan(&u.ID, &u.Email, &role, &disabled, &u.PasswordHash, &created, &updated); err != nil {
		return nil, err
	}
	u.Role, u.Disabled = egdi.Role(role), disabled != 0
	var err error
	if u.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	u.UpdatedAt, err = parseTime(updated)
	return &u, err
}

func getUser(ctx context.Context, q querier, where string, arg any) (*egdi.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No user %v.", arg)
	}
	return u, err
}

// appendAudit appends one entry to the audit log.
func appendAudit(ctx context.Context, tx *sql.Tx, e egdi.AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, scope, action, item, old, new, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, fmtTime(e.At), e.User, e.Scope, e.Action, e.Item, e.Old, e.New, e.Reason)
	return err
}

// CreateUser stores a new user (see egdi.AccountStore).
func (d *DB) CreateUser(ctx context.Context, u *egdi.User, by egdi.Actor, reason string) (*egdi.User, error) {
	email, err := egdi.NormalizeEmail(u.Email)
	if err != nil {
		return nil, err
	}
	if _, err := egdi.ParseRole(string(u.Role)); err != nil {
		return nil, err
	}
	now := d.now()
	var out *egdi.User
	err = d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, role, disabled, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`, email, string(u.Role), u.Disabled, u.PasswordHash, now, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return egdi.Errorf(egdi.ECONFLICT, "A user %s exists already.", email)
		}
		if out, err = getUser(ctx, tx, `email = ?`, email); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: out.CreatedAt, User: string(by), Scope: egdi.AuditScopeUsers,
			Action: egdi.AuditUserCreate, Item: email, New: string(out.Role), Reason: reason})
	})
	return out, err
}

// User returns a user by e-mail (see egdi.AccountStore).
func (d *DB) User(ctx context.Context, email string) (*egdi.User, error) {
	e, err := egdi.NormalizeEmail(email)
	if err != nil {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No user %s.", email)
	}
	u, err := getUser(ctx, d.db, `email = ?`, e)
	return u, d.error(err)
}

// UserByID returns a user by id (see egdi.AccountStore).
func (d *DB) UserByID(ctx context.Context, id int64) (*egdi.User, error) {
	u, err := getUser(ctx, d.db, `id = ?`, id)
	return u, d.error(err)
}

// Users returns every user (see egdi.AccountStore).
func (d *DB) Users(ctx context.Context) ([]*egdi.User, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	var out []*egdi.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, d.error(err)
		}
		out = append(out, u)
	}
	return out, d.error(rows.Err())
}

// UpdateUser changes a user (see egdi.AccountStore).
func (d *DB) UpdateUser(ctx context.Context, email string, up egdi.UserUpdate, by egdi.Actor, reason string) (*egdi.User, error) {
	if up.Role != nil {
		if _, err := egdi.ParseRole(string(*up.Role)); err != nil {
			return nil, err
		}
	}
	e, err := egdi.NormalizeEmail(email)
	if err != nil {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No user %s.", email)
	}
	now := d.now()
	var out *egdi.User
	err = d.write(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, `email = ?`, e)
		if err != nil {
			return err
		}
		entries, endSessions := egdi.UserChanges(u, up)
		for _, en := range entries {
			en.At, en.User, en.Reason = parseTimeOrZero(now), string(by), reason
			if err := appendAudit(ctx, tx, en); err != nil {
				return err
			}
		}
		if len(entries) > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ?, password_hash = ?, updated_at = ? WHERE id = ?`,
				string(u.Role), u.Disabled, u.PasswordHash, now, u.ID); err != nil {
				return err
			}
		}
		if endSessions {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		out, err = getUser(ctx, tx, `id = ?`, u.ID)
		return err
	})
	return out, err
}

func parseTimeOrZero(s string) time.Time { t, _ := parseTime(s); return t }

// CreateSession stores a session (see egdi.AccountStore).
func (d *DB) CreateSession(ctx context.Context, s *egdi.Session) error {
	if s.IDHash == "" || s.CSRF == "" {
		return egdi.Errorf(egdi.EINVALID, "A session needs an id and a CSRF token.")
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			s.IDHash, s.UserID, s.CSRF, fmtTime(s.CreatedAt), fmtTime(s.ExpiresAt))
		return err
	})
}

// Session returns a live session and its user (see egdi.AccountStore).
func (d *DB) Session(ctx context.Context, idHash string, now time.Time) (*egdi.Session, *egdi.User, error) {
	var s egdi.Session
	var created, expires string
	err := d.db.QueryRowContext(ctx, `SELECT id_hash, user_id, csrf, created_at, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?`,
		idHash, fmtTime(now)).Scan(&s.IDHash, &s.UserID, &s.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, egdi.Errorf(egdi.ENOTFOUND, "No such session, or it has expired.")
	}
	if err != nil {
		return nil, nil, d.error(err)
	}
	s.CreatedAt, s.ExpiresAt = parseTimeOrZero(created), parseTimeOrZero(expires)
	u, err := getUser(ctx, d.db, `id = ?`, s.UserID)
	if err != nil {
		return nil, nil, d.error(err)
	}
	if u.Disabled {
		return nil, nil, egdi.Errorf(egdi.ENOTFOUND, "No such session, or it has expired.")
	}
	return &s, u, nil
}

// DeleteSession ends a session (see egdi.AccountStore).
func (d *DB) DeleteSession(ctx context.Context, idHash string) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
		return err
	})
}

// DeleteExpiredSessions deletes expired sessions (see egdi.AccountStore).
func (d *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, fmtTime(now))
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return int(n), err
}

// CreateToken stores a token (see egdi.AccountStore).
func (d *DB) CreateToken(ctx context.Context, t *egdi.Token, by egdi.Actor) (*egdi.Token, error) {
	if t.Hash == "" {
		return nil, egdi.Errorf(egdi.EINVALID, "A token needs its hash.")
	}
	now := d.now()
	var out *egdi.Token
	err := d.write(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, `id = ?`, t.UserID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?)`, u.ID, t.Name, t.Hash, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		out = &egdi.Token{ID: id, UserID: u.ID, Name: t.Name, CreatedAt: parseTimeOrZero(now)}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: out.CreatedAt, User: string(by), Scope: egdi.AuditScopeUsers,
			Action: egdi.AuditTokenCreate, Item: u.Email, New: "token " + strconv.FormatInt(id, 10) + " " + t.Name})
	})
	return out, err
}

func scanToken(row interface{ Scan(...any) error }) (*egdi.Token, error) {
	var t egdi.Token
	var created string
	var revoked sql.NullString
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &created, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = parseTimeOrZero(created)
	if revoked.Valid {
		r := parseTimeOrZero(revoked.String)
		t.RevokedAt = &r
	}
	return &t, nil
}

// TokenUser returns a live token's user (see egdi.AccountStore).
func (d *DB) TokenUser(ctx context.Context, hash string) (*egdi.Token, *egdi.User, error) {
	t, err := scanToken(d.db.QueryRowContext(ctx, `SELECT id, user_id, name, hash, created_at, revoked_at FROM tokens
		WHERE hash = ? AND revoked_at IS NULL`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, egdi.Errorf(egdi.ENOTFOUND, "Unknown or revoked token.")
	}
	if err != nil {
		return nil, nil, d.error(err)
	}
	u, err := getUser(ctx, d.db, `id = ?`, t.UserID)
	if err != nil {
		return nil, nil, d.error(err)
	}
	if u.Disabled {
		return nil, nil, egdi.Errorf(egdi.ENOTFOUND, "Unknown or revoked token.")
	}
	return t, u, nil
}

// Tokens returns a user's tokens (see egdi.AccountStore).
func (d *DB) Tokens(ctx context.Context, userID int64) ([]*egdi.Token, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, user_id, name, hash, created_at, revoked_at FROM tokens WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	var out []*egdi.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, d.error(err)
		}
		out = append(out, t)
	}
	return out, d.error(rows.Err())
}

// RevokeToken revokes a token (see egdi.AccountStore).
func (d *DB) RevokeToken(ctx context.Context, id int64, by egdi.Actor, reason string) error {
	now := d.now()
	return d.write(ctx, func(tx *sql.Tx) error {
		t, err := scanToken(tx.QueryRowContext(ctx, `SELECT id, user_id, name, hash, created_at, revoked_at FROM tokens WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return egdi.Errorf(egdi.ENOTFOUND, "No token %d.", id)
		}
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return egdi.Errorf(egdi.ECONFLICT, "Token %d is revoked already.", id)
		}
		u, err := getUser(ctx, tx, `id = ?`, t.UserID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: parseTimeOrZero(now), User: string(by), Scope: egdi.AuditScopeUsers,
			Action: egdi.AuditTokenRevoke, Item: u.Email, Old: "token " + strconv.FormatInt(id, 10) + " " + t.Name, New: "revoked", Reason: reason})
	})
}

// Audit returns audit entries (see egdi.AuditStore).
func (d *DB) Audit(ctx context.Context, scope string) ([]*egdi.AuditEntry, error) {
	q := `SELECT id, at, actor, scope, action, item, old, new, reason FROM audit_log`
	var args []any
	if scope != "" {
		q += ` WHERE scope = ?`
		args = append(args, scope)
	}
	rows, err := d.db.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	out := []*egdi.AuditEntry{}
	for rows.Next() {
		var e egdi.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.User, &e.Scope, &e.Action, &e.Item, &e.Old, &e.New, &e.Reason); err != nil {
			return nil, d.error(err)
		}
		e.At = parseTimeOrZero(at)
		out = append(out, &e)
	}
	return out, d.error(rows.Err())
}
