package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/egdi-project/egdi"
)

// Dataset returns the built-in record merged with the imported rows. When
// the file's built-in rows are this binary's (the usual case), only the
// imported rows are read, from their snapshot (snapshot.go), and the
// merged dataset is kept until the snapshot changes; otherwise every row
// is read.
func (d *DB) Dataset(ctx context.Context) (*egdi.Dataset, error) {
	if !d.current {
		return d.readAll(ctx)
	}
	var version int64
	err := d.db.QueryRowContext(ctx, `SELECT version FROM snapshot WHERE id = 1`).Scan(&version)
	if err != nil && !isNoRows(err) {
		return nil, d.error(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cache != nil && d.cacheVersion == version {
		return d.cache, nil
	}
	var recs []egdi.Record
	var obs []egdi.Observation
	if isNoRows(err) {
		// No import has stored anything since the snapshot table exists;
		// read rows an older egdi may have imported (usually none).
		if recs, err = d.records(ctx, `WHERE builtin = 0`); err != nil {
			return nil, err
		}
		if obs, err = d.observations(ctx, `WHERE builtin = 0`); err != nil {
			return nil, err
		}
	} else {
		var data []byte
		if err := d.db.QueryRowContext(ctx, `SELECT version, data FROM snapshot WHERE id = 1`).Scan(&version, &data); err != nil {
			return nil, d.error(err)
		}
		if recs, obs, err = decodeSnapshot(data); err != nil {
			return nil, fmt.Errorf("%s: %w", d.cfg.Path, err)
		}
	}
	d.cache, d.cacheVersion = egdi.MergeDataset(d.cfg.Builtin, recs, obs), version
	return d.cache, nil
}

// readAll reads every row: the path for a file whose built-in rows are
// another release's.
func (d *DB) readAll(ctx context.Context) (*egdi.Dataset, error) {
	recs, err := d.records(ctx, ``)
	if err != nil {
		return nil, err
	}
	obs, err := d.observations(ctx, ``)
	if err != nil {
		return nil, err
	}
	out := &egdi.Dataset{Countries: d.cfg.Builtin.Countries, Published: map[int][]egdi.Record{}, Observations: obs}
	for _, r := range recs {
		out.Published[r.Edition] = append(out.Published[r.Edition], r)
	}
	return out, nil
}

// writeSnapshot rewrites the snapshot of the imported rows inside an
// import's transaction.
func writeSnapshot(ctx context.Context, tx *sql.Tx) error {
	recs, err := scanRecords(tx.QueryContext(ctx, `SELECT edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi
		FROM published WHERE builtin = 0 ORDER BY edition, iso3`))
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT iso3, indicator, year, source, vintage, value, estimate
		FROM observations WHERE builtin = 0 ORDER BY import_id DESC, iso3, indicator, year, source, vintage`)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	obs, err := scanObservations(rows, func(err error) error { return err })
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO snapshot (id, version, data) VALUES (1, 1, ?)
		ON CONFLICT (id) DO UPDATE SET version = snapshot.version + 1, data = excluded.data`, encodeSnapshot(recs, obs))
	return err
}

func (d *DB) records(ctx context.Context, where string) ([]egdi.Record, error) {
	recs, err := scanRecords(d.db.QueryContext(ctx, `SELECT edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi
		FROM published `+where+` ORDER BY edition, iso3`))
	return recs, d.error(err)
}

func scanRecords(rows *sql.Rows, err error) ([]egdi.Record, error) {
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []egdi.Record
	for rows.Next() {
		var r egdi.Record
		var iso string
		if err := rows.Scan(&r.Edition, &iso, &r.Name, &r.Assessed, &r.Rank, &r.EGDI, &r.OSI, &r.TII, &r.HCI, &r.EPI); err != nil {
			return nil, err
		}
		r.ISO3 = egdi.ISO3(iso)
		out = append(out, r)
	}
	return out, rows.Err()
}

// observations returns observations, imported before built-in, the most
// recent import first.
func (d *DB) observations(ctx context.Context, where string) ([]egdi.Observation, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT iso3, indicator, year, source, vintage, value, estimate
		FROM observations `+where+` ORDER BY builtin, import_id DESC, iso3, indicator, year, source, vintage`)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	return scanObservations(rows, d.error)
}

func scanObservations(rows *sql.Rows, wrap func(error) error) ([]egdi.Observation, error) {
	var out []egdi.Observation
	for rows.Next() {
		var o egdi.Observation
		var iso, ind string
		if err := rows.Scan(&iso, &ind, &o.Year, &o.Source, &o.Vintage, &o.Value, &o.Estimate); err != nil {
			return nil, wrap(err)
		}
		var ok bool
		if o.Indicator, ok = egdi.ParseIndicator(ind); !ok {
			return nil, fmt.Errorf("sqlite: stored observation with unknown indicator %q", ind)
		}
		o.ISO3 = egdi.ISO3(iso)
		out = append(out, o)
	}
	return out, wrap(rows.Err())
}
