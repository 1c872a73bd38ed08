"""Keyset pagination: opaque cursors, page bodies and the Link header."""
from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

import orjson
from flask import Response, request

from .errors import TallyError


class InvalidCursor(TallyError):
    """The cursor is not one Tally issued; start again without it or use a `next` link as given."""

    title = "Invalid cursor"


def encode_cursor(last_id: int | str) -> str:
    """An opaque token that resumes a listing after last_id."""
    return base64.urlsafe_b64encode(orjson.dumps({"after": last_id})).decode().rstrip("=")


def decode_cursor(cursor: str | None, id_type: type = int) -> int | str | None:
    """The id a cursor resumes after; InvalidCursor if it was not made by encode_cursor."""
    if cursor is None:
        return None
    try:
        after = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["after"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise InvalidCursor() from None
    if not isinstance(after, id_type) or isinstance(after, bool):
        raise InvalidCursor()
    return after


def _next_url(cursor: str) -> str:
    """This request's URL, same filters, with the cursor of the next page."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    return f"{request.base_url}?{urlencode([*args, ('cursor', cursor)])}"


def page_response(rows: list[dict], limit: int) -> Response:
    """A JSON page from rows of (id, body as JSON text); rows may hold one extra, which means "more"."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = _next_url(encode_cursor(rows[-1]["id"])) if more else None
    body = b'{"data":[' + ",".join(row["body"] for row in rows).encode() + b'],"next":' + orjson.dumps(next_url) + b"}"
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return Response(body, mimetype="application/json", headers=headers)
