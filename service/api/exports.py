"""Figures as CSV or HXL-tagged CSV, streamed: an export of any size starts at once and holds one batch."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Generator, Iterator
from contextlib import closing
from typing import Any

from flask import Response, current_app, request, stream_with_context
from psycopg import sql

from .. import formats
from ..db import Connection, Pool, pool_connection, transaction
from ..pagination import link_header, split_page
from ..repositories import catalogue, exports, figures
from . import POOL_KEY, connection, release_connection

CSV_MIMETYPE = formats.CSV


def requested_format(args: dict[str, Any]) -> str:
    """A name of formats.FORMATS: from ?format=, else from Accept (text/csv, with ?hxl=true for HXL)."""
    if args.get("format"):
        fmt: str = args["format"]
        return fmt
    best = request.accept_mimetypes.best_match([formats.JSON, formats.CSV], default=formats.JSON)
    if best == formats.CSV:
        return "hxl" if args.get("hxl") else "csv"
    return "json"


def _metric_hashtag(conn: Connection, metrics: list[str] | None) -> str | None:
    """The HXL hashtag of the one metric an export holds, if it holds one."""
    if not metrics or len(metrics) != 1:
        return None
    hashtag: str | None = next((m["hxl_hashtag"] for m in catalogue.list_metrics(conn) if m["id"] == metrics[0]), None)
    return hashtag


def csv_response(
    *,
    filters: dict[str, Any],
    after: tuple[int, object] | None,
    limit: int | None,
    as_of: dt.datetime | None,
    fields: list[str] | None,
    fmt: str,
    sort: str,
    bom: bool = False,
) -> Response:
    """The figures a query selects in a CSV format: one page when limit is given, else all of them, streamed.

    PostgreSQL writes the rows (COPY, repositories/exports.py); Python only the header lines (after a UTF-8
    byte order mark, if bom).
    """
    columns = formats.columns_for(fields)
    alone = len(columns) == 1
    with connection() as conn:  # resolve filters first: a bad one is a 422, not a broken stream
        params = figures.filter_params(conn, filters=filters, after=after)
        head = (codecs.BOM_UTF8 if bom else b"") + formats.header_lines(
            columns, hxl=fmt == "hxl", metric_hashtag=_metric_hashtag(conn, filters.get("metric"))
        )
        if limit is not None:
            # The page's figures are those of the JSON page (which also gives the next page's cursor).
            rows, next_url = split_page(
                figures.list_figures(conn, filters=filters, after=after, limit=limit, as_of=as_of, sort=sort),
                limit,
                sort,
            )
            page = {"ids": [row["id"] for row in rows]}
            exports.use_export_settings(conn)
            statement = exports.copy_statement(conn, columns, page, as_of=as_of, sort=sort, defaults=False)
            body = head + b"".join(exports.copy_csv(conn, statement, exports.copy_params(page, as_of), alone=alone))
            return _csv(body, link_header(next_url))
        statement = exports.copy_statement(conn, columns, params, as_of=as_of, sort=sort)
    # The export holds a connection of its own for as long as it streams; the request's goes back first,
    # so a request never holds two.
    release_connection()
    timeout_s = current_app.config["TALLY_SETTINGS"].statement_timeout_ms / 1000
    stream = _stream(current_app.extensions[POOL_KEY], statement, exports.copy_params(params, as_of), alone, timeout_s)
    # The query runs, and its first rows are read, before the 200 is sent: an error then (a statement
    # timeout, the database gone) is a problem document, never an empty or cut export that looks whole.
    # An error after the first byte leaves the generator, and the server closes the connection without
    # the last chunk, so a client can tell a cut export from a complete one.
    first = next(stream, b"")
    return _csv(stream_with_context(_resumed(head + first, stream)), {})


def _resumed(first: bytes, rest: Generator[bytes, None, None]) -> Iterator[bytes]:
    """first, then rest; closing this closes rest (a client gone mid-export frees its connection)."""
    try:
        yield first
        yield from rest
    finally:
        rest.close()


def _stream(
    pool: Pool, statement: sql.Composed, params: dict[str, Any], alone: bool, first_row_s: float
) -> Generator[bytes, None, None]:
    """The export, chunk by chunk, on a pooled connection held until the last chunk is sent.

    The COPY lasts as long as the export, so it runs without a statement timeout; its first rows must come
    within the timeout all the same (exports.FirstRowDeadline), or it is cancelled as the timeout would.
    """
    with pool_connection(pool) as conn, transaction(conn):
        exports.use_export_settings(conn, statement_timeout_ms=0)
        # closing: a client gone mid-export ends the COPY before the transaction ends.
        with closing(exports.copy_csv(conn, statement, params, alone=alone)) as chunks:
            with exports.FirstRowDeadline(conn, first_row_s) as deadline:
                first = next(chunks, None)
                deadline.started()
            if first is not None:
                yield first
                yield from chunks


def _csv(body: bytes | Iterator[bytes], headers: dict[str, str]) -> Response:
    """A CSV download, saved under the collection's name: figures.csv, civilians-killed.csv, ..."""
    response = Response(body, mimetype=CSV_MIMETYPE, headers=headers)
    response.headers["Content-Disposition"] = f'attachment; filename="{request.path.rsplit("/", 1)[-1]}.csv"'
    return response
