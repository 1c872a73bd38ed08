"""A real PostgreSQL stopped and started again under a small load, with `tally serve` in front of it.

While the database is down, reads and writes answer 503 problem+json with Retry-After within 2 s, /readyz
answers 503 within 1 s and /healthz 200 within 50 ms; once it is back, requests succeed within 2 s; no
request ever gets a 500 or an error that is not a problem document; every write acknowledged with a 201 is
in the database afterwards, once. (A statement timeout, the other way the database fails a request, is
tested in test_hostile_input.py.)

The server is a cluster of this test's own, made with the pgserver wheel's binaries (a declared dependency:
without them the test fails), listening on a fixed port of 127.0.0.1 so that it comes back where the
service's pool looks for it.
"""

from __future__ import annotations

import http.client
import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service import db, migrations
from service.seed import load_seed
from tests.live_server import free_port, live_server
from tests.support import NEW_FIGURE, make_key

# The requirement's bounds, in seconds.
FAILS_WITHIN = 2.0  # a read or a write: a 503 while the database is down
READY_WITHIN = 1.0  # /readyz while the database is down
ALIVE_WITHIN = 0.05  # /healthz, always
RECOVERS_WITHIN = 2.0  # from the database being back to requests succeeding

# postgres refuses to run as root; pgserver runs it as this user then (and creates it).
SYSTEM_USER = "pgserver"


def postgres_bin() -> Path:
    """The directory of the pgserver wheel's PostgreSQL binaries (found without importing pgserver, whose
    import warns where XDG_RUNTIME_DIR is unset)."""
    spec = importlib.util.find_spec("pgserver")
    assert spec is not None and spec.submodule_search_locations, "the pgserver wheel is not installed"
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    assert (path / "pg_ctl").is_file(), f"no PostgreSQL binaries in {path}"
    return path


class Cluster:
    """A PostgreSQL cluster in folder, on 127.0.0.1:port (its socket in folder too), that can stop and start."""

    def __init__(self, folder: Path, user: str | None):
        self.bin = postgres_bin()
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.folder = folder
        self.user = user
        self.port = free_port()

    def _run(self, program: str, *args: str) -> None:
        # Output to a file, not a pipe: the server pg_ctl starts would hold a pipe open.
        with tempfile.TemporaryFile("w+") as output:
            done = subprocess.run(
                [str(self.bin / program), *args], stdout=output, stderr=output, user=self.user, timeout=60
            )
            output.seek(0)
            assert done.returncode == 0, f"{program} {' '.join(args)} failed:\n{output.read()}\n{self.log_tail()}"

    def log_tail(self) -> str:
        return self.log.read_text()[-3000:] if self.log.exists() else ""

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    if os.geteuid() == 0:
        # pytest's tmp_path is private to root; the postgres user gets a folder of its own in /tmp.
        import warnings

        with warnings.catch_warnings():  # platformdirs warns where XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            from pgserver.utils import ensure_user_exists

        ensure_user_exists(SYSTEM_USER)
        folder = Path(tempfile.mkdtemp(prefix="tally-outage-"))
        shutil.chown(folder, SYSTEM_USER, SYSTEM_USER)
        user: str | None = SYSTEM_USER
    else:
        folder, user = tmp_path, None
    server = Cluster(folder, user)
    server.init()
    server.start()
    try:
        yield server
    finally:
        if (server.data / "postmaster.pid").exists():
            server.stop()
        if user is not None:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Exchange:
    """One request and what came back."""

    who: str
    method: str
    path: str
    started: float  # time.monotonic()
    took: float
    status: int | None  # None: no answer at all (error says why)
    content_type: str = ""
    retry_after: str | None = None
    body: bytes = b""
    error: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.took

    def problem(self) -> dict | None:
        """The problem document of an error answer, None if it is not one."""
        if self.content_type != "application/problem+json":
            return None
        try:
            document = json.loads(self.body)
        except ValueError:
            return None
        return document if isinstance(document, dict) and document.get("status") == self.status else None


class Client:
    """A keep-alive HTTP client of its own that records every exchange."""

    def __init__(self, port: int, who: str, record: list[Exchange], lock: threading.Lock):
        self.port, self.who, self.record, self.lock = port, who, record, lock
        self.connection: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: dict | None = None, headers: dict[str, str] | None = None):
        payload = json.dumps(body).encode() if body is not None else None
        headers = dict(headers or {}) | ({"Content-Type": "application/json"} if payload else {})
        started = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
            exchange = Exchange(
                self.who,
                method,
                path,
                started,
                time.monotonic() - started,
                response.status,
                response.getheader("Content-Type", "").split(";")[0],
                response.getheader("Retry-After"),
                content,
            )
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            exchange = Exchange(self.who, method, path, started, time.monotonic() - started, None, error=repr(error))
        with self.lock:
            self.record.append(exchange)
        return exchange

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


READ = "/v1/figures?limit=5"
# Between two requests of a client. Even so, while each waited the pool timeout for a connection, four
# clients would hold all four threads of the worker.
PAUSE = 0.05
MARK = "Outage test write"


def written_body(number: int) -> dict:
    """A figure of its own for each write (a duplicate would be a 409)."""
    return NEW_FIGURE | {"value": 1000 + number, "quote": f"{MARK} {number}.", "reason": "outage test"}


def report(exchanges: list[Exchange], since: float) -> str:
    return "\n".join(
        f"{e.who} {e.method} {e.path} at {e.started - since:+.3f} s took {e.took:.3f} s: {e.status} {e.error}"
        f"{e.body[:200]!r}"
        for e in sorted(exchanges, key=lambda e: e.started)
    )


def warm(port: int, record: list[Exchange], lock: threading.Lock) -> None:
    client = Client(port, "warm-up", record, lock)
    for path in (READ, "/readyz", READ, "/healthz", READ):
        client.send("GET", path)
    client.close()


@pytest.mark.alone
@pytest.mark.parametrize("worker_class", ["gevent", "gthread"])
def test_the_database_stops_and_comes_back_under_load(cluster: Cluster, worker_class: str):
    with db.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE tally")
    url = cluster.url("tally")
    with db.connect(url) as conn:
        migrations.upgrade(conn)
        load_seed(conn)
        seeded = db.one(conn.execute("SELECT count(*) AS n FROM figure"))["n"]
    write_key = {"Authorization": f"Bearer {make_key(url, 'outage-writer', 'write')}"}

    record: list[Exchange] = []
    lock = threading.Lock()
    stop = threading.Event()
    acknowledged: dict[int, int] = {}  # write number -> figure id, for every 201
    unfinished: list[int] = []  # the write the writer was still retrying when it stopped, if any

    # One worker, and four connections in its pool. Under gthread, its four threads serve five clients that
    # use the database and one on /healthz: a request that holds a thread for long makes the others,
    # /healthz too, wait. Under gevent (the default) every request has a greenlet of its own.
    settings = {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4", "GUNICORN_WORKER_CLASS": worker_class}
    settings["RATE_LIMITS_ENABLED"] = "false"
    with live_server(url, **settings) as port:

        def reader(name: str) -> None:
            client = Client(port, name, record, lock)
            while not stop.is_set():
                client.send("GET", READ)
                time.sleep(PAUSE)
            client.close()

        def writer() -> None:
            client = Client(port, "writer", record, lock)
            for number in itertools.count():
                headers = write_key | {"Idempotency-Key": f"outage-{number}"}
                while True:  # the same write, with the same key, until it is acknowledged
                    if stop.is_set():
                        unfinished.append(number)
                        client.close()
                        return
                    exchange = client.send("POST", "/v1/figures", written_body(number), headers)
                    if exchange.status == 201:
                        acknowledged[number] = json.loads(exchange.body)["id"]
                        break
                    time.sleep(PAUSE)
                time.sleep(PAUSE)

        def liveness() -> None:
            client = Client(port, "liveness", record, lock)
            while not stop.is_set():
                client.send("GET", "/healthz")
                time.sleep(PAUSE)
            client.close()

        # A worker's first requests are slow (its threads start, its queries are prepared): serve a few
        # first, unrecorded, the first write among them (the writer's first request is then a replay).
        warm_up: list[Exchange] = []
        first_write = Client(port, "warm-up", warm_up, lock)
        first_write.send("POST", "/v1/figures", written_body(0), write_key | {"Idempotency-Key": "outage-0"})
        first_write.close()
        warming = [threading.Thread(target=warm, args=(port, warm_up, lock)) for _ in range(4)]
        for thread in warming:
            thread.start()
        for thread in warming:
            thread.join(timeout=30)
        assert [e.status for e in warm_up] == [201] + [200] * 20, report(warm_up, warm_up[0].started)

        threads = [threading.Thread(target=reader, args=(f"reader-{n}",)) for n in range(3)]
        threads += [threading.Thread(target=writer), threading.Thread(target=liveness)]
        probe = Client(port, "probe", record, lock)
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.0)  # the load against a healthy database
            stopping = time.monotonic()
            cluster.stop()
            down = time.monotonic()
            # Longer than the pool's reconnect timeout (POOL_TIMEOUT_MS), so its attempts give up meanwhile.
            while time.monotonic() < down + 2.5:
                probe.send("GET", "/readyz")
                probe.send("GET", READ)
                probe.send("POST", "/v1/figures", written_body(-1), write_key)
                time.sleep(0.05)
            restarting = time.monotonic()
            cluster.start()
            back = time.monotonic()
            while time.monotonic() < back + RECOVERS_WITHIN + 1.0:
                probe.send("GET", "/readyz")
                probe.send("GET", READ)
                time.sleep(0.02)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            probe.close()

    def shown(exchanges: list[Exchange]) -> str:
        return report(exchanges, stopping)

    calls = [e for e in record if e.path not in ("/healthz", "/readyz")]  # the reads and writes
    recovered = {  # how long after the restart each kind of request first succeeded
        path: min(
            (e.ended - back for e in record if e.started >= back and e.path == path and e.status == ok), default=0
        )
        for path, ok in ((READ, 200), ("/v1/figures", 201), ("/readyz", 200))
    }
    slowest_ready = max((e.took for e in record if e.path == "/readyz" and e.status == 503), default=0)
    print(
        f"pg_ctl stop {down - stopping:.3f} s, start {back - restarting:.3f} s; {len(record)} requests; longest: "
        f"read or write {max(e.took for e in calls):.3f} s, /readyz while down {slowest_ready:.3f} s, "
        f"/healthz {max(e.took for e in record if e.path == '/healthz'):.3f} s; first success after the restart: "
        + ", ".join(f"{path} {took:.3f} s" for path, took in recovered.items())
    )

    # Always: an answer, never a 500, every error a problem document, no read or write longer than 2 s,
    # /healthz 200 within 50 ms.
    unanswered = [e for e in record if e.status is None]
    assert unanswered == [], shown(unanswered)
    assert [e for e in record if e.status >= 500 and e.status not in (503, 504)] == [], shown(record)
    not_problems = [e for e in record if e.status >= 400 and e.problem() is None]
    assert not_problems == [], shown(not_problems)
    slow = [e for e in calls if e.took >= FAILS_WITHIN]
    assert slow == [], shown(slow)
    health = [e for e in record if e.path == "/healthz"]
    assert len(health) > 50, len(health)
    unhealthy = [e for e in health if e.status != 200 or e.took >= ALIVE_WITHIN]
    assert unhealthy == [], shown(unhealthy)

    # While the database is down: reads and writes 503 with Retry-After, /readyz 503 within 1 s.
    while_down = [e for e in record if down <= e.started and e.ended <= restarting]
    refused = [e for e in while_down if e.path not in ("/healthz", "/readyz")]
    assert {e.who for e in refused} == {"reader-0", "reader-1", "reader-2", "writer", "probe"}, shown(refused)
    assert all(e.status == 503 and e.retry_after for e in refused), shown(refused)
    not_ready = [e for e in while_down if e.path == "/readyz"]
    assert not_ready and all(e.status == 503 and e.took < READY_WITHIN for e in not_ready), shown(not_ready)

    # Back: reads, writes and /readyz succeed within 2 s, and every request begun after that.
    assert all(0 < took < RECOVERS_WITHIN for took in recovered.values()), (recovered, shown(record))
    late = [e for e in record if e.started >= back + RECOVERS_WITHIN]
    assert late and all(e.status in (200, 201) for e in late), shown(late)

    # Every acknowledged write is in the database, once; the only other one can be the write under way.
    with db.connect(url) as conn:
        rows = conn.execute("SELECT id, quote FROM figure WHERE quote LIKE %s", (f"{MARK} %",)).fetchall()
        total = db.one(conn.execute("SELECT count(*) AS n FROM figure"))["n"]
    stored = {int(row["quote"].removeprefix(f"{MARK} ").removesuffix(".")): row["id"] for row in rows}
    assert len(stored) == len(rows) == total - seeded
    assert len(acknowledged) > 20 and all(stored.get(n) == figure_id for n, figure_id in acknowledged.items())
    assert set(stored) - set(acknowledged) <= set(unfinished), (sorted(stored), sorted(acknowledged))


def test_once_the_pool_gives_up_reconnecting_requests_stop_waiting_for_a_connection():
    """A database unreachable from the start breaks no connection: the pool giving up on it tells instead."""
    from service.app import create_app
    from service.config import Settings

    unreachable = "postgresql://tally@127.0.0.1:9/tally"  # the discard port: nothing answers there
    settings = Settings(database_url=unreachable, pool_timeout_ms=500, rate_limits_enabled=False)
    app = create_app(settings, database_url=unreachable, open_pool=False)
    pool = app.extensions["tally.pool"]
    pool.open(wait=False)
    try:
        time.sleep(0.8)  # the pool tries to connect for its reconnect timeout (the pool timeout), then gives up
        client = app.test_client()
        for path in (READ, "/readyz", READ, "/v1/sources", READ):
            started = time.monotonic()
            response = client.get(path)
            took = time.monotonic() - started
            # Without knowing the database gone, each would wait the whole pool timeout (0.5 s).
            assert (response.status_code, took < 0.25) == (503, True), (path, took)
    finally:
        pool.close()
