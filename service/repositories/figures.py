"""Reading figures, now or as they stood at a past moment."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from psycopg import sql

from ..db import Connection, queries
from . import locations

# Filters given as a location code that include every place inside it.
_PLACE_FILTERS = ("location", "origin", "destination")


def _figure_query(params: dict, *, as_of: dt.datetime | None) -> sql.Composed:
    """figure_rows with a where_<name> block for each param (params hold no Nones)."""
    named = queries("figures")
    where = sql.SQL(" AND ").join(sql.SQL(named[f"where_{name}"]) for name in params) if params else sql.SQL("true")
    figures = sql.SQL(named["figures_as_of" if as_of else "live_figures"])
    return sql.SQL(named["figure_rows"]).format(figures=figures, where=where)


def _figure_rows(conn: Connection, params: dict, *, limit: int | None, as_of: dt.datetime | None) -> list[dict]:
    query = _figure_query(params, as_of=as_of)
    return conn.execute(query, params | {"limit": limit, "as_of": as_of}).fetchall()


def filter_params(conn: Connection, *, filters: dict, after: int | None) -> dict:
    """Query parameters for filters: places resolved to their subtrees (unknown ones are a 422)."""
    params = {name: value for name, value in filters.items() if value is not None}
    for name in _PLACE_FILTERS:
        if name in params:
            params[name] = locations.subtree_ids(conn, param=name, code=params[name])
    if "status" not in params:
        params["not_retracted"] = True
    if after is not None:
        params["after"] = after
    return params


def list_figures(conn: Connection, *, filters: dict, after: int | None, limit: int,
                 as_of: dt.datetime | None = None) -> list[dict]:
    """Figures matching filters, in id order, after the given id; limit + 1 rows at most."""
    params = filter_params(conn, filters=filters, after=after)
    return _figure_rows(conn, params, limit=limit + 1, as_of=as_of)


def stream_figures(conn: Connection, *, params: dict, as_of: dt.datetime | None) -> Iterator[str]:
    """Every figure matching params (from filter_params), in id order, as JSON text.

    A server-side cursor hands them over in batches, so an export of any size
    holds one batch in memory at a time.
    """
    query = _figure_query(params, as_of=as_of)
    with conn.cursor(name="figure_export") as cursor:
        cursor.itersize = 2000
        cursor.execute(query, params | {"limit": None, "as_of": as_of})
        for row in cursor:
            yield row["body"]


def get_figure(conn: Connection, *, figure_id: int, as_of: dt.datetime | None = None) -> dict | None:
    """One figure as the API serves it (as it stood at as_of, if given), or None."""
    rows = _figure_rows(conn, {"id": figure_id}, limit=1, as_of=as_of)
    return rows[0] if rows else None
