-- jobs get random ids (the capability to read or cancel a job), a lease
-- that the process running a job renews (a job whose lease runs out is
-- requeued or failed by any process), the client that asked (for its
-- limit) and a key under which identical requests share one job. Jobs are
-- transient work, so the old table and its rows are dropped.

-- +goose Up
DROP TABLE IF EXISTS jobs;
CREATE TABLE jobs (
    id          TEXT PRIMARY KEY CHECK (length(id) = 32),
    seq         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'canceled')),
    progress    DOUBLE PRECISION NOT NULL,
    params      JSON,
    result      JSON,
    code        TEXT NOT NULL,
    error       TEXT NOT NULL,
    worker      TEXT NOT NULL,
    lease_until TIMESTAMPTZ,
    attempts    INTEGER NOT NULL,
    client      TEXT NOT NULL,
    key         TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ
);
CREATE INDEX jobs_queue ON jobs (kind, status, seq);
CREATE INDEX jobs_key ON jobs (kind, key);
CREATE INDEX jobs_client ON jobs (client, status);

-- +goose Down
DROP TABLE IF EXISTS jobs;
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
