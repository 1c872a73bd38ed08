"""The floor of Tally's stack: the least any Flask + psycopg app costs to serve the bench page.

Plain Flask under Tally's own gunicorn set-up (TallyServer), one pooled
connection a request, and one statement: the read model's page statement
(the one pgbench runs), prepared, its place resolved once at the first
request and kept. No validation, caching headers, checks or logging of its
own. Whatever Tally does per request costs on top of this; what lies between
this and pgbench on the same statement is the HTTP server, the framework and
the driver, which Tally cannot change.

    DATABASE_URL=... PORT=8002 python bench/floor_app.py
"""

from __future__ import annotations

from flask import Flask, Response, request
from psycopg import sql

import reference_app
from service.config import Settings
from service.db import queries

# The place's subtree, resolved at the first request (the bench page names one place).
_subtrees: dict[str, list[str]] = {}


def create_app(settings: Settings, database_url: str) -> Flask:
    """The floor app, with a closed pool (opened after the fork, as Tally's is)."""
    app, pool = reference_app.app_with_pool(settings, database_url, "tally-floor")
    statement = reference_app.list_sql(body=sql.SQL(queries("figures")["stored_body"]))

    @app.get("/v1/<collection>")
    def figures(collection: str) -> Response:
        args = request.args
        with pool.connection() as conn:
            if args["location"] not in _subtrees:
                _subtrees[args["location"]] = reference_app.subtree(conn, args["location"])
            params = {
                "location": _subtrees[args["location"]],
                "from_": reference_app.first_day(args["from"]),
                "metric": [reference_app.METRICS[collection]],
                "limit": int(args.get("limit", 50)) + 1,
                "as_of": None,
            }
            rows = conn.execute(statement, params, prepare=True).fetchall()
        return reference_app.page(rows, int(args.get("limit", 50)))

    return app


if __name__ == "__main__":
    reference_app.serve(create_app)
