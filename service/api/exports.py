"""Figures as CSV, HXL-tagged CSV, NDJSON or GeoJSON, and locations as GeoJSON, streamed: an export of any size
starts at once and holds one chunk at a time.

PostgreSQL writes the rows (COPY, repositories/exports.py); Python only what comes before and after them (a
CSV's header lines, a FeatureCollection's opening and closing members). Without a limit an export holds every
match, after the cursor if one is given; with a limit it is the JSON page's rows, with the Link to the next.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import orjson
from flask import Response, current_app, request, stream_with_context
from psycopg import sql

from .. import formats
from ..db import Connection, Pool, pool_connection, transaction
from ..pagination import link_header, split_page
from ..repositories import catalogue, exports, figures, locations
from . import connection, release_connection, request_server

_FEATURE_COLLECTION = b'{"type":"FeatureCollection","features":['


def _nothing_after(_next_url: str | None) -> bytes:
    return b""


@dataclass
class Export:
    """How one format writes what a COPY statement selects: before, the rows (encoder), after."""

    media_type: str
    encoder: exports.Lines | exports.JsonRows
    head: bytes = b""
    # What follows the rows, given the next page's URL (None for an export of everything).
    tail: Callable[[str | None], bytes] = _nothing_after
    # The download's file name extension, if it is saved as a file (an attachment).
    attachment: str | None = None


def _metric_hashtag(conn: Connection, metrics: list[str] | None) -> str | None:
    """The HXL hashtag of the one metric an export holds, if it holds one."""
    if not metrics or len(metrics) != 1:
        return None
    hashtag: str | None = next((m["hxl_hashtag"] for m in catalogue.list_metrics(conn) if m["id"] == metrics[0]), None)
    return hashtag


def _features(reason: str) -> Export:
    """A GeoJSON FeatureCollection; its foreign members say how many were left out and why, and the next page."""
    encoder = exports.JsonRows(separator=b",")

    def tail(next_url: str | None) -> bytes:
        members = {"left_out": {"count": encoder.left_out, "reason": reason}, "next": next_url}
        return b"]," + orjson.dumps(members)[1:]

    return Export(formats.GEOJSON, encoder, _FEATURE_COLLECTION, tail)


def _figure_export(
    conn: Connection, fmt: str, *, fields: list[str] | None, metrics: list[str] | None, bom: bool
) -> tuple[Export, Callable[..., sql.Composed]]:
    """How figures are written in fmt, and the COPY statement that selects them (given params, as_of, sort and
    defaults, as exports.copy_statement)."""
    if fmt in ("csv", "hxl"):
        columns = formats.columns_for(fields)
        head = (codecs.BOM_UTF8 if bom else b"") + formats.header_lines(
            columns, hxl=fmt == "hxl", metric_hashtag=_metric_hashtag(conn, metrics)
        )
        csv = Export(formats.CSV, exports.Lines(alone=len(columns) == 1), head, attachment="csv")
        return csv, lambda params, **kw: exports.copy_statement(conn, columns, params, **kw)
    if fmt == "ndjson":
        ndjson = Export(formats.NDJSON, exports.JsonRows())
        return ndjson, lambda params, **kw: exports.json_statement(params, geojson=False, fields=fields, **kw)
    assert fmt == "geojson", fmt
    features = _features(formats.FIGURE_WITHOUT_POINT)
    return features, lambda params, **kw: exports.json_statement(params, geojson=True, fields=fields, **kw)


def figure_export(
    fmt: str,
    *,
    filters: dict[str, Any],
    after: tuple[int, object] | None,
    limit: int | None,
    as_of: dt.datetime | None,
    fields: list[str] | None,
    sort: str,
    bom: bool = False,
) -> Response:
    """The figures a query selects in fmt (a name of formats.FORMATS but json): one page when limit is given, else
    all of them, streamed."""
    with connection() as conn:  # resolve filters first: a bad one is a 422, not a broken stream
        params = figures.filter_params(conn, filters=filters, after=after)
        export, statement = _figure_export(conn, fmt, fields=fields, metrics=filters.get("metric"), bom=bom)
        if limit is not None:
            # The page's figures are those of the JSON page (which also gives the next page's cursor).
            rows, next_url = split_page(
                figures.list_figures(conn, filters=filters, after=after, limit=limit, as_of=as_of, sort=sort),
                limit,
                sort,
            )
            page = {"ids": [row["id"] for row in rows]}
            copy = statement(page, as_of=as_of, sort=sort, defaults=False)
            return _page(conn, export, copy, exports.copy_params(page, as_of), next_url)
        copy = statement(params, as_of=as_of, sort=sort)
    return _streamed(export, copy, exports.copy_params(params, as_of))


def location_export(*, filters: dict[str, Any], after: str | None, limit: int | None) -> Response:
    """The locations a list selects (locations.location_filters) as GeoJSON: one page when limit is given, else all
    of them, streamed."""
    params = filters | {"after": after, "limit": limit}
    export = _features(formats.LOCATION_WITHOUT_POINT)
    if limit is not None:
        with connection() as conn:
            _, next_url = split_page(locations.list_locations(conn, filters=filters, after=after, limit=limit), limit)
            return _page(conn, export, exports.location_statement(), params, next_url)
    return _streamed(export, exports.location_statement(), params)


def _page(
    conn: Connection, export: Export, statement: sql.Composed, params: dict[str, Any], next_url: str | None
) -> Response:
    """One page, whole, with the Link to the next."""
    with transaction(conn):  # the export's settings hold for this transaction only (a read's statements autocommit)
        exports.use_export_settings(conn)
        rows = b"".join(exports.copy_out(conn, statement, params, export.encoder.chunks))
    return _response(export, export.head + rows + export.tail(next_url), link_header(next_url))


def _streamed(export: Export, statement: sql.Composed, params: dict[str, Any]) -> Response:
    """Everything the statement selects, streamed on a connection of the export's own."""
    # The export holds a connection of its own for as long as it streams; the request's goes back first,
    # so a request never holds two.
    release_connection()
    timeout_s = current_app.config["TALLY_SETTINGS"].statement_timeout_ms / 1000
    stream = _stream(request_server().pool, statement, params, export.encoder.chunks, timeout_s)
    # The query runs, and its first rows are read, before the 200 is sent: an error then (a statement
    # timeout, the database gone) is a problem document, never an empty or cut export that looks whole.
    # An error after the first byte leaves the generator, and the server closes the connection without
    # the last chunk, so a client can tell a cut export from a complete one.
    first = next(stream, b"")
    return _response(export, stream_with_context(_resumed(export.head + first, stream, export.tail)), {})


def _resumed(first: bytes, rest: Generator[bytes, None, None], tail: Callable[[str | None], bytes]) -> Iterator[bytes]:
    """first, then rest, then the tail; closing this closes rest (a client gone mid-export frees its connection)."""
    try:
        yield first
        yield from rest
        last = tail(None)
        if last:
            yield last
    finally:
        rest.close()


def _stream(
    pool: Pool,
    statement: sql.Composed,
    params: dict[str, Any],
    encode: Callable[[Iterator[Any]], Iterator[bytes]],
    first_row_s: float,
) -> Generator[bytes, None, None]:
    """The export, chunk by chunk, on a pooled connection held until the last chunk is sent.

    The COPY lasts as long as the export, so it runs without a statement timeout; its first rows must come
    within the timeout all the same (exports.FirstRowDeadline), or it is cancelled as the timeout would.
    """
    with pool_connection(pool) as conn, transaction(conn):
        exports.use_export_settings(conn, statement_timeout_ms=0)
        # closing: a client gone mid-export ends the COPY before the transaction ends.
        with closing(exports.copy_out(conn, statement, params, encode)) as chunks:
            with exports.FirstRowDeadline(conn, first_row_s) as deadline:
                first = next(chunks, None)
                deadline.started()
            if first is not None:
                yield first
                # A batch whose every row was left out (GeoJSON) writes nothing: an empty chunk would end the body.
                yield from (chunk for chunk in chunks if chunk)


def _response(export: Export, body: bytes | Iterator[bytes], headers: dict[str, str]) -> Response:
    """The export's response; a CSV is a download saved under the collection's name: figures.csv, ..."""
    response = Response(body, mimetype=export.media_type, headers=headers)
    if export.attachment:
        name = request.path.rsplit("/", 1)[-1]
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{export.attachment}"'
    return response
