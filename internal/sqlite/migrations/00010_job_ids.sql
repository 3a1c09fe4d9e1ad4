-- jobs get random ids (the capability to read or cancel a job), a lease
-- that the process running a job renews (a job whose lease runs out is
-- requeued or failed by any process), the client that asked (for its
-- limit) and a key under which identical requests share one job. Jobs are
-- transient work, so the old table and its rows are dropped.

-- +goose Up
DROP TABLE IF EXISTS jobs;
CREATE TABLE jobs (
    id          TEXT PRIMARY KEY CHECK (length(id) = 32),
    seq         INTEGER NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'canceled')),
    progress    REAL NOT NULL,
    params      TEXT,
    result      TEXT,
    code        TEXT NOT NULL,
    error       TEXT NOT NULL,
    worker      TEXT NOT NULL,
    lease_until TEXT,
    attempts    INTEGER NOT NULL,
    client      TEXT NOT NULL,
    key         TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT
) STRICT;
CREATE INDEX jobs_queue ON jobs (kind, status, seq);
CREATE INDEX jobs_key ON jobs (kind, key);
CREATE INDEX jobs_client ON jobs (client, status);

-- +goose Down
DROP TABLE IF EXISTS jobs;
CREATE TABLE IF NOT EXISTS jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'canceled')),
    progress    REAL NOT NULL,
    params      TEXT,
    result      TEXT,
    error       TEXT NOT NULL,
    worker      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (kind, status, id);
