"""Figures: query filters and the documented response shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .. import figure
from ..filters import Filter
from ..formats import FIGURE_FORMATS, describe, media_types
from ..pagination import encode_cursor
from .common import (
    DEFAULT_PAGE_SIZE,
    EXAMPLE_SERVER,
    EXAMPLE_TIME,
    Moment,
    PageQuerySchema,
    PageSchema,
    QuerySchema,
    ResponseSchema,
    csv_list,
    next_page,
    one_of,
)

_AS_OF = {
    "description": "Serve figures as they stood at this moment (ISO 8601 with a time zone), "
    "rebuilt from their revisions.",
    "example": "2026-11-26T12:00:00Z",
}


class AsOfQuerySchema(QuerySchema):
    """Reading one figure, now or in the past."""

    as_of = Moment(metadata=_AS_OF)


SORTS = tuple(
    f"{direction}{column}"
    for column in ("id", "value", "period_start", "period_end", "stated_on", "updated_at")
    for direction in ("", "-")
)

# Every figure field, as the API serves it (service/figure.py declares them).
# mypy cannot follow a class built by type(): it sees the base class.
if TYPE_CHECKING:
    FigureSchema = ResponseSchema
else:
    FigureSchema = type(
        "FigureSchema",
        (ResponseSchema,),
        {
            "__doc__": "One number one source stated, with its provenance inline.",
            **{declared.name: declared.doc for declared in figure.JSON_FIELDS},
        },
    )


class FigureFilterSchema(QuerySchema):
    """Query arguments that filter figures: the declared filters (figure.FIELDS) and their checks."""

    FILTERS: tuple[Filter, ...] = ()

    @validates_schema
    def _filters_agree(self, data: dict[str, Any], **kwargs: Any) -> None:
        for declared in self.FILTERS:
            declared.check(data)

    @post_load
    def _to_params(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Partial dates become the day that bounds the filter; q becomes a LIKE pattern."""
        for declared in self.FILTERS:
            declared.prepare(data)
        return data


def filter_schema(
    name: str, base: type[Schema], *, exclude: tuple[str, ...] = (), doc: str = "", **extra: fields.Field[Any]
) -> type[Schema]:
    """A query schema with every declared figure filter (but the excluded ones) beside base's arguments."""
    attributes = figure.filter_fields(exclude) | extra
    return type(
        name, (base, FigureFilterSchema), {"__doc__": doc, "FILTERS": figure.all_filters(exclude), **attributes}
    )


class FigureListSchema(PageQuerySchema):
    """How a figure collection is served: page size, format, fields, sort, as_of."""

    limit = fields.Integer(
        validate=validate.Range(min=1, max=500, error="Must be between 1 and 500."),
        metadata={
            "description": f"Rows per page: {DEFAULT_PAGE_SIZE} by default in JSON, at most 500. Any other format "
            "without `limit` holds every matching figure (after `cursor`, if given), streamed; with `limit`, the "
            "JSON page's figures, with the Link to the next page.",
            "example": 50,
        },
    )
    as_of = Moment(metadata=_AS_OF)
    format = fields.String(
        validate=one_of(FIGURE_FORMATS),
        metadata={
            "description": f"{describe(FIGURE_FORMATS)} Without `format`, the Accept header chooses "
            f"({', '.join(media_types(FIGURE_FORMATS))}; JSON when it leaves the choice open); with it, Accept "
            "is not consulted.",
            "example": "csv",
        },
    )
    hxl = fields.Boolean(metadata={"description": "With `Accept: text/csv`: add the HXL hashtag row.", "example": True})
    bom = fields.Boolean(
        metadata={
            "description": "CSV and HXL: start the file with a UTF-8 byte order mark, which spreadsheet programs "
            "on Windows need to read Arabic and other non-Latin text. Ignored by the other formats. Tally's own "
            "CSV import accepts files with or without it.",
            "example": True,
        }
    )
    include_total = fields.Boolean(
        metadata={
            "description": "JSON: add `total`, the number of figures matching the filters on every page (not only "
            "those after the cursor). Counted only when asked: the count reads every matching figure, so it costs "
            "about what an export of their ids would (see the README's Performance section).",
            "example": True,
        }
    )
    fields_ = csv_list(
        data_key="fields",
        description=("Only these top-level fields (JSON) or their columns (CSV), comma-separated."),
        example=["id", "value", "source", "period_start", "period_end"],
    )
    sort = fields.String(
        load_default="id",
        validate=one_of(SORTS),
        metadata={
            "description": "Order of the rows: a column, or -column for descending; ties are broken by id, and "
            "cursors keep working.",
            "example": "-value",
        },
    )

    @validates_schema
    def _known_fields(self, data: dict[str, Any], **kwargs: Any) -> None:
        known = tuple(FigureSchema._declared_fields)
        unknown = [name for name in data.get("fields_", []) if name not in known]
        if unknown:
            raise ValidationError(
                f"Unknown field(s) {', '.join(unknown)}; choose from: {', '.join(known)}.", field_name="fields"
            )


# A metric's own collection: the metric is implied. /v1/figures filters by metric too.
FigureQuerySchema = filter_schema(
    "FigureQuerySchema",
    FigureListSchema,
    exclude=("metric",),
    doc="Filters of a metric's figure collection. Lists take comma-separated values.",
)
AllFiguresQuerySchema = filter_schema(
    "AllFiguresQuerySchema", FigureListSchema, doc="Filters of /v1/figures, which spans every metric."
)


class FigurePageSchema(PageSchema):
    """A page of figures."""

    next = next_page("/v1/figures", 4, "&include_total=true")  # the example counts its figures (total)
    data = fields.List(fields.Nested(FigureSchema))
    total = fields.Integer(
        allow_none=True,
        metadata={
            "description": "How many figures match the filters, the same on every page; null unless "
            "include_total=true.",
            "example": 13,
        },
    )


class ChangesQuerySchema(QuerySchema):
    """Where to resume the change feed."""

    since = fields.String(
        metadata={
            "description": "Cursor from the previous response's `cursor`; without it the feed starts at the beginning.",
            "example": encode_cursor(13),  # after the 13th change: the seed makes 13
        }
    )
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=1000, error="Must be between 1 and 1000."),
        metadata={"description": "Changes per response (default 100, at most 1000).", "example": 100},
    )


class ChangeSchema(ResponseSchema):
    """One change to one figure."""

    kind = fields.String(metadata={"enum": ["create", "update", "dispute", "retract"], "example": "create"})
    figure_id = fields.Integer(metadata={"example": 4})
    version = fields.Integer(metadata={"description": "The figure's version after the change.", "example": 1})
    changed_by = fields.String(metadata={"example": "seed"})
    changed_at = fields.AwareDateTime(metadata={"example": EXAMPLE_TIME})
    reason = fields.String(allow_none=True, metadata={"example": "seed aleppo-2016-11-27.json"})
    figure = fields.String(metadata={"description": "URL of the figure.", "example": "/v1/figures/4"})


class ChangePageSchema(ResponseSchema):
    """Changes in commit order, and where to resume."""

    data = fields.List(fields.Nested(ChangeSchema), required=True)
    cursor = fields.String(
        required=True,
        metadata={
            "description": "Pass as `since` next time; present even when there was nothing new.",
            "example": encode_cursor(4),
        },
    )
    next = fields.String(
        required=True,
        metadata={
            "description": "The URL to poll next.",
            "example": f"{EXAMPLE_SERVER}/v1/changes?since={encode_cursor(4)}&limit=1",
        },
    )
