"""Sources, documents, locations and metrics."""

from __future__ import annotations

from marshmallow import fields, validate

from ..formats import LOCATION_FORMATS, describe, media_types
from ..vocabulary import LOCATION_KINDS, SOURCE_KINDS
from .common import (
    DEFAULT_PAGE_SIZE,
    EXAMPLE_TIME,
    PageQuerySchema,
    PageSchema,
    QuerySchema,
    ResponseSchema,
    csv_list,
    next_page,
    one_of,
)
from .refs import DocumentRefSchema, LocationRefSchema


class SourceQuerySchema(PageQuerySchema):
    """Filters of /v1/sources."""

    kind = csv_list(SOURCE_KINDS, description="Source kinds, comma-separated.", example=["monitor", "un_agency"])


class SourceSchema(ResponseSchema):
    """Who states figures."""

    id = fields.String(metadata={"description": "Stable slug.", "example": "sohr"})
    name = fields.String(metadata={"example": "Syrian Observatory for Human Rights"})
    kind = fields.String(metadata={"enum": list(SOURCE_KINDS), "example": "monitor"})
    url = fields.String(allow_none=True, metadata={"example": None})
    description = fields.String(
        allow_none=True,
        metadata={"example": "Britain-based monitor that follows the conflict through a network of local contacts."},
    )
    aliases = fields.List(
        fields.String(),
        metadata={
            "description": "Spellings that name this source when a dataset writes them (UCDP's source_office), "
            "alphabetically. Imports look a spelling up by its key: accents, case and punctuation dropped, "
            "http(s)://, www. and a trailing .com or / dropped. See POST /v1/sources/{source_id}/aliases.",
            "example": [
                "http://www.syriahr.com/en/?p=64904",
                "OHR",
                "SHR",
                "SOH",
                "SOHR",
                "Syrian Observatory for Human Rights",
            ],
        },
    )
    created_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})
    updated_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})


class SourcePageSchema(PageSchema):
    """A page of sources."""

    next = next_page("/v1/sources", "sohr")
    data = fields.List(fields.Nested(SourceSchema), required=True)


class DocumentQuerySchema(PageQuerySchema):
    """Filters of /v1/documents."""

    publisher = csv_list(description="Publisher source ids, comma-separated.", example=["sohr"])


class DocumentSchema(DocumentRefSchema):
    """Where a statement was published."""

    retrieved_on = fields.Date(allow_none=True)
    language = fields.String(allow_none=True, metadata={"example": "en"})
    created_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})
    updated_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})


class DocumentPageSchema(PageSchema):
    """A page of documents."""

    next = next_page("/v1/documents", 1)
    data = fields.List(fields.Nested(DocumentSchema), required=True)


class LocationQuerySchema(PageQuerySchema):
    """Filters of /v1/locations."""

    kind = csv_list(LOCATION_KINDS, description="Location kinds, comma-separated.", example=["admin1", "admin2"])
    parent = fields.String(metadata={"description": "Only direct children of this location id.", "example": "SY02"})
    q = fields.String(
        validate=validate.Length(min=2, max=200),
        metadata={
            "description": "Case-insensitive search in every name a place goes by: its name, Arabic name, aliases, "
            "id and p-code. `aleppo` finds the governorate, its district and sub-district, the city and the places "
            "named after it; `Russia` the Russian Federation, by its alias.",
            "example": "aleppo",
        },
    )
    limit = fields.Integer(
        validate=validate.Range(min=1, max=500, error="Must be between 1 and 500."),
        metadata={
            "description": f"Rows per page: {DEFAULT_PAGE_SIZE} by default in JSON, at most 500. GeoJSON without "
            "`limit` holds every matching location (after `cursor`, if given), streamed; with `limit`, the JSON "
            "page's locations, with the Link to the next page.",
            "example": 50,
        },
    )
    format = fields.String(
        validate=one_of(LOCATION_FORMATS),
        metadata={
            "description": f"{describe(LOCATION_FORMATS)} Without `format`, the Accept header chooses "
            f"({', '.join(media_types(LOCATION_FORMATS))}; JSON when it leaves the choice open); with it, Accept "
            "is not consulted.",
            "example": "geojson",
        },
    )


# The example place (SY02, Aleppo governorate) lies in Syria.
_SYRIA = {"id": "SY", "pcode": "SY", "name": "Syria", "name_ar": "سوريا", "kind": "country"}


class LocationSchema(ResponseSchema):
    """A place: an administrative unit with a p-code, or an area that is not one."""

    id = fields.String(metadata={"example": "SY02"})
    pcode = fields.String(allow_none=True, metadata={"example": "SY02"})
    name = fields.String(metadata={"example": "Aleppo"})
    name_ar = fields.String(allow_none=True, metadata={"example": "حلب"})
    aliases = fields.List(fields.String(), metadata={"example": ["Aleppo governorate", "Halab"]})
    kind = fields.String(metadata={"enum": list(LOCATION_KINDS), "example": "admin1"})
    admin_level = fields.Integer(
        allow_none=True, metadata={"description": "0 for countries, 1-4 for admin units, null otherwise.", "example": 1}
    )
    parent = fields.Nested(LocationRefSchema, allow_none=True, metadata={"example": _SYRIA})
    areas = fields.List(
        fields.Nested(LocationRefSchema),
        metadata={
            "description": "Areas (not administrative units) the place also lies in; filters and totals for "
            "an area include it.",
            "example": [],
        },
    )
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    description = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})
    updated_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})


class LocationDetailSchema(LocationSchema):
    """A place with its chain of parents and its children."""

    ancestors = fields.List(
        fields.Nested(LocationRefSchema), metadata={"description": "Parents, nearest first.", "example": [_SYRIA]}
    )
    children = fields.List(
        fields.Nested(LocationRefSchema),
        metadata={
            "example": [
                {"id": "SY0200", "pcode": "SY0200", "name": "Jebel Saman", "name_ar": "جبل سمعان", "kind": "admin2"},
                {
                    "id": "western-aleppo-countryside",
                    "pcode": None,
                    "name": "Western Aleppo countryside",
                    "name_ar": None,
                    "kind": "area",
                },
            ]
        },
    )


class LocationPageSchema(PageSchema):
    """A page of locations."""

    next = next_page("/v1/locations", "SY02")
    data = fields.List(fields.Nested(LocationSchema), required=True)


class MetricSchema(ResponseSchema):
    """What Tally counts."""

    id = fields.String(metadata={"example": "civilians_killed"})
    label = fields.String(metadata={"example": "Civilians killed"})
    definition = fields.String(metadata={"example": "Non-combatants killed as a result of conflict violence."})
    unit = fields.String(metadata={"example": "people"})
    hxl_hashtag = fields.String(metadata={"example": "#affected+killed+civilians"})
    is_flow = fields.Boolean(
        metadata={"description": "Flows (displacement) have an origin and a destination.", "example": False}
    )
    collection = fields.String(
        allow_none=True,
        metadata={
            "description": "Path of the metric's own collection, if it has one.",
            "example": "/v1/civilians-killed",
        },
    )


class MetricListSchema(ResponseSchema):
    """The metric catalogue."""

    data = fields.List(fields.Nested(MetricSchema), required=True)


class NoQuerySchema(QuerySchema):
    """This endpoint takes no query parameters."""
