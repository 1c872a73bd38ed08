"""The benchmark's yardstick: Tally's figure list with no framework around it.

Plain Flask, psycopg_pool and orjson. It answers
/v1/<metric collection>?location=&from=&limit= (the first page, in id order)
by running the very SQL Tally runs (read from Tally's own .sql files and put
together the same way), without validation, OpenAPI, caching headers, error
mapping or checks on pooled connections.
It is served by Tally's own gunicorn set-up (TallyServer), so the two servers
differ only in the application they run.

    DATABASE_URL=... PORT=8001 python bench/reference_app.py
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

import orjson
from flask import Flask, Response, request
from psycopg import sql
from psycopg.rows import tuple_row
from psycopg_pool import ConnectionPool

from service import figure
from service.api import POOL_KEY, ROUTER_KEY
from service.config import Settings
from service.db import connect_kwargs, queries
from service.server import TallyServer

METRICS = {
    "people-trapped": "people_trapped",
    "children-under-siege": "children_under_siege",
    "civilians-killed": "civilians_killed",
    "civilians-injured": "civilians_injured",
    "displaced": "displaced",
}
# The filters of ?location=&from= on a metric collection, as Tally's declaration builds them.
FILTERS = {"location": [""], "from_": "", "metric": [""]}


def list_sql(body: sql.Composable | None = None) -> str:
    """Tally's figure list statement for these filters, in id order, as text: each figure's body built from its
    rows, as Tally did before its read model, or the given body (the read model's stored one)."""
    named = queries("figures")
    key = sql.Identifier("f", "id")
    return (
        sql.SQL(named["figure_rows"])
        .format(
            figures=sql.SQL(named["live_figures"]),
            where=figure.where(FILTERS),
            order=sql.SQL("{} ASC, f.id ASC").format(key),
            sort_key=key,
            body=body or figure.figure_body_sql(),
        )
        .as_string()
    )


def first_day(text: str) -> dt.date:
    """The first day of YYYY, YYYY-MM or YYYY-MM-DD (no validation)."""
    parts = [int(part) for part in text.split("-")] + [1, 1]
    return dt.date(*parts[:3])


def subtree(conn, code: str) -> list[str]:
    """The ids of the place code names and of every place inside it."""
    catalogue = queries("catalogue")
    location_id = conn.execute(catalogue["find_location"], {"code": code}).fetchone()[0]
    return conn.execute(catalogue["location_subtree"], {"id": location_id}).fetchone()[0]


def fetch_page(conn, args, metric: str, statement: str) -> list[tuple]:
    """Resolve the location to its subtree, then read limit + 1 figures."""
    params = {
        "location": subtree(conn, args["location"]),
        "from_": first_day(args["from"]),
        "metric": [metric],
        "limit": int(args.get("limit", 50)) + 1,
        "as_of": None,
    }
    return conn.execute(statement, params).fetchall()


def page(rows: list[tuple], limit: int) -> Response:
    """The same body and Link header Tally sends."""
    next_url = None
    if len(rows) > limit:
        rows = rows[:limit]
        cursor = base64.urlsafe_b64encode(orjson.dumps({"after": rows[-1][0]})).decode().rstrip("=")
        query = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"] + [("cursor", cursor)]
        next_url = f"{request.base_url}?{urlencode(query)}"
    # Rows are (id, ..., body): the id first, the JSON text last.
    page = b'{"data":[' + ",".join(row[-1] for row in rows).encode() + b'],"next":' + orjson.dumps(next_url)
    body = page + b',"total":null}'  # Tally's page, byte for byte: no count unless asked
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return Response(body, mimetype="application/json", headers=headers)


class OnePool:
    """What TallyServer's worker hooks open after the fork and close at exit (Tally's is a router of pools, one per
    server): here the one pool."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def open(self) -> None:
        self.pool.open(wait=True)

    def close(self) -> None:
        self.pool.close()


def app_with_pool(settings: Settings, database_url: str, application_name: str) -> tuple[Flask, ConnectionPool]:
    """A Flask app and its closed pool (opened after the fork, as Tally's is), with /readyz."""
    app = Flask(__name__)
    pool = ConnectionPool(
        database_url,
        min_size=1,
        max_size=max(1, settings.threads),
        kwargs={**connect_kwargs(settings), "row_factory": tuple_row, "application_name": application_name},
        open=False,
    )
    app.extensions[POOL_KEY] = pool
    app.extensions[ROUTER_KEY] = OnePool(pool)

    @app.get("/readyz")
    def readyz() -> Response:
        with pool.connection() as conn:
            conn.execute("SELECT 1")
        return Response('{"status":"ready"}', mimetype="application/json")

    return app, pool


def create_app(settings: Settings, database_url: str) -> Flask:
    """The reference app, with a closed pool (opened after the fork, as Tally's is)."""
    app, pool = app_with_pool(settings, database_url, "tally-reference")
    statement = list_sql()

    @app.get("/v1/<collection>")
    def figures(collection: str) -> Response:
        with pool.connection() as conn:
            rows = fetch_page(conn, request.args, METRICS[collection], statement)
        return page(rows, int(request.args.get("limit", 50)))

    return app


def serve(make_app: Callable[[Settings, str], Flask]) -> None:
    """Serve the app make_app builds under Tally's gunicorn configuration (TallyServer), as `tally serve` would."""

    class Server(TallyServer):
        def load(self):
            return make_app(self.settings, self.database_url)

    settings = Settings.from_env()
    Server(settings, settings.database_url).run()


if __name__ == "__main__":
    serve(create_app)
