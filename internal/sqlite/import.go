package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/egdi-project/egdi"
)

// progressEvery is how many written rows go between two progress calls.
const progressEvery = 500

type storedRecord struct {
	egdi.Record
	builtin bool
}

type storedObservation struct {
	egdi.Observation
	builtin bool
}

// Import stores a batch in one IMMEDIATE transaction (see egdi.ImportStore).
func (d *DB) Import(ctx context.Context, b *egdi.Batch, progress func(done, total int)) (*egdi.ImportSummary, error) {
	recs, obs, skipped, err := egdi.PrepareBatch(b, d.cfg.Builtin.Countries)
	if err != nil {
		return nil, err
	}
	sum := &egdi.ImportSummary{File: b.File, Source: b.Source, Read: b.Read, Skipped: append(append([]egdi.Skip(nil), b.Skipped...), skipped...)}
	err = d.write(ctx, func(tx *sql.Tx) error {
		// Plan: compare each row with what is stored.
		var newRecs, updRecs []egdi.Record
		editions := map[int]bool{}
		for _, r := range recs {
			editions[r.Edition] = true
		}
		stored := map[egdi.RecordKey]storedRecord{}
		for y := range editions {
			if err := loadRecords(ctx, tx, y, stored); err != nil {
				return err
			}
		}
		for _, r := range recs {
			s, ok := stored[egdi.RecordKey{Edition: r.Edition, ISO3: r.ISO3}]
			switch {
			case !ok:
				newRecs = append(newRecs, r)
			case egdi.SameRecord(s.Record, r):
				sum.Unchanged++
			case s.builtin:
				return egdi.Errorf(egdi.ECONFLICT, "%s: %s in edition %d differs from the built-in record (EGDI %g, rank %d; the file has %g, rank %d), which is read-only: nothing was imported.",
					b.File, r.ISO3, r.Edition, s.EGDI, s.Rank, r.EGDI, r.Rank)
			default:
				updRecs = append(updRecs, r)
			}
		}
		var newObs, updObs []egdi.Observation
		type sv struct{ source, vintage string }
		vintages := map[sv]bool{}
		for _, o := range obs {
			vintages[sv{o.Source, o.Vintage}] = true
		}
		storedObs := map[egdi.ObservationKey]storedObservation{}
		for v := range vintages {
			if err := loadObservations(ctx, tx, v.source, v.vintage, storedObs); err != nil {
				return err
			}
		}
		for _, o := range obs {
			s, ok := storedObs[o.Key()]
			switch {
			case !ok:
				newObs = append(newObs, o)
			case egdi.SameObservation(s.Observation, o):
				sum.Unchanged++
			case s.builtin:
				return egdi.Errorf(egdi.ECONFLICT, "%s: %s %s %d (%s %s) is %g in the built-in record, which is read-only; the file has %g: nothing was imported.",
					b.File, o.ISO3, o.Indicator, o.Year, o.Source, o.Vintage, s.Value, o.Value)
			default:
				updObs = append(updObs, o)
			}
		}
		total := len(newRecs) + len(updRecs) + len(newObs) + len(updObs)
		sum.Stored = total
		if total == 0 {
			return nil // nothing changes, not even the import log
		}
		// Write.
		res, err := tx.ExecContext(ctx, `INSERT INTO imports (file, source, imported_at, read, stored, unchanged, skipped)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, b.File, b.Source, d.now(), sum.Read, sum.Stored, sum.Unchanged, len(sum.Skipped))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		done := 0
		tick := func() {
			done++
			if progress != nil && (done%progressEvery == 0 || done == total) {
				progress(done, total)
			}
		}
		if len(newRecs)+len(updRecs) > 0 {
			st, err := tx.PrepareContext(ctx, `INSERT INTO published (edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi, builtin, import_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
				ON CONFLICT (edition, iso3) DO UPDATE SET name = excluded.name, assessed = excluded.assessed, rank = excluded.rank,
				egdi = excluded.egdi, osi = excluded.osi, tii = excluded.tii, hci = excluded.hci, epi = excluded.epi,
				import_id = excluded.import_id WHERE published.builtin = 0`)
			if err != nil {
				return err
			}
			defer func() { _ = st.Close() }()
			for _, r := range append(newRecs, updRecs...) {
				if err := ctx.Err(); err != nil {
					return err
				}
				if _, err := st.ExecContext(ctx, r.Edition, string(r.ISO3), r.Name, r.Assessed, r.Rank, r.EGDI, r.OSI, r.TII, r.HCI, r.EPI, id); err != nil {
					return err
				}
				tick()
			}
		}
		if len(newObs)+len(updObs) > 0 {
			st, err := tx.PrepareContext(ctx, `INSERT INTO observations (iso3, indicator, year, source, vintage, value, estimate, builtin, import_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
				ON CONFLICT (iso3, indicator, year, source, vintage) DO UPDATE SET value = excluded.value, estimate = excluded.estimate,
				import_id = excluded.import_id WHERE observations.builtin = 0`)
			if err != nil {
				return err
			}
			defer func() { _ = st.Close() }()
			for _, o := range append(newObs, updObs...) {
				if err := ctx.Err(); err != nil {
					return err
				}
				if _, err := st.ExecContext(ctx, string(o.ISO3), o.Indicator.String(), o.Year, o.Source, o.Vintage, o.Value, o.Estimate, id); err != nil {
					return err
				}
				tick()
			}
		}
		return writeSnapshot(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

func loadRecords(ctx context.Context, tx *sql.Tx, edition int, into map[egdi.RecordKey]storedRecord) error {
	rows, err := tx.QueryContext(ctx, `SELECT edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi, builtin
		FROM published WHERE edition = ?`, edition)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
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

func loadObservations(ctx context.Context, tx *sql.Tx, source, vintage string, into map[egdi.ObservationKey]storedObservation) error {
	rows, err := tx.QueryContext(ctx, `SELECT iso3, indicator, year, value, estimate, builtin
		FROM observations WHERE source = ? AND vintage = ?`, source, vintage)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
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
