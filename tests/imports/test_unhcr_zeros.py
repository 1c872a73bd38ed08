"""UNHCR's explicit zeros are stocks of 0: the latest stock stands, so a 0 ends an older one; empty stays a gap."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest

from service import db
from service.importers.unhcr import import_unhcr
from tests.imports.support import DATA, SHARED_DATA, options, rows
from tests.support import app_over

# Refugees from Syria in North Macedonia 2016-2025 (17 in 2021, 0 in 2022-2024), and Congo's
# own rows for 2022-2023 (26,875 IDPs, then 0): real rows of the UNHCR file.
ZEROS = DATA / "unhcr_zeros_excerpt.csv"
UNHCR_FULL = SHARED_DATA / "unhcr_population_1951-2025.csv"
# The question of the issue: refugees from Syria over 2016-2023.
SYRIANS_2016_2023 = "/v1/figures/totals?metric=refugees&origin=SY&from=2016&to=2023"


def _import(url: str, path=ZEROS, **kwargs):
    with db.connect(url) as conn:
        return import_unhcr(conn, path, options(**kwargs))


def _stocks(url: str, like: str) -> dict[str, tuple]:
    """external id -> (value, period_end) of the UNHCR figures whose external id is like this."""
    found = rows(
        url,
        "SELECT external_id, value, count_kind, period_end FROM figure "
        "WHERE dataset_id = 'unhcr-population' AND external_id LIKE %(like)s",
        {"like": like},
    )
    assert {r["count_kind"] for r in found} <= {"stock"}
    return {r["external_id"]: (r["value"], r["period_end"]) for r in found}


def _total(url: str, query: str) -> dict:
    with app_over(url) as app:
        [total] = app.test_client().get(query).get_json()["totals"]
    return total


def test_an_explicit_zero_is_a_stock_of_zero(located_url):
    result = _import(located_url)
    # 12 rows, 14 stocks: 10 of refugees in North Macedonia, Congo's refugees (0, 0) and IDPs (26,875, 0).
    assert (result.rows_read, result.rejected, result.skipped, result.inserted) == (12, 0, 0, 14)
    assert (result.notes["zero_stocks"], result.notes["gaps"]) == (6, 0)
    macedonia = _stocks(located_url, "%:SYR:MKD:refugees")
    assert [macedonia[f"{year}:SYR:MKD:refugees"][0] for year in range(2016, 2026)] == [
        13,
        15,
        17,
        17,
        17,
        17,
        0,
        0,
        0,
        5,
    ]
    assert macedonia["2022:SYR:MKD:refugees"] == (0, dt.date(2022, 12, 31))
    assert _stocks(located_url, "%:COG:COG:idps") == {
        "2022:COG:COG:idps": (26875, dt.date(2022, 12, 31)),
        "2023:COG:COG:idps": (0, dt.date(2023, 12, 31)),
    }


def test_an_idp_zero_on_a_cross_border_row_states_nothing(located_url):
    # IDPs are counted in their own country: Syria-to-North-Macedonia rows hold 0 IDPs, which is no stock.
    result = _import(located_url)
    assert result.notes["cross_border_idp_zeros"] == 10
    assert _stocks(located_url, "%:SYR:MKD:idps") == {}


def test_a_zero_ends_the_older_stock_in_totals(located_url):
    _import(located_url)
    total = _total(located_url, SYRIANS_2016_2023)
    [latest] = rows(located_url, "SELECT id FROM figure WHERE external_id = '2023:SYR:MKD:refugees'")
    [stale] = rows(located_url, "SELECT id FROM figure WHERE external_id = '2021:SYR:MKD:refugees'")
    assert (total["sum"], total["figure_ids"]) == (0, [latest["id"]])
    assert {(x["figure_id"], x["reason"], x["kept_figure_id"]) for x in total["left_out"]} >= {
        (stale["id"], "stock", latest["id"])
    }


def test_an_empty_field_stays_a_gap(located_url, tmp_path):
    lines = ZEROS.read_text("utf-8").splitlines()
    for year in ("2022", "2023"):
        [at] = [n for n, line in enumerate(lines) if line.startswith(f"{year},Syrian Arab Rep.,")]
        lines[at] = lines[at].replace(",MKD,0,", ",MKD,,", 1)
    gaps = tmp_path / "unhcr_gaps.csv"
    gaps.write_text("\n".join(lines) + "\n", "utf-8")
    result = _import(located_url, gaps)
    assert (result.notes["gaps"], result.notes["zero_stocks"], result.inserted) == (2, 4, 12)
    assert "2022:SYR:MKD:refugees" not in _stocks(located_url, "%:SYR:MKD:refugees")
    # Nothing is known for 2022-2023: the 2021 stock is the latest there is, and stands.
    assert _total(located_url, SYRIANS_2016_2023)["sum"] == 17


def test_a_mid_year_release_dates_its_latest_year_30_june(located_url):
    result = _import(located_url, version="2025.6.0", released=dt.date(2025, 11, 10))
    assert result.notes["mid_year"] == {"year": 2025, "period_end": "2025-06-30"}
    macedonia = _stocks(located_url, "%:SYR:MKD:refugees")
    assert macedonia["2025:SYR:MKD:refugees"] == (5, dt.date(2025, 6, 30))
    assert macedonia["2024:SYR:MKD:refugees"] == (0, dt.date(2024, 12, 31))


def test_the_shipped_release_is_end_of_year_throughout(located_url):
    # refugees 2025.12.1 is Global Trends 2025 (the package's NEWS.md): 2025 too stands as of 31 December.
    result = _import(located_url)
    assert "mid_year" not in result.notes
    assert _stocks(located_url, "2025:%")["2025:SYR:MKD:refugees"] == (5, dt.date(2025, 12, 31))


def _expected_from_file() -> tuple[int, int]:
    """From the real file itself: its stocks of 0, and the refugees from Syria over 2016-2023 as totals must
    add them (in each country of asylum, the latest stock of those years stands, a 0 included)."""
    with UNHCR_FULL.open(newline="", encoding="utf-8") as file:
        records = list(csv.DictReader(file))
    placed = [r for r in records if r["coa_iso"] != "UNK"]
    zeros = sum(r["refugees"] == "0" for r in placed) + sum(
        r["idps"] == "0" and r["coo_iso"] == r["coa_iso"] for r in placed
    )
    latest: dict[str, tuple[int, int]] = {}
    for r in placed:
        if r["coo_iso"] == "SYR" and 2016 <= int(r["year"]) <= 2023:
            latest[r["coa_iso"]] = max(latest.get(r["coa_iso"], (0, 0)), (int(r["year"]), int(r["refugees"])))
    return zeros, sum(value for _, value in latest.values())


@pytest.mark.skipif(not UNHCR_FULL.exists(), reason="shared/data (the real UNHCR file) is not beside the project")
def test_the_real_file_syrians_in_north_macedonia_end_at_zero(located_url):
    zeros, syrians = _expected_from_file()
    result = _import(located_url, UNHCR_FULL)  # the whole file: about 10 s
    assert (result.rejected, result.notes["zero_stocks"], result.notes["gaps"]) == (0, zeros, 0)
    assert _total(located_url, SYRIANS_2016_2023.replace("origin=SY", "origin=SY&location=MKD"))["sum"] == 0
    total = _total(located_url, SYRIANS_2016_2023)
    assert total["sum"] == syrians
    reasons = Counter(x["reason"] for x in total["left_out"])
    assert set(reasons) == {"stock"}
