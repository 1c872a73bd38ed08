"""Figures as CSV, NDJSON and GeoJSON written by PostgreSQL: COPY of the flattened columns, or of the
figures' JSON, read in chunks. (NDJSON and GeoJSON: see JsonRows at the end.)

The columns are service/figure.py's CSV columns (figure.COLUMNS), in order;
each reads the value its JSON path holds in the figure body: a column of the
figure, or of the block that flattens one of its fields (exports.sql, one per
JSON block of figures.sql). The rows are the figures figure.where selects, in
the request's order, as of a past moment if asked.

The bytes are those of Python's csv module writing the JSON figures (what
Tally served before): each cell is the text of the JSON value (a string as it
is, a number or a date as JSON writes it), an empty cell for null or an empty
string, and RFC 4180 quoting (a cell is quoted when it holds a comma, a quote,
CR or LF; quotes are doubled). The two ways differ in three places, which
cell_sql() and Lines absorb:

- COPY quotes an empty string ("") and writes NULL as nothing; csv writes
  both as nothing, except when a row has one cell, which it quotes ("").
  So a cell is NULL for empty text, or '' when there is only one column.
- COPY ends a row with LF, csv with CRLF (RFC 4180). COPY sends one message
  per row, so Lines replaces the last byte of each row; a quoted LF inside a
  cell stays as it is, as csv writes it.
- COPY quotes a row whose one cell is `\\.` (its end-of-data marker); csv does not.

Timestamps are written in UTC, dates in ISO 8601, and floats with the shortest
exact digits, whatever the server's TimeZone, DateStyle or extra_float_digits
(session_settings).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any

from psycopg import sql

from .. import figure
from ..db import Connection, queries
from ..figure import Column
from .figures import ordering

# How much CSV a chunk of the response holds, at least (one row more than this at most).
CHUNK_BYTES = 128 * 1024
# At most this many rows a chunk, whatever their size: each row read is an object of its own, and the rows of
# figures a GeoJSON export leaves out are three bytes each (\N), 43,000 of them in CHUNK_BYTES: 8 MB of objects.
CHUNK_ROWS = 2048

# The settings that decide how PostgreSQL writes a timestamp, a date or a float, for this transaction.
SESSION_SETTINGS = {"TimeZone": "UTC", "DateStyle": "ISO, MDY", "extra_float_digits": "1"}
# An export is one backend's work (no parallel workers): it costs the database what the old cursor did,
# however long it streams, and one pg_terminate_backend ends it.
EXPORT_SETTINGS = SESSION_SETTINGS | {"max_parallel_workers_per_gather": "0"}

# Type oids of the cells that are not written as their text output is: timestamptz, date, float8, bool.
_TIMESTAMPTZ, _TIMESTAMP, _DATE, _FLOAT8, _FLOAT4, _BOOL = 1184, 1114, 1082, 701, 700, 16
_NUMERIC_AND_TEXT = {20, 21, 23, 25, 1043, 19}  # int8, int2, int4, text, varchar, name


def _source(column: Column) -> sql.Composable:
    """Where a column's value is: the figure's own column, or the joined block of its field."""
    declared = figure.BY_NAME[column.path[0]]
    if declared.json:
        return sql.Identifier(declared.name, "_".join(column.path[1:]) or declared.name)
    assert len(column.path) == 1, column
    return sql.Identifier("f", declared.column or declared.name)


def _joins(columns: Iterable[Column]) -> sql.Composable:
    """The blocks that flatten the fields with JSON of their own (places, source, document, ...)."""
    named = queries("exports")
    fields = dict.fromkeys(column.path[0] for column in columns)
    blocks = [
        sql.SQL(named["csv_" + declared.json.removeprefix("json_")].replace("{prefix}", declared.name))
        for declared in (figure.BY_NAME[name] for name in fields)
        if declared.json
    ]
    return sql.SQL("\n").join(blocks)


_types: dict[str, int] = {}


def column_types(conn: Connection) -> dict[str, int]:
    """Column name -> the type oid of its value (asked of PostgreSQL once per process)."""
    if not _types:
        query = sql.SQL("SELECT {columns} FROM (SELECT f.* FROM figure f WHERE false) f {joins} LIMIT 0").format(
            columns=sql.SQL(", ").join(
                sql.SQL("{} AS {}").format(_source(c), sql.Identifier(c.name)) for c in figure.COLUMNS
            ),
            joins=_joins(figure.COLUMNS),
        )
        cursor = conn.execute(query)
        assert cursor.description is not None
        _types.update({d.name: d.type_code for d in cursor.description})
    return _types


def cell_sql(column: Column, type_oid: int, *, alone: bool) -> sql.Composable:
    """The text of one cell, as csv wrote the JSON value; alone: the only column of the export."""
    value = _source(column)
    if type_oid in (_TIMESTAMPTZ, _TIMESTAMP, _DATE):
        text: sql.Composable = sql.SQL("to_json({}) #>> '{{}}'").format(value)  # the JSON body's own text
    elif type_oid in (_FLOAT8, _FLOAT4):
        # JSON's -0 is read as the integer 0.
        text = sql.SQL("CASE WHEN {} = 0 THEN '0' ELSE {}::text END").format(value, value)
    elif type_oid == _BOOL:
        text = sql.SQL("CASE WHEN {} THEN 'True' ELSE 'False' END").format(value)
    elif type_oid in _NUMERIC_AND_TEXT:
        text = sql.SQL("{}::text").format(value)
    else:
        raise TypeError(f"CSV column {column.name} has a type CSV cannot write (oid {type_oid})")
    wrapped = "coalesce({}, '')" if alone else "nullif({}, '')"
    return sql.SQL(wrapped).format(text)


def _figures(params: dict[str, Any], *, as_of: dt.datetime | None, sort: str, defaults: bool) -> sql.Composable:
    """The figure rows params select (as they stood at as_of, if given), after the cursor in params, if any."""
    named = queries("exports")
    where = figure.where(params, defaults=defaults)
    if "after" in params:
        where = sql.SQL("{} AND {}").format(where, ordering(sort)[2])
    return sql.SQL(named["figures_as_of" if as_of else "live_figures"]).format(where=where)


def copy_statement(
    conn: Connection,
    columns: list[Column],
    params: dict[str, Any],
    *,
    as_of: dt.datetime | None,
    sort: str = "id",
    defaults: bool = True,
) -> sql.Composed:
    """COPY ... TO STDOUT (FORMAT csv) of the figures params select (see figures.filter_params), in sort order.

    Its parameters are params with as_of; ids in params (with defaults=False) selects those figures only.
    """
    named = queries("exports")
    types = column_types(conn)
    alone = len(columns) == 1
    cells = [
        sql.SQL("{} AS {}").format(cell_sql(c, types[c.name], alone=alone), sql.Identifier(c.name)) for c in columns
    ]
    return sql.SQL(named["figure_export"]).format(
        columns=sql.SQL(", ").join(cells),
        figures=_figures(params, as_of=as_of, sort=sort, defaults=defaults),
        joins=_joins(columns),
        order=ordering(sort)[0],
    )


def _body(as_of: dt.datetime | None) -> sql.Composable:
    """A figure's JSON text, as the JSON lists serve it: the stored body, or built from its row as it stood."""
    body = figure.figure_body_sql() if as_of else sql.SQL(queries("figures")["stored_body"])
    return sql.SQL("({})::text").format(body)


def _json(as_of: dt.datetime | None, fields: list[str] | None) -> sql.Composable:
    """A figure's JSON (as json), with only the fields asked for, in the body's order, if any."""
    if not fields:
        return sql.SQL("{}::json").format(_body(as_of))
    pairs = [
        sql.SQL("{}, b.body -> {}").format(sql.Literal(d.name), sql.Literal(d.name))
        for d in figure.JSON_FIELDS
        if d.name in fields
    ]
    return sql.SQL("(SELECT json_build_object({}) FROM (SELECT {}::json AS body) b)").format(
        sql.SQL(", ").join(pairs), _body(as_of)
    )


def json_statement(
    params: dict[str, Any],
    *,
    geojson: bool,
    as_of: dt.datetime | None,
    fields: list[str] | None,
    sort: str = "id",
    defaults: bool = True,
) -> sql.Composed:
    """COPY ... TO STDOUT of the figures params select, in sort order, one JSON text a row: the figure as the
    JSON list has it (NDJSON), or its GeoJSON Feature (geojson), NULL for a figure without a point.

    Its parameters are those of copy_statement; fields keeps only those fields of each figure.
    """
    named = queries("exports")
    if geojson:
        line: sql.Composable = sql.SQL(named["figure_feature"]).format(properties=_json(as_of, fields))
        joins: sql.Composable = sql.SQL(named["figure_point"])
    else:
        line = sql.SQL("{}::text").format(_json(as_of, fields)) if fields else _body(as_of)
        joins = sql.SQL("")
    return sql.SQL(named["json_export"]).format(
        line=line,
        figures=_figures(params, as_of=as_of, sort=sort, defaults=defaults),
        joins=joins,
        order=ordering(sort)[0],
    )


def location_statement() -> sql.Composed:
    """COPY ... TO STDOUT of the locations the list selects (catalogue.sql's list_locations, with its parameters),
    in its order, one GeoJSON Feature a row: NULL for a location without a centroid."""
    list_query = sql.SQL(queries("catalogue")["list_locations"])
    return sql.SQL(queries("exports")["location_export"]).format(locations=list_query)


def copy_params(params: dict[str, Any], as_of: dt.datetime | None) -> dict[str, Any]:
    """The parameters of copy_statement's statement."""
    return params | {"as_of": as_of}


def use_export_settings(conn: Connection, *, statement_timeout_ms: int | None = None) -> None:
    """EXPORT_SETTINGS for the rest of this transaction (and statement_timeout, if given)."""
    settings = EXPORT_SETTINGS | (
        {} if statement_timeout_ms is None else {"statement_timeout": str(statement_timeout_ms)}
    )
    conn.execute(
        sql.SQL("SELECT {}").format(
            sql.SQL(", ").join(
                sql.SQL("set_config({}, {}, true)").format(name, value) for name, value in settings.items()
            )
        )
    )


def batches(rows: Iterator[Any]) -> Iterator[list[Any]]:
    """COPY's rows (one per message) in lists of at least CHUNK_BYTES, or of CHUNK_ROWS rows (the last one
    smaller)."""
    pending: list[Any] = []
    size = 0
    for row in rows:
        pending.append(row)
        size += len(row)
        if size >= CHUNK_BYTES or len(pending) >= CHUNK_ROWS:
            yield pending
            pending, size = [], 0
    if pending:
        yield pending


class Lines:
    """COPY's rows (one per message, LF-terminated) as CSV lines (CRLF-terminated), in chunks."""

    def __init__(self, *, alone: bool) -> None:
        self.alone = alone

    def chunks(self, rows: Iterator[Any]) -> Iterator[bytes]:
        """The rows in chunks of at least CHUNK_BYTES (the last one smaller), each row ending in CRLF."""
        for batch in batches(rows):
            yield self.crlf(batch)

    def crlf(self, rows: list[Any]) -> bytes:
        """The rows joined, each one's final LF made CRLF."""
        data = b"".join(rows)
        if data.count(b"\n") == len(rows) and not self.alone:  # no cell holds a line break: every LF ends a row
            return data.replace(b"\n", b"\r\n")
        return b"".join(self._line(bytes(row)) for row in rows)

    def _line(self, row: bytes) -> bytes:
        if self.alone and row == b'"\\."\n':  # COPY quotes its end-of-data marker; csv does not
            return b"\\.\r\n"
        return row[:-1] + b"\r\n"


class JsonRows:
    """COPY's rows (text format) of one JSON text each, as NDJSON lines or as the members of a JSON array
    (separator b","), in chunks. A NULL row is one left out (a figure without a point), counted in left_out.

    COPY's text format escapes a backslash, and control characters, with a backslash. The JSON texts
    PostgreSQL writes (json_build_object, the stored bodies) hold no control character: their strings escape
    them (\\n, \\u0001) and only spaces stand between their tokens. So a doubled backslash is the only escape
    COPY adds to them, and undoing it gives back each text exactly, ending in its row's LF.
    """

    NULL = b"\\N\n"

    def __init__(self, *, separator: bytes = b"\n") -> None:
        self.separator = separator
        self.left_out = 0

    def chunks(self, rows: Iterator[Any]) -> Iterator[bytes]:
        """The texts in chunks, one a batch of rows (b"" when every row of a batch was left out)."""
        written = False
        for batch in batches(rows):
            kept = [row for row in batch if row != self.NULL]
            self.left_out += len(batch) - len(kept)
            data = b"".join(kept).replace(b"\\\\", b"\\")
            if data and self.separator != b"\n":
                data = (self.separator if written else b"") + data[:-1].replace(b"\n", self.separator)
            written = written or bool(data)
            yield data


def copy_out(
    conn: Connection,
    statement: sql.Composed,
    params: dict[str, Any],
    encode: Callable[[Iterator[Any]], Iterator[bytes]],
) -> Generator[bytes, None, None]:
    """Run a COPY ... TO STDOUT statement and yield its rows as encode writes them (Lines, JsonRows), in chunks."""
    with conn.cursor() as cursor, cursor.copy(statement, params) as copy:
        yield from encode(iter(copy))


class FirstRowDeadline:
    """Cancels a connection's statement unless its first row came within seconds (started() says it did).

    An export's COPY runs without a statement timeout (it lasts as long as the export), so this stands for the
    timeout until the first row: a query that takes too long to start answering is cancelled, as
    statement_timeout would cancel it, and is a 504 before any byte is sent.
    """

    def __init__(self, conn: Connection, seconds: float) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._done = False
        self._timer = threading.Timer(seconds, self._cancel)
        self._timer.daemon = True

    def __enter__(self) -> FirstRowDeadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.started()

    def started(self) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()

    def _cancel(self) -> None:
        with self._lock:
            if self._done:
                return
            self._done = True
        self._conn.cancel_safe()
