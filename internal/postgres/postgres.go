// Package postgres implements egdi.Store on PostgreSQL (jackc/pgx/v5,
// pgxpool), for teams that share one database: `--db postgres://…`.
//
// The schema is created by the goose migrations embedded from migrations/,
// run under goose's session advisory lock so that several processes
// starting together migrate one at a time. The first Open seeds the store
// with the built-in record it is given, under a transaction advisory lock;
// an Open with a newer built-in release replaces the built-in rows and
// leaves user rows alone. Imports take a transaction advisory lock too,
// waiting at most 5 s (lock_timeout) before failing with EBUSY, so two
// imports at once run one after the other.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/egdi-project/egdi"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock ids (any constants unique to egdi): seeding and imports.
const (
	seedLock   = 0x65676469_0001 // "egdi", 1
	importLock = 0x65676469_0002
)

// Config says which database to open and what to seed it with.
type Config struct {
	// URL is a PostgreSQL connection URL (postgres://user:pass@host:port/db?…).
	URL string
	// Builtin is the built-in record the store is seeded with, and
	// BuiltinVersion names its release (builtin.Version).
	Builtin        *egdi.Dataset
	BuiltinVersion string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// LockTimeout is how long a writer waits for another; 5 s when zero.
	LockTimeout time.Duration
	// Notice, when not nil, receives what the store has to tell the user
	// once: an imported edition that a new built-in release supersedes
	// (egdi.SupersededNotice).
	Notice func(msg string)
}

// DB is an egdi.Store on PostgreSQL.
type DB struct {
	pool *pgxpool.Pool
	cfg  Config
	name string // host:port/database, for messages (never the password)
	// current is true when the built-in rows are exactly cfg.Builtin.
	current bool

	mu           sync.Mutex
	cache        *egdi.Dataset // the last dataset read (see Dataset)
	cacheVersion int64
}

var _ egdi.Store = (*DB)(nil)

// Open connects to the database, migrating and seeding it as needed.
// Errors: EINVALID for a URL that cannot be parsed; EUNAVAILABLE for a
// server that cannot be reached, refuses the login or has no such
// database, or a database made by a newer egdi; EBUSY.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Builtin == nil || cfg.BuiltinVersion == "" {
		return nil, errors.New("postgres: Open needs the built-in record and its version")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LockTimeout <= 0 {
		cfg.LockTimeout = 5 * time.Second
	}
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "Bad PostgreSQL URL: %w (the form is postgres://user:password@host:port/database).", err)
	}
	if pc.ConnConfig.ConnectTimeout == 0 {
		pc.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	d := &DB{cfg: cfg, name: fmt.Sprintf("%s:%d/%s", pc.ConnConfig.Host, pc.ConnConfig.Port, pc.ConnConfig.Database)}
	if d.pool, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
		return nil, d.error(err)
	}
	if err := d.pool.Ping(ctx); err != nil {
		d.pool.Close()
		return nil, d.error(err)
	}
	if err := d.init(ctx); err != nil {
		d.pool.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the pool.
func (d *DB) Close() error {
	d.pool.Close()
	return nil
}

// Pool returns the connection pool, for tests and tools.
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

func latestMigration() (int64, error) {
	ents, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return 0, err
	}
	var v int64
	for _, e := range ents {
		n, _, _ := strings.Cut(e.Name(), "_")
		if x, err := strconv.ParseInt(n, 10, 64); err == nil && x > v {
			v = x
		}
	}
	return v, nil
}

func (d *DB) init(ctx context.Context) error {
	latest, err := latestMigration()
	if err != nil {
		return err
	}
	var seeded *string
	var schema *int64
	err = d.pool.QueryRow(ctx, `SELECT (SELECT builtin_version FROM meta WHERE id = 1),
		(SELECT MAX(version_id) FROM goose_db_version)`).Scan(&seeded, &schema)
	if err != nil && pgCode(err) != "42P01" { // undefined_table: a new database
		return d.error(err)
	}
	if schema != nil && *schema > latest {
		return egdi.Errorf(egdi.EUNAVAILABLE, "The database %s was made by a newer egdi (schema %d, this egdi knows %d): upgrade egdi.",
			d.name, *schema, latest)
	}
	if err == nil && schema != nil && *schema == latest && seeded != nil && *seeded == d.cfg.BuiltinVersion {
		d.current = true
		return nil
	}
	if schema == nil || *schema < latest {
		if err := d.migrate(ctx); err != nil {
			return err
		}
	}
	return d.seed(ctx)
}

func (d *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(d.pool)
	defer func() { _ = db.Close() }()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return d.error(fmt.Errorf("migrating %s: %w", d.name, err))
	}
	return nil
}

// write runs fn in one transaction, with the lock timeout set, and commits
// it, or rolls it back on any error.
func (d *DB) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return d.error(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, d.cfg.LockTimeout.Milliseconds())); err != nil {
		return d.error(err)
	}
	if err := fn(tx); err != nil {
		return d.error(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return d.error(err)
	}
	return nil
}

// seed puts the built-in record in the database (see the sqlite package:
// the rules are the same).
func (d *DB) seed(ctx context.Context) error {
	var notices []string
	err := d.write(ctx, func(tx pgx.Tx) error {
		notices = nil
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(seedLock)); err != nil {
			return err
		}
		var cur *string
		if err := tx.QueryRow(ctx, `SELECT builtin_version FROM meta WHERE id = 1`).Scan(&cur); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		ver := d.cfg.BuiltinVersion
		if cur != nil && *cur == ver {
			d.current = true
			return nil
		}
		var once int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM seeds WHERE version = $1`, ver).Scan(&once); err != nil {
			return err
		}
		if once > 0 {
			d.current = false
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
		for _, q := range []string{`DELETE FROM published WHERE builtin`, `DELETE FROM observations WHERE builtin`,
			`CREATE TEMP TABLE seed_published (LIKE published) ON COMMIT DROP`,
			`CREATE TEMP TABLE seed_observations (LIKE observations) ON COMMIT DROP`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		var prow [][]any
		for _, rs := range d.cfg.Builtin.Published {
			for _, r := range rs {
				prow = append(prow, []any{r.Edition, string(r.ISO3), r.Name, r.Assessed, r.Rank, r.EGDI, r.OSI, r.TII, r.HCI, r.EPI, true})
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"seed_published"},
			[]string{"edition", "iso3", "name", "assessed", "rank", "egdi", "osi", "tii", "hci", "epi", "builtin"}, pgx.CopyFromRows(prow)); err != nil {
			return err
		}
		orow := make([][]any, 0, len(d.cfg.Builtin.Observations))
		for _, o := range d.cfg.Builtin.Observations {
			orow = append(orow, []any{string(o.ISO3), o.Indicator.String(), o.Year, o.Source, o.Vintage, o.Value, o.Estimate, true})
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"seed_observations"},
			[]string{"iso3", "indicator", "year", "source", "vintage", "value", "estimate", "builtin"}, pgx.CopyFromRows(orow)); err != nil {
			return err
		}
		now := egdi.StoreTime(d.cfg.Now())
		for _, q := range []string{
			`INSERT INTO published SELECT * FROM seed_published ON CONFLICT (edition, iso3) DO NOTHING`,
			`INSERT INTO observations SELECT * FROM seed_observations ON CONFLICT (iso3, indicator, year, source, vintage) DO NOTHING`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO seeds (version, seeded_at) VALUES ($1, $2)`, ver, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO meta (id, builtin_version, seeded_at) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET builtin_version = excluded.builtin_version, seeded_at = excluded.seeded_at,
			data_version = meta.data_version + 1`, ver, now); err != nil {
			return err
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
// from a UN file while it was not built in and that the release b has
// built in (see the sqlite package); it returns each such edition with the
// number of rows deleted.
func supersede(ctx context.Context, tx pgx.Tx, b *egdi.Dataset) ([][2]int, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT p.edition FROM published p JOIN imports i ON i.id = p.import_id
		WHERE NOT p.builtin AND i.source = 'un' AND p.edition NOT IN (SELECT DISTINCT edition FROM published WHERE builtin)
		ORDER BY p.edition`)
	if err != nil {
		return nil, err
	}
	eds, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	var gone [][2]int
	for _, y := range eds {
		if len(b.Published[int(y)]) == 0 {
			continue
		}
		tag, err := tx.Exec(ctx, `DELETE FROM published WHERE NOT builtin AND edition = $1`, y)
		if err != nil {
			return nil, err
		}
		gone = append(gone, [2]int{int(y), int(tag.RowsAffected())})
	}
	return gone, nil
}

func pgCode(err error) string {
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pe.Code
	}
	return ""
}

// error turns a driver error into the project's vocabulary; *egdi.Error
// values and cancellations pass through.
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
	code := pgCode(err)
	switch {
	case code == "40001" || code == "40P01" || code == "55P03":
		return egdi.Errorf(egdi.EBUSY, "The database %s is busy: another egdi process is writing to it. Try again when it is done.", d.name)
	case code == "57014" && errors.Is(err, context.Canceled):
		return err
	case code == "3D000":
		return egdi.Errorf(egdi.EUNAVAILABLE, "The PostgreSQL server at %s has no such database: %w.", d.name, err)
	case strings.HasPrefix(code, "28"):
		return egdi.Errorf(egdi.EUNAVAILABLE, "PostgreSQL refused the login to %s: %w.", d.name, err)
	case strings.HasPrefix(code, "08") || code == "57P01" || code == "57P03" || code == "53300":
		return egdi.Errorf(egdi.EUNAVAILABLE, "Cannot use the database %s: %w.", d.name, err)
	case code == "42501":
		return egdi.Errorf(egdi.EUNAVAILABLE, "The database %s refused access: %w.", d.name, err)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) {
		return egdi.Errorf(egdi.EUNAVAILABLE, "Cannot reach the database %s: %w.", d.name, err)
	}
	return fmt.Errorf("postgres %s: %w", d.name, err)
}
