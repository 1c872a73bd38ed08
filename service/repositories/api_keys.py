"""API keys: stored as hashes, looked up by hash."""

from __future__ import annotations

from typing import Any

from ..db import Connection, one, queries


def create_key(conn: Connection, *, name: str, scope: str, token_hash: bytes, token_prefix: str) -> dict[str, Any]:
    """Store a new key; returns its id, name, scope and creation time."""
    params = {"name": name, "scope": scope, "token_hash": token_hash, "token_prefix": token_prefix}
    return one(conn.execute(queries("api_keys")["create_key"], params))


def list_keys(conn: Connection) -> list[dict[str, Any]]:
    """Every key, revoked ones included, oldest first."""
    return conn.execute(queries("api_keys")["list_keys"]).fetchall()


def revoke_key(conn: Connection, *, key_id: int) -> dict[str, Any] | None:
    """Revoke a key (once); None if there is no such key."""
    return conn.execute(queries("api_keys")["revoke_key"], {"id": key_id}).fetchone()


def find_key(conn: Connection, *, token_hash: bytes) -> dict[str, Any] | None:
    """The key with this token hash, revoked or not."""
    return conn.execute(queries("api_keys")["find_key"], {"token_hash": token_hash}).fetchone()
