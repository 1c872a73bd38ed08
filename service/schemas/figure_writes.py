"""Request bodies that create and change figures, and the history they leave."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from .common import Text, count, one_of
from .figures import COUNT_KINDS, METRICS, QUALIFIERS

# Statuses a client may set directly; disputes and retraction have their own endpoints.
SETTABLE_STATUSES = ("reported", "verified")


def _ref(description: str, example, **kwargs) -> fields.Field:
    return Text(max_length=255, metadata={"description": description, "example": example}, **kwargs)


class FigureFieldsSchema(Schema):
    """The fields of a figure that clients write."""

    metric = fields.String(validate=one_of(METRICS), metadata={"example": "civilians_killed"})
    count_kind = fields.String(validate=one_of(COUNT_KINDS), metadata={
        "description": "event, period_total or stock: decides what may be added up.", "example": "period_total"})
    value = count(metadata={"description": "The number as stated (best value).", "example": 250})
    low = count(allow_none=True, metadata={"description": "Lower bound, when stated or implied.", "example": None})
    high = count(allow_none=True, metadata={"description": "Upper bound, when stated or implied.", "example": None})
    qualifier = fields.String(validate=one_of(QUALIFIERS), metadata={"example": "more_than"})
    stated_words = Text(max_length=500, allow_none=True, metadata={"example": "More than 250"})
    population_group = Text(max_length=200, allow_none=True, metadata={"example": "civilians"})
    location = _ref("Location id or p-code.", "eastern-aleppo")
    origin = _ref("Displacement origin: location id or p-code; null if unknown.", None, allow_none=True)
    destination = _ref("Displacement destination: location id or p-code; null if unknown.", None, allow_none=True)
    period_start = fields.Date(metadata={"example": "2016-11-15"})
    period_end = fields.Date(metadata={"example": "2016-11-27"})
    stated_on = fields.Date(metadata={"description": "When the source stated it.", "example": "2016-11-27"})
    source = _ref("Id of the source that stated the figure.", "sohr")
    document = fields.Integer(strict=True, validate=lambda v: v > 0,
                              metadata={"description": "Id of the document it was published in.", "example": 1})
    quote = Text(allow_none=True, metadata={"description": "The verbatim sentence."})
    status = fields.String(validate=one_of(SETTABLE_STATUSES), metadata={
        "description": "reported or verified (disputes and retractions have their own endpoints).", "example": "reported"})
    status_note = Text(max_length=2000, allow_none=True)

    @validates_schema
    def _consistent(self, data: dict, **kwargs) -> None:
        """Bounds and periods in order, where the body gives both sides."""
        value, low, high = data.get("value"), data.get("low"), data.get("high")
        if value is not None and low is not None and low > value:
            raise ValidationError("low must not be greater than value.", field_name="low")
        if value is not None and high is not None and high < value:
            raise ValidationError("high must not be less than value.", field_name="high")
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            raise ValidationError("period_end must not be before period_start.", field_name="period_end")


class FigureCreateSchema(FigureFieldsSchema):
    """A new figure. `reason` is kept in its history."""

    # Required here, optional in PATCH.
    REQUIRED = ("metric", "count_kind", "value", "location", "period_start", "period_end",
                "stated_on", "source", "document")

    reason = Text(max_length=2000, metadata={"description": "Why it is entered (kept in its history).",
                                              "example": "Entered from the article of 27 November 2016"})

    def __init__(self, *args, **kwargs):
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

    reason = Text(required=True, max_length=2000, metadata={
        "description": "Why it changes (kept in its history).", "example": "SOHR corrected the figure"})

    @validates_schema
    def _changes_something(self, data: dict, **kwargs) -> None:
        if set(data) == {"reason"}:
            raise ValidationError("Give at least one field to change.", field_name="_schema")


class RetractSchema(Schema):
    """Why a figure is retracted."""

    reason = Text(required=True, max_length=2000, metadata={
        "description": "Why the figure is retracted (kept as its status note and in its history).",
        "example": "The source withdrew the statement"})


class DisputeCreateSchema(Schema):
    """A statement that contradicts a figure."""

    source = _ref("Id of the source that disputes the figure.", "afad", required=True)
    document = fields.Integer(strict=True, allow_none=True, validate=lambda v: v > 0,
                              metadata={"description": "Id of the document the dispute was published in.", "example": 1})
    stated_on = fields.Date(required=True, metadata={"example": "2016-11-27"})
    quote = Text(allow_none=True, metadata={"description": "The disputing statement, verbatim."})
    note = Text(required=True, max_length=2000, metadata={
        "description": "What is disputed and why.", "example": "Found no trace of chemical warfare."})


class RevisionSchema(Schema):
    """One version of a figure."""

    version = fields.Integer(metadata={"example": 1})
    kind = fields.String(metadata={"enum": ["create", "update", "dispute", "retract"], "example": "create"})
    changed_by = fields.String(metadata={"description": "Name of the API key (or 'seed', or an importer).",
                                         "example": "im-officer"})
    changed_at = fields.AwareDateTime()
    reason = fields.String(allow_none=True)
    state = fields.Dict(metadata={"description": "The figure's stored fields as of this version."})


class RevisionListSchema(Schema):
    """Every version of a figure, oldest first."""

    data = fields.List(fields.Nested(RevisionSchema), required=True)
