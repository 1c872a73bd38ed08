"""Export benchmark: stream every figure of the 1,000,000-figure benchmark database as CSV.

Prints how long the first byte took, how long the whole export took, and the
peak memory (VmHWM) of the gunicorn worker that served it, against its memory
before the export; then times `psql` running the export's own COPY statement
(the same flattened columns, filters, order and session settings) to
/dev/null in the same run, and prints both rows/s and their ratio. The last line reads
`export_rows=<n> ttfb_ms=<x> seconds=<x> rows_per_s=<n> worker_rss_before_mb=<x> worker_peak_rss_mb=<x>
psql_rows_per_s=<n> ratio=<x>`.

The benchmark database must exist (`make bench` builds it); this script only reads it.

    .venv/bin/python bench/export_bench.py
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from psycopg import ClientCursor

import bench  # bench/bench.py: the database and server helpers
import dataset
from service import db, formats, migrations
from service.repositories import exports

EXPORT = "/v1/figures?format=csv"
CHUNK = 1 << 16


def worker_pid(server: bench.Server) -> int:
    """The one gunicorn worker of a server started with WEB_CONCURRENCY=1."""
    workers = server.cpu.server_pids()[1:]
    if len(workers) != 1:
        raise SystemExit(f"export_bench: expected one gunicorn worker, found {len(workers)}")
    return workers[0]


def memory_mb(pid: int, field: str) -> float:
    """VmRSS or VmHWM (peak) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"export_bench: no {field} for process {pid}")


def export(port: int) -> tuple[int, float, float]:
    """Stream the export; rows, seconds to the first byte, seconds in all."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", EXPORT)
    response = connection.getresponse()
    if response.status != 200:
        raise SystemExit(f"export_bench: {EXPORT} answered {response.status}")
    first = response.read1(CHUNK)
    first_byte = time.perf_counter() - started
    lines = first.count(b"\r\n")
    while chunk := response.read1(CHUNK):
        lines += chunk.count(b"\r\n")
    connection.close()
    # Quoted fields hold no CRLF in these figures, so lines = header + rows.
    return lines - 1, first_byte, time.perf_counter() - started


def existing_database() -> str:
    """The benchmark database, as make bench left it: read, never migrated or loaded here."""
    url = bench.bench_database_url()
    with db.connect(url) as conn:
        pending = [m.version for m in migrations.pending(conn)]
        present = dataset.synthetic_figure_count(conn)
    if pending or present != dataset.FIGURES:
        raise SystemExit(f"export_bench: run make bench first ({present:,} synthetic figures, pending {pending})")
    return url


def psql_copy(url: str) -> tuple[int, float]:
    """The export's COPY statement run by psql, its CSV discarded; rows and seconds."""
    with db.connect(url) as conn:
        statement = exports.copy_statement(conn, list(formats.COLUMNS), {}, as_of=None)
        text = ClientCursor(conn).mogrify(statement, exports.copy_params({}, None))
    options = " ".join(f"-c {name}={value.replace(' ', '')}" for name, value in exports.EXPORT_SETTINGS.items())
    env = os.environ | {"PGOPTIONS": options}
    started = time.perf_counter()
    with subprocess.Popen(["psql", "-X", "-q", "-d", url, "-c", text], stdout=subprocess.PIPE, env=env) as psql:
        assert psql.stdout is not None
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: psql.stdout.read(CHUNK), b""))
    seconds = time.perf_counter() - started
    if psql.returncode:
        raise SystemExit(f"export_bench: psql failed ({psql.returncode})")
    return lines, seconds


def main() -> None:
    url = existing_database()
    env = bench.server_env(url) | {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "1"}
    bench.RESULTS_DIR.mkdir(exist_ok=True)
    with bench.serve(
        "export", [str(bench.BIN / "tally"), "serve"], env, application_name=bench.TALLY_APPLICATION_NAME
    ) as server:
        pid = worker_pid(server)
        before = memory_mb(pid, "VmRSS")
        rows, first_byte, seconds = export(server.port)
        peak = memory_mb(pid, "VmHWM")
    psql_rows, psql_seconds = psql_copy(url)
    print(
        f"export_rows={rows} ttfb_ms={first_byte * 1000:.0f} seconds={seconds:.1f} "
        f"rows_per_s={rows / seconds:.0f} worker_rss_before_mb={before:.0f} worker_peak_rss_mb={peak:.0f} "
        f"psql_rows={psql_rows} psql_seconds={psql_seconds:.1f} psql_rows_per_s={psql_rows / psql_seconds:.0f} "
        f"ratio={(rows / seconds) / (psql_rows / psql_seconds):.2f}"
    )


if __name__ == "__main__":
    main()
