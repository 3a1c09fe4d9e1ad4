package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/auth"
)

// The account commands: egdi user …, egdi token …, egdi audit. Whoever
// runs them holds the database itself, so without --as they act as "cli"
// (that is how the first admin is made: there is no default password);
// with --as EMAIL they act as that user, who must be an enabled admin
// (or, for passwd and token create, the user named). Every change is in
// the audit log.

// actor resolves --as: "" is the command line itself (egdi.ActorCLI);
// an e-mail must name an enabled user allowed to do what self or admin
// work needs. self is the user the command changes ("" for none).
func (a *app) actor(ctx context.Context, st egdi.Store, as, self string) (egdi.Actor, error) {
	if as == "" {
		return egdi.ActorCLI, nil
	}
	u, err := st.User(ctx, as)
	if err != nil || u.Disabled {
		return "", egdi.Errorf(egdi.EUNAUTHORIZED, "--as %s: no such enabled user.", as)
	}
	if u.Role != egdi.RoleAdmin && !strings.EqualFold(u.Email, strings.TrimSpace(self)) {
		return "", egdi.Errorf(egdi.EFORBIDDEN, "--as %s: only an admin may do this (%s is %s).", as, u.Email, u.Role)
	}
	return egdi.Actor(u.Email), nil
}

// readPassword reads one line from r (--password-stdin).
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4*egdi.MaxPasswordLen)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", egdi.Errorf(egdi.EINVALID, "Cannot read the password from standard input: %v.", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", egdi.Errorf(egdi.EINVALID, "--password-stdin: standard input holds no password.")
	}
	return line, nil
}

// newPassword returns the password of user add / passwd and whether egdi
// made it: the first line of stdin with --password-stdin, else a random
// one printed once.
func newPassword(cmd *cobra.Command, fromStdin bool) (pw string, generated bool, err error) {
	if fromStdin {
		pw, err = readPassword(cmd.InOrStdin())
		return pw, false, err
	}
	// 24 characters of base64url: 144 bits.
	return auth.Secret("")[:24], true, nil
}

func (a *app) userCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "Manage the accounts of the server: add, list, disable, enable, change role or password",
		Long: `Accounts sign in to egdi serve (sessions) or call its API (egdi token). Roles:
  admin        manages users and tokens, and does what a coordinator does
  coordinator  creates assessments, assigns reviewers, reconciles their answers
  reviewer     answers the assessments assigned to them
  viewer       reads the assessments they are a member of

Passwords are hashed with argon2id (m=19 MiB, t=2, p=1) and never printed
back, logged or audited. Make the first admin here: there is no default
account and no default password.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(a.userAddCmd(), a.userListCmd(), a.userSetCmd("disable"), a.userSetCmd("enable"), a.userRoleCmd(), a.userPasswdCmd())
	return c
}

func (a *app) userAddCmd() *cobra.Command {
	var role, as, reason string
	var stdin bool
	c := &cobra.Command{
		Use:   "add EMAIL --role ROLE [--password-stdin]",
		Short: "Add a user (with --password-stdin the password is the first line of stdin; else egdi prints a new one once)",
		Example: `  printf '%s\n' "$ADMIN_PASSWORD" | egdi user add admin@example.org --role admin --password-stdin
  egdi user add reviewer@example.org --role reviewer`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := egdi.ParseRole(role)
			if err != nil {
				return err
			}
			email, err := egdi.NormalizeEmail(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			by, err := a.actor(ctx, st, as, "")
			if err != nil {
				return err
			}
			pw, generated, err := newPassword(cmd, stdin)
			if err != nil {
				return err
			}
			hash, err := auth.HashPassword(pw, auth.DefaultParams)
			if err != nil {
				return err
			}
			u, err := st.CreateUser(ctx, &egdi.User{Email: email, Role: r, PasswordHash: hash}, by, reason)
			if err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stdout, "Added %s (%s).\n", u.Email, u.Role)
			if generated {
				_, _ = fmt.Fprintf(a.stdout, "Password (shown once, give it to %s and have them change it): %s\n", u.Email, pw)
			}
			return nil
		},
	}
	c.Flags().StringVar(&role, "role", "", "admin|coordinator|reviewer|viewer (required)")
	c.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from the first line of standard input")
	c.Flags().StringVar(&as, "as", "", "act as this admin (default: the command line, recorded as cli)")
	c.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	_ = c.MarkFlagRequired("role")
	return c
}

func (a *app) userListCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "list [--format table|csv|json]",
		Short: "List the users: e-mail, role, status, created",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "csv" && format != "json" {
				return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose one of table, csv, json.", format)
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			us, err := st.Users(cmd.Context())
			if err != nil {
				return err
			}
			if format == "json" {
				if us == nil {
					us = []*egdi.User{}
				}
				return writeJSON(a.stdout, map[string]any{"users": us})
			}
			t := table{head: []string{"email", "role", "status", "created"}}
			for _, u := range us {
				status := "enabled"
				if u.Disabled {
					status = "disabled"
				}
				t.rows = append(t.rows, []string{u.Email, string(u.Role), status, u.CreatedAt.Format("2006-01-02 15:04")})
			}
			return t.write(a.stdout, format, "en")
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table|csv|json")
	return c
}

// userSetCmd is user disable and user enable. Disabling ends the user's
// sessions and stops their tokens at once.
func (a *app) userSetCmd(verb string) *cobra.Command {
	var as, reason string
	c := &cobra.Command{
		Use:   verb + " EMAIL",
		Short: map[string]string{"disable": "Disable a user: their sessions end and their tokens stop working", "enable": "Enable a disabled user again"}[verb],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			by, err := a.actor(ctx, st, as, "")
			if err != nil {
				return err
			}
			if verb == "disable" && strings.EqualFold(string(by), strings.TrimSpace(args[0])) {
				return egdi.Errorf(egdi.EINVALID, "You cannot disable yourself: ask another admin.")
			}
			off := verb == "disable"
			u, err := st.UpdateUser(ctx, args[0], egdi.UserUpdate{Disabled: &off}, by, reason)
			if err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stdout, "%s is %sd.\n", u.Email, verb)
			return nil
		},
	}
	c.Flags().StringVar(&as, "as", "", "act as this admin (default: the command line, recorded as cli)")
	c.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	return c
}

func (a *app) userRoleCmd() *cobra.Command {
	var as, reason string
	c := &cobra.Command{
		Use:   "role EMAIL ROLE",
		Short: "Change a user's role",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := egdi.ParseRole(args[1])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			by, err := a.actor(ctx, st, as, "")
			if err != nil {
				return err
			}
			u, err := st.UpdateUser(ctx, args[0], egdi.UserUpdate{Role: &r}, by, reason)
			if err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stdout, "%s is now %s.\n", u.Email, u.Role)
			return nil
		},
	}
	c.Flags().StringVar(&as, "as", "", "act as this admin (default: the command line, recorded as cli)")
	c.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	return c
}

func (a *app) userPasswdCmd() *cobra.Command {
	var as, reason string
	var stdin bool
	c := &cobra.Command{
		Use:   "passwd EMAIL [--password-stdin]",
		Short: "Set a user's password (their sessions end); without --password-stdin egdi prints a new one once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			by, err := a.actor(ctx, st, as, args[0])
			if err != nil {
				return err
			}
			if _, err := st.User(ctx, args[0]); err != nil {
				return err
			}
			pw, generated, err := newPassword(cmd, stdin)
			if err != nil {
				return err
			}
			hash, err := auth.HashPassword(pw, auth.DefaultParams)
			if err != nil {
				return err
			}
			u, err := st.UpdateUser(ctx, args[0], egdi.UserUpdate{PasswordHash: &hash}, by, reason)
			if err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stdout, "Password of %s changed; their sessions have ended.\n", u.Email)
			if generated {
				_, _ = fmt.Fprintf(a.stdout, "New password (shown once): %s\n", pw)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from the first line of standard input")
	c.Flags().StringVar(&as, "as", "", "act as this user or an admin (default: the command line, recorded as cli)")
	c.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	return c
}

func (a *app) tokenCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "Personal API tokens: create (printed once), list, revoke",
		Long: `A token lets a script call the API as a user: send it as
  Authorization: Bearer TOKEN
It is printed once when created; egdi keeps only its SHA-256, so a lost token
cannot be shown again: revoke it and create another.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(a.tokenCreateCmd(), a.tokenListCmd(), a.tokenRevokeCmd())
	return c
}

func (a *app) tokenCreateCmd() *cobra.Command {
	var as, name string
	c := &cobra.Command{
		Use:     "create EMAIL [--name NAME]",
		Short:   "Create a token for a user and print it once",
		Example: `  egdi token create reviewer@example.org --name laptop`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			by, err := a.actor(ctx, st, as, args[0])
			if err != nil {
				return err
			}
			u, err := st.User(ctx, args[0])
			if err != nil {
				return err
			}
			if u.Disabled {
				return egdi.Errorf(egdi.EINVALID, "%s is disabled: enable them first (egdi user enable %s).", u.Email, u.Email)
			}
			secret := auth.Secret(auth.TokenPrefix)
			t, err := st.CreateToken(ctx, &egdi.Token{UserID: u.ID, Name: name, Hash: auth.HashSecret(secret)}, by)
			if err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stderr, "Token %d for %s (shown once; send it as Authorization: Bearer TOKEN):\n", t.ID, u.Email)
			_, _ = fmt.Fprintln(a.stdout, secret)
			return nil
		},
	}
	c.Flags().StringVar(&name, "name", "", "a name to recognise the token by (where it is used)")
	c.Flags().StringVar(&as, "as", "", "act as this user or an admin (default: the command line, recorded as cli)")
	return c
}

func (a *app) tokenListCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "list EMAIL",
		Short: "List a user's tokens (id, name, created, revoked); never the tokens themselves",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			u, err := st.User(ctx, args[0])
			if err != nil {
				return err
			}
			ts, err := st.Tokens(ctx, u.ID)
			if err != nil {
				return err
			}
			t := table{head: []string{"id", "name", "created", "revoked"}}
			for _, tk := range ts {
				rev := ""
				if tk.RevokedAt != nil {
					rev = tk.RevokedAt.Format("2006-01-02 15:04")
				}
				t.rows = append(t.rows, []string{strconv.FormatInt(tk.ID, 10), tk.Name, tk.CreatedAt.Format("2006-01-02 15:04"), rev})
			}
			return t.write(a.stdout, "table", "en")
		},
	}
	return c
}

func (a *app) tokenRevokeCmd() *cobra.Command {
	var as, reason string
	c := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token by its id (egdi token list EMAIL)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return egdi.Errorf(egdi.EINVALID, "Bad token id %q: give the number egdi token list shows.", args[0])
			}
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			by, err := a.actor(ctx, st, as, "")
			if err != nil {
				return err
			}
			if err := st.RevokeToken(ctx, id, by, reason); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(a.stdout, "Token %d revoked.\n", id)
			return nil
		},
	}
	c.Flags().StringVar(&as, "as", "", "act as this admin (default: the command line, recorded as cli)")
	c.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	return c
}

// auditCmd exports the audit log.
func (a *app) auditCmd() *cobra.Command {
	var format, scope string
	c := &cobra.Command{
		Use:   "audit [--scope users|ASSESSMENT] [--format table|csv|json]",
		Short: "Export the audit log (append-only): when, who, action, item, old, new, reason",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "csv" && format != "json" {
				return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose one of table, csv, json.", format)
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			es, err := st.Audit(cmd.Context(), scope)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(a.stdout, map[string]any{"entries": es})
			}
			t := table{head: []string{"at", "user", "scope", "action", "item", "old", "new", "reason"}}
			for _, e := range es {
				t.rows = append(t.rows, []string{e.At.Format("2006-01-02T15:04:05.000000Z"), e.User, e.Scope, e.Action, e.Item, e.Old, e.New, e.Reason})
			}
			return t.write(a.stdout, format, "en")
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table|csv|json")
	c.Flags().StringVar(&scope, "scope", "", "only the entries of users (accounts) or of an assessment")
	return c
}
