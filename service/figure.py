"""A figure, declared once: every field with its column, documented shape, JSON, CSV and HXL, filters and writes.

Everything else about a figure is derived from FIELDS:
- the JSON body every figure endpoint serves (figure_body_sql), in this order;
- the documented response schema (schemas/figures.FigureSchema);
- the query arguments of every figure read (filter_fields) and the one WHERE
  builder (where), for lists, exports, claims, totals and coverage;
- the CSV and HXL columns of exports (COLUMNS), and those the CSV import reads (READ);
- the fields clients write (BODY_FIELDS), their insert defaults and the insert
  statement (insert_statement), for the API, the seed and every importer;
- the columns an import compares, inserts and updates (IMPORTED_COLUMNS).

Adding a stored field is a migration (its column) and one entry here; adding a
filter is one `filters=` entry (and, for a search, one SQL fragment).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from marshmallow import fields
from psycopg import sql

from . import filters as kinds
from .db import queries
from .schemas.common import EXAMPLE_TIME, Moment, Text, count, one_of, row_id
from .schemas.datasets import FigureDatasetSchema
from .schemas.refs import DisputeSchema, DocumentRefSchema, LocationRefSchema, SourceRefSchema
from .vocabulary import COUNT_KINDS, METRIC_IDS, QUALIFIERS, SETTABLE_STATUSES, STATUSES

# A field clients must give when they create a figure.
REQUIRED = object()


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, where its value sits in the figure JSON, its HXL hashtag, and whether
    `tally import csv` reads it back."""

    name: str
    path: tuple[str, ...]
    hxl: str
    read: bool = False


@dataclass(frozen=True)
class FigureField:
    """One field of a figure."""

    name: str  # JSON key, body field and CSV stem
    doc: fields.Field[Any] | None  # documented response shape; None: stored, but not a top-level JSON field
    column: str | None = None  # the figure column that stores it
    sql_type: str | None = None  # that column's type, for staging tables
    json: str | None = None  # named block of figures.sql that builds its JSON; default: the column
    csv: tuple[Column, ...] = ()
    filters: tuple[kinds.Filter, ...] = ()
    body: fields.Field[Any] | None = None  # how clients write it; None: clients never do
    default: object = None  # insert default when a client leaves it out (REQUIRED: they may not)
    imported: bool = False  # set by dataset imports (compared with what Tally has, and updated)
    compared: bool = True  # an imported field that, changed alone, is no change (stated_on: a restatement)


def _csv(name: str, hxl: str, read: bool = True) -> tuple[Column, ...]:
    return (Column(name, (name,), hxl, read),)


def _place_columns(prefix: str, hxl_attribute: str) -> tuple[Column, ...]:
    extra = f"+{hxl_attribute}" if hxl_attribute else ""
    return (
        Column(f"{prefix}_id", (prefix, "id"), f"#loc{extra}+id", True),
        Column(f"{prefix}_pcode", (prefix, "pcode"), f"#loc{extra}+code", True),
        Column(f"{prefix}_name", (prefix, "name"), f"#loc{extra}+name"),
        Column(f"{prefix}_name_ar", (prefix, "name_ar"), f"#loc{extra}+name+i_ar"),
        Column(f"{prefix}_kind", (prefix, "kind"), f"#loc{extra}+type"),
    )


def _ref(description: str, example: object, **kwargs: Any) -> Text:
    """A written reference (location or source code)."""
    return Text(max_length=255, metadata={"description": description, "example": example}, **kwargs)


def _place(
    name: str,
    hxl_attribute: str,
    *,
    description: str,
    example: str,
    write: str,
    served: str | None = None,
    required: bool = False,
) -> FigureField:
    """A place field: a location reference, filtered with every place inside it."""
    return FigureField(
        name,
        # The example figure (4) is about one place, with no origin or destination.
        fields.Nested(
            LocationRefSchema,
            allow_none=not required,
            metadata=({"description": served} if served else {}) | ({} if required else {"example": None}),
        ),
        column=f"{name}_id",
        sql_type="text",
        json="json_place",
        csv=_place_columns(name, hxl_attribute),
        filters=(
            kinds.Place(
                f"{name}_id",
                param=name,
                example=[example],
                description=f"{description} (id, p-code, alias or ISO 3166 code), including every place inside it.",
            ),
        ),
        body=_ref(write, None if not required else "eastern-aleppo", allow_none=not required),
        default=REQUIRED if required else None,
        imported=True,
    )


# Placeholder hashtags of the value columns; see formats.value_hashtags().
VALUE, LOW, HIGH = "{value}", "{value}+min", "{value}+max"

FIELDS: tuple[FigureField, ...] = (
    FigureField(
        "id",
        fields.Integer(metadata={"example": 4}),
        column="id",
        csv=_csv("id", "#meta+id"),
        filters=(kinds.AnyOf("id", param="ids", public=False),),
    ),
    FigureField(
        "metric",
        fields.String(metadata={"enum": list(METRIC_IDS), "example": "civilians_killed"}),
        column="metric_id",
        sql_type="text",
        csv=_csv("metric", "#indicator+code"),
        filters=(
            kinds.AnyOf(
                "metric_id",
                param="metric",
                choices=METRIC_IDS,
                description="Metric ids, comma-separated.",
                example=["civilians_killed"],
            ),
        ),
        body=fields.String(validate=one_of(METRIC_IDS), metadata={"example": "civilians_killed"}),
        default=REQUIRED,
        imported=True,
    ),
    FigureField(
        "count_kind",
        fields.String(
            metadata={
                "enum": list(COUNT_KINDS),
                "example": "period_total",
                "description": "event: one incident; period_total: a total over the reference period; "
                "stock: a count as of the period's end. Decides what may be added up.",
            }
        ),
        column="count_kind",
        sql_type="text",
        csv=_csv("count_kind", "#meta+count_kind"),
        filters=(
            kinds.AnyOf(
                "count_kind",
                param="count_kind",
                choices=COUNT_KINDS,
                description="Count kinds, comma-separated.",
                example=["event"],
            ),
        ),
        body=fields.String(
            validate=one_of(COUNT_KINDS),
            metadata={
                "description": "event, period_total or stock: decides what may be added up.",
                "example": "period_total",
            },
        ),
        default=REQUIRED,
        imported=True,
    ),
    FigureField(
        "value",
        fields.Integer(metadata={"description": "The number as stated (best value).", "example": 250}),
        column="value",
        sql_type="bigint",
        csv=_csv("value", VALUE),
        filters=(
            kinds.Between(
                "value",
                low="min_value",
                high="max_value",
                make_field=lambda: count(strict=False),
                descriptions=(
                    "Only figures whose value is at least this.",
                    "Only figures whose value is at most this.",
                ),
                examples=(100, 10000),
            ),
        ),
        body=count(metadata={"description": "The number as stated (best value).", "example": 250}),
        default=REQUIRED,
        imported=True,
    ),
    FigureField(
        "low",
        fields.Integer(
            allow_none=True, metadata={"description": "Lower bound, when stated or implied.", "example": None}
        ),
        column="low",
        sql_type="bigint",
        csv=_csv("low", LOW),
        body=count(allow_none=True, metadata={"description": "Lower bound, when stated or implied.", "example": None}),
        imported=True,
    ),
    FigureField(
        "high",
        fields.Integer(
            allow_none=True, metadata={"description": "Upper bound, when stated or implied.", "example": None}
        ),
        column="high",
        sql_type="bigint",
        csv=_csv("high", HIGH),
        body=count(allow_none=True, metadata={"description": "Upper bound, when stated or implied.", "example": None}),
        imported=True,
    ),
    FigureField(
        "qualifier",
        fields.String(
            metadata={
                "enum": list(QUALIFIERS),
                "example": "more_than",
                "description": "How to read value: exact, approximately, at_least, ...",
            }
        ),
        column="qualifier",
        sql_type="text",
        csv=_csv("qualifier", "#meta+qualifier"),
        filters=(
            kinds.AnyOf(
                "qualifier",
                param="qualifier",
                choices=QUALIFIERS,
                description="Qualifiers, comma-separated.",
                example=["exact", "approximately"],
            ),
        ),
        body=fields.String(validate=one_of(QUALIFIERS), metadata={"example": "more_than"}),
        default="exact",
        imported=True,
    ),
    FigureField(
        "stated_words",
        fields.String(
            allow_none=True, metadata={"description": "The figure in the source's words.", "example": "More than 250"}
        ),
        column="stated_words",
        sql_type="text",
        csv=_csv("stated_words", "#meta+stated"),
        body=Text(max_length=500, allow_none=True, metadata={"example": "More than 250"}),
        imported=True,
    ),
    FigureField(
        "population_group",
        fields.String(allow_none=True, metadata={"example": "civilians"}),
        column="population_group",
        sql_type="text",
        csv=_csv("population_group", "#meta+population_group"),
        filters=(
            kinds.AnyOf(
                "population_group",
                param="population_group",
                description="Population groups as the figures state them, comma-separated (exact match).",
                example=["children"],
            ),
        ),
        body=Text(max_length=200, allow_none=True, metadata={"example": "civilians"}),
        imported=True,
    ),
    _place(
        "location",
        "",
        description="Location",
        example="SY02",
        write="Location id, p-code, alias or ISO code.",
        required=True,
    ),
    _place(
        "origin",
        "origin",
        description="Displacement origin",
        example="eastern-aleppo",
        write="Displacement origin: location id, p-code, alias or ISO code; null if unknown.",
        served="Displacement: where people came from.",
    ),
    _place(
        "destination",
        "destination",
        description="Displacement destination",
        example="sheikh-maqsoud",
        write="Displacement destination: location id, p-code, alias or ISO code; null if unknown.",
        served="Displacement: where people went.",
    ),
    FigureField(
        "period_start",
        fields.Date(metadata={"description": "First day of the reference period.", "example": "2016-11-15"}),
        column="period_start",
        sql_type="date",
        csv=_csv("period_start", "#date+start"),
        filters=(
            kinds.Overlaps(
                "period_start",
                end_column="period_end",
                low="from_",
                high="to",
                make_field=kinds.partial_date,
                partial_dates=True,
                descriptions=(
                    "Reference period overlaps or ends after this date (YYYY, YYYY-MM or YYYY-MM-DD).",
                    "Reference period overlaps or starts before the end of this date (YYYY, YYYY-MM or YYYY-MM-DD).",
                ),
                examples=("2016-11", "2016"),
            ),
        ),
        body=fields.Date(metadata={"example": "2016-11-15"}),
        default=REQUIRED,
        imported=True,
    ),
    FigureField(
        "period_end",
        fields.Date(metadata={"description": "Last day of the reference period.", "example": "2016-11-27"}),
        column="period_end",
        sql_type="date",
        csv=_csv("period_end", "#date+end"),
        body=fields.Date(metadata={"example": "2016-11-27"}),
        default=REQUIRED,
        imported=True,
    ),
    FigureField(
        "stated_on",
        fields.Date(metadata={"description": "When the source stated it.", "example": "2016-11-27"}),
        column="stated_on",
        sql_type="date",
        csv=_csv("stated_on", "#date+reported"),
        filters=(
            kinds.Between(
                "stated_on",
                low="stated_from",
                high="stated_to",
                make_field=kinds.partial_date,
                partial_dates=True,
                descriptions=(
                    "Stated by the source on or after this date.",
                    "Stated by the source on or before the end of this date.",
                ),
                examples=("2016-11-27", "2016-11-30"),
            ),
        ),
        body=fields.Date(metadata={"description": "When the source stated it.", "example": "2016-11-27"}),
        default=REQUIRED,
        imported=True,
        compared=False,
    ),
    FigureField(
        "source",
        fields.Nested(SourceRefSchema),
        column="source_id",
        sql_type="text",
        json="json_source",
        csv=(
            Column("source_id", ("source", "id"), "#meta+source+code", True),
            Column("source_name", ("source", "name"), "#meta+source", True),
            Column("source_kind", ("source", "kind"), "#meta+source+type", True),
        ),
        filters=(
            kinds.AnyOf(
                "source_id",
                param="source",
                description="Source ids, comma-separated.",
                example=["sohr", "unicef"],
                known_in=("source", "/v1/sources"),
            ),
        ),
        body=_ref("Id of the source that stated the figure.", "sohr"),
        default=REQUIRED,
        imported=True,
    ),
    FigureField(
        "document",
        fields.Nested(DocumentRefSchema),
        column="document_id",
        sql_type="bigint",
        json="json_document",
        csv=(
            Column("document_id", ("document", "id"), "#meta+document+code"),
            Column("document_title", ("document", "title"), "#meta+document", True),
            Column("document_publisher_id", ("document", "publisher", "id"), "#meta+publisher+code", True),
            Column("document_publisher_name", ("document", "publisher", "name"), "#meta+publisher"),
            Column("document_url", ("document", "url"), "#meta+url", True),
            Column("document_published_on", ("document", "published_on"), "#date+published", True),
        ),
        body=row_id(metadata={"description": "Id of the document it was published in.", "example": 1}),
        default=REQUIRED,
        imported=True,
    ),
    FigureField(
        "quote",
        fields.String(
            allow_none=True,
            metadata={
                "description": "The verbatim sentence the figure comes from.",
                "example": "More than 250 civilians have been killed in the government's bombardment of eastern "
                "Aleppo over past 13 days, according to the Observatory.",
            },
        ),
        column="quote",
        sql_type="text",
        csv=_csv("quote", "#description+quote"),
        filters=(
            kinds.Search(
                "quote",
                param="q",
                example="Anjara",
                description=(
                    "Case-insensitive search in the quote, the stated words, the population group, and the "
                    "names (and aliases) of the source and places."
                ),
            ),
        ),
        body=Text(allow_none=True, metadata={"description": "The verbatim sentence."}),
        imported=True,
    ),
    FigureField(
        "status",
        fields.String(metadata={"enum": list(STATUSES), "example": "reported"}),
        column="status",
        csv=_csv("status", "#status", read=False),
        filters=(
            kinds.AnyOf(
                "status",
                param="status",
                choices=STATUSES,
                description="Statuses, comma-separated. Without it, every status but `retracted`.",
                example=["reported", "disputed"],
                default="f.status <> 'retracted'",
            ),
        ),
        body=fields.String(
            validate=one_of(SETTABLE_STATUSES),
            metadata={
                "description": "reported or verified (disputes and retractions have their own endpoints).",
                "example": "reported",
            },
        ),
        default="reported",
    ),
    FigureField(
        "status_note",
        fields.String(allow_none=True),
        column="status_note",
        csv=_csv("status_note", "#status+note", read=False),
        body=Text(max_length=2000, allow_none=True),
    ),
    FigureField(
        "disputes",
        fields.List(
            fields.Nested(DisputeSchema),
            metadata={"description": "Statements that contradict this figure.", "example": []},
        ),
        json="json_disputes",
        csv=(Column("disputed_by", ("disputes",), "#meta+disputed_by"),),
    ),
    FigureField(
        "version",
        fields.Integer(metadata={"example": 1}),
        column="version",
        csv=_csv("version", "#meta+version", read=False),
    ),
    FigureField(
        "created_at",
        fields.AwareDateTime(metadata={"example": EXAMPLE_TIME}),
        column="created_at",
        csv=_csv("created_at", "#date+created", read=False),
    ),
    FigureField(
        "updated_at",
        fields.AwareDateTime(metadata={"example": EXAMPLE_TIME}),
        column="updated_at",
        csv=_csv("updated_at", "#date+updated", read=False),
        filters=(
            kinds.Between(
                "updated_at",
                low="updated_since",
                make_field=Moment,
                descriptions=(
                    "Only figures created or changed at or after this moment (ISO 8601 with a time zone).",
                    "",
                ),
                examples=("2026-11-26T00:00:00Z", None),
            ),
        ),
    ),
    FigureField(
        "dataset",
        fields.Nested(
            FigureDatasetSchema,
            allow_none=True,
            metadata={
                "description": "The dataset the figure was imported from; null for figures entered by hand.",
                "example": None,
            },
        ),
        column="dataset_id",
        json="json_dataset",
        csv=(
            Column("dataset_id", ("dataset", "id"), "#meta+dataset+code"),
            Column("dataset_version", ("dataset", "version"), "#meta+dataset+version"),
            Column("dataset_import_id", ("dataset", "import_id"), "#meta+dataset+import"),
            Column("dataset_external_id", ("dataset", "external_id"), "#meta+dataset+id"),
        ),
        filters=(
            kinds.AnyOf(
                "dataset_id",
                param="dataset",
                example=["ucdp-ged"],
                description=("Dataset ids, comma-separated: only figures imported from them (see /v1/datasets)."),
                known_in=("dataset", "/v1/datasets"),
            ),
        ),
    ),
    FigureField(
        "latitude",
        fields.Float(
            allow_none=True,
            metadata={
                "description": "The point the figure is about, when the dataset gives one (UCDP: the event's).",
                "example": None,
            },
        ),
        column="latitude",
        sql_type="double precision",
        csv=_csv("latitude", "#geo+lat"),
        imported=True,
    ),
    FigureField(
        "longitude",
        fields.Float(allow_none=True, metadata={"example": None}),
        column="longitude",
        sql_type="double precision",
        csv=_csv("longitude", "#geo+lon"),
        imported=True,
    ),
    # Stored, and served inside `dataset`: the dataset's own codes for the figure.
    FigureField("dataset_attributes", None, column="dataset_attributes", sql_type="jsonb", imported=True),
)

BY_NAME = {declared.name: declared for declared in FIELDS}
# The top-level fields of the JSON body, in order.
JSON_FIELDS = tuple(declared for declared in FIELDS if declared.doc is not None)
COLUMNS: tuple[Column, ...] = tuple(column for declared in FIELDS for column in declared.csv)
# The CSV columns `tally import csv` reads back.
READ = tuple(column.name for column in COLUMNS if column.read)
# Fields clients write, and what a new figure holds for those left out.
BODY_FIELDS = tuple(declared for declared in FIELDS if declared.body is not None)
INSERT_DEFAULTS = {d.name: d.default for d in BODY_FIELDS if d.default is not REQUIRED}
REQUIRED_ON_CREATE = tuple(d.name for d in BODY_FIELDS if d.default is REQUIRED)
# Columns a dataset import writes from its rows; an import also sets dataset_id, external_id and import_id.
IMPORTED_COLUMNS = tuple(d.column for d in FIELDS if d.imported and d.column)
COMPARED_COLUMNS = tuple(d.column for d in FIELDS if d.imported and d.compared and d.column)
# Filters whose values must be ids of a table: parameter -> (table, where clients list them).
KNOWN_IN = {f.param: f.known_in for d in FIELDS for f in d.filters if isinstance(f, kinds.AnyOf) and f.known_in}
# Filters given as a place code that include every place inside it.
PLACE_FILTERS = tuple(f.param for d in FIELDS for f in d.filters if isinstance(f, kinds.Place))


def all_filters(exclude: Iterable[str] = ()) -> tuple[kinds.Filter, ...]:
    """Every declared filter, but those whose (first) parameter is excluded."""
    return _filters_but(frozenset(exclude))


@cache
def _filters_but(excluded: frozenset[str]) -> tuple[kinds.Filter, ...]:
    # Once per set of exclusions: naming a filter's parameters builds its fields, which every request paid.
    return tuple(f for d in FIELDS for f in d.filters if _params(f)[0] not in excluded)


def _params(declared: kinds.Filter) -> tuple[str, ...]:
    return tuple(declared.query_fields()) or (getattr(declared, "param", ""),)


def filter_fields(exclude: Iterable[str] = ()) -> dict[str, fields.Field[Any]]:
    """The query parameters of every declared filter (fresh field objects), but the excluded ones."""
    made: dict[str, fields.Field[Any]] = {}
    for declared in all_filters(exclude):
        made |= declared.query_fields()
    return made


def where(params: Mapping[str, Any], *, exclude: Iterable[str] = (), defaults: bool = True) -> sql.Composable:
    """The WHERE condition over `figure f` for these query parameters (see filters.where)."""
    return kinds.where(all_filters(exclude), params, defaults=defaults)


def column_of(name: str) -> str:
    """The figure column that stores the field called name."""
    column = BY_NAME[name].column
    assert column is not None, name
    return column


@cache
def figure_body_sql() -> sql.Composable:
    """json_build_object(...) of one figure row `f`: the body every figure endpoint serves."""
    named = queries("figures")
    pairs = []
    for declared in JSON_FIELDS:
        if declared.json:
            value: sql.Composable = sql.SQL(named[declared.json].replace("{prefix}", declared.name))
        else:
            value = sql.Identifier("f", declared.column or declared.name)
        pairs.append(sql.SQL("{}, {}").format(sql.Literal(declared.name), value))
    return sql.SQL("json_build_object({})").format(sql.SQL(", ").join(pairs))


def insert_statement(
    source: sql.Composable, columns: tuple[str, ...], values: Iterable[sql.Composable], *, returning: bool = True
) -> sql.Composed:
    """INSERT INTO figure (columns) SELECT values FROM source: the one way figures are inserted."""
    statement = sql.SQL("INSERT INTO figure ({}) SELECT {} FROM {}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(", ").join(values), source
    )
    return statement + sql.SQL(" RETURNING id, version") if returning else statement


def insert_one() -> sql.Composed:
    """Insert one figure from a client's fields (named by their API names, with INSERT_DEFAULTS filled in)."""
    columns = tuple(column_of(d.name) for d in BODY_FIELDS)
    return insert_statement(sql.SQL("(SELECT 1) AS one"), columns, (sql.Placeholder(d.name) for d in BODY_FIELDS))


def figure_etag(version: int, body: str) -> str:
    """A figure's entity tag: its version, which If-Match compares, and a digest of the body served, which moves
    when a rename of its source, document or places rebuilds the body without a new version."""
    return f'"v{version}-{hashlib.blake2b(body.encode(), digest_size=4).hexdigest()}"'
