"""CPU time a server spends: its gunicorn processes and their PostgreSQL backends.

Requests/s on a shared machine depend on what else runs there; the CPU time
each request costs does much less, so the benchmark reports both. Read from
/proc (Linux); elsewhere, or for a database on another host, the parts that
cannot be read count as zero.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class CpuMeter:
    """CPU seconds used so far by one gunicorn server and its database sessions."""

    def __init__(self, master_pid: int, database_url: str, application_name: str):
        self.master_pid = master_pid
        self.database_url = database_url
        self.application_name = application_name

    def read(self) -> tuple[float, float]:
        """(seconds in the server's processes, seconds in its PostgreSQL backends)."""
        return _cpu_seconds(self.server_pids()), _cpu_seconds(self._backend_pids())

    def server_pids(self) -> list[int]:
        """The gunicorn master and its workers."""
        return [self.master_pid] + [pid for pid, ppid in _processes() if ppid == self.master_pid]

    def _backend_pids(self) -> list[int]:
        """The backends of the server's connection pools (told apart by application_name)."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
                (self.application_name,),
            ).fetchall()
        return [row[0] for row in rows]


def _processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat_fields(int(entry.name))
        if fields:
            found.append((int(entry.name), int(fields[1])))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / _TICKS


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name (state, ppid, ...), or None if unreadable."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
