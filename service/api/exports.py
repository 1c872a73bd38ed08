"""Figures as CSV or HXL-tagged CSV, streamed: an export of any size starts at once and holds one batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any

from flask import Response, current_app, request, stream_with_context

from .. import formats
from ..db import Connection, Pool, pool_connection, transaction
from ..pagination import link_header, split_page
from ..repositories import catalogue, figures
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
) -> Response:
    """The figures a query selects in a CSV format: one page when limit is given, else all of them, streamed."""
    columns = formats.columns_for(fields)
    _, write = formats.FORMATS[fmt]
    assert write is not None  # only JSON has no writer, and JSON is not served here
    with connection() as conn:  # resolve filters first: a bad one is a 422, not a broken stream
        params = figures.filter_params(conn, filters=filters, after=after)
        hashtag = _metric_hashtag(conn, filters.get("metric"))
        if limit is not None:
            rows, next_url = split_page(
                figures.list_figures(conn, filters=filters, after=after, limit=limit, as_of=as_of, sort=sort),
                limit,
                sort,
            )
            body = b"".join(write([row["body"] for row in rows], columns, hashtag))
            return _csv(body, link_header(next_url))
    # The export holds a connection of its own for as long as it streams; the request's goes back first,
    # so a request never holds two.
    release_connection()
    stream = _stream(current_app.extensions[POOL_KEY], params, as_of, sort, lambda rows: write(rows, columns, hashtag))
    # The query runs, and its first rows are written, before the 200 is sent: an error then (a statement
    # timeout, the database gone) is a problem document, never an empty or cut export that looks whole.
    # An error after the first byte leaves the generator, and the server closes the connection without
    # the last chunk, so a client can tell a cut export from a complete one.
    first = next(stream)
    return _csv(stream_with_context(_resumed(first, stream)), {})


def _resumed(first: bytes, rest: Generator[bytes, None, None]) -> Iterator[bytes]:
    """first, then rest; closing this closes rest (a client gone mid-export frees its connection)."""
    try:
        yield first
        yield from rest
    finally:
        rest.close()


def _stream(
    pool: Pool,
    params: dict[str, Any],
    as_of: dt.datetime | None,
    sort: str,
    write: Callable[[Iterable[str]], Iterator[bytes]],
) -> Generator[bytes, None, None]:
    """The export, batch by batch, on a pooled connection held until the last batch is sent."""
    with pool_connection(pool) as conn, transaction(conn):
        yield from write(figures.stream_figures(conn, params=params, as_of=as_of, sort=sort))


def _csv(body: bytes | Iterator[bytes], headers: dict[str, str]) -> Response:
    response = Response(body, mimetype=CSV_MIMETYPE, headers=headers)
    response.headers["Content-Disposition"] = 'inline; filename="figures.csv"'
    return response
