package egdi_test

import (
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
)

func TestCanMatrix(t *testing.T) {
	actions := []egdi.Action{egdi.ActionManageUsers, egdi.ActionCreateAssessment, egdi.ActionReadAllAssessment, egdi.ActionEditTracker}
	// want[role] lists what the role may do, in the order of actions.
	want := map[string][4]bool{
		"admin":       {true, true, true, true},
		"coordinator": {false, true, false, true},
		"reviewer":    {false, false, false, false},
		"viewer":      {false, false, false, false},
		"disabled":    {false, false, false, false},
		"nil":         {false, false, false, false},
		"unknown":     {false, false, false, false},
	}
	for name, w := range want {
		var u *egdi.User
		switch name {
		case "nil":
		case "disabled":
			u = &egdi.User{Role: egdi.RoleAdmin, Disabled: true}
		default:
			u = &egdi.User{Role: egdi.Role(name)}
		}
		for i, a := range actions {
			if got := egdi.Can(u, a); got != w[i] {
				t.Errorf("Can(%s, %s) = %v, want %v", name, a, got, w[i])
			}
		}
		if egdi.Can(u, "no.such.action") {
			t.Errorf("Can(%s, an unknown action) = true", name)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct{ in, want, code string }{
		{"Admin@Example.org", "admin@example.org", ""},
		{"  a.b+c@example.org ", "a.b+c@example.org", ""},
		{"", "", egdi.EINVALID},
		{"no-at-sign", "", egdi.EINVALID},
		{"Name <a@example.org>", "", egdi.EINVALID},
		{"a@b@c", "", egdi.EINVALID},
		{strings.Repeat("a", 250) + "@example.org", "", egdi.EINVALID},
		{".a@example.org", "", egdi.EINVALID},
		{"a..b@example.org", "", egdi.EINVALID},
		{"a@-example.org", "", egdi.EINVALID},
		{"a@example..org", "", egdi.EINVALID},
		{"a b@example.org", "", egdi.EINVALID},
		{"a@localhost", "a@localhost", ""},
	} {
		got, err := egdi.NormalizeEmail(tc.in)
		if got != tc.want || egdi.ErrorCode(err) != tc.code {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.code)
		}
	}
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@example.org", "A@B", "<a@b>", "\"x y\"@example.org", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := egdi.NormalizeEmail(s)
		if err != nil {
			if egdi.ErrorCode(err) != egdi.EINVALID {
				t.Fatalf("code %q", egdi.ErrorCode(err))
			}
			return
		}
		if got != strings.ToLower(got) || !strings.Contains(got, "@") || len(got) > 254 {
			t.Fatalf("NormalizeEmail(%q) = %q", s, got)
		}
		if again, err := egdi.NormalizeEmail(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, got, again, err)
		}
	})
}

func TestParseRole(t *testing.T) {
	for _, r := range egdi.Roles {
		if got, err := egdi.ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Admin", "root", "admin "} {
		if _, err := egdi.ParseRole(s); egdi.ErrorCode(err) != egdi.EINVALID {
			t.Errorf("ParseRole(%q): %v, want EINVALID", s, err)
		}
	}
}

func TestUserChanges(t *testing.T) {
	coord, yes, no, h := egdi.RoleCoordinator, true, false, "$argon2id$x"
	for _, tc := range []struct {
		name    string
		up      egdi.UserUpdate
		actions []string
		end     bool
	}{
		{"Nothing", egdi.UserUpdate{}, nil, false},
		{"SameRole", egdi.UserUpdate{Role: func() *egdi.Role { r := egdi.RoleReviewer; return &r }()}, nil, false},
		{"Role", egdi.UserUpdate{Role: &coord}, []string{"user.role reviewer→coordinator"}, false},
		{"Disable", egdi.UserUpdate{Disabled: &yes}, []string{"user.disable enabled→disabled"}, true},
		{"EnableEnabled", egdi.UserUpdate{Disabled: &no}, nil, false},
		{"Password", egdi.UserUpdate{PasswordHash: &h}, []string{"user.password set→changed"}, true},
		{"All", egdi.UserUpdate{Role: &coord, Disabled: &yes, PasswordHash: &h},
			[]string{"user.role reviewer→coordinator", "user.disable enabled→disabled", "user.password set→changed"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := &egdi.User{Email: "u@example.org", Role: egdi.RoleReviewer, PasswordHash: "$argon2id$old"}
			es, end := egdi.UserChanges(u, tc.up)
			var got []string
			for _, e := range es {
				got = append(got, e.Action+" "+e.Old+"→"+e.New)
				if e.Item != "u@example.org" || strings.Contains(e.Old+e.New, "argon2") {
					t.Errorf("entry %+v", e)
				}
			}
			if strings.Join(got, ";") != strings.Join(tc.actions, ";") || end != tc.end {
				t.Errorf("changes %q, end sessions %v; want %q, %v", got, end, tc.actions, tc.end)
			}
		})
	}
}
