package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/egdi-project/egdi"
)

// Dataset returns the built-in record merged with the imported rows. When
// the file's built-in rows are this binary's (the usual case), only the
// imported rows are read; otherwise every row is.
func (d *DB) Dataset(ctx context.Context) (*egdi.Dataset, error) {
	if d.current {
		recs, err := d.records(ctx, `WHERE builtin = 0`)
		if err != nil {
			return nil, err
		}
		obs, err := d.observations(ctx, `WHERE builtin = 0`)
		if err != nil {
			return nil, err
		}
		return egdi.MergeDataset(d.cfg.Builtin, recs, obs), nil
	}
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

func (d *DB) records(ctx context.Context, where string) ([]egdi.Record, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi
		FROM published `+where+` ORDER BY edition, iso3`)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
	var out []egdi.Record
	for rows.Next() {
		var r egdi.Record
		var iso string
		if err := rows.Scan(&r.Edition, &iso, &r.Name, &r.Assessed, &r.Rank, &r.EGDI, &r.OSI, &r.TII, &r.HCI, &r.EPI); err != nil {
			return nil, d.error(err)
		}
		r.ISO3 = egdi.ISO3(iso)
		out = append(out, r)
	}
	return out, d.error(rows.Err())
}

// observations returns observations, imported before built-in, the most
// recent import first.
func (d *DB) observations(ctx context.Context, where string) ([]egdi.Observation, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT iso3, indicator, year, source, vintage, value, estimate
		FROM observations `+where+` ORDER BY builtin, import_id DESC, iso3, indicator, year, source, vintage`)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
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
