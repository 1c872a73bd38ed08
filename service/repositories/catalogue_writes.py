"""Creating and changing sources, documents and locations."""

from __future__ import annotations

from typing import Any

from psycopg import sql

from ..db import Connection, one, queries, savepoint
from ..errors import Conflict, InvalidParameter, NotFound
from ..importers.sources import source_key
from .locations import find_location_id, resolve_location_id

# API field -> column, where they differ.
_COLUMNS = {"publisher": "publisher_id", "parent": "parent_id"}


def _update(conn: Connection, block: str, key: str | int, changes: dict[str, Any]) -> None:
    """Run an update_* block setting exactly the given fields; NotFound if no row has that key."""
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(_COLUMNS.get(name, name)), sql.Placeholder(name)) for name in changes
    )
    query = sql.SQL(queries("catalogue_writes")[block]).format(assignments=assignments)
    with savepoint(conn):
        if conn.execute(query, changes | {"id": key}).fetchone() is None:
            raise NotFound(f"No such resource: {key!r}.")


def _insert(conn: Connection, block: str, row: dict[str, Any]) -> Any:
    """The new row's id: text or an integer, by table."""
    with savepoint(conn):
        return one(conn.execute(queries("catalogue_writes")[block], row))["id"]


def create_source(conn: Connection, *, fields: dict[str, Any]) -> str:
    """Insert a source; returns its id."""
    source_id: str = _insert(conn, "insert_source", {"url": None, "description": None} | fields)
    return source_id


def update_source(conn: Connection, *, source_id: str, changes: dict[str, Any]) -> None:
    """Change the given fields of a source."""
    _update(conn, "update_source", source_id, changes)


def add_source_alias(conn: Connection, *, source_id: str, alias: str) -> bool:
    """Make a spelling name a source: True if added, False if the source has that alias (its key) already.

    NotFound if there is no such source; Conflict if the key names another source; InvalidParameter if the
    spelling has no key (nothing but punctuation).
    """
    key = source_key(alias)
    if not key:
        raise InvalidParameter("alias", "Give a name with at least one letter or digit.", where="json")
    named = queries("catalogue_writes")
    params = {"key": key, "alias": alias.strip(), "source_id": source_id}
    with savepoint(conn):
        if conn.execute(named["insert_source_alias"], params).fetchone() is not None:
            return True
    found = one(conn.execute(named["find_source_alias"], params))
    if not found["source_exists"]:
        raise NotFound(f"No source with id {source_id!r}.")
    if found["source_id"] != source_id:
        raise Conflict(
            f"alias: {alias.strip()!r} names source {found['source_id']!r} already (as {found['alias']!r}, "
            f"key {key!r}).",
            errors=[{"in": "json", "field": "alias", "messages": [f"Names source {found['source_id']!r} already."]}],
            source=f"/v1/sources/{found['source_id']}",
        )
    return False


def add_source_aliases(conn: Connection, aliases: dict[str, tuple[str, str]]) -> int:
    """Add spellings an import found to name their sources (key -> (spelling, source id)), except keys that
    name a source already; how many were added."""
    keys = list(aliases)
    params = {
        "keys": keys,
        "aliases": [aliases[key][0] for key in keys],
        "sources": [aliases[key][1] for key in keys],
    }
    added: int = conn.execute(queries("catalogue_writes")["insert_source_aliases"], params).rowcount
    return added


def create_document(conn: Connection, *, fields: dict[str, Any]) -> int:
    """Insert a document; returns its id."""
    defaults = {"publisher": None, "url": None, "published_on": None, "retrieved_on": None, "language": None}
    document_id: int = _insert(conn, "insert_document", defaults | fields)
    return document_id


def update_document(conn: Connection, *, document_id: int, changes: dict[str, Any]) -> None:
    """Change the given fields of a document."""
    _update(conn, "update_document", document_id, changes)


def _parent_id(conn: Connection, code: str | None) -> str | None:
    return None if code is None else resolve_location_id(conn, code=code, field="parent", where="json")


def create_location(conn: Connection, *, fields: dict[str, Any]) -> str:
    """Insert a location under its parent; returns its id."""
    defaults: dict[str, Any] = {
        "pcode": None,
        "name_ar": None,
        "aliases": [],
        "parent": None,
        "latitude": None,
        "longitude": None,
        "description": None,
    }
    row = defaults | fields
    row["parent"] = _parent_id(conn, row["parent"])
    areas = row.pop("areas", [])
    location_id: str = _insert(conn, "insert_location", row)
    _set_areas(conn, location_id, areas)
    return location_id


def update_location(conn: Connection, *, code: str, changes: dict[str, Any]) -> str:
    """Change the given fields of a location; a new parent may not lie inside it. Returns its id."""
    location_id = find_location_id(conn, code=code)
    if location_id is None:
        raise NotFound(f"No location with id, p-code, alias or ISO code {code!r}.")
    if "parent" in changes:
        changes["parent"] = _parent_id(conn, changes["parent"])
        if changes["parent"] and _is_inside(conn, changes["parent"], location_id):
            message = f"{changes['parent']!r} lies inside {location_id!r}: the hierarchy would loop."
            raise InvalidParameter("parent", message, where="json")
    areas = changes.pop("areas", None)
    if changes:
        _update(conn, "update_location", location_id, changes)
    if areas is not None:
        _set_areas(conn, location_id, areas)
    return location_id


def _set_areas(conn: Connection, location_id: str, codes: list[str]) -> None:
    """Make the areas the place lies in (besides its parent) exactly these; a loop is a 422 naming `areas`."""
    area_ids = [resolve_location_id(conn, code=code, field="areas", where="json") for code in codes]
    for area_id in area_ids:
        if _is_inside(conn, area_id, location_id):
            raise InvalidParameter(
                "areas", f"{area_id!r} lies inside {location_id!r}: the containment would loop.", where="json"
            )
    named = queries("catalogue_writes")
    with savepoint(conn):
        conn.execute(named["clear_areas"], {"id": location_id})
        for area_id in dict.fromkeys(area_ids):
            conn.execute(named["add_area"], {"id": location_id, "area": area_id})


def _is_inside(conn: Connection, location_id: str, ancestor: str) -> bool:
    row = one(conn.execute(queries("catalogue_writes")["is_inside"], {"id": location_id, "ancestor": ancestor}))
    inside: bool = row["inside"]
    return inside
