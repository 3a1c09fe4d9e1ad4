-- Strategies and cooperation records (egdi.TrackerStore); see the sqlite
-- migration of the same number.

-- +goose Up
CREATE TABLE IF NOT EXISTS strategies (
    name       TEXT PRIMARY KEY,
    sample     BOOLEAN NOT NULL,
    doc        JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS cooperation (
    id     BIGSERIAL PRIMARY KEY,
    kind   TEXT NOT NULL,
    date   TEXT NOT NULL,
    title  TEXT NOT NULL,
    sample BOOLEAN NOT NULL,
    doc    JSONB NOT NULL,
    UNIQUE (kind, date, title)
);

CREATE TABLE IF NOT EXISTS cooperation_parties (
    cooperation_id BIGINT NOT NULL REFERENCES cooperation (id) ON DELETE CASCADE,
    party          TEXT NOT NULL,
    PRIMARY KEY (cooperation_id, party)
);
CREATE INDEX IF NOT EXISTS cooperation_parties_party ON cooperation_parties (party);

-- +goose Down
DROP TABLE IF EXISTS cooperation_parties;
DROP TABLE IF EXISTS cooperation;
DROP TABLE IF EXISTS strategies;
