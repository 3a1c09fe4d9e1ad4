package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi"
)

// SaveTracker stores strategies and cooperation records in one
// transaction (see egdi.TrackerStore).
func (d *DB) SaveTracker(ctx context.Context, t *egdi.Tracker) error {
	if err := t.Validate(d.cfg.Builtin.Countries); err != nil {
		return err
	}
	now := egdi.StoreTime(d.cfg.Now())
	return d.write(ctx, func(tx pgx.Tx) error {
		for _, s := range t.Strategies {
			doc, err := json.Marshal(s)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO strategies (name, sample, doc, updated_at) VALUES ($1, $2, $3, $4)
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
			if err := tx.QueryRow(ctx, `INSERT INTO cooperation (kind, date, title, sample, doc) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (kind, date, title) DO UPDATE SET sample = excluded.sample, doc = excluded.doc RETURNING id`,
				string(c.Kind), c.Date, c.Title, c.Sample, string(doc)).Scan(&id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM cooperation_parties WHERE cooperation_id = $1`, id); err != nil {
				return err
			}
			for _, p := range c.Parties {
				if _, err := tx.Exec(ctx, `INSERT INTO cooperation_parties (cooperation_id, party) VALUES ($1, $2)`, id, p); err != nil {
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
	return d.strategies(ctx, `SELECT doc FROM strategies ORDER BY name COLLATE "C"`)
}

// Strategy returns a strategy (see egdi.TrackerStore).
func (d *DB) Strategy(ctx context.Context, name string) (*egdi.Strategy, error) {
	ss, err := d.strategies(ctx, `SELECT doc FROM strategies WHERE name = $1`, name)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No strategy named %q (see egdi strategy list).", name)
	}
	return ss[0], nil
}

func (d *DB) strategies(ctx context.Context, q string, args ...any) ([]*egdi.Strategy, error) {
	rows, err := d.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
	out := []*egdi.Strategy{}
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, d.error(err)
		}
		s := new(egdi.Strategy)
		if err := json.Unmarshal(doc, s); err != nil {
			return nil, fmt.Errorf("postgres: stored strategy: %w", err)
		}
		out = append(out, s)
	}
	return out, d.error(rows.Err())
}

// DeleteStrategy deletes a strategy (see egdi.TrackerStore).
func (d *DB) DeleteStrategy(ctx context.Context, name string, audit ...egdi.AuditEntry) error {
	return d.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM strategies WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No strategy named %q (see egdi strategy list).", name)
		}
		return d.trackerAudit(ctx, tx, audit)
	})
}

// Cooperation returns the records of a country, or all (see egdi.TrackerStore).
func (d *DB) Cooperation(ctx context.Context, iso3 egdi.ISO3) ([]*egdi.Cooperation, error) {
	q, args := `SELECT id, doc FROM cooperation`, []any{}
	if iso3 != "" {
		q += ` WHERE id IN (SELECT cooperation_id FROM cooperation_parties WHERE party = $1)`
		args = append(args, string(iso3))
	}
	rows, err := d.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
	out := []*egdi.Cooperation{}
	for rows.Next() {
		var id int64
		var doc []byte
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, d.error(err)
		}
		c := new(egdi.Cooperation)
		if err := json.Unmarshal(doc, c); err != nil {
			return nil, fmt.Errorf("postgres: stored cooperation record %d: %w", id, err)
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
	return d.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM cooperation WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No cooperation record %d.", id)
		}
		return d.trackerAudit(ctx, tx, audit)
	})
}

// RemoveSample deletes the sample strategies and records (see egdi.TrackerStore).
func (d *DB) RemoveSample(ctx context.Context, audit ...egdi.AuditEntry) (strategies, records int, err error) {
	err = d.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM strategies WHERE sample`)
		if err != nil {
			return err
		}
		strategies = int(tag.RowsAffected())
		if tag, err = tx.Exec(ctx, `DELETE FROM cooperation WHERE sample`); err != nil {
			return err
		}
		records = int(tag.RowsAffected())
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
func (d *DB) trackerAudit(ctx context.Context, tx pgx.Tx, es []egdi.AuditEntry) error {
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
