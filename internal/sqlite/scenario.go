package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/egdi-project/egdi"
)

// SaveScenario stores a new scenario (see egdi.ScenarioStore).
func (d *DB) SaveScenario(ctx context.Context, s *egdi.Scenario) error {
	if err := egdi.CheckScenarioName(s.Name); err != nil {
		return err
	}
	if len(s.Values) == 0 {
		return egdi.Errorf(egdi.EINVALID, "Edition %s holds no values.", s.Name)
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM scenarios WHERE name = ?`, s.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return egdi.Errorf(egdi.ECONFLICT, "An edition named %s exists already: delete it first (egdi edition delete %s).", s.Name, s.Name)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO scenarios (name, like_edition, data_year, created_at) VALUES (?, ?, ?, ?)`,
			s.Name, s.Like, s.DataYear, fmtTime(s.CreatedAt)); err != nil {
			return err
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO scenario_values (scenario, iso3, indicator, value, origin, year, source)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer func() { _ = st.Close() }()
		return insertValues(ctx, st, s.Name, s.Values)
	})
}

func insertValues(ctx context.Context, st *sql.Stmt, owner any, vs []egdi.InputValue) error {
	seen := map[[2]string]bool{}
	for _, v := range vs {
		k := [2]string{string(v.ISO3), v.Indicator.String()}
		if seen[k] {
			return egdi.Errorf(egdi.EINVALID, "%s has two values of %s.", v.ISO3, v.Indicator)
		}
		seen[k] = true
		if err := v.Indicator.CheckValue(v.Value); err != nil {
			return egdi.Errorf(egdi.EINVALID, "%s: %w.", v.ISO3, err)
		}
		switch v.Origin {
		case egdi.OriginRaw, egdi.OriginCarried, egdi.OriginSet:
		default:
			return egdi.Errorf(egdi.EINVALID, "%s %s: unknown origin %q.", v.ISO3, v.Indicator, v.Origin)
		}
		if _, err := st.ExecContext(ctx, owner, string(v.ISO3), v.Indicator.String(), v.Value, v.Origin, v.Year, v.Source); err != nil {
			return err
		}
	}
	return nil
}

// Scenario returns a scenario (see egdi.ScenarioStore).
func (d *DB) Scenario(ctx context.Context, name string) (*egdi.Scenario, error) {
	ss, err := d.scenarios(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No edition named %s (see egdi edition list).", name)
	}
	return ss[0], nil
}

// Scenarios returns every scenario (see egdi.ScenarioStore).
func (d *DB) Scenarios(ctx context.Context) ([]*egdi.Scenario, error) { return d.scenarios(ctx, "") }

func (d *DB) scenarios(ctx context.Context, name string) ([]*egdi.Scenario, error) {
	q := `SELECT name, like_edition, data_year, created_at FROM scenarios`
	var args []any
	if name != "" {
		q += ` WHERE name = ?`
		args = append(args, name)
	}
	rows, err := d.db.QueryContext(ctx, q+` ORDER BY name`, args...)
	if err != nil {
		return nil, d.error(err)
	}
	var out []*egdi.Scenario
	byName := map[string]*egdi.Scenario{}
	for rows.Next() {
		s := &egdi.Scenario{}
		var at string
		if err := rows.Scan(&s.Name, &s.Like, &s.DataYear, &at); err != nil {
			_ = rows.Close()
			return nil, d.error(err)
		}
		if s.CreatedAt, err = parseTime(at); err != nil {
			_ = rows.Close()
			return nil, err
		}
		out = append(out, s)
		byName[s.Name] = s
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, d.error(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	q = `SELECT scenario, iso3, indicator, value, origin, year, source FROM scenario_values`
	if name != "" {
		q += ` WHERE scenario = ?`
	}
	vrows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = vrows.Close() }()
	for vrows.Next() {
		var owner string
		v, err := scanValue(vrows, &owner)
		if err != nil {
			return nil, d.error(err)
		}
		if s := byName[owner]; s != nil {
			s.Values = append(s.Values, v)
		}
	}
	if err := vrows.Err(); err != nil {
		return nil, d.error(err)
	}
	for _, s := range out {
		egdi.SortValues(s.Values)
	}
	return out, nil
}

func scanValue(rows *sql.Rows, owner any) (egdi.InputValue, error) {
	var v egdi.InputValue
	var iso, ind string
	if err := rows.Scan(owner, &iso, &ind, &v.Value, &v.Origin, &v.Year, &v.Source); err != nil {
		return v, err
	}
	var ok bool
	if v.Indicator, ok = egdi.ParseIndicator(ind); !ok {
		return v, fmt.Errorf("stored value with unknown indicator %q", ind)
	}
	v.ISO3 = egdi.ISO3(iso)
	return v, nil
}

// DeleteScenario deletes a scenario and its results (see egdi.ScenarioStore).
func (d *DB) DeleteScenario(ctx context.Context, name string) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM scenarios WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return egdi.Errorf(egdi.ENOTFOUND, "No edition named %s (see egdi edition list).", name)
		}
		return nil
	})
}

// SaveResult stores a result (see egdi.ResultStore).
func (d *DB) SaveResult(ctx context.Context, r *egdi.Result) (int64, error) {
	if len(r.Scores) == 0 {
		return 0, egdi.Errorf(egdi.EINVALID, "A result needs scores.")
	}
	scores, err := json.Marshal(r.Scores)
	if err != nil {
		return 0, err
	}
	mj := r.MethodJSON
	if mj == nil {
		mj = json.RawMessage("null")
	}
	if !json.Valid(mj) {
		return 0, egdi.Errorf(egdi.EINVALID, "The result's method is not JSON.")
	}
	var id int64
	err = d.write(ctx, func(tx *sql.Tx) error {
		var scen any
		if r.Scenario != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM scenarios WHERE name = ?`, r.Scenario).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return egdi.Errorf(egdi.ENOTFOUND, "No edition named %s.", r.Scenario)
			}
			scen = r.Scenario
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO results (edition, scenario, method, method_json, scores, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.Edition, scen, r.Method, string(mj), string(scores), fmtTime(r.CreatedAt))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO result_inputs (result_id, iso3, indicator, value, origin, year, source)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer func() { _ = st.Close() }()
		return insertValues(ctx, st, id, r.Inputs)
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// Result returns a result with its inputs and scores (see egdi.ResultStore).
func (d *DB) Result(ctx context.Context, id int64) (*egdi.Result, error) {
	rs, err := d.results(ctx, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "No result %d.", id)
	}
	r := rs[0]
	rows, err := d.db.QueryContext(ctx, `SELECT result_id, iso3, indicator, value, origin, year, source FROM result_inputs WHERE result_id = ?`, id)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var owner int64
		v, err := scanValue(rows, &owner)
		if err != nil {
			return nil, d.error(err)
		}
		r.Inputs = append(r.Inputs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, d.error(err)
	}
	egdi.SortValues(r.Inputs)
	return r, nil
}

// Results lists the results of an edition (see egdi.ResultStore).
func (d *DB) Results(ctx context.Context, edition string) ([]*egdi.Result, error) {
	rs, err := d.results(ctx, `WHERE edition = ?`, edition)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		r.Scores, r.MethodJSON = nil, nil
	}
	return rs, nil
}

func (d *DB) results(ctx context.Context, where string, arg any) ([]*egdi.Result, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, edition, COALESCE(scenario, ''), method, method_json, scores, created_at
		FROM results `+where+` ORDER BY id DESC`, arg)
	if err != nil {
		return nil, d.error(err)
	}
	defer func() { _ = rows.Close() }()
	var out []*egdi.Result
	for rows.Next() {
		r := &egdi.Result{}
		var mj, scores, at string
		if err := rows.Scan(&r.ID, &r.Edition, &r.Scenario, &r.Method, &mj, &scores, &at); err != nil {
			return nil, d.error(err)
		}
		if mj != "null" {
			r.MethodJSON = json.RawMessage(mj)
		}
		if err := json.Unmarshal([]byte(scores), &r.Scores); err != nil {
			return nil, fmt.Errorf("sqlite: result %d: %w", r.ID, err)
		}
		if r.CreatedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, d.error(rows.Err())
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
