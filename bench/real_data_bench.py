"""Analysts' questions on the real files: every import of shared/data in one database, and the answers timed.

The benchmark database of `make bench` has 1,000,000 synthetic figures but only the seed's
313 places; the real gazetteers hold 33,000, and answers that walk places behave otherwise
there (the totals' place paths took 2.5 s for Syria's UCDP places before they were rewritten).
This builds, once, a database with the seed and every real import (BENCH_REAL_DATABASE_URL, or
tally_real_bench on the embedded server; kept for the next run), then asks each question below
through the app's test client, after one warm-up, and prints the median and range.

    .venv/bin/python bench/real_data_bench.py [runs]

The last line is machine-readable: <name>_ms=<median> for each question.
"""

from __future__ import annotations

import os
import statistics
import sys

import psycopg
from psycopg import sql

import import_bench
from analysis_bench import timed
from service import db, migrations
from service.app import create_app
from service.config import Settings
from service.seed import load_seed

DATABASE = "tally_real_bench"
RUNS = 7
QUESTIONS = {
    "totals_country_year": "/v1/civilians-killed/totals?location=SY&from=2016&to=2016",
    "totals_governorate_year": "/v1/civilians-killed/totals?location=SY02&from=2016&to=2016",
    "totals_governorate_month": "/v1/civilians-killed/totals?location=SY02&from=2016-11&to=2016-11",
    "claims_governorate_month": "/v1/claims?location=SY02&from=2016-11&to=2016-11",
    "claims_country_year": "/v1/claims?location=SY&from=2016&to=2016",
    "refugees_totals_origin_year": "/v1/figures/totals?metric=refugees&origin=SY&from=2020&to=2020",
    "figures_country_by_value": "/v1/figures?location=SY&sort=-value&limit=50",
    "coverage_country": "/v1/coverage?location=SY",
    "places_by_name": "/v1/locations?q=aleppo",
}


def database_url() -> str:
    """BENCH_REAL_DATABASE_URL, or tally_real_bench on the embedded server (created if missing)."""
    url = os.environ.get("BENCH_REAL_DATABASE_URL", "").strip()
    if url:
        return url
    with psycopg.connect(import_bench.server_url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    return import_bench.server_url(DATABASE)


def prepare(url: str) -> None:
    """Migrations, seed and every real import, unless they are there already."""
    with db.connect(url) as conn:
        migrations.upgrade(conn)
        imported = {row["dataset_id"] for row in conn.execute("SELECT dataset_id FROM dataset_import")}
        if {"ucdp-ged", "unhcr-population", "idmc-gidd"} <= imported:
            return
        load_seed(conn)
    if not import_bench.DATA.is_dir():
        sys.exit(f"no {import_bench.DATA}: the real data files live in shared/data beside the project")
    for name, run in import_bench.IMPORTS:
        print(f"real_data_bench: importing {name} (once)", flush=True)
        with db.connect(url) as conn:
            run(conn)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    url = database_url()
    prepare(url)
    client = create_app(Settings(rate_limits_enabled=False), database_url=url).test_client()
    medians = {}
    for name, path in QUESTIONS.items():
        times = timed(client, path, runs)
        medians[name] = statistics.median(times)
        print(f"{name}: {path}  median {medians[name]:.0f} ms (min {min(times):.0f}, max {max(times):.0f})", flush=True)
    print(" ".join(f"{name}_ms={median:.0f}" for name, median in medians.items()))


if __name__ == "__main__":
    main()
