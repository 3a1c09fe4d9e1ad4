package postgres_test

import (
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
)

// TestAuditAppendOnly: even a client with SQL access cannot change,
// delete or truncate an audit entry (the migration's triggers).
func TestAuditAppendOnly(t *testing.T) {
	serverURL(t)
	db := mustOpen(t, config(t, schemaURL(t)))
	if _, err := db.CreateUser(t.Context(), &egdi.User{Email: "a@example.org", Role: egdi.RoleAdmin}, egdi.ActorCLI, "first admin"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, sql string }{
		{"Update", `UPDATE audit_log SET new = 'viewer'`},
		{"Delete", `DELETE FROM audit_log`},
		{"Truncate", `TRUNCATE audit_log`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.Pool().Exec(t.Context(), tc.sql)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", tc.sql, err)
			}
		})
	}
	es, _ := db.Audit(t.Context(), "")
	if len(es) != 1 || es[0].New != "admin" || es[0].Reason != "first admin" {
		t.Errorf("audit log changed: %+v", es)
	}
}
