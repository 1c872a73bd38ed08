"""`make bench`: Tally's figure list under load, beside a framework-free reference.

1. Prepares a benchmark database (BENCH_DATABASE_URL, or a database named
   tally_bench on the embedded server): migrations, seed, and 1,000,000
   synthetic figures loaded with COPY (skipped when already there).
2. Starts Tally as `make run` does (`tally serve`), the reference app
   (bench/reference_app.py) and the stack's floor (bench/floor_app.py: Flask
   and psycopg running only the read model's statement) under the same
   gunicorn settings, and Datasette
   serving the same figures from SQLite (bench/datasette_app.py), on loopback ports.
3. Loads each with wrk (16 connections, a warm-up, then BENCH_DURATION seconds,
   15 by default, in slices that alternate between the servers) on one
   filtered 50-row page, and prints requests/s, p50/p99, their ratios, and the
   CPU time each request cost the server and PostgreSQL (bench/cpu.py).

4. Times as_of pages (first and next, as of now and as of the load) alone,
   and prints the slowest median.

The last line is machine-readable:
    service_rps=<n> reference_rps=<n> readmodel_tps=<n> datasette_rps=<n> ratio=<x>
    limit_share=<x> p99_ms=<x> p99_c2_ms=<x> as_of_ms=<x> datasette_ratio=<x>
    floor_rps=<n> floor_share=<x>
floor_share is the floor's share of the database's limit: the most that any
Flask + psycopg app under these gunicorn settings reaches on this machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

import dataset
import datasette_app
import readmodel
from cpu import CpuMeter
from service import db, migrations
from service.config import Settings
from service.seed import load_seed

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
BIN = Path(sys.executable).parent
DATABASE = "tally_bench"
PAGE = "/v1/civilians-killed?location=SY02&from=2016&limit=50"
CONNECTIONS = 16
WARMUP_SECONDS = 3
DURATION_SECONDS = int(os.environ.get("BENCH_DURATION", "15"))
# The measurement is cut into slices that alternate between the servers, so
# that load from other processes on the machine weighs on both alike.
SLICES = 3
TARGET_RATIO = 1.8  # Tally with its read model against the SQL it ran before
TARGET_P99_MS = 20.0
# The tail a few clients see, without the queueing of 16 on 2 CPUs.
FEW_CONNECTIONS = 2
FEW_SECONDS = 10
TARGET_P99_FEW_MS = 10.0
# pgbench on the page's statement (bench/readmodel.py): the database's own limit, and Tally's share of it.
LIMIT_SECONDS = 10
TARGET_LIMIT_SHARE = 0.25
# Tally against Datasette serving the same figures from SQLite (bench/datasette_app.py).
TARGET_DATASETTE_RATIO = 7.0
# as_of pages, each timed alone (no other load) AS_OF_ROUNDS times: the past as of now,
# and as of the seed, before the synthetic figures were loaded.
AS_OF_PAGES = ("/v1/figures?limit=50", PAGE)
AS_OF_ROUNDS = 10
TARGET_AS_OF_MS = 100.0
# How the servers' database sessions are told apart (CPU accounting).
TALLY_APPLICATION_NAME = "tally"
REFERENCE_APPLICATION_NAME = "tally-reference"
FLOOR_APPLICATION_NAME = "tally-floor"


def main() -> None:
    """Prepare the database, measure the servers, print the results."""
    require_wrk()
    url = prepare_database()
    env = server_env(url)
    RESULTS_DIR.mkdir(exist_ok=True)
    with ExitStack() as stack:
        service = stack.enter_context(serve_tally(env))
        reference = stack.enter_context(
            serve(
                "reference",
                [sys.executable, str(BENCH_DIR / "reference_app.py")],
                env,
                application_name=REFERENCE_APPLICATION_NAME,
            )
        )
        floor = stack.enter_context(
            serve(
                "floor", [sys.executable, str(BENCH_DIR / "floor_app.py")], env, application_name=FLOOR_APPLICATION_NAME
            )
        )
        journalist = stack.enter_context(
            serve(
                "datasette",
                datasette_app.argv(RESULTS_DIR, url),
                env,
                application_name="datasette (no PostgreSQL session)",
                path=datasette_app.page_path(),
                ready_path="/-/versions.json",
                port_option=True,
            )
        )
        same_page(service.port, reference.port)
        same_page(service.port, floor.port)
        same_figures(service.port, journalist)
        describe(env)
        warn_if_busy()
        results = compare([service, reference, floor, journalist])
        few = wrk(service.port, FEW_SECONDS, connections=FEW_CONNECTIONS)
        as_of = as_of_pages(service.port)
        # The servers idle meanwhile: PostgreSQL alone, running the page's statement.
        limit = readmodel.pgbench_tps(
            url, readmodel.page_statement(url, PAGE), seconds=LIMIT_SECONDS, clients=CONNECTIONS
        )
    report(*results, as_of | {"p99_c2_ms": few["p99_us"] / 1000, "readmodel_tps": limit})


def require_wrk() -> None:
    """Exit with instructions when the load generator is missing."""
    if shutil.which("wrk") is None:
        sys.exit(
            "bench: wrk is not installed. Install it with `sudo apt-get install wrk` "
            "(Debian, Ubuntu) or `brew install wrk` (macOS), then run `make bench` again."
        )


def bench_database_url() -> str:
    """BENCH_DATABASE_URL, or the tally_bench database on the embedded server."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if url:
        return url
    from service.embedded import embedded_server_url

    return embedded_server_url(Settings().embedded_pgdata, database=DATABASE)


def prepare_database() -> str:
    """The benchmark database, migrated, seeded and loaded; return its URL.

    A migration edited since it was applied (during development) makes the
    embedded benchmark database useless: it is rebuilt. A database given by
    BENCH_DATABASE_URL is never dropped.
    """
    url = bench_database_url()
    try:
        return load_database(url)
    except migrations.MigrationChanged as error:
        if os.environ.get("BENCH_DATABASE_URL", "").strip():
            sys.exit(f"bench: {error}; drop the database at BENCH_DATABASE_URL and run again.")
        log(f"bench: {error}; rebuilding the benchmark database")
        drop_embedded_database()
        return load_database(bench_database_url())


def drop_embedded_database() -> None:
    """Drop tally_bench on the embedded server."""
    from service.embedded import embedded_server_url

    admin_url = embedded_server_url(Settings().embedded_pgdata, database="postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))


def load_database(url: str) -> str:
    """Migrate, seed and load the synthetic figures unless they are already there."""
    with db.connect(url) as conn:
        migrations.upgrade(conn)
        load_seed(conn)
        present = dataset.synthetic_figure_count(conn)
        if present == dataset.FIGURES:
            log(f"bench: the benchmark database already holds {present:,} synthetic figures")
            return url
        if present:
            sys.exit(
                f"bench: the benchmark database holds {present:,} synthetic figures, not "
                f"{dataset.FIGURES:,}; drop it ({DATABASE}) and run again."
            )
        log(f"bench: loading {dataset.FIGURES:,} synthetic figures (once; later runs reuse them)")
        dataset.load(conn, log=log)
    vacuum_analyze(url)
    return url


def vacuum_analyze(url: str) -> None:
    """Fresh statistics for the planner, and the visibility map and hint bits set
    now rather than by the first requests of the measurement."""
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("location", "source", "document", "figure", "figure_revision", "figure_dispute"):
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
    log(f"bench: vacuumed and analysed in {time.perf_counter() - started:.0f} s")


def server_env(url: str) -> dict[str, str]:
    """The environment the servers run in: the bench database, loopback only, and no rate limits (wrk is one
    client sending thousands of requests a second; the limits would answer it 429 and measure nothing)."""
    return os.environ | {"DATABASE_URL": url, "HOST": "127.0.0.1", "RATE_LIMITS_ENABLED": "false"}


def free_port() -> int:
    """A loopback TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A running server: what to call it, where it listens, what CPU it uses."""

    name: str
    port: int
    cpu: CpuMeter
    path: str = PAGE


def serve_tally(env: dict[str, str]):
    """Tally, started exactly as `make run` starts it."""
    return serve("service", [str(BIN / "tally"), "serve"], env, application_name=TALLY_APPLICATION_NAME)


@contextmanager
def serve(
    name: str,
    argv: list[str],
    env: dict[str, str],
    *,
    application_name: str,
    path: str = PAGE,
    ready_path: str = "/readyz",
    port_option: bool = False,
):
    """Run a server on a free loopback port until the block ends: PORT in its environment (gunicorn's
    servers), and --port on its command line if port_option (Datasette)."""
    port = free_port()
    if port_option:
        argv = [*argv, "--port", str(port)]
    with (RESULTS_DIR / f"{name}.log").open("wb") as output:
        # Its own process group, so that stopping it reaches every worker.
        process = subprocess.Popen(
            argv, env=env | {"PORT": str(port)}, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_ready(name, port, process, ready_path)
            yield Server(name, port, CpuMeter(process.pid, env["DATABASE_URL"], application_name), path)
        finally:
            stop(process)


def wait_ready(name: str, port: int, process: subprocess.Popen, path: str, timeout: float = 60) -> None:
    """Wait until path answers 200; fail if the server exits or takes too long."""
    deadline = time.monotonic() + timeout
    answer = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: {name} exited with {process.returncode}; see {RESULTS_DIR / name}.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):
                return
        except urllib.error.HTTPError as error:
            answer = error.read().decode(errors="replace")
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"bench: {name} was not ready after {timeout:.0f} s ({answer}); see {RESULTS_DIR / name}.log")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn gracefully (SIGTERM to its master); kill its group if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get_page(port: int) -> dict:
    """The benchmarked page, as JSON."""
    return get_json(port, PAGE)


def same_page(service_port: int, reference_port: int) -> None:
    """Both servers (Tally and the reference, or the floor) must serve the same full page, or the comparison
    means nothing."""
    service, reference = get_page(service_port), get_page(reference_port)
    if len(service["data"]) != 50 or not service["next"]:
        raise SystemExit(f"bench: {PAGE} should give a full page with a next link; got {len(service['data'])} figures")
    if service["data"] != reference["data"]:
        raise SystemExit(
            f"bench: the reference app and Tally serve different figures for {PAGE}; they no longer run the same SQL"
        )


def same_figures(service_port: int, datasette: Server) -> None:
    """Datasette's page must hold the figures of Tally's, in the same order."""
    tally = [f["id"] for f in get_page(service_port)["data"]]
    theirs = [row["id"] for row in get_json(datasette.port, datasette.path)["rows"]]
    if theirs != tally:
        raise SystemExit(f"bench: Datasette's page holds other figures than Tally's: {theirs[:5]}... vs {tally[:5]}...")


def as_of_pages(port: int) -> dict[str, float]:
    """The slowest median of as_of pages, first and next, at two moments, in ms."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    # The seed's moment: before the synthetic figures existed, when nearly all the table is in the future.
    seeded = get_json(port, "/v1/figures?limit=1&sort=updated_at")["data"][0]["updated_at"]
    medians = {}
    for moment in (now, seeded):
        for page in AS_OF_PAGES:
            first = f"{page}&as_of={urllib.parse.quote(moment)}"
            following = get_json(port, first)["next"]  # none when the past holds one page or less
            paths = [first] + ([following.removeprefix(f"http://127.0.0.1:{port}")] if following else [])
            for path in paths:
                medians[path] = statistics.median(timed_get(port, path) for _ in range(AS_OF_ROUNDS))
    slowest = max(medians, key=medians.__getitem__)
    log(f"bench: as_of pages: slowest median {medians[slowest]:.1f} ms ({slowest})")
    return {"as_of_ms": medians[slowest]}


def get_json(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return json.loads(response.read())


def timed_get(port: int, path: str) -> float:
    """Milliseconds to fetch path whole."""
    started = time.perf_counter()
    get_json(port, path)
    return (time.perf_counter() - started) * 1000


def describe(env: dict[str, str]) -> None:
    """Say what is measured, and with which gunicorn settings."""
    settings = Settings.from_env(env)
    log(
        f"bench: GET {PAGE}  wrk -c{CONNECTIONS}, {WARMUP_SECONDS} s warm-up, then {DURATION_SECONDS} s "
        f"per server in {SLICES} alternating slices"
    )
    log(
        f"bench: Tally, the reference and the floor: gunicorn {settings.worker_class}, {settings.workers} workers x "
        f"{settings.threads} threads, on {os.cpu_count()} CPUs"
    )


def warn_if_busy(threshold: float = 0.2) -> None:
    """Say so when other processes keep the CPUs busy: the numbers will be lower."""
    busy = cpu_busy()
    if busy is not None and busy > threshold:
        log(
            f"bench: warning: the CPUs were {busy:.0%} busy before the run (other processes); "
            "the results will be lower than on an idle machine"
        )


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Fraction of CPU time not idle over the next seconds (Linux); None elsewhere."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except OSError:
        return None
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def compare(servers: list[Server]) -> list[dict]:
    """Warm every server up, then measure them in alternating slices; one result each."""
    for server in servers:
        wrk(server.port, WARMUP_SECONDS, path=server.path)
    slices: dict[Server, list[dict]] = {server: [] for server in servers}
    for _ in range(SLICES):
        for server in servers:
            slices[server].append(metered_wrk(server, max(1, DURATION_SECONDS // SLICES)))
    return [summary(server.name, results) for server, results in slices.items()]


def measure(server: Server, seconds: int = DURATION_SECONDS) -> dict:
    """Warm up, then load the page for seconds; requests/s and latency percentiles."""
    wrk(server.port, WARMUP_SECONDS, path=server.path)
    return summary(server.name, [metered_wrk(server, seconds)])


def metered_wrk(server: Server, seconds: int) -> dict:
    """wrk's results, with the CPU seconds the server and its database spent meanwhile."""
    python0, postgres0 = server.cpu.read()
    result = wrk(server.port, seconds, path=server.path)
    python1, postgres1 = server.cpu.read()
    return result | {"python_s": python1 - python0, "postgres_s": postgres1 - postgres0}


def summary(name: str, results: list[dict]) -> dict:
    """Requests/s and CPU per request over every slice; latency percentiles as the median of the slices'."""

    def median_ms(key: str) -> float:
        return statistics.median(r[key] for r in results) / 1000

    def per_request_ms(key: str) -> float:
        return 1000 * sum(r[key] for r in results) / max(1, requests)

    keys = ("connect_errors", "read_errors", "write_errors", "timeouts", "non_2xx")
    requests = sum(r["requests"] for r in results)
    return {
        "name": name,
        "rps": requests / (sum(r["duration_us"] for r in results) / 1e6),
        "p50_ms": median_ms("p50_us"),
        "p90_ms": median_ms("p90_us"),
        "p99_ms": median_ms("p99_us"),
        "max_ms": max(r["max_us"] for r in results) / 1000,
        "requests": requests,
        "errors": sum(r[k] for r in results for k in keys),
        "python_cpu_ms": per_request_ms("python_s"),
        "postgres_cpu_ms": per_request_ms("postgres_s"),
    }


def wrk(port: int, seconds: int, connections: int = CONNECTIONS, path: str = PAGE) -> dict[str, int]:
    """Run wrk (one thread, CONNECTIONS connections unless told) on path and read report.lua's line."""
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(BENCH_DIR / "report.lua"),
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    return {key: int(value) for key, value in (pair.split("=") for pair in line.split()[1:])}


def report(service: dict, reference: dict, floor: dict, datasette: dict, alone: dict[str, float]) -> None:
    """Print both results, the targets, and the machine-readable last line."""
    ratio = service["rps"] / reference["rps"]
    (RESULTS_DIR / "latest.json").write_text(
        json.dumps(
            {
                "page": PAGE,
                "service": service,
                "reference": reference,
                "floor": floor,
                "datasette": datasette,
                "ratio": ratio,
            },
            indent=2,
        )
        + "\n"
    )
    print(
        f"{'':10} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>6}"
        f"   CPU ms per request (server + PostgreSQL)"
    )
    for r in (service, reference, floor, datasette):
        print(
            f"{r['name']:10} {r['rps']:8.0f} {r['p50_ms']:7.2f} {r['p90_ms']:7.2f} "
            f"{r['p99_ms']:7.2f} {r['max_ms']:7.1f} {r['errors']:6d}"
            f"   {r['python_cpu_ms']:.2f} + {r['postgres_cpu_ms']:.2f}"
            f" = {r['python_cpu_ms'] + r['postgres_cpu_ms']:.2f}"
        )
    met = ratio >= TARGET_RATIO and service["p99_ms"] < TARGET_P99_MS
    print(f"targets (rps ratio >= {TARGET_RATIO:.2f}, p99 < {TARGET_P99_MS:.0f} ms): {'met' if met else 'MISSED'}")
    as_of_met = alone["as_of_ms"] < TARGET_AS_OF_MS
    print(f"as_of pages (slowest median < {TARGET_AS_OF_MS:.0f} ms): {'met' if as_of_met else 'MISSED'}")
    few_met = alone["p99_c2_ms"] < TARGET_P99_FEW_MS
    print(
        f"p99 with {FEW_CONNECTIONS} connections: {alone['p99_c2_ms']:.1f} ms "
        f"(target < {TARGET_P99_FEW_MS:.0f} ms): {'met' if few_met else 'MISSED'}"
    )
    share = service["rps"] / alone["readmodel_tps"]
    print(
        f"PostgreSQL alone on the page's statement (pgbench, prepared, {CONNECTIONS} clients): "
        f"{alone['readmodel_tps']:.0f} tps; Tally's share {share:.2f} "
        f"(target >= {TARGET_LIMIT_SHARE:.2f}): {'met' if share >= TARGET_LIMIT_SHARE else 'MISSED'}"
    )
    floor_share = floor["rps"] / alone["readmodel_tps"]
    print(
        f"The stack's floor (Flask + psycopg, the read model's statement alone): {floor['rps']:.0f} req/s, "
        f"a share of {floor_share:.2f}; Tally serves {service['rps'] / floor['rps']:.2f} of the floor"
    )
    over_datasette = service["rps"] / datasette["rps"]
    print(
        f"Datasette on the same figures in SQLite: {datasette['rps']:.0f} req/s; Tally {over_datasette:.1f}x "
        f"(target >= {TARGET_DATASETTE_RATIO:.0f}x): {'met' if over_datasette >= TARGET_DATASETTE_RATIO else 'MISSED'}"
    )
    print(
        f"service_rps={service['rps']:.0f} reference_rps={reference['rps']:.0f} "
        f"readmodel_tps={alone['readmodel_tps']:.0f} datasette_rps={datasette['rps']:.0f} ratio={ratio:.2f} "
        f"limit_share={share:.2f} p99_ms={service['p99_ms']:.1f} p99_c2_ms={alone['p99_c2_ms']:.1f} "
        f"as_of_ms={alone['as_of_ms']:.1f} datasette_ratio={over_datasette:.1f} "
        f"floor_rps={floor['rps']:.0f} floor_share={floor_share:.2f}"
    )


def log(message: str) -> None:
    """Progress messages, flushed at once (the load takes minutes)."""
    print(message, flush=True)


if __name__ == "__main__":
    main()
