"""Request bodies that create and change sources, documents and locations."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..vocabulary import LOCATION_KINDS, SOURCE_KINDS
from .common import Text, one_of

_SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,62}$", error="Use lower-case letters, digits and '-' (at most 63).")
_LOCATION_ID = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$", error="Use letters, digits and '-' (at most 63).")
_URL = validate.URL(schemes={"http", "https"}, error="Must be an http(s) URL.")


class SourceWriteSchema(Schema):
    """A source's fields; PATCH changes only those given."""

    name = Text(max_length=300, metadata={"example": "Syrian Observatory for Human Rights"})
    kind = fields.String(validate=one_of(SOURCE_KINDS), metadata={"example": "monitor"})
    url = fields.String(allow_none=True, validate=_URL, metadata={"example": None})
    description = Text(allow_none=True)


class SourceCreateSchema(SourceWriteSchema):
    """A new source."""

    id = fields.String(required=True, validate=_SLUG, metadata={"description": "Stable slug.", "example": "sohr"})
    name = Text(required=True, max_length=300, metadata={"example": "Syrian Observatory for Human Rights"})
    kind = fields.String(required=True, validate=one_of(SOURCE_KINDS), metadata={"example": "monitor"})


class SourceAliasSchema(Schema):
    """A spelling that names a source."""

    alias = Text(
        required=True,
        max_length=300,
        metadata={
            "description": "The spelling as a dataset writes it. Its key (accents, case and punctuation dropped, "
            "http(s)://, www. and a trailing .com or / dropped) may name one source only.",
            "example": "Syria LiveuMap",
        },
    )


class DocumentWriteSchema(Schema):
    """A document's fields; PATCH changes only those given."""

    title = Text(max_length=1000, metadata={"example": "Aleppo: situation report"})
    publisher = Text(
        max_length=255, allow_none=True, metadata={"description": "Source id of the publisher.", "example": "un"}
    )
    url = fields.String(
        allow_none=True, validate=_URL, metadata={"description": "Null when unknown; never invent one."}
    )
    published_on = fields.Date(allow_none=True, metadata={"example": "2016-11-27"})
    retrieved_on = fields.Date(allow_none=True, metadata={"example": "2016-11-28"})
    language = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="Use a BCP 47 language tag such as en or ar."
        ),
        metadata={"example": "en"},
    )

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        published, retrieved = data.get("published_on"), data.get("retrieved_on")
        if published and retrieved and retrieved < published:
            raise ValidationError("retrieved_on must not be before published_on.", field_name="retrieved_on")


class DocumentCreateSchema(DocumentWriteSchema):
    """A new document."""

    title = Text(required=True, max_length=1000, metadata={"example": "Aleppo: situation report"})


class LocationWriteSchema(Schema):
    """A location's fields; PATCH changes only those given."""

    pcode = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^[A-Z]{2,3}[0-9]*$", error="A p-code is 2-3 capital letters and digits, e.g. SY0200."
        ),
        metadata={"example": "SY0200"},
    )
    name = Text(max_length=300, metadata={"example": "Jebel Saman"})
    name_ar = Text(max_length=300, allow_none=True, metadata={"example": "جبل سمعان"})
    aliases = fields.List(Text(max_length=300), metadata={"example": ["Mount Simeon"]})
    kind = fields.String(validate=one_of(LOCATION_KINDS), metadata={"example": "admin2"})
    parent = Text(
        max_length=255, allow_none=True, metadata={"description": "Parent location id or p-code.", "example": "SY02"}
    )
    areas = fields.List(
        Text(max_length=255),
        metadata={
            "description": "Ids or p-codes of the areas (not administrative units) the place also lies in, "
            "besides its parent; PATCH replaces the whole list.",
            "example": ["western-aleppo-countryside"],
        },
    )
    latitude = fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180))
    description = Text(allow_none=True)


class LocationCreateSchema(LocationWriteSchema):
    """A new location."""

    id = fields.String(required=True, validate=_LOCATION_ID, metadata={"example": "eastern-ghouta"})
    name = Text(required=True, max_length=300, metadata={"example": "Eastern Ghouta"})
    kind = fields.String(required=True, validate=one_of(LOCATION_KINDS), metadata={"example": "area"})
