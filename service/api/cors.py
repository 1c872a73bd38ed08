"""Cross-origin requests from browsers: dashboards read from anywhere, only listed sites write.

flask-cors answers preflights and adds the Access-Control-* headers for the
union of both lists. A CORS policy cannot tell reads from writes (its methods
apply to every origin it allows), so a write from an origin outside
CORS_WRITE_ORIGINS is refused here, before any work: its preflight fails (a
403 is not the "ok" status a browser needs to go on), and the write itself,
sent by a page that skipped the preflight, changes nothing. Same-origin
requests (the docs' "Try it out") are always allowed.
"""

from __future__ import annotations

from flask import Flask, request
from flask_cors import CORS

from ..config import Settings
from ..errors import TallyError

# What a page may read of a response besides the CORS-safelisted headers: validators, paging,
# rate limits, where a created resource is, whether a retry was replayed, a download's name, which server answered
# and a write's consistency token (to send back with the reads that must see it).
EXPOSED_HEADERS = (
    "ETag",
    "Last-Modified",
    "Link",
    "Location",
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
    "Idempotent-Replayed",
    "Content-Disposition",
    "Tally-Server",
    "Tally-Consistency",
)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# A preflight may be cached this long (seconds).
PREFLIGHT_MAX_AGE = 600


class CrossOriginWriteRefused(TallyError):
    """Writes are accepted from the origins in CORS_WRITE_ORIGINS only."""

    status = 403
    title = "Cross-origin write refused"


def init_cors(app: Flask, settings: Settings) -> None:
    """Answer preflights and add CORS headers to /v1/ and the OpenAPI document; refuse unlisted writers."""
    origins = list(dict.fromkeys(settings.cors_read_origins + settings.cors_write_origins))
    if not origins:
        return
    CORS(
        app,
        resources={r"/v1/*": {}, "/openapi.json": {}},
        origins=origins,
        expose_headers=list(EXPOSED_HEADERS),
        max_age=PREFLIGHT_MAX_AGE,
        vary_header=True,
    )
    write_origins = settings.cors_write_origins

    @app.before_request
    def refuse_writes_from_unlisted_origins() -> None:
        origin = request.headers.get("Origin")
        method = request.method
        if method == "OPTIONS":
            method = request.headers.get("Access-Control-Request-Method", "").upper()
        if origin is None or method not in WRITE_METHODS or origin in write_origins or "*" in write_origins:
            return
        if origin == request.host_url.rstrip("/"):
            return
        raise CrossOriginWriteRefused(
            f"Writes from {origin} are refused: only the origins in CORS_WRITE_ORIGINS may write"
            + (f" ({', '.join(write_origins)})." if write_origins else ", and it lists none.")
        )
