"""Claims, totals and coverage: query arguments and the documented response shapes."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from ..totals import LEVELS, REASONS
from ..vocabulary import METRIC_IDS, QUALIFIERS, STATUSES
from .common import PageQuerySchema, PageSchema, QuerySchema, ResponseSchema, csv_list, next_page, one_of
from .figures import FigureSchema, filter_schema
from .refs import LocationRefSchema, SourceRefSchema

GROUP_BY = ("source", "month", "year", "location_level", "dataset")
BASES = ("count", "stock")


CLAIMS_PER_PAGE = 20


class _ClaimArguments(PageQuerySchema):
    """How figures are grouped into claims, and a page of them."""

    # A claim carries every figure it groups (hundreds, on a large database): pages are smaller than lists'.
    limit = fields.Integer(
        load_default=CLAIMS_PER_PAGE,
        validate=validate.Range(min=1, max=500, error="Must be between 1 and 500."),
        metadata={
            "description": f"Claims per page (default {CLAIMS_PER_PAGE}, at most 500). Each claim holds all its "
            "figures; follow `next` for the following claims.",
            "example": CLAIMS_PER_PAGE,
        },
    )

    min_sources = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, error="Must be 1 or more."),
        metadata={
            "description": "Only claims stated by at least this many sources (2: competing claims only).",
            "example": 2,
        },
    )
    match_population_group = fields.Boolean(
        load_default=True,
        metadata={
            "description": "Whether figures must name the same population group (case and spaces aside) to state the "
            "same quantity. false groups e.g. 'civilians' with 'residents'.",
            "example": True,
        },
    )


# Claims take every figure filter. A claim is kept or dropped whole: source, from and to choose claims
# (one of its figures is by that source; its span meets the period), the others choose the figures grouped.
ClaimsQuerySchema = filter_schema("ClaimsQuerySchema", _ClaimArguments, doc="Filters of /v1/claims.")


class _TotalArguments(QuerySchema):
    """How a total is bucketed, and which statuses it adds."""

    group_by = csv_list(
        GROUP_BY,
        description=(
            "Buckets, comma-separated. Totals are always per source and per dataset: figures entered by hand and "
            "a dataset's are never added together (`source` and `dataset` may be given but change nothing); "
            "`month` or `year` by reference period; `location_level` by the administrative unit at `level` "
            "that contains each figure's place."
        ),
        example=["source", "month"],
    )
    level = fields.String(
        validate=one_of(tuple(LEVELS)),
        metadata={
            "description": "With group_by=location_level: the administrative level to group by (default admin1).",
            "example": "admin1",
        },
    )
    include_disputed = fields.Boolean(
        load_default=False,
        metadata={"description": "Add disputed figures too (left out by default).", "example": False},
    )
    include_retracted = fields.Boolean(
        load_default=False,
        metadata={"description": "Add retracted figures too (left out by default).", "example": False},
    )

    @validates_schema
    def _buckets_make_sense(self, data: dict[str, Any], **kwargs: Any) -> None:
        group_by = set(data.get("group_by") or ())
        if {"month", "year"} <= group_by:
            raise ValidationError("Use month or year, not both.", field_name="group_by")
        if "level" in data and "location_level" not in group_by:
            raise ValidationError("Only used with group_by=location_level.", field_name="level")

    @post_load
    def _buckets(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """group_by as the period bucket (by) and the administrative level number (level)."""
        group_by = data.get("group_by") or []
        data["group_by"] = ["source", "dataset", *(g for g in GROUP_BY[1:] if g in group_by and g != "dataset")]
        data["by"] = next((g for g in ("month", "year") if g in group_by), None)
        data["level"] = data.get("level", "admin1") if "location_level" in group_by else None
        return data


# A metric's totals take every figure filter but metric. `status` chooses the figures a total looks at;
# include_disputed and include_retracted decide which of those it adds (the others are listed as left out).
TotalsQuerySchema = filter_schema(
    "TotalsQuerySchema", _TotalArguments, exclude=("metric",), doc="Arguments of a metric's totals."
)
FigureTotalsQuerySchema = filter_schema(
    "FigureTotalsQuerySchema",
    _TotalArguments,
    exclude=("metric",),
    doc="Arguments of /v1/figures/totals, which needs the metric to total.",
    metric=fields.String(
        required=True,
        validate=one_of(METRIC_IDS),
        metadata={
            "description": "The metric to total (one; different metrics never add up).",
            "example": "civilians_killed",
        },
    ),
)
CoverageQuerySchema = filter_schema("CoverageQuerySchema", PageQuerySchema, doc="Filters of /v1/coverage.")


class ClaimBoundSchema(ResponseSchema):
    """One end of a claim's range and the figure that sets it."""

    value = fields.Integer(metadata={"description": "The bound.", "example": 500000})
    figure_id = fields.Integer(
        metadata={"description": "The figure that sets it (the first by id on a tie).", "example": 5}
    )
    source = fields.String(metadata={"description": "That figure's source id.", "example": "unicef"})
    basis = fields.String(
        metadata={
            "enum": ["low", "high", "value"],
            "example": "value",
            "description": "low/high: the figure's stated bound; value: its value, as it states no bound on this side.",
        }
    )
    figure_ids = fields.List(
        fields.Integer(), metadata={"description": "Every figure at this bound.", "example": [5, 6]}
    )
    open = fields.Boolean(
        metadata={
            "description": "A figure of the claim leaves this side open ('more than 250' has no top), so the true "
            "range may reach beyond the bound.",
            "example": False,
        }
    )
    explanation = fields.String(
        metadata={
            "description": "Which figure and source give the bound, and why.",
            "example": "lowest: unicef 'nearly 500,000' (value; no lower bound stated); also un '500,000' "
            "(value; no lower bound stated)",
        }
    )


def _bound_of_figure_4(side: str) -> dict[str, Any]:
    """One end of the range of the claim that figure 4 alone makes (the claims' example)."""
    words = {"low": "lowest", "high": "highest"}[side]
    why = "no lower bound stated" if side == "low" else "no upper bound stated, and 'more than' leaves it open"
    return {
        "value": 250,
        "figure_id": 4,
        "source": "sohr",
        "basis": "value",
        "figure_ids": [4],
        "open": side == "high",
        "explanation": f"{words}: sohr 'More than 250' (value; {why})",
    }


class ClaimRangeSchema(ResponseSchema):
    """The range across a claim's figures: lowest low and highest high (a figure's value stands in for a
    bound it does not state)."""

    # The example: figure 4's claim, SOHR's "More than 250", which leaves its top open.
    low = fields.Nested(ClaimBoundSchema, metadata={"example": _bound_of_figure_4("low")})
    high = fields.Nested(ClaimBoundSchema, metadata={"example": _bound_of_figure_4("high")})


class LatestStatementSchema(ResponseSchema):
    """A source's most recent figure in a claim (by stated-on date, then id)."""

    source = fields.Nested(SourceRefSchema)
    figure_id = fields.Integer(metadata={"example": 4})
    value = fields.Integer(metadata={"example": 250})
    low = fields.Integer(allow_none=True, metadata={"example": None})
    high = fields.Integer(allow_none=True, metadata={"example": None})
    qualifier = fields.String(metadata={"enum": list(QUALIFIERS), "example": "more_than"})
    stated_words = fields.String(allow_none=True, metadata={"example": "More than 250"})
    stated_on = fields.Date(metadata={"example": "2016-11-27"})
    status = fields.String(metadata={"enum": list(STATUSES), "example": "reported"})


class ClaimSchema(ResponseSchema):
    """Figures that state the same quantity: same metric, place, flow, population group and overlapping
    (chained) reference periods, side by side."""

    id = fields.Integer(metadata={"description": "The smallest figure id in the claim; cursor key.", "example": 4})
    metric = fields.String(metadata={"enum": list(METRIC_IDS), "example": "civilians_killed"})
    location = fields.Nested(LocationRefSchema)
    origin = fields.Nested(
        LocationRefSchema, allow_none=True, metadata={"description": "Flows: where people came from.", "example": None}
    )
    destination = fields.Nested(
        LocationRefSchema, allow_none=True, metadata={"description": "Flows: where they went.", "example": None}
    )
    population_groups = fields.List(
        fields.String(),
        metadata={"description": "The population groups as the figures state them.", "example": ["civilians"]},
    )
    period_start = fields.Date(metadata={"description": "First day any figure covers.", "example": "2016-11-15"})
    period_end = fields.Date(metadata={"description": "Last day any figure covers.", "example": "2016-11-27"})
    figure_count = fields.Integer(metadata={"example": 1})
    sources = fields.List(fields.String(), metadata={"description": "Source ids, sorted.", "example": ["sohr"]})
    disputed = fields.Boolean(
        metadata={"description": "Whether any figure of the claim is disputed.", "example": False}
    )
    range = fields.Nested(ClaimRangeSchema)
    latest_by_source = fields.List(
        fields.Nested(LatestStatementSchema),
        metadata={"description": "Each source's most recent statement, most recent first."},
    )
    figures = fields.List(
        fields.Nested(FigureSchema), metadata={"description": "Every figure of the claim with its provenance, by id."}
    )


class ClaimPageSchema(PageSchema):
    """A page of claims."""

    next = next_page("/v1/claims", 4)
    data = fields.List(fields.Nested(ClaimSchema), required=True)


class LeftOutSchema(ResponseSchema):
    """A figure a total did not add, and why."""

    figure_id = fields.Integer(metadata={"example": 9})
    reason = fields.String(
        metadata={
            "enum": list(REASONS),
            "example": "overlap",
            "description": "disputed / retracted: status; spans_buckets: its period crosses a month or year boundary; "
            "stock: a later stock of the same place stands; overlap: a figure for the same place and an "
            "overlapping period stands; containing_place: a figure whose place contains this one's stands "
            "(a stock, or a period total of an overlapping period); covered: an event that a standing period "
            "total of the same source counts already (its place holds the event's, its period the event's).",
        }
    )
    kept_figure_id = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The figure that stands instead (overlap, stock, containing_place, covered).",
            "example": 12,
        },
    )
    detail = fields.String(
        metadata={
            "example": "Its period overlaps that of figure 12 for the same place; figure 12 was stated later "
            "(2016-11-28) and stands."
        }
    )


class TotalSchema(ResponseSchema):
    """One source's total in one bucket. The example: SOHR's civilians killed in the seed, figure 4 alone."""

    source = fields.Nested(SourceRefSchema)
    period = fields.String(
        allow_none=True,
        metadata={"description": "YYYY-MM or YYYY with group_by month or year, else null.", "example": None},
    )
    location = fields.Nested(
        LocationRefSchema,
        allow_none=True,
        metadata={"description": "With group_by=location_level: the administrative unit, else null.", "example": None},
    )
    dataset = fields.String(
        allow_none=True,
        metadata={
            "description": "The dataset the figures were imported from; null: entered by hand.",
            "example": None,
        },
    )
    basis = fields.String(
        metadata={
            "enum": list(BASES),
            "example": "count",
            "description": "count: events and period totals added up; stock: the latest stock per place.",
        }
    )
    sum = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The total; null when no figure could be added (no data, which is not zero).",
            "example": 250,
        },
    )
    figure_ids = fields.List(fields.Integer(), metadata={"description": "The figures added.", "example": [4]})
    qualifiers = fields.List(
        fields.String(metadata={"enum": list(QUALIFIERS)}),
        metadata={
            "description": "Qualifiers of the figures added: a sum of approximate figures is approximate.",
            "example": ["more_than"],
        },
    )
    period_start = fields.Date(
        allow_none=True, metadata={"description": "Earliest day the figures added cover.", "example": "2016-11-15"}
    )
    period_end = fields.Date(
        allow_none=True, metadata={"description": "Latest day the figures added cover.", "example": "2016-11-27"}
    )
    left_out = fields.List(
        fields.Nested(LeftOutSchema), metadata={"description": "Figures not added, by id.", "example": []}
    )


class TotalsSchema(ResponseSchema):
    """Per-source totals of one metric. Figures of different sources are never added together."""

    metric = fields.String(metadata={"enum": list(METRIC_IDS), "example": "civilians_killed"})
    group_by = fields.List(
        fields.String(metadata={"enum": list(GROUP_BY)}), metadata={"example": ["source", "dataset"]}
    )
    level = fields.String(allow_none=True, metadata={"enum": [*LEVELS, None], "example": None})
    include_disputed = fields.Boolean(metadata={"example": False})
    include_retracted = fields.Boolean(metadata={"example": False})
    totals = fields.List(
        fields.Nested(TotalSchema), metadata={"description": "Sorted by period, location, source id and basis."}
    )


class StatusCountsSchema(ResponseSchema):
    """Figures per status."""

    reported = fields.Integer(metadata={"example": 1})
    verified = fields.Integer(metadata={"example": 0})
    disputed = fields.Integer(metadata={"example": 0})
    retracted = fields.Integer(metadata={"example": 0})


class CountKindCountsSchema(ResponseSchema):
    """Figures per count kind."""

    event = fields.Integer(metadata={"example": 0})
    period_total = fields.Integer(metadata={"example": 1})
    stock = fields.Integer(metadata={"example": 0})


class CoverageSchema(ResponseSchema):
    """What exists for one metric, place (as stated) and source."""

    metric = fields.String(metadata={"enum": list(METRIC_IDS), "example": "civilians_killed"})
    location = fields.Nested(LocationRefSchema)
    source = fields.Nested(SourceRefSchema)
    figures = fields.Integer(
        metadata={"description": "Figures counted (at least 1: no row means no data).", "example": 1}
    )
    by_status = fields.Nested(StatusCountsSchema)
    by_count_kind = fields.Nested(CountKindCountsSchema)
    zero_values = fields.Integer(
        metadata={"description": "Figures whose value is 0 (a stated zero, not missing data).", "example": 0}
    )
    period_start = fields.Date(
        metadata={"description": "Earliest first day of a reference period.", "example": "2016-11-15"}
    )
    period_end = fields.Date(
        metadata={"description": "Latest last day of a reference period.", "example": "2016-11-27"}
    )
    latest_stated_on = fields.Date(
        metadata={"description": "When the source last stated a figure here.", "example": "2016-11-27"}
    )


class CoveragePageSchema(PageSchema):
    """A page of coverage rows, by metric, location id and source id."""

    next = next_page("/v1/coverage", "civilians_killed/eastern-aleppo/sohr")
    data = fields.List(fields.Nested(CoverageSchema), required=True)
