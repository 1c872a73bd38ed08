"""Reading locations and their hierarchy."""

from __future__ import annotations

from typing import Any

from ..db import Connection, one, queries
from ..errors import InvalidParameter


def find_location_id(conn: Connection, *, code: str) -> str | None:
    """The id of the location whose id or p-code is code."""
    row = conn.execute(queries("catalogue")["find_location"], {"code": code}).fetchone()
    return row["id"] if row else None


def resolve_location_id(conn: Connection, *, code: str, field: str, where: str = "query") -> str:
    """The id of the location named by code (id or p-code); an unknown code is a 422 naming the field."""
    location_id = find_location_id(conn, code=code)
    if location_id is None:
        raise InvalidParameter(
            field, f"{code!r} is not a known location id or p-code (see /v1/locations).", where=where
        )
    return location_id


def subtree_ids(conn: Connection, *, param: str, code: str) -> list[str]:
    """Ids of the location named by code and every place inside it; unknown codes are an error."""
    location_id = resolve_location_id(conn, code=code, field=param)
    ids: list[str] = one(conn.execute(queries("catalogue")["location_subtree"], {"id": location_id}))["ids"]
    return ids


def list_locations(
    conn: Connection, *, kind: list[str] | None, parent: str | None, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """Locations in id order, after the given id; limit + 1 rows at most."""
    params = {"kind": kind, "parent": parent, "after": after, "limit": limit + 1}
    return conn.execute(queries("catalogue")["list_locations"], params).fetchall()


def get_location(conn: Connection, *, code: str) -> dict[str, Any] | None:
    """A location with its chain of ancestors (nearest first) and its children."""
    location_id = find_location_id(conn, code=code)
    if location_id is None:
        return None
    row = one(conn.execute(queries("catalogue")["get_location"], {"id": location_id}))
    body: dict[str, Any] = row["body"]
    return body | {"ancestors": row["ancestors"], "children": row["children"]}
