"""Test fixtures: every test that needs a database talks to a real PostgreSQL.

The server is TEST_DATABASE_URL's when set (tests create and drop their own
databases beside it), else the embedded server in .pgdata. Under pytest-xdist
the controller finds (or starts) the server once and hands its URL to the
workers, so two workers never race to start it.

A template database is migrated and seeded once per process; tests that
commit get a fresh clone of it, tests that only read share one, and tests that
can run in one transaction get a connection whose transaction is rolled back.
Helpers a test module imports are in tests/support.py, not here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service import db, migrations
from service.seed import load_seed
from tests.support import app_over, database, database_name, find_server_url, key_headers

_SERVER_URL = pytest.StashKey[str]()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """pytest-xdist, in the controller: the server's URL for each worker, the server started once, here."""
    config = node.config
    if _SERVER_URL not in config.stash:
        config.stash[_SERVER_URL] = find_server_url()
    node.workerinput["tally_server_url"] = config.stash[_SERVER_URL]


@pytest.fixture(scope="session")
def server_url(request) -> str:
    workerinput = getattr(request.config, "workerinput", {})
    return workerinput.get("tally_server_url") or find_server_url()


@pytest.fixture(scope="session")
def template_db(server_url: str) -> Iterator[str]:
    """A migrated, seeded database used as the template of every test database; its name."""
    with database(server_url) as url:
        with db.connect(url) as conn:
            migrations.upgrade(conn)
            load_seed(conn)
        yield database_name(url)


@pytest.fixture(scope="session")
def seeded_url(server_url: str, template_db: str) -> Iterator[str]:
    """A seeded database shared by tests that only read (or roll back)."""
    with database(server_url, template=template_db) as url:
        yield url


@pytest.fixture
def fresh_url(server_url: str, template_db: str) -> Iterator[str]:
    """A seeded database of this test's own, for tests that commit."""
    with database(server_url, template=template_db) as url:
        yield url


@pytest.fixture(scope="module")
def shared_url(server_url: str, template_db: str) -> Iterator[str]:
    """A seeded database one module's tests share: each only reads, or is refused and (mostly) proves with a
    fingerprint that nothing changed. Cheaper than a clone per test; a test that writes by mistake harms
    only its own module."""
    with database(server_url, template=template_db) as url:
        yield url


@pytest.fixture(scope="module")
def shared_app(shared_url: str):
    with app_over(shared_url) as app:
        yield app


@pytest.fixture
def shared_client(shared_app):
    """HTTP client over shared_url."""
    return shared_app.test_client()


@pytest.fixture(scope="module")
def shared_keys(shared_url: str) -> dict[str, dict[str, str]]:
    """Like keys, in shared_url."""
    return key_headers(shared_url)


@pytest.fixture
def empty_url(server_url: str) -> Iterator[str]:
    """An empty database with no schema at all, of this test's own."""
    with database(server_url) as url:
        yield url


@pytest.fixture(scope="session")
def shared_empty_url(server_url: str) -> Iterator[str]:
    """An empty database shared by tests that leave it empty (they roll back)."""
    with database(server_url) as url:
        yield url


@pytest.fixture(scope="session")
def read_app(seeded_url: str):
    """One app over the shared seeded database."""
    with app_over(seeded_url) as app:
        yield app


@pytest.fixture
def client(read_app):
    """HTTP client for tests that only read."""
    return read_app.test_client()


@pytest.fixture
def write_app(fresh_url: str):
    """An app over a database of this test's own."""
    with app_over(fresh_url) as app:
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


def _rolled_back(url: str) -> Iterator[db.Connection]:
    # Transactions the code opens inside become savepoints; an explicit commit() raises.
    with db.connect(url) as connection, connection.transaction(force_rollback=True):
        yield connection


@pytest.fixture
def rollback_conn(seeded_url: str) -> Iterator[db.Connection]:
    """A connection to the shared seeded database in a transaction rolled back after the test."""
    yield from _rolled_back(seeded_url)


@pytest.fixture
def empty_rollback_conn(shared_empty_url: str) -> Iterator[db.Connection]:
    """A connection to a shared empty database in a transaction rolled back after the test."""
    yield from _rolled_back(shared_empty_url)


@pytest.fixture
def keys(fresh_url: str) -> dict[str, dict[str, str]]:
    """Authorization headers for keys of each scope, and for a revoked write key, in the test's own database."""
    return key_headers(fresh_url)
