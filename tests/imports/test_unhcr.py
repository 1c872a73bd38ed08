"""tally import unhcr: refugees and IDPs per year as end-of-year stocks, countries by their ISO codes."""

from __future__ import annotations

import datetime as dt

import pytest

from service import db
from service.importers.core import InvalidRows
from service.importers.datasets import UNHCR_POPULATION
from service.importers.unhcr import import_unhcr
from tests.imports.support import UNHCR, fingerprint, options, rows

FIGURE = """SELECT metric_id, count_kind, value, qualifier, location_id, origin_id, destination_id, population_group,
                   period_start, period_end, stated_on, source_id, version, dataset_attributes AS attributes
            FROM figure WHERE dataset_id = 'unhcr-population' AND external_id = %(id)s"""


def _import(url: str, path=UNHCR, **kwargs):
    with db.connect(url) as conn:
        return import_unhcr(conn, path, options(**kwargs))


@pytest.fixture(scope="module")
def first_import(shared_located_url):
    """The excerpt imported once, into the database this module's reading tests share; its result."""
    return _import(shared_located_url)


@pytest.fixture
def imported_url(shared_located_url: str, first_import) -> str:
    """The database first_import imported into. Tests given it only read."""
    return shared_located_url


def _figure(url: str, external_id: str) -> dict | None:
    found = rows(url, FIGURE, {"id": external_id})
    return found[0] if found else None


def test_counts(first_import):
    result = first_import
    # 12 rows: 10 give a stock each, the asylum-seekers-only row a refugee stock of 0, Syria's three
    # IDP rows a refugee stock of 0 each; UNK asylum gives none.
    assert (result.rows_read, result.rejected, result.skipped) == (12, 0, 1)
    assert (result.inserted, result.updated, result.unchanged) == (14, 0, 0)
    assert [(p.line, p.field, p.value, p.outcome) for p in result.problems] == [(3, "coa_iso", "UNK", "skipped")]


def test_refugees_flow_from_origin_to_asylum_as_a_year_end_stock(imported_url):
    germany = _figure(imported_url, "2016:SYR:DEU:refugees")
    assert germany == {
        "metric_id": "refugees",
        "count_kind": "stock",
        "value": 375122,
        "qualifier": "exact",
        "location_id": "DEU",
        "origin_id": "SY",
        "destination_id": "DEU",
        "population_group": None,
        "period_start": dt.date(2016, 1, 1),
        "period_end": dt.date(2016, 12, 31),
        "stated_on": UNHCR_POPULATION.released,
        "source_id": "unhcr",
        "version": 1,
        "attributes": {"coo": "SYR", "coa": "GFR"},
    }


def test_countries_come_from_the_iso_columns_not_unhcrs_codes(imported_url):
    egypt = _figure(imported_url, "2016:SYR:EGY:refugees")  # UNHCR's own code for Egypt is ARE
    assert (egypt["location_id"], egypt["value"], egypt["attributes"]) == ("EGY", 116013, {"coo": "SYR", "coa": "ARE"})
    assert rows(imported_url, "SELECT id, name, iso3, kind FROM location WHERE id IN ('EGY', 'ARE') ORDER BY id") == [
        {"id": "EGY", "name": "Egypt", "iso3": "EGY", "kind": "country"}
    ]
    # A country the gazetteer knew only by its code takes UNHCR's name.
    assert rows(imported_url, "SELECT name FROM location WHERE id = 'AFG'") == [{"name": "Afghanistan"}]


def test_unknown_origin_and_stateless_refugees(imported_url):
    unknown = _figure(imported_url, "1951:UNK:AUS:refugees")
    assert (unknown["origin_id"], unknown["destination_id"], unknown["value"], unknown["population_group"]) == (
        None,
        "AUS",
        180000,
        None,
    )
    stateless = _figure(imported_url, "1980:XXA:ITA:refugees")
    assert (stateless["origin_id"], stateless["population_group"], stateless["value"]) == (None, "stateless", 8)
    assert not rows(imported_url, "SELECT 1 FROM location WHERE id IN ('UNK', 'XXA', 'UKN', 'STA')")
    assert _figure(imported_url, "1951:UNK:UNK:refugees") is None  # no country of asylum: nowhere to put it


def test_syrias_idps_per_year(imported_url):
    idps = rows(
        imported_url,
        """SELECT period_end, value, location_id, origin_id, destination_id FROM figure
                                WHERE dataset_id = 'unhcr-population' AND metric_id = 'idps' ORDER BY period_end""",
    )
    assert idps == [
        {
            "period_end": dt.date(2016, 12, 31),
            "value": 6325978,
            "location_id": "SY",
            "origin_id": None,
            "destination_id": None,
        },
        {
            "period_end": dt.date(2024, 12, 31),
            "value": 7408909,
            "location_id": "SY",
            "origin_id": None,
            "destination_id": None,
        },
        {
            "period_end": dt.date(2025, 12, 31),
            "value": 5542227,
            "location_id": "SY",
            "origin_id": None,
            "destination_id": None,
        },
    ]


def test_zeros_are_not_figures(imported_url):
    # An explicit 0 is a stock of 0 (tests/imports/test_unhcr_zeros.py); a cross-border IDP 0 states nothing.
    assert _figure(imported_url, "2016:TJK:AFG:refugees")["value"] == 0
    assert _figure(imported_url, "2016:SYR:DEU:idps") is None


def test_reimport_changes_nothing_and_dry_run_writes_nothing(located_url):
    before = fingerprint(located_url)
    assert _import(located_url, dry_run=True).inserted == 14
    assert fingerprint(located_url) == before
    _import(located_url)
    after = fingerprint(located_url)
    result = _import(located_url)
    assert (result.inserted, result.updated, result.unchanged, result.committed) == (0, 0, 14, False)
    assert fingerprint(located_url) == after


def test_a_newer_version_revises_the_changed_stock(located_url, tmp_path):
    _import(located_url)
    text = UNHCR.read_text("utf-8")
    assert text.count(",DEU,375122,") == 1
    newer = tmp_path / "unhcr_v2.csv"
    newer.write_text(text.replace(",DEU,375122,", ",DEU,375200,"), "utf-8")
    result = _import(located_url, newer, version="2026.06.0", released=dt.date(2026, 6, 15))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 13)
    assert [c["fields"] for c in result.notes["changed"]] == [["value"]]
    germany = _figure(located_url, "2016:SYR:DEU:refugees")
    assert (germany["value"], germany["version"], germany["stated_on"]) == (375200, 2, dt.date(2026, 6, 15))
    assert _figure(located_url, "2016:SYR:TUR:refugees")["stated_on"] == UNHCR_POPULATION.released
    assert rows(
        located_url,
        """SELECT r.reason FROM figure_revision r JOIN figure f ON f.id = r.figure_id
                                WHERE f.external_id = '2016:SYR:DEU:refugees' ORDER BY r.version""",
    ) == [{"reason": "import unhcr-population 2025.12.1"}, {"reason": "import unhcr-population 2026.06.0"}]


def test_a_version_without_a_release_date_is_refused(located_url):
    from service.importers.core import ImportFailed

    with pytest.raises(ImportFailed, match="--released"):
        _import(located_url, version="2026.06.0")


def test_an_unreadable_row_aborts_with_its_line(located_url, tmp_path):
    lines = UNHCR.read_text("utf-8").splitlines()
    assert lines[6].startswith("2016,Syrian Arab Rep.,SYR,SYR,Egypt,ARE,EGY,116013,")
    lines[6] = lines[6].replace(",116013,", ",116013x,")
    lines.insert(8, lines[7])  # Syrians in Germany in 2016, twice
    bad = tmp_path / "unhcr_bad.csv"
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    before = fingerprint(located_url)
    with pytest.raises(InvalidRows) as raised:
        _import(located_url, bad)
    assert fingerprint(located_url) == before
    rejected = [
        (p.line, p.field, p.value, p.reason) for p in raised.value.results[0].problems if p.outcome == "rejected"
    ]
    assert rejected == [
        (7, "refugees", "116013x", "must be a whole number or empty"),
        (9, "year", "2016", "SYR -> DEU given twice for this year"),
    ]
