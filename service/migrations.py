"""A small migration runner: numbered SQL files, each applied once, in order."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .db import Connection, one

# Any constant works; it only has to be the same for every Tally process.
_LOCK_ID = 0x7A11


@dataclass(frozen=True)
class Migration:
    """One file of service/sql/migrations: its version is the file name without .sql."""

    version: str
    sql: str

    @property
    def checksum(self) -> str:
        """sha256 of the text, kept with the applied migration (and in sql/migrations/CHECKSUMS)."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationChanged(Exception):
    """An applied migration's file has changed since it was applied."""


@cache
def available() -> tuple[Migration, ...]:
    """The migrations shipped with this version of Tally, oldest first."""
    folder = resources.files("service.sql.migrations")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return tuple(Migration(f.name.removesuffix(".sql"), f.read_text("utf-8")) for f in files)


def _ensure_table(conn: Connection) -> None:
    conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migration (
               version    text PRIMARY KEY,
               checksum   text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now())"""
    )


def applied(conn: Connection) -> dict[str, str]:
    """Version -> checksum of every migration applied to this database."""
    exists = one(conn.execute("SELECT to_regclass('schema_migration') AS t"))
    if exists["t"] is None:
        return {}
    rows = conn.execute("SELECT version, checksum FROM schema_migration").fetchall()
    return {row["version"]: row["checksum"] for row in rows}


def pending(conn: Connection) -> list[Migration]:
    """Migrations not yet applied; raises MigrationChanged if history was edited."""
    done = applied(conn)
    for migration in available():
        if migration.version in done and done[migration.version] != migration.checksum:
            raise MigrationChanged(f"migration {migration.version} was edited after it was applied")
    return [m for m in available() if m.version not in done]


def upgrade(conn: Connection) -> list[str]:
    """Apply every pending migration in one transaction; return their versions."""
    with conn.transaction():
        # Two processes starting at once must not both apply the same file.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        _ensure_table(conn)
        todo = pending(conn)
        for migration in todo:
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO schema_migration (version, checksum) VALUES (%s, %s)",
                (migration.version, migration.checksum),
            )
    return [m.version for m in todo]
