"""Reading locations and their hierarchy."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from ..countries import iso_counterpart
from ..db import Connection, one, queries
from ..errors import InvalidParameter
from ..filters import contains_pattern

# The data version the current request read before any other statement (api/caching.py sets it):
# places change only with it, so a subtree looked up under it holds for the whole version. None: not
# known, nothing is cached.
request_data_version: ContextVar[int | None] = ContextVar("request_data_version", default=None)
# (data version, code) -> the subtree's ids; emptied when a newer version is seen.
_subtrees: dict[tuple[int, str], list[str]] = {}
_SUBTREES_KEPT = 1024


def find_location_id(conn: Connection, *, code: str, field: str = "code", where: str = "path") -> str | None:
    """The id of the location code names: its id or p-code; else the one place that lists code as an
    alias (in any case) or whose id, p-code or alias is code's ISO 3166 counterpart (SS for SSD). None
    when nothing matches; a 422 naming the field when several places share that alias.

    Ids and p-codes are looked up first, by index: aliases cost a scan, paid only for a code that is
    neither."""
    row = conn.execute(queries("catalogue")["find_location"], {"code": code}).fetchone()
    if row:
        return str(row["id"])
    params = {"code": code, "iso": iso_counterpart(code)}
    ids = [row["id"] for row in conn.execute(queries("catalogue")["find_location_by_alias"], params)]
    if len(ids) > 1:
        shown = ", ".join(ids[:10]) + (", ..." if len(ids) > 10 else "")
        message = f"{code!r} names {len(ids)} places ({shown}): give one's id or p-code."
        raise InvalidParameter(field, message, where=where)
    return ids[0] if ids else None


def resolve_location_id(conn: Connection, *, code: str, field: str, where: str = "query") -> str:
    """The id of the location named by code (see find_location_id); an unknown code is a 422 naming the field."""
    location_id = find_location_id(conn, code=code, field=field, where=where)
    if location_id is None:
        raise InvalidParameter(
            field, f"{code!r} is not a known location id, p-code, alias or ISO code (see /v1/locations).", where=where
        )
    return location_id


def subtree_ids(conn: Connection, *, param: str, code: str) -> list[str]:
    """Ids of the location named by code and every place inside it; unknown codes are an error.

    Cached per data version: a list filtered by place then costs no statement for the place.
    """
    version = request_data_version.get()
    if version is not None and (version, code) in _subtrees:
        return _subtrees[version, code]
    location_id = resolve_location_id(conn, code=code, field=param)
    ids: list[str] = one(conn.execute(queries("catalogue")["location_subtree"], {"id": location_id}))["ids"]
    if version is not None:
        if len(_subtrees) >= _SUBTREES_KEPT or any(kept < version for kept, _ in _subtrees):
            _subtrees.clear()
        _subtrees[version, code] = ids
    return ids


def location_filters(*, kind: list[str] | None, parent: str | None, q: str | None) -> dict[str, Any]:
    """The filters of a list of locations, as list_locations' statement takes them (q as an ILIKE pattern)."""
    return {"kind": kind, "parent": parent, "q": None if q is None else contains_pattern(q)}


def list_locations(conn: Connection, *, filters: dict[str, Any], after: str | None, limit: int) -> list[dict[str, Any]]:
    """Locations (location_filters) in id order, after the given id; limit + 1 rows at most."""
    params = filters | {"after": after, "limit": limit + 1}
    return conn.execute(queries("catalogue")["list_locations"], params).fetchall()


def get_location(conn: Connection, *, code: str) -> dict[str, Any] | None:
    """A location with its chain of ancestors (nearest first) and its children."""
    location_id = find_location_id(conn, code=code)
    if location_id is None:
        return None
    row = one(conn.execute(queries("catalogue")["get_location"], {"id": location_id}))
    body: dict[str, Any] = row["body"]
    return body | {"ancestors": row["ancestors"], "children": row["children"]}
