"""Migrations from an empty database, and the set-up commands."""

from __future__ import annotations

from service import db, migrations
from tests.support import run_tally


def test_migrations_apply_to_an_empty_database_once(empty_rollback_conn):
    conn = empty_rollback_conn
    applied = migrations.upgrade(conn)
    assert applied == [m.version for m in migrations.available()]
    assert migrations.upgrade(conn) == []
    assert migrations.pending(conn) == []
    tables = {r["tablename"] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"metric", "source", "document", "location", "figure", "figure_revision", "figure_dispute"} <= tables


def test_an_edited_migration_is_detected(empty_rollback_conn):
    conn = empty_rollback_conn
    migrations.upgrade(conn)
    conn.execute("UPDATE schema_migration SET checksum = 'x' WHERE version = '0001_initial'")
    try:
        migrations.pending(conn)
    except migrations.MigrationChanged as error:
        assert "0001_initial" in str(error)
    else:
        raise AssertionError("an edited migration went unnoticed")


def _tally(*args: str, url: str) -> str:
    """What a successful `tally` command printed."""
    done = run_tally(*args, url=url)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_set_up_commands_are_idempotent(empty_url):
    count = len(migrations.available())
    assert _tally("db", "upgrade", url=empty_url).startswith(f"applied {count} migration(s): 0001_initial, ")
    assert _tally("db", "upgrade", url=empty_url) == "applied 0 migration(s)\n"
    assert _tally("seed", url=empty_url) == "seed: 13 new figure(s)\n"
    assert _tally("seed", url=empty_url) == "seed: 0 new figure(s)\n"
    with db.connect(empty_url) as conn:
        assert conn.execute("SELECT count(*) AS n FROM figure").fetchone()["n"] == 13
