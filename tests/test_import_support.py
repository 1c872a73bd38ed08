"""Fixtures and helpers the import tests share (no tests here)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from psycopg import sql

from service import db
from service.importers.core import Options
from service.importers.datasets import CSR_NEIGHBOURHOODS, OCHA_PCODES, OPENSYRIA_SUBDISTRICTS
from service.importers.locations import import_locations
from tests.conftest import TABLES, _database

DATA = Path(__file__).parent / "data"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
UCDP = DATA / "ucdp_ged_excerpt.csv"
UNHCR = DATA / "unhcr_population_excerpt.csv"
IDMC = DATA / "idmc_gidd_excerpt.csv"
GAZETTEERS = {OCHA_PCODES.id: DATA / "ocha_pcodes_excerpt.csv",
              OPENSYRIA_SUBDISTRICTS.id: DATA / "opensyria_subdistricts_excerpt.json",
              CSR_NEIGHBOURHOODS.id: DATA / "aleppo_neighbourhoods_excerpt.geojson"}
IMPORT_TABLES = TABLES + ("dataset", "dataset_import", "dataset_import_problem", "figure_citation", "data_version")


def options(**kwargs) -> Options:
    """Import options for tests: imported by 'test'."""
    return Options(actor="test", **kwargs)


def fingerprint(url: str) -> dict[str, str]:
    """Row count and an md5 of every row of every table an import may write, and where each sequence stands
    (a rolled-back insert leaves a sequence moved on: an import id or figure id lost)."""
    query = sql.SQL("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS f "
                    "FROM {} t")
    with db.connect(url) as conn:
        tables = {table: conn.execute(query.format(sql.Identifier(table))).fetchone()["f"] for table in IMPORT_TABLES}
        sequences = conn.execute("SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ' ' "
                                 "ORDER BY sequencename) AS s FROM pg_sequences").fetchone()["s"]
    return tables | {"sequences": sequences}


@pytest.fixture(scope="session")
def located_template(server_url: str, template_db: str) -> Iterator[str]:
    """The seeded template with the gazetteer excerpts imported: the places the figure excerpts need."""
    with _database(server_url, template=template_db) as url:
        with db.connect(url) as conn:
            import_locations(conn, GAZETTEERS, options())
        yield urlsplit(url).path.lstrip("/")


@pytest.fixture
def located_url(server_url: str, located_template: str) -> Iterator[str]:
    """A database of this test's own with seed and gazetteer excerpts."""
    with _database(server_url, template=located_template) as url:
        yield url


def rows(url: str, query: str, params: dict | None = None) -> list[dict]:
    """Run a query on the database at url."""
    with db.connect(url) as conn:
        return conn.execute(query, params or {}).fetchall()
