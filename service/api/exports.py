"""Figures as CSV or HXL-tagged CSV, streamed: an export of any size starts at once and holds one batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Response, request, stream_with_context

from .. import formats
from ..db import Connection
from ..pagination import link_header, split_page
from ..repositories import catalogue, figures
from . import connection

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
    return _csv(stream_with_context(_stream(params, as_of, sort, lambda rows: write(rows, columns, hashtag))), {})


def _stream(
    params: dict[str, Any],
    as_of: dt.datetime | None,
    sort: str,
    write: Callable[[Iterable[str]], Iterator[bytes]],
) -> Iterator[bytes]:
    """The export, batch by batch, on the request's connection, held until the last batch is sent."""
    with connection() as conn:
        yield from write(figures.stream_figures(conn, params=params, as_of=as_of, sort=sort))


def _csv(body: bytes | Iterator[bytes], headers: dict[str, str]) -> Response:
    response = Response(body, mimetype=CSV_MIMETYPE, headers=headers)
    response.headers["Content-Disposition"] = 'inline; filename="figures.csv"'
    return response
