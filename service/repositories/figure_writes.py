"""Writing figures: every change is one atomic statement and leaves a revision."""

from __future__ import annotations

from typing import Any

from psycopg import sql

from .. import figure
from ..db import Connection, ConstraintViolation, acting_as, one, queries, savepoint
from ..errors import Conflict, NotFound, PreconditionFailed
from .locations import resolve_location_id


class DuplicateFigure(Conflict):
    """This statement is in Tally already (same source, metric, place, period and value)."""


def _resolve_places(conn: Connection, fields: dict[str, Any]) -> dict[str, Any]:
    """Location codes (id, p-code, alias or ISO code) in fields replaced by location ids; unknown codes are a 422."""
    resolved = dict(fields)
    for name in figure.PLACE_FILTERS:
        if fields.get(name) is not None:
            resolved[name] = resolve_location_id(conn, code=fields[name], field=name, where="json")
    return resolved


def create_figure(conn: Connection, *, fields: dict[str, Any], actor: str, reason: str | None) -> dict[str, Any]:
    """Insert a figure (its first revision is written with it); returns its id and version."""
    row = _resolve_places(conn, fields)
    acting_as(conn, actor=actor, reason=reason)
    return insert_figure(conn, fields=row)


def insert_figure(conn: Connection, *, fields: dict[str, Any]) -> dict[str, Any]:
    """Insert a figure from its fields (API names; places and document as ids); DuplicateFigure names the
    figure that already holds this statement."""
    row = figure.INSERT_DEFAULTS | fields
    try:
        with savepoint(conn):
            return one(conn.execute(figure.insert_one(), row))
    except ConstraintViolation as error:
        if error.constraint != "figure_statement_unique":
            raise
        existing = one(conn.execute(queries("figures")["find_statement"], row))["id"]
        raise DuplicateFigure(existing_id=existing, existing=f"/v1/figures/{existing}") from None


def _missing_or_stale(conn: Connection, figure_id: int) -> Exception:
    """Why a guarded update changed no row: the figure does not exist, or its version moved on."""
    state = figure_state(conn, figure_id=figure_id)
    if state is None:
        return NotFound(f"No figure with id {figure_id}.")
    return PreconditionFailed(current_etag=figure.figure_etag(state["version"], state["body"]))


def update_figure(
    conn: Connection, *, figure_id: int, changes: dict[str, Any], versions: list[int] | None, actor: str, reason: str
) -> dict[str, Any]:
    """Apply changes if the figure is still at one of versions (None: any); returns id and new version."""
    values = _resolve_places(conn, changes)
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(figure.column_of(name)), sql.Placeholder(name)) for name in values
    )
    query = sql.SQL(queries("figures")["update_figure"]).format(assignments=assignments)
    acting_as(conn, actor=actor, reason=reason)
    with savepoint(conn):
        row = conn.execute(query, values | {"id": figure_id, "versions": versions}).fetchone()
    if row is None:
        raise _missing_or_stale(conn, figure_id)
    return row


def retract_figure(
    conn: Connection, *, figure_id: int, versions: list[int] | None, actor: str, reason: str
) -> dict[str, Any]:
    """Set status retracted with the reason; returns id and new version."""
    acting_as(conn, actor=actor, reason=reason)
    params = {"id": figure_id, "versions": versions, "reason": reason}
    row = conn.execute(queries("figures")["retract_figure"], params).fetchone()
    if row is not None:
        return row
    state = figure_state(conn, figure_id=figure_id)
    if state is not None and state["status"] == "retracted":
        raise Conflict(f"Figure {figure_id} is retracted already.")
    raise _missing_or_stale(conn, figure_id)


def add_dispute(conn: Connection, *, figure_id: int, dispute: dict[str, Any], actor: str) -> dict[str, Any]:
    """Record a dispute and mark the figure disputed; returns the figure's id and new version, and the dispute's
    id (dispute_id)."""
    named = queries("figures")
    acting_as(conn, actor=actor, reason=dispute["note"], change="dispute")
    state = figure_state(conn, figure_id=figure_id)
    if state is None:
        raise NotFound(f"No figure with id {figure_id}.")
    if state["status"] == "retracted":
        raise Conflict(f"Figure {figure_id} is retracted; a retracted figure cannot be disputed.")
    params = {"document": None, "quote": None} | dispute | {"id": figure_id}
    with savepoint(conn):
        dispute_id = one(conn.execute(named["insert_dispute"], params))["id"]
    return one(conn.execute(named["mark_disputed"], {"id": figure_id})) | {"dispute_id": dispute_id}


def figure_state(conn: Connection, *, figure_id: int) -> dict[str, Any] | None:
    """A figure's id, version, status and body as served, and the data version's moment (its Last-Modified); or None."""
    return conn.execute(queries("figures")["figure_state"], {"id": figure_id}).fetchone()


def list_revisions(conn: Connection, *, figure_id: int) -> list[dict[str, Any]]:
    """Every version of a figure, oldest first (empty if there is no such figure)."""
    return conn.execute(queries("figures")["list_revisions"], {"id": figure_id}).fetchall()


def list_changes(conn: Connection, *, after: int, limit: int) -> list[dict[str, Any]]:
    """Changes to figures after the given feed position, in commit order; limit + 1 rows at most."""
    return conn.execute(queries("figures")["list_changes"], {"after": after, "limit": limit + 1}).fetchall()
