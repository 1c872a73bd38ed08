-- name: written_position
-- How far the primary has written WAL: past every commit whose COMMIT has returned (synchronous_commit on, the
-- default, writes it first). Not the insert position: idle at a page boundary, that one lies past a page header
-- no record fills yet, which no replica would ever replay.
SELECT pg_current_wal_lsn()::text AS position

-- name: flushed_position
-- How far the primary has flushed WAL: as far as a replica can have received.
SELECT pg_current_wal_flush_lsn()::text AS position

-- name: replica_state
-- How far a standby has replayed the primary's WAL; NULL when it is not a standby.
SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed
