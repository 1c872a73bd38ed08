"""Extractions: a text submitted with its document, the candidate figures proposed from it, and the decisions."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from ..vocabulary import COUNT_KINDS, METRIC_IDS, QUALIFIERS
from .catalogue_writes import DocumentCreateSchema
from .common import EXAMPLE_TIME, ResponseSchema, Text, row_id
from .figure_writes import FigureFieldsSchema

# The longest text an extraction takes, in characters: a long report; longer ones are submitted in parts.
MAX_TEXT = 100_000
CANDIDATE_STATES = ("proposed", "accepted", "rejected")
_SPAN_DESCRIPTION = "[start, end) offsets in the text, in characters."
_EXAMPLE_TEXT = (
    "More than 250 civilians have been killed in the government's bombardment of eastern Aleppo over past 13 "
    "days, according to the Observatory."
)


def _where(words: str) -> tuple[int, int]:
    start = _EXAMPLE_TEXT.index(words)
    return start, start + len(words)


def _span(description: str = _SPAN_DESCRIPTION, example: tuple[int, int] = (0, 13)) -> fields.List[int]:
    return fields.List(fields.Integer(), metadata={"description": description, "example": list(example)})


class ExtractionCreateSchema(Schema):
    """A text to read, and the document it comes from: a new one, or one Tally has (`document_id`)."""

    text = Text(
        required=True,
        max_length=MAX_TEXT,
        metadata={"description": f"Plain text, up to {MAX_TEXT:,} characters.", "example": _EXAMPLE_TEXT},
    )
    document = fields.Nested(
        DocumentCreateSchema,
        metadata={
            "description": "Where the text was published. The same title, publisher and date as a document Tally "
            "has names that document.",
            "example": {"title": "Aleppo bombardment", "publisher": None, "url": None, "published_on": "2016-11-27",
                        "language": "en"},
        },
    )  # fmt: skip
    document_id = row_id(metadata={"description": "A document Tally has, instead of `document`.", "example": 1})

    @validates_schema
    def _one_document(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("document" in data) == ("document_id" in data):
            raise ValidationError("Give either document or document_id.", field_name="document")


class CandidateAcceptSchema(FigureFieldsSchema):
    """Corrections to a candidate before it becomes a figure: only the fields given change."""

    class Meta:
        exclude = ("document",)

    reason = Text(
        max_length=2000,
        metadata={"description": "Added to the figure's revision reason.", "example": "Checked against the article"},
    )
    record_disputes = fields.Boolean(
        load_default=True,
        metadata={
            "description": "Record the sentences that dispute the candidate (`disputed_by`) as disputes of the new "
            "figure, which is then `disputed`: each by the source the text names, quoted, in the same document. "
            "One whose speaker Tally does not know as a source (`source_id` null) is left for you to record "
            "(POST /v1/figures/{figure_id}/disputes). False records none.",
            "example": True,
        },
    )


class CandidateRejectSchema(Schema):
    """Why a candidate is no figure."""

    reason = Text(
        required=True,
        max_length=2000,
        metadata={"description": "Why it is rejected (kept).", "example": "A force size, not people affected"},
    )


class OtherPlaceSchema(ResponseSchema):
    """Another location the same words name, in another country."""

    location = fields.String(metadata={"example": "MZ02"})
    name = fields.String(metadata={"example": "Gaza"})
    country = fields.String(allow_none=True, metadata={"example": "Mozambique"})


class PlaceWordsSchema(ResponseSchema):
    """A place as the text writes it, and the location Tally matched it to (null: none)."""

    words = fields.String(metadata={"example": "eastern Aleppo"})
    span = _span(example=(_where("eastern Aleppo")))
    location = fields.String(allow_none=True, metadata={"example": "eastern-aleppo"})
    name = fields.String(allow_none=True, metadata={"example": "Eastern Aleppo (opposition-held, 2016)"})
    others = fields.List(
        fields.Nested(OtherPlaceSchema),
        metadata={
            "description": "Locations in other countries these words name as well, when no other place the text "
            'names tells which it means ("Gaza" in a text that names nothing else: Gaza in Palestine and Gaza '
            "province in Mozambique). The location above is then only the likelier kind, the place's confidence "
            "is at most 0.3, and the reviewer chooses. Empty when the words name one place or the text decides.",
            "example": [],
        },
    )


class SourceWordsSchema(ResponseSchema):
    """Who the text says states the figure, and the source Tally matched (null: a new source to create)."""

    words = fields.String(metadata={"example": "the Observatory"})
    span = _span(example=(_where("the Observatory")))
    source = fields.String(allow_none=True, metadata={"example": "sohr"})
    name = fields.String(allow_none=True, metadata={"example": "Syrian Observatory for Human Rights"})


class DisputeProposalSchema(ResponseSchema):
    """A later sentence of the text that contradicts the candidate."""

    span = _span(example=(140, 178))
    words = fields.String(metadata={"example": "It found no trace of chemical warfare."})
    cue = fields.String(metadata={"example": "found no trace"})
    source = fields.String(allow_none=True, metadata={"example": "Turkey's emergency relief directorate"})
    source_id = fields.String(allow_none=True, metadata={"example": "afad"})
    recorded = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Once the candidate is accepted: the id of the dispute recorded on its figure for this "
            "sentence (among the figure's `disputes`), or null when none was (a speaker Tally holds no source for, "
            "or `record_disputes` false). Absent while the candidate is undecided.",
            "example": 12,
        },
    )


class CandidateSchema(ResponseSchema):
    """A figure proposed from the text, tied to the characters it came from, with its state."""

    n = fields.Integer(metadata={"description": "Its number in the extraction, in text order.", "example": 1})
    state = fields.String(metadata={"enum": list(CANDIDATE_STATES), "example": "proposed"})
    figure = fields.String(
        allow_none=True, metadata={"description": "The figure it became, once accepted.", "example": None}
    )
    reject_reason = fields.String(allow_none=True, metadata={"example": None})
    decided_by = fields.String(allow_none=True, metadata={"example": None})
    decided_at = fields.AwareDateTime(allow_none=True, metadata={"example": None})
    span = _span("[start, end) of the stated words in the text.")
    stated_words = fields.String(metadata={"example": "More than 250"})
    value = fields.Integer(metadata={"example": 250})
    low = fields.Integer(allow_none=True, metadata={"example": None})
    high = fields.Integer(allow_none=True, metadata={"example": None})
    qualifier = fields.String(metadata={"enum": list(QUALIFIERS), "example": "more_than"})
    metric = fields.String(metadata={"enum": list(METRIC_IDS), "example": "civilians_killed"})
    population_group = fields.String(metadata={"example": "civilians"})
    count_kind = fields.String(metadata={"enum": list(COUNT_KINDS), "example": "period_total"})
    location = fields.Nested(PlaceWordsSchema, allow_none=True)
    origin = fields.Nested(PlaceWordsSchema, allow_none=True, metadata={"example": None})
    destination = fields.Nested(PlaceWordsSchema, allow_none=True, metadata={"example": None})
    period_start = fields.Date(allow_none=True, metadata={"example": "2016-11-15"})
    period_end = fields.Date(allow_none=True, metadata={"example": "2016-11-27"})
    period_words = fields.String(allow_none=True, metadata={"example": "over past 13 days"})
    stated_on = fields.Date(
        allow_none=True,
        metadata={"description": "When the source stated it ('warned Sunday'); else the published date.",
                  "example": "2016-11-27"},
    )  # fmt: skip
    source = fields.Nested(
        SourceWordsSchema,
        allow_none=True,
        metadata={"description": "Null: the document's own voice (its publisher, if known)."},
    )
    quote = fields.String(metadata={"description": "The sentence, verbatim.", "example": _EXAMPLE_TEXT})
    quote_span = _span("[start, end) of the sentence in the text.", (0, len(_EXAMPLE_TEXT)))
    part_of = fields.Integer(
        allow_none=True, metadata={"description": "The candidate this one breaks down.", "example": None}
    )
    confidence = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        metadata={
            "description": "Per field, how sure the extractor is, from 0 to 1.",
            "example": {"value": 0.95, "qualifier": 0.95, "metric": 0.9, "place": 0.75, "period": 0.8, "source": 0.6},
        },
    )
    reasons = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Per field, why the extractor chose it.",
            "example": {"metric": "'killed' after the number; the people counted: civilians"},
        },
    )
    disputed_by = fields.List(fields.Nested(DisputeProposalSchema), metadata={"example": []})


class ExtractionDocumentSchema(ResponseSchema):
    """The document the text comes from."""

    id = fields.Integer(metadata={"example": 1})
    title = fields.String(metadata={"example": "Aleppo bombardment"})
    publisher = fields.String(allow_none=True, metadata={"example": None})
    url = fields.String(allow_none=True, metadata={"example": None})
    published_on = fields.Date(allow_none=True, metadata={"example": "2016-11-27"})
    language = fields.String(allow_none=True, metadata={"example": "en"})


class ExtractionSchema(ResponseSchema):
    """A text, its document, and every candidate figure proposed from it."""

    id = fields.Integer(metadata={"example": 1})
    document = fields.Nested(ExtractionDocumentSchema)
    text = fields.String(metadata={"example": _EXAMPLE_TEXT})
    created_by = fields.String(metadata={"description": "The API key's name.", "example": "field office"})
    created_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})
    candidates = fields.List(fields.Nested(CandidateSchema))
