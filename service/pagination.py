"""Keyset pagination: opaque cursors, page bodies and the Link header."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload
from urllib.parse import urlencode

import orjson
from flask import Response, request

from .errors import TallyError


class InvalidCursor(TallyError):
    """The cursor is not one Tally issued; start again without it or use a `next` link as given."""

    title = "Invalid cursor"


def encode_cursor(last_id: int | str, **extra: object) -> str:
    """An opaque token that resumes a listing after last_id (extra: the sort and its key)."""
    return base64.urlsafe_b64encode(orjson.dumps({"after": last_id, **extra})).decode().rstrip("=")


def _load(cursor: str) -> dict[str, Any]:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursor() from None
    if not isinstance(data, dict) or "after" not in data:
        raise InvalidCursor()
    return data


_Id = TypeVar("_Id", bound=int | str)
# The largest id PostgreSQL's bigint holds, and the longest text id Tally issues.
BIGINT_MAX = 2**63 - 1
_MAX_TEXT_ID = 300


def _valid(value: object, id_type: type) -> bool:
    """Whether value is an id Tally could have put in a cursor: a bigint, or text without control characters."""
    if isinstance(value, bool) or not isinstance(value, id_type):
        return False
    if isinstance(value, int):
        return 0 <= value <= BIGINT_MAX
    return isinstance(value, str) and len(value) <= _MAX_TEXT_ID and value.isprintable()


def _after(data: dict[str, Any], id_type: type[_Id]) -> _Id:
    after = data["after"]
    if not _valid(after, id_type):
        raise InvalidCursor()
    return after  # type: ignore[no-any-return]


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bigint(value: object) -> int:
    if not _valid(value, int):
        raise InvalidCursor()
    return value  # type: ignore[return-value]


def _date(value: object) -> dt.date:
    """A date as Tally writes it (YYYY-MM-DD): Python also reads week dates and other forms PostgreSQL refuses."""
    try:
        if isinstance(value, str) and _ISO_DATE.match(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidCursor()


def _moment(value: object) -> dt.datetime:
    """A moment with its time zone, in UTC: PostgreSQL refuses offsets beyond ±15:59, which Python reads."""
    try:
        if isinstance(value, str) and (moment := dt.datetime.fromisoformat(value)).tzinfo is not None:
            return moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        pass
    raise InvalidCursor()


# How to read a sort key of each SQL type from a cursor, where Tally wrote the value the database returned, as
# JSON; anything else is an InvalidCursor, so a forged key is a 400 and never reaches the database.
_KEY_READERS: dict[str, Callable[[object], object]] = {"bigint": _bigint, "date": _date, "timestamptz": _moment}


@overload
def decode_cursor(cursor: str | None) -> int | None: ...
@overload
def decode_cursor(cursor: str | None, id_type: type[_Id]) -> _Id | None: ...
def decode_cursor(cursor: str | None, id_type: type[_Id] | type[int] = int) -> _Id | int | None:
    """The id a cursor resumes after; InvalidCursor if it was not made by encode_cursor."""
    if cursor is None:
        return None
    return _after(_load(cursor), id_type)


def decode_sorted_cursor(cursor: str | None, sort: str, key_type: str) -> tuple[int, object] | None:
    """(id, sort key) a cursor of a sorted listing resumes after; it must come from the same sort, and its key
    must be a value of key_type (the sort column's SQL type), so a tampered cursor is a 400, never a 500."""
    if cursor is None:
        return None
    data = _load(cursor)
    after = _after(data, int)
    if data.get("sort", "id") != sort:
        raise InvalidCursor("This cursor belongs to another sort order; start again without it.")
    return after, _KEY_READERS[key_type](data.get("key", after))


def _next_url(cursor: str) -> str:
    """This request's URL, same filters, with the cursor of the next page."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    return f"{request.base_url}?{urlencode([*args, ('cursor', cursor)])}"


def split_page(rows: list[dict[str, Any]], limit: int, sort: str = "id") -> tuple[list[dict[str, Any]], str | None]:
    """A page's rows and the URL of the next page; rows may hold one extra, which means "more"."""
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    cursor = encode_cursor(last["id"]) if sort == "id" else encode_cursor(last["id"], key=last["sort_key"], sort=sort)
    return rows[:limit], _next_url(cursor)


def link_header(next_url: str | None) -> dict[str, str]:
    """The Link header of a page that has a next one."""
    return {"Link": f'<{next_url}>; rel="next"'} if next_url else {}


def page_response(
    rows: list[dict[str, Any]],
    limit: int,
    *,
    fields: list[str] | None = None,
    sort: str = "id",
    members: Mapping[str, Any] | None = None,
) -> Response:
    """A JSON page from rows of (id, body as JSON text), with only the given fields if any, and the page's other
    members (a figure page's total) after data and next."""
    rows, next_url = split_page(rows, limit, sort)
    bodies = [row["body"] for row in rows] if not fields else [_only(row["body"], fields) for row in rows]
    body = b'{"data":[' + ",".join(bodies).encode() + b'],"next":' + orjson.dumps(next_url)
    body += b"".join(b"," + orjson.dumps(name) + b":" + orjson.dumps(value) for name, value in (members or {}).items())
    body += b"}"
    return Response(body, mimetype="application/json", headers=link_header(next_url))


def _only(body: str, fields: list[str]) -> str:
    """A JSON object reduced to the given keys, in its own order."""
    return orjson.dumps({k: v for k, v in orjson.loads(body).items() if k in fields}).decode()
