"""tally import locations: OCHA p-codes, OpenSyria sub-districts and the Aleppo neighbourhoods."""

from __future__ import annotations

import csv
import json

import pytest

from service import db
from service.importers.core import InvalidRows
from service.importers.datasets import CSR_NEIGHBOURHOODS, OCHA_PCODES, OPENSYRIA_SUBDISTRICTS
from service.importers.gazetteers import admin0_pcode
from service.importers.locations import import_locations
from tests.imports.support import GAZETTEERS, fingerprint, options, rows

LOCATION = """SELECT id, pcode, name, name_ar, aliases, kind, parent_id, latitude, longitude, iso3,
                     gazetteer_id, gazetteer_version, gazetteer_key
              FROM location WHERE id = %(id)s"""


def _location(url: str, location_id: str) -> dict | None:
    found = rows(url, LOCATION, {"id": location_id})
    return found[0] if found else None


def _import(url: str, paths=GAZETTEERS, **kwargs):
    with db.connect(url) as conn:
        return {r.dataset.id: r for r in import_locations(conn, paths, options(**kwargs))}


@pytest.fixture(scope="module")
def first_import(shared_url):
    """The three gazetteer excerpts imported once, into the database this module's reading tests share; its result."""
    return _import(shared_url)


@pytest.fixture
def imported_url(shared_url: str, first_import) -> str:
    """The database first_import imported into. Tests given it only read."""
    return shared_url


def test_counts_per_gazetteer(first_import):
    results = first_import
    ocha = results[OCHA_PCODES.id]
    # 85 rows: 76 Syrian, 9 of three other countries; plus those 4 countries.
    assert (ocha.rows_read, ocha.rejected) == (85, 0)
    assert (ocha.inserted, ocha.updated) == (89 - 3, 3)  # SY, SY02 and SY0200 were in the seed
    opensyria = results[OPENSYRIA_SUBDISTRICTS.id]
    assert (opensyria.rows_read, opensyria.inserted, opensyria.updated) == (58, 57, 1)  # SY020000: seed
    neighbourhoods = results[CSR_NEIGHBOURHOODS.id]
    # 11 features, 8 places: Muhammad Bek's 2 and Tishreen's 3 features are one place each.
    assert (neighbourhoods.rows_read, neighbourhoods.inserted, neighbourhoods.updated) == (11, 6, 2)
    assert all(r.import_id and r.committed for r in results.values())


def test_seed_units_keep_their_ids_and_record_the_gazetteer(imported_url):
    syria = _location(imported_url, "SY")
    assert (syria["pcode"], syria["name"], syria["iso3"], syria["kind"], syria["parent_id"]) == (
        "SY",
        "Syria",
        "SYR",
        "country",
        None,
    )
    assert (syria["gazetteer_id"], syria["gazetteer_version"], syria["gazetteer_key"]) == (
        "ocha-cod-ab",
        "2020-12-17",
        "SYR",
    )
    jebel_saman = _location(imported_url, "SY0200")
    assert (jebel_saman["name"], jebel_saman["name_ar"], jebel_saman["parent_id"]) == (
        "Jebel Saman",
        "جبل سمعان",
        "SY02",
    )
    assert jebel_saman["gazetteer_key"] == "SY0200"
    assert "Mount Simeon" in jebel_saman["aliases"] and "Jabal Saman" in jebel_saman["aliases"]
    sub_district = _location(imported_url, "SY020000")
    assert (sub_district["name"], sub_district["name_ar"], sub_district["parent_id"]) == (
        "Jebel Saman",
        "مركز جبل سمعان",
        "SY0200",
    )
    assert (sub_district["latitude"], sub_district["longitude"]) == (36.19354, 37.16174)
    assert sub_district["gazetteer_id"] == "opensyria-subdistricts"
    assert sub_district["gazetteer_key"] == "sy-aleppo-mount-simeon-jebel-saman"
    assert (
        rows(imported_url, "SELECT count(*) AS n FROM location WHERE pcode LIKE 'SY%%' OR iso3 = 'SYR'")[0]["n"]
        == 1 + 14 + 62 + 58
    )


def test_other_countries_are_keyed_by_iso3_with_ochas_admin0_pcode_when_it_has_one(imported_url):
    afghanistan = _location(imported_url, "AFG")
    # OCHA's table names no country: ISO 3166 does, with the code and its other names as aliases.
    assert (afghanistan["pcode"], afghanistan["name"], afghanistan["iso3"], afghanistan["kind"]) == (
        "AF",
        "Afghanistan",
        "AFG",
        "country",
    )
    assert afghanistan["aliases"] == ["AFG", "Islamic Republic of Afghanistan"]
    assert _location(imported_url, "AF01")["parent_id"] == "AFG"
    iraq = _location(imported_url, "IRQ")
    assert iraq["pcode"] is None  # admin1 codes start IQG, not Iraq's ISO code: no admin0 code is claimed
    assert _location(imported_url, "IQG01Q01")["parent_id"] == "IQG01"
    assert _location(imported_url, "3501263")["parent_id"] == "3501000"
    assert _location(imported_url, "3501000")["parent_id"] == "TJK"


@pytest.mark.parametrize(
    ("iso3", "codes", "expected"),
    [
        ("SYR", ["SY01", "SY14"], "SY"),
        ("BDI", ["BDI001", "BDI002"], "BDI"),
        ("IRQ", ["IQG01"], None),
        ("LSO", ["LSA", "LSB"], None),
        ("TJK", ["3501000"], None),
    ],
)
def test_admin0_pcode_is_read_off_the_admin1_pcodes_only_when_unambiguous(iso3, codes, expected):
    assert admin0_pcode(iso3, codes) == expected


def test_sub_districts_have_arabic_names_aliases_centroids_and_their_admin2(imported_url):
    atareb = _location(imported_url, "SY020001")
    assert (atareb["name"], atareb["name_ar"], atareb["parent_id"], atareb["kind"]) == (
        "Atareb",
        "مركز الأتارب",
        "SY0200",
        "admin3",
    )
    assert (atareb["latitude"], atareb["longitude"]) == (36.11942, 36.86152)
    assert {"Atarib", "Atareb Subdistrict", "ناحية مركز الأتارب"} <= set(atareb["aliases"])
    # OpenSyria's district ids are English names: they become aliases of the admin2.
    assert _location(imported_url, "SY0902")["name"] == "Abu Kamal"
    assert "Azaz" in _location(imported_url, "SY0204")["aliases"]


def test_neighbourhoods_match_the_seed_merge_repeated_features_and_keep_shared_ids_apart(imported_url, first_import):
    results = first_import
    basha = _location(imported_url, "bustan-al-basha")
    # Matched, not duplicated: the seed's more precise parent (eastern Aleppo) stays.
    assert (basha["parent_id"], basha["pcode"], basha["gazetteer_key"]) == (
        "eastern-aleppo",
        None,
        "53:Bustan al-Basha",
    )
    assert basha["latitude"] == pytest.approx(36.225, abs=0.01)
    maqsoud = _location(imported_url, "sheikh-maqsoud")
    assert (maqsoud["name"], maqsoud["parent_id"]) == ("Sheikh Maqsoud", "aleppo-city")
    assert maqsoud["aliases"] == ["ash-Sheikh Maqsoud"]
    assert rows(imported_url, "SELECT count(*) AS n FROM location WHERE name_ar = 'الشيخ مقصود'")[0]["n"] == 1
    tishreen = rows(imported_url, "SELECT id, parent_id, gazetteer_key FROM location WHERE name = 'Tishreen'")
    assert tishreen == [{"id": "tishreen", "parent_id": "aleppo-city", "gazetteer_key": "121:Tishreen"}]
    shared = rows(imported_url, "SELECT id FROM location WHERE gazetteer_key LIKE '120:%%' ORDER BY id")
    assert [r["id"] for r in shared] == ["ash-sheikh-taha", "the-public-park"]
    assert _location(imported_url, "al-besel")["name_ar"] is None
    notes = results[CSR_NEIGHBOURHOODS.id].notes
    assert {m["name"]: len(m["features"]) for m in notes["merged_features"]} == {"Muhammad Bek": 2, "Tishreen": 3}
    assert notes["ids_shared_by_several_names"] == [{"id": 120, "names": ["The Public Park", "ash-Sheikh Taha"]}]
    warnings = [p for p in results[CSR_NEIGHBOURHOODS.id].problems if p.outcome == "warning"]
    assert len(warnings) == 1 + 2 + 1  # Muhammad Bek, Tishreen twice, Id 120


def test_a_neighbourhood_centroid_is_that_of_all_its_polygons(imported_url):
    features = [
        f
        for f in json.loads(GAZETTEERS[CSR_NEIGHBOURHOODS.id].read_text("utf-8"))["features"]
        if f["properties"]["NAME"] == "Muhammad Bek"
    ]
    points = [p for f in features for polygon in f["geometry"]["coordinates"] for p in polygon[0]]
    bek = _location(imported_url, "muhammad-bek")
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    assert min(lats) < bek["latitude"] < max(lats) and min(lons) < bek["longitude"] < max(lons)


def test_import_records_name_file_checksum_version_and_counts(imported_url, first_import):
    results = first_import
    record = rows(
        imported_url,
        "SELECT * FROM dataset_import WHERE id = %(id)s",
        {"id": results[OPENSYRIA_SUBDISTRICTS.id].import_id},
    )[0]
    assert record["file_name"] == "opensyria_subdistricts_excerpt.json"
    assert record["sha256"] == results[OPENSYRIA_SUBDISTRICTS.id].sha256
    assert (record["version"], record["imported_by"], record["inserted"], record["updated"]) == (
        OPENSYRIA_SUBDISTRICTS.version,
        "test",
        57,
        1,
    )
    assert record["licence"] == "CC BY 4.0"


def test_running_it_again_changes_nothing(fresh_url):
    _import(fresh_url)
    before = fingerprint(fresh_url)
    results = _import(fresh_url)
    assert fingerprint(fresh_url) == before
    assert all((r.inserted, r.updated, r.committed) == (0, 0, False) for r in results.values())
    assert results[OCHA_PCODES.id].unchanged == 89


def test_dry_run_reports_and_writes_nothing(fresh_url):
    before = fingerprint(fresh_url)
    results = _import(fresh_url, dry_run=True)
    assert fingerprint(fresh_url) == before
    assert results[OCHA_PCODES.id].inserted == 86


def _with_nameless_rows(tmp_path):
    """The OCHA excerpt plus the real table's two Jamaican admin2 rows that have no name."""
    path = tmp_path / "ocha.csv"
    lines = GAZETTEERS[OCHA_PCODES.id].read_text("utf-8").splitlines()
    nameless = [
        "JAM,1,JM10,Kingston,JAM,2017-09-09",
        "JAM,2,JM10001,,JM10,2017-09-09",
        "JAM,2,JM10002,,JM10,2017-09-09",
    ]
    path.write_text("\n".join(lines[:40] + nameless + lines[40:]) + "\n", "utf-8")
    return GAZETTEERS | {OCHA_PCODES.id: path}


def test_an_invalid_row_aborts_everything_and_names_its_line(fresh_url, tmp_path):
    before = fingerprint(fresh_url)
    with pytest.raises(InvalidRows) as raised:
        _import(fresh_url, _with_nameless_rows(tmp_path))
    assert fingerprint(fresh_url) == before
    rejected = [
        (p.line, p.field, p.reason) for r in raised.value.results for p in r.problems if p.outcome == "rejected"
    ]
    assert rejected == [(42, "Name", "is empty"), (43, "Name", "is empty")]


def test_skip_invalid_imports_the_rest_and_reports_the_rows(fresh_url, tmp_path):
    from service.importers.core import write_report

    results = _import(fresh_url, _with_nameless_rows(tmp_path), skip_invalid=True)
    assert _location(fresh_url, "JM10")["parent_id"] == "JAM"
    assert _location(fresh_url, "JM10001") is None
    report = tmp_path / "report.csv"
    write_report(report, list(results.values()))
    with report.open(newline="", encoding="utf-8") as f:
        found = [r for r in csv.DictReader(f) if r["outcome"] == "rejected"]
    assert [(r["file"], r["line"], r["field"], r["value"], r["reason"]) for r in found] == [
        ("ocha.csv", "42", "Name", "", "is empty"),
        ("ocha.csv", "43", "Name", "", "is empty"),
    ]
