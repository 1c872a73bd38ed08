"""Totals survive the import: UCDP's civilian deaths in Aleppo governorate in 2016, from the real file."""

from __future__ import annotations

import csv

import pytest

from service import db
from service.importers.datasets import OPENSYRIA_SUBDISTRICTS
from service.importers.locations import import_locations
from service.importers.ucdp import import_ucdp
from tests.imports.support import GAZETTEERS, SHARED_DATA, options, rows

UCDP_FULL = SHARED_DATA / "ucdp_ged_syria_2016-2019.csv"
OPENSYRIA_FULL = SHARED_DATA / "opensyria_syria_subdistricts_adm3.json"


@pytest.mark.skipif(not UCDP_FULL.exists(), reason="shared/data is not beside the project")
def test_civilian_deaths_in_aleppo_governorate_2016_equal_the_files_sum(fresh_url, tmp_path):
    with UCDP_FULL.open(newline="", encoding="utf-8") as f:
        records = list(csv.DictReader(f))
    expected = sum(
        int(r["deaths_civilians"]) for r in records if r["adm_1"] == "Aleppo Governorate" and r["year"] == "2016"
    )
    # Every 2016 event of the real file (6,170), placed with the real gazetteers' Syrian units.
    year_2016 = tmp_path / "ucdp_2016.csv"
    with year_2016.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(r for r in records if r["year"] == "2016")
    paths = GAZETTEERS | {OPENSYRIA_SUBDISTRICTS.id: OPENSYRIA_FULL}
    with db.connect(fresh_url) as conn:
        import_locations(conn, paths, options())
        result = import_ucdp(conn, year_2016, options())
    assert (result.rows_read, result.rejected, result.inserted) == (6170, 0, 2 * 6170)
    assert result.notes["unmatched_names"] == []
    imported = rows(
        fresh_url,
        """
        WITH RECURSIVE aleppo AS (
            SELECT id FROM location WHERE id = 'SY02'
            UNION SELECT l.id FROM location l JOIN aleppo a ON l.parent_id = a.id)
        SELECT sum(value) AS total, count(*) AS events FROM figure
        WHERE dataset_id = 'ucdp-ged' AND metric_id = 'civilians_killed'
          AND location_id IN (SELECT id FROM aleppo)
          AND period_start BETWEEN '2016-01-01' AND '2016-12-31'""",
    )[0]
    assert expected == 4654
    assert imported["total"] == expected
    assert imported["events"] == sum(1 for r in records if r["adm_1"] == "Aleppo Governorate" and r["year"] == "2016")


def test_totals_group_by_dataset_keep_imported_and_hand_entered_figures_apart(located_url):
    from service import db
    from service.app import create_app
    from service.config import Settings
    from service.importers.ucdp import import_ucdp
    from tests.imports.support import UCDP, options

    with db.connect(located_url) as conn:
        import_ucdp(conn, UCDP, options())
        expected = conn.execute(
            """SELECT source_id, sum(value) AS total FROM figure
               WHERE metric_id = 'civilians_killed' AND dataset_id = 'ucdp-ged' AND status <> 'disputed'
               GROUP BY source_id ORDER BY source_id"""
        ).fetchall()
    app = create_app(Settings(database_url=located_url), database_url=located_url)
    try:
        body = app.test_client().get("/v1/civilians-killed/totals?group_by=dataset").get_json()
    finally:
        app.extensions["tally.pool"].close()
    by_dataset = {(t["dataset"], t["source"]["id"]): t["sum"] for t in body["totals"]}
    assert by_dataset[(None, "sohr")] == 250 and by_dataset[(None, "lcc")] == 15
    imported = {source: total for (dataset, source), total in by_dataset.items() if dataset == "ucdp-ged"}
    assert imported == {row["source_id"]: row["total"] for row in expected}
    assert imported


def test_the_dataset_filter_means_the_same_on_every_read(located_url):
    from tests.api.test_filters_everywhere import same_on_every_read
    from tests.imports.support import UCDP
    from tests.support import app_over

    with db.connect(located_url) as conn:
        import_ucdp(conn, UCDP, options())
    with app_over(located_url) as app:
        client = app.test_client()
        same_on_every_read(client, "dataset=ucdp-ged")
        assert len(client.get("/v1/civilians-killed?dataset=ucdp-ged&limit=500").get_json()["data"]) == 22
