"""Reading datasets and their imports."""

from __future__ import annotations

from typing import Any

from ..db import Connection, one, queries


def list_datasets(conn: Connection) -> str:
    """Every dataset with its latest import, as the API serves them (JSON)."""
    body: str = one(conn.execute(queries("imports")["list_datasets"]))["body"]
    return body


def get_dataset(conn: Connection, *, dataset_id: str) -> str | None:
    """One dataset with all its imports (JSON), or None."""
    row = conn.execute(queries("imports")["get_dataset"], {"id": dataset_id}).fetchone()
    return row["body"] if row else None


def get_import(conn: Connection, *, import_id: int) -> str | None:
    """One import record (JSON), or None."""
    row = conn.execute(queries("imports")["get_import"], {"id": import_id}).fetchone()
    return row["body"] if row else None


def import_problems(conn: Connection, *, import_id: int) -> list[tuple[Any, ...]] | None:
    """An import's row-level report as REPORT_COLUMNS rows, or None if there is no such import."""
    rows = conn.execute(queries("imports")["import_problems"], {"id": import_id}).fetchall()
    if not rows[0]["found"]:
        return None
    return [
        (r["file"], r["line"], r["field"], r["value"], r["reason"], r["outcome"]) for r in rows if r["line"] is not None
    ]
