"""`python bench/slow_clients.py [setup ...]`: do slow clients starve everyone else?

For each server set-up named on the command line (default: gthread gevent),
Tally is started as `make run` starts it (`tally serve`) over the benchmark
database, and ordinary clients (8 threads, a new connection per request, a
5 s timeout) fetch one figure page for BENCH_DURATION seconds (15 by
default) alone, and as long again while 200 slow connections are open, half
sending a request head one byte a second and half a POST body one byte a
second. The set-ups all run at once and the measurement alternates between
them in slices, so that load from other processes weighs on each alike. It
prints the ordinary clients' p50/p99 and how many requests failed.

Set-ups:
    gthread, gevent, sync   `tally serve` with that GUNICORN_WORKER_CLASS
    nginx                   gthread behind nginx (proxy_buffering and
                            request buffering on), if nginx is installed

The last line is machine-readable:
    <setup>_p99_ms=<x> <setup>_slow_p99_ms=<x> <setup>_slow_failed=<n> ...
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

PAGE = "/v1/figures?limit=20"
ORDINARY_CLIENTS = 8
TIMEOUT_S = 5.0
DURATION_S = float(os.environ.get("BENCH_DURATION", "15"))
SLICES = 3
SLOW_CONNECTIONS = 200
SETUPS = ("gthread", "gevent", "sync", "nginx")


class Trickle:
    """Slow connections held open on a thread: half send a request head, half a body, one byte a second.

    None of them ever finishes its request, so a server that gives each
    connection a thread (or a process) until its request is read is tied up
    for as long as they last.
    """

    def __init__(self, port: int, connections: int = SLOW_CONNECTIONS, interval_s: float = 1.0) -> None:
        self.port = port
        self.connections = connections
        self.interval_s = interval_s
        self.open_sockets = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Trickle:
        self._thread.start()
        deadline = time.monotonic() + 10
        while self.open_sockets < self.connections and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        sockets = [self._connect(number) for number in range(self.connections)]
        self.open_sockets = sum(1 for s in sockets if s is not None)
        while not self._stop.wait(self.interval_s):
            for sock in sockets:
                if sock is not None:
                    with contextlib.suppress(OSError):  # the server gave up on it: that is allowed
                        sock.send(b"a")
        for sock in sockets:
            if sock is not None:
                sock.close()

    def _connect(self, number: int) -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        except OSError:
            return None
        sock.setblocking(False)
        if number % 2:
            # A head that never ends: its last header grows a byte at a time.
            first = b"GET /v1/figures HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
        else:
            # A complete head, then a body that never arrives.
            first = (
                b"POST /v1/figures HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
            )
        try:
            sock.send(first)
        except OSError:
            return None
        return sock


@dataclass
class Timings:
    """Latencies of the requests that were answered, and how many were not."""

    seconds: list[float] = field(default_factory=list)
    failed: int = 0

    def add(self, other: Timings) -> None:
        self.seconds += other.seconds
        self.failed += other.failed

    def percentile(self, fraction: float) -> float | None:
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ordinary_load(port: int, duration_s: float, path: str = PAGE, clients: int = ORDINARY_CLIENTS) -> Timings:
    """`clients` threads fetching `path` for duration_s, a new connection per request, as curl would."""
    timings = Timings()
    lock = threading.Lock()
    deadline = time.monotonic() + duration_s

    def client() -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            ok = fetch(port, path)
            with lock:
                if ok:
                    timings.seconds.append(time.monotonic() - started)
                else:
                    timings.failed += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def fetch(port: int, path: str) -> bool:
    """One GET on a new connection; True when it is answered 200 within the timeout."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        connection.close()


# --- the benchmark --------------------------------------------------------------------------


NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 65m;
    client_header_timeout 10s;
    client_body_timeout 10s;
    upstream tally {{ server 127.0.0.1:{upstream}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://tally;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


@contextmanager
def nginx_in_front(upstream: int) -> Iterator[int]:
    """nginx on a free port, buffering requests and responses for the server at `upstream`."""
    import bench

    port = bench.free_port()
    with tempfile.TemporaryDirectory() as directory:
        conf = os.path.join(directory, "nginx.conf")
        with open(conf, "w") as out:
            out.write(NGINX_CONF.format(dir=directory, port=port, upstream=upstream))
        process = subprocess.Popen(["nginx", "-c", conf, "-p", directory, "-g", "daemon off;"])
        try:
            for _ in range(50):
                if fetch(port, "/healthz"):
                    break
                time.sleep(0.1)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def serve(setup: str, env: dict[str, str]) -> Iterator[int]:
    """Tally under this set-up; yields the port clients should use."""
    import bench

    worker_class = "gthread" if setup == "nginx" else setup
    with bench.serve(
        setup,
        [str(bench.BIN / "tally"), "serve"],
        env | {"GUNICORN_WORKER_CLASS": worker_class},
        application_name="tally",
    ) as server:
        if setup == "nginx":
            with nginx_in_front(server.port) as port:
                yield port
        else:
            yield server.port


def milliseconds(value: float | None) -> str:
    return "none" if value is None else f"{value * 1000:.1f}"


def line(setup: str, alone: Timings, crowded: Timings) -> str:
    """One set-up's figures, for people."""

    def part(t: Timings) -> str:
        return (
            f"{len(t.seconds):5} answered, {t.failed:4} failed, "
            f"p50 {milliseconds(t.percentile(0.5))} ms, p99 {milliseconds(t.percentile(0.99))} ms"
        )

    return f"{setup:8} alone: {part(alone)} | with {SLOW_CONNECTIONS} slow connections: {part(crowded)}"


def main(setups: list[str]) -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench

    unknown = [s for s in setups if s not in SETUPS]
    if unknown:
        sys.exit(f"slow_clients: unknown set-up {', '.join(unknown)}; choose from {', '.join(SETUPS)}")
    if "nginx" in setups and shutil.which("nginx") is None:
        sys.exit("slow_clients: nginx is not installed (`sudo apt-get install nginx-light`)")
    bench.RESULTS_DIR.mkdir(exist_ok=True)
    env = bench.server_env(bench.prepare_database())
    print(
        f"slow_clients: {ORDINARY_CLIENTS} ordinary clients on {PAGE}, {DURATION_S:.0f} s alone and "
        f"{DURATION_S:.0f} s beside {SLOW_CONNECTIONS} slow connections per set-up, in {SLICES} slices "
        f"that alternate between the set-ups; {env.get('WEB_CONCURRENCY', '2')} workers each",
        flush=True,
    )
    alone = {setup: Timings() for setup in setups}
    crowded = {setup: Timings() for setup in setups}
    with ExitStack() as stack:
        ports = {setup: stack.enter_context(serve(setup, env)) for setup in setups}
        for port in ports.values():
            ordinary_load(port, 2)  # warm-up
        for _ in range(SLICES):
            for setup, port in ports.items():
                alone[setup].add(ordinary_load(port, DURATION_S / SLICES))
                with Trickle(port):
                    crowded[setup].add(ordinary_load(port, DURATION_S / SLICES))
    figures: dict[str, str] = {}
    for setup in setups:
        print(line(setup, alone[setup], crowded[setup]), flush=True)
        figures |= {
            f"{setup}_p50_ms": milliseconds(alone[setup].percentile(0.5)),
            f"{setup}_p99_ms": milliseconds(alone[setup].percentile(0.99)),
            f"{setup}_slow_p50_ms": milliseconds(crowded[setup].percentile(0.5)),
            f"{setup}_slow_p99_ms": milliseconds(crowded[setup].percentile(0.99)),
            f"{setup}_slow_failed": str(crowded[setup].failed),
        }
    print(" ".join(f"{name}={value}" for name, value in figures.items()))


if __name__ == "__main__":
    main(sys.argv[1:] or ["gthread", "gevent"])
