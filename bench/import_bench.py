"""Import benchmark: the real files of shared/data, imported into a fresh database and timed.

Builds a database named tally_import_bench on the embedded server (migrations
and seed), then imports, as `tally import` does:

    locations   the three gazetteers (OCHA's two nameless rows skipped)
    ucdp        16,566 events -> 33,132 figures
    unhcr       138,893 rows  -> 115,328 figures
    idmc        961 rows (IDMC's AB9 rows skipped)

and each again, which must change nothing. For each it prints the wall-clock
seconds and the CPU seconds of Tally and of its PostgreSQL backend together:
on a busy machine the wall clock grows with other processes' load, the CPU
time much less. The target is under 15 s for the full UCDP and UNHCR files.
The database is dropped at the end. The 1,000,000-row Tally CSV import has
its own benchmark: bench/csv_import_bench.py.

    .venv/bin/python bench/import_bench.py

The last line is machine-readable:
    ucdp_s=<wall> ucdp_cpu_s=<cpu> unhcr_s=<wall> unhcr_cpu_s=<cpu> target_s=15
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

from service import db, migrations
from service.config import Settings, data_dir
from service.importers.core import Options, Result
from service.importers.datasets import CSR_NEIGHBOURHOODS, OCHA_PCODES, OPENSYRIA_SUBDISTRICTS
from service.importers.idmc import import_idmc
from service.importers.locations import import_locations
from service.importers.ucdp import import_ucdp
from service.importers.unhcr import import_unhcr
from service.seed import load_seed

DATA = data_dir()
DATABASE = "tally_import_bench"
TARGET_SECONDS = 15.0
GAZETTEERS = {
    OCHA_PCODES.id: DATA / "ocha_global_pcodes_adm1_adm2.csv",
    OPENSYRIA_SUBDISTRICTS.id: DATA / "opensyria_syria_subdistricts_adm3.json",
    CSR_NEIGHBOURHOODS.id: DATA / "aleppo_neighbourhoods_csr.geojson",
}
OPTIONS = Options(actor="bench", skip_invalid=True)
IMPORTS: list[tuple[str, Callable[[db.Connection], list[Result]]]] = [
    ("locations", lambda conn: import_locations(conn, GAZETTEERS, OPTIONS)),
    ("ucdp", lambda conn: [import_ucdp(conn, DATA / "ucdp_ged_syria_2016-2019.csv", OPTIONS)]),
    ("unhcr", lambda conn: [import_unhcr(conn, DATA / "unhcr_population_1951-2025.csv", OPTIONS)]),
    ("idmc", lambda conn: [import_idmc(conn, DATA / "idmc_gidd_conflict_displacement_2009-2024.csv", OPTIONS)]),
]


def server_url(database: str) -> str:
    """A database on the embedded server."""
    from service.embedded import embedded_server_url

    return embedded_server_url(Settings().embedded_pgdata, database=database)


def recreate_database() -> str:
    """A fresh, migrated and seeded benchmark database; its URL."""
    drop_database()
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    url = server_url(DATABASE)
    with db.connect(url) as conn:
        migrations.upgrade(conn)
        load_seed(conn)
    return url


def drop_database() -> None:
    """Drop the benchmark database."""
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))


def backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend (on this machine) has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(url: str, run: Callable) -> tuple[float, float, list[Result]]:
    """(wall seconds, CPU seconds of this process and its backend, results) of one import."""
    with db.connect(url) as conn:
        pid = conn.info.backend_pid
        wall, cpu, server = time.monotonic(), time.process_time(), backend_cpu(pid)
        results = run(conn)
        cpu_used = time.process_time() - cpu + backend_cpu(pid) - server
        return time.monotonic() - wall, cpu_used, results


def main() -> None:
    """Time every import twice (the second must change nothing), then print the table."""
    if not DATA.is_dir():
        sys.exit(f"no {DATA}: the real data files live in shared/data beside the project")
    url = recreate_database()
    rows = []
    try:
        for name, run in IMPORTS:
            wall, cpu, results = timed(url, run)
            again_wall, again_cpu, again = timed(url, run)
            if any(r.committed for r in again):
                sys.exit(f"importing {name} a second time changed something")
            figures = sum(r.inserted for r in results)
            rows.append((name, figures, wall, cpu, again_wall, again_cpu))
    finally:
        drop_database()
    print(f"{'import':<10} {'rows in':>8} {'wall s':>7} {'cpu s':>6} {'again wall s':>13} {'cpu s':>6}")
    for name, figures, wall, cpu, again_wall, again_cpu in rows:
        print(f"{name:<10} {figures:>8} {wall:>7.1f} {cpu:>6.1f} {again_wall:>13.1f} {again_cpu:>6.1f}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} during the run")
    by_name = {row[0]: row for row in rows}
    print(
        f"ucdp_s={by_name['ucdp'][2]:.1f} ucdp_cpu_s={by_name['ucdp'][3]:.1f} "
        f"unhcr_s={by_name['unhcr'][2]:.1f} unhcr_cpu_s={by_name['unhcr'][3]:.1f} target_s={TARGET_SECONDS:.0f}"
    )


if __name__ == "__main__":
    main()
