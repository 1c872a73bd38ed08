"""Migrations from an empty database, readiness, and the set-up commands."""
from __future__ import annotations


from service import db, migrations
from service.app import create_app
from service.config import Settings

from .conftest import run_tally


def test_migrations_apply_to_an_empty_database_once(empty_url):
    with db.connect(empty_url) as conn:
        applied = migrations.upgrade(conn)
        assert applied == [m.version for m in migrations.available()]
        assert migrations.upgrade(conn) == []
        assert migrations.pending(conn) == []
        tables = {r["tablename"] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"metric", "source", "document", "location", "figure", "figure_revision", "figure_dispute"} <= tables


def test_an_edited_migration_is_detected(empty_url):
    with db.connect(empty_url) as conn:
        migrations.upgrade(conn)
        conn.execute("UPDATE schema_migration SET checksum = 'x' WHERE version = '0001_initial'")
        conn.commit()
        try:
            migrations.pending(conn)
        except migrations.MigrationChanged as error:
            assert "0001_initial" in str(error)
        else:
            raise AssertionError("an edited migration went unnoticed")


def test_readyz_is_503_until_migrations_are_applied(empty_url):
    app = create_app(Settings(database_url=empty_url), database_url=empty_url)
    try:
        client = app.test_client()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["detail"].startswith("Migrations not applied: 0001_initial")
        assert client.get("/healthz").status_code == 200
        with db.connect(empty_url) as conn:
            migrations.upgrade(conn)
        assert client.get("/readyz").get_json() == {"status": "ready"}
    finally:
        app.extensions["tally.pool"].close()


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


def test_a_saturated_pool_is_a_503_with_retry_after(seeded_url):
    app = create_app(Settings(database_url=seeded_url, pool_timeout_ms=200, threads=1), database_url=seeded_url)
    pool = app.extensions["tally.pool"]
    try:
        with pool.connection():  # the worker's only connection is busy
            response = app.test_client().get("/v1/figures")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert response.get_json()["detail"] == "The database is busy or unreachable; try again shortly."
        assert app.test_client().get("/v1/figures").status_code == 200
    finally:
        pool.close()
