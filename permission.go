package egdi

// Action is something a user may be allowed to do. [Can] is the one
// place that decides; the server and the CLI only ask it, and a test
// checks it as a matrix of every role and action.
type Action string

// Actions on the server as a whole.
const (
	ActionManageUsers       Action = "users.manage"       // add users, change roles, disable, read the account audit log
	ActionCreateAssessment  Action = "assessment.create"  // create an assessment and become its coordinator
	ActionReadAllAssessment Action = "assessment.readall" // see every assessment without being a member
	ActionEditTracker       Action = "tracker.edit"       // add or change strategies, KPIs and cooperation records
)

// Can reports whether u may do a server-wide action. A nil or disabled
// user may do nothing.
func Can(u *User, a Action) bool {
	if u == nil || u.Disabled {
		return false
	}
	switch a {
	case ActionManageUsers, ActionReadAllAssessment:
		return u.Role == RoleAdmin
	case ActionCreateAssessment, ActionEditTracker:
		return u.Role == RoleAdmin || u.Role == RoleCoordinator
	}
	return false
}
