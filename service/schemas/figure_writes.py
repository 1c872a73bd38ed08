"""Request bodies that create and change figures, and the history they leave."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from .. import figure
from .common import EXAMPLE_TIME, ResponseSchema, Text, row_id


def _ref(description: str, example: object, **kwargs: Any) -> Text:
    return Text(max_length=255, metadata={"description": description, "example": example}, **kwargs)


class _ConsistentFigure(Schema):
    """Bounds and periods in order, where the body gives both sides."""

    @validates_schema
    def _consistent(self, data: dict[str, Any], **kwargs: Any) -> None:
        value, low, high = data.get("value"), data.get("low"), data.get("high")
        if value is not None and low is not None and low > value:
            raise ValidationError("low must not be greater than value.", field_name="low")
        if value is not None and high is not None and high < value:
            raise ValidationError("high must not be less than value.", field_name="high")
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            raise ValidationError("period_end must not be before period_start.", field_name="period_end")


# The fields of a figure that clients write (service/figure.py declares which and how).
# mypy cannot follow a class built by type(): it sees the base class.
if TYPE_CHECKING:
    FigureFieldsSchema = _ConsistentFigure
else:
    FigureFieldsSchema = type(
        "FigureFieldsSchema",
        (_ConsistentFigure,),
        {
            "__doc__": "The fields of a figure that clients write.",
            **{declared.name: declared.body for declared in figure.BODY_FIELDS},
        },
    )


class FigureCreateSchema(FigureFieldsSchema):
    """A new figure. `reason` is kept in its history."""

    # Required here, optional in PATCH.
    REQUIRED = figure.REQUIRED_ON_CREATE

    reason = Text(
        max_length=2000,
        metadata={
            "description": "Why it is entered (kept in its history).",
            "example": "Entered from the article of 27 November 2016",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            if name in self.fields:
                self.fields[name].required = True


class MetricFigureCreateSchema(FigureCreateSchema):
    """A new figure posted to a metric's own collection: the metric is implied."""

    class Meta:
        exclude = ("metric",)


class FigurePatchSchema(FigureFieldsSchema):
    """Changes to a figure: only the fields given change. `reason` is required."""

    reason = Text(
        required=True,
        max_length=2000,
        metadata={"description": "Why it changes (kept in its history).", "example": "SOHR corrected the figure"},
    )

    @validates_schema
    def _changes_something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if set(data) == {"reason"}:
            raise ValidationError("Give at least one field to change.", field_name="_schema")


class RetractSchema(Schema):
    """Why a figure is retracted."""

    reason = Text(
        required=True,
        max_length=2000,
        metadata={
            "description": "Why the figure is retracted (kept as its status note and in its history).",
            "example": "The source withdrew the statement",
        },
    )


class DisputeCreateSchema(Schema):
    """A statement that contradicts a figure."""

    source = _ref("Id of the source that disputes the figure.", "afad", required=True)
    document = row_id(
        allow_none=True, metadata={"description": "Id of the document the dispute was published in.", "example": 1}
    )
    stated_on = fields.Date(required=True, metadata={"example": "2016-11-27"})
    quote = Text(allow_none=True, metadata={"description": "The disputing statement, verbatim."})
    note = Text(
        required=True,
        max_length=2000,
        metadata={"description": "What is disputed and why.", "example": "Found no trace of chemical warfare."},
    )


class RevisionSchema(ResponseSchema):
    """One version of a figure."""

    version = fields.Integer(metadata={"example": 1})
    kind = fields.String(metadata={"enum": ["create", "update", "dispute", "retract"], "example": "create"})
    changed_by = fields.String(
        metadata={"description": "Name of the API key (or 'seed', or an importer).", "example": "seed"}
    )
    changed_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})
    reason = fields.String(allow_none=True, metadata={"example": "seed aleppo-2016-11-27.json"})
    state = fields.Dict(
        metadata={
            "description": "The figure's stored fields as of this version, by column.",
            "example": {
                "id": 4,
                "low": None,
                "high": None,
                "quote": "More than 250 civilians have been killed in the government's bombardment of eastern Aleppo "
                "over past 13 days, according to the Observatory.",
                "value": 250,
                "status": "reported",
                "version": 1,
                "latitude": None,
                "import_id": None,
                "longitude": None,
                "metric_id": "civilians_killed",
                "origin_id": None,
                "qualifier": "more_than",
                "source_id": "sohr",
                "stated_on": "2016-11-27",
                "count_kind": "period_total",
                "created_at": EXAMPLE_TIME,
                "dataset_id": None,
                "period_end": "2016-11-27",
                "updated_at": EXAMPLE_TIME,
                "document_id": 1,
                "external_id": None,
                "location_id": "eastern-aleppo",
                "status_note": None,
                "period_start": "2016-11-15",
                "stated_words": "More than 250",
                "destination_id": None,
                "population_group": "civilians",
                "dataset_attributes": None,
            },
        }
    )


class RevisionListSchema(ResponseSchema):
    """Every version of a figure, oldest first."""

    data = fields.List(fields.Nested(RevisionSchema), required=True)
