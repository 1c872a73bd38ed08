"""HTTP caching for pollers: ETag and Last-Modified on every read, 304 before any work.

Collections derive their validators from one data-version row that every
write moves on (migration 0005), so answering If-None-Match costs a single
primary-key lookup, never a rebuilt body. A figure's own ETag is its version
(the part If-Match compares) and a digest of its body, set by its view.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.utils import format_datetime, parsedate_to_datetime

from flask import Response, current_app, g, request

from ..repositories import caching, locations
from . import connection

# Endpoints whose view sets its own ETag.
SELF_VALIDATED = {"figures.FigureById"}
# Where reads are validated (and so may answer 304): the API, not the probes or the docs.
VALIDATED_PREFIX = "/v1/"


def sends_validators(method: str, path: str, endpoint: str | None) -> bool:
    """Whether a request's answer carries the data version's validators: a read of the API, unless its view
    validates itself."""
    return (
        method in ("GET", "HEAD")
        and path.startswith(VALIDATED_PREFIX)
        and endpoint is not None
        and endpoint not in SELF_VALIDATED
    )


def _cacheable() -> bool:
    return sends_validators(request.method, request.path, request.endpoint)


def _cache_control() -> str:
    """Revalidate every time; keep keyed reads out of shared caches."""
    return "private, no-cache" if current_app.config["TALLY_SETTINGS"].require_read_key else "no-cache"


def etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match comparison (weak, as RFC 9110 asks for GET)."""
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _not_modified_since(changed_at: dt.datetime) -> bool:
    header = request.headers.get("If-Modified-Since")
    if header is None or "If-None-Match" in request.headers:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says
    return since.tzinfo is not None and changed_at.replace(microsecond=0) <= since


def client_is_current(etag: str, changed_at: dt.datetime) -> bool:
    """The client's copy, named by If-None-Match (or, without it, dated by If-Modified-Since), is current."""
    return etag_matches(request.headers.get("If-None-Match"), etag) or _not_modified_since(changed_at)


def with_validators(response: Response, etag: str, changed_at: dt.datetime) -> Response:
    """A read's response with its validators and how to cache it."""
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = format_datetime(changed_at.astimezone(dt.UTC), usegmt=True)
    response.headers["Cache-Control"] = _cache_control()
    response.vary.update(("Accept", "Authorization"))
    return response


def check_cache() -> Response | None:
    """Before a read: answer 304 if the client's copy is current, else note the validators."""
    locations.request_data_version.set(None)  # a thread or greenlet serves many requests
    if not _cacheable():
        return None
    with connection() as conn:
        state = caching.data_version(conn)
    locations.request_data_version.set(state["version"])
    digest = hashlib.sha256(request.full_path.encode() + request.headers.get("Accept", "").encode()).hexdigest()[:16]
    g.validators = (f'W/"{state["version"]}-{digest}"', state["changed_at"])
    if client_is_current(*g.validators):
        return add_validators(Response(status=304))
    return None


def add_validators(response: Response) -> Response:
    """After a read: send the validators noted before it."""
    validators = g.get("validators")
    if validators and response.status_code in (200, 304):
        with_validators(response, *validators)
    return response
