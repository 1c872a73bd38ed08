"""An embedded PostgreSQL for machines without one (the pgserver wheel)."""

from __future__ import annotations

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


def stop_embedded_server(pgdata: Path) -> bool:
    """Stop the embedded server in pgdata; False if none was running."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        pgserver.get_server(pgdata, cleanup_mode="stop").cleanup()
    return True
