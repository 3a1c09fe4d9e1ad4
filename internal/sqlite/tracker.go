package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/egdi-project/egdi"
)

// SaveTracker stores strategies and cooperation records in one
// transaction (see egdi.TrackerStore).
func (d *DB) SaveTracker(ctx context.Context, t *egdi.Tracker) error {
	if err := t.Validate(d.cfg.Builtin.Countries); err != nil {
		return err
	}
	now := d.now()
	return d.write(ctx, func(tx *sql.Tx) error {
		for _, s := range t.Strategies {
			doc, err := json.Marshal(s)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO strategies (name, sample, doc, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (name) DO UPDATE SET sample = excluded.sample, doc = excluded.doc, updated_at = excluded.updated_at`,
				s.Name, s.Sample, string(doc), now); err != nil {
				return err
			}
		}
		for _, c := range t.Cooperation {
			rec := *c
			rec.ID = 0
			doc, err := json.Marshal(&rec)
			if err != nil {
				return err
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO cooperation (kind, date, title, sample, doc) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (kind, date, title) DO UPDATE SET sample = excluded.sample, doc = excluded.doc RETURNING id`,
				string(c.Kind), c.Date, c.Title, c.Sample, string(doc)).Scan(&id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM cooperation_parties WHERE cooperation_id = ?`, id); err != nil {
				return err
			}
			for _, p := range c.Parties {
				if _, err := tx.ExecContext(ctx, `INSERT INTO cooperation_parties (cooperation_id, party) VALUES (?, ?)`, id, p); err != nil {
					return err
				}
			}
		}
		if err := d.trackerAudit(ctx, tx, t.Audit); err != nil {
			return err
		}
		return nil
	})
}

// Strategies returns every strategy by name (see egdi.TrackerStore).
func (d *DB) Strategies(ctx context.Context) ([]*egdi.Strategy, error) {
	return d.strategies(ctx, `SELECT doc FROM strategies ORDER BY name`)
}

// Strategy returns a strategy (see egdi.TrackerStore).
func (d *DB) Strategy(ctx context.Context, name string) (*egdi.Strategy, error) {
	ss, err := d.strategies(ctx, `SELECT doc FROM strategies WHERE name = ?`, name)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No strategy named %q (see egdi strategy list).", name)
	}
	return ss[0], nil
}

func (d *DB) strategies(ctx context.Context, q string, args ...any) ([]*egdi.Strategy, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	out := []*egdi.Strategy{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, d.error(err)
		}
		s := new(egdi.Strategy)
		if err := json.Unmarshal([]byte(doc), s); err != nil {
			return nil, fmt.Errorf("sqlite: stored strategy: %w", err)
		}
		out = append(out, s)
	}
	return out, d.error(rows.Err())
}

// DeleteStrategy deletes a strategy (see egdi.TrackerStore).
func (d *DB) DeleteStrategy(ctx context.Context, name string, audit ...egdi.AuditEntry) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM strategies WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No strategy named %q (see egdi strategy list).", name)
		}
		return d.trackerAudit(ctx, tx, audit)
	})
}

// Cooperation returns the records of a country, or all (see egdi.TrackerStore).
func (d *DB) Cooperation(ctx context.Context, iso3 egdi.ISO3) ([]*egdi.Cooperation, error) {
	q, args := `SELECT id, doc FROM cooperation`, []any{}
	if iso3 != "" {
		q += ` WHERE id IN (SELECT cooperation_id FROM cooperation_parties WHERE party = ?)`
		args = append(args, string(iso3))
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	out := []*egdi.Cooperation{}
	for rows.Next() {
		var id int64
		var doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, d.error(err)
		}
		c := new(egdi.Cooperation)
		if err := json.Unmarshal([]byte(doc), c); err != nil {
			return nil, fmt.Errorf("sqlite: stored cooperation record %d: %w", id, err)
		}
		c.ID = id
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, d.error(err)
	}
	egdi.SortCooperation(out)
	return out, nil
}

// DeleteCooperation deletes a record (see egdi.TrackerStore).
func (d *DB) DeleteCooperation(ctx context.Context, id int64, audit ...egdi.AuditEntry) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM cooperation WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No cooperation record %d.", id)
		}
		return d.trackerAudit(ctx, tx, audit)
	})
}

// RemoveSample deletes the sample strategies and records (see egdi.TrackerStore).
func (d *DB) RemoveSample(ctx context.Context, audit ...egdi.AuditEntry) (strategies, records int, err error) {
	err = d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM strategies WHERE sample = 1`)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		strategies = int(n)
		if res, err = tx.ExecContext(ctx, `DELETE FROM cooperation WHERE sample = 1`); err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		records = int(n)
		for k := range audit {
			if audit[k].Old == "" {
				audit[k].Old = fmt.Sprintf(`{"strategies":%d,"records":%d}`, strategies, records)
			}
		}
		return d.trackerAudit(ctx, tx, audit)
	})
	return strategies, records, err
}

// trackerAudit appends the audit entries of a tracker write, in its
// transaction: scope egdi.AuditScopeTracker, stamped now when At is zero.
func (d *DB) trackerAudit(ctx context.Context, tx *sql.Tx, es []egdi.AuditEntry) error {
	for _, e := range es {
		e.Scope = egdi.AuditScopeTracker
		if e.At.IsZero() {
			e.At = d.cfg.Now()
		}
		if err := appendAudit(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}
