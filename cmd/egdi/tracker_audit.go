package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
)

// Who a tracker write from the command line is by, and its audit entry.
// When the store has accounts (any user), every write of egdi strategy,
// egdi cooperation and egdi sample needs --as EMAIL, an enabled
// coordinator or admin (egdi.ActionEditTracker), as egdi serve needs a
// signed-in editor; without accounts the writer is "cli". Each write
// appends one audit entry (scope tracker) in its own transaction.

// addAsFlag adds --as to a tracker command and its subcommands.
func addAsFlag(c *cobra.Command, as *string) {
	c.PersistentFlags().StringVar(as, "as", "", "the user you act as: required, a coordinator or admin, when the store has accounts")
}

// trackerActor checks --as for a tracker write and returns the actor.
// Errors: EUNAUTHORIZED (--as missing with accounts, or no such enabled
// user), EFORBIDDEN (a role that may not edit the tracker).
func trackerActor(ctx context.Context, st egdi.Store, as string) (string, error) {
	if as == "" {
		us, err := st.Users(ctx)
		if err != nil {
			return "", err
		}
		if len(us) > 0 {
			return "", egdi.Errorf(egdi.EUNAUTHORIZED, "This store has accounts: say who makes this change with --as EMAIL (a coordinator or admin).")
		}
		return string(egdi.ActorCLI), nil
	}
	u, err := st.User(ctx, as)
	if err != nil || u.Disabled {
		return "", egdi.Errorf(egdi.EUNAUTHORIZED, "--as %s: no such enabled user.", as)
	}
	if !egdi.Can(u, egdi.ActionEditTracker) {
		return "", egdi.Errorf(egdi.EFORBIDDEN, "--as %s: a %s cannot change strategies or cooperation records (a coordinator or admin can).", u.Email, u.Role)
	}
	return u.Email, nil
}

// trackerEntry is an audit entry of a tracker write; old and new are
// encoded as JSON (nil: "").
func trackerEntry(who, action, item string, old, new any) egdi.AuditEntry {
	return egdi.AuditEntry{User: who, Action: action, Item: item, Old: jsonText(old), New: jsonText(new)}
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// importSummary is the New of an import's audit entry: the file and the
// names or keys it stored.
func importSummary(file string, strategies []*egdi.Strategy, records []*egdi.Cooperation) map[string]any {
	m := map[string]any{"file": filepath.Base(file)}
	if strategies != nil {
		names := []string{}
		for _, s := range strategies {
			names = append(names, s.Name)
		}
		m["strategies"] = names
	}
	if records != nil {
		keys := []string{}
		for _, r := range records {
			keys = append(keys, fmt.Sprintf("%s %s %s", r.Kind, r.Date, r.Title))
		}
		m["records"] = keys
	}
	return m
}
