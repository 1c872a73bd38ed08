"""Content negotiation: the format of a response, from ?format= or else from Accept.

A view declares its formats with `offers` (names of formats.FORMATS, the default first). No Accept, an empty
one, `*/*` or `application/*` leave the choice to the view: its first format. `?format=` wins over Accept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import flask_smorest
from flask import request

from ..formats import FORMATS, JSON, media_types

_View = TypeVar("_View", bound=Callable[..., Any])


def offers(names: tuple[str, ...], content: Mapping[str, Mapping[str, Any]] | None = None) -> Callable[[_View], _View]:
    """Declare the formats a view answers in, the first unless the request asks for another. With content, document
    them in its 200 response beside the JSON flask-smorest documents: content maps each other media type to its
    OpenAPI media type object (schema, example)."""
    if content is not None:
        assert set(content) == set(media_types(names)) - {JSON}, (names, list(content))

    def decorate(view: _View) -> _View:
        if content is not None:
            view = flask_smorest.Blueprint.doc(responses={200: {"content": dict(content)}})(view)
        return view

    return decorate


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
    chosen = negotiate(names) or names[0]
    return "hxl" if chosen == "csv" and args.get("hxl") and "hxl" in names else chosen
