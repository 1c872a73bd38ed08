"""The ways a figure field filters, each giving its query parameters and its SQL condition.

A filter is declared on a figure field (service/figure.py). From the
declarations come the query arguments of every figure read and the one WHERE
builder every query over `figure f` uses: a filter adds its condition only when
its parameter is given, so no query carries `%(x)s IS NULL OR ...`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError, fields, validate
from psycopg import sql

from .db import queries
from .schemas.common import PartialDate, csv_list

FieldFactory = Callable[[], fields.Field[Any]]


def _column(name: str) -> sql.Composable:
    return sql.Identifier("f", name)


@dataclass(frozen=True)
class Filter:
    """A filter on one figure column."""

    column: str

    def query_fields(self) -> dict[str, fields.Field[Any]]:
        """The query parameters it reads, by the name the loaded arguments use."""
        raise NotImplementedError

    def conditions(self, params: Mapping[str, Any]) -> list[sql.Composable]:
        """Its conditions for the parameters given (params hold no Nones)."""
        raise NotImplementedError

    def check(self, data: dict[str, Any]) -> None:
        """Refuse arguments that contradict each other (ValidationError)."""

    def prepare(self, data: dict[str, Any]) -> None:
        """Turn loaded arguments into query parameters, in place."""


@dataclass(frozen=True)
class AnyOf(Filter):
    """Figures whose column is one of the values given (?source=sohr,unicef)."""

    param: str = ""
    description: str = ""
    example: list[str] = field(default_factory=list)
    choices: tuple[str, ...] | None = None
    # The table whose ids the values must be, and where clients list them: an unknown one is a 422.
    known_in: tuple[str, str] | None = None
    # Applied when the parameter is absent and the reader asks for defaults.
    default: str | None = None
    # Internal filters (ids) take no query parameter.
    public: bool = True

    def query_fields(self) -> dict[str, fields.Field[Any]]:
        if not self.public:
            return {}
        return {self.param: csv_list(self.choices, description=self.description, example=self.example)}

    def conditions(self, params: Mapping[str, Any]) -> list[sql.Composable]:
        if self.param not in params:
            return []
        return [sql.SQL("{} = ANY({})").format(_column(self.column), sql.Placeholder(self.param))]

    def default_condition(self) -> sql.Composable | None:
        """What holds when the parameter is absent (e.g. not retracted)."""
        return sql.SQL(self.default) if self.default else None


@dataclass(frozen=True)
class Place(AnyOf):
    """Figures at a place or anywhere inside it: the code (id, p-code, alias or ISO code) names the place,
    resolved to its subtree's ids."""

    def query_fields(self) -> dict[str, fields.Field[Any]]:
        return {
            self.param: fields.String(
                validate=validate.Length(min=1, error="Give a location id or p-code."),
                metadata={"description": self.description, "example": self.example[0]},
            )
        }


@dataclass(frozen=True)
class Between(Filter):
    """Figures whose column lies between an optional lower and an optional upper bound, both included.

    A partial date (YYYY, YYYY-MM) as a lower bound means its first day, as an
    upper bound its last day.
    """

    low: str | None = None
    high: str | None = None
    make_field: FieldFactory = fields.String
    descriptions: tuple[str, str] = ("", "")
    examples: tuple[object, object] = (None, None)
    partial_dates: bool = False

    def query_fields(self) -> dict[str, fields.Field[Any]]:
        made: dict[str, fields.Field[Any]] = {}
        for name, description, example in zip((self.low, self.high), self.descriptions, self.examples, strict=True):
            if name:
                made[name] = self.make_field()
                made[name].metadata = {"description": description, "example": example, **made[name].metadata}
                if name.endswith("_"):  # from_ is ?from (a Python keyword)
                    made[name].data_key = name.rstrip("_")
        return made

    def conditions(self, params: Mapping[str, Any]) -> list[sql.Composable]:
        made: list[sql.Composable] = []
        for name, operator in ((self.low, ">="), (self.high, "<=")):
            if name and name in params:
                made.append(sql.SQL("{} {} {}").format(_column(self.column), sql.SQL(operator), sql.Placeholder(name)))
        return made

    def check(self, data: dict[str, Any]) -> None:
        if not (self.low and self.high and self.low in data and self.high in data):
            return
        low, high = data[self.low], data[self.high]
        if self.partial_dates:
            low, high = low[0], high[1]
        if low > high:
            shown = self.low.rstrip("_")
            raise ValidationError(
                f"{shown} must not be {'later' if self.partial_dates else 'greater'} than {self.high}.",
                field_name=shown,
            )

    def prepare(self, data: dict[str, Any]) -> None:
        if self.partial_dates:
            for name, bound in ((self.low, 0), (self.high, 1)):
                if name in data:
                    data[name] = data[name][bound]


@dataclass(frozen=True)
class Overlaps(Between):
    """Figures whose reference period (column to end_column) overlaps the period from..to."""

    end_column: str = ""

    def conditions(self, params: Mapping[str, Any]) -> list[sql.Composable]:
        made: list[sql.Composable] = []
        if self.low is not None and self.low in params:
            made.append(sql.SQL("{} >= {}").format(_column(self.end_column), sql.Placeholder(self.low)))
        if self.high is not None and self.high in params:
            made.append(sql.SQL("{} <= {}").format(_column(self.column), sql.Placeholder(self.high)))
        return made


@dataclass(frozen=True)
class Search(Filter):
    """Case-insensitive search; its SQL is the named block `where_<param>` of figures.sql."""

    param: str = "q"
    description: str = ""
    example: str = ""

    def query_fields(self) -> dict[str, fields.Field[Any]]:
        return {
            self.param: fields.String(
                validate=validate.Length(min=2, max=200),
                metadata={"description": self.description, "example": self.example},
            )
        }

    def conditions(self, params: Mapping[str, Any]) -> list[sql.Composable]:
        if self.param not in params:
            return []
        return [sql.SQL(queries("figures")[f"where_{self.param}"])]

    def prepare(self, data: dict[str, Any]) -> None:
        if self.param in data:
            data[self.param] = contains_pattern(data[self.param])


def contains_pattern(text: str) -> str:
    """An ILIKE pattern matching any text that contains text as written (its %, _ and \\ taken literally)."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def partial_date() -> fields.Field[Any]:
    """A YYYY, YYYY-MM or YYYY-MM-DD query parameter."""
    return PartialDate()


def where(filters: Iterable[Filter], params: Mapping[str, Any], *, defaults: bool = True) -> sql.Composable:
    """The conditions of every filter whose parameter is given, joined by AND (true when none is).

    With defaults, a filter whose parameter is absent adds its default
    condition (the status filter's "not retracted").
    """
    conditions: list[sql.Composable] = []
    for declared in filters:
        made = declared.conditions(params)
        if not made and defaults and isinstance(declared, AnyOf):
            default = declared.default_condition()
            if default is not None:
                made = [default]
        conditions.extend(made)
    return sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true")
