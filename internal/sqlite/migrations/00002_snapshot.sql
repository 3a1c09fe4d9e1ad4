-- snapshot holds every imported (user) row of published and observations,
-- encoded by snapshot.go, so that a command reads one row instead of tens
-- of thousands. It is rewritten in the transaction of each import that
-- stores something; version grows by one each time.

-- +goose Up
CREATE TABLE IF NOT EXISTS snapshot (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    data    BLOB NOT NULL
) STRICT;

-- +goose Down
DROP TABLE IF EXISTS snapshot;
