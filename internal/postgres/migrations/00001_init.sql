-- The egdi store, PostgreSQL dialect. The SQLite dialect of the same
-- schema is internal/sqlite/migrations/00001_init.sql: keep them in step.
-- goose runs this under a session advisory lock, so two servers starting
-- at once migrate one after the other.

-- +goose Up
-- meta has one row: the built-in data release now in the published and
-- observations tables (rows with builtin = true).
CREATE TABLE IF NOT EXISTS meta (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    builtin_version TEXT NOT NULL,
    seeded_at       TIMESTAMPTZ NOT NULL
);

-- seeds lists every built-in release ever seeded, so that an older egdi
-- never puts its older built-in data back over a newer one's.
CREATE TABLE IF NOT EXISTS seeds (
    version   TEXT PRIMARY KEY,
    seeded_at TIMESTAMPTZ NOT NULL
);

-- imports logs each import that stored something.
CREATE TABLE IF NOT EXISTS imports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file        TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    read        INTEGER NOT NULL,
    stored      INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    skipped     INTEGER NOT NULL
);

-- published holds the editions as the UN published them: one row per
-- country and edition. Built-in rows are read-only.
CREATE TABLE IF NOT EXISTS published (
    edition   INTEGER NOT NULL,
    iso3      TEXT NOT NULL,
    name      TEXT NOT NULL,
    assessed  BOOLEAN NOT NULL,
    rank      INTEGER NOT NULL,
    egdi      DOUBLE PRECISION NOT NULL,
    osi       DOUBLE PRECISION NOT NULL,
    tii       DOUBLE PRECISION NOT NULL,
    hci       DOUBLE PRECISION NOT NULL,
    epi       DOUBLE PRECISION NOT NULL,
    builtin   BOOLEAN NOT NULL,
    import_id BIGINT REFERENCES imports (id),
    PRIMARY KEY (edition, iso3)
);
CREATE INDEX IF NOT EXISTS published_user ON published (builtin, import_id);

-- observations holds raw indicator values: country, indicator (by name),
-- data year, value, source and vintage (the source's release).
CREATE TABLE IF NOT EXISTS observations (
    iso3      TEXT NOT NULL,
    indicator TEXT NOT NULL,
    year      INTEGER NOT NULL,
    source    TEXT NOT NULL,
    vintage   TEXT NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    estimate  BOOLEAN NOT NULL,
    builtin   BOOLEAN NOT NULL,
    import_id BIGINT REFERENCES imports (id),
    PRIMARY KEY (iso3, indicator, year, source, vintage)
);
CREATE INDEX IF NOT EXISTS observations_user ON observations (builtin, import_id);
CREATE INDEX IF NOT EXISTS observations_vintage ON observations (source, vintage);

-- scenarios are user-defined editions; scenario_values their inputs.
CREATE TABLE IF NOT EXISTS scenarios (
    name         TEXT PRIMARY KEY,
    like_edition INTEGER NOT NULL,
    data_year    INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS scenario_values (
    scenario  TEXT NOT NULL REFERENCES scenarios (name) ON DELETE CASCADE,
    iso3      TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    origin    TEXT NOT NULL CHECK (origin IN ('raw', 'carried', 'set')),
    year      INTEGER NOT NULL,
    source    TEXT NOT NULL,
    PRIMARY KEY (scenario, iso3, indicator)
);

-- results are computations kept with their inputs and method. JSON is
-- kept as json (not jsonb) so that it comes back byte for byte.
CREATE TABLE IF NOT EXISTS results (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition     TEXT NOT NULL,
    scenario    TEXT REFERENCES scenarios (name) ON DELETE CASCADE,
    method      INTEGER NOT NULL,
    method_json JSON NOT NULL,
    scores      JSON NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS results_edition ON results (edition, id);
CREATE TABLE IF NOT EXISTS result_inputs (
    result_id BIGINT NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    iso3      TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    origin    TEXT NOT NULL,
    year      INTEGER NOT NULL,
    source    TEXT NOT NULL,
    PRIMARY KEY (result_id, iso3, indicator)
);

-- jobs are background work shared by server processes.
CREATE TABLE IF NOT EXISTS jobs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'canceled')),
    progress    DOUBLE PRECISION NOT NULL,
    params      JSON,
    result      JSON,
    error       TEXT NOT NULL,
    worker      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (kind, status, id);

-- +goose Down
DROP TABLE IF EXISTS jobs;
DROP TABLE IF EXISTS result_inputs;
DROP TABLE IF EXISTS results;
DROP TABLE IF EXISTS scenario_values;
DROP TABLE IF EXISTS scenarios;
DROP TABLE IF EXISTS observations;
DROP TABLE IF EXISTS published;
DROP TABLE IF EXISTS imports;
DROP TABLE IF EXISTS seeds;
DROP TABLE IF EXISTS meta;
