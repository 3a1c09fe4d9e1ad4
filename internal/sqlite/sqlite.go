package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"

	"github.com/egdi-project/egdi"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Config says which file to open and what to seed it with.
type Config struct {
	// Path is the database file; it is created if absent (its directory
	// must exist). It may not contain '?'.
	Path string
	// Builtin is the built-in record the store is seeded with, and
	// BuiltinVersion names its release (builtin.Version).
	Builtin        *egdi.Dataset
	BuiltinVersion string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// BusyTimeout is how long a writer waits for another; 5 s when zero.
	BusyTimeout time.Duration
	// Notice, when not nil, receives what the store has to tell the user
	// once: an imported edition that a new built-in release supersedes
	// (egdi.SupersededNotice).
	Notice func(msg string)
}

// DB is an egdi.Store on an SQLite file.
type DB struct {
	db  *sql.DB
	cfg Config
	// current is true when the built-in rows of the file are exactly
	// cfg.Builtin (meta.builtin_version is cfg.BuiltinVersion): Dataset then
	// reads only the user rows and merges them with cfg.Builtin.
	current bool

	mu           sync.Mutex
	cache        *egdi.Dataset // the last merged dataset (see Dataset)
	cacheVersion int64
}

var _ egdi.Store = (*DB)(nil)

// Open opens (creating, migrating and seeding as needed) the store in
// cfg.Path. Errors: EINVALID for a bad path or a file that is not an egdi
// database; EUNAVAILABLE when the file cannot be opened or was made by a
// newer egdi; EBUSY when another process holds it too long.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Path == "" || strings.ContainsRune(cfg.Path, '?') {
		return nil, egdi.Errorf(egdi.EINVALID, "Bad SQLite database path %q: it must be a file name without '?'.", cfg.Path)
	}
	if cfg.Builtin == nil || cfg.BuiltinVersion == "" {
		return nil, errors.New("sqlite: Open needs the built-in record and its version")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BusyTimeout <= 0 {
		cfg.BusyTimeout = 5 * time.Second
	}
	dsn := cfg.Path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(" +
		strconv.FormatInt(cfg.BusyTimeout.Milliseconds(), 10) + ")&_txlock=immediate"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "Cannot open SQLite database %s: %w.", cfg.Path, err)
	}
	d := &DB{db: sdb, cfg: cfg}
	if err := d.init(ctx); err != nil {
		_ = sdb.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Path returns the database file.
func (d *DB) Path() string { return d.cfg.Path }

// SQL returns the underlying database, for tests and tools.
func (d *DB) SQL() *sql.DB { return d.db }

// latestMigration is the version of the newest embedded migration.
func latestMigration() (int64, error) {
	ents, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return 0, err
	}
	var v int64
	for _, e := range ents {
		n, _, _ := strings.Cut(e.Name(), "_")
		x, err := strconv.ParseInt(n, 10, 64)
		if err == nil && x > v {
			v = x
		}
	}
	return v, nil
}

// init brings the file to the current schema and built-in release. The
// fast path, for a file already there, is one query.
func (d *DB) init(ctx context.Context) error {
	latest, err := latestMigration()
	if err != nil {
		return err
	}
	var seeded sql.NullString
	var schema sql.NullInt64
	err = d.db.QueryRowContext(ctx, `SELECT (SELECT builtin_version FROM meta WHERE id = 1),
		(SELECT MAX(version_id) FROM goose_db_version)`).Scan(&seeded, &schema)
	if err != nil && !strings.Contains(err.Error(), "no such table") {
		return d.error(err)
	}
	if schema.Valid && schema.Int64 > latest {
		return egdi.Errorf(egdi.EUNAVAILABLE, "The database %s was made by a newer egdi (schema %d, this egdi knows %d): upgrade egdi.",
			d.cfg.Path, schema.Int64, latest)
	}
	if err == nil && schema.Int64 == latest && seeded.String == d.cfg.BuiltinVersion {
		d.current = true
		return nil
	}
	if !schema.Valid || schema.Int64 < latest {
		if err := d.migrate(ctx); err != nil {
			return err
		}
	}
	return d.seed(ctx)
}

// migrate runs the embedded migrations. Two processes may migrate a new
// file at once: the statements are idempotent, and a failed attempt is
// retried once after the other process is done.
func (d *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, d.db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err = p.Up(ctx); err != nil {
		time.Sleep(100 * time.Millisecond)
		if _, err2 := p.Up(ctx); err2 != nil {
			return d.error(fmt.Errorf("migrating %s: %w", d.cfg.Path, err))
		}
	}
	return nil
}

// seed puts the built-in record in the file, unless it is there already
// or was there once (an older egdi must not put back older data): the
// built-in rows are replaced as a whole, user rows are left alone (a user
// row for a key the built-in record now also has keeps the user's value).
func (d *DB) seed(ctx context.Context) error {
	var notices []string
	err := d.write(ctx, func(tx *sql.Tx) error {
		notices = nil
		var cur sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT builtin_version FROM meta WHERE id = 1`).Scan(&cur); err != nil && err != sql.ErrNoRows {
			return err
		}
		// A file migrated from before the snapshot table holds imported
		// rows without their snapshot: write it once here.
		var snap int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM snapshot`).Scan(&snap); err != nil {
			return err
		}
		if snap == 0 {
			if err := writeSnapshot(ctx, tx); err != nil {
				return err
			}
		}
		ver := d.cfg.BuiltinVersion
		if cur.String == ver {
			d.current = true
			return nil
		}
		var once int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM seeds WHERE version = ?`, ver).Scan(&once); err != nil {
			return err
		}
		if once > 0 {
			d.current = false // a newer release is in the file: read it from there
			return nil
		}
		// An edition imported from a UN file before it was built in gives
		// way to the built-in one: its imported rows go, said once here.
		gone, err := supersede(ctx, tx, d.cfg.Builtin)
		if err != nil {
			return err
		}
		for _, g := range gone {
			notices = append(notices, egdi.SupersededNotice(g[0], g[1], ver))
		}
		for _, q := range []string{`DELETE FROM published WHERE builtin = 1`, `DELETE FROM observations WHERE builtin = 1`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		pst, err := tx.PrepareContext(ctx, `INSERT INTO published (edition, iso3, name, assessed, rank, egdi, osi, tii, hci, epi, builtin, import_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL) ON CONFLICT (edition, iso3) DO NOTHING`)
		if err != nil {
			return err
		}
		defer func() { _ = pst.Close() }()
		for _, rs := range d.cfg.Builtin.Published {
			for _, r := range rs {
				if _, err := pst.ExecContext(ctx, r.Edition, string(r.ISO3), r.Name, r.Assessed, r.Rank, r.EGDI, r.OSI, r.TII, r.HCI, r.EPI); err != nil {
					return err
				}
			}
		}
		ost, err := tx.PrepareContext(ctx, `INSERT INTO observations (iso3, indicator, year, source, vintage, value, estimate, builtin, import_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1, NULL) ON CONFLICT (iso3, indicator, year, source, vintage) DO NOTHING`)
		if err != nil {
			return err
		}
		defer func() { _ = ost.Close() }()
		for _, o := range d.cfg.Builtin.Observations {
			if _, err := ost.ExecContext(ctx, string(o.ISO3), o.Indicator.String(), o.Year, o.Source, o.Vintage, o.Value, o.Estimate); err != nil {
				return err
			}
		}
		now := d.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO seeds (version, seeded_at) VALUES (?, ?)`, ver, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (id, builtin_version, seeded_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET builtin_version = excluded.builtin_version, seeded_at = excluded.seeded_at`, ver, now); err != nil {
			return err
		}
		if len(gone) > 0 {
			if err := writeSnapshot(ctx, tx); err != nil {
				return err
			}
		}
		d.current = true
		return nil
	})
	if err == nil && d.cfg.Notice != nil {
		for _, n := range notices {
			d.cfg.Notice(n)
		}
	}
	return err
}

// supersede deletes the imported rows of every edition that was imported
// from a UN file while it was not built in (no built-in row of it is in
// the file) and that the release b has built in; it returns each such
// edition with the number of rows deleted.
func supersede(ctx context.Context, tx *sql.Tx, b *egdi.Dataset) ([][2]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT p.edition FROM published p JOIN imports i ON i.id = p.import_id
		WHERE p.builtin = 0 AND i.source = 'un' AND p.edition NOT IN (SELECT DISTINCT edition FROM published WHERE builtin = 1)
		ORDER BY p.edition`)
	if err != nil {
		return nil, err
	}
	var eds []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			_ = rows.Close()
			return nil, err
		}
		eds = append(eds, y)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var gone [][2]int
	for _, y := range eds {
		if len(b.Published[y]) == 0 {
			continue
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM published WHERE builtin = 0 AND edition = ?`, y)
		if err != nil {
			return nil, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		gone = append(gone, [2]int{y, int(n)})
	}
	return gone, nil
}

// write runs fn in one IMMEDIATE transaction and commits it, or rolls it
// back on any error.
func (d *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return d.error(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return d.error(err)
	}
	if err := tx.Commit(); err != nil {
		return d.error(err)
	}
	return nil
}

// timeFormat keeps times sortable as text: UTC, fixed width, microseconds.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func (d *DB) now() string { return egdi.StoreTime(d.cfg.Now()).Format(timeFormat) }

func fmtTime(t time.Time) string { return egdi.StoreTime(t).Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }

// SQLite result codes (the primary code is the low byte of an extended one).
const (
	codeBusy     = 5
	codeLocked   = 6
	codeReadOnly = 8
	codeIOErr    = 10
	codeCorrupt  = 11
	codeFull     = 13
	codeCantOpen = 14
	codeNotADB   = 26
)

// error turns a driver error into the project's vocabulary; errors that
// are already *egdi.Error, and cancellations, pass through.
func (d *DB) error(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*egdi.Error](err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if se, ok := errors.AsType[*sqlite3.Error](err); ok {
		switch se.Code() & 0xff {
		case codeBusy, codeLocked:
			return egdi.Errorf(egdi.EBUSY, "The database %s is busy: another egdi process is writing to it. Try again when it is done.", d.cfg.Path)
		case codeCantOpen:
			return egdi.Errorf(egdi.EUNAVAILABLE, "Cannot open the database %s: check that its directory exists and can be written.", d.cfg.Path)
		case codeNotADB, codeCorrupt:
			return egdi.Errorf(egdi.EINVALID, "%s is not an egdi database (or it is damaged): %w.", d.cfg.Path, se)
		case codeReadOnly, codeFull, codeIOErr:
			return egdi.Errorf(egdi.EUNAVAILABLE, "Cannot write the database %s: %w.", d.cfg.Path, se)
		}
	}
	return fmt.Errorf("sqlite %s: %w", d.cfg.Path, err)
}
