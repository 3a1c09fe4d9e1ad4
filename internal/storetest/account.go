package storetest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
)

// The conformance tests of egdi.AccountStore and egdi.AuditStore.

// accountTests are run by Run.
var accountTests = []struct {
	name string
	fn   func(t *testing.T, s egdi.Store)
}{
	{"Users", testUsers},
	{"UserErrors", testUserErrors},
	{"UserChangesAudited", testUserChangesAudited},
	{"Sessions", testSessions},
	{"Tokens", testTokens},
	{"UsersConcurrentCreate", testUsersConcurrentCreate},
}

func mustUser(t *testing.T, s egdi.Store, email string, role egdi.Role) *egdi.User {
	t.Helper()
	u, err := s.CreateUser(t.Context(), &egdi.User{Email: email, Role: role, PasswordHash: "$argon2id$fake"}, egdi.ActorCLI, "")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func testUsers(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	if us, err := s.Users(ctx); err != nil || len(us) != 0 {
		t.Fatalf("new store: Users = %v, %v; want none", us, err)
	}
	a := mustUser(t, s, "Admin@Example.org", egdi.RoleAdmin)
	if a.ID == 0 || a.Email != "admin@example.org" || a.Role != egdi.RoleAdmin || a.Disabled || a.CreatedAt.IsZero() {
		t.Errorf("created %+v", a)
	}
	r := mustUser(t, s, "rev@example.org", egdi.RoleReviewer)
	got, err := s.User(ctx, "ADMIN@example.org")
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Errorf("User = %+v, %v; want %+v", got, err, a)
	}
	got, err = s.UserByID(ctx, r.ID)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("UserByID = %+v, %v; want %+v", got, err, r)
	}
	us, err := s.Users(ctx)
	if err != nil || len(us) != 2 || us[0].Email != "admin@example.org" || us[1].Email != "rev@example.org" {
		t.Errorf("Users = %v, %v", us, err)
	}
	wantCode(t, func() error { _, err := s.User(ctx, "nobody@example.org"); return err }(), egdi.ENOTFOUND)
	wantCode(t, func() error { _, err := s.UserByID(ctx, 9999); return err }(), egdi.ENOTFOUND)
}

func testUserErrors(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	mustUser(t, s, "a@example.org", egdi.RoleViewer)
	for _, tc := range []struct {
		name string
		u    egdi.User
		want string
	}{
		{"ErrEmailTaken", egdi.User{Email: "A@example.org", Role: egdi.RoleAdmin}, egdi.ECONFLICT},
		{"ErrBadEmail", egdi.User{Email: "not an address", Role: egdi.RoleAdmin}, egdi.EINVALID},
		{"ErrEmptyEmail", egdi.User{Role: egdi.RoleAdmin}, egdi.EINVALID},
		{"ErrBadRole", egdi.User{Email: "b@example.org", Role: "root"}, egdi.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateUser(ctx, &tc.u, egdi.ActorCLI, "")
			wantCode(t, err, tc.want)
		})
	}
	bad := egdi.Role("root")
	_, err := s.UpdateUser(ctx, "a@example.org", egdi.UserUpdate{Role: &bad}, egdi.ActorCLI, "")
	wantCode(t, err, egdi.EINVALID)
	admin := egdi.RoleAdmin
	_, err = s.UpdateUser(ctx, "nobody@example.org", egdi.UserUpdate{Role: &admin}, egdi.ActorCLI, "")
	wantCode(t, err, egdi.ENOTFOUND)
	// Only the first creation was audited; failed writes leave no entry.
	es, err := s.Audit(ctx, egdi.AuditScopeUsers)
	if err != nil || len(es) != 1 {
		t.Errorf("audit after failed writes: %d entries (%v), want 1", len(es), err)
	}
	if us, _ := s.Users(ctx); len(us) != 1 || us[0].Role != egdi.RoleViewer {
		t.Errorf("users after failed writes: %v", us)
	}
}

// testUserChangesAudited makes every kind of account change and checks
// that each made exactly one entry with the right old and new values, and
// no entry holds a password hash.
func testUserChangesAudited(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	mustUser(t, s, "admin@example.org", egdi.RoleAdmin)
	mustUser(t, s, "u@example.org", egdi.RoleReviewer)
	by := egdi.Actor("admin@example.org")
	coord, yes, no, pw := egdi.RoleCoordinator, true, false, "$argon2id$new-hash"
	steps := []struct {
		up   egdi.UserUpdate
		want egdi.AuditEntry
	}{
		{egdi.UserUpdate{Role: &coord}, egdi.AuditEntry{Action: egdi.AuditUserRole, Old: "reviewer", New: "coordinator"}},
		{egdi.UserUpdate{Disabled: &yes}, egdi.AuditEntry{Action: egdi.AuditUserDisable, Old: "enabled", New: "disabled"}},
		{egdi.UserUpdate{Disabled: &no}, egdi.AuditEntry{Action: egdi.AuditUserEnable, Old: "disabled", New: "enabled"}},
		{egdi.UserUpdate{PasswordHash: &pw}, egdi.AuditEntry{Action: egdi.AuditUserPassword, Old: "set", New: "changed"}},
		{egdi.UserUpdate{Role: &coord}, egdi.AuditEntry{}}, // no change: no entry
	}
	for i, st := range steps {
		before, _ := s.Audit(ctx, "")
		reason := fmt.Sprintf("step %d", i)
		if _, err := s.UpdateUser(ctx, "u@example.org", st.up, by, reason); err != nil {
			t.Fatal(err)
		}
		after, _ := s.Audit(ctx, "")
		if st.want.Action == "" {
			if len(after) != len(before) {
				t.Errorf("step %d: an update that changes nothing made %d entries", i, len(after)-len(before))
			}
			continue
		}
		if len(after) != len(before)+1 {
			t.Fatalf("step %d: %d entries, want exactly 1", i, len(after)-len(before))
		}
		e := after[len(after)-1]
		if e.Action != st.want.Action || e.Old != st.want.Old || e.New != st.want.New || e.Item != "u@example.org" ||
			e.User != string(by) || e.Reason != reason || e.Scope != egdi.AuditScopeUsers || e.At.IsZero() {
			t.Errorf("step %d: entry %+v, want %+v", i, e, st.want)
		}
	}
	u, _ := s.User(ctx, "u@example.org")
	if u.Role != egdi.RoleCoordinator || u.Disabled || u.PasswordHash != pw {
		t.Errorf("user after the steps: %+v", u)
	}
	es, _ := s.Audit(ctx, "")
	for _, e := range es {
		for _, v := range []string{e.Old, e.New, e.Reason, e.Item} {
			if v == pw || v == "$argon2id$fake" {
				t.Errorf("entry %+v holds a password hash", e)
			}
		}
	}
	if other, _ := s.Audit(ctx, "some assessment"); len(other) != 0 {
		t.Errorf("another scope has %d entries", len(other))
	}
}

func testSessions(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	u := mustUser(t, s, "u@example.org", egdi.RoleViewer)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sess := &egdi.Session{IDHash: "h1", UserID: u.ID, CSRF: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CreateSession(ctx, &egdi.Session{UserID: u.ID, CSRF: "c"}), egdi.EINVALID)
	got, gu, err := s.Session(ctx, "h1", now.Add(time.Minute))
	if err != nil || got.CSRF != "c1" || gu.ID != u.ID || !got.ExpiresAt.Equal(sess.ExpiresAt) {
		t.Fatalf("Session = %+v, %+v, %v", got, gu, err)
	}
	_, _, err = s.Session(ctx, "h1", now.Add(time.Hour))
	wantCode(t, err, egdi.ENOTFOUND) // expired
	_, _, err = s.Session(ctx, "other", now)
	wantCode(t, err, egdi.ENOTFOUND)

	// Disabling the user ends the session; so does a new password.
	yes, no := true, false
	if _, err := s.UpdateUser(ctx, u.Email, egdi.UserUpdate{Disabled: &yes}, egdi.ActorCLI, ""); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Session(ctx, "h1", now)
	wantCode(t, err, egdi.ENOTFOUND)
	_, _ = s.UpdateUser(ctx, u.Email, egdi.UserUpdate{Disabled: &no}, egdi.ActorCLI, "")
	_ = s.CreateSession(ctx, &egdi.Session{IDHash: "h2", UserID: u.ID, CSRF: "c2", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	pw := "$argon2id$other"
	_, _ = s.UpdateUser(ctx, u.Email, egdi.UserUpdate{PasswordHash: &pw}, egdi.ActorCLI, "")
	_, _, err = s.Session(ctx, "h2", now)
	wantCode(t, err, egdi.ENOTFOUND)

	// Logout and expiry.
	_ = s.CreateSession(ctx, &egdi.Session{IDHash: "h3", UserID: u.ID, CSRF: "c3", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	_ = s.CreateSession(ctx, &egdi.Session{IDHash: "h4", UserID: u.ID, CSRF: "c4", CreatedAt: now, ExpiresAt: now.Add(time.Minute)})
	if err := s.DeleteSession(ctx, "h3"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Session(ctx, "h3", now)
	wantCode(t, err, egdi.ENOTFOUND)
	if err := s.DeleteSession(ctx, "never"); err != nil {
		t.Errorf("DeleteSession of an unknown id: %v", err)
	}
	n, err := s.DeleteExpiredSessions(ctx, now.Add(2*time.Minute))
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
}

func testTokens(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	u := mustUser(t, s, "u@example.org", egdi.RoleReviewer)
	tk, err := s.CreateToken(ctx, &egdi.Token{UserID: u.ID, Name: "ci", Hash: "th1"}, egdi.ActorCLI)
	if err != nil || tk.ID == 0 || tk.Name != "ci" {
		t.Fatalf("CreateToken = %+v, %v", tk, err)
	}
	_, err = s.CreateToken(ctx, &egdi.Token{UserID: 9999, Name: "x", Hash: "th2"}, egdi.ActorCLI)
	wantCode(t, err, egdi.ENOTFOUND)
	_, err = s.CreateToken(ctx, &egdi.Token{UserID: u.ID, Name: "x"}, egdi.ActorCLI)
	wantCode(t, err, egdi.EINVALID)
	got, gu, err := s.TokenUser(ctx, "th1")
	if err != nil || got.ID != tk.ID || gu.Email != u.Email {
		t.Fatalf("TokenUser = %+v, %+v, %v", got, gu, err)
	}
	_, _, err = s.TokenUser(ctx, "th-unknown")
	wantCode(t, err, egdi.ENOTFOUND)
	if err := s.RevokeToken(ctx, tk.ID, egdi.ActorCLI, "lost laptop"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.TokenUser(ctx, "th1")
	wantCode(t, err, egdi.ENOTFOUND)
	wantCode(t, s.RevokeToken(ctx, tk.ID, egdi.ActorCLI, ""), egdi.ECONFLICT)
	wantCode(t, s.RevokeToken(ctx, 9999, egdi.ActorCLI, ""), egdi.ENOTFOUND)
	ts, err := s.Tokens(ctx, u.ID)
	if err != nil || len(ts) != 1 || ts[0].RevokedAt == nil {
		t.Errorf("Tokens = %v, %v", ts, err)
	}
	// A disabled user's tokens stop working.
	t2, _ := s.CreateToken(ctx, &egdi.Token{UserID: u.ID, Name: "two", Hash: "th3"}, egdi.ActorCLI)
	yes := true
	_, _ = s.UpdateUser(ctx, u.Email, egdi.UserUpdate{Disabled: &yes}, egdi.ActorCLI, "")
	_, _, err = s.TokenUser(ctx, "th3")
	wantCode(t, err, egdi.ENOTFOUND)
	es, _ := s.Audit(ctx, egdi.AuditScopeUsers)
	var acts []string
	for _, e := range es {
		acts = append(acts, e.Action+" "+e.Old+" → "+e.New)
	}
	want := []string{
		"user.create  → reviewer",
		fmt.Sprintf("token.create  → token %d ci", tk.ID),
		fmt.Sprintf("token.revoke token %d ci → revoked", tk.ID),
		fmt.Sprintf("token.create  → token %d two", t2.ID),
		"user.disable enabled → disabled",
	}
	if !reflect.DeepEqual(acts, want) {
		t.Errorf("audit:\n%q\nwant\n%q", acts, want)
	}
}

// testUsersConcurrentCreate creates one e-mail from 8 goroutines: exactly
// one succeeds, the others get ECONFLICT, and one entry is audited.
func testUsersConcurrentCreate(t *testing.T, s egdi.Store) {
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = s.CreateUser(t.Context(), &egdi.User{Email: "same@example.org", Role: egdi.RoleViewer}, egdi.ActorCLI, "")
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch code(err) {
		case "":
			ok++
		case egdi.ECONFLICT, egdi.EBUSY:
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	es, _ := s.Audit(t.Context(), egdi.AuditScopeUsers)
	if ok != 1 || len(es) != 1 {
		t.Errorf("%d creations succeeded and %d were audited, want 1 and 1", ok, len(es))
	}
}
