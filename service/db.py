"""The only module that talks to psycopg: pools, transactions and named queries."""

from __future__ import annotations

import importlib
import re
import time
import weakref
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

_BLOCK = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def queries(module: str) -> dict[str, str]:
    """Named SQL blocks of service/sql/queries/<module>.sql, read once."""
    text = resources.files("service.sql.queries").joinpath(f"{module}.sql").read_text("utf-8")
    parts = _BLOCK.split(text)
    return {name: _without_comment_lines(body) for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def _without_comment_lines(body: str) -> str:
    """A block's SQL without its whole-line comments: they document the block, and a placeholder named in
    one ("{where}") would otherwise be filled there too, leaving a multi-line condition half commented out."""
    return "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("--")).strip()


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


# Every Tally connection, the server's and the command line's: JSON built on the fly (as_of bodies, catalogue
# entries, the change feed, the revisions' states) writes moments in UTC and floats as the stored bodies do,
# whatever the server's settings. No JIT: the planner's estimates for recursive place queries run to millions of
# rows, so PostgreSQL compiled them for 340-420 ms to run them in 120 ms (the totals' place paths on the real
# gazetteers); an export of 1,000,000 figures took as long with it as without.
SESSION_OPTIONS = "-c TimeZone=UTC -c extra_float_digits=1 -c jit=off"


def connect_kwargs(settings: Settings) -> dict[str, Any]:
    """Connection options of the server's pools: SESSION_OPTIONS, and the statement timeout."""
    return {
        "options": f"-c statement_timeout={settings.statement_timeout_ms} {SESSION_OPTIONS}",
        "application_name": "tally",
        "connect_timeout": settings.connect_timeout_s,
        # None behind PgBouncer in transaction mode: a statement prepared on one server connection would be
        # looked for on another.
        "prepare_threshold": settings.prepare_threshold,
    }


# A connection that worked this recently is handed out unchecked: the check is a round trip on every
# request (37 us of the worker's CPU and 76 us of wall time, measured; about 2% of a list page's Python
# time), and what it catches, a database that stopped or restarted, takes longer than this; a connection
# broken sooner fails its request with a 503.
RECHECK_AFTER_S = 0.5
# While the database is known to be gone, how long a request waits for a connection (see Pool).
OUTAGE_WAIT_S = 0.01


class Pool(ConnectionPool[Connection]):
    """A closed pool sized to one worker's concurrency (open it after forking), which knows when the
    database has gone.

    A request waits up to the pool timeout for a connection: right while every connection is busy, useless
    while the database is gone, when each waiting request holds a worker thread (gthread) for the whole
    timeout. Then a small load (four clients, four threads) queues every other request behind them,
    /healthz too, for longer than the timeout. So from the moment a connection is found broken, or the pool gives up
    reconnecting, until a connection is handed out in working order, a request waits only OUTAGE_WAIT_S:
    enough to ask the pool for a connection, which keeps it reconnecting in the background.

    Connections are checked here (checked_connection), not by the pool's `check`: the pool retries a
    connection that fails its check after a back-off of up to a second, so the requests that meet the
    broken connections of a database that has just stopped would each hold a thread that long.
    """

    def __init__(self, settings: Settings, conninfo: str, name: str = "tally") -> None:
        self.database_gone = False
        # When each connection last came back from a unit of work in working order.
        self._worked_at: weakref.WeakKeyDictionary[Connection, float] = weakref.WeakKeyDictionary()
        super().__init__(
            conninfo,
            min_size=1,
            max_size=max(1, settings.threads),
            kwargs={**connect_kwargs(settings), "row_factory": dict_row},
            timeout=settings.pool_timeout_ms / 1000,
            # A connection that failed is retried with a growing back-off; giving up
            # within a pool timeout instead lets the next request try at once, so
            # requests succeed again as soon as the database is back.
            reconnect_timeout=settings.pool_timeout_ms / 1000,
            reconnect_failed=self._gave_up,
            open=False,
            name=name,
        )

    def _gave_up(self, _pool: ConnectionPool[Any]) -> None:
        self.database_gone = True

    def checked_connection(self, timeout: float) -> Connection:
        """A connection in working order, waited for at most timeout (hardly at all while the database is
        known to be gone); return it with give_back. PoolTimeout if none came."""
        deadline = time.monotonic() + timeout
        while True:
            wait = deadline - time.monotonic()
            conn = self.getconn(min(wait, OUTAGE_WAIT_S) if self.database_gone else wait)
            if (
                not self.database_gone
                and time.monotonic() - self._worked_at.get(conn, -RECHECK_AFTER_S) < RECHECK_AFTER_S
            ):
                return conn
            try:
                self.check_connection(conn)
            except Exception:  # broken: the database stopped (or restarted) since it was last used
                self.database_gone = True
                self.putconn(conn)  # the pool replaces it
                continue
            except BaseException:
                self.putconn(conn)
                raise
            self.database_gone = False
            return conn

    def give_back(self, conn: Connection) -> None:
        """Return a connection to the pool, noting whether it still worked."""
        if conn.broken:  # lost while in use: the database stopped, most likely
            self.database_gone = True
        else:
            self._worked_at[conn] = time.monotonic()
        self.putconn(conn)


def create_pool(settings: Settings, conninfo: str, name: str = "tally") -> Pool:
    """A closed pool sized to one worker's concurrency; open it after forking."""
    return Pool(settings, conninfo, name)


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
def pool_connection(pool: Pool, timeout: float | None = None) -> Iterator[Connection]:
    """A pooled connection for one unit of work (waiting at most timeout, else the pool's, and hardly at all
    while the database is known to be gone); an unreachable or saturated database is DatabaseUnavailable."""
    try:
        conn = pool.checked_connection(pool.timeout if timeout is None else timeout)
        try:
            with conn:  # commits, or rolls back after an error, as the pool's connection() does
                yield conn
        finally:
            pool.give_back(conn)
    except PoolTimeout:
        raise DatabaseUnavailable("No database connection became free in time.") from None
    except psycopg.errors.QueryCanceled:
        raise QueryTooExpensive() from None
    except psycopg.OperationalError as error:
        raise _unreachable(error) from None


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """A transaction (a savepoint within another); a connection lost meanwhile is DatabaseUnavailable."""
    with _domain_errors(), conn.transaction():
        yield conn


@contextmanager
def autocommitted(conn: Connection) -> Iterator[Connection]:
    """Statements that commit one by one, for a read: no BEGIN and COMMIT, two of the round trips a list
    page made. Its statements see what was committed when each began, which a read of a few statements
    can afford (a page's ETag is read before its rows, so it may name an older version than the rows: the
    client then fetches them once more). A connection lost meanwhile is DatabaseUnavailable."""
    conn.autocommit = True
    try:
        with _domain_errors():
            yield conn
    finally:
        if idle(conn):
            conn.autocommit = False  # as the pool hands connections out


def idle(conn: Connection) -> bool:
    """Whether the connection is outside any transaction: everything it ran has been committed (or rolled back)."""
    return conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


@contextmanager
def _domain_errors() -> Iterator[None]:
    try:
        yield
    except psycopg.errors.QueryCanceled:  # an OperationalError too, but the database is there
        raise QueryTooExpensive() from None
    except psycopg.OperationalError as error:
        raise _unreachable(error) from None


def connect(conninfo: str, **kwargs: Any) -> Connection:
    """A single connection, for the command line and tests, with SESSION_OPTIONS (and no statement timeout)."""
    kwargs["options"] = f"{SESSION_OPTIONS} {kwargs.get('options', '')}".strip()
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
