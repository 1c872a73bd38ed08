"""Stored responses of POSTs sent with an Idempotency-Key."""

from __future__ import annotations

from typing import Any

import orjson

from ..db import Connection, queries


def claim(conn: Connection, *, api_key_id: int, key: str, ttl_hours: int) -> dict[str, Any] | None:
    """The stored response for this key, or None: then this transaction owns the key until it ends.

    The transaction-level advisory lock makes a concurrent retry wait for the
    first request to finish, then find its stored response.
    """
    named = queries("idempotency")
    conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext(%(key)s), %(api_key_id)s::int)", {"key": key, "api_key_id": api_key_id}
    )
    conn.execute(named["forget_expired"], {"ttl_hours": ttl_hours})
    return conn.execute(named["find"], {"api_key_id": api_key_id, "key": key}).fetchone()


def remember(
    conn: Connection,
    *,
    api_key_id: int,
    key: str,
    request_hash: bytes,
    status: int,
    body: bytes,
    headers: dict[str, str],
) -> None:
    """Store the response to replay for retries with this key."""
    conn.execute(
        queries("idempotency")["remember"],
        {
            "api_key_id": api_key_id,
            "key": key,
            "request_hash": request_hash,
            "response_status": status,
            "response_body": body,
            "response_headers": orjson.dumps(headers).decode(),
        },
    )
