"""The database's own limit for the bench page: pgbench running the statement Tally runs for it.

The statement is captured from the service itself (the list query of the
page, with its parameters bound as literals), so pgbench runs exactly what
a worker sends, prepared, from as many clients as wrk uses.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

PGBENCH_TPS = re.compile(r"tps = ([0-9.]+) \(without initial connection time\)")


def page_statement(url: str, page: str) -> str:
    """The list statement the service runs for page, with its parameters as literals."""
    from service.app import create_app
    from service.config import Settings

    seen: list[tuple[object, object]] = []
    execute = psycopg.Cursor.execute

    def recording(self, query, params=None, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((query, params))
        return execute(self, query, params, **kwargs)

    psycopg.Cursor.execute = recording  # type: ignore[method-assign]
    try:
        app = create_app(Settings(rate_limits_enabled=False, threads=1), database_url=url)
        response = app.test_client().get(page)
        assert response.status_code == 200, response.get_data()
        # The page's statement is the one that returns the figures: the last of the request.
        query, params = seen[-1]
        with psycopg.connect(url) as conn:
            return psycopg.ClientCursor(conn).mogrify(query, params)  # type: ignore[arg-type]
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        app.extensions["tally.pool"].close()


def pgbench() -> str:
    """pgbench from the embedded PostgreSQL's binaries, else from PATH."""
    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"
    found = str(bundled) if bundled.exists() else shutil.which("pgbench")
    if found is None:
        sys.exit("bench: pgbench is not installed (it comes with PostgreSQL's client tools)")
    return found


def pgbench_tps(url: str, statement: str, *, seconds: int, clients: int) -> float:
    """Transactions per second of pgbench running statement, prepared, from clients connections."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        # pgbench reads a statement per line: drop the comments, then put it on one.
        lines = (line for line in statement.splitlines() if not line.lstrip().startswith("--"))
        script.write(" ".join(lines) + ";\n")
        script.flush()
        argv = [pgbench(), "-n", "-M", "prepared", f"-c{clients}", "-j2", f"-T{seconds}", "-f", script.name, url]
        output = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    match = PGBENCH_TPS.search(output)
    if match is None:
        raise SystemExit(f"bench: pgbench printed no tps:\n{output}")
    return float(match.group(1))
