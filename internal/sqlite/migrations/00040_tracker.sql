-- Strategies and cooperation records (egdi.TrackerStore). A strategy is
-- one JSON document (waves, initiatives, KPIs: an aggregate read and
-- written whole); a cooperation record is one row with its JSON document
-- and its parties in their own table, for the per-country timeline.

-- +goose Up
CREATE TABLE IF NOT EXISTS strategies (
    name       TEXT PRIMARY KEY,
    sample     INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS cooperation (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    date   TEXT NOT NULL,
    title  TEXT NOT NULL,
    sample INTEGER NOT NULL,
    doc    TEXT NOT NULL,
    UNIQUE (kind, date, title)
) STRICT;

CREATE TABLE IF NOT EXISTS cooperation_parties (
    cooperation_id INTEGER NOT NULL REFERENCES cooperation (id) ON DELETE CASCADE,
    party          TEXT NOT NULL,
    PRIMARY KEY (cooperation_id, party)
) STRICT;
CREATE INDEX IF NOT EXISTS cooperation_parties_party ON cooperation_parties (party);

-- +goose Down
DROP TABLE IF EXISTS cooperation_parties;
DROP TABLE IF EXISTS cooperation;
DROP TABLE IF EXISTS strategies;
