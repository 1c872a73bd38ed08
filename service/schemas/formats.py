"""The documented shape of the formats besides JSON (CSV, NDJSON, GeoJSON): OpenAPI media type objects, each
with an example from the seed, for the 200 responses of the lists that serve them (api/negotiation.offers)."""

from __future__ import annotations

from typing import Any

import orjson

from ..formats import CSV, FIGURE_WITHOUT_POINT, GEOJSON, LOCATION_WITHOUT_POINT, NDJSON

# A seed figure as the lists serve it (its timestamps aside), and the place its features' point comes from.
FIGURE_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "metric": "displaced",
    "count_kind": "period_total",
    "value": 2500,
    "low": None,
    "high": None,
    "qualifier": "approximately",
    "stated_words": "another 2,500",
    "population_group": "civilians",
    "location": {"id": "aleppo-city", "pcode": None, "name": "Aleppo", "name_ar": "حلب", "kind": "city"},
    "origin": {
        "id": "eastern-aleppo",
        "pcode": None,
        "name": "Eastern Aleppo (opposition-held, 2016)",
        "name_ar": "حلب الشرقية",
        "kind": "area",
    },
    "destination": {
        "id": "sheikh-maqsoud",
        "pcode": None,
        "name": "Sheikh Maqsoud",
        "name_ar": "الشيخ مقصود",
        "kind": "neighbourhood",
    },
    "period_start": "2016-11-27",
    "period_end": "2016-11-27",
    "stated_on": "2016-11-27",
    "source": {"id": "sohr", "name": "Syrian Observatory for Human Rights", "kind": "monitor"},
    "document": {
        "id": 1,
        "title": "'Aleppo is going to die': Syrian army advances into rebel-held parts of the city",
        "publisher": None,
        "url": None,
        "published_on": "2016-11-27",
    },
    "quote": "The Britain-based Observatory, which monitors the conflict through a network of local contacts, said "
    "around 1,700 civilians had escaped to government-controlled areas and another 2,500 to Kurdish authorities.",
    "status": "reported",
    "status_note": None,
    "disputes": [],
    "version": 1,
    "created_at": "2026-11-26T10:00:00+00:00",
    "updated_at": "2026-11-26T10:00:00+00:00",
    "dataset": None,
    "latitude": None,
    "longitude": None,
}
LOCATION_EXAMPLE: dict[str, Any] = {
    "id": "aleppo-city",
    "pcode": None,
    "name": "Aleppo",
    "name_ar": "حلب",
    "aliases": ["Aleppo city", "Halab"],
    "kind": "city",
    "admin_level": None,
    "parent": {
        "id": "SY020000",
        "pcode": "SY020000",
        "name": "Jebel Saman",
        "name_ar": "مركز جبل سمعان",
        "kind": "admin3",
    },
    "areas": [],
    "latitude": 36.2021,
    "longitude": 37.1343,
    "description": None,
    "created_at": "2026-11-26T10:00:00+00:00",
    "updated_at": "2026-11-26T10:00:00+00:00",
}
_ALEPPO = [LOCATION_EXAMPLE["longitude"], LOCATION_EXAMPLE["latitude"]]

_POINT = {
    "type": "object",
    "description": "A GeoJSON Point: coordinates are [longitude, latitude] (RFC 7946), in WGS 84.",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"const": "Point"},
        "coordinates": {
            "type": "array",
            "description": "[longitude, latitude]: longitude from -180 to 180, latitude from -90 to 90.",
            "items": {"type": "number", "minimum": -180, "maximum": 180},
            "minItems": 2,
            "maxItems": 2,
        },
    },
    "additionalProperties": False,
}


def _feature_collection(
    about: str, properties: str, feature_id: dict[str, Any], left_out: str, *, point_of: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The schema of a FeatureCollection whose features' properties are a schema's objects."""
    feature: dict[str, Any] = {
        "type": "object",
        "required": ["type", "id", "geometry", "properties", *(["point_of"] if point_of else [])],
        "properties": {
            "type": {"const": "Feature"},
            "id": feature_id,
            "geometry": _POINT,
            **({"point_of": point_of} if point_of else {}),
            "properties": {"$ref": f"#/components/schemas/{properties}"},
        },
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": about,
        "required": ["type", "features", "left_out", "next"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {"type": "array", "items": feature},
            "left_out": {
                "type": "object",
                "description": left_out,
                "required": ["count", "reason"],
                "properties": {"count": {"type": "integer", "minimum": 0}, "reason": {"type": "string"}},
                "additionalProperties": False,
            },
            "next": {
                "type": ["string", "null"],
                "description": "With `limit`: the URL of the next page (as in `Link`), null on the last page. "
                "Without: null, the collection holds every match.",
            },
        },
        "additionalProperties": False,
    }


FIGURE_CONTENT: dict[str, dict[str, Any]] = {
    CSV: {
        "schema": {
            "type": "string",
            "description": "RFC 4180 CSV, UTF-8: the JSON rows flattened, one column per field; with format=hxl "
            "the second row holds HXL hashtags.",
        },
        "example": "id,metric,count_kind,value,...\r\n#meta+id,#indicator+code,#meta+count_kind,"
        "#affected+killed+civilians,...\r\n4,civilians_killed,period_total,250,...\r\n",
    },
    NDJSON: {
        "schema": {
            "type": "string",
            "description": "Newline-delimited JSON, UTF-8: one figure per line, exactly as the JSON page has it "
            "(a Figure; with `fields`, only those fields), in the same order, each line ending in LF.",
        },
        "example": orjson.dumps(FIGURE_EXAMPLE).decode() + "\n",
    },
    GEOJSON: {
        "schema": _feature_collection(
            "An RFC 7946 FeatureCollection of the figures that have a point, in the list's order: each a Feature "
            "with the figure's id, a Point, and the figure (with `fields`, only those fields) as its properties.",
            "Figure",
            {"type": "integer", "description": "The figure's id."},
            f"How many figures matched but are not features, and why: {FIGURE_WITHOUT_POINT}",
            point_of={
                "enum": ["figure", "location"],
                "description": "Where the point comes from: the figure's own (latitude and longitude, which a "
                "dataset such as UCDP gives), else its location's centroid.",
            },
        ),
        "example": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": 3,
                    "geometry": {"type": "Point", "coordinates": _ALEPPO},
                    "point_of": "location",
                    "properties": FIGURE_EXAMPLE,
                }
            ],
            "left_out": {"count": 9, "reason": FIGURE_WITHOUT_POINT},
            "next": None,
        },
    },
}
LOCATION_CONTENT: dict[str, dict[str, Any]] = {
    GEOJSON: {
        "schema": _feature_collection(
            "An RFC 7946 FeatureCollection of the locations that have a centroid, in the list's order: each a "
            "Feature with the location's id, its centroid as a Point, and the location as its properties.",
            "Location",
            {"type": "string", "description": "The location's id."},
            f"How many locations matched but are not features, and why: {LOCATION_WITHOUT_POINT}",
        ),
        "example": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": "aleppo-city",
                    "geometry": {"type": "Point", "coordinates": _ALEPPO},
                    "properties": LOCATION_EXAMPLE,
                }
            ],
            "left_out": {"count": 11, "reason": LOCATION_WITHOUT_POINT},
            "next": None,
        },
    },
}
