"""`tally db stop` stops the embedded PostgreSQL, or says who still uses it and fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HOLD = """
import sys, time
from pathlib import Path
from service.embedded import embedded_server_url
embedded_server_url(Path(sys.argv[1]))
print("ready", flush=True)
time.sleep(60)
"""


def _tally(*args: str, pgdata) -> subprocess.CompletedProcess:
    tally = os.path.join(os.path.dirname(sys.executable), "tally")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"TALLY_PGDATA": str(pgdata)}
    return subprocess.run([tally, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def own_folder() -> Iterator[Path]:
    """A folder outside pytest's basetemp: run as root, the embedded server's user must reach it, and another pytest
    session starting meanwhile sets pytest's folder back to 0700 (pg_ctl then failed with Permission denied)."""
    folder = Path(tempfile.mkdtemp(prefix="tally-db-stop-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_db_stop_refuses_while_another_process_uses_the_server_then_stops_it(own_folder):
    pgdata = own_folder / "pgdata"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(pgdata)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        refused = _tally("db", "stop", pgdata=pgdata)
        assert refused.returncode == 1 and (pgdata / "postmaster.pid").exists()
        assert "still used by `-c " in refused.stderr and f"(pid {holder.pid})" in refused.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    stopped = _tally("db", "stop", pgdata=pgdata)  # the holder died without letting go: it no longer counts
    assert (stopped.returncode, stopped.stdout.strip()) == (0, "stopped"), stopped.stderr
    deadline = time.monotonic() + 10
    while (pgdata / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not (pgdata / "postmaster.pid").exists()
    again = _tally("db", "stop", pgdata=pgdata)
    assert (again.returncode, again.stdout.strip()) == (0, "not running")
