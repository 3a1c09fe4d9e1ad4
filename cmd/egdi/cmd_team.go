package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
)

// The teamwork commands under egdi assessment (added by assessmentCmd's
// hook): team-create, member, review, submit, disagreements, reconcile,
// audit. Each takes --as EMAIL, the user it acts as, and checks that
// user's rights exactly as the API does (egdi.CanOn); each write appends
// one audit entry like the API. The direct writes of assessment.go
// (answer, import, delete) refuse a team assessment, so no write path
// bypasses the audit trail.

func (a *app) assessmentTeamCmds() []*cobra.Command {
	return []*cobra.Command{a.teamCreateCmd(), a.teamMemberCmd(), a.teamReviewCmd(), a.teamSubmitCmd(),
		a.teamDisagreementsCmd(), a.teamReconcileCmd(), a.teamAuditCmd()}
}

// guardTeamWrites makes the direct-write subcommands of egdi assessment
// refuse an assessment that has members (a team assessment).
func (a *app) guardTeamWrites(c *cobra.Command) {
	for _, sub := range c.Commands() {
		switch sub.Name() {
		case "answer", "import", "delete":
		default:
			continue
		}
		run := sub.RunE
		sub.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				st, err := a.openStore(cmd.Context())
				if err != nil {
					return err
				}
				ms, err := st.Members(cmd.Context(), args[0])
				if err == nil && len(ms) > 0 {
					return egdi.Errorf(egdi.EFORBIDDEN, "%s is a team assessment: answers are given with egdi assessment review and decided with egdi assessment reconcile (--as EMAIL); it is not deleted.", args[0])
				}
			}
			return run(cmd, args)
		}
	}
}

// storeAsMember opens the store and resolves --as for the assessment
// name with asMember: the common first step of the team commands.
func (a *app) storeAsMember(ctx context.Context, as, name string, action egdi.Action) (egdi.Store, *egdi.User, error) {
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	u, err := a.asMember(ctx, st, as, name, action)
	return st, u, err
}

// asMember resolves --as for an assessment: the user, their role in it,
// checked against action. A non-member (not admin) is told the
// assessment does not exist, as the API does.
func (a *app) asMember(ctx context.Context, st egdi.Store, as, name string, action egdi.Action) (*egdi.User, error) {
	if as == "" {
		return nil, egdi.Errorf(egdi.EINVALID, "Say who you are: --as EMAIL (a user of this store).")
	}
	u, err := st.User(ctx, as)
	if err != nil || u.Disabled {
		return nil, egdi.Errorf(egdi.EUNAUTHORIZED, "--as %s: no such enabled user.", as)
	}
	ms, err := st.Memberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	role := ms[name]
	if role == "" && !egdi.Can(u, egdi.ActionReadAllAssessment) {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No assessment named %s.", name)
	}
	if !egdi.CanOn(u, role, action) {
		return nil, egdi.Errorf(egdi.EFORBIDDEN, "--as %s: your role in %s (%s) does not allow this.", u.Email, name, roleName(role, u))
	}
	return u, nil
}

func roleName(m egdi.MemberRole, u *egdi.User) string {
	if m == "" {
		return string(u.Role)
	}
	return string(m)
}

func (a *app) teamCreateCmd() *cobra.Command {
	var qid, country, city, as, reason string
	c := &cobra.Command{
		Use:     "team-create NAME --questionnaire ID --country ISO3 --as EMAIL",
		Short:   "Create a team assessment; you (a coordinator or admin) become its coordinator",
		Example: "  egdi assessment team-create bhr-2026 --questionnaire osi-2024 --country BHR --as coord@example.org",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			u, err := st.User(ctx, as)
			if err != nil || u.Disabled {
				return egdi.Errorf(egdi.EUNAUTHORIZED, "--as %q: no such enabled user.", as)
			}
			if !egdi.Can(u, egdi.ActionCreateAssessment) {
				return egdi.Errorf(egdi.EFORBIDDEN, "--as %s: a %s cannot create assessments.", u.Email, u.Role)
			}
			asm, _, err := a.newAssessment(ctx, args[0], qid, country, city)
			if err != nil {
				return err
			}
			asm.Answers = nil
			if err := st.CreateTeamAssessment(ctx, asm, u, reason); err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "Created %s (%s, %s); %s coordinates it.\n", asm.Name, asm.Questionnaire, asm.Country, u.Email)
			return err
		},
	}
	c.Flags().StringVar(&qid, "questionnaire", "", "questionnaire id (egdi questionnaire list)")
	c.Flags().StringVar(&country, "country", "", "ISO3 code or name")
	c.Flags().StringVar(&city, "city", "", "city, for LOSI")
	c.Flags().StringVar(&as, "as", "", "the user you act as (required)")
	c.Flags().StringVar(&reason, "reason", "", "why, for the audit trail")
	return c
}

func (a *app) teamMemberCmd() *cobra.Command {
	var role, as, reason string
	var remove bool
	c := &cobra.Command{
		Use:     "member NAME EMAIL --role coordinator|reviewer|viewer --as EMAIL [--remove]",
		Short:   "Assign a user to a team assessment, change their role, or remove them",
		Example: "  egdi assessment member bhr-2026 a@example.org --role reviewer --as coord@example.org",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, u, err := a.storeAsMember(ctx, as, args[0], egdi.ActionManage)
			if err != nil {
				return err
			}
			m, err := st.User(ctx, args[1])
			if err != nil {
				return err
			}
			if remove {
				err = st.RemoveMember(ctx, args[0], m.ID, egdi.Actor(u.Email), reason)
			} else {
				r, perr := egdi.ParseMemberRole(role)
				if perr != nil {
					return perr
				}
				err = st.SetMember(ctx, args[0], m.ID, r, egdi.Actor(u.Email), reason)
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "Members of %s updated.\n", args[0])
			return err
		},
	}
	c.Flags().StringVar(&role, "role", "", "coordinator|reviewer|viewer")
	c.Flags().BoolVar(&remove, "remove", false, "remove the member")
	c.Flags().StringVar(&as, "as", "", "the user you act as (required)")
	c.Flags().StringVar(&reason, "reason", "", "why, for the audit trail")
	return c
}

func (a *app) teamReviewCmd() *cobra.Command {
	var evidence, note, as string
	var ifVersion int
	c := &cobra.Command{
		Use:   "review NAME ITEM VALUE [--evidence URL] [--note TEXT] [--if-version N] --as EMAIL",
		Short: "Answer an item as a reviewer, blind to the other reviewers (--if-version: the version you read, 0 for none)",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, u, err := a.storeAsMember(ctx, as, args[0], egdi.ActionReview)
			if err != nil {
				return err
			}
			ans, err := a.checkedAnswer(ctx, st, args[0], args[1], args[2], evidence, note)
			if err != nil {
				return err
			}
			got, err := st.SaveReviewAnswer(ctx, args[0], u, ans, ifVersion)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "%s = %s (version %d).\n", got.Item, got.Value, got.Version)
			return err
		},
	}
	c.Flags().StringVar(&evidence, "evidence", "", "an http(s) URL showing the feature")
	c.Flags().StringVar(&note, "note", "", "a note")
	c.Flags().IntVar(&ifVersion, "if-version", 0, "the version of your answer you changed (0: not answered yet)")
	c.Flags().StringVar(&as, "as", "", "the user you act as (required)")
	return c
}

// checkedAnswer builds an answer checked against the assessment's
// questionnaire.
func (a *app) checkedAnswer(ctx context.Context, st egdi.Store, name, item, value, evidence, note string) (egdi.Answer, error) {
	ans := egdi.Answer{Item: item, Value: value, Evidence: evidence, Note: note}
	asm, err := st.Assessment(ctx, name)
	if err != nil {
		return ans, err
	}
	q, err := getQuestionnaire(asm.Questionnaire)
	if err != nil {
		return ans, err
	}
	return ans, q.CheckAnswer(&ans)
}

func (a *app) teamSubmitCmd() *cobra.Command {
	var as string
	c := &cobra.Command{
		Use:   "submit NAME --as EMAIL",
		Short: "Submit your review: your answers become final",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, u, err := a.storeAsMember(ctx, as, args[0], egdi.ActionReview)
			if err != nil {
				return err
			}
			if err := st.SubmitReview(ctx, args[0], u); err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "%s submitted the review of %s.\n", u.Email, args[0])
			return err
		},
	}
	c.Flags().StringVar(&as, "as", "", "the user you act as (required)")
	return c
}

func (a *app) teamDisagreementsCmd() *cobra.Command {
	var as, format string
	c := &cobra.Command{
		Use:   "disagreements NAME --as EMAIL [--format table|json]",
		Short: "The items two submitted reviewers answered differently (coordinator)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			if _, err := a.asMember(ctx, st, as, args[0], egdi.ActionReconcile); err != nil {
				return err
			}
			ms, err := st.Members(ctx, args[0])
			if err != nil {
				return err
			}
			var done []egdi.Member
			for _, m := range ms {
				if m.Role == egdi.MemberReviewer && m.Submitted != nil {
					done = append(done, m)
				}
			}
			if len(done) < 2 {
				return egdi.Errorf(egdi.ECONFLICT, "The disagreements are shown once two reviewers have submitted (%d so far).", len(done))
			}
			if done[1].Submitted.Before(*done[0].Submitted) {
				done[0], done[1] = done[1], done[0]
			}
			x, err := st.ReviewAnswers(ctx, args[0], done[0].UserID)
			if err != nil {
				return err
			}
			y, err := st.ReviewAnswers(ctx, args[0], done[1].UserID)
			if err != nil {
				return err
			}
			ds := egdi.Disagreements(done[0].Email, x, done[1].Email, y)
			if format == "json" {
				if ds == nil {
					ds = []egdi.Disagreement{}
				}
				return writeJSON(a.stdout, map[string]any{"disagreements": ds})
			}
			t := table{head: []string{"item", done[0].Email, done[1].Email}}
			for _, d := range ds {
				t.rows = append(t.rows, []string{d.Item, egdi.AnswerText(d.A), egdi.AnswerText(d.B)})
			}
			return t.write(a.stdout, "table", "en")
		},
	}
	c.Flags().StringVar(&as, "as", "", "the user you act as (required)")
	c.Flags().StringVar(&format, "format", "table", "table|json")
	return c
}

func (a *app) teamReconcileCmd() *cobra.Command {
	var evidence, note, as, reason string
	var ifVersion int
	c := &cobra.Command{
		Use:   "reconcile NAME ITEM VALUE --reason TEXT [--evidence URL] [--if-version N] --as EMAIL",
		Short: "Decide an item (coordinator): the decision is the assessment's answer, what scores",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, u, err := a.storeAsMember(ctx, as, args[0], egdi.ActionReconcile)
			if err != nil {
				return err
			}
			ans, err := a.checkedAnswer(ctx, st, args[0], args[1], args[2], evidence, note)
			if err != nil {
				return err
			}
			got, err := st.Reconcile(ctx, args[0], ans, ifVersion, egdi.Actor(u.Email), reason)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "%s = %s (version %d): %s.\n", got.Item, got.Value, got.Version, reason)
			return err
		},
	}
	c.Flags().StringVar(&evidence, "evidence", "", "an http(s) URL showing the feature")
	c.Flags().StringVar(&note, "note", "", "a note")
	c.Flags().StringVar(&reason, "reason", "", "why (required, for the audit trail)")
	c.Flags().IntVar(&ifVersion, "if-version", 0, "the version of the answer you changed (0: not decided yet)")
	c.Flags().StringVar(&as, "as", "", "the user you act as (required)")
	return c
}

func (a *app) teamAuditCmd() *cobra.Command {
	var as, format string
	c := &cobra.Command{
		Use:   "audit NAME --as EMAIL [--format table|csv|json]",
		Short: "The audit trail of a team assessment: when, who, action, item, old, new, reason",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "csv" && format != "json" {
				return egdi.Errorf(egdi.EINVALID, "Unknown --format %q: choose one of table, csv, json.", format)
			}
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			if _, err := a.asMember(ctx, st, as, args[0], egdi.ActionReadAudit); err != nil {
				return err
			}
			es, err := st.Audit(ctx, args[0])
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(a.stdout, map[string]any{"entries": es})
			}
			t := table{head: []string{"at", "user", "action", "item", "old", "new", "reason"}}
			for _, e := range es {
				t.rows = append(t.rows, []string{e.At.Format("2006-01-02T15:04:05Z"), e.User, e.Action, e.Item, e.Old, e.New, e.Reason})
			}
			return t.write(a.stdout, format, "en")
		},
	}
	c.Flags().StringVar(&as, "as", "", "the user you act as (required)")
	c.Flags().StringVar(&format, "format", "table", "table|csv|json")
	return c
}
