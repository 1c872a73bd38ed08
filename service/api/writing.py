"""What every write endpoint shares: who is writing, ETags and If-Match, safe retries."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import ParamSpec

import orjson
from flask import Response, current_app, g, request

from ..errors import PreconditionFailed, PreconditionRequired, TallyError, UnprocessableEntity
from ..figure import figure_etag
from ..repositories import idempotency
from . import connection

# The largest version a figure's integer column holds.
INTEGER_MAX = 2**31 - 1
# If-Match compares strongly (RFC 9110, section 13.1.1): a weak tag matches no version. It compares the version
# (the digest may be left out): a rename of a figure's source or place changes its body, not the figure.
_ETAG = re.compile(r'^"v(\d+)(?:-[0-9a-f]{8})?"$')
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Headers replayed to a retry along with the stored body.
_REPLAYED_HEADERS = ("Location", "ETag", "Content-Type")


def actor() -> str:
    """Who is writing: the API key's name (never the key)."""
    name: str = g.api_key["name"]
    return name


def if_match_versions(*, required: bool) -> list[int] | None:
    """The versions If-Match allows (None: any, for `*` or an absent optional header)."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise PreconditionRequired()
        return None
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        return None
    # A version past PostgreSQL's integer cannot exist: such a tag names no version, like a malformed one.
    versions = [v for v in (int(m.group(1)) for m in map(_ETAG.match, tags) if m) if v <= INTEGER_MAX]
    if not versions:
        raise PreconditionFailed(
            f'If-Match {header!r} names no version of this resource (ETags look like "v3-5f1c07a2").'
        )
    return versions


def figure_response(body: str, version: int, *, status: int = 200, location: str | None = None) -> Response:
    """A figure's JSON with its ETag (and Location, for a new figure)."""
    headers = {"ETag": figure_etag(version, body)} | ({"Location": location} if location else {})
    return Response(body, status=status, mimetype="application/json", headers=headers)


class IdempotencyKeyReused(UnprocessableEntity):
    """This Idempotency-Key was used with a different request; use a new key for a new request."""


class InvalidIdempotencyKey(TallyError):
    """Idempotency-Key must be 1 to 255 visible ASCII characters."""


def _fingerprint(payload: object) -> bytes:
    """The request as parsed, so a retry with other whitespace or key order still matches."""
    canonical = orjson.dumps([request.method, request.path, payload], option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(canonical).digest()


_P = ParamSpec("_P")


def idempotent(view: Callable[_P, Response]) -> Callable[_P, Response]:
    """Make a POST safe to retry with an Idempotency-Key header (kept IDEMPOTENCY_TTL_HOURS)."""

    @functools.wraps(view)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not re.fullmatch(r"[\x21-\x7e]{1,255}", key):
            raise InvalidIdempotencyKey()
        fingerprint = _fingerprint(args[-1] if args else None)
        ttl = current_app.config["TALLY_SETTINGS"].idempotency_ttl_hours
        with connection() as conn:  # one transaction: the claim, the work and the stored response
            stored = idempotency.claim(conn, api_key_id=g.api_key["id"], key=key, ttl_hours=ttl)
            if stored is not None:
                if bytes(stored["request_hash"]) != fingerprint:
                    raise IdempotencyKeyReused()
                return Response(
                    bytes(stored["response_body"]),
                    status=stored["response_status"],
                    headers=stored["response_headers"] | {"Idempotent-Replayed": "true"},
                )
            response = view(*args, **kwargs)
            headers = {name: response.headers[name] for name in _REPLAYED_HEADERS if name in response.headers}
            idempotency.remember(
                conn,
                api_key_id=g.api_key["id"],
                key=key,
                request_hash=fingerprint,
                status=response.status_code,
                body=response.get_data(),
                headers=headers,
            )
        return response

    return wrapper
