package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi"
)

// Dataset returns the built-in record merged with the imported rows (see
// egdi.DatasetStore and the sqlite package, whose rules are the same). The
// dataset is kept until meta.data_version changes, so a server answering
// many requests reads the rows once per import.
func (d *DB) Dataset(ctx context.Context) (*egdi.Dataset, error) {
	var version int64
	if err := d.pool.QueryRow(ctx, `SELECT data_version FROM meta WHERE id = 1`).Scan(&version); err != nil {
		return nil, d.error(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cache != nil && d.cacheVersion == version {
		return d.cache, nil
	}
	where := ``
	if d.current {
		where = `WHERE NOT builtin`
	}
	recs, err := d.records(ctx, where)
	if err != nil {
		return nil, err
	}
	obs, err := d.observations(ctx, where)
	if err != nil {
		return nil, err
	}
	if d.current {
		d.cache = egdi.MergeDataset(d.cfg.Builtin, recs, obs)
	} else {
		d.cache = &egdi.Dataset{Countries: d.cfg.Builtin.Countries, Published: map[int][]egdi.Record{}, Observations: obs}
		for _, r := range recs {
			d.cache.Published[r.Edition] = append(d.cache.Published[r.Edition], r)
		}
	}
	d.cacheVersion = version
	return d.cache, nil
}

func (d *DB) records(ctx context.Context, where string) ([]egdi.Record, error) {
	rows, err := d.pool.Query(ctx, `SELECT edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi
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

func (d *DB) observations(ctx context.Context, where string) ([]egdi.Observation, error) {
	rows, err := d.pool.Query(ctx, `SELECT iso3, indicator, year, source, vintage, value, estimate
		FROM observations `+where+` ORDER BY builtin, import_id DESC NULLS LAST, iso3, indicator, year, source, vintage`)
	if err != nil {
		return nil, d.error(err)
	}
	defer rows.Close()
	var out []egdi.Observation
	for rows.Next() {
		var o egdi.Observation
		var iso, ind string
		if err := rows.Scan(&iso, &ind, &o.Year, &o.Source, &o.Vintage, &o.Value, &o.Estimate); err != nil {
			return nil, d.error(err)
		}
		var ok bool
		if o.Indicator, ok = egdi.ParseIndicator(ind); !ok {
			return nil, fmt.Errorf("postgres: stored observation with unknown indicator %q", ind)
		}
		o.ISO3 = egdi.ISO3(iso)
		out = append(out, o)
	}
	return out, d.error(rows.Err())
}

// progressEvery is how many rows go in one round trip of an import.
const progressEvery = 500

type storedRecord struct {
	egdi.Record
	builtin bool
}

type storedObservation struct {
	egdi.Observation
	builtin bool
}

// Import stores a batch in one transaction (see egdi.ImportStore).
func (d *DB) Import(ctx context.Context, b *egdi.Batch, progress func(done, total int)) (*egdi.ImportSummary, error) {
	recs, obs, skipped, err := egdi.PrepareBatch(b, d.cfg.Builtin.Countries)
	if err != nil {
		return nil, err
	}
	sum := &egdi.ImportSummary{File: b.File, Source: b.Source, Read: b.Read, Skipped: append(append([]egdi.Skip(nil), b.Skipped...), skipped...)}
	err = d.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(importLock)); err != nil {
			return err
		}
		stored := map[egdi.RecordKey]storedRecord{}
		editions := map[int]bool{}
		for _, r := range recs {
			if !editions[r.Edition] {
				editions[r.Edition] = true
				if err := loadRecords(ctx, tx, r.Edition, stored); err != nil {
					return err
				}
			}
		}
		var writes []egdi.Record
		for _, r := range recs {
			s, ok := stored[egdi.RecordKey{Edition: r.Edition, ISO3: r.ISO3}]
			switch {
			case !ok:
				writes = append(writes, r)
			case egdi.SameRecord(s.Record, r):
				sum.Unchanged++
			case s.builtin:
				return egdi.Errorf(egdi.ECONFLICT, "%s: %s in edition %d differs from the built-in record (EGDI %g, rank %d; the file has %g, rank %d), which is read-only: nothing was imported.",
					b.File, r.ISO3, r.Edition, s.EGDI, s.Rank, r.EGDI, r.Rank)
			default:
				writes = append(writes, r)
			}
		}
		storedObs := map[egdi.ObservationKey]storedObservation{}
		type sv struct{ source, vintage string }
		vintages := map[sv]bool{}
		for _, o := range obs {
			if k := (sv{o.Source, o.Vintage}); !vintages[k] {
				vintages[k] = true
				if err := loadObservations(ctx, tx, o.Source, o.Vintage, storedObs); err != nil {
					return err
				}
			}
		}
		var owrites []egdi.Observation
		for _, o := range obs {
			s, ok := storedObs[o.Key()]
			switch {
			case !ok:
				owrites = append(owrites, o)
			case egdi.SameObservation(s.Observation, o):
				sum.Unchanged++
			case s.builtin:
				return egdi.Errorf(egdi.ECONFLICT, "%s: %s %s %d (%s %s) is %g in the built-in record, which is read-only; the file has %g: nothing was imported.",
					b.File, o.ISO3, o.Indicator, o.Year, o.Source, o.Vintage, s.Value, o.Value)
			default:
				owrites = append(owrites, o)
			}
		}
		total := len(writes) + len(owrites)
		sum.Stored = total
		if total == 0 {
			return nil
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO imports (file, source, imported_at, read, stored, unchanged, skipped)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, b.File, b.Source, egdi.StoreTime(d.cfg.Now()), sum.Read, sum.Stored,
			sum.Unchanged, len(sum.Skipped)).Scan(&id); err != nil {
			return err
		}
		const upRec = `INSERT INTO published (edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi, builtin, import_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false, $11)
			ON CONFLICT (edition, iso3) DO UPDATE SET name = excluded.name, assessed = excluded.assessed, rank = excluded.rank,
			egdi = excluded.egdi, osi = excluded.osi, tii = excluded.tii, hci = excluded.hci, epi = excluded.epi,
			import_id = excluded.import_id WHERE NOT published.builtin`
		const upObs = `INSERT INTO observations (iso3, indicator, year, source, vintage, value, estimate, builtin, import_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8)
			ON CONFLICT (iso3, indicator, year, source, vintage) DO UPDATE SET value = excluded.value, estimate = excluded.estimate,
			import_id = excluded.import_id WHERE NOT observations.builtin`
		done := 0
		batch := &pgx.Batch{}
		flush := func() error {
			if batch.Len() == 0 {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			n := batch.Len()
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return err
			}
			batch = &pgx.Batch{}
			done += n
			if progress != nil {
				progress(done, total)
			}
			return nil
		}
		for _, r := range writes {
			batch.Queue(upRec, r.Edition, string(r.ISO3), r.Name, r.Assessed, r.Rank, r.EGDI, r.OSI, r.TII, r.HCI, r.EPI, id)
			if batch.Len() == progressEvery {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		for _, o := range owrites {
			batch.Queue(upObs, string(o.ISO3), o.Indicator.String(), o.Year, o.Source, o.Vintage, o.Value, o.Estimate, id)
			if batch.Len() == progressEvery {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE meta SET data_version = data_version + 1 WHERE id = 1`)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

func loadRecords(ctx context.Context, tx pgx.Tx, edition int, into map[egdi.RecordKey]storedRecord) error {
	rows, err := tx.Query(ctx, `SELECT edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi, builtin
		FROM published WHERE edition = $1`, edition)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r storedRecord
		var iso string
		if err := rows.Scan(&r.Edition, &iso, &r.Name, &r.Assessed, &r.Rank, &r.EGDI, &r.OSI, &r.TII, &r.HCI, &r.EPI, &r.builtin); err != nil {
			return err
		}
		r.ISO3 = egdi.ISO3(iso)
		into[egdi.RecordKey{Edition: r.Edition, ISO3: r.ISO3}] = r
	}
	return rows.Err()
}

func loadObservations(ctx context.Context, tx pgx.Tx, source, vintage string, into map[egdi.ObservationKey]storedObservation) error {
	rows, err := tx.Query(ctx, `SELECT iso3, indicator, year, value, estimate, builtin
		FROM observations WHERE source = $1 AND vintage = $2`, source, vintage)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o storedObservation
		var iso, ind string
		if err := rows.Scan(&iso, &ind, &o.Year, &o.Value, &o.Estimate, &o.builtin); err != nil {
			return err
		}
		var ok bool
		if o.Indicator, ok = egdi.ParseIndicator(ind); !ok {
			return fmt.Errorf("stored observation with unknown indicator %q", ind)
		}
		o.ISO3, o.Source, o.Vintage = egdi.ISO3(iso), source, vintage
		into[o.Key()] = o
	}
	return rows.Err()
}
