"""Liveness and readiness probes."""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, current_app

from .. import migrations
from ..db import DatabaseUnavailable, pool_connection
from ..errors import problem
from ..replicas import Router
from . import ROUTER_KEY

blp = Blueprint("health", __name__)
# A readiness probe answers within a second: an orchestrator waits on it.
READY_WITHIN_S = 0.8


@blp.get("/healthz")
def healthz() -> Response:
    """The process is alive (no database call)."""
    return Response('{"status":"ok"}', mimetype="application/json")


@blp.get("/readyz")
def readyz() -> Response:
    """The primary answers and every migration is applied, else 503; either way, where each server stands.

    The primary is asked now; the replicas as the worker last found them (a fraction of a second ago): one gone
    would otherwise hold the probe for its connect timeout. A replica down leaves the service ready: its reads
    go elsewhere.
    """
    router: Router = current_app.extensions[ROUTER_KEY]
    try:
        with pool_connection(router.primary.pool, timeout=READY_WITHIN_S) as conn:
            missing = [m.version for m in migrations.pending(conn)]
    except (DatabaseUnavailable, migrations.MigrationChanged) as error:
        servers = _servers(router, primary_reachable=not isinstance(error, DatabaseUnavailable))
        return problem(503, "Service Unavailable", f"Database not ready: {error}", extra={"servers": servers})
    servers = _servers(router, primary_reachable=True)
    if missing:
        detail = f"Migrations not applied: {', '.join(missing)}."
        return problem(503, "Service Unavailable", detail, extra={"servers": servers})
    return Response(orjson.dumps({"status": "ready", "servers": servers}), mimetype="application/json")


def _servers(router: Router, *, primary_reachable: bool) -> list[dict[str, object]]:
    lag_ms = 0 if primary_reachable else None
    primary = {"name": "primary", "role": "primary", "reachable": primary_reachable, "lag_ms": lag_ms}
    return [primary, *(replica.status() for replica in router.replicas)]
