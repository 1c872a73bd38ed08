"""Schemas and fields shared by every resource."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from marshmallow.schema import SchemaMeta
from webargs.fields import DelimitedList

from ..pagination import encode_cursor

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Moment(fields.AwareDateTime):
    """A moment given with its time zone, loaded in UTC.

    Python accepts offsets up to ±23:59 but PostgreSQL only ±15:59: in UTC every moment Python reads is one
    PostgreSQL takes, and one whose UTC falls outside years 1 to 9999 is refused here rather than there.
    """

    default_error_messages = {"range": "Out of range: in UTC this moment falls outside years 1 to 9999."}  # noqa: RUF012 marshmallow's convention: a class-level dict it reads, never mutates

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> dt.datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError as error:
            raise self.make_error("range") from error


class PartialDate(fields.Field[tuple[dt.date, dt.date]]):
    """A date given as YYYY, YYYY-MM or YYYY-MM-DD, loaded as the (first, last) day it covers."""

    default_error_messages = {"invalid": "Not a date: use YYYY, YYYY-MM or YYYY-MM-DD."}  # noqa: RUF012 marshmallow's convention: a class-level dict it reads, never mutates

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {"pattern": _PARTIAL_DATE.pattern} | kwargs["metadata"]
        super().__init__(**kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> tuple[dt.date, dt.date]:
        match = _PARTIAL_DATE.match(str(value))
        if not match:
            raise self.make_error("invalid")
        # The pattern nests the day inside the month: a day comes with a month.
        year = int(match[1])
        month = int(match[2]) if match[2] else None
        day = int(match[3]) if match[3] else None
        try:
            if month is None:
                return dt.date(year, 1, 1), dt.date(year, 12, 31)
            if day is None:
                return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
            first = dt.date(year, month, day)
            return first, first
        except ValueError:
            raise self.make_error("invalid") from None


def one_of(choices: tuple[str, ...]) -> validate.OneOf:
    """A OneOf validator whose message lists the accepted values."""
    return validate.OneOf(choices, error=f"Must be one of: {', '.join(choices)}.")


class ValueList(DelimitedList):
    """Values given comma-separated (source=sohr,unicef), or with the parameter repeated
    (source=sohr&source=unicef), or both: a plain DelimitedList kept the first repeat and silently
    dropped the others."""

    is_multiple = True  # webargs hands over every repeat

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list):
            value = self.delimiter.join(value)
        return super()._deserialize(value, attr, data, **kwargs)  # type: ignore[no-untyped-call]


def csv_list(choices: tuple[str, ...] | None = None, *, data_key: str | None = None, **metadata: Any) -> DelimitedList:
    """A list of values (source=sohr,unicef or source=sohr&source=unicef), each optionally from choices."""
    inner = fields.String(validate=one_of(choices)) if choices else fields.String(validate=validate.Length(min=1))
    return ValueList(
        inner, data_key=data_key, metadata=metadata, validate=validate.Length(min=1, error="Give at least one value.")
    )


class QuerySchema(Schema):
    """Query arguments: an unknown parameter is an error, never silently ignored."""

    class Meta:
        unknown = RAISE


# Rows per page of a list, when the request gives no limit.
DEFAULT_PAGE_SIZE = 50


class PageQuerySchema(QuerySchema):
    """Cursor pagination."""

    limit = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=500, error="Must be between 1 and 500."),
        metadata={"description": "Rows per page (default 50, at most 500).", "example": 50},
    )
    cursor = fields.String(
        metadata={
            "description": "Opaque cursor from the `next` link of the previous page.",
            "example": encode_cursor(5),  # after the fifth figure: `next` of /v1/figures?limit=5
        },
    )


class _EveryFieldRequired(SchemaMeta):
    """Marks every declared field of a schema required, inherited ones too."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> SchemaMeta:
        schema = super().__new__(mcs, name, bases, attrs)
        for declared in schema._declared_fields.values():
            declared.required = True
        return schema


class ResponseSchema(Schema, metaclass=_EveryFieldRequired):
    """A response body: every documented field is always present (null where it may be null), and no other.

    Required only documents the shape (responses are never loaded); unknown
    fields are refused by marshmallow's default, which apispec documents as
    additionalProperties: false.
    """


# When the examples' rows were written (the seed's load).
EXAMPLE_TIME = "2026-11-26T10:00:00+00:00"
# A figure's entity tag, as service.figure.figure_etag makes it: its version and a digest of its body (which
# includes its timestamps, so every database's seed figures have tags of their own).
EXAMPLE_FIGURE_ETAG = '"v1-5f1c07a2"'
# The server the examples' URLs name (`make run`'s).
EXAMPLE_SERVER = "http://127.0.0.1:8000"


def next_page(path: str, after: int | str, query: str = "") -> fields.String:
    """A page's `next`: its example, the URL of the page after the example's one row (limit=1, and query)."""
    return fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "URL of the next page, or null on the last page.",
            "example": f"{EXAMPLE_SERVER}{path}?limit=1{query}&cursor={encode_cursor(after)}",
        },
    )


class PageSchema(ResponseSchema):
    """One page of a collection."""

    next = next_page("/v1/figures", 4)


class ProblemFieldSchema(Schema):
    """What was wrong with one field."""

    in_ = fields.String(data_key="in", metadata={"description": "query, json, path or headers", "example": "query"})
    field = fields.String(
        allow_none=True, metadata={"description": "Null when the problem is the body as a whole.", "example": "limit"}
    )
    messages = fields.List(fields.String(), metadata={"example": ["Must be between 1 and 500."]})


class ProblemSchema(Schema):
    """An error, as application/problem+json (RFC 9457)."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(metadata={"example": "Unprocessable Entity"})
    status = fields.Integer(metadata={"example": 422})
    detail = fields.String(metadata={"example": "limit: Must be between 1 and 500."})
    instance = fields.String(metadata={"example": "/v1/figures"})
    errors = fields.List(
        fields.Nested(ProblemFieldSchema), metadata={"description": "Field errors, for validation problems."}
    )
    # Extension members (RFC 9457, section 3.2) some problems carry.
    existing_id = fields.Integer(
        metadata={"description": "409 on a figure entered twice: the figure that holds this statement.", "example": 4}
    )
    existing = fields.String(
        metadata={"description": "409 on a figure entered twice: its URL.", "example": "/v1/figures/4"}
    )
    current_etag = fields.String(
        metadata={"description": "412: the ETag of the version that stands now.", "example": '"v2-9b03d4e1"'}
    )
    result = fields.Dict(
        metadata={
            "description": "422 on an import rejected whole: its report, as an import's "
            "result (ImportResult), with the rows at fault."
        }
    )
    offered = fields.List(
        fields.String(),
        metadata={
            "description": "406: the media types the operation answers in (ask for one with Accept, or with "
            "`format` where the operation takes it).",
            "example": ["application/json", "application/geo+json"],
        },
    )


def ensure_ordered(data: Mapping[str, Any], first: str, last: str, *, name: str) -> None:
    """Reject a partial-date range whose start comes after its end."""
    if first in data and last in data and data[first][0] > data[last][1]:
        raise ValidationError(f"{name} must not be later than {last}.", field_name=name)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Text(fields.String):
    """A string that PostgreSQL can store as given: no NUL or control characters, valid Unicode."""

    default_error_messages = {  # noqa: RUF012 marshmallow's convention: a class-level dict it reads, never mutates
        "control": "Must not contain control characters (such as NUL).",
        "unicode": "Must be valid Unicode (no unpaired surrogates).",
        "blank": "Must not be blank.",
    }

    def __init__(self, *, max_length: int = 10_000, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _CONTROL.search(text):
            raise self.make_error("control")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("unicode") from None
        if not text.strip():
            raise self.make_error("blank")
        return text


# The largest value a PostgreSQL bigint holds.
BIGINT_MAX = 2**63 - 1


def row_id(**kwargs: Any) -> fields.Integer:
    """The id of a row, as a body gives it: a JSON integer from 1 to the largest bigint."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=BIGINT_MAX), **kwargs)


def count(*, strict: bool = True, **kwargs: Any) -> fields.Integer:
    """A whole, non-negative number of people that fits the database (strict: JSON numbers only)."""
    return fields.Integer(strict=strict, validate=validate.Range(min=0, max=BIGINT_MAX), **kwargs)
