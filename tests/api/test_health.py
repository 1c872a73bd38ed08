"""Readiness and health over HTTP: /readyz until migrations are applied, and a saturated pool."""

from __future__ import annotations

from service import db, migrations
from service.app import create_app
from service.config import Settings


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
        assert client.get("/readyz").get_json() == {
            "status": "ready",
            "servers": [{"name": "primary", "role": "primary", "reachable": True, "lag_ms": 0}],
        }
    finally:
        app.extensions["tally.pool"].close()


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
