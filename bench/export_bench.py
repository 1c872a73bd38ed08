"""Export benchmark: stream every figure of the 1,000,000-figure benchmark database as CSV (or, with
BENCH_EXPORT_FORMAT, as ndjson or geojson).

Prints how long the first byte took, how long the whole export took, and the
peak memory (VmHWM) of the gunicorn worker that served it, against its memory
before the export; then times `psql` running the export's own COPY statement
(the same flattened columns, filters, order and session settings) to
/dev/null in the same run, and prints both rows/s and their ratio. An untimed
run of that statement comes first, so that both read the figures from memory.
A row is a figure read: for GeoJSON, the features and the figures left out
without a point. The last line reads
`export_rows=<n> ttfb_ms=<x> seconds=<x> rows_per_s=<n> worker_rss_before_mb=<x> worker_peak_rss_mb=<x>
psql_rows_per_s=<n> ratio=<x>` (after `format=<name>` for a format other than CSV).

The benchmark database must exist (`make bench` builds it); this script only reads it.

    .venv/bin/python bench/export_bench.py
    BENCH_EXPORT_FORMAT=ndjson .venv/bin/python bench/export_bench.py
"""

from __future__ import annotations

import http.client
import json
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

FORMAT = os.environ.get("BENCH_EXPORT_FORMAT", "csv")
EXPORT = f"/v1/figures?format={FORMAT}"
CHUNK = 1 << 16
# How each format's body starts a row: CSV and NDJSON end each with a line break (CSV after its header line);
# a GeoJSON feature starts with its type, and the figures left out are counted at the end.
_ROW_MARK = {"csv": b"\r\n", "ndjson": b"\n", "geojson": b'{"type" : "Feature"'}


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
    mark = _ROW_MARK[FORMAT]
    first = response.read1(CHUNK)
    first_byte = time.perf_counter() - started
    rows, ending = first.count(mark), first[-4096:]
    while chunk := response.read1(CHUNK):
        # The end of the previous chunk, but a whole mark, in front: a mark cut in two is counted once.
        rows += (ending[len(ending) - len(mark) + 1 :] + chunk).count(mark)
        ending = (ending + chunk)[-4096:]
    connection.close()
    if FORMAT == "csv":
        rows -= 1  # the header; quoted fields hold no CRLF in these figures
    if FORMAT == "geojson":
        rows += json.loads(b"{" + ending[ending.rindex(b'"left_out"') :])["left_out"]["count"]
    return rows, first_byte, time.perf_counter() - started


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
        if FORMAT == "csv":
            statement = exports.copy_statement(conn, list(formats.COLUMNS), {}, as_of=None)
        else:
            statement = exports.json_statement({}, geojson=FORMAT == "geojson", as_of=None, fields=None)
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
    # Once untimed first, so that both timed runs read the figures from memory: measured first on a cold
    # cache, the export read them from disk and psql then found them in memory (ratio 0.51, then 0.87).
    psql_copy(url)
    with bench.serve(
        "export", [str(bench.BIN / "tally"), "serve"], env, application_name=bench.TALLY_APPLICATION_NAME
    ) as server:
        pid = worker_pid(server)
        before = memory_mb(pid, "VmRSS")
        rows, first_byte, seconds = export(server.port)
        peak = memory_mb(pid, "VmHWM")
    psql_rows, psql_seconds = psql_copy(url)
    named = "" if FORMAT == "csv" else f"format={FORMAT} "
    print(
        f"{named}export_rows={rows} ttfb_ms={first_byte * 1000:.0f} seconds={seconds:.1f} "
        f"rows_per_s={rows / seconds:.0f} worker_rss_before_mb={before:.0f} worker_peak_rss_mb={peak:.0f} "
        f"psql_rows={psql_rows} psql_seconds={psql_seconds:.1f} psql_rows_per_s={psql_rows / psql_seconds:.0f} "
        f"ratio={(rows / seconds) / (psql_rows / psql_seconds):.2f}"
    )


if __name__ == "__main__":
    main()
