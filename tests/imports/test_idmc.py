"""tally import idmc: new displacements (a flow over the year) and IDPs at year end, per country."""

from __future__ import annotations

import datetime as dt

import pytest

from service import db
from service.importers.core import InvalidRows
from service.importers.datasets import IDMC_GIDD
from service.importers.idmc import import_idmc
from tests.imports.support import IDMC, fingerprint, options, rows

FIGURE = """SELECT metric_id, count_kind, value, qualifier, location_id, origin_id, destination_id, period_start,
                   period_end, stated_on, source_id, dataset_attributes AS attributes
            FROM figure WHERE dataset_id = 'idmc-gidd' AND external_id = %(id)s"""
# The real row IDMC gives for Abyei, under its own code.
ABYEI = "AB9,,2014,0,,20000,20000"


def _import(url: str, path=IDMC, **kwargs):
    with db.connect(url) as conn:
        return import_idmc(conn, path, options(**kwargs))


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
    # 8 rows, 16 measures: Israel 2010 has none, Angola 2009 no total.
    assert (result.rows_read, result.rejected, result.skipped) == (8, 0, 1)
    assert (result.inserted, result.unchanged) == (13, 0)
    assert result.notes["gaps"] == 3


def test_exact_value_with_the_rounded_one_kept_beside_it(imported_url):
    new = _figure(imported_url, "SYR:2016:new_displacement")
    assert new == {
        "metric_id": "displaced",
        "count_kind": "period_total",
        "value": 2148498,
        "qualifier": "exact",
        "location_id": "SY",
        "origin_id": None,
        "destination_id": None,
        "period_start": dt.date(2016, 1, 1),
        "period_end": dt.date(2016, 12, 31),
        "stated_on": IDMC_GIDD.released,
        "source_id": "idmc",
        "attributes": {"rounded": 2148000},
    }
    total = _figure(imported_url, "SYR:2024:total_displacement")
    assert (total["metric_id"], total["count_kind"], total["value"], total["attributes"]) == (
        "idps",
        "stock",
        7408809,
        {"rounded": 7409000},
    )


def test_empty_fields_are_gaps_not_zeros(imported_url):
    assert _figure(imported_url, "AGO:2009:total_displacement") is None
    assert _figure(imported_url, "AGO:2009:new_displacement")["value"] == 0  # IDMC gives 0 here
    assert _figure(imported_url, "ISR:2010:new_displacement") is None


def test_a_country_without_a_name_is_known_by_its_code(imported_url):
    assert rows(imported_url, "SELECT id, name, iso3 FROM location WHERE id = 'XKX'") == [
        {"id": "XKX", "name": "XKX", "iso3": "XKX"}
    ]
    assert _figure(imported_url, "XKX:2012:total_displacement")["value"] == 17738


def test_idmc_and_unhcr_disagree_side_by_side(located_url):
    from service.importers.unhcr import import_unhcr
    from tests.imports.support import UNHCR

    _import(located_url)
    with db.connect(located_url) as conn:
        import_unhcr(conn, UNHCR, options())
    claims = rows(
        located_url,
        """SELECT source_id, value FROM figure
                                  WHERE metric_id = 'idps' AND location_id = 'SY' AND period_end = '2024-12-31'
                                  ORDER BY source_id""",
    )
    assert claims == [{"source_id": "idmc", "value": 7408809}, {"source_id": "unhcr", "value": 7408909}]


def test_a_code_that_is_not_iso_is_rejected_by_default(located_url, tmp_path):
    path = tmp_path / "idmc.csv"
    path.write_text(IDMC.read_text("utf-8") + ABYEI + "\n", "utf-8")
    before = fingerprint(located_url)
    with pytest.raises(InvalidRows) as raised:
        _import(located_url, path)
    assert fingerprint(located_url) == before
    [problem] = [p for p in raised.value.results[0].problems if p.outcome == "rejected"]
    assert (problem.line, problem.field, problem.value) == (10, "iso3", "AB9")
    result = _import(located_url, path, skip_invalid=True)
    assert (result.rejected, result.inserted) == (1, 13)


def test_reimport_changes_nothing(located_url):
    _import(located_url)
    before = fingerprint(located_url)
    assert _import(located_url).unchanged == 13
    assert fingerprint(located_url) == before
