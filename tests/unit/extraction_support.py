"""A small made-up gazetteer and source book for the extraction tests (no database)."""

from __future__ import annotations

from service.extraction.places import Gazetteer
from service.extraction.sources import SourceBook

LOCATIONS = [
    {"id": "XY", "name": "Freedonia", "name_ar": "فريدونيا", "kind": "country", "parent_id": None, "aliases": []},
    {
        "id": "XY01",
        "name": "Harrow Province",
        "name_ar": None,
        "kind": "admin1",
        "parent_id": "XY",
        "aliases": ["Harrow"],
    },
    {"id": "harrow-city", "name": "Harrow", "name_ar": "هارو", "kind": "city", "parent_id": "XY01", "aliases": []},
    {
        "id": "east-harrow",
        "name": "East Harrow (besieged)",
        "name_ar": None,
        "kind": "area",
        "parent_id": "harrow-city",
        "aliases": ["eastern Harrow"],
    },
    {
        "id": "millbrook",
        "name": "Millbrook",
        "name_ar": None,
        "kind": "neighbourhood",
        "parent_id": "harrow-city",
        "aliases": [],
    },
    {"id": "kessel", "name": "Kessel", "name_ar": None, "kind": "village", "parent_id": "XY01", "aliases": []},
    {"id": "ZZ", "name": "Otherland", "name_ar": None, "kind": "country", "parent_id": None, "aliases": []},
    {"id": "ZZ-kessel", "name": "Kessel", "name_ar": None, "kind": "city", "parent_id": "ZZ", "aliases": []},
    {"id": "ZZ-east", "name": "Eastern", "name_ar": None, "kind": "admin1", "parent_id": "ZZ", "aliases": []},
    {"id": "brill", "name": "Brill", "name_ar": None, "kind": "village", "parent_id": "XY01", "aliases": []},
    {"id": "WW", "name": "Westria", "name_ar": None, "kind": "country", "parent_id": None, "aliases": []},
    {"id": "WW-brill", "name": "Brill", "name_ar": None, "kind": "city", "parent_id": "WW", "aliases": []},
]
SOURCES = [
    {"id": "fmn", "name": "Freedonia Monitoring Network", "aliases": ["FMN"]},
    {"id": "unicef", "name": "UNICEF (United Nations Children's Fund)", "aliases": []},
    {"id": "health-ministry", "name": "Ministry of Health of Freedonia", "aliases": ["the health ministry"]},
]


def gazetteer() -> Gazetteer:
    """The made-up places."""
    return Gazetteer(LOCATIONS)


def source_book() -> SourceBook:
    """The made-up sources."""
    return SourceBook(SOURCES)
