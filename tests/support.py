"""Helpers the tests share: databases of their own, apps over them, keys, fingerprints, figures.

Fixtures live in the conftest.py files; what a test module imports lives here.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from service import db
from service.app import create_app
from service.config import Settings

# Per process, so the databases of two pytest-xdist workers (or two runs) never share a name.
PREFIX = f"tally_test_{os.getpid()}"
_numbers = itertools.count()


def find_server_url() -> str:
    """TEST_DATABASE_URL when set, else the embedded server in .pgdata (started if it is not running)."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url
    from service.embedded import embedded_server_url

    return embedded_server_url(Settings().embedded_pgdata, database="postgres")


def with_database(url: str, name: str) -> str:
    """url pointing at database name instead (works for host= query URLs too)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def admin(url: str, statement: sql.Composable) -> None:
    """Run one statement outside any transaction (CREATE DATABASE, CREATE ROLE, ...)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


@contextmanager
def database(server_url: str, *, template: str | None = None) -> Iterator[str]:
    """A database of its own (a copy of template, if given) for the block; its URL."""
    name = f"{PREFIX}_{next(_numbers)}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
    admin(server_url, create)
    try:
        yield with_database(server_url, name)
    finally:
        admin(server_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def app_over(url: str, **settings):
    """An app over the database at url, its pool closed afterwards; rate limits off unless a test asks for them
    (one shared app serves the whole suite's reads)."""
    app = create_app(Settings(database_url=url, **{"rate_limits_enabled": False} | settings), database_url=url)
    app.config["TESTING"] = True
    try:
        yield app
    finally:
        app.extensions["tally.router"].close()


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


def key_headers(url: str) -> dict[str, dict[str, str]]:
    """Authorization headers for new keys of each scope, and for a revoked write key, in the database at url."""
    tokens = {scope: make_key(url, f"{scope}-key", scope) for scope in ("read", "write", "admin")}
    tokens["revoked"] = make_key(url, "revoked-key", "write", revoked=True)
    return {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


TABLES = (
    "metric",
    "source",
    "document",
    "location",
    "figure",
    "figure_revision",
    "figure_dispute",
    "api_key",
    "idempotency_key",
)


def database_fingerprint(url: str) -> dict[str, str]:
    """Row count and an md5 of every row of every table, to prove a request changed nothing."""
    with db.connect(url) as conn:
        return {
            table: conn.execute(
                sql.SQL(
                    "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS f "
                    "FROM {} t"
                ).format(sql.Identifier(table))
            ).fetchone()["f"]
            for table in TABLES
        }


def run_tally(*args: str, url: str) -> subprocess.CompletedProcess:
    """The installed `tally` command, run against the database at url."""
    tally = os.path.join(os.path.dirname(sys.executable), "tally")
    return subprocess.run([tally, *args], env=os.environ | {"DATABASE_URL": url}, capture_output=True, text=True)


# A figure POST /v1/figures accepts, for the write tests.
NEW_FIGURE = {
    "metric": "civilians_killed",
    "count_kind": "event",
    "value": 7,
    "qualifier": "exact",
    "location": "SY0200",
    "period_start": "2016-11-28",
    "period_end": "2016-11-28",
    "stated_on": "2016-11-28",
    "source": "sohr",
    "document": 1,
    "quote": "Seven civilians were killed.",
    "reason": "From the SOHR bulletin",
}

# The fields add() fills in unless told.
FIGURE_DEFAULTS = {
    "metric": "civilians_killed",
    "count_kind": "period_total",
    "qualifier": "exact",
    "low": None,
    "high": None,
    "population_group": "civilians",
    "location": "eastern-aleppo",
    "origin": None,
    "destination": None,
    "start": "2016-11-01",
    "end": None,
    "stated_on": None,
    "source": "sohr",
    "status": "reported",
    "status_note": None,
}


def add(url: str, value: int, **fields) -> int:
    """Insert a figure into the test database; return its id."""
    row = FIGURE_DEFAULTS | fields | {"value": value}
    row["end"] = row["end"] or row["start"]
    row["stated_on"] = row["stated_on"] or row["end"]
    with db.connect(url) as conn:
        return conn.execute(
            """INSERT INTO figure (metric_id, count_kind, value, low, high, qualifier, population_group, location_id,
                                   origin_id, destination_id, period_start, period_end, stated_on, source_id,
                                   document_id, status, status_note)
               VALUES (%(metric)s, %(count_kind)s, %(value)s, %(low)s, %(high)s, %(qualifier)s, %(population_group)s,
                       %(location)s, %(origin)s, %(destination)s, %(start)s, %(end)s, %(stated_on)s, %(source)s, 1,
                       %(status)s, %(status_note)s)
               RETURNING id""",
            row,
        ).fetchone()["id"]


def json_figures(client, url: str) -> list[dict]:
    """Every figure the JSON list gives for url (its format and fields aside), page after page."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | {"limit": "500"}
    query.pop("format", None)
    query.pop("fields", None)
    figures: list[dict] = []
    page: str | None = f"{parts.path}?{urlencode(query)}"
    while page:
        response = client.get(page)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        figures += body["data"]
        page = body["next"]
    return figures


def figure_tag(version: int, body: bytes) -> str:
    """The ETag a figure response must carry: its version and a digest of the very body it served."""
    return f'"v{version}-{hashlib.blake2b(body, digest_size=4).hexdigest()}"'
