-- name: inserted_position
-- Where the primary inserts WAL now: every commit so far lies before it.
SELECT pg_current_wal_insert_lsn()::text AS position

-- name: flushed_position
-- How far the primary has flushed WAL: as far as a replica can have received.
SELECT pg_current_wal_flush_lsn()::text AS position

-- name: replica_state
-- How far a standby has replayed, and how long ago it replayed its last commit. NULL positions: not a standby.
SELECT pg_is_in_recovery() AS standby,
       pg_last_wal_receive_lsn()::text AS received,
       pg_last_wal_replay_lsn()::text AS replayed,
       (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::bigint AS since_last_commit_ms
