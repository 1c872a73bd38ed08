"""Hand edits on the benchmark database: what one edit costs with its revision and its read-model body.

Edits ROUNDS figures picked at random, one transaction each, with the
statement the API's PATCH runs (figures.sql's update_figure: the revision and
read-model triggers fire as they do for the API), then edits each back, and
prints the median and the 90th percentile of the wall time of a whole
transaction, commit included. Needs the database `make bench` builds.

    .venv/bin/python bench/edit_bench.py

The last line is machine-readable: edit_median_ms=<x> edit_p90_ms=<x> target_ms=20
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # bench/bench.py: the benchmark database
from service import db
from service.db import queries

ROUNDS = 200
TARGET_MS = 20.0


def main() -> None:
    url = bench.bench_database_url()
    statement = sql.SQL(queries("figures")["update_figure"]).format(assignments=sql.SQL("value = value + %(change)s"))
    timings = []
    with db.connect(url) as conn:
        conn.commit()
        ids = [row["id"] for row in conn.execute("SELECT id FROM figure TABLESAMPLE SYSTEM (1) LIMIT 5000")]
        conn.commit()
        for figure_id in random.Random(7).sample(ids, ROUNDS):
            for change in (1, -1):
                started = time.perf_counter()
                with conn.transaction():
                    conn.execute(statement, {"id": figure_id, "versions": None, "change": change})
                timings.append((time.perf_counter() - started) * 1000)
    median, p90 = statistics.median(timings), statistics.quantiles(timings, n=10)[-1]
    print(f"{len(timings)} edits: median {median:.1f} ms, p90 {p90:.1f} ms (target: median under {TARGET_MS:.0f} ms)")
    print(f"edit_median_ms={median:.1f} edit_p90_ms={p90:.1f} target_ms={TARGET_MS:.0f}")


if __name__ == "__main__":
    main()
