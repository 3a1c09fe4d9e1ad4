package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/egdi-project/egdi"
)

// The conformance tests of egdi.TeamworkStore, run by Run with the
// account tests (account.go: accountTests).

func init() {
	accountTests = append(accountTests, []struct {
		name string
		fn   func(t *testing.T, s egdi.Store)
	}{
		{"TeamMembers", testTeamMembers},
		{"TeamBlindReview", testTeamBlindReview},
		{"TeamConcurrentUpdates", testTeamConcurrent},
	}...)
}

type team struct {
	coord, revA, revB, viewer *egdi.User
}

func newTeam(t *testing.T, s egdi.Store, name string) team {
	t.Helper()
	tm := team{
		coord:  mustUser(t, s, "coord@example.org", egdi.RoleCoordinator),
		revA:   mustUser(t, s, "a@example.org", egdi.RoleReviewer),
		revB:   mustUser(t, s, "b@example.org", egdi.RoleReviewer),
		viewer: mustUser(t, s, "v@example.org", egdi.RoleViewer),
	}
	a := &egdi.Assessment{Name: name, Questionnaire: "osi-2024", Country: "BHR"}
	if err := s.CreateTeamAssessment(t.Context(), a, tm.coord, "survey 2026"); err != nil {
		t.Fatal(err)
	}
	by := egdi.Actor(tm.coord.Email)
	for _, m := range []struct {
		u *egdi.User
		r egdi.MemberRole
	}{{tm.revA, egdi.MemberReviewer}, {tm.revB, egdi.MemberReviewer}, {tm.viewer, egdi.MemberViewer}} {
		if err := s.SetMember(t.Context(), name, m.u.ID, m.r, by, ""); err != nil {
			t.Fatal(err)
		}
	}
	return tm
}

// auditOf returns an assessment's entries as "user action item old→new reason".
func auditOf(t *testing.T, s egdi.Store, scope string) []string {
	t.Helper()
	es, err := s.Audit(t.Context(), scope)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s %s %s %s→%s %s", e.User, e.Action, e.Item, e.Old, e.New, e.Reason))
	}
	return out
}

func testTeamMembers(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	tm := newTeam(t, s, "bhr")
	ms, err := s.Members(ctx, "bhr")
	if err != nil || len(ms) != 4 {
		t.Fatalf("Members = %v, %v", ms, err)
	}
	got := map[string]egdi.MemberRole{}
	for _, m := range ms {
		got[m.Email] = m.Role
	}
	if got["coord@example.org"] != egdi.MemberCoordinator || got["a@example.org"] != egdi.MemberReviewer || got["v@example.org"] != egdi.MemberViewer {
		t.Errorf("members %v", got)
	}
	mine, _ := s.Memberships(ctx, tm.revA.ID)
	if len(mine) != 1 || mine["bhr"] != egdi.MemberReviewer {
		t.Errorf("Memberships = %v", mine)
	}
	by := egdi.Actor(tm.coord.Email)
	wantCode(t, s.SetMember(ctx, "bhr", tm.viewer.ID, "owner", by, ""), egdi.EINVALID)
	wantCode(t, s.SetMember(ctx, "nope", tm.viewer.ID, egdi.MemberViewer, by, ""), egdi.ENOTFOUND)
	wantCode(t, s.SetMember(ctx, "bhr", 9999, egdi.MemberViewer, by, ""), egdi.ENOTFOUND)
	if err := s.SetMember(ctx, "bhr", tm.viewer.ID, egdi.MemberViewer, by, ""); err != nil { // unchanged: no entry
		t.Fatal(err)
	}
	if err := s.SetMember(ctx, "bhr", tm.viewer.ID, egdi.MemberReviewer, by, "third reviewer"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMember(ctx, "bhr", tm.viewer.ID, by, "left"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.RemoveMember(ctx, "bhr", tm.viewer.ID, by, ""), egdi.ENOTFOUND)
	wantCode(t, s.CreateTeamAssessment(ctx, &egdi.Assessment{Name: "bhr", Questionnaire: "osi-2024", Country: "BHR"}, tm.coord, ""), egdi.ECONFLICT)
	want := []string{
		"coord@example.org assessment.create bhr →osi-2024 BHR survey 2026",
		"coord@example.org member.set coord@example.org →coordinator survey 2026",
		"coord@example.org member.set a@example.org →reviewer ",
		"coord@example.org member.set b@example.org →reviewer ",
		"coord@example.org member.set v@example.org →viewer ",
		"coord@example.org member.set v@example.org viewer→reviewer third reviewer",
		"coord@example.org member.remove v@example.org reviewer→ left",
	}
	if got := auditOf(t, s, "bhr"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit:\n%q\nwant\n%q", got, want)
	}
}

// testTeamBlindReview: two reviewers answer, one changes an answer,
// submit (no change afterwards), disagree on one item; the coordinator
// reconciles it and it becomes the assessment's answer. Each write is
// exactly one entry with its old and new value.
func testTeamBlindReview(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	tm := newTeam(t, s, "bhr")
	start := len(auditOf(t, s, "bhr"))
	save := func(u *egdi.User, item, value string, ifv int) *egdi.Answer {
		t.Helper()
		a, err := s.SaveReviewAnswer(ctx, "bhr", u, egdi.Answer{Item: item, Value: value, Evidence: "https://www.bahrain.bh/" + item}, ifv)
		if err != nil {
			t.Fatalf("%s %s=%s: %v", u.Email, item, value, err)
		}
		return a
	}
	a1 := save(tm.revA, "SP-01", "yes", 0)
	save(tm.revA, "SP-02", "no", 0)
	if a2 := save(tm.revA, "SP-02", "yes", 1); a2.Version != 2 || a1.Version != 1 {
		t.Errorf("versions %d, %d", a1.Version, a2.Version)
	}
	save(tm.revA, "SP-01", "yes", 1) // the same answer: no new version, no entry
	save(tm.revB, "SP-01", "yes", 0)
	save(tm.revB, "SP-02", "no", 0)
	// A stale version is refused with the current answer.
	_, err := s.SaveReviewAnswer(ctx, "bhr", tm.revA, egdi.Answer{Item: "SP-02", Value: "no"}, 1)
	var vc *egdi.VersionConflict
	if !errors.As(err, &vc) || code(err) != egdi.ECONFLICT || vc.Current == nil || vc.Current.Version != 2 || vc.Current.Value != "yes" {
		t.Errorf("stale write: %v (%+v)", err, vc)
	}
	// Non-reviewers cannot review.
	_, err = s.SaveReviewAnswer(ctx, "bhr", tm.viewer, egdi.Answer{Item: "SP-01", Value: "no"}, 0)
	wantCode(t, err, egdi.ENOTFOUND)
	_, err = s.SaveReviewAnswer(ctx, "bhr", tm.coord, egdi.Answer{Item: "SP-01", Value: "no"}, 0)
	wantCode(t, err, egdi.ENOTFOUND)
	_, err = s.SaveReviewAnswer(ctx, "bhr", tm.revA, egdi.Answer{Item: "SP-03"}, 0)
	wantCode(t, err, egdi.EINVALID)
	// Each reviewer reads only their own answers.
	ra, _ := s.ReviewAnswers(ctx, "bhr", tm.revA.ID)
	rb, _ := s.ReviewAnswers(ctx, "bhr", tm.revB.ID)
	if len(ra) != 2 || len(rb) != 2 || ra[1].Value != "yes" || rb[1].Value != "no" || ra[0].Author != "a@example.org" {
		t.Fatalf("review answers %+v / %+v", ra, rb)
	}
	for _, u := range []*egdi.User{tm.revA, tm.revB} {
		if err := s.SubmitReview(ctx, "bhr", u); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, s.SubmitReview(ctx, "bhr", tm.revA), egdi.ECONFLICT)
	_, err = s.SaveReviewAnswer(ctx, "bhr", tm.revA, egdi.Answer{Item: "SP-01", Value: "no"}, 1)
	wantCode(t, err, egdi.ECONFLICT)
	ds := egdi.Disagreements(tm.revA.Email, ra, tm.revB.Email, rb)
	if len(ds) != 1 || ds[0].Item != "SP-02" || ds[0].A.Value != "yes" || ds[0].B.Value != "no" {
		t.Fatalf("disagreements %+v", ds)
	}
	by := egdi.Actor(tm.coord.Email)
	_, err = s.Reconcile(ctx, "bhr", egdi.Answer{Item: "SP-02", Value: "yes"}, 0, by, "")
	wantCode(t, err, egdi.EINVALID) // no reason
	r1, err := s.Reconcile(ctx, "bhr", egdi.Answer{Item: "SP-02", Value: "yes", Evidence: "https://www.bahrain.bh/SP-02"}, 0, by, "the portal has it")
	if err != nil || r1.Version != 1 {
		t.Fatalf("reconcile: %+v %v", r1, err)
	}
	if _, err := s.Reconcile(ctx, "bhr", egdi.Answer{Item: "SP-01", Value: "yes"}, 0, by, "both agree"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Reconcile(ctx, "bhr", egdi.Answer{Item: "SP-02", Value: "no"}, 0, by, "late")
	if !errors.As(err, &vc) || vc.Current == nil || vc.Current.Value != "yes" {
		t.Errorf("stale reconcile: %v", err)
	}
	a, err := s.Assessment(ctx, "bhr")
	if err != nil || len(a.Answers) != 2 || a.Answer("SP-02").Value != "yes" || a.Answer("SP-02").Author != "coord@example.org" {
		t.Fatalf("the reconciled assessment: %+v %v", a, err)
	}
	want := []string{
		"a@example.org review.answer SP-01 →yes https://www.bahrain.bh/SP-01 ",
		"a@example.org review.answer SP-02 →no https://www.bahrain.bh/SP-02 ",
		"a@example.org review.answer SP-02 no https://www.bahrain.bh/SP-02→yes https://www.bahrain.bh/SP-02 ",
		"b@example.org review.answer SP-01 →yes https://www.bahrain.bh/SP-01 ",
		"b@example.org review.answer SP-02 →no https://www.bahrain.bh/SP-02 ",
		"a@example.org review.submit a@example.org draft→submitted 2 answers ",
		"b@example.org review.submit b@example.org draft→submitted 2 answers ",
		"coord@example.org reconcile SP-02 →yes https://www.bahrain.bh/SP-02 the portal has it",
		"coord@example.org reconcile SP-01 →yes both agree",
	}
	if got := auditOf(t, s, "bhr")[start:]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit:\n%q\nwant\n%q", got, want)
	}
}

// testTeamConcurrent: two clients update the same item 1,000 times each,
// in parallel, each time with the version it last read. Every update is
// applied or refused with a version conflict; the final version is the
// number applied (none lost) and the audit log has one entry per applied
// update. Done for a reviewer's answer and for a reconciled answer.
func testTeamConcurrent(t *testing.T, s egdi.Store) {
	ctx := t.Context()
	tm := newTeam(t, s, "bhr")
	const n = 1000
	for _, kind := range []string{"review", "reconcile"} {
		t.Run(kind, func(t *testing.T) {
			before := len(auditOf(t, s, "bhr"))
			var mu sync.Mutex
			applied, refused := 0, 0
			var wg sync.WaitGroup
			for c := range 2 {
				wg.Go(func() {
					ver := 0
					for i := range n {
						a := egdi.Answer{Item: "SP-01", Value: fmt.Sprintf("c%d-%d", c, i)}
						var got *egdi.Answer
						var err error
						if kind == "review" {
							got, err = s.SaveReviewAnswer(ctx, "bhr", tm.revA, a, ver)
						} else {
							got, err = s.Reconcile(ctx, "bhr", a, ver, egdi.Actor(tm.coord.Email), "update")
						}
						mu.Lock()
						var vc *egdi.VersionConflict
						switch {
						case err == nil:
							applied++
							ver = got.Version
						case errors.As(err, &vc):
							refused++
							if vc.Current != nil {
								ver = vc.Current.Version
							}
						case code(err) == egdi.EBUSY:
							refused++ // the store was locked past its wait: refused, nothing written
						default:
							t.Errorf("update %d of client %d: %v", i, c, err)
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			var final int
			if kind == "review" {
				ra, _ := s.ReviewAnswers(ctx, "bhr", tm.revA.ID)
				final = ra[0].Version
			} else {
				a, _ := s.Assessment(ctx, "bhr")
				final = a.Answer("SP-01").Version
			}
			entries := len(auditOf(t, s, "bhr")) - before
			t.Logf("%s: %d applied, %d refused", kind, applied, refused)
			if applied+refused != 2*n || final != applied || entries != applied || applied == 0 {
				t.Errorf("%d applied + %d refused of %d; final version %d; %d audit entries", applied, refused, 2*n, final, entries)
			}
		})
	}
}
