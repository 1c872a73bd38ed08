"""`tally extract eval DIR`: scores the extractor with the gazetteer and sources of the database."""

from __future__ import annotations

import json

from click.testing import CliRunner

from service.cli import main
from tests.unit.test_extraction_eval import TEXT, _gold


def test_eval_prints_a_line_per_text_and_the_overall_line_last(seeded_url, tmp_path):
    (tmp_path / "01-made-up.txt").write_text(TEXT, "utf-8")
    (tmp_path / "01-made-up.gold.json").write_text(json.dumps(_gold()), "utf-8")
    result = CliRunner().invoke(main, ["extract", "eval", str(tmp_path)], env={"DATABASE_URL": seeded_url})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["01-made-up.txt", "overall"]
    # The seeded database knows neither Harrow nor the FMN: the places, the origin and the named source are wrong.
    assert lines[-1] == (
        "figures=3 precision=1.00 recall=0.67 value=1.00 metric=0.67 qualifier=0.67 place=0.00 period=1.00 source=0.50"
        " origin=0.00 destination=0.00"
    )
    assert "median_ms=" in lines[-2]


def test_eval_of_a_folder_without_annotations_is_an_error(seeded_url, tmp_path):
    result = CliRunner().invoke(main, ["extract", "eval", str(tmp_path)], env={"DATABASE_URL": seeded_url})
    expected = f"Error: no annotated texts (*.gold.json beside *.txt) in {tmp_path}\n"
    assert (result.exit_code, result.output) == (1, expected)


REPORT = (
    "Shelling of Anjara\n"
    "At least 37 civilians were killed in Anjara on Tuesday, the Syrian Observatory for Human Rights said.\n"
)


def test_extract_a_file_stores_it_and_prints_its_candidates(fresh_url, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, "utf-8")
    env = {"DATABASE_URL": fresh_url}
    result = CliRunner().invoke(main, ["extract", str(path), "--published-on", "2016-11-30"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "extraction 1 (document 2): 1 candidate(s)",
        "1\t19-30\t'At least 37'\t37 at_least\tcivilians_killed\tAnjara\t2016-11-29..2016-11-29\t"
        "the Syrian Observatory for Human Rights",
    ]
    as_json = CliRunner().invoke(
        main, ["extract", str(path), "--published-on", "2016-11-30", "--title", "Anjara", "--json"], env=env
    )
    body = json.loads(as_json.output)
    assert (body["id"], body["document"]["title"], body["document"]["published_on"]) == (2, "Anjara", "2016-11-30")
    assert [(c["n"], c["state"], c["value"], c["source"]["source"]) for c in body["candidates"]] == [
        (1, "proposed", 37, "sohr")
    ]


def test_extract_needs_the_published_date(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, "utf-8")
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 2 and "Missing option '--published-on'" in result.output
