"""Reading figures, now or as they stood at a past moment."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from psycopg import sql

from .. import figure
from ..db import Connection, one, queries
from ..errors import InvalidParameter
from . import locations

# Sortable columns and their SQL types (a cursor carries the last row's value as text).
SORT_COLUMNS = {
    "id": "bigint",
    "value": "bigint",
    "period_start": "date",
    "period_end": "date",
    "stated_on": "date",
    "updated_at": "timestamptz",
}


def ordering(sort: str) -> tuple[sql.Composable, sql.Composable, sql.Composable]:
    """ORDER BY, the sort key column, and the keyset condition resuming after a row, for a sort like -value."""
    column = sort.removeprefix("-")
    direction, after = ("DESC", "<") if sort.startswith("-") else ("ASC", ">")
    key = sql.Identifier("f", column)
    order = sql.SQL("{} {}, f.id {}").format(key, sql.SQL(direction), sql.SQL(direction))
    resume = sql.SQL("({}, f.id) {} (%(after_key)s::{}, %(after)s)").format(
        key, sql.SQL(after), sql.SQL(SORT_COLUMNS[column])
    )
    return order, key, resume


def _figure_query(
    params: dict[str, Any], *, as_of: dt.datetime | None, sort: str = "id", defaults: bool = True
) -> bytes:
    """figure_rows with the declared filters' conditions for params (which hold no Nones).

    defaults: a list leaves retracted figures out unless a status is asked for;
    a figure asked for by id is served whatever its status.
    """
    return _figure_query_text(frozenset(params), past=as_of is not None, sort=sort, defaults=defaults)


# The statement depends only on which parameters are given, not on their values: it is composed and
# rendered once per combination, instead of on every request (psycopg's conversion of the query, with
# the dumping of its parameters, was 7% of a worker's samples under load).
@functools.lru_cache(maxsize=512)
def _figure_query_text(given: frozenset[str], *, past: bool, sort: str, defaults: bool) -> bytes:
    named = queries("figures")
    order, sort_key, resume = ordering(sort)
    where = figure.where(dict.fromkeys(given, True), defaults=defaults)
    if "after" in given:
        where = sql.SQL("{} AND {}").format(where, resume)
    # The present is served from the read model; the past is built from its rows.
    if past:
        template, body = named["figure_rows_as_of"], figure.figure_body_sql()
    else:
        template, body = named["figure_rows"], sql.SQL(named["stored_body"])
    composed = sql.SQL(template).format(
        figures=sql.SQL(named["live_figures"]), where=where, order=order, sort_key=sort_key, body=body
    )
    return composed.as_bytes(None)


def _figure_rows(
    conn: Connection,
    params: dict[str, Any],
    *,
    limit: int | None,
    as_of: dt.datetime | None,
    sort: str = "id",
    defaults: bool = True,
) -> list[dict[str, Any]]:
    query = _figure_query(params, as_of=as_of, sort=sort, defaults=defaults)
    return conn.execute(query, params | {"limit": limit, "as_of": as_of}).fetchall()


def resolve_filters(conn: Connection, filters: dict[str, Any]) -> dict[str, Any]:
    """The filters with None values dropped and place codes resolved to their subtrees; an unknown place,
    source or dataset is a 422 naming the parameter."""
    params = {name: value for name, value in filters.items() if value is not None}
    for name in figure.PLACE_FILTERS:
        if name in params:
            params[name] = locations.subtree_ids(conn, param=name, code=params[name])
    for name, (table, listed_at) in figure.KNOWN_IN.items():
        if name in params:
            _refuse_unknown(conn, name, params[name], table, listed_at)
    return params


def _refuse_unknown(conn: Connection, name: str, values: list[str], table: str, listed_at: str) -> None:
    query = sql.SQL(queries("figures")["unknown_ids"]).format(table=sql.Identifier(table))
    unknown = one(conn.execute(query, {"ids": values}))["unknown"]
    if unknown:
        raise InvalidParameter(name, f"Unknown {name} id(s): {', '.join(unknown)} (see {listed_at}).")


def filter_params(conn: Connection, *, filters: dict[str, Any], after: tuple[int, object] | None) -> dict[str, Any]:
    """Query parameters of a figure list (place codes resolved to their subtrees).

    after is the (id, sort key) of the last row already served, or None.
    """
    params = resolve_filters(conn, filters)
    if after is not None:
        params["after"], params["after_key"] = after
    return params


def list_figures(
    conn: Connection,
    *,
    filters: dict[str, Any],
    after: tuple[int, object] | None,
    limit: int,
    as_of: dt.datetime | None = None,
    sort: str = "id",
) -> list[dict[str, Any]]:
    """Figures matching filters, in sort order (ties by id), after the given row; limit + 1 rows at most."""
    params = filter_params(conn, filters=filters, after=after)
    return _figure_rows(conn, params, limit=limit + 1, as_of=as_of, sort=sort)


def count_figures(conn: Connection, *, filters: dict[str, Any], as_of: dt.datetime | None = None) -> int:
    """How many figures match filters (as they stood at as_of, if given), wherever a page starts."""
    params = filter_params(conn, filters=filters, after=None)
    query = _count_query_text(frozenset(params), past=as_of is not None)
    total: int = one(conn.execute(query, params | {"as_of": as_of}))["total"]
    return total


@functools.lru_cache(maxsize=256)
def _count_query_text(given: frozenset[str], *, past: bool) -> bytes:
    template = queries("figures")["count_figures_as_of" if past else "count_figures"]
    where = figure.where(dict.fromkeys(given, True), defaults=True)
    return sql.SQL(template).format(where=where).as_bytes(None)


def get_figure(conn: Connection, *, figure_id: int, as_of: dt.datetime | None = None) -> dict[str, Any] | None:
    """One figure as the API serves it (as it stood at as_of, if given), or None."""
    rows = _figure_rows(conn, {"ids": [figure_id]}, limit=1, as_of=as_of, defaults=False)
    return rows[0] if rows else None


def figure_bodies(conn: Connection, *, ids: list[int]) -> dict[int, str]:
    """Figure id -> the figure's JSON as every figure endpoint serves it."""
    if not ids:
        return {}
    return {
        row["id"]: row["body"] for row in _figure_rows(conn, {"ids": ids}, limit=len(ids), as_of=None, defaults=False)
    }
