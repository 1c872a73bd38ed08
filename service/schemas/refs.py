"""What a figure refers to, as it is inlined in the figure: places, sources, documents, disputes."""

from __future__ import annotations

from marshmallow import fields

from ..vocabulary import LOCATION_KINDS, SOURCE_KINDS
from .common import ResponseSchema


class LocationRefSchema(ResponseSchema):
    """A location, as referenced from a figure."""

    id = fields.String(metadata={"example": "eastern-aleppo"})
    pcode = fields.String(
        allow_none=True, metadata={"description": "OCHA p-code, when the place has one.", "example": None}
    )
    name = fields.String(metadata={"example": "Eastern Aleppo (opposition-held, 2016)"})
    name_ar = fields.String(allow_none=True, metadata={"example": "حلب الشرقية"})
    kind = fields.String(metadata={"enum": list(LOCATION_KINDS), "example": "area"})


class SourceRefSchema(ResponseSchema):
    """Who stated a figure."""

    id = fields.String(metadata={"example": "sohr"})
    name = fields.String(metadata={"example": "Syrian Observatory for Human Rights"})
    kind = fields.String(metadata={"enum": list(SOURCE_KINDS), "example": "monitor"})


class DocumentRefSchema(ResponseSchema):
    """Where a figure was published."""

    id = fields.Integer(metadata={"example": 1})
    title = fields.String(
        metadata={"example": "'Aleppo is going to die': Syrian army advances into rebel-held parts of the city"}
    )
    publisher = fields.Nested(
        SourceRefSchema,
        allow_none=True,
        metadata={"description": "Null when the document does not say.", "example": None},
    )
    url = fields.String(
        allow_none=True, metadata={"description": "Null when unknown; never invented.", "example": None}
    )
    published_on = fields.Date(allow_none=True, metadata={"example": "2016-11-27"})


class DisputeSchema(ResponseSchema):
    """A statement that contradicts a figure."""

    id = fields.Integer(metadata={"example": 1})
    source = fields.Nested(
        SourceRefSchema,
        metadata={
            "example": {"id": "afad", "name": "Turkey's emergency relief directorate (AFAD)", "kind": "government"}
        },
    )
    document_id = fields.Integer(allow_none=True, metadata={"example": 1})
    stated_on = fields.Date(metadata={"example": "2016-11-27"})
    quote = fields.String(
        allow_none=True,
        metadata={
            "example": "Later Sunday, Turkey's emergency relief directorate, which investigated the claim, said it "
            "found no trace of chemical warfare."
        },
    )
    note = fields.String(
        metadata={"example": "Investigated the claimed chemical attack and found no trace of chemical warfare."}
    )
