"""Reading sources, documents and metrics."""

from __future__ import annotations

from typing import Any

from ..db import Connection, queries


def list_sources(conn: Connection, *, kind: list[str] | None, after: str | None, limit: int) -> list[dict[str, Any]]:
    """Sources in id order, after the given id; limit + 1 rows at most."""
    params = {"kind": kind, "after": after, "limit": limit + 1}
    return conn.execute(queries("catalogue")["list_sources"], params).fetchall()


def get_source(conn: Connection, *, source_id: str) -> dict[str, Any] | None:
    """One source, or None."""
    return conn.execute(queries("catalogue")["get_source"], {"id": source_id}).fetchone()


def source_spellings(conn: Connection) -> list[dict[str, Any]]:
    """Every spelling that names a source (spelling, source_id, how: alias or source), aliases first."""
    return conn.execute(queries("catalogue")["source_spellings"]).fetchall()


def list_documents(
    conn: Connection, *, publisher: list[str] | None, after: int | None, limit: int
) -> list[dict[str, Any]]:
    """Documents in id order, after the given id; limit + 1 rows at most."""
    params = {"publisher": publisher, "after": after, "limit": limit + 1}
    return conn.execute(queries("catalogue")["list_documents"], params).fetchall()


def get_document(conn: Connection, *, document_id: int) -> dict[str, Any] | None:
    """One document, or None."""
    return conn.execute(queries("catalogue")["get_document"], {"id": document_id}).fetchone()


def list_metrics(conn: Connection) -> list[dict[str, Any]]:
    """The whole metric catalogue."""
    return conn.execute(queries("catalogue")["list_metrics"]).fetchall()
