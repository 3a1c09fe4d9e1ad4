package egdi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/egdi-project/egdi"
)

// TestParseJobID: only the exact spelling of an id is accepted; the
// sequential ids of old ("1") and their other spellings ("01", "+1") are
// unknown jobs.
func TestParseJobID(t *testing.T) {
	good := "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"Hex32", good, true},
		{"Sequential", "1", false},
		{"LeadingZero", "01", false},
		{"Plus", "+1", false},
		{"Upper", strings.ToUpper(good), false},
		{"Short", good[:31], false},
		{"Long", good + "0", false},
		{"Space", " " + good[1:], false},
		{"NonHex", "g" + good[1:], false},
		{"Empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := egdi.ParseJobID(tc.in)
			if tc.ok != (err == nil) || tc.ok && id != tc.in {
				t.Fatalf("ParseJobID(%q) = %q, %v", tc.in, id, err)
			}
			if !tc.ok && egdi.ErrorCode(err) != egdi.ENOTFOUND {
				t.Fatalf("code %q, want %q", egdi.ErrorCode(err), egdi.ENOTFOUND)
			}
		})
	}
}

func TestJobLimits(t *testing.T) {
	l := egdi.JobLimits{MaxActive: 10, MaxPerClient: 2}
	for _, tc := range []struct {
		name         string
		active, mine int
		code         string
	}{
		{"Room", 9, 1, ""},
		{"ClientFull", 3, 2, egdi.ETOOMANY},
		{"ServerFull", 10, 0, egdi.ETOOMANY},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if c := egdi.ErrorCode(l.CheckLimits(tc.active, tc.mine)); c != tc.code {
				t.Fatalf("code %q, want %q", c, tc.code)
			}
		})
	}
	if err := (egdi.JobLimits{}).CheckLimits(1e6, 1e6); err != nil {
		t.Fatalf("zero limits limited: %v", err)
	}
}

// TestJobRecover: a running job whose lease ran out is requeued until it
// has been started JobAttempts times, then failed; a queued job waiting
// since before the expiry fails; everything else is left alone.
func TestJobRecover(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Second), now.Add(time.Second)
	expire := now.Add(-time.Hour)
	for _, tc := range []struct {
		name string
		j    egdi.Job
		want egdi.JobStatus // "" = nothing to do
	}{
		{"LeaseRunning", egdi.Job{Status: egdi.JobRunning, LeaseUntil: &future, Attempts: 1, CreatedAt: now}, ""},
		{"LeaseOut", egdi.Job{Status: egdi.JobRunning, LeaseUntil: &past, Attempts: 1, CreatedAt: now}, egdi.JobQueued},
		{"LeaseOutLastAttempt", egdi.Job{Status: egdi.JobRunning, LeaseUntil: &past, Attempts: egdi.JobAttempts, CreatedAt: now}, egdi.JobFailed},
		{"QueuedFresh", egdi.Job{Status: egdi.JobQueued, CreatedAt: now}, ""},
		{"QueuedTooLong", egdi.Job{Status: egdi.JobQueued, CreatedAt: expire.Add(-time.Second)}, egdi.JobFailed},
		{"Done", egdi.Job{Status: egdi.JobDone, CreatedAt: expire.Add(-time.Hour)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := tc.j
			j.Worker = "w"
			u, ok := j.Recover(now, expire)
			if ok != (tc.want != "") {
				t.Fatalf("Recover ok = %v, want %v", ok, tc.want != "")
			}
			if !ok {
				return
			}
			if err := u.Apply(&j, now); err != nil {
				t.Fatal(err)
			}
			if j.Status != tc.want {
				t.Fatalf("status %s, want %s", j.Status, tc.want)
			}
			if j.Status == egdi.JobQueued && (j.Worker != "" || j.LeaseUntil != nil) {
				t.Fatalf("requeued job keeps worker %q lease %v", j.Worker, j.LeaseUntil)
			}
			if j.Status == egdi.JobFailed && j.Code != egdi.EUNAVAILABLE {
				t.Fatalf("failed with code %q", j.Code)
			}
		})
	}
}
