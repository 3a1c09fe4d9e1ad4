package egdi

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Teamwork: an assessment done by a team, as the UN does the OSI. A
// coordinator creates the assessment and assigns reviewers (and viewers);
// each reviewer answers every item blind to the other reviewers' answers
// and submits; once two reviewers have submitted, the items on which they
// differ are the disagreements, which the coordinator decides one by one
// with a reason. The coordinator's decisions (and the items on which the
// reviewers agreed, which the coordinator confirms the same way) are the
// assessment's answers: what scores.
//
// Every write below appends one audit entry per changed item in its own
// transaction (scope: the assessment's name), and every answer has a
// version: a write names the version it read (ifVersion; 0 for "not
// answered yet") and is refused with ECONFLICT carrying the current
// answer when another write came first (optimistic locking: no update is
// lost silently).

// MemberRole is a user's role in one assessment.
type MemberRole string

// The roles in an assessment.
const (
	MemberCoordinator MemberRole = "coordinator" // assigns reviewers, reconciles
	MemberReviewer    MemberRole = "reviewer"    // answers blind, submits
	MemberViewer      MemberRole = "viewer"      // reads the reconciled assessment
)

// ParseMemberRole returns the member role named s. Errors: EINVALID.
func ParseMemberRole(s string) (MemberRole, error) {
	switch r := MemberRole(s); r {
	case MemberCoordinator, MemberReviewer, MemberViewer:
		return r, nil
	}
	return "", Errorf(EINVALID, "Unknown member role %q: choose coordinator, reviewer or viewer.", s)
}

// Member is a user's membership of an assessment.
type Member struct {
	Email     string     `json:"email"`
	UserID    int64      `json:"-"`
	Role      MemberRole `json:"role"`
	Submitted *time.Time `json:"submitted_at,omitempty"` // reviewers: when they submitted
}

// Audit actions on assessments.
const (
	AuditAssessmentCreate = "assessment.create"
	AuditMemberSet        = "member.set"
	AuditMemberRemove     = "member.remove"
	AuditReviewAnswer     = "review.answer"
	AuditReviewSubmit     = "review.submit"
	AuditReconcile        = "reconcile"
)

// Actions on one assessment, decided by [CanOn].
const (
	ActionRead      Action = "assessment.read"      // the assessment, its reconciled answers and score
	ActionReview    Action = "assessment.review"    // answer blind and submit (own answers only)
	ActionManage    Action = "assessment.manage"    // assign members
	ActionReconcile Action = "assessment.reconcile" // read the disagreements and decide them
	ActionReadAudit Action = "assessment.audit"     // read the assessment's audit trail
)

// CanOn reports whether u, whose role in the assessment is m ("" for a
// non-member), may do a on it. Admins may do everything but review (a
// review is a member's own work); a viewer, whatever their server role,
// only reads. A disabled user may do nothing.
func CanOn(u *User, m MemberRole, a Action) bool {
	if u == nil || u.Disabled {
		return false
	}
	if u.Role == RoleAdmin && a != ActionReview {
		return a == ActionRead || a == ActionManage || a == ActionReconcile || a == ActionReadAudit
	}
	switch m {
	case MemberCoordinator:
		return a == ActionRead || a == ActionManage || a == ActionReconcile || a == ActionReadAudit
	case MemberReviewer:
		// A server viewer assigned as reviewer still never writes.
		return a == ActionRead || (a == ActionReview && u.Role != RoleViewer) || a == ActionReadAudit
	case MemberViewer:
		return a == ActionRead
	}
	return false
}

// Disagreement is an item on which two reviewers answered differently
// (value or evidence), with both answers.
type Disagreement struct {
	Item    string  `json:"item"`
	A       *Answer `json:"a"` // nil: A did not answer the item
	B       *Answer `json:"b"`
	AuthorA string  `json:"author_a"`
	AuthorB string  `json:"author_b"`
}

// Disagreements compares two reviewers' answers, by item. An item one
// answered and the other did not is a disagreement; equal values with
// different evidence URLs are not (the evidence is shown, the value
// scores).
func Disagreements(authorA string, a []Answer, authorB string, b []Answer) []Disagreement {
	am, bm := map[string]*Answer{}, map[string]*Answer{}
	var items []string
	for i := range a {
		am[a[i].Item] = &a[i]
		items = append(items, a[i].Item)
	}
	for i := range b {
		bm[b[i].Item] = &b[i]
		if am[b[i].Item] == nil {
			items = append(items, b[i].Item)
		}
	}
	slices.Sort(items)
	var out []Disagreement
	for _, it := range items {
		x, y := am[it], bm[it]
		if x != nil && y != nil && x.Value == y.Value {
			continue
		}
		out = append(out, Disagreement{Item: it, A: x, B: y, AuthorA: authorA, AuthorB: authorB})
	}
	return out
}

// VersionConflict is the error of a write that named a version other than
// the stored one: its code is ECONFLICT, and Current is the stored answer
// (nil when the item is not answered), for the client to show.
type VersionConflict struct {
	Item    string
	Want    int
	Current *Answer
}

func (e *VersionConflict) Error() string {
	got := 0
	if e.Current != nil {
		got = e.Current.Version
	}
	return "Item " + e.Item + " changed meanwhile: you edited version " + strconv.Itoa(e.Want) +
		", it is now version " + strconv.Itoa(got) + ". Reload it and apply your change again."
}

// Unwrap makes a VersionConflict an ECONFLICT for [ErrorCode].
func (e *VersionConflict) Unwrap() error { return &Error{Code: ECONFLICT, Message: e.Error()} }

// AnswerText is an answer as the audit log shows it: the value, and the
// evidence URL after a space when there is one.
func AnswerText(a *Answer) string {
	if a == nil {
		return ""
	}
	return strings.TrimSpace(a.Value + " " + a.Evidence)
}

// TeamStore's assessment half: memberships, blind reviews and
// reconciliation. Every write is audited (scope = the assessment).
type TeamworkStore interface {
	// CreateTeamAssessment stores a new assessment (no answers) with its
	// creator as coordinator, audited. Errors as CreateAssessment.
	CreateTeamAssessment(ctx context.Context, a *Assessment, creator *User, reason string) error
	// SetMember adds a member or changes their role, audited (old → new
	// role). Errors: ENOTFOUND for the assessment or the user; EINVALID
	// for a bad role.
	SetMember(ctx context.Context, name string, userID int64, role MemberRole, by Actor, reason string) error
	// RemoveMember removes a member, audited. Errors: ENOTFOUND.
	RemoveMember(ctx context.Context, name string, userID int64, by Actor, reason string) error
	// Members returns the members of an assessment by e-mail. Errors:
	// ENOTFOUND for the assessment.
	Members(ctx context.Context, name string) ([]Member, error)
	// Memberships returns the assessments a user is a member of, with
	// their role.
	Memberships(ctx context.Context, userID int64) (map[string]MemberRole, error)
	// SaveReviewAnswer stores a reviewer's own answer to an item if its
	// stored version is ifVersion (0: not answered yet), as version
	// ifVersion+1, audited; an answer equal to the stored one changes
	// nothing. It returns the stored answer. Errors: *VersionConflict
	// (ECONFLICT) with the current answer; ECONFLICT once the reviewer
	// has submitted; EINVALID for a bad answer; ENOTFOUND.
	SaveReviewAnswer(ctx context.Context, name string, reviewer *User, a Answer, ifVersion int) (*Answer, error)
	// ReviewAnswers returns a reviewer's answers, by item.
	ReviewAnswers(ctx context.Context, name string, reviewerID int64) ([]Answer, error)
	// SubmitReview marks a reviewer's answers final, audited. Errors:
	// ECONFLICT when already submitted; ENOTFOUND for a non-reviewer.
	SubmitReview(ctx context.Context, name string, reviewer *User) error
	// Reconcile sets the assessment's answer to an item (what scores) if
	// its version is ifVersion, audited with the reason (required).
	// Errors: *VersionConflict; EINVALID for no reason or a bad answer;
	// ENOTFOUND.
	Reconcile(ctx context.Context, name string, a Answer, ifVersion int, by Actor, reason string) (*Answer, error)
}
