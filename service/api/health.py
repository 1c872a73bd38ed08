"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from .. import migrations
from ..db import DatabaseUnavailable, pool_connection
from ..errors import problem
from . import POOL_KEY

blp = Blueprint("health", __name__)
# A readiness probe answers within a second: an orchestrator waits on it.
READY_WITHIN_S = 0.8


@blp.get("/healthz")
def healthz() -> Response:
    """The process is alive (no database call)."""
    return Response('{"status":"ok"}', mimetype="application/json")


@blp.get("/readyz")
def readyz() -> Response:
    """The database answers and every migration is applied; 503 otherwise."""
    try:
        with pool_connection(current_app.extensions[POOL_KEY], timeout=READY_WITHIN_S) as conn:
            missing = [m.version for m in migrations.pending(conn)]
    except (DatabaseUnavailable, migrations.MigrationChanged) as error:
        return problem(503, "Service Unavailable", f"Database not ready: {error}")
    if missing:
        return problem(503, "Service Unavailable", f"Migrations not applied: {', '.join(missing)}.")
    return Response('{"status":"ready"}', mimetype="application/json")
