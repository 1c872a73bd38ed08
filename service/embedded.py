"""An embedded PostgreSQL for machines without one (the pgserver wheel)."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

from .db import ensure_database

DATABASE = "tally"


def embedded_server_url(pgdata: Path, database: str = DATABASE) -> str:
    """Start (or reuse) the embedded server in pgdata and return a URL to database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless.
        warnings.simplefilter("ignore")
        import pgserver

        pgdata.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process, so gunicorn's
        # workers exiting (and running atexit hooks) never stop it.
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    ensure_database(server.get_uri(), database)
    return server.get_uri(database)


class EmbeddedServerInUse(Exception):
    """Other processes still use the embedded server: stopping it would fail their work."""


def stop_embedded_server(pgdata: Path) -> bool:
    """Stop the embedded server in pgdata; False if none was running.

    EmbeddedServerInUse names the live processes (`tally serve`, a test run)
    that still hold it. Handles of processes that have died do not count.
    """
    if not (pgdata / "postmaster.pid").exists():
        return False
    users = _live_users(pgdata)
    if users:
        raise EmbeddedServerInUse(
            f"the embedded PostgreSQL in {pgdata} is still used by {', '.join(users)}; "
            "stop those first (Ctrl-C for `tally serve`)"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import, one per binary

        server = pgserver.get_server(pgdata, cleanup_mode=None)
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=server.system_user)
    return True


def _alive(pid: int) -> bool:
    """Whether the process runs: one that has exited but is not yet reaped (a zombie) does not."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _live_users(pgdata: Path) -> list[str]:
    """The live processes other than this one holding a handle on the server, as 'name (pid N)'."""
    import psutil

    path = pgdata / ".handle_pids.json"
    pids = json.loads(path.read_text("utf-8")) if path.exists() else []
    users = []
    for pid in pids:
        if pid != os.getpid() and _alive(pid):
            command = [Path(arg).name for arg in psutil.Process(pid).cmdline()[1:3]]  # e.g. tally serve
            users.append(f"`{' '.join(command) or 'a process'}` (pid {pid})")
    return users
