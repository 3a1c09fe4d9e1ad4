package egdi

import (
	"context"
	"time"
)

// AuditEntry is one line of the audit log: who did what, when, to which
// item, the value before and after, and why. The log is append-only: the
// stores expose no way to change or delete an entry, and each write that
// is audited appends its entry in the same transaction as the change, so
// that a change without its entry (or an entry without its change) cannot
// be stored.
//
// Scope says what the entry is about: "users" for accounts and tokens, or
// an assessment's name. Item names the thing inside the scope (a user's
// e-mail, a token's id, a questionnaire item). Old and New are the values
// as text ("" when there is none); a password is never one of them.
type AuditEntry struct {
	ID     int64     `json:"-"`
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Scope  string    `json:"-"`
	Action string    `json:"action"`
	Item   string    `json:"item"`
	Old    string    `json:"old"`
	New    string    `json:"new"`
	Reason string    `json:"reason"`
}

// AuditScopeUsers is the scope of account changes.
const AuditScopeUsers = "users"

// Audit actions on accounts.
const (
	AuditUserCreate   = "user.create"
	AuditUserRole     = "user.role"
	AuditUserDisable  = "user.disable"
	AuditUserEnable   = "user.enable"
	AuditUserPassword = "user.password"
	AuditTokenCreate  = "token.create"
	AuditTokenRevoke  = "token.revoke"
)

// AuditStore reads the audit log. It has no method to write it (entries
// are appended by the writes they record) and none to change it.
type AuditStore interface {
	// Audit returns the entries of a scope ("" for all), oldest first.
	Audit(ctx context.Context, scope string) ([]*AuditEntry, error)
}
