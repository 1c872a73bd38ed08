"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, Response

from .. import migrations
from ..db import DatabaseUnavailable
from ..errors import problem
from . import connection

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> Response:
    """The process is alive (no database call)."""
    return Response('{"status":"ok"}', mimetype="application/json")


@blp.get("/readyz")
def readyz() -> Response:
    """The database answers and every migration is applied; 503 otherwise."""
    try:
        with connection() as conn:
            missing = [m.version for m in migrations.pending(conn)]
    except (DatabaseUnavailable, migrations.MigrationChanged) as error:
        return problem(503, "Service Unavailable", f"Database not ready: {error}")
    if missing:
        return problem(503, "Service Unavailable", f"Migrations not applied: {', '.join(missing)}.")
    return Response('{"status":"ready"}', mimetype="application/json")
