-- Migration 0027 rebuilt every body with citations (they gained
-- name_as_written) without moving the data version: a client holding a list's
-- ETag or Last-Modified from before it was told its copy was still current.
-- Every write moves the data version by its tables' triggers (migration 0005
-- and after); a migration that changes what the API serves must move it too.
UPDATE data_version SET version = version + 1, changed_at = clock_timestamp();
