-- data_version grows by one with every import that stores something and
-- every seeding, so that a process can keep the dataset it read until the
-- data change (several servers share one database).

-- +goose Up
ALTER TABLE meta ADD COLUMN IF NOT EXISTS data_version BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE meta DROP COLUMN IF EXISTS data_version;
