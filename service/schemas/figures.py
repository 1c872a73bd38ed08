"""Figures: query filters and the documented response shape."""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .common import PageQuerySchema, PageSchema, PartialDate, QuerySchema, count, csv_list, ensure_ordered, one_of
from .datasets import FigureDatasetSchema

METRICS = ("people_trapped", "children_under_siege", "civilians_killed", "civilians_injured",
           "people_killed", "people_injured", "displaced", "refugees", "idps")
STATUSES = ("reported", "verified", "disputed", "retracted")
QUALIFIERS = ("exact", "approximately", "at_least", "more_than", "at_most", "fewer_than")
COUNT_KINDS = ("event", "period_total", "stock")
LOCATION_KINDS = ("country", "admin1", "admin2", "admin3", "admin4", "city", "neighbourhood", "village", "area")
SOURCE_KINDS = ("un_agency", "ngo", "monitor", "government", "military", "armed_group", "media",
                "individual", "dataset")


_AS_OF = {"description": "Serve figures as they stood at this moment (ISO 8601 with a time zone), "
                         "rebuilt from their revisions.", "example": "2026-11-26T12:00:00Z"}


class AsOfQuerySchema(QuerySchema):
    """Reading one figure, now or in the past."""

    as_of = fields.AwareDateTime(metadata=_AS_OF)


DEFAULT_PAGE_SIZE = 50
SORTS = tuple(f"{direction}{column}" for column in ("id", "value", "period_start", "period_end", "stated_on",
                                                      "updated_at") for direction in ("", "-"))


class FigureQuerySchema(PageQuerySchema):
    """Filters of every figure collection. Lists take comma-separated values."""

    limit = fields.Integer(validate=validate.Range(min=1, max=500, error="Must be between 1 and 500."), metadata={
        "description": f"Rows per page: {DEFAULT_PAGE_SIZE} by default in JSON, at most 500. A CSV or HXL export "
                       "without `limit` holds every matching figure, streamed.", "example": 50})
    as_of = fields.AwareDateTime(metadata=_AS_OF)
    format = fields.String(validate=one_of(("json", "csv", "hxl")), metadata={
        "description": "json (default), csv, or hxl (CSV with the HXL hashtag row under the header). "
                       "`Accept: text/csv` asks for CSV too.", "example": "csv"})
    hxl = fields.Boolean(metadata={"description": "With `Accept: text/csv`: add the HXL hashtag row.",
                                   "example": True})
    fields_ = csv_list(data_key="fields", description=(
        "Only these top-level fields (JSON) or their columns (CSV), comma-separated."),
        example=["id", "value", "source", "period_start", "period_end"])
    location = fields.String(metadata={
        "description": "Location id or p-code; includes every place inside it.", "example": "SY02"})
    origin = fields.String(metadata={
        "description": "Displacement origin (id or p-code), including places inside it.", "example": "eastern-aleppo"})
    destination = fields.String(metadata={
        "description": "Displacement destination (id or p-code), including places inside it.", "example": "sheikh-maqsoud"})
    source = csv_list(description="Source ids, comma-separated.", example=["sohr", "unicef"])
    dataset = csv_list(description="Dataset ids, comma-separated: only figures imported from them (see /v1/datasets).",
                       example=["ucdp-ged"])
    status = csv_list(STATUSES, description=(
        "Statuses, comma-separated. Without it, every status but `retracted`."), example=["reported", "disputed"])
    qualifier = csv_list(QUALIFIERS, description="Qualifiers, comma-separated.", example=["exact", "approximately"])
    from_ = PartialDate(data_key="from", metadata={
        "description": "Reference period overlaps or ends after this date (YYYY, YYYY-MM or YYYY-MM-DD).",
        "example": "2016-11"})
    to = PartialDate(metadata={
        "description": "Reference period overlaps or starts before the end of this date (YYYY, YYYY-MM or YYYY-MM-DD).",
        "example": "2016"})
    sort = fields.String(load_default="id", validate=one_of(SORTS), metadata={
        "description": "Order of the rows: a column, or -column for descending; ties are broken by id, and "
                       "cursors keep working.", "example": "-value"})
    min_value = count(strict=False, metadata={"description": "Only figures whose value is at least this.", "example": 100})
    max_value = count(strict=False, metadata={"description": "Only figures whose value is at most this.", "example": 10000})
    updated_since = fields.AwareDateTime(metadata={
        "description": "Only figures created or changed at or after this moment (ISO 8601 with a time zone).",
        "example": "2026-11-26T00:00:00Z"})
    q = fields.String(validate=validate.Length(min=2, max=200), metadata={
        "description": "Case-insensitive search in the quote, the stated words, the population group, and the "
                       "names (and aliases) of the source and places.", "example": "Anjara"})
    stated_from = PartialDate(metadata={
        "description": "Stated by the source on or after this date.", "example": "2016-11-27"})
    stated_to = PartialDate(metadata={
        "description": "Stated by the source on or before the end of this date.", "example": "2016-11-30"})

    @validates_schema
    def _ranges_in_order(self, data: dict, **kwargs) -> None:
        ensure_ordered(data, "from_", "to", name="from")
        ensure_ordered(data, "stated_from", "stated_to", name="stated_from")

    @validates_schema
    def _known_fields(self, data: dict, **kwargs) -> None:
        known = tuple(FigureSchema._declared_fields)
        unknown = [name for name in data.get("fields_", []) if name not in known]
        if unknown:
            raise ValidationError(f"Unknown field(s) {', '.join(unknown)}; choose from: {', '.join(known)}.",
                                  field_name="fields")

    @validates_schema
    def _values_in_order(self, data: dict, **kwargs) -> None:
        if data.get("min_value") is not None and data.get("max_value") is not None \
                and data["min_value"] > data["max_value"]:
            raise ValidationError("min_value must not be greater than max_value.", field_name="min_value")

    @post_load
    def _to_filters(self, data: dict, **kwargs) -> dict:
        """Partial dates become the day that bounds the filter; q becomes a LIKE pattern."""
        if "q" in data:
            data["q"] = "%" + re.sub(r"([\\%_])", r"\\\1", data["q"]) + "%"
        for name, bound in (("from_", 0), ("to", 1), ("stated_from", 0), ("stated_to", 1)):
            if name in data:
                data[name] = data[name][bound]
        return data


class AllFiguresQuerySchema(FigureQuerySchema):
    """Filters of /v1/figures, which spans every metric."""

    metric = csv_list(METRICS, description="Metric ids, comma-separated.", example=["civilians_killed"])


class LocationRefSchema(Schema):
    """A location, as referenced from a figure."""

    id = fields.String(metadata={"example": "eastern-aleppo"})
    pcode = fields.String(allow_none=True, metadata={"description": "OCHA p-code, when the place has one.", "example": None})
    name = fields.String(metadata={"example": "Eastern Aleppo (opposition-held, 2016)"})
    name_ar = fields.String(allow_none=True, metadata={"example": "حلب الشرقية"})
    kind = fields.String(metadata={"enum": list(LOCATION_KINDS), "example": "area"})


class SourceRefSchema(Schema):
    """Who stated a figure."""

    id = fields.String(metadata={"example": "sohr"})
    name = fields.String(metadata={"example": "Syrian Observatory for Human Rights"})
    kind = fields.String(metadata={"enum": list(SOURCE_KINDS), "example": "monitor"})


class DocumentRefSchema(Schema):
    """Where a figure was published."""

    id = fields.Integer(metadata={"example": 1})
    title = fields.String(metadata={"example": "'Aleppo is going to die': Syrian army advances into rebel-held parts of the city"})
    publisher = fields.Nested(SourceRefSchema, allow_none=True, metadata={"description": "Null when the document does not say."})
    url = fields.String(allow_none=True, metadata={"description": "Null when unknown; never invented.", "example": None})
    published_on = fields.Date(allow_none=True, metadata={"example": "2016-11-27"})


class DisputeSchema(Schema):
    """A statement that contradicts a figure."""

    id = fields.Integer(metadata={"example": 1})
    source = fields.Nested(SourceRefSchema)
    document_id = fields.Integer(allow_none=True, metadata={"example": 1})
    stated_on = fields.Date(metadata={"example": "2016-11-27"})
    quote = fields.String(allow_none=True)
    note = fields.String(metadata={"example": "Found no trace of chemical warfare."})


class FigureSchema(Schema):
    """One number one source stated, with its provenance inline."""

    id = fields.Integer(metadata={"example": 4})
    metric = fields.String(metadata={"enum": list(METRICS), "example": "civilians_killed"})
    count_kind = fields.String(metadata={
        "enum": list(COUNT_KINDS), "example": "period_total",
        "description": "event: one incident; period_total: a total over the reference period; "
                       "stock: a count as of the period's end. Decides what may be added up."})
    value = fields.Integer(metadata={"description": "The number as stated (best value).", "example": 250})
    low = fields.Integer(allow_none=True, metadata={"description": "Lower bound, when stated or implied.", "example": None})
    high = fields.Integer(allow_none=True, metadata={"description": "Upper bound, when stated or implied.", "example": None})
    qualifier = fields.String(metadata={"enum": list(QUALIFIERS), "example": "more_than",
                                        "description": "How to read value: exact, approximately, at_least, ..."})
    stated_words = fields.String(allow_none=True, metadata={"description": "The figure in the source's words.", "example": "More than 250"})
    population_group = fields.String(allow_none=True, metadata={"example": "civilians"})
    location = fields.Nested(LocationRefSchema)
    origin = fields.Nested(LocationRefSchema, allow_none=True, metadata={"description": "Displacement: where people came from."})
    destination = fields.Nested(LocationRefSchema, allow_none=True, metadata={"description": "Displacement: where people went."})
    period_start = fields.Date(metadata={"description": "First day of the reference period.", "example": "2016-11-15"})
    period_end = fields.Date(metadata={"description": "Last day of the reference period.", "example": "2016-11-27"})
    stated_on = fields.Date(metadata={"description": "When the source stated it.", "example": "2016-11-27"})
    source = fields.Nested(SourceRefSchema)
    document = fields.Nested(DocumentRefSchema)
    quote = fields.String(allow_none=True, metadata={"description": "The verbatim sentence the figure comes from."})
    status = fields.String(metadata={"enum": list(STATUSES), "example": "reported"})
    status_note = fields.String(allow_none=True)
    disputes = fields.List(fields.Nested(DisputeSchema), metadata={"description": "Statements that contradict this figure."})
    version = fields.Integer(metadata={"example": 1})
    created_at = fields.AwareDateTime(metadata={"example": "2026-11-26T10:00:00+00:00"})
    updated_at = fields.AwareDateTime(metadata={"example": "2026-11-26T10:00:00+00:00"})
    dataset = fields.Nested(FigureDatasetSchema, allow_none=True, metadata={
        "description": "The dataset the figure was imported from; null for figures entered by hand."})
    latitude = fields.Float(allow_none=True, metadata={"description": "The point the figure is about, when the "
                                                                      "dataset gives one (UCDP: the event's).",
                                                       "example": None})
    longitude = fields.Float(allow_none=True, metadata={"example": None})


class FigurePageSchema(PageSchema):
    """A page of figures."""

    data = fields.List(fields.Nested(FigureSchema), required=True)


class ChangesQuerySchema(QuerySchema):
    """Where to resume the change feed."""

    since = fields.String(metadata={
        "description": "Cursor from the previous response's `cursor`; without it the feed starts at the beginning."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000, error="Must be between 1 and 1000."),
                           metadata={"description": "Changes per response (default 100, at most 1000).", "example": 100})


class ChangeSchema(Schema):
    """One change to one figure."""

    kind = fields.String(metadata={"enum": ["create", "update", "dispute", "retract"], "example": "create"})
    figure_id = fields.Integer(metadata={"example": 4})
    version = fields.Integer(metadata={"description": "The figure's version after the change.", "example": 1})
    changed_by = fields.String(metadata={"example": "seed"})
    changed_at = fields.AwareDateTime()
    reason = fields.String(allow_none=True)
    figure = fields.String(metadata={"description": "URL of the figure.", "example": "/v1/figures/4"})


class ChangePageSchema(Schema):
    """Changes in commit order, and where to resume."""

    data = fields.List(fields.Nested(ChangeSchema), required=True)
    cursor = fields.String(required=True, metadata={
        "description": "Pass as `since` next time; present even when there was nothing new."})
    next = fields.String(required=True, metadata={"description": "The URL to poll next."})
