"""Compare gunicorn settings for Tally on the benchmark page.

    .venv/bin/python bench/tune.py [--seconds 10] [--rounds 2] [--only gthread:2:1,sync:3:1]

For each worker class, worker count and thread count it starts `tally serve`
on the benchmark database (prepared as `make bench` does), warms up, loads the
page with wrk and stops the server. Rounds go through every setting in turn,
so that load from elsewhere on the machine spreads over all of them; the table
gives the median of the rounds, best first.
"""

from __future__ import annotations

import argparse
import statistics

import bench

SETTINGS = [("sync", workers, 1) for workers in range(2, 6)] + [
    ("gthread", workers, threads) for workers in range(2, 6) for threads in range(1, 5)
]


def main() -> None:
    """Measure every setting, then print the table."""
    options = parse_args()
    bench.require_wrk()
    env = bench.server_env(bench.prepare_database())
    bench.RESULTS_DIR.mkdir(exist_ok=True)
    results: dict[tuple, list[dict]] = {setting: [] for setting in options.only or SETTINGS}
    for round_number in range(1, options.rounds + 1):
        for setting in results:
            result = measure(setting, env, options.seconds)
            results[setting].append(result)
            bench.log(f"round {round_number}: {row(setting, [result])}")
    print_table(results)


def parse_args() -> argparse.Namespace:
    """--seconds per measurement and --rounds through every setting."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="measurement per setting and round")
    parser.add_argument("--rounds", type=int, default=2, help="passes through every setting")
    parser.add_argument("--only", type=settings_list, help="class:workers:threads,... (default: all)")
    return parser.parse_args()


def settings_list(text: str) -> list[tuple[str, int, int]]:
    """gthread:2:1,sync:3:1 as [("gthread", 2, 1), ("sync", 3, 1)]."""
    settings = []
    for item in text.split(","):
        worker_class, workers, threads = item.split(":")
        settings.append((worker_class, int(workers), int(threads)))
    return settings


def measure(setting: tuple[str, int, int], env: dict[str, str], seconds: int) -> dict:
    """Serve Tally with one setting and load the benchmark page."""
    worker_class, workers, threads = setting
    env = env | {
        "GUNICORN_WORKER_CLASS": worker_class,
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    with bench.serve_tally(env) as server:
        return bench.measure(server, seconds)


def row(setting: tuple[str, int, int], results: list[dict]) -> str:
    """One line of the table: the setting and the medians of its results."""

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    worker_class, workers, threads = setting
    return (
        f"{worker_class:8} {workers:7d} {threads:7d} {median('rps'):8.0f} {median('p50_ms'):7.1f} "
        f"{median('p99_ms'):7.1f} {sum(r['errors'] for r in results):6d} "
        f"{median('python_cpu_ms'):24.2f} {median('postgres_cpu_ms'):8.2f}"
    )


def print_table(results: dict[tuple, list[dict]]) -> None:
    """Every setting, highest median requests/s first."""
    print(
        f"{'class':8} {'workers':>7} {'threads':>7} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'cpu ms/request: gunicorn':>24} {'postgres':>8}"
    )
    ranked = sorted(results, key=lambda s: -statistics.median(r["rps"] for r in results[s]))
    for setting in ranked:
        print(row(setting, results[setting]))


if __name__ == "__main__":
    main()
