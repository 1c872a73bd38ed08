"""Tally's CSV and HXL exports import back: export, import elsewhere, export again, same figures."""
from __future__ import annotations

import csv
import io

import pytest

from service import db
from service.importers.tally_csv import import_tally_csv
from tests.conftest import database_fingerprint
from tests.test_import_support import options

# What a figure is, whoever holds it (ids and times differ between databases).
SAME = ("metric", "count_kind", "value", "low", "high", "qualifier", "stated_words", "population_group",
        "location_id", "origin_id", "destination_id", "period_start", "period_end", "stated_on", "source_id",
        "source_name", "document_title", "document_url", "document_published_on", "quote")


def rows_of(text: str, *, hxl: bool = False) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return rows[1:] if hxl else rows


@pytest.mark.parametrize(("fmt", "url"), [("csv", "/v1/figures?format=csv"),
                                          ("hxl", "/v1/figures?format=hxl"),
                                          ("hxl", "/v1/civilians-killed?format=hxl")])
def test_an_export_imports_into_another_database_as_the_same_figures(client, empty_url, tmp_path, fmt, url):
    from service import migrations
    from service.seed import load_seed

    exported = client.get(url).get_data(as_text=True)
    path = tmp_path / f"figures.{fmt}.csv"
    path.write_text(exported, "utf-8")
    with db.connect(empty_url) as conn:  # another Tally: the same places, none of the figures
        migrations.upgrade(conn)
        load_seed(conn)
        conn.execute("DELETE FROM figure_dispute; DELETE FROM figure_revision; DELETE FROM figure")
        conn.commit()
        result = import_tally_csv(conn, path, options())
        assert (result.rejected, result.inserted) == (0, len(rows_of(exported, hxl=fmt == "hxl")))
        again = import_tally_csv(conn, path, options())
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, result.inserted)
    from tests.conftest import _app

    with _app(empty_url) as app:
        reimported = app.test_client().get(url.replace(f"format={fmt}", "format=csv")).get_data(as_text=True)
    original = client.get(url.replace(f"format={fmt}", "format=csv")).get_data(as_text=True)
    assert [{k: r[k] for k in SAME} for r in rows_of(reimported)] == [{k: r[k] for k in SAME} for r in rows_of(original)]
    assert {r["dataset_id"] for r in rows_of(reimported)} == {"tally-csv"}


def test_rows_naming_unknown_places_or_metrics_are_rejected_and_nothing_is_written(client, fresh_url, tmp_path):
    text = client.get("/v1/figures?format=csv&limit=3").get_data(as_text=True)
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace("displaced,", "deaths,", 1)
    lines[3] = lines[3].replace(",eastern-aleppo,", ",atlantis,", 1)
    path = tmp_path / "broken.csv"
    path.write_text("".join(lines), "utf-8")
    before = database_fingerprint(fresh_url)
    from service.importers.core import InvalidRows

    with db.connect(fresh_url) as conn, pytest.raises(InvalidRows) as raised:
        import_tally_csv(conn, path, options())
    [result] = raised.value.results
    assert sorted((p.line, p.field) for p in result.problems) == [(3, "metric"), (4, "origin_id")]
    assert database_fingerprint(fresh_url) == before
