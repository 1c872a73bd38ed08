"""Datasette serving the bench page's figures: what a data journalist would pick instead of Tally.

The benchmark database's figures are copied into SQLite once (the rows of
Tally's CSV export: every flattened column, retracted figures included), with
the places and what contains what (location_containment). A canned query
selects the page as Tally does: the place and every place inside it (the same
recursive walk as catalogue.sql's location_subtree), the metric, periods that
end on or after the date, retracted figures left out, in id order, 50 rows.
bench.py checks that it returns the same figures as Tally's page before it
measures anything.

Datasette is a benchmark dependency, not one of Tally's: it is installed into
its own virtualenv beside this file (bench/.datasette-venv), on first use.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg

from service import figure
from service.repositories import exports

BENCH_DIR = Path(__file__).resolve().parent
VENV = BENCH_DIR / ".datasette-venv"
DATASETTE_VERSION = "0.65.1"
DATABASE_NAME = "tally_bench"
QUERY = "page"
# The bench page's parameters, as the canned query takes them.
PAGE_PARAMS = {"metric": "civilians_killed", "location": "SY02", "from": "2016-01-01", "limit": "50"}

PAGE_SQL = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM location WHERE id = :location OR pcode = :location
    UNION
    SELECT c.inner_id FROM location_containment c JOIN tree ON c.outer_id = tree.id
)
SELECT f.* FROM figure f
WHERE f.metric = :metric AND f.status <> 'retracted'
  AND f.location_id IN (SELECT id FROM tree) AND f.period_end >= :from
ORDER BY f.id
LIMIT :limit
"""


def datasette() -> Path:
    """The datasette command of the bench's own virtualenv, installed there first if need be."""
    command = VENV / "bin" / "datasette"
    if not command.exists():
        print(f"bench: installing datasette {DATASETTE_VERSION} into {VENV} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", f"datasette=={DATASETTE_VERSION}"], check=True)
    return command


def sqlite_copy(url: str, directory: Path) -> Path:
    """The figures, places and containments of the database at url in SQLite; rebuilt when the counts differ."""
    path = directory / f"{DATABASE_NAME}.db"
    with psycopg.connect(url) as conn:
        figures = conn.execute("SELECT count(*) FROM figure").fetchone()[0]
        if path.exists() and _count(path) == figures:
            return path
        print(f"bench: copying {figures:,} figures into SQLite for Datasette (once)", flush=True)
        path.unlink(missing_ok=True)
        with sqlite3.connect(path) as lite:
            _copy_figures(conn, lite)
            _copy_places(conn, lite)
        return path


def _count(path: Path) -> int | None:
    try:
        with sqlite3.connect(path) as lite:
            return lite.execute("SELECT count(*) FROM figure").fetchone()[0]
    except sqlite3.Error:
        return None


def _copy_figures(conn: psycopg.Connection, lite: sqlite3.Connection) -> None:
    """Tally's CSV export of every figure, as a table, with the indexes the page's query needs."""
    names = [c.name for c in figure.COLUMNS]
    lite.execute(f"CREATE TABLE figure ({', '.join(f'{n} {_affinity(n)}' for n in names)}, PRIMARY KEY (id))")
    statement = exports.copy_statement(conn, list(figure.COLUMNS), {}, as_of=None, defaults=False)
    exports.use_export_settings(conn)
    insert = f"INSERT INTO figure VALUES ({', '.join('?' for _ in names)})"
    with conn.cursor() as cursor, cursor.copy(statement, {"as_of": None}) as copy:
        rows = csv.reader(io.TextIOWrapper(_Stream(copy), encoding="utf-8", newline=""))
        lite.executemany(insert, ([cell if cell != "" else None for cell in row] for row in rows))
    lite.execute("CREATE INDEX figure_metric_location ON figure (metric, location_id, id)")


def _affinity(name: str) -> str:
    return "INTEGER" if name in {"id", "version"} else ""


class _Stream(io.RawIOBase):
    """COPY's rows as a readable byte stream."""

    def __init__(self, copy) -> None:
        self.rows = iter(copy)
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            try:
                self.pending = bytes(next(self.rows))
            except StopIteration:
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


def _copy_places(conn: psycopg.Connection, lite: sqlite3.Connection) -> None:
    lite.execute("CREATE TABLE location (id TEXT PRIMARY KEY, pcode TEXT)")
    lite.executemany("INSERT INTO location VALUES (?, ?)", conn.execute("SELECT id, pcode FROM location"))
    lite.execute("CREATE INDEX location_pcode ON location (pcode)")
    lite.execute("CREATE TABLE location_containment (outer_id TEXT, inner_id TEXT, PRIMARY KEY (outer_id, inner_id))")
    lite.executemany(
        "INSERT INTO location_containment VALUES (?, ?)",
        conn.execute("SELECT DISTINCT outer_id, inner_id FROM location_containment"),
    )


def metadata(directory: Path) -> Path:
    """Datasette's metadata: the canned query of the bench page."""
    path = directory / "datasette-metadata.json"
    path.write_text(json.dumps({"databases": {DATABASE_NAME: {"queries": {QUERY: {"sql": PAGE_SQL}}}}}, indent=2))
    return path


def argv(directory: Path, url: str) -> list[str]:
    """The command that serves the copy (its port is added by the caller)."""
    return [
        str(datasette()),
        "serve",
        str(sqlite_copy(url, directory)),
        "--metadata",
        str(metadata(directory)),
        "--host",
        "127.0.0.1",
        "--setting",
        "sql_time_limit_ms",
        "10000",
    ]


def page_path() -> str:
    """The canned query's JSON, with the bench page's parameters."""
    query = "&".join(f"{name}={value}" for name, value in PAGE_PARAMS.items())
    return f"/{DATABASE_NAME}/{QUERY}.json?_shape=objects&{query}"
