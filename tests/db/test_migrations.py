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


def test_a_migration_that_rebuilds_bodies_moves_the_data_version(empty_rollback_conn):
    """0027 rebuilt bodies (citations gained name_as_written); 0028 moves the data version, or every client's
    cached list stays "current"."""
    conn = empty_rollback_conn
    for migration in migrations.available():
        if migration.version.startswith("0028"):
            before = conn.execute("SELECT version, changed_at FROM data_version").fetchone()
            conn.execute(migration.sql)
            after = conn.execute("SELECT version, changed_at FROM data_version").fetchone()
            assert after["version"] == before["version"] + 1 and after["changed_at"] >= before["changed_at"]
            return
        conn.execute(migration.sql)
    raise AssertionError("no migration 0028")


def test_command_line_connections_read_and_write_in_utc(fresh_url):
    """The revisions an import or the seed writes render their states' moments in the session's zone."""
    with db.connect(fresh_url, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{conn.info.dbname}\" SET TimeZone = 'Asia/Damascus'")
    with db.connect(fresh_url) as conn:
        settings = "SELECT current_setting('TimeZone') AS zone, current_setting('extra_float_digits') AS digits"
        assert conn.execute(settings).fetchone() == {"zone": "UTC", "digits": "1"}
        state = conn.execute("SELECT to_jsonb(now()) #>> '{}' AS moment").fetchone()["moment"]
    assert state.endswith("+00:00")
