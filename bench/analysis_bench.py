"""Times the two analysis questions on the benchmark database (1,000,000 synthetic figures).

    .venv/bin/python bench/analysis_bench.py [runs]

Prepares the database as `make bench` does (bench.prepare_database: BENCH_DATABASE_URL, or
tally_bench on the embedded server, migrated and loaded once), then asks, through the app's test
client, after one warm-up each:

- claims: /v1/claims?location=SY02&from=2016-11&to=2016-11 (Aleppo governorate, November 2016,
  the default page); target under 300 ms;
- totals: /v1/civilians-killed/totals?location=SY02&from=2016&to=2016 (a governorate-year);
  target under 200 ms.

Prints the median and range of each, and last a machine-readable line:
claims_ms=<median> totals_ms=<median>
"""

from __future__ import annotations

import statistics
import sys
import time

from bench import prepare_database
from service.app import create_app
from service.config import Settings

CLAIMS = "/v1/claims?location=SY02&from=2016-11&to=2016-11"
TOTALS = "/v1/civilians-killed/totals?location=SY02&from=2016&to=2016"
RUNS = 7


def timed(client, path: str, runs: int) -> list[float]:
    """Milliseconds per request, after a warm-up; every answer must be a 200."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"analysis_bench: {path} answered {response.status_code}: {response.get_data(as_text=True)[:500]}")
    return times[1:]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    app = create_app(Settings(rate_limits_enabled=False), database_url=prepare_database())
    client = app.test_client()
    medians = {}
    for name, path in (("claims", CLAIMS), ("totals", TOTALS)):
        times = timed(client, path, runs)
        size = len(client.get(path).get_data())
        medians[name] = statistics.median(times)
        print(
            f"{name}: {path}  median {medians[name]:.0f} ms (min {min(times):.0f}, max {max(times):.0f}, "
            f"{runs} runs), {size / 1e6:.2f} MB",
            flush=True,
        )
    print(f"claims_ms={medians['claims']:.0f} totals_ms={medians['totals']:.0f}")


if __name__ == "__main__":
    main()
