"""The real server (`tally serve`) keeps serving while clients are slow, and refuses what it cannot parse
as problem+json (service/server.py, service/workers.py)."""

from __future__ import annotations

import csv
import http.client
import io
import json
import socket
import threading
import time

import psycopg
import pytest

from bench.slow_clients import Trickle, ordinary_load
from service.config import WORKER_CLASSES, Settings
from service.workers import WORKERS
from tests.live_server import live_server
from tests.support import database, make_key

# As `make run` and `docker compose up` serve: the default worker class, workers and threads. Without
# rate limits: every client here has one address, and the slow clients' unauthenticated POSTs would
# (rightly) use up its allowance of failed authentications.
DEFAULTS = Settings()
AS_MAKE_RUN_SERVES = {
    "WEB_CONCURRENCY": str(DEFAULTS.workers),
    "GUNICORN_THREADS": str(DEFAULTS.threads),
    "RATE_LIMITS_ENABLED": "false",
}


def test_every_worker_class_offered_has_a_worker():
    assert set(WORKER_CLASSES) == set(WORKERS)


@pytest.mark.alone
def test_200_slow_connections_starve_nobody(seeded_url):
    with live_server(seeded_url, **AS_MAKE_RUN_SERVES) as port:
        alone = ordinary_load(port, 1.5, clients=4)
        with Trickle(port, connections=200, interval_s=0.5) as trickle:
            crowded = ordinary_load(port, 3, clients=4)
            assert trickle.open_sockets == 200
    assert alone.failed == 0 and len(alone.seconds) > 10
    # Every request answered, none slower than a second (alone, p99 is about 30 ms here).
    assert crowded.failed == 0
    assert len(crowded.seconds) > 10
    assert max(crowded.seconds) < 1.0, sorted(crowded.seconds)[-5:]


@pytest.mark.alone
def test_a_request_waiting_on_the_database_holds_up_no_other(fresh_url):
    """One worker: a list blocked on a lock in PostgreSQL, and the worker goes on serving."""
    with live_server(fresh_url, WEB_CONCURRENCY="1", GUNICORN_WORKER_CLASS="gevent") as port:
        blocked: dict[str, object] = {}

        def read_figures() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            try:
                connection.request("GET", "/v1/figures?limit=1")
                blocked["status"] = connection.getresponse().status
            finally:
                connection.close()

        with psycopg.connect(fresh_url) as holder:
            holder.execute("LOCK TABLE figure IN ACCESS EXCLUSIVE MODE")
            reader = threading.Thread(target=read_figures)
            reader.start()
            time.sleep(0.5)  # the list is now waiting for the lock
            assert "status" not in blocked
            for path in ("/healthz", "/v1/metrics"):
                started = time.monotonic()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                try:
                    connection.request("GET", path)
                    assert connection.getresponse().status == 200
                finally:
                    connection.close()
                assert time.monotonic() - started < 1.0, path
            holder.rollback()
        reader.join(timeout=20)
        assert blocked["status"] == 200


def raw_exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are; the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in header_lines)}
    return int(status_line.split()[1]), headers, body


@pytest.fixture(scope="module", params=WORKER_CLASSES)
def server_port(request, server_url, template_db):
    with (
        database(server_url, template=template_db) as url,
        live_server(url, GUNICORN_WORKER_CLASS=request.param) as port,
    ):
        yield port


@pytest.mark.parametrize(
    ("request_bytes", "status", "title"),
    [
        (b"GET /v1/figures?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "URI Too Long"),
        (
            b"GET /v1/figures HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(120)) + b"\r\n",
            431,
            "Request Header Fields Too Large",
        ),
        (b"GET /v1/figures HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n", 431, None),
        (b"NOT A REQUEST\r\n\r\n", 400, "Bad Request"),
    ],
)
def test_what_gunicorn_refuses_is_a_problem(server_port, request_bytes, status, title):
    got, headers, body = raw_exchange(server_port, request_bytes)
    assert got == status
    assert headers["content-type"] == "application/problem+json"
    assert int(headers["content-length"]) == len(body)
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"] == "about:blank" and problem["detail"]
    if title:
        assert problem["title"] == title


@pytest.mark.alone
def test_an_import_holds_up_no_other_request(fresh_url):
    """One gevent worker: while it parses a 40,000-row upload, /healthz still answers at once."""
    token = make_key(fresh_url, "importer", "write")
    with live_server(
        fresh_url, WEB_CONCURRENCY="1", GUNICORN_WORKER_CLASS="gevent", RATE_LIMITS_ENABLED="false"
    ) as port:
        exported = http_get(port, "/v1/figures?format=csv&limit=1").decode()
        header, row = list(csv.reader(io.StringIO(exported)))[:2]
        upload = io.StringIO()
        writer = csv.writer(upload)
        writer.writerow(header)
        for value in range(40_000):
            writer.writerow([str(value) if name == "value" else field for name, field in zip(header, row, strict=True)])
        answered: dict[str, float] = {}

        def post() -> None:
            started = time.monotonic()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request(
                    "POST",
                    "/v1/imports?dataset=csv&dry_run=true",
                    body=upload.getvalue().encode(),
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
                )
                connection.getresponse().read()
            finally:
                connection.close()
            answered["import"] = time.monotonic() - started

        importer = threading.Thread(target=post)
        importer.start()
        slowest = 0.0
        while importer.is_alive():
            started = time.monotonic()
            http_get(port, "/healthz")
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.05)
        importer.join()
    # The import must last long enough to have held /healthz up: it does, about 4 s here.
    assert answered["import"] > 1.0
    assert slowest < 0.5, f"/healthz waited {slowest:.2f} s behind an import of {answered['import']:.1f} s"


def http_get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200
        return response.read()
    finally:
        connection.close()
