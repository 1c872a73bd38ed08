"""The data version every write moves on (migration 0005): what collection validators derive from."""

from __future__ import annotations

from ..db import Connection, queries


def data_version(conn: Connection) -> dict:
    """The current data version and when it last changed."""
    return conn.execute(queries("caching")["data_version"]).fetchone()
