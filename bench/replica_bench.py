"""The figure list against the primary alone, and against the primary with one streaming replica.

    .venv/bin/python bench/replica_bench.py

1. Starts a private PostgreSQL primary with the embedded server's binaries (as tests/replicas does), on a free
   port, and loads it: migrations, seed, REPLICA_BENCH_FIGURES synthetic figures (100,000 by default) with COPY.
2. Makes a streaming replica of it (pg_basebackup -R) and waits until it has replayed everything.
3. Serves Tally twice, as `make run` does: over the primary alone, and over the primary with the replica in
   DATABASE_REPLICA_URLS; checks that both serve the same page, and that the second one's reads come from the
   replica (Tally-Server).
4. Loads both with wrk (bench.py's settings: 16 connections, slices alternating between the two) on bench.py's
   page, and prints both results.

On one machine the replica shares the CPUs with the primary, the service and wrk: see the note printed at the end.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))  # tests.replicas.cluster, which starts the servers

import psycopg  # noqa: E402

import bench  # noqa: E402
import dataset  # noqa: E402
from service import db, migrations  # noqa: E402
from service.seed import load_seed  # noqa: E402
from tests.replicas.cluster import Cluster, cluster, replayed_up_to_now  # noqa: E402

FIGURES = int(os.environ.get("REPLICA_BENCH_FIGURES", "100000"))
DATABASE = "tally"
# How many of the replicated server's answers are sampled to show who serves them.
SAMPLED = 20

NOTE = """\
What one machine can show: the replica is a second PostgreSQL on the same {cpus} CPUs as the primary, both
gunicorn servers and wrk. Moving the page's queries from the primary to the replica frees no CPU here: the
replica spends what the primary no longer does, and its WAL replay and the refresh of its lag (each worker asks
every server where it stands five times a second) come on top. So on this machine the replicated service is
no faster, and likely a little slower. What it does show: it serves the same page, from the replica, with no
errors.

Expected on separate machines: a list page costs about 7 ms of CPU, 4.6 ms in the service and 2.5 ms in
PostgreSQL (README, Performance). The service is stateless: more machines behind the load balancer add its
share linearly. Then the database is the limit, at about 400 pages a second per core of the primary; each
replica on a machine of its own adds about as much again, since reads go to the replicas in turn: with N
replicas of the primary's size, reads scale to roughly N times what the primary alone served (the primary keeps
the writes, and the reads no replica is fit for). What bounds that: the writes every replica must replay too
(a trickle for Tally: hand entry and imports), the network between the machines, and, once reads no longer
limit, the one primary's writes.
"""


def main() -> None:
    bench.require_wrk()
    bench.RESULTS_DIR.mkdir(exist_ok=True)
    with cluster() as servers:
        primary_url = load(servers)
        servers.start_replica()
        replica_url = servers.replica.url(DATABASE)
        replayed_up_to_now(primary_url, replica_url, timeout_s=120)
        bench.log(f"replica_bench: a replica on port {servers.replica.port} has replayed the primary")
        results = compare(primary_url, replica_url)
    print_results(results)


def load(servers: Cluster) -> str:
    """The primary's database, migrated, seeded and loaded with FIGURES synthetic figures; its URL."""
    db.ensure_database(servers.primary.url(), DATABASE)
    url = servers.primary.url(DATABASE)
    started = time.perf_counter()
    with db.connect(url) as conn:
        migrations.upgrade(conn)
        load_seed(conn)
    with psycopg.connect(url) as conn:
        dataset.load(conn, figures=FIGURES, log=bench.log)
    bench.vacuum_analyze(url)
    bench.log(f"replica_bench: {FIGURES:,} figures loaded in {time.perf_counter() - started:.0f} s")
    return url


def compare(primary_url: str, replica_url: str) -> list[dict]:
    """Both servers up side by side, checked, then measured in alternating slices."""
    argv = [str(bench.BIN / "tally"), "serve"]
    env = bench.server_env(primary_url)
    replicated_env = env | {"DATABASE_REPLICA_URLS": replica_url}
    name = bench.TALLY_APPLICATION_NAME
    with (
        bench.serve("primary-alone", argv, env, application_name=name) as alone,
        bench.serve("with-replica", argv, replicated_env, application_name=name) as replicated,
    ):
        if bench.get_page(alone.port)["data"] != bench.get_page(replicated.port)["data"]:
            raise SystemExit("replica_bench: the two servers serve different pages")
        served = served_by(replicated.port)
        bench.log(f"replica_bench: {SAMPLED} reads of the replicated server were served by {served}")
        if served.get("replica-1", 0) == 0:
            raise SystemExit("replica_bench: the replica served none of the replicated server's reads")
        return bench.compare([alone, replicated])


def served_by(port: int) -> dict[str, int]:
    """Who served SAMPLED reads of the page (their Tally-Server header)."""
    counts: dict[str, int] = {}
    for _ in range(SAMPLED):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{bench.PAGE}", timeout=5) as response:
            server = response.headers["Tally-Server"]
        counts[server] = counts.get(server, 0) + 1
    return counts


def print_results(results: list[dict]) -> None:
    print(f"\nGET {bench.PAGE}, {FIGURES:,} figures, wrk -c{bench.CONNECTIONS}, {bench.DURATION_SECONDS} s each")
    print(f"{'':16}{'req/s':>7}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}{'errors':>7}")
    for result in results:
        print(
            f"{result['name']:16}{result['rps']:7.0f}{result['p50_ms']:8.2f}{result['p90_ms']:8.2f}"
            f"{result['p99_ms']:8.2f}{result['max_ms']:8.1f}{result['errors']:7d}"
        )
    alone, replicated = results
    print(f"primary_alone_rps={alone['rps']:.0f} with_replica_rps={replicated['rps']:.0f}\n")
    print(NOTE.format(cpus=os.cpu_count()))


if __name__ == "__main__":
    main()
