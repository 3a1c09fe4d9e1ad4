package egdi

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Cooperation: the record of international cooperation an e-government
// authority keeps — agreements, visits and delegations, events and
// workshops, awards and memberships — each with its dates, parties,
// topic, documents and outcomes, and a timeline per partner country.

// CooperationKind is the kind of a cooperation record.
type CooperationKind string

// Kinds of cooperation records.
const (
	Agreement  CooperationKind = "agreement"  // an MoU, agreement or treaty
	Visit      CooperationKind = "visit"      // a visit or delegation
	Event      CooperationKind = "event"      // an event, forum or workshop
	Award      CooperationKind = "award"      // an award won or created
	Membership CooperationKind = "membership" // a seat on a committee or body
)

// CooperationKinds lists the kinds in display order.
var CooperationKinds = []CooperationKind{Agreement, Visit, Event, Award, Membership}

// Cooperation is one record. Date (and End, for a span) is a year, a
// month or a day — YYYY, YYYY-MM or YYYY-MM-DD — as precise as the source
// is; empty when the source gives no date. Parties are countries (ISO3
// codes) and organisations (any other name). Key is the record's
// identity: kind, date and title; importing a record with the key of a
// stored one replaces it.
type Cooperation struct {
	ID        int64           `json:"id,omitempty"`
	Kind      CooperationKind `json:"kind"`
	Date      string          `json:"date"`
	End       string          `json:"end,omitempty"`
	Parties   []string        `json:"parties"`
	Topic     string          `json:"topic,omitempty"`
	TopicAR   string          `json:"topic_ar,omitempty"`
	Title     string          `json:"title"`
	TitleAR   string          `json:"title_ar,omitempty"`
	Documents []string        `json:"documents,omitempty"`
	// DocumentsAR and OutcomesAR are the same lists in Arabic, shown on
	// Arabic pages when given.
	DocumentsAR []string `json:"documents_ar,omitempty"`
	Outcomes    []string `json:"outcomes,omitempty"`
	OutcomesAR  []string `json:"outcomes_ar,omitempty"`
	Source      string   `json:"source,omitempty"`
	Sample      bool     `json:"sample,omitempty"`
}

// CooperationKey identifies a record: kind, date and title.
type CooperationKey struct {
	Kind  CooperationKind
	Date  string
	Title string
}

// Key returns the record's identity.
func (c *Cooperation) Key() CooperationKey { return CooperationKey{c.Kind, c.Date, c.Title} }

var partialDate = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// ValidDate reports whether s is a date egdi keeps: YYYY, YYYY-MM or
// YYYY-MM-DD, a real calendar date in 1900–2100.
func ValidDate(s string) bool {
	if !partialDate.MatchString(s) {
		return false
	}
	y, _ := strconv.Atoi(s[:4])
	if !validYear(y) {
		return false
	}
	switch len(s) {
	case 7:
		_, err := time.Parse("2006-01", s)
		return err == nil
	case 10:
		_, err := time.Parse("2006-01-02", s)
		return err == nil
	}
	return true
}

// Validate checks a record: a known kind, dates, at least one party, a
// title; parties of three upper-case letters must be known countries.
// Errors: EINVALID naming the record.
func (c *Cooperation) Validate(cs *Countries) error {
	name := c.Title
	if name == "" {
		name = "(untitled)"
	}
	if !slices.Contains(CooperationKinds, c.Kind) {
		return Errorf(EINVALID, "Cooperation record %q: unknown kind %q (agreement, visit, event, award or membership).", name, c.Kind)
	}
	if err := validText("Cooperation record: the title", c.Title, 500); err != nil {
		return err
	}
	if c.Date != "" && !ValidDate(c.Date) {
		return Errorf(EINVALID, "Cooperation record %q: date %q is not YYYY, YYYY-MM or YYYY-MM-DD.", name, c.Date)
	}
	if c.End != "" && (!ValidDate(c.End) || c.Date == "" || c.End < c.Date) {
		return Errorf(EINVALID, "Cooperation record %q: end %q is not a date on or after the start.", name, c.End)
	}
	if len(c.Parties) == 0 {
		return Errorf(EINVALID, "Cooperation record %q has no parties.", name)
	}
	seen := map[string]bool{}
	for _, p := range c.Parties {
		if err := validText("Cooperation record "+strconv.Quote(name)+": a party", p, 200); err != nil {
			return err
		}
		if seen[p] {
			return Errorf(EINVALID, "Cooperation record %q: party %s appears twice.", name, p)
		}
		seen[p] = true
		if isCode(p) && cs.Get(ISO3(p)) == nil {
			return Errorf(EINVALID, "Cooperation record %q: unknown country %s (organisations are written as names, e.g. UN DESA).", name, p)
		}
	}
	for what, v := range map[string]string{"title_ar": c.TitleAR, "topic": c.Topic, "topic_ar": c.TopicAR, "source": c.Source} {
		if v != "" {
			if err := validText("Cooperation record "+strconv.Quote(name)+": "+what, v, 2000); err != nil {
				return err
			}
		}
	}
	for _, l := range [][]string{c.Documents, c.Outcomes, c.DocumentsAR, c.OutcomesAR} {
		for _, v := range l {
			if err := validText("Cooperation record "+strconv.Quote(name)+": a document or outcome", v, 2000); err != nil {
				return err
			}
		}
	}
	return nil
}

// isCode reports whether s looks like an ISO3 code (three letters A–Z).
func isCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Countries returns the record's country parties.
func (c *Cooperation) Countries() []ISO3 {
	var out []ISO3
	for _, p := range c.Parties {
		if isCode(p) {
			out = append(out, ISO3(p))
		}
	}
	return out
}

// Involves reports whether the country is a party to the record.
func (c *Cooperation) Involves(iso3 ISO3) bool { return slices.Contains(c.Parties, string(iso3)) }

// SortCooperation sorts records by date, oldest first (a year before
// the months of that year; undated records last), then kind and title.
func SortCooperation(rs []*Cooperation) {
	slices.SortStableFunc(rs, func(a, b *Cooperation) int {
		if (a.Date == "") != (b.Date == "") {
			if a.Date == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.Title, b.Title))
	})
}

// Timeline returns the records a country is a party to, sorted by date.
// An empty iso3 returns every record.
func Timeline(rs []*Cooperation, iso3 ISO3) []*Cooperation {
	out := []*Cooperation{}
	for _, r := range rs {
		if iso3 == "" || r.Involves(iso3) {
			out = append(out, r)
		}
	}
	SortCooperation(out)
	return out
}

// Tracker is what the strategy store imports in one transaction:
// strategies (each replacing a stored one of the same name) and
// cooperation records (each replacing a stored one of the same key).
//
// Audit, when set, are the audit-log entries of the change (scope
// [AuditScopeTracker]); the store appends them in the same transaction,
// stamped with its clock when At is zero.
type Tracker struct {
	Strategies  []*Strategy    `json:"strategies"`
	Cooperation []*Cooperation `json:"cooperation"`
	Audit       []AuditEntry   `json:"-"`
}

// AuditScopeTracker is the audit scope of strategy and cooperation changes.
const AuditScopeTracker = "tracker"

// Audit actions on the tracker. Item is the strategy's name (with
// "/initiative" for an initiative or KPI), a record's "kind date title"
// (its id for a delete), "sample", or the file
// imported; Old and New are JSON ("" when none).
const (
	AuditStrategyCreate    = "strategy.create"
	AuditInitiativeAdd     = "strategy.initiative.add"
	AuditKPIAdd            = "strategy.kpi.add"
	AuditCooperationSave   = "cooperation.save"
	AuditTrackerImport     = "tracker.import"
	AuditSampleLoad        = "sample.load"
	AuditSampleRemove      = "sample.remove"
	AuditStrategyDelete    = "strategy.delete"
	AuditCooperationDelete = "cooperation.delete"
)

// Validate checks every strategy and record, and that no two share a name
// or a key. Errors: EINVALID.
func (t *Tracker) Validate(cs *Countries) error {
	names := map[string]bool{}
	for _, s := range t.Strategies {
		if err := s.Validate(cs); err != nil {
			return err
		}
		if names[s.Name] {
			return Errorf(EINVALID, "Strategy %q appears twice.", s.Name)
		}
		names[s.Name] = true
	}
	keys := map[CooperationKey]bool{}
	for _, c := range t.Cooperation {
		if err := c.Validate(cs); err != nil {
			return err
		}
		if keys[c.Key()] {
			return Errorf(EINVALID, "Cooperation record %s %s %q appears twice.", c.Kind, c.Date, c.Title)
		}
		keys[c.Key()] = true
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
