"""The only module that talks to psycopg: pools, transactions and named queries."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any, TypeAlias

import psycopg
import psycopg.errors
import psycopg.waiting
from psycopg import sql
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from .config import Settings

# Every Tally connection returns rows as dicts (row_factory=dict_row).
Connection: TypeAlias = psycopg.Connection[DictRow]
Cursor: TypeAlias = psycopg.Cursor[DictRow]
Pool: TypeAlias = ConnectionPool[Connection]

_BLOCK = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def queries(module: str) -> dict[str, str]:
    """Named SQL blocks of service/sql/queries/<module>.sql, read once."""
    text = resources.files("service.sql.queries").joinpath(f"{module}.sql").read_text("utf-8")
    parts = _BLOCK.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def wait_cooperatively() -> None:
    """Let psycopg choose how to wait again, now that gevent has patched the standard library.

    psycopg chooses when first imported: waiting in C, which blocks the whole
    process, unless gevent has patched `select` by then. `tally serve` imports
    it in gunicorn's master, before a gevent worker patches anything, so every
    query would stop every other request of the worker. psycopg calls its wait
    functions through the module (waiting.wait, waiting.wait_conn), so running
    the module again after the patch gives what importing it then would have.
    """
    importlib.reload(psycopg.waiting)


def connect_kwargs(settings: Settings) -> dict[str, Any]:
    """Connection options every Tally connection uses."""
    return {
        "options": f"-c statement_timeout={settings.statement_timeout_ms}",
        "application_name": "tally",
        "connect_timeout": settings.connect_timeout_s,
    }


def create_pool(settings: Settings, conninfo: str) -> ConnectionPool[Connection]:
    """A closed pool sized to one worker's concurrency; open it after forking."""
    return ConnectionPool(
        conninfo,
        min_size=1,
        max_size=max(1, settings.threads),
        kwargs={**connect_kwargs(settings), "row_factory": dict_row},
        timeout=settings.pool_timeout_ms / 1000,
        # A connection that failed is retried with a growing back-off; giving up
        # within a pool timeout instead lets the next request try at once, so
        # requests succeed again as soon as the database is back.
        reconnect_timeout=settings.pool_timeout_ms / 1000,
        check=ConnectionPool.check_connection,
        open=False,
        name="tally",
    )


# Raised in a transaction block, leaves it rolled back without an error (a dry run ends so).
Rollback = psycopg.Rollback


class CopyRefused(Exception):
    """COPY could not read the data; `context` says where, as PostgreSQL counts its lines."""

    def __init__(self, message: str, context: str):
        super().__init__(message)
        self.message = message
        self.context = context


@contextmanager
def copy_errors() -> Iterator[None]:
    """Turn what COPY refuses to read (bad data or a bad format) into CopyRefused."""
    try:
        yield
    except (psycopg.errors.DataError, psycopg.errors.BadCopyFileFormat) as error:
        raise CopyRefused(error.diag.message_primary or str(error), error.diag.context or "") from None


class DatabaseUnavailable(Exception):
    """The database cannot be reached, or every connection is busy; try again shortly."""


class QueryTooExpensive(Exception):
    """A query ran past the statement timeout: asking again would fail the same way."""


def _unreachable(error: psycopg.OperationalError) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"The database cannot be reached: {error}")


@contextmanager
def pool_connection(pool: ConnectionPool[Connection], timeout: float | None = None) -> Iterator[Connection]:
    """A pooled connection for one unit of work (waiting at most timeout, else the pool's); an unreachable or
    saturated database is DatabaseUnavailable."""
    try:
        with pool.connection(timeout=timeout) as conn:
            yield conn
    except PoolTimeout:
        raise DatabaseUnavailable("No database connection became free in time.") from None
    except psycopg.errors.QueryCanceled:
        raise QueryTooExpensive() from None
    except psycopg.OperationalError as error:
        raise _unreachable(error) from None


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """A transaction (a savepoint within another); a connection lost meanwhile is DatabaseUnavailable."""
    try:
        with conn.transaction():
            yield conn
    except psycopg.errors.QueryCanceled:  # an OperationalError too, but the database is there
        raise QueryTooExpensive() from None
    except psycopg.OperationalError as error:
        raise _unreachable(error) from None


def connect(conninfo: str, **kwargs: Any) -> Connection:
    """A single connection, for the command line and tests."""
    return psycopg.connect(conninfo, row_factory=dict_row, **kwargs)


def one(cursor: Cursor) -> DictRow:
    """The row of a query that always returns one (an aggregate, or INSERT ... RETURNING)."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError("The query returned no row.")
    return row


# Figure writers take this lock first, so they never deadlock on it mid-way;
# the revision trigger takes it too (see migration 0004), which numbers the
# change feed in commit order.
_CHANGE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('tally.figure_change_seq'))"


def acting_as(conn: Connection, *, actor: str, reason: str | None = None, change: str | None = None) -> None:
    """Label the current transaction's figure writes: who, why, and what kind of change (kept in history)."""
    conn.execute(_CHANGE_LOCK)
    conn.execute(
        """SELECT set_config('tally.actor', %(actor)s, true), set_config('tally.reason', %(reason)s, true),
                  set_config('tally.change', %(change)s, true)""",
        {"actor": actor, "reason": reason or "", "change": change or ""},
    )


class ConstraintViolation(Exception):
    """A write broke a database rule; `constraint` names it (None when PostgreSQL does not say)."""

    def __init__(self, constraint: str | None, kind: str, message: str):
        super().__init__(message)
        self.constraint = constraint
        self.kind = kind  # unique, foreign_key, check or not_null


_VIOLATIONS = {
    psycopg.errors.UniqueViolation: "unique",
    psycopg.errors.ForeignKeyViolation: "foreign_key",
    psycopg.errors.CheckViolation: "check",
    psycopg.errors.NotNullViolation: "not_null",
}


@contextmanager
def savepoint(conn: Connection) -> Iterator[None]:
    """Run a block in a savepoint; a broken constraint undoes only the block and becomes ConstraintViolation."""
    try:
        with conn.transaction():
            yield
    except psycopg.errors.IntegrityError as error:
        kind = _VIOLATIONS.get(type(error), "integrity")
        raise ConstraintViolation(error.diag.constraint_name, kind, error.diag.message_primary or str(error)) from None


def ensure_database(admin_url: str, database: str) -> None:
    """Create database on the server at admin_url unless it exists."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
