#!/bin/sh
# Run by the official postgres image once, when the `db` service initialises an empty volume
# (/docker-entrypoint-initdb.d): a user that may only replicate, and the pg_hba.conf line that lets it
# in from the Compose network, for the `db-replica` service's pg_basebackup and streaming.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v user="${REPLICATION_USER:-replicator}" -v password="${REPLICATION_PASSWORD:-replicator}" <<'SQL'
CREATE ROLE :"user" WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication ${REPLICATION_USER:-replicator} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
