"""The data version every write moves on (migration 0005): what collection validators derive from."""

from __future__ import annotations

from typing import Any

from ..db import Connection, one, queries


def data_version(conn: Connection) -> dict[str, Any]:
    """The current data version and when it last changed."""
    return one(conn.execute(queries("caching")["data_version"]))
