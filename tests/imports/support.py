"""Data files and helpers the import tests share."""

from __future__ import annotations

from pathlib import Path

from psycopg import sql

from service import db
from service.config import data_dir
from service.importers.core import Options
from service.importers.datasets import CSR_NEIGHBOURHOODS, OCHA_PCODES, OPENSYRIA_SUBDISTRICTS
from tests.support import TABLES

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED_DATA = data_dir()
UCDP = DATA / "ucdp_ged_excerpt.csv"
UNHCR = DATA / "unhcr_population_excerpt.csv"
IDMC = DATA / "idmc_gidd_excerpt.csv"
GAZETTEERS = {
    OCHA_PCODES.id: DATA / "ocha_pcodes_excerpt.csv",
    OPENSYRIA_SUBDISTRICTS.id: DATA / "opensyria_subdistricts_excerpt.json",
    CSR_NEIGHBOURHOODS.id: DATA / "aleppo_neighbourhoods_excerpt.geojson",
}
IMPORT_TABLES = (*TABLES, "dataset", "dataset_import", "dataset_import_problem", "figure_citation", "data_version")


def options(**kwargs) -> Options:
    """Import options for tests: imported by 'test'."""
    return Options(actor="test", **kwargs)


def fingerprint(url: str) -> dict[str, str]:
    """Row count and an md5 of every row of every table an import may write, and where each sequence stands
    (a rolled-back insert leaves a sequence moved on: an import id or figure id lost)."""
    query = sql.SQL(
        "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS f FROM {} t"
    )
    with db.connect(url) as conn:
        tables = {table: conn.execute(query.format(sql.Identifier(table))).fetchone()["f"] for table in IMPORT_TABLES}
        sequences = conn.execute(
            "SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ' ' "
            "ORDER BY sequencename) AS s FROM pg_sequences"
        ).fetchone()["s"]
    return tables | {"sequences": sequences}


def rows(url: str, query: str, params: dict | None = None) -> list[dict]:
    """Run a query on the database at url."""
    with db.connect(url) as conn:
        return conn.execute(query, params or {}).fetchall()
