"""HTTP resources: one Blueprint per resource, thin MethodViews."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import flask_smorest
from flask import Response, current_app, g
from webargs.flaskparser import FlaskParser

from ..db import Connection, pool_connection

POOL_KEY = "tally.pool"
API_KEY = "tally.api"


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, but each schema's Meta.unknown decides about unknown fields.

    webargs would otherwise silently drop unknown query parameters, and a typo
    in a filter would return everything.
    """

    ARGUMENTS_PARSER = FlaskParser(unknown=None)


@contextmanager
def connection() -> Iterator[Connection]:
    """This request's unit of work: commits when the outermost block ends, rolls back on error.

    Nested blocks share the outer block's connection and transaction, so a
    wrapper (such as the idempotency check) and the view commit together.
    """
    outer = g.get("tally_connection")
    if outer is not None:
        yield outer
        return
    with pool_connection(current_app.extensions[POOL_KEY]) as conn:
        g.tally_connection = conn
        try:
            yield conn
        finally:
            g.pop("tally_connection")


def json_response(body: str | bytes, status: int = 200) -> Response:
    """A response whose JSON body is already built (by the database, or by orjson)."""
    return Response(body, status=status, mimetype="application/json")
