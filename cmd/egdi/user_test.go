package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// egdiDB runs the program against the database db with stdin as its
// standard input.
func egdiDB(t *testing.T, db, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.WriteString(stdin)
	_ = w.Close()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; _ = r.Close() }()
	env := map[string]string{"EGDI_DB": "sqlite:" + db, "HOME": filepath.Dir(db)}
	var out, errb bytes.Buffer
	err = run(context.Background(), append([]string{"egdi"}, args...), func(k string) string { return env[k] }, &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

// TestUserCommands runs every account command, checks its exit status
// and that each write made exactly one audit entry with the right old and
// new values, and that no password appears in any output, the audit log
// or the database file.
func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "egdi.db")
	const adminPW = "first admin password"
	const newPW = "second password here"
	var generated string
	steps := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		out     string // a substring of stdout
		entries int    // audit entries the step adds
		last    string // the last entry: action item old→new
	}{
		{"AddFirstAdmin", adminPW + "\n", []string{"user", "add", "Admin@Example.org", "--role", "admin", "--password-stdin", "--reason", "setup"}, 0, "Added admin@example.org (admin).", 1, "cli user.create admin@example.org →admin setup"},
		{"AddGenerated", "", []string{"user", "add", "rev@example.org", "--role", "reviewer", "--as", "admin@example.org"}, 0, "shown once", 1, "admin@example.org user.create rev@example.org →reviewer "},
		{"ErrDuplicate", "", []string{"user", "add", "REV@example.org", "--role", "viewer"}, 2, "", 0, ""},
		{"ErrBadRole", "", []string{"user", "add", "x@example.org", "--role", "root"}, 2, "", 0, ""},
		{"ErrBadEmail", "", []string{"user", "add", "not-an-email", "--role", "viewer"}, 2, "", 0, ""},
		{"ErrShortPassword", "short\n", []string{"user", "add", "x@example.org", "--role", "viewer", "--password-stdin"}, 2, "", 0, ""},
		{"ErrEmptyStdin", "", []string{"user", "add", "x@example.org", "--role", "viewer", "--password-stdin"}, 2, "", 0, ""},
		{"ErrNotAdmin", "", []string{"user", "add", "x@example.org", "--role", "viewer", "--as", "rev@example.org"}, 2, "", 0, ""},
		{"ErrUnknownAs", "", []string{"user", "role", "rev@example.org", "admin", "--as", "ghost@example.org"}, 2, "", 0, ""},
		{"Role", "", []string{"user", "role", "rev@example.org", "coordinator", "--as", "admin@example.org", "--reason", "lead"}, 0, "now coordinator", 1, "admin@example.org user.role rev@example.org reviewer→coordinator lead"},
		{"RoleUnchanged", "", []string{"user", "role", "rev@example.org", "coordinator"}, 0, "", 0, ""},
		{"Passwd", newPW + "\n", []string{"user", "passwd", "rev@example.org", "--password-stdin"}, 0, "changed", 1, "cli user.password rev@example.org set→changed "},
		{"TokenCreate", "", []string{"token", "create", "rev@example.org", "--name", "ci"}, 0, "egdi_", 1, "cli token.create rev@example.org →token 1 ci "},
		{"TokenRevoke", "", []string{"token", "revoke", "1", "--reason", "lost"}, 0, "revoked", 1, "cli token.revoke rev@example.org token 1 ci→revoked lost"},
		{"ErrTokenRevokeAgain", "", []string{"token", "revoke", "1"}, 2, "", 0, ""},
		{"ErrTokenBadID", "", []string{"token", "revoke", "one"}, 2, "", 0, ""},
		{"ErrDisableSelf", "", []string{"user", "disable", "admin@example.org", "--as", "admin@example.org"}, 2, "", 0, ""},
		{"Disable", "", []string{"user", "disable", "rev@example.org"}, 0, "disabled", 1, "cli user.disable rev@example.org enabled→disabled "},
		{"Enable", "", []string{"user", "enable", "rev@example.org"}, 0, "enabled", 1, "cli user.enable rev@example.org disabled→enabled "},
		{"ErrDisableUnknown", "", []string{"user", "disable", "ghost@example.org"}, 2, "", 0, ""},
	}
	var all strings.Builder
	before := 0
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out, errs, code := egdiDB(t, db, st.stdin, st.args...)
			all.WriteString(out + errs)
			if code != st.code || !strings.Contains(out, st.out) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errs, st.code, st.out)
			}
			if st.name == "AddGenerated" {
				generated = strings.TrimSpace(out[strings.LastIndex(out, ":")+1:])
			}
			es := auditEntries(t, db)
			if len(es) != before+st.entries {
				t.Fatalf("%d audit entries added, want %d", len(es)-before, st.entries)
			}
			before = len(es)
			if st.entries > 0 {
				e := es[len(es)-1]
				if got := e.User + " " + e.Action + " " + e.Item + " " + e.Old + "→" + e.New + " " + e.Reason; got != st.last {
					t.Errorf("entry %q, want %q", got, st.last)
				}
			}
		})
	}
	out, _, _ := egdiDB(t, db, "", "user", "list", "--format", "json")
	all.WriteString(out)
	var ul struct{ Users []map[string]any }
	if err := json.Unmarshal([]byte(out), &ul); err != nil || len(ul.Users) != 2 {
		t.Fatalf("user list json: %v %q", err, out)
	}
	for _, u := range ul.Users {
		if _, ok := u["password_hash"]; ok {
			t.Errorf("user list shows a password hash: %v", u)
		}
	}
	out, _, _ = egdiDB(t, db, "", "audit", "--format", "csv")
	all.WriteString(out)
	raw, _ := os.ReadFile(db)
	wal, _ := os.ReadFile(db + "-wal")
	for _, pw := range []string{adminPW, newPW, generated} {
		if len(pw) < 10 {
			t.Fatalf("password %q not captured", pw)
		}
		if strings.Contains(all.String(), pw) && pw != generated {
			t.Errorf("password %q appears in the output", pw)
		}
		if bytes.Contains(raw, []byte(pw)) || bytes.Contains(wal, []byte(pw)) {
			t.Errorf("password %q is stored in clear", pw)
		}
	}
	if strings.Count(all.String(), generated) != 1 {
		t.Errorf("the generated password is printed %d times, want once", strings.Count(all.String(), generated))
	}
}

type auditEntry struct{ User, Action, Item, Old, New, Reason string }

func auditEntries(t *testing.T, db string) []auditEntry {
	t.Helper()
	out, errs, code := egdiDB(t, db, "", "audit", "--format", "json")
	if code != 0 {
		t.Fatalf("audit: %s", errs)
	}
	var v struct{ Entries []auditEntry }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v.Entries
}
