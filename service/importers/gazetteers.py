"""Reading the three gazetteers: OCHA p-codes, OpenSyria sub-districts, the Aleppo neighbourhoods."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..countries import country_names
from .core import DataFile, Dataset, ImportFailed, Problem, Record, RowError, csv_records
from .datasets import CSR_NEIGHBOURHOODS, OCHA_PCODES, OPENSYRIA_SUBDISTRICTS
from .geometry import centroid

PCODE = re.compile(r"^[A-Z0-9]{2,20}$")
ISO3 = re.compile(r"^[A-Z]{3}$")
OCHA_COLUMNS = ("Location", "Admin Level", "P-Code", "Name", "Parent P-Code", "Valid from date")
# Where the Aleppo neighbourhoods hang in the hierarchy (a seed location).
ALEPPO_CITY = "aleppo-city"


@dataclass
class Entry:
    """A place as a gazetteer gives it, before it is matched with Tally's locations."""

    gazetteer: Dataset
    line: int
    key: str  # its id in the gazetteer
    version: str
    kind: str
    new_id: str  # the location id it gets if Tally does not have it yet
    name: str | None  # None: the gazetteer does not name it (OCHA's countries)
    parent: tuple[str, str] | None = None  # ("pcode" | "iso3" | "id", code)
    name_ar: str | None = None
    aliases: tuple[str, ...] = ()
    pcode: str | None = None
    iso3: str | None = None
    point: tuple[float, float] | None = None  # latitude, longitude
    file: str = ""


@dataclass
class Gazetteers:
    """Every entry of the files read, with the problems found and notes for the report."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # p-code -> aliases that another gazetteer gives a unit (OpenSyria's governorate and district ids).
    extra_aliases: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    notes: dict[str, Any] = field(default_factory=dict)


def _reject(found: Gazetteers, data: DataFile, line: int, field_name: str, value: str, reason: str) -> None:
    found.problems.append(Problem(line, field_name, value, reason, "rejected", data.name))


def _ocha_row_problem(record: Record, admin1: set[str]) -> tuple[str, str, str] | None:
    """What is wrong with one OCHA row, if anything."""
    if None in record or None in record.values():
        return "P-Code", record.get("P-Code") or "", "wrong number of fields"
    checks = (
        ("Location", ISO3.match(record["Location"]), "must be an ISO 3166 alpha-3 code"),
        ("Admin Level", record["Admin Level"] in ("1", "2"), "must be 1 or 2"),
        ("P-Code", PCODE.match(record["P-Code"]), "must be 2-20 capital letters and digits"),
        ("Name", record["Name"].strip(), "is empty"),
    )
    for name, ok, reason in checks:
        if not ok:
            return name, record[name], reason
    parent = record["Parent P-Code"]
    if record["Admin Level"] == "1" and parent != record["Location"]:
        return "Parent P-Code", parent, "an admin1 row's parent must be its country's ISO3 code"
    if record["Admin Level"] == "2" and parent not in admin1:
        return "Parent P-Code", parent, "no valid admin1 row has this p-code"
    try:
        dt.date.fromisoformat(record["Valid from date"])
    except ValueError:
        return "Valid from date", record["Valid from date"], "must be a date as YYYY-MM-DD"
    return None


def read_ocha(data: DataFile, found: Gazetteers) -> None:
    """Admin 1 and 2 units of every country in the OCHA table, and the countries above them."""
    records = csv_records(data, OCHA_COLUMNS)
    found.rows_read[OCHA_PCODES.id] += len(records)
    # Admin1 rows first, so admin2 rows can be checked against the valid ones.
    records.sort(key=lambda item: (item[1].get("Admin Level") != "1", item[0]))
    admin1: set[str] = set()
    seen: set[str] = set()
    countries: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for line, record in records:
        problem = _ocha_row_problem(record, admin1)
        if problem is None and record["P-Code"] in seen:
            problem = ("P-Code", record["P-Code"], "p-code given twice")
        if problem:
            _reject(found, data, line, *problem)
            continue
        pcode, level = record["P-Code"], record["Admin Level"]
        seen.add(pcode)
        if level == "1":
            admin1.add(pcode)
            countries[record["Location"]].append((line, record["Valid from date"], pcode))
        parent = ("iso3", record["Location"]) if level == "1" else ("pcode", record["Parent P-Code"])
        found.entries.append(
            Entry(
                OCHA_PCODES,
                line,
                pcode,
                record["Valid from date"],
                f"admin{level}",
                pcode,
                record["Name"].strip(),
                parent,
                pcode=pcode,
                file=data.name,
            )
        )
    found.entries[:0] = [_ocha_country(iso3, rows, data.name) for iso3, rows in sorted(countries.items())]


def admin0_pcode(iso3: str, admin1_pcodes: list[str]) -> str | None:
    """OCHA's admin0 p-code, read off the admin1 p-codes: their common letter prefix.

    Most countries prefix admin1 codes with ISO alpha-2 (SY01) or alpha-3 (BDI001);
    where the prefixes differ or are something else (Iraq's IQG, Lesotho's LSA..LSK,
    Tajikistan's digits) no admin0 code is claimed.
    """
    prefixes = {_capitals(pcode) for pcode in admin1_pcodes}
    if len(prefixes) != 1:
        return None
    prefix = prefixes.pop()
    return prefix if len(prefix) == 2 or prefix == iso3 else None


def _capitals(pcode: str) -> str:
    """The capital letters a p-code starts with (maybe none)."""
    match = re.match(r"^[A-Z]*", pcode)
    assert match is not None  # the pattern matches every string, if only with the empty prefix
    return match.group()


def _ocha_country(iso3: str, rows: list[tuple[int, str, str]], file: str) -> Entry:
    """A country as OCHA's table implies it: a code and its admin0 p-code, named by ISO 3166 (OCHA names none)."""
    version = max(valid_from for _, valid_from, _ in rows)
    name, other_names = country_names(iso3)
    return Entry(
        OCHA_PCODES,
        min(line for line, _, _ in rows),
        iso3,
        version,
        "country",
        iso3,
        name,
        pcode=admin0_pcode(iso3, [pcode for _, _, pcode in rows]),
        iso3=iso3,
        aliases=(iso3, *other_names),
        file=file,
    )


def _deslug(slug: str) -> str:
    """An OpenSyria id part as a name: mount-simeon -> Mount Simeon, al-nabk -> al Nabk."""
    return " ".join(
        word if word in ("al", "as", "ar", "ash", "ad", "az", "at", "an") else word.capitalize()
        for word in slug.split("-")
    )


def _opensyria_entry(index: int, item: dict[str, Any], version: str, file: str) -> Entry:
    """One sub-district; RowError says what is wrong with it."""
    pcode = str((item.get("externalIds") or {}).get("ochaPcode") or "")
    names = item.get("name") or {}
    centre = item.get("centroid") or {}
    if not PCODE.match(pcode) or len(pcode) < 8:
        raise RowError("externalIds.ochaPcode", pcode, "must be an admin3 p-code")
    if not str(names.get("en") or "").strip():
        raise RowError("name.en", "", "is empty")
    lat, lon = centre.get("latitude"), centre.get("longitude")
    if not (
        isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and -90 <= lat <= 90 and -180 <= lon <= 180
    ):
        raise RowError("centroid", f"{lat},{lon}", "must be latitude and longitude in degrees")
    name, name_ar = names["en"].strip(), (names.get("ar") or "").strip() or None
    aliases = tuple(
        dict.fromkeys(
            a["value"].strip()
            for a in item.get("aliases") or []
            if isinstance(a, dict) and str(a.get("value") or "").strip() and a["value"].strip() not in (name, name_ar)
        )
    )
    return Entry(
        OPENSYRIA_SUBDISTRICTS,
        index,
        str(item.get("id") or pcode),
        version,
        "admin3",
        pcode,
        name,
        ("pcode", pcode[:6]),
        name_ar=name_ar,
        aliases=aliases,
        pcode=pcode,
        point=(lat, lon),
        file=file,
    )


def read_opensyria(data: DataFile, found: Gazetteers, version: str) -> None:
    """Syrian sub-districts with Arabic names, aliases and centroids; parent: the admin2 of the p-code."""
    items = _json(data)
    if not isinstance(items, list):
        raise ImportFailed(f"{data.name}: expected a JSON list of sub-districts")
    found.rows_read[OPENSYRIA_SUBDISTRICTS.id] += len(items)
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        try:
            entry = _opensyria_entry(index, item if isinstance(item, dict) else {}, version, data.name)
            pcode = entry.pcode
            assert pcode is not None  # every OpenSyria entry has its p-code
            if pcode in seen:
                raise RowError("externalIds.ochaPcode", pcode, "p-code given twice")
        except RowError as error:
            _reject(found, data, index, *error.problem)
            continue
        seen.add(pcode)
        found.entries.append(entry)
        _district_aliases(item, pcode, found)


def _district_aliases(item: dict[str, Any], pcode: str, found: Gazetteers) -> None:
    """OpenSyria's governorate and district ids are English names (sy-rif-dimashq): aliases for admin1/2."""
    governorate, district = str(item.get("governorateId") or ""), str(item.get("districtId") or "")
    if governorate.startswith("sy-"):
        alias = _deslug(governorate.removeprefix("sy-"))
        if alias not in found.extra_aliases[pcode[:4]]:
            found.extra_aliases[pcode[:4]].append(alias)
    if governorate and district.startswith(governorate + "-"):
        alias = _deslug(district.removeprefix(governorate + "-"))
        if alias not in found.extra_aliases[pcode[:6]]:
            found.extra_aliases[pcode[:6]].append(alias)


def slug(name: str) -> str:
    """A location id from a name: ASCII, lower case, hyphens (Bustan al-Basha -> bustan-al-basha)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’‘`]", "", ascii_name.lower())).strip("-")[:63].rstrip("-")


def read_neighbourhoods(data: DataFile, found: Gazetteers, version: str) -> None:
    """Aleppo neighbourhoods: one place per (Id, NAME); features sharing both are parts of one place."""
    collection = _json(data)
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise ImportFailed(f"{data.name}: expected a GeoJSON FeatureCollection")
    found.rows_read[CSR_NEIGHBOURHOODS.id] += len(features)
    # (Id, NAME) -> (feature number, feature) of every feature with them.
    groups: dict[tuple[object, str], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for index, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        name = str(properties.get("NAME") or "").strip()
        if not name or not slug(name):
            _reject(found, data, index, "NAME", name, "is empty")
            continue
        groups[(properties.get("Id"), name)].append((index, feature))
    for (source_id, name), parts in groups.items():
        _neighbourhood(found, data, version, source_id, name, parts)
    _report_duplicates(found, data, groups)


def _polygons(feature: dict[str, Any]) -> list[Any]:
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "MultiPolygon":
        return geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        return [geometry.get("coordinates") or []]
    return []


def _neighbourhood(
    found: Gazetteers,
    data: DataFile,
    version: str,
    source_id: object,
    name: str,
    parts: list[tuple[int, dict[str, Any]]],
) -> None:
    """One neighbourhood from its features: the centroid of all their polygons together."""
    line = parts[0][0]
    try:
        point = centroid([polygon for _, feature in parts for polygon in _polygons(feature)])
    except (TypeError, ValueError):
        point = None
    if point is None:
        _reject(found, data, line, "geometry", name, "no polygon with an area")
        return
    name_ar = next(
        (
            str(f["properties"].get("NAME_A") or "").strip()
            for _, f in parts
            if str(f["properties"].get("NAME_A") or "").strip()
        ),
        None,
    )
    found.entries.append(
        Entry(
            CSR_NEIGHBOURHOODS,
            line,
            f"{source_id}:{name}",
            version,
            "neighbourhood",
            slug(name),
            name,
            ("id", ALEPPO_CITY),
            name_ar=name_ar,
            point=(round(point[1], 6), round(point[0], 6)),
            file=data.name,
        )
    )


def _report_duplicates(
    found: Gazetteers, data: DataFile, groups: dict[tuple[object, str], list[tuple[int, dict[str, Any]]]]
) -> None:
    """Features merged into one place, and ids the source gives to several places."""
    merged: list[dict[str, Any]] = [
        {"id": key[0], "name": key[1], "features": [line for line, _ in parts]}
        for key, parts in groups.items()
        if len(parts) > 1
    ]
    names_by_id: dict[object, list[str]] = defaultdict(list)
    for source_id, name in groups:
        names_by_id[source_id].append(name)
    shared: list[dict[str, Any]] = [
        {"id": source_id, "names": names} for source_id, names in names_by_id.items() if len(names) > 1
    ]
    found.notes["neighbourhoods"] = {"merged_features": merged, "ids_shared_by_several_names": shared}
    for item in merged:
        for line in item["features"][1:]:
            found.problems.append(
                Problem(
                    line,
                    "Id",
                    f"{item['id']}:{item['name']}",
                    f"same Id and NAME as feature {item['features'][0]}: merged into one neighbourhood",
                    "warning",
                    data.name,
                )
            )
    for item in shared:
        found.problems.append(
            Problem(
                groups[(item["id"], item["names"][0])][0][0],
                "Id",
                str(item["id"]),
                f"one Id for several names ({', '.join(item['names'])}): kept as separate neighbourhoods",
                "warning",
                data.name,
            )
        )


def _json(data: DataFile) -> object:
    try:
        return orjson.loads(data.text)
    except orjson.JSONDecodeError as error:
        raise ImportFailed(f"{data.name} is not valid JSON: {error}") from None
