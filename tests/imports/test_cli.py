"""`tally import ...` on the command line: summaries, exit codes and the report file."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys

from click.testing import CliRunner

from service.cli import main
from service.importers.figures import Clock
from tests.imports.support import GAZETTEERS, IDMC, UCDP, fingerprint
from tests.support import run_tally


def _run(url: str, *args: str):
    return CliRunner().invoke(main, ["import", *args], env={"DATABASE_URL": url, "USER": "cli-test"})


def test_dry_run_prints_what_would_change_and_writes_nothing(located_url):
    before = fingerprint(located_url)
    result = _run(located_url, "ucdp", str(UCDP), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "22 rows read, 0 rejected, 0 skipped" in result.output
    assert "44 to insert, 0 to update, 0 unchanged" in result.output
    assert "dry run: nothing written" in result.output
    assert fingerprint(located_url) == before


def test_an_import_then_the_same_again(located_url):
    first = _run(located_url, "ucdp", str(UCDP), "--actor", "analyst")
    assert first.exit_code == 0, first.output
    assert "44 inserted, 0 updated, 0 unchanged" in first.output and "committed" in first.output
    took = re.search(r"took ([\d.]+) s: read ([\d.]+), match ([\d.]+), write ([\d.]+), commit ([\d.]+)\n", first.output)
    assert took, first.output
    total, *steps = map(float, took.groups())
    assert abs(sum(steps) - total) <= 0.05
    again = _run(located_url, "ucdp", str(UCDP))
    assert "0 inserted, 0 updated, 44 unchanged" in again.output
    assert "nothing changed: nothing written" in again.output


def test_invalid_rows_exit_1_naming_them_and_the_report_lists_them(located_url, tmp_path):
    bad = tmp_path / "idmc.csv"
    bad.write_text(IDMC.read_text("utf-8") + "AB9,,2014,0,,20000,20000\n", "utf-8")
    result = _run(located_url, "idmc", str(bad))
    assert result.exit_code == 1
    assert "idmc.csv:10: iso3 'AB9': not an ISO 3166 alpha-3 country code" in result.output
    assert "nothing was imported" in result.output
    report = tmp_path / "report.csv"
    skipped = _run(located_url, "idmc", str(bad), "--skip-invalid", "--report", str(report))
    assert skipped.exit_code == 0, skipped.output
    with report.open(newline="", encoding="utf-8") as f:
        found = [(r["line"], r["field"], r["value"], r["outcome"]) for r in csv.DictReader(f)]
    assert found == [("4", "new_displacement", "", "skipped"), ("10", "iso3", "AB9", "rejected")]


def test_locations_take_paths_and_a_missing_file_is_named(fresh_url, tmp_path):
    result = _run(
        fresh_url,
        "locations",
        "--ocha",
        str(GAZETTEERS["ocha-cod-ab"]),
        "--opensyria",
        str(GAZETTEERS["opensyria-subdistricts"]),
        "--neighbourhoods",
        str(GAZETTEERS["csr-aleppo-neighbourhoods"]),
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("committed") == 3
    missing = _run(fresh_url, "locations", "--ocha", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2
    assert f"Invalid value for '--ocha': '{tmp_path / 'nope.csv'}' is not a file here." in missing.output


def test_a_file_named_without_a_folder_is_found_in_tally_data_dir(fresh_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path.parent)
    missing = _run(fresh_url, "idmc", "idmc_excerpt.csv", "--dry-run")
    assert missing.exit_code == 2
    message = f"Invalid value for 'FILE': 'idmc_excerpt.csv' is not a file here nor in TALLY_DATA_DIR ({tmp_path})."
    assert message in missing.output
    (tmp_path / "idmc_excerpt.csv").write_bytes(IDMC.read_bytes())
    found = _run(fresh_url, "idmc", "idmc_excerpt.csv", "--dry-run")
    assert found.exit_code == 0, found.output
    assert "idmc_excerpt.csv" in found.output and "dry run: nothing written" in found.output


def test_an_unreadable_file_is_a_clear_error(located_url, tmp_path):
    latin1 = tmp_path / "ucdp.csv"
    latin1.write_bytes("id,country\n1,Syrie é\n".encode("latin-1"))
    result = _run(located_url, "ucdp", str(latin1))
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.output
    headless = tmp_path / "headless.csv"
    headless.write_text("id,country\n1,Syria\n", "utf-8")
    result = _run(located_url, "ucdp", str(headless))
    assert result.exit_code == 1 and "missing column(s) adm_1, adm_2" in result.output


def _on_a_terminal(*args: str, url: str) -> tuple[str, str]:
    """Run `tally` with stderr on a pseudo-terminal, as a person at a shell sees it; (stdout, stderr)."""
    tally = os.path.join(os.path.dirname(sys.executable), "tally")
    controller, terminal = os.openpty()
    env = os.environ | {"DATABASE_URL": url, "TERM": "xterm", "COLUMNS": "120"}
    with subprocess.Popen([tally, *args], stdout=subprocess.PIPE, stderr=terminal, env=env) as process:
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the other end closed: the command has ended
                break
            if not chunk:
                break
            shown += chunk
        os.close(controller)
        stdout = process.stdout.read().decode() if process.stdout else ""
        assert process.wait(timeout=60) == 0, shown
    return stdout, shown.decode(errors="replace")


def test_a_long_import_shows_what_it_is_doing_on_a_terminal_and_nothing_in_a_pipe(fresh_url):
    stdout, terminal = _on_a_terminal("import", "idmc", str(IDMC), "--skip-invalid", url=fresh_url)
    for doing in Clock.DOING.values():  # each step, as it starts
        assert f"import idmc: {doing}" in terminal
    assert "0:00:0" in terminal  # the time it has taken so far
    assert "committed" in stdout and "import idmc:" not in stdout
    piped = run_tally("import", "idmc", str(IDMC), "--dry-run", "--skip-invalid", url=fresh_url)
    assert piped.returncode == 0, piped.stderr
    assert "import idmc:" not in piped.stderr and "dry run: nothing written" in piped.stdout
