"""The scorer of `tally extract eval`, on a made-up annotated text in the format of the gold folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

from service.extraction.evaluation import evaluate
from tests.unit.extraction_support import gazetteer, source_book

TEXT = (
    "Thousands flee Harrow\n"
    "2021-03-10\n"
    "\n"
    "Thousands of residents fled eastern Harrow on Monday, the FMN said.\n"
    "More than 140 civilians have been killed in Harrow since early January.\n"
    "Two convoys left at dawn.\n"
)


def _figure(id_: str, words: str, metric: str, value: int, qualifier: str, after: int = 0, **fields) -> dict:
    start = TEXT.index(words, after)
    base = {
        "id": id_,
        "metric": metric,
        "value": value,
        "qualifier": qualifier,
        "stated_words": words,
        "span": [start, start + len(words)],
        "low": None,
        "high": None,
        "location": None,
        "origin": None,
        "destination": None,
        "period_start": None,
        "period_end": None,
        "source": None,
        "dup_of": None,
        "part_of": None,
        "ambiguous": False,
    }
    return base | fields


def _gold() -> dict:
    figures = [
        _figure("f1t", "Thousands", "displaced", 2000, "at_least", dup_of="f1"),
        _figure(
            "f1",
            "Thousands",
            "displaced",
            2000,
            "at_least",
            after=30,
            location="East Harrow",
            origin="East Harrow",
            destination="Millbrook / the coast",  # alternatives; the text names neither: wrong
            period_start="2021-03-08",
            period_end="2021-03-08",
            source="Freedonia Monitoring Network",
        ),
        # The extractor reads "civilians_killed" and "more_than"; this gold says otherwise on purpose.
        _figure(
            "f2",
            "More than 140",
            "people_killed",
            140,
            "at_least",
            location="the city of Harrow",
            period_start="2021-01",
            period_end="2021-03-10",
            source="article",
            ambiguous=True,
        ),
        _figure("f3", "Two", "displaced", 2, "exact"),
    ]
    two = TEXT.index("Two convoys")
    return {
        "figures": figures,
        "not_figures": [{"text": "Two", "span": [two, two + 3], "reason": "convoys", "hard": True}],
    }


def _scores(tmp_path: Path) -> dict:
    (tmp_path / "01-made-up.txt").write_text(TEXT, "utf-8")
    (tmp_path / "01-made-up.gold.json").write_text(json.dumps(_gold()), "utf-8")
    return dict(evaluate(tmp_path, gazetteer(), source_book()))


def test_the_last_line_reads_precision_recall_and_each_field(tmp_path):
    overall = _scores(tmp_path)["overall"]
    # 3 proposals (title, body, 140), all matched; 2 of 3 canonical figures found (f3 was never proposed).
    # value 3/3; metric 2/3; qualifier 2/3; place: f1 by its alias 'eastern Harrow', f2 by 'Harrow' vs 'the city
    # of Harrow' (wrong); period: f1 and f2 (month precision) right; source: FMN by alias, 'article' right;
    # origin: f1's 'eastern Harrow' by its alias (right); destination: f1's, which the text does not give (wrong).
    assert overall.line() == (
        "figures=3 precision=1.00 recall=0.67 value=1.00 metric=0.67 qualifier=0.67 place=0.50 period=1.00 source=1.00"
        " origin=1.00 destination=0.00"
    )


def test_the_details_leave_out_ambiguous_metrics_and_count_not_figures(tmp_path):
    details = _scores(tmp_path)["01-made-up.txt"].details()
    assert re.fullmatch(
        r"proposals=3 matched=3 recall_without_subgroups=0\.67 metric_without_ambiguous=1\.00 "
        r"not_figures_proposed=0 \(hard 0\) median_ms=\d+\.\d",
        details,
    ), details
