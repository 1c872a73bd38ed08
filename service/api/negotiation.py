"""Content negotiation: the format of a response, from ?format= or else from Accept, and 406 when Accept allows
none of the formats an operation answers in.

A view declares its formats with `offers` (names of formats.FORMATS, the default first); a view that declares
none answers in JSON only. Every request under /v1/ is checked before any work (check_acceptable): an Accept
header that none of its view's media types satisfies is a 406 problem listing them. No Accept, an empty one,
`*/*` or `application/*` leave the choice to the view: its first format. `?format=` wins over Accept: a
request that gives it is not negotiated (its view's schema checks the value). Errors are problem+json
whatever Accept says: a client cannot ask them away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import flask_smorest
from flask import current_app, request

from ..errors import TallyError
from ..formats import FORMATS, JSON, media_types

_View = TypeVar("_View", bound=Callable[..., Any])
# The attribute of a view function that holds its formats (functools.wraps carries it through decorators).
_FORMATS = "tally_formats"
JSON_ONLY = ("json",)
# The paths whose requests are negotiated: the API's (the docs and the probes answer as they do).
NEGOTIATED_PREFIX = "/v1/"


class NotAcceptable(TallyError):
    """Accept names no media type this operation answers in."""

    status = 406
    title = "Not acceptable"
    headers: ClassVar[Mapping[str, str]] = {"Vary": "Accept"}


def offers(names: tuple[str, ...], content: Mapping[str, Mapping[str, Any]] | None = None) -> Callable[[_View], _View]:
    """Declare the formats a view answers in, the first unless the request asks for another. With content, document
    them in its 200 response beside the JSON flask-smorest documents: content maps each other media type to its
    OpenAPI media type object (schema, example)."""
    if content is not None:
        assert set(content) == set(media_types(names)) - {JSON}, (names, list(content))

    def decorate(view: _View) -> _View:
        if content is not None:
            view = flask_smorest.Blueprint.doc(responses={200: {"content": dict(content)}})(view)
        setattr(view, _FORMATS, names)
        return view

    return decorate


def offered() -> tuple[str, ...]:
    """The formats the view of this request answers in."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    method = request.method.lower()
    if view_class is not None:
        view = getattr(view_class, method, None) or getattr(view_class, "get" if method == "head" else method, None)
    names: tuple[str, ...] = getattr(view, _FORMATS, JSON_ONLY)
    return names


def negotiate(names: tuple[str, ...]) -> str | None:
    """The format Accept asks for among names: the first when Accept is absent or leaves the choice open, else the
    first whose media type Accept prefers; None when Accept allows none of them."""
    if not request.headers.get("Accept", "").strip():
        return names[0]
    best = request.accept_mimetypes.best_match(media_types(names))
    return next((name for name in names if FORMATS[name].media_type == best), None)


def requested_format(names: tuple[str, ...], args: Mapping[str, Any]) -> str:
    """The format a request asks for: ?format= if given, else Accept's choice (text/csv is HXL with hxl=true)."""
    if args.get("format"):
        fmt: str = args["format"]
        return fmt
    chosen = negotiate(names) or names[0]  # check_acceptable refused the request if Accept allowed none
    return "hxl" if chosen == "csv" and args.get("hxl") and "hxl" in names else chosen


def refusal(names: tuple[str, ...], accept: str) -> NotAcceptable:
    """The 406 of an operation answering in these formats, to a request whose Accept header allows none."""
    choose = f" Or choose one with ?format= ({', '.join(names)})." if len(names) > 1 else ""
    types = media_types(names)
    return NotAcceptable(
        f"This operation answers in {', '.join(types)}; the Accept header ({accept}) allows none of them.{choose}",
        offered=types,
    )


def check_acceptable() -> None:
    """Before a request under /v1/: a 406 when Accept allows none of its view's formats, before any work."""
    if request.method == "OPTIONS" or request.endpoint is None or not request.path.startswith(NEGOTIATED_PREFIX):
        return
    if "format" in request.args:
        return
    names = offered()
    if negotiate(names) is None:
        raise refusal(names, request.headers["Accept"])
