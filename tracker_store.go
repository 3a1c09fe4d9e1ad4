package egdi

import "context"

// TrackerStore keeps strategies and cooperation records (strategy.go,
// cooperation.go). Writes are all-or-nothing: on any error nothing of a
// call is stored. The audit entries given to a write (Tracker.Audit, or
// the audit arguments) are appended to the audit log in the same
// transaction, with scope [AuditScopeTracker].
type TrackerStore interface {
	// SaveTracker stores t in one transaction: each strategy replaces a
	// stored one of the same name, each record one of the same key (kind,
	// date, title), keeping its id; new records get ids. Errors: EINVALID
	// (see [Tracker.Validate], checked against the store's countries).
	SaveTracker(ctx context.Context, t *Tracker) error
	// Strategies returns every strategy, by name.
	Strategies(ctx context.Context) ([]*Strategy, error)
	// Strategy returns the named strategy. Errors: ENOTFOUND.
	Strategy(ctx context.Context, name string) (*Strategy, error)
	// DeleteStrategy deletes a strategy. Errors: ENOTFOUND.
	DeleteStrategy(ctx context.Context, name string, audit ...AuditEntry) error
	// Cooperation returns the records a country is a party to (every
	// record when iso3 is empty), by date (see [SortCooperation]).
	Cooperation(ctx context.Context, iso3 ISO3) ([]*Cooperation, error)
	// DeleteCooperation deletes a record. Errors: ENOTFOUND.
	DeleteCooperation(ctx context.Context, id int64, audit ...AuditEntry) error
	// RemoveSample deletes every strategy and record marked as sample and
	// returns how many of each it deleted (an audit entry without Old
	// gets {"strategies":N,"records":M}).
	RemoveSample(ctx context.Context, audit ...AuditEntry) (strategies, records int, err error)
}
