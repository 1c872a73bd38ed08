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

import itertools
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # bench/bench.py: the benchmark database
from service import db, formats
from service.importers.core import Options
from service.importers.tally_csv import import_tally_csv
from service.repositories import exports, figures

ROWS = int(os.environ.get("BENCH_CSV_ROWS", "").strip() or 1_000_000)
COPY = "tally_csv_import_bench"


def export(url: str, path: Path) -> None:
    """The first ROWS figures of the benchmark database, as `?format=csv` writes them (COPY, see exports.py)."""
    columns = list(formats.COLUMNS)
    with db.connect(url) as conn, path.open("wb") as out:
        params = figures.filter_params(conn, filters={}, after=None) | {
            "status": ["reported", "verified", "disputed", "retracted"]
        }
        statement = exports.copy_statement(conn, columns, params, as_of=None)
        exports.use_export_settings(conn)
        out.write(formats.header_lines(columns, hxl=False, metric_hashtag=None))
        with conn.cursor() as cursor, cursor.copy(statement, exports.copy_params(params, None)) as copy:
            rows = iter(copy)
            for chunk in exports.Lines(alone=False).chunks(itertools.islice(rows, ROWS)):
                out.write(chunk)
            for _ in rows:  # a COPY is read to its end before the connection takes another command
                pass


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


# What writing the figures alone costs, without the import around it: the
# imported rows are inserted again (new external ids) in a transaction that is
# rolled back, first as an import writes them (foreign keys checked, every
# index kept, revisions written), then without the revisions, without the
# foreign-key checks too, and with only the primary key and the external-id
# index left. Needs a superuser for the last two (the embedded server's role
# is one); it shows the ceiling this machine puts on any import.
CEILINGS = {
    "as_imported": (),
    "no_revisions": ("ALTER TABLE figure DISABLE TRIGGER figure_revision_on_insert",),
    "no_revisions_or_foreign_key_checks": ("ALTER TABLE figure DISABLE TRIGGER ALL",),
    "no_revisions_foreign_keys_or_secondary_indexes": (
        "ALTER TABLE figure DISABLE TRIGGER ALL",
        "ALTER TABLE figure DROP CONSTRAINT figure_statement_unique",
        "DROP INDEX figure_metric_id, figure_location, figure_origin, figure_destination, figure_source, "
        "figure_document, figure_updated, figure_dataset",
    ),
}
REINSERT = """INSERT INTO figure (metric_id, count_kind, value, low, high, qualifier, stated_words, population_group,
                    location_id, origin_id, destination_id, period_start, period_end, stated_on, source_id,
                    document_id, quote, dataset_id, external_id, import_id, latitude, longitude, dataset_attributes)
SELECT metric_id, count_kind, value, low, high, qualifier, stated_words, population_group, location_id, origin_id,
       destination_id, period_start, period_end, stated_on, source_id, document_id, quote, dataset_id,
       external_id || '+again', import_id, latitude, longitude, dataset_attributes
FROM figure WHERE dataset_id = 'tally-csv'"""


def write_ceilings(url: str) -> dict[str, int]:
    """Figures written per second by a bare INSERT ... SELECT, under each of CEILINGS."""
    rates = {}
    with db.connect(url) as conn:
        for name, statements in CEILINGS.items():
            try:
                with conn.transaction():
                    for statement in statements:
                        conn.execute(statement)
                    started = time.perf_counter()
                    written = conn.execute(REINSERT).rowcount
                    rates[name] = round(written / (time.perf_counter() - started))
                    raise psycopg.Rollback()
            except psycopg.errors.InsufficientPrivilege:
                bench.log(f"bench: {name}: needs a superuser; not measured")
    return rates


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
    steps = " ".join(f"{step}_s={step_seconds}" for step, step_seconds in result.notes["seconds_by_step"].items())
    bench.log("bench: writing the same figures again, without the import around it (rolled back):")
    for name, rate in write_ceilings(copy_url).items():
        bench.log(f"bench:   {name}: {rate:,} figures/s")
    print(f"csv_import_rows={result.inserted} seconds={seconds:.1f} rows_per_s={result.inserted / seconds:.0f} {steps}")


if __name__ == "__main__":
    main()
