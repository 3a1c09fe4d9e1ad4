package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi"
)

// This file implements egdi.AccountStore and egdi.AuditStore (migration
// 00050). Every audited change appends its entry in its own transaction.
// Sessions live in the database, so every server process on it shares
// them.

const userColumns = `id, email, role, disabled, password_hash, created_at, updated_at`

type rowQuerier interface {
	QueryRow(ctx context.Context, q string, args ...any) pgx.Row
}

func scanUser(row pgx.Row) (*egdi.User, error) {
	var u egdi.User
	var role string
	if err := row.Scan(&u.ID, &u.Email, &role, &u.Disabled, &u.PasswordHash, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.Role = egdi.Role(role)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

func getUser(ctx context.Context, q rowQuerier, where string, arg any) (*egdi.User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No user %v.", arg)
	}
	return u, err
}

func appendAudit(ctx context.Context, tx pgx.Tx, e egdi.AuditEntry) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor, scope, action, item, old, new, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, egdi.StoreTime(e.At), e.User, e.Scope, e.Action, e.Item, e.Old, e.New, e.Reason)
	return err
}

func (d *DB) now() time.Time { return egdi.StoreTime(d.cfg.Now()) }

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
	err = d.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO users (email, role, disabled, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (email) DO NOTHING`, email, string(u.Role), u.Disabled, u.PasswordHash, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return egdi.Errorf(egdi.ECONFLICT, "A user %s exists already.", email)
		}
		if out, err = getUser(ctx, tx, `email = $1`, email); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: string(by), Scope: egdi.AuditScopeUsers,
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
	u, err := getUser(ctx, d.pool, `email = $1`, e)
	return u, d.error(err)
}

// UserByID returns a user by id (see egdi.AccountStore).
func (d *DB) UserByID(ctx context.Context, id int64) (*egdi.User, error) {
	u, err := getUser(ctx, d.pool, `id = $1`, id)
	return u, d.error(err)
}

// Users returns every user (see egdi.AccountStore).
func (d *DB) Users(ctx context.Context) ([]*egdi.User, error) {
	rows, err := d.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
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
	err = d.write(ctx, func(tx pgx.Tx) error {
		u, err := getUser(ctx, tx, `email = $1 FOR UPDATE`, e)
		if err != nil {
			return err
		}
		entries, endSessions := egdi.UserChanges(u, up)
		for _, en := range entries {
			en.At, en.User, en.Reason = now, string(by), reason
			if err := appendAudit(ctx, tx, en); err != nil {
				return err
			}
		}
		if len(entries) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE users SET role = $1, disabled = $2, password_hash = $3, updated_at = $4 WHERE id = $5`,
				string(u.Role), u.Disabled, u.PasswordHash, now, u.ID); err != nil {
				return err
			}
		}
		if endSessions {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return err
			}
		}
		out, err = getUser(ctx, tx, `id = $1`, u.ID)
		return err
	})
	return out, err
}

// CreateSession stores a session (see egdi.AccountStore).
func (d *DB) CreateSession(ctx context.Context, s *egdi.Session) error {
	if s.IDHash == "" || s.CSRF == "" {
		return egdi.Errorf(egdi.EINVALID, "A session needs an id and a CSRF token.")
	}
	return d.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			s.IDHash, s.UserID, s.CSRF, egdi.StoreTime(s.CreatedAt), egdi.StoreTime(s.ExpiresAt))
		return err
	})
}

// Session returns a live session and its user (see egdi.AccountStore).
func (d *DB) Session(ctx context.Context, idHash string, now time.Time) (*egdi.Session, *egdi.User, error) {
	var s egdi.Session
	err := d.pool.QueryRow(ctx, `SELECT id_hash, user_id, csrf, created_at, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2`,
		idHash, egdi.StoreTime(now)).Scan(&s.IDHash, &s.UserID, &s.CSRF, &s.CreatedAt, &s.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, egdi.Errorf(egdi.ENOTFOUND, "No such session, or it has expired.")
	}
	if err != nil {
		return nil, nil, d.error(err)
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	u, err := getUser(ctx, d.pool, `id = $1`, s.UserID)
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
	_, err := d.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return d.error(err)
}

// DeleteExpiredSessions deletes expired sessions (see egdi.AccountStore).
func (d *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	tag, err := d.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, egdi.StoreTime(now))
	if err != nil {
		return 0, d.error(err)
	}
	return int(tag.RowsAffected()), nil
}

// CreateToken stores a token (see egdi.AccountStore).
func (d *DB) CreateToken(ctx context.Context, t *egdi.Token, by egdi.Actor) (*egdi.Token, error) {
	if t.Hash == "" {
		return nil, egdi.Errorf(egdi.EINVALID, "A token needs its hash.")
	}
	now := d.now()
	var out *egdi.Token
	err := d.write(ctx, func(tx pgx.Tx) error {
		u, err := getUser(ctx, tx, `id = $1`, t.UserID)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO tokens (user_id, name, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			u.ID, t.Name, t.Hash, now).Scan(&id); err != nil {
			return err
		}
		out = &egdi.Token{ID: id, UserID: u.ID, Name: t.Name, CreatedAt: now}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: string(by), Scope: egdi.AuditScopeUsers,
			Action: egdi.AuditTokenCreate, Item: u.Email, New: "token " + strconv.FormatInt(id, 10) + " " + t.Name})
	})
	return out, err
}

func scanToken(row pgx.Row) (*egdi.Token, error) {
	var t egdi.Token
	var revoked *time.Time
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &t.CreatedAt, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if revoked != nil {
		r := revoked.UTC()
		t.RevokedAt = &r
	}
	return &t, nil
}

// TokenUser returns a live token's user (see egdi.AccountStore).
func (d *DB) TokenUser(ctx context.Context, hash string) (*egdi.Token, *egdi.User, error) {
	t, err := scanToken(d.pool.QueryRow(ctx, `SELECT id, user_id, name, hash, created_at, revoked_at FROM tokens
		WHERE hash = $1 AND revoked_at IS NULL`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, egdi.Errorf(egdi.ENOTFOUND, "Unknown or revoked token.")
	}
	if err != nil {
		return nil, nil, d.error(err)
	}
	u, err := getUser(ctx, d.pool, `id = $1`, t.UserID)
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
	rows, err := d.pool.Query(ctx, `SELECT id, user_id, name, hash, created_at, revoked_at FROM tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
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
	return d.write(ctx, func(tx pgx.Tx) error {
		t, err := scanToken(tx.QueryRow(ctx, `SELECT id, user_id, name, hash, created_at, revoked_at FROM tokens WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return egdi.Errorf(egdi.ENOTFOUND, "No token %d.", id)
		}
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return egdi.Errorf(egdi.ECONFLICT, "Token %d is revoked already.", id)
		}
		u, err := getUser(ctx, tx, `id = $1`, t.UserID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2`, now, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, egdi.AuditEntry{At: now, User: string(by), Scope: egdi.AuditScopeUsers,
			Action: egdi.AuditTokenRevoke, Item: u.Email, Old: "token " + strconv.FormatInt(id, 10) + " " + t.Name, New: "revoked", Reason: reason})
	})
}

// Audit returns audit entries (see egdi.AuditStore).
func (d *DB) Audit(ctx context.Context, scope string) ([]*egdi.AuditEntry, error) {
	q := `SELECT id, at, actor, scope, action, item, old, new, reason FROM audit_log`
	var args []any
	if scope != "" {
		q += ` WHERE scope = $1`
		args = append(args, scope)
	}
	rows, err := d.pool.Query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
	out := []*egdi.AuditEntry{}
	for rows.Next() {
		var e egdi.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.User, &e.Scope, &e.Action, &e.Item, &e.Old, &e.New, &e.Reason); err != nil {
			return nil, d.error(err)
		}
		e.At = e.At.UTC()
		out = append(out, &e)
	}
	return out, d.error(rows.Err())
}
