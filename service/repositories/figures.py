"""Reading figures."""
from __future__ import annotations

from psycopg import sql

from ..db import Connection, queries
from . import locations

# Filters given as a location code that include every place inside it.
_PLACE_FILTERS = ("location", "origin", "destination")


def list_figures(conn: Connection, *, filters: dict, after: int | None, limit: int) -> list[dict]:
    """Figures matching filters, in id order, after the given id; limit + 1 rows at most."""
    params = {name: value for name, value in filters.items() if value is not None}
    for name in _PLACE_FILTERS:
        if name in params:
            params[name] = locations.subtree_ids(conn, param=name, code=params[name])
    if "status" not in params:
        params["not_retracted"] = True
    if after is not None:
        params["after"] = after
    named = queries("figures")
    where = sql.SQL(" AND ").join(sql.SQL(named[f"where_{name}"]) for name in params) if params else sql.SQL("true")
    query = sql.SQL(named["list_figures"]).format(where=where)
    return conn.execute(query, params | {"limit": limit + 1}).fetchall()


def get_figure(conn: Connection, *, figure_id: int) -> dict | None:
    """One figure as the API serves it, or None."""
    return conn.execute(queries("figures")["get_figure"], {"id": figure_id}).fetchone()
