"""Test fixtures: every test talks to a real PostgreSQL.

The server is TEST_DATABASE_URL's when set (tests create and drop their own
databases beside it), else the embedded server in .pgdata. A template database
is migrated and seeded once per run; tests that write get a fresh clone of it.
"""
from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from service import db, migrations
from service.app import create_app
from service.config import Settings
from service.seed import load_seed

_PREFIX = f"tally_test_{os.getpid()}"
_clones = itertools.count()


def _server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url
    from service.embedded import embedded_server_url

    return embedded_server_url(Settings().embedded_pgdata, database="postgres")


def _with_database(url: str, name: str) -> str:
    """url pointing at database name instead (works for host= query URLs too)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, statement: sql.Composable) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture(scope="session")
def server_url() -> str:
    return _server_url()


@contextmanager
def _database(server_url: str, *, template: str | None = None) -> Iterator[str]:
    """A database of its own (a copy of template, if given) for the block; its URL."""
    name = f"{_PREFIX}_{next(_clones)}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
    _admin(server_url, create)
    try:
        yield _with_database(server_url, name)
    finally:
        _admin(server_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def template_db(server_url: str) -> Iterator[str]:
    """A migrated, seeded database used as the template of every test database."""
    with _database(server_url) as url:
        with db.connect(url) as conn:
            migrations.upgrade(conn)
            load_seed(conn)
        yield urlsplit(url).path.lstrip("/")


@pytest.fixture(scope="session")
def seeded_url(server_url: str, template_db: str) -> Iterator[str]:
    """A seeded database shared by tests that only read."""
    with _database(server_url, template=template_db) as url:
        yield url


@pytest.fixture
def fresh_url(server_url: str, template_db: str) -> Iterator[str]:
    """A seeded database of this test's own, for tests that write."""
    with _database(server_url, template=template_db) as url:
        yield url


@pytest.fixture
def empty_url(server_url: str) -> Iterator[str]:
    """An empty database with no schema at all."""
    with _database(server_url) as url:
        yield url


@contextmanager
def _app(url: str, **settings):
    """An app over the database at url, its pool closed afterwards."""
    app = create_app(Settings(database_url=url, **settings), database_url=url)
    app.config["TESTING"] = True
    try:
        yield app
    finally:
        app.extensions["tally.pool"].close()


@pytest.fixture(scope="session")
def read_app(seeded_url: str):
    """One app over the shared seeded database."""
    with _app(seeded_url) as app:
        yield app


@pytest.fixture
def client(read_app):
    """HTTP client for tests that only read."""
    return read_app.test_client()


@pytest.fixture
def write_app(fresh_url: str):
    """An app over a database of this test's own."""
    with _app(fresh_url) as app:
        yield app


@pytest.fixture
def write_client(write_app):
    """HTTP client for tests that write."""
    return write_app.test_client()


@pytest.fixture
def conn(seeded_url: str) -> Iterator[db.Connection]:
    """A connection to the shared seeded database (read-only use)."""
    with db.connect(seeded_url) as connection:
        yield connection


def make_key(url: str, name: str, scope: str, *, revoked: bool = False) -> str:
    """Create an API key in the database at url and return its token."""
    from service.auth import new_token, token_hash
    from service.repositories import api_keys

    token = new_token()
    with db.connect(url) as conn:
        key = api_keys.create_key(conn, name=name, scope=scope, token_hash=token_hash(token), token_prefix=token[:10])
        if revoked:
            api_keys.revoke_key(conn, key_id=key["id"])
    return token


@pytest.fixture
def keys(fresh_url: str) -> dict[str, dict[str, str]]:
    """Authorization headers for keys of each scope, and for a revoked write key, in the test's own database."""
    tokens = {scope: make_key(fresh_url, f"{scope}-key", scope) for scope in ("read", "write", "admin")}
    tokens["revoked"] = make_key(fresh_url, "revoked-key", "write", revoked=True)
    return {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


TABLES = ("metric", "source", "document", "location", "figure", "figure_revision", "figure_dispute",
          "api_key", "idempotency_key")


def database_fingerprint(url: str) -> dict[str, str]:
    """Row count and an md5 of every row of every table, to prove a request changed nothing."""
    with db.connect(url) as conn:
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS f "
                        "FROM {} t").format(sql.Identifier(table))).fetchone()["f"]
            for table in TABLES
        }


def run_tally(*args: str, url: str) -> subprocess.CompletedProcess:
    """The installed `tally` command, run against the database at url."""
    tally = os.path.join(os.path.dirname(sys.executable), "tally")
    return subprocess.run([tally, *args], env=os.environ | {"DATABASE_URL": url}, capture_output=True, text=True)
