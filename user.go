package egdi

import (
	"context"
	"strings"
	"time"
)

// EUNAUTHORIZED is the error code of a request that names no user or
// names one badly: no session, an expired session, a wrong password, a
// revoked token. The server answers it 401; a signed-in user without the
// right gets EFORBIDDEN (403) or, for an assessment they are not a member
// of, ENOTFOUND (404, so that nothing hints that it exists).
const EUNAUTHORIZED = "unauthorized"

// Role is what a user may do across the server. Roles are ordered:
// admin > coordinator > reviewer > viewer, but [Can] is the only place
// that decides what a role allows.
type Role string

// The roles.
const (
	RoleAdmin       Role = "admin"       // manages users and tokens; everything a coordinator does
	RoleCoordinator Role = "coordinator" // creates assessments, assigns reviewers, reconciles
	RoleReviewer    Role = "reviewer"    // answers the assessments they are assigned to
	RoleViewer      Role = "viewer"      // reads the assessments they are members of, never writes
)

// Roles lists the roles, strongest first.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleReviewer, RoleViewer}

// ParseRole returns the role named s. Errors: EINVALID naming the roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "Unknown role %q: choose admin, coordinator, reviewer or viewer.", s)
}

// User is an account. PasswordHash is an encoded argon2id hash (see
// internal/auth) or "" for an account that signs in only with tokens; it
// is never serialised.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Role         Role      `json:"role"`
	Disabled     bool      `json:"disabled"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Password rules: long enough to resist guessing at the login throttle's
// rate, short enough that hashing a hostile input costs nothing extra.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// CheckPassword says whether a new password is acceptable. The message
// never repeats the password. Errors: EINVALID.
func CheckPassword(pw string) error {
	n := len([]rune(pw))
	switch {
	case n < MinPasswordLen:
		return Errorf(EINVALID, "The password is too short: at least %d characters.", MinPasswordLen)
	case n > MaxPasswordLen:
		return Errorf(EINVALID, "The password is too long: at most %d characters.", MaxPasswordLen)
	case strings.TrimSpace(pw) != pw:
		return Errorf(EINVALID, "The password begins or ends with a space or a line break: remove it.")
	}
	return nil
}

// NormalizeEmail returns an e-mail address in the form accounts are kept
// in: trimmed, lower case. It accepts the plain addr-spec of RFC 5322
// (no display name, no quoted local part, no comments): a local part of
// 1–64 characters from RFC 5322's atext and dots (no leading, trailing or
// double dot), "@", and a domain of dot-separated labels of letters,
// digits and hyphens (1–63 each, no hyphen at either end); 254 characters
// at most (RFC 5321). Errors: EINVALID.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	bad := Errorf(EINVALID, "Bad e-mail address %q: write it as name@example.org.", trunc(s, 80))
	local, domain, ok := strings.Cut(s, "@")
	if !ok || len(s) > 254 || len(local) == 0 || len(local) > 64 || domain == "" {
		return "", bad
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", bad
	}
	for _, c := range []byte(local) {
		if !isAlnum(c) && !strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", rune(c)) {
			return "", bad
		}
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", bad
		}
		for _, c := range []byte(label) {
			if !isAlnum(c) && c != '-' {
				return "", bad
			}
		}
	}
	return strings.ToLower(s), nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func trunc(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Session is a signed-in browser. The store keeps only IDHash, the
// SHA-256 of the cookie's value, so that a copy of the database opens no
// session. CSRF is the token every form and state-changing request of the
// session must carry.
type Session struct {
	IDHash    string
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is a personal API token (Authorization: Bearer …). Like a
// session, only its SHA-256 is kept; the token itself is shown once.
type Token struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Name      string     `json:"name"`
	Hash      string     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// UserUpdate changes an account; nil fields are left alone. Reason is
// written to the audit log with each change.
type UserUpdate struct {
	Role         *Role
	Disabled     *bool
	PasswordHash *string
}

// Actor is who makes a change, as the audit log records it: a user's
// e-mail, or "cli" for someone using the command line on the store
// without --as (they hold the database itself).
type Actor string

// ActorCLI is the actor of command-line changes made without --as.
const ActorCLI Actor = "cli"

// TeamStore is what a multi-user server keeps: accounts and the audit
// log (part of [Store]).
type TeamStore interface {
	AccountStore
	AuditStore
	TeamworkStore // teamwork.go
}

// AccountStore keeps users, their sessions and tokens. Every change of a
// user (creation, role, password, disabling) appends one audit entry in
// the same transaction; passwords appear in no entry (the entry says
// "password changed").
type AccountStore interface {
	// CreateUser stores a new user and returns it with its id and times.
	// Errors: EINVALID for a bad e-mail or role; ECONFLICT when the
	// e-mail is taken.
	CreateUser(ctx context.Context, u *User, by Actor, reason string) (*User, error)
	// User returns a user by e-mail. Errors: ENOTFOUND.
	User(ctx context.Context, email string) (*User, error)
	// UserByID returns a user by id. Errors: ENOTFOUND.
	UserByID(ctx context.Context, id int64) (*User, error)
	// Users returns every user by e-mail.
	Users(ctx context.Context) ([]*User, error)
	// UpdateUser applies u. Disabling a user, or changing their password,
	// ends their sessions. Errors: ENOTFOUND; EINVALID for a bad role.
	UpdateUser(ctx context.Context, email string, u UserUpdate, by Actor, reason string) (*User, error)

	// CreateSession stores a session. Errors: EINVALID for an empty hash.
	CreateSession(ctx context.Context, s *Session) error
	// Session returns a live session and its user. Errors: ENOTFOUND for
	// an unknown or expired session, or one whose user is disabled.
	Session(ctx context.Context, idHash string, now time.Time) (*Session, *User, error)
	// DeleteSession ends a session (logout); unknown ids are not an error.
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteExpiredSessions deletes sessions expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	// CreateToken stores a token of a user (t.UserID, t.Hash, t.Name) and
	// returns it with its id; audited. Errors: ENOTFOUND for the user.
	CreateToken(ctx context.Context, t *Token, by Actor) (*Token, error)
	// TokenUser returns the user of a live token. Errors: ENOTFOUND for
	// an unknown or revoked token or a disabled user.
	TokenUser(ctx context.Context, hash string) (*Token, *User, error)
	// Tokens returns a user's tokens, revoked ones too, oldest first.
	Tokens(ctx context.Context, userID int64) ([]*Token, error)
	// RevokeToken revokes a token by id; audited. Errors: ENOTFOUND;
	// ECONFLICT when it is revoked already.
	RevokeToken(ctx context.Context, id int64, by Actor, reason string) error
}

// UserChanges applies an update to u in place and returns the audit
// entries it makes, one per field that changes (without time, actor and
// reason, which the store adds), and whether the user's sessions must
// end (disabled, or a new password). Both stores use it, so they audit
// alike.
func UserChanges(u *User, up UserUpdate) (entries []AuditEntry, endSessions bool) {
	add := func(action, old, new string) {
		entries = append(entries, AuditEntry{Scope: AuditScopeUsers, Action: action, Item: u.Email, Old: old, New: new})
	}
	if up.Role != nil && *up.Role != u.Role {
		add(AuditUserRole, string(u.Role), string(*up.Role))
		u.Role = *up.Role
	}
	if up.Disabled != nil && *up.Disabled != u.Disabled {
		if *up.Disabled {
			add(AuditUserDisable, "enabled", "disabled")
		} else {
			add(AuditUserEnable, "disabled", "enabled")
		}
		u.Disabled = *up.Disabled
		endSessions = endSessions || u.Disabled
	}
	if up.PasswordHash != nil {
		// The entry says that the password changed, never what it is.
		old := "set"
		if u.PasswordHash == "" {
			old = "none"
		}
		add(AuditUserPassword, old, "changed")
		u.PasswordHash = *up.PasswordHash
		endSessions = true
	}
	return entries, endSessions
}
