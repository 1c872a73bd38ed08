"""`tally serve` in a subprocess on a free port: for what only the real server (gunicorn) shows."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(
    database_url: str, *, options: tuple[str, ...] = (), access_log: IO[bytes] | None = None, **settings: str
) -> Iterator[int]:
    """Serve the database at database_url with these settings (environment names) and `tally serve` options;
    yields the port (PORT's, unless --port is among the options). The access log goes to access_log, if given."""
    port = int(options[options.index("--port") + 1]) if "--port" in options else free_port()
    env = (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "PORT": str(free_port() if "--port" in options else port),
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "2",
            "LOG_LEVEL": "warning",
        }
        | settings
    )
    tally = os.path.join(os.path.dirname(sys.executable), "tally")
    # The server's log goes to a file, not a pipe: nothing reads a pipe while the server runs, and a server
    # that logs more than a pipe holds (64 KB on Linux) would block writing to it. A warning per refused
    # request adds up: the 2.5 s outage of test_outage.py logs about 32 KB.
    with tempfile.TemporaryFile() as log:
        output = access_log or subprocess.DEVNULL
        server = subprocess.Popen([tally, "serve", *options], env=env, stdout=output, stderr=log)
        try:
            _wait_until_ready(port, server, log)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_ready(port: int, server: subprocess.Popen[bytes], log: IO[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"tally serve exited: {log.read().decode()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise RuntimeError("tally serve did not become ready")
