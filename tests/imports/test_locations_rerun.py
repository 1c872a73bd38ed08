"""`tally import locations` run again after the figure imports changes nothing: the countries they named stay."""

from __future__ import annotations

import pytest

from service import db
from service.importers.datasets import CSR_NEIGHBOURHOODS, OCHA_PCODES, OPENSYRIA_SUBDISTRICTS
from service.importers.idmc import import_idmc
from service.importers.locations import import_locations
from service.importers.unhcr import import_unhcr
from tests.imports.support import GAZETTEERS, IDMC, SHARED_DATA, UNHCR, fingerprint, options, rows

REAL_GAZETTEERS = {
    OCHA_PCODES.id: SHARED_DATA / "ocha_global_pcodes_adm1_adm2.csv",
    OPENSYRIA_SUBDISTRICTS.id: SHARED_DATA / "opensyria_syria_subdistricts_adm3.json",
    CSR_NEIGHBOURHOODS.id: SHARED_DATA / "aleppo_neighbourhoods_csr.geojson",
}
REAL_UNHCR = SHARED_DATA / "unhcr_population_1951-2025.csv"
REAL_IDMC = SHARED_DATA / "idmc_gidd_conflict_displacement_2009-2024.csv"


def _locations(url: str, paths=GAZETTEERS, **kwargs) -> list:
    with db.connect(url) as conn:
        return import_locations(conn, paths, options(**kwargs))


def _figures(url: str, unhcr=UNHCR, idmc=IDMC, **kwargs) -> None:
    with db.connect(url) as conn:
        import_unhcr(conn, unhcr, options(**kwargs))
        import_idmc(conn, idmc, options(**kwargs))


def _assert_rerun_changes_nothing(url: str, paths=GAZETTEERS, **kwargs) -> None:
    before = fingerprint(url)
    results = _locations(url, paths, **kwargs)
    assert [(r.dataset.id, r.inserted, r.updated) for r in results] == [
        (OCHA_PCODES.id, 0, 0),
        (OPENSYRIA_SUBDISTRICTS.id, 0, 0),
        (CSR_NEIGHBOURHOODS.id, 0, 0),
    ]
    assert not any(r.committed or r.import_id for r in results)
    assert fingerprint(url) == before


def test_after_the_unhcr_and_idmc_imports(located_url):
    _figures(located_url)
    _assert_rerun_changes_nothing(located_url)
    # ISO 3166 named Afghanistan as UNHCR does: nothing to add.
    assert rows(located_url, "SELECT name, aliases FROM location WHERE id = 'AFG'") == [
        {"name": "Afghanistan", "aliases": ["AFG", "Islamic Republic of Afghanistan"]}
    ]


def test_a_country_named_already_keeps_its_name_and_iso_3166s_becomes_an_alias(fresh_url):
    _locations(fresh_url)
    with db.connect(fresh_url) as conn:
        conn.execute("UPDATE location SET name = 'Iraq (Republic of)' WHERE id = 'IRQ'")
    _locations(fresh_url)
    assert rows(fresh_url, "SELECT name, aliases FROM location WHERE id = 'IRQ'") == [
        {"name": "Iraq (Republic of)", "aliases": ["IRQ", "Republic of Iraq", "Iraq"]}
    ]


def test_when_the_figures_came_first(fresh_url):
    _figures(fresh_url)  # UNHCR creates Afghanistan; the gazetteer then adds its p-code and code
    assert _locations(fresh_url)[0].updated > 0
    _figures(fresh_url)
    _assert_rerun_changes_nothing(fresh_url)


@pytest.mark.skipif(not REAL_UNHCR.exists(), reason="shared/data (the real files) is not beside the project")
def test_after_the_real_files(fresh_url):
    # The real OCHA and IDMC files have invalid rows, left out; about 15 s in all.
    _locations(fresh_url, REAL_GAZETTEERS, skip_invalid=True)
    _figures(fresh_url, REAL_UNHCR, REAL_IDMC, skip_invalid=True)
    _assert_rerun_changes_nothing(fresh_url, REAL_GAZETTEERS, skip_invalid=True)
