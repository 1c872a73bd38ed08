"""CSV import benchmark: export figures of the benchmark database as Tally CSV, import them into a copy.

The copy keeps the benchmark database's places, sources and documents and
none of its figures, so every row is inserted. Prints the rows per second of
`tally import csv` and where the time went; the last line reads
`csv_import_rows=<n> seconds=<x> rows_per_s=<n> read_s=<x> match_s=<x> write_s=<x> commit_s=<x>`
(read: COPY and row checks; match: staging and comparing; write: figures and
their revisions).

    .venv/bin/python bench/csv_import_bench.py            # 1,000,000 rows
    BENCH_CSV_ROWS=200000 .venv/bin/python bench/csv_import_bench.py
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (bench/bench.py: the benchmark database)

from service import db, formats  # noqa: E402
from service.importers.core import Options  # noqa: E402
from service.importers.tally_csv import import_tally_csv  # noqa: E402
from service.repositories import figures  # noqa: E402

ROWS = int(os.environ.get("BENCH_CSV_ROWS", "").strip() or 1_000_000)
COPY = "tally_csv_import_bench"


def export(url: str, path: Path) -> None:
    """The first ROWS figures of the benchmark database, as `?format=csv` writes them."""
    with db.connect(url) as conn, path.open("wb") as out:
        params = figures.filter_params(conn, filters={}, after=None) | {"status": ["reported", "verified",
                                                                                   "disputed", "retracted"]}
        params.pop("not_retracted")
        bodies = (body for n, body in zip(range(ROWS), figures.stream_figures(conn, params=params, as_of=None)))
        for chunk in formats.csv_lines(bodies, list(formats.COLUMNS), hxl_row=None):
            out.write(chunk)


def _with_database(url: str, name: str) -> str:
    """url pointing at database name instead (works for host= query URLs too)."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def empty_copy(url: str) -> str:
    """A copy of the benchmark database without figures; its URL."""
    template = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(COPY)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(COPY), sql.Identifier(template)))
    copy_url = _with_database(url, COPY)
    with db.connect(copy_url) as conn:
        conn.execute("TRUNCATE figure_dispute, figure_revision, figure_citation, figure CASCADE")
    return copy_url


def main() -> None:
    url = bench.prepare_database()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        started = time.perf_counter()
        export(url, path)
        bench.log(f"bench: exported {ROWS:,} figures in {time.perf_counter() - started:.0f} s")
        copy_url = empty_copy(url)
        with db.connect(copy_url) as conn:
            started = time.perf_counter()
            result = import_tally_csv(conn, path, Options(actor="bench"))
            seconds = time.perf_counter() - started
    steps = " ".join(f"{step}_s={seconds}" for step, seconds in result.notes["seconds_by_step"].items())
    print(f"csv_import_rows={result.inserted} seconds={seconds:.1f} rows_per_s={result.inserted / seconds:.0f} {steps}")


if __name__ == "__main__":
    main()
