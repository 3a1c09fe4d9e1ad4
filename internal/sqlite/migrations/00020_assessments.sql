-- Self-assessments (egdi.AssessmentStore): one row an assessment, one row
-- an answered item with its evidence (URL, note, optional file kept in the
-- row, at most egdi.MaxEvidenceFile bytes), author, time and version.

-- +goose Up
CREATE TABLE IF NOT EXISTS assessments (
    name          TEXT PRIMARY KEY,
    questionnaire TEXT NOT NULL,
    country       TEXT NOT NULL,
    city          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS assessment_answers (
    assessment  TEXT NOT NULL REFERENCES assessments (name) ON DELETE CASCADE,
    item        TEXT NOT NULL,
    value       TEXT NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    file_name   TEXT,
    file_size   INTEGER,
    file_sha256 TEXT,
    file_data   BLOB,
    author      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    PRIMARY KEY (assessment, item)
) STRICT;

-- +goose Down
DROP TABLE IF EXISTS assessment_answers;
DROP TABLE IF EXISTS assessments;
