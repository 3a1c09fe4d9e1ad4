-- Teamwork on assessments (teamwork.go): members with their role in the
-- assessment, each reviewer's blind answers and submissions. The
-- reconciled answers are assessment_answers (00020). The PostgreSQL
-- dialect is internal/postgres/migrations/00051_teamwork.sql.

-- +goose Up
CREATE TABLE IF NOT EXISTS assessment_members (
    assessment   TEXT NOT NULL REFERENCES assessments (name) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL CHECK (role IN ('coordinator', 'reviewer', 'viewer')),
    submitted_at TEXT,
    PRIMARY KEY (assessment, user_id)
) STRICT;
CREATE INDEX IF NOT EXISTS assessment_members_user ON assessment_members (user_id);

CREATE TABLE IF NOT EXISTS review_answers (
    assessment TEXT NOT NULL REFERENCES assessments (name) ON DELETE CASCADE,
    reviewer   INTEGER NOT NULL REFERENCES users (id),
    item       TEXT NOT NULL,
    value      TEXT NOT NULL,
    evidence   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    PRIMARY KEY (assessment, reviewer, item)
) STRICT;

-- +goose Down
DROP TABLE IF EXISTS review_answers;
DROP TABLE IF EXISTS assessment_members;
