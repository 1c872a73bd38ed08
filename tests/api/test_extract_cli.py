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
    # The seeded database knows neither Harrow nor the FMN: both places and the named source are wrong.
    assert lines[-1] == (
        "figures=3 precision=1.00 recall=0.67 value=1.00 metric=0.67 qualifier=0.67 place=0.00 period=1.00 source=0.50"
    )
    assert "median_ms=" in lines[-2]


def test_eval_of_a_folder_without_annotations_is_an_error(seeded_url, tmp_path):
    result = CliRunner().invoke(main, ["extract", "eval", str(tmp_path)], env={"DATABASE_URL": seeded_url})
    expected = f"Error: no annotated texts (*.gold.json beside *.txt) in {tmp_path}\n"
    assert (result.exit_code, result.output) == (1, expected)
