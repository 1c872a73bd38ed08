"""Which PostgreSQL server serves a request: the primary for writes, a streaming replica for reads.

Each worker keeps one pool per server (opened after the fork, as the primary's always was). A read goes to a
replica that is reachable, not resting after a failure, and whose replay lag is under MAX_REPLICA_LAG_MS, taken
in turn; with none such, to the primary. What the router knows of the replicas is refreshed by a thread of the
worker every REFRESH_S, never by a request: a request only reads it.

A read that sends back a write's consistency token (a WAL position) is served only by a server that has replayed
at least that far, else by the primary: a client reads its own writes. ETags, the change feed's cursor and every
id come from replicated tables, so they mean the same on every server.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .config import Settings
from .db import Connection, DatabaseUnavailable, Pool, QueryTooExpensive, create_pool, pool_connection, queries

log = logging.getLogger(__name__)

PRIMARY = "primary"
REPLICA = "replica"
# How often each worker asks every server where it stands: how stale the lag it routes by may be.
REFRESH_S = 0.2
# How long a replica that failed a request serves no other.
BACKOFF_S = 2.0
# Enough of the primary's positions to measure a lag of over half an hour.
MAX_POSITIONS_KEPT = 10_000
# How long a refresh waits for a connection to a server before counting it unreachable.
PROBE_WAIT_S = 0.2

_POSITION = re.compile(r"^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")


def parse_position(text: str) -> int | None:
    """A WAL position as PostgreSQL writes it (`16/B374D848`) as a number; None if it is not one."""
    match = _POSITION.match(text.strip())
    if match is None:
        return None
    return (int(match[1], 16) << 32) | int(match[2], 16)


def format_position(position: int) -> str:
    """A WAL position as PostgreSQL writes it."""
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


@dataclass(frozen=True)
class Health:
    """What the last refresh found of a server; replaced whole, so a request never reads half of one."""

    reachable: bool = False
    # Milliseconds behind the primary; None when unknown (unreachable, or not a standby).
    lag_ms: int | None = None
    # The WAL position replayed (a replica) or written (the primary).
    position: int = 0


@dataclass
class Server:
    """One PostgreSQL server and this worker's pool of connections to it."""

    name: str
    role: str
    pool: Pool
    health: Health = field(default_factory=Health)
    # A replica that failed a request serves none before this (time.monotonic()).
    resting_until: float = 0.0

    def status(self) -> dict[str, object]:
        """How /readyz shows it: no URL, no password."""
        return {"name": self.name, "role": self.role, "reachable": self.health.reachable, "lag_ms": self.health.lag_ms}


class Router:
    """The primary and the replicas of one worker, and which of them serves a request."""

    def __init__(self, settings: Settings, primary_url: str) -> None:
        self.primary = Server("primary", PRIMARY, create_pool(settings, primary_url, "primary"))
        self.replicas = [
            Server(f"replica-{number}", REPLICA, create_pool(settings, url, f"replica-{number}"))
            for number, url in enumerate(settings.database_replica_urls, start=1)
        ]
        self.max_lag_ms = settings.max_replica_lag_ms
        # (when, position) of the primary's WAL at each refresh, oldest first, kept for a little longer than a
        # replica may lag: what a replica's lag is measured against.
        kept = int(settings.max_replica_lag_ms / 1000 / REFRESH_S) + 10
        self._primary_positions: deque[tuple[float, int]] = deque(maxlen=min(kept, MAX_POSITIONS_KEPT))
        self._turns = itertools.count()
        # One refresh at a time (the thread's, or one asked for by hand): they share _primary_positions.
        self._refreshing = threading.Lock()
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None

    @property
    def servers(self) -> list[Server]:
        """The primary, then the replicas in the order of DATABASE_REPLICA_URLS."""
        return [self.primary, *self.replicas]

    def open(self) -> None:
        """Open every pool (in this process: after the fork), learn where the replicas stand, and keep learning."""
        self.primary.pool.open(wait=True)
        for replica in self.replicas:
            replica.pool.open(wait=False)  # a replica down at start must not stop the worker from serving
        if self.replicas:
            self.refresh()
            self._stop.clear()
            self._refresher = threading.Thread(target=self._keep_refreshing, name="tally-replicas", daemon=True)
            self._refresher.start()

    def close(self) -> None:
        """Stop refreshing and close every pool."""
        self._stop.set()
        if self._refresher is not None:
            self._refresher.join()
            self._refresher = None
        for server in self.servers:
            server.pool.close()

    def for_write(self) -> Server:
        """The server for a write, and for every statement of its request: the primary."""
        return self.primary

    def for_read(self, *, at_least: int | None = None, avoid: Server | None = None) -> Server:
        """The server for a read: a replica in turn among those fit to serve it (caught up to at_least, when
        given; never avoid), else the primary."""
        now = time.monotonic()
        fit = [replica for replica in self.replicas if replica is not avoid and self._fit(replica, now, at_least)]
        if not fit:
            return self.primary
        return fit[next(self._turns) % len(fit)]

    def _fit(self, replica: Server, now: float, at_least: int | None) -> bool:
        health = replica.health
        return (
            health.reachable
            and now >= replica.resting_until
            and health.lag_ms is not None
            and health.lag_ms <= self.max_lag_ms
            and (at_least is None or health.position >= at_least)
        )

    def rest(self, server: Server) -> None:
        """Take a replica that failed a request out of service for BACKOFF_S."""
        if server.role == REPLICA:
            server.resting_until = time.monotonic() + BACKOFF_S
            log.warning("%s failed a request; reads avoid it for %.1f s", server.name, BACKOFF_S)

    def _keep_refreshing(self) -> None:
        while not self._stop.wait(REFRESH_S):
            self.refresh()

    def refresh(self) -> None:
        """Ask every server where it stands (the primary first: the replicas are measured against it)."""
        with self._refreshing:
            now = time.monotonic()
            self.primary.health = self._primary_health()
            if self.primary.health.reachable:
                self._primary_positions.append((now, self.primary.health.position))
            for replica in self.replicas:
                replica.health = self._replica_health(replica, now)

    def behind_ms(self, replayed: int, now: float) -> int | None:
        """How long ago the primary had already written past what a replica has replayed: 0 if it has replayed all
        the primary had written when last asked, None if the primary was never reached.

        Measured against the primary's own positions, as this worker saw them (to within REFRESH_S), not with
        pg_last_xact_replay_timestamp(): that one is NULL until a replica replays its first commit after starting,
        and, after an idle hour, says a replica an instant behind is an hour behind.
        """
        if not self._primary_positions:
            return None
        for seen_at, position in self._primary_positions:  # oldest first
            if position > replayed:
                return round((now - seen_at) * 1000)
        return 0

    def _primary_health(self) -> Health:
        try:
            with _probe(self.primary) as conn:
                position = _position(conn, "flushed_position")
        except (DatabaseUnavailable, QueryTooExpensive):
            return Health()
        return Health(reachable=True, lag_ms=0, position=position)

    def _replica_health(self, replica: Server, now: float) -> Health:
        try:
            with _probe(replica) as conn:
                row = conn.execute(queries("replicas")["replica_state"]).fetchone()
        except (DatabaseUnavailable, QueryTooExpensive):
            return Health()
        assert row is not None
        if not row["standby"] or row["replayed"] is None:
            return Health(reachable=True)  # not (or no longer) a standby: it serves no reads
        replayed = parse_position(row["replayed"]) or 0
        return Health(reachable=True, lag_ms=self.behind_ms(replayed, now), position=replayed)


def write_position(conn: Connection) -> str:
    """The consistency token of the writes this connection has committed: how far the primary has written WAL."""
    return format_position(_position(conn, "written_position"))


def _position(conn: Connection, query: str) -> int:
    row = conn.execute(queries("replicas")[query]).fetchone()
    assert row is not None
    return parse_position(row["position"]) or 0


@contextmanager
def _probe(server: Server) -> Iterator[Connection]:
    """A connection to the server for a refresh, waited for only briefly: a server gone must not hold it up."""
    with pool_connection(server.pool, timeout=PROBE_WAIT_S) as conn:
        yield conn
