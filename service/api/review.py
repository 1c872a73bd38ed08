"""The review page of an extraction: the text with every candidate's words marked, a card per candidate, and
accept / correct / reject buttons; and the page that submits a text.

Server-rendered from the extraction as GET /v1/extractions/{id} serves it, with no script or style from another
origin (the CSP refuses any). The page's script sends the API key the reader types only as an Authorization
header of its own requests: never in a URL, a cookie or storage.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, send_from_directory

from ..errors import Unauthorized
from ..repositories import extractions
from ..schemas.extractions import MAX_TEXT
from ..vocabulary import COUNT_KINDS, METRIC_IDS, QUALIFIERS
from . import connection
from .docs import PAGES

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_ASSETS = ("review.js", "review.css")

blp = Blueprint("review", __name__, template_folder=PAGES.parent)


class ReadsNeedAKey(Unauthorized):
    """Reads need an API key here (REQUIRE_READ_KEY): review extractions through the API."""


def _page(template: str, **context: Any) -> Response:
    if current_app.config["TALLY_SETTINGS"].require_read_key:
        raise ReadsNeedAKey()
    response = Response(render_template(template, **context))
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/review/extractions/new")
def new_extraction() -> Response:
    """A form that submits a text and its document, then opens its review."""
    return _page("docs/review-new.html", max_text=MAX_TEXT)


@blp.get("/review/extractions/<int:extraction_id>")
def review(extraction_id: int) -> Response:
    """The extraction's text with its candidates marked, and a card per candidate."""
    with connection() as conn:
        extraction = extractions.get_extraction(conn, extraction_id=extraction_id)
    context = {"metrics": METRIC_IDS, "qualifiers": QUALIFIERS, "count_kinds": COUNT_KINDS}
    return _page("docs/review.html", extraction=extraction, segments=segments(extraction), **context)


@blp.get("/review/<any(review.js, review.css):name>")
def asset(name: str) -> Response:
    """The page's own script and style."""
    return send_from_directory(PAGES, name)


def segments(extraction: dict[str, Any]) -> list[tuple[str, int | None]]:
    """The text cut into (words, candidate number or None): each candidate's stated words apart, to be marked."""
    text, cuts, at = extraction["text"], [], 0
    for candidate in sorted(extraction["candidates"], key=lambda c: c["span"][0]):
        start, end = candidate["span"]
        if start < at:  # overlapping spans are not proposed; should one be, it stays unmarked
            continue
        cuts += [(text[at:start], None), (text[start:end], candidate["n"])]
        at = end
    return [*cuts, (text[at:], None)]
